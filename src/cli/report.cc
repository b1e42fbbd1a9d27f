#include "cli/report.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/time.h"

namespace freshwatch::cli {
namespace {

using model::Status;

std::string_view colour_of(Status s) {
  switch (s) {
    case Status::kFresh: return "\x1b[32m";
    case Status::kWarn: return "\x1b[33m";
    case Status::kError: return "\x1b[31m";
    case Status::kUnknown: return "\x1b[90m";
  }
  return "";
}

std::optional<core::Duration> age_of(const model::AssetState& s, core::TimePoint now) {
  if (s.evaluation.age) return s.evaluation.age;
  if (s.evaluation.changed_at) return std::max(core::Duration(0), now - *s.evaluation.changed_at);
  return std::nullopt;
}

std::string short_time(core::TimePoint t) {
  return date::format("%Y-%m-%d %H:%M", std::chrono::floor<std::chrono::minutes>(t));
}

std::string reason_of(const model::AssetState& s) {
  const auto& e = s.evaluation;
  if (e.error.empty() || e.reason.find(e.error) != std::string::npos) return e.reason;
  if (e.reason.empty()) return e.error;
  return fmt::format("{}: {}", e.reason, e.error);
}

std::string time_or_null(const std::optional<core::TimePoint>& t) {
  return t ? json_string(core::format_timestamp(*t)) : "null";
}

std::string counts_json(const model::StatusCounts& c) {
  return fmt::format(R"({{"fresh": {}, "warn": {}, "error": {}, "unknown": {}, "total": {}}})",
                     c[Status::kFresh], c[Status::kWarn], c[Status::kError], c[Status::kUnknown],
                     c.total());
}

}  // namespace

std::vector<const model::AssetState*> select_leaves(const model::Snapshot& snapshot,
                                                    const std::optional<model::Selector>& select) {
  std::vector<const model::AssetState*> rows;
  for (const auto& s : snapshot.assets) {
    if (model::is_container(s.asset->kind) && s.asset->kind != model::AssetKind::kDashboard) continue;
    if (select && !model::matches(*select, *s.asset)) continue;
    rows.push_back(&s);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
    const int sa = model::severity(a->evaluation.status), sb = model::severity(b->evaluation.status);
    return sa != sb ? sa > sb : a->asset->key < b->asset->key;
  });
  return rows;
}

bool at_or_above(Status status, Status level) {
  return model::severity(status) >= model::severity(level);
}

std::string render_table(const model::Snapshot& snapshot,
                         std::span<const model::AssetState* const> rows, bool color) {
  struct Line {
    Status status;
    std::string cells[4];  // asset, changed, age, reason
  };
  std::vector<Line> lines;
  lines.reserve(rows.size());
  std::size_t widths[4] = {5, 13, 3, 6};
  for (const auto* s : rows) {
    Line l{s->evaluation.status, {}};
    l.cells[0] = s->asset->key;
    l.cells[1] = s->evaluation.changed_at ? short_time(*s->evaluation.changed_at) : "never";
    const auto age = age_of(*s, snapshot.generated_at);
    l.cells[2] = age ? core::format_age(*age) : "-";
    l.cells[3] = reason_of(*s);
    for (int i = 0; i < 3; ++i) widths[i] = std::max(widths[i], l.cells[i].size());
    lines.push_back(std::move(l));
  }
  std::string out;
  out += fmt::format("{:<8} {:<{}}  {:<{}}  {:>{}}  {}\n", "STATUS", "ASSET", widths[0], "CHANGED (UTC)",
                     widths[1], "AGE", widths[2], "REASON");
  for (const auto& l : lines) {
    const auto status = model::to_string(l.status);
    if (color)
      out += fmt::format("{}{:<8}\x1b[0m", colour_of(l.status), status);
    else
      out += fmt::format("{:<8}", status);
    out += fmt::format(" {:<{}}  {:<{}}  {:>{}}  {}\n", l.cells[0], widths[0], l.cells[1],
                       widths[1], l.cells[2], widths[2], l.cells[3]);
  }
  model::StatusCounts counts;
  for (const auto* s : rows) counts[s->evaluation.status] += 1;
  out += fmt::format("\n{} assets: {} fresh, {} warn, {} error, {} unknown (as of {})\n",
                     counts.total(), counts[Status::kFresh], counts[Status::kWarn],
                     counts[Status::kError], counts[Status::kUnknown],
                     core::format_timestamp(snapshot.generated_at));
  for (const auto& c : snapshot.connections) {
    if (!c.error.empty()) out += fmt::format("connection {} failed: {}\n", c.name, c.error);
    for (const auto& w : c.warnings) out += fmt::format("connection {} warning: {}\n", c.name, w);
  }
  return out;
}

