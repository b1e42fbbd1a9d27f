#include "connectors/snowflake/signals.h"

#include <charconv>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/time.h"

namespace freshwatch::connectors::snowflake {
namespace {

using core::TimePoint;
constexpr auto kSameMoment = std::chrono::seconds(1);

struct Marker {
  std::optional<std::int64_t> altered, ddl, created, rows, bytes;
};

std::optional<std::int64_t> micros(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return t->time_since_epoch().count();
}

std::string format_marker(const TableRow& row) {
  std::string out;
  auto put = [&](std::string_view key, std::optional<std::int64_t> v) {
    if (!v) return;
    if (!out.empty()) out += ';';
    out += fmt::format("{}={}", key, *v);
  };
  put("altered", micros(row.last_altered));
  put("ddl", micros(row.last_ddl));
  put("created", micros(row.created));
  put("rows", row.row_count);
  put("bytes", row.bytes);
  return out;
}

std::optional<Marker> parse_marker(std::string_view text) {
  if (text.empty()) return std::nullopt;
  Marker m;
  while (!text.empty()) {
    auto semi = text.find(';');
    std::string_view item = text.substr(0, semi);
    text = semi == std::string_view::npos ? std::string_view() : text.substr(semi + 1);
    auto eq = item.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
    if (key == "altered") m.altered = v;
    else if (key == "ddl") m.ddl = v;
    else if (key == "created") m.created = v;
    else if (key == "rows") m.rows = v;
    else if (key == "bytes") m.bytes = v;
  }
  return m;
}

std::string ts(TimePoint t) { return core::format_timestamp(t); }

std::string content(const std::optional<std::int64_t>& rows, const std::optional<std::int64_t>& bytes) {
  std::vector<std::string> parts;
  if (rows) parts.push_back(fmt::format("{} rows", *rows));
  if (bytes) parts.push_back(fmt::format("{} bytes", *bytes));
  return parts.empty() ? std::string("size unknown") : fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

model::Observation observe_table(const TableRow& row, std::string asset_key, TimePoint observed_at,
                                 const model::Observation* previous, const SignalOptions& options) {
  model::Observation o{.asset_key = std::move(asset_key), .observed_at = observed_at,
                       .signal = std::string(options.signal)};
  o.row_count = row.row_count;
  o.marker = format_marker(row);
  auto finish = [&](std::string evidence) {
    if (!options.note.empty()) evidence += fmt::format(" ({})", options.note);
    o.evidence = std::move(evidence);
    return o;
  };
  const std::string kind = row.type == "MATERIALIZED VIEW" ? "materialized view "
                           : row.type == "EXTERNAL TABLE" ? "external table "
                                                          : "";
  if (!row.last_altered) return finish(fmt::format("Snowflake reported no LAST_ALTERED for this {}table", kind));
  const TimePoint L = *row.last_altered;
  const bool ddl_last = row.last_ddl && L <= *row.last_ddl + kSameMoment;

  std::optional<Marker> before;
  if (previous && previous->ok()) before = parse_marker(previous->marker);
  const std::optional<TimePoint> P = previous ? previous->changed_at : std::nullopt;
  const bool recreated = before && before->created && row.created &&
                         *before->created != micros(row.created);

  // Rule 1: first sight, or a new incarnation of the table.
  if (!before || recreated || (before && !P && before->altered != micros(row.last_altered))) {
    const std::string first = recreated ? fmt::format("re-created at {} (CREATE OR REPLACE); ", ts(*row.created)) : "";
    if (!row.has_last_ddl) {
      o.changed_at = L;
      return finish(fmt::format(
          "{}{}LAST_ALTERED = {}: a data change, a schema change or background maintenance "
          "(this catalog has no LAST_DDL to tell them apart); {}",
          first, kind, ts(L), content(row.row_count, row.bytes)));
    }
    if (!ddl_last) {
      o.changed_at = L;
      return finish(fmt::format("{}{}data change (DML) at {}; last DDL {}; {}", first, kind, ts(L),
                                row.last_ddl ? ts(*row.last_ddl) : "never", content(row.row_count, row.bytes)));
    }
    if (!row.created) {
      return finish(fmt::format("the last change was a schema change (DDL) at {}; with no creation "
                                "time the data's last change is unknown until one is seen",
                                ts(*row.last_ddl)));
    }
    o.changed_at = *row.created;
    if (*row.last_ddl <= *row.created + kSameMoment)
      return finish(fmt::format("{}{}created with its data at {} (CREATE TABLE ... AS, or loaded "
                                "then) and not altered since; {}",
                                first, kind, ts(*row.created), content(row.row_count, row.bytes)));
    return finish(fmt::format(
        "{}the last change was a schema change (DDL) at {}, not a data change; the data last "
        "changed between creation at {} and then, so it is taken as {} until a data change is "
        "seen; {}",
        first, ts(*row.last_ddl), ts(*row.created), ts(*row.created), content(row.row_count, row.bytes)));
  }

  // Rule 2: nothing moved.
  if (before->altered == micros(row.last_altered)) {
    o.changed_at = P;
    std::string evidence = previous->evidence;
    const std::string suffix = options.note.empty() ? std::string() : fmt::format(" ({})", options.note);
    if (!suffix.empty() && evidence.ends_with(suffix)) evidence.resize(evidence.size() - suffix.size());
    if (evidence.empty()) evidence = fmt::format("LAST_ALTERED still {}", ts(L));
    return finish(std::move(evidence));
  }

  const bool sizes_known = row.row_count && before->rows && row.bytes && before->bytes;
  const bool content_changed = !sizes_known || *row.row_count != *before->rows || *row.bytes != *before->bytes;
  const std::string change = sizes_known ? fmt::format("rows {} -> {}, bytes {} -> {}", *before->rows,
                                                       *row.row_count, *before->bytes, *row.bytes)
                                         : content(row.row_count, row.bytes);
  // Rule 3.
  if (content_changed) {
    o.changed_at = L;
    if (ddl_last)
      return finish(fmt::format("{}schema change (DDL) and data change together at {}; {}", kind, ts(L), change));
    return finish(fmt::format("{}data change at {}; {}{}", kind, ts(L), change,
                              row.has_last_ddl ? "" : " (no LAST_DDL in this catalog)"));
  }
  // Rule 4.
  o.changed_at = P;
  if (ddl_last)
    return finish(fmt::format("schema change (DDL) at {}, not a data change: {} unchanged; the data "
                              "last changed at {}",
                              ts(*row.last_ddl), content(row.row_count, row.bytes), ts(*P)));
  return finish(fmt::format("LAST_ALTERED moved to {} but {} are unchanged: background maintenance "
                            "or a DML that changed no rows, not a data change; the data last changed "
                            "at {}",
                            ts(L), content(row.row_count, row.bytes), ts(*P)));
}

model::Observation observe_view(const TableRow& row, std::string asset_key, TimePoint observed_at,
                                std::string_view signal) {
  model::Observation o{.asset_key = std::move(asset_key), .observed_at = observed_at,
                       .signal = std::string(signal)};
  o.evidence = fmt::format(
      "a view holds no data of its own (its definition last changed at {}); its freshness is "
      "that of the tables it reads, through lineage, or set loaded_at_field to read it in query "
      "mode",
      row.last_altered ? ts(*row.last_altered) : std::string("an unknown time"));
  return o;
}

model::Observation observe_dynamic_table(std::string asset_key, TimePoint observed_at,
                                         std::optional<TimePoint> data_timestamp,
                                         std::string_view refresh_mode,
                                         std::optional<std::int64_t> row_count) {
  model::Observation o{.asset_key = std::move(asset_key), .observed_at = observed_at,
                       .signal = std::string(kDynamicTableSignal)};
  o.row_count = row_count;
  if (!data_timestamp) {
    o.evidence = "dynamic table that has not refreshed yet (DATA_TIMESTAMP is NULL)";
    return o;
  }
  o.changed_at = data_timestamp;
  o.evidence = fmt::format(
      "dynamic table: DATA_TIMESTAMP = {} (its data is current as of its sources at that time{})",
      ts(*data_timestamp), refresh_mode.empty() ? "" : fmt::format("; refresh mode {}", refresh_mode));
  return o;
}

}  // namespace freshwatch::connectors::snowflake
