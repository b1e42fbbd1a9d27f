#include "cli/why_report.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/time.h"
#include "lineage/graph.h"
#include "lineage/root_paths.h"

namespace freshwatch::cli {

namespace {

std::string paint(model::Status s, bool color) {
  const std::string_view text = model::to_string(s);
  if (!color) return std::string(text);
  const char* code = s == model::Status::kFresh ? "32" : s == model::Status::kWarn ? "33"
                     : s == model::Status::kError ? "31" : "90";
  return fmt::format("\033[{}m{}\033[0m", code, text);
}

std::string age(const model::AssetState& a) {
  return a.evaluation.age ? core::format_age(*a.evaluation.age) : std::string("-");
}

// "demo:sales.invoices is error: changed 4 d ago; error after 2 d (table)"
std::string line(const model::AssetState& a, bool color) {
  std::string out = fmt::format("{} is {}", a.asset->key, paint(a.evaluation.status, color));
  if (!a.evaluation.reason.empty()) out += fmt::format(": {}", a.evaluation.reason);
  if (!a.evaluation.error.empty() && a.evaluation.reason.find(a.evaluation.error) == std::string::npos)
    out += fmt::format(" ({})", a.evaluation.error);
  if (a.evaluation.age && a.evaluation.reason.find("ago") == std::string::npos)
    out += fmt::format(", changed {} ago", core::format_age(*a.evaluation.age));
  return out + fmt::format(" [{}]", model::to_string(a.asset->kind));
}

// "data time: 2024-05-02T06:20:45Z, from demo:staging.stg_payments", or why it is unknown.
std::string data_time_line(const model::AssetState& a) {
  if (a.data_time_from.empty()) return {};
  if (!a.data_time)
    return a.data_time_from == a.asset->key
               ? "data time: unknown\n"
               : fmt::format("data time: unknown, {} has none\n", a.data_time_from);
  const auto when = core::format_timestamp(*a.data_time);
  return a.data_time_from == a.asset->key ? fmt::format("data time: {}, its own change\n", when)
                                         : fmt::format("data time: {}, from {}\n", when,
                                                       a.data_time_from);
}

}  // namespace

Result<std::string> render_why(const model::Snapshot& snap, std::string_view key, bool color) {
  const model::AssetState* asset = snap.find(key);
  if (!asset)
    return fail(ErrorCode::kNotFound,
                "no asset '{}'; `freshwatch check` lists the assets and their keys", key);
  std::string out = line(*asset, color) + "\n" + data_time_line(*asset);
  if (asset->root_causes.empty()) {
    const bool stale = asset->evaluation.status == model::Status::kWarn ||
                       asset->evaluation.status == model::Status::kError;
    out += stale ? "nothing upstream is stale: this asset is the root cause of its own status\n"
                 : "nothing upstream is stale\n";
    return out;
  }
  const lineage::Graph graph = lineage::snapshot_graph(snap);
  const auto paths = lineage::root_paths(snap, graph, *asset);
  std::string roots;
  for (const auto& p : paths) roots += fmt::format("{}{}", roots.empty() ? "" : ", ", p.root);
  out += fmt::format("impacted: {} root cause{} upstream{}{}\n", paths.size(),
                     paths.size() == 1 ? "" : "s", roots.empty() ? "" : ": ", roots);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const auto* cause = snap.find(paths[i].root);
    out += fmt::format("\nroot cause {}: {}\n", i + 1,
                       cause ? line(*cause, color) : std::string(paths[i].root));
    const auto& hops = paths[i].hops;
    std::size_t width = 0;
    for (const auto& h : hops) width = std::max(width, h.key.size());
    // Each line after the first is the input of the one above it, through the link named at
    // its end.
    for (std::size_t h = 0; h < hops.size(); ++h) {
      const auto* s = hops[h].state;
      std::string text = fmt::format(
          "  {} {:<{}}  {:<7}  {:<8}  {}", h == 0 ? " " : "\u2190", hops[h].key, width,
          s ? paint(s->evaluation.status, color) : std::string("missing"),
          s ? age(*s) : std::string("-"), s ? model::to_string(s->asset->kind) : "");
      if (h > 0 && !hops[h - 1].via.empty()) text += fmt::format("  via {}", hops[h - 1].via);
      while (!text.empty() && text.back() == ' ') text.pop_back();
      out += text + "\n";
    }
  }
  return out;
}

}  // namespace freshwatch::cli