std::string render_json(const model::Snapshot& snapshot,
                        std::span<const model::AssetState* const> rows, Status fail_on,
                        bool failed) {
  model::StatusCounts counts;
  for (const auto* s : rows) counts[s->evaluation.status] += 1;
  std::string out = "{\n";
  out += fmt::format("  \"generated_at\": {},\n  \"timezone\": {},\n  \"fail_on\": {},\n"
                     "  \"failed\": {},\n  \"summary\": {},\n  \"connections\": [",
                     json_string(core::format_timestamp(snapshot.generated_at)),
                     json_string(snapshot.timezone), json_string(model::to_string(fail_on)),
                     failed ? "true" : "false", counts_json(counts));
  bool first = true;
  for (const auto& c : snapshot.connections) {
    out += first ? "\n    " : ",\n    ";
    first = false;
    out += fmt::format(
        R"({{"name": {}, "type": {}, "last_run": {}, "last_success": {}, "error": {}, "asset_count": {}, "warnings": [)",
        json_string(c.name), json_string(c.type), time_or_null(c.last_run),
        time_or_null(c.last_success), c.error.empty() ? "null" : json_string(c.error),
        c.asset_count);
    for (std::size_t i = 0; i < c.warnings.size(); ++i)
      out += (i ? ", " : "") + json_string(c.warnings[i]);
    out += "]}";
  }
  out += first ? "],\n  \"assets\": [" : "\n  ],\n  \"assets\": [";
  first = true;
  for (const auto* s : rows) {
    const auto& e = s->evaluation;
    const auto age = age_of(*s, snapshot.generated_at);
    const model::Observation* deciding = s->observations.empty() ? nullptr : &s->observations[0];
    out += first ? "\n    " : ",\n    ";
    first = false;
    out += fmt::format(
        R"({{"key": {}, "name": {}, "kind": {}, "connection": {}, "status": {}, "changed_at": {}, )"
        R"("age_seconds": {}, "signal": {}, "policy": {}, "reason": {}, "error": {}, )"
        R"("observed_at": {}, "row_count": {}, "data_time": {}, "data_time_from": {})",
        json_string(s->asset->key), json_string(s->asset->name),
        json_string(model::to_string(s->asset->kind)), json_string(s->asset->connection),
        json_string(model::to_string(e.status)), time_or_null(e.changed_at),
        age ? fmt::format("{}", std::chrono::duration_cast<std::chrono::seconds>(*age).count())
            : "null",
        e.signal.empty() ? "null" : json_string(e.signal), json_string(e.policy),
        json_string(e.reason), e.error.empty() ? "null" : json_string(e.error),
        deciding ? time_or_null(deciding->observed_at) : "null",
        deciding && deciding->row_count ? fmt::format("{}", *deciding->row_count) : "null",
        time_or_null(s->data_time),
        s->data_time_from.empty() ? "null" : json_string(s->data_time_from));
    if (model::has_usage(s->asset->kind)) {
      const model::Usage usage = s->asset->usage.value_or(model::Usage{});
      out += fmt::format(R"(, "last_accessed_at": {}, "last_viewed_at": {}, "view_count": {})",
                         time_or_null(usage.last_accessed_at), time_or_null(usage.last_viewed_at),
                         usage.view_count ? fmt::format("{}", *usage.view_count) : "null");
    }
    out += "}";
  }
  out += first ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

}  // namespace freshwatch::cli
