#include "connectors/mysql/update_time.h"

#include <charconv>
#include <chrono>

#include <fmt/format.h>

#include "core/time.h"

namespace freshwatch::connectors::mysql {
namespace {

using std::chrono::seconds;

constexpr std::string_view kStartedPrefix = "started=";
// The start time is derived from whole seconds of uptime and the server clock, so two readings
// of one server run may differ by a second.
constexpr seconds kStartTolerance{2};

std::string started_marker(core::TimePoint started) {
  return fmt::format("{}{}", kStartedPrefix,
                     std::chrono::floor<seconds>(started).time_since_epoch().count());
}

std::optional<core::TimePoint> parse_started(std::string_view marker) {
  auto pos = marker.find(kStartedPrefix);
  if (pos == std::string_view::npos) return std::nullopt;
  marker.remove_prefix(pos + kStartedPrefix.size());
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(marker.data(), marker.data() + marker.size(), value);
  if (ec != std::errc()) return std::nullopt;
  return core::TimePoint(seconds(value));
}

bool is_innodb(std::string_view engine) {
  if (engine.size() != 6) return engine.empty();
  std::string lower(engine);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "innodb";
}

}  // namespace

model::Observation observe_update_time(const TableMetadata& table, std::string asset_key,
                                       core::TimePoint observed_at,
                                       core::TimePoint server_started,
                                       const model::Observation* previous) {
  model::Observation o;
  o.asset_key = std::move(asset_key);
  o.observed_at = observed_at;
  o.signal = std::string(kUpdateTimeSignal);
  o.marker = started_marker(server_started);
  if (table.is_view) {
    o.evidence =
        "a view has no UPDATE_TIME of its own; set loaded_at_field to follow the data it shows";
    return o;
  }
  o.row_count = table.table_rows;
  if (table.update_time) {
    o.changed_at = table.update_time;
    o.evidence = fmt::format("information_schema.tables.update_time = {}",
                             core::format_timestamp(*table.update_time));
    return o;
  }

  const std::string started = core::format_timestamp(server_started);
  if (!is_innodb(table.engine)) {
    o.evidence = fmt::format(
        "UPDATE_TIME is NULL: the {} storage engine does not record when a table last changed; "
        "set loaded_at_field to read it from the data",
        table.engine);
    return o;
  }

  const bool recreated_since_change = previous && previous->changed_at && table.create_time &&
                                      *table.create_time > *previous->changed_at;
  if (previous && previous->ok() && previous->changed_at && !recreated_since_change) {
    o.changed_at = previous->changed_at;
    const std::string last = core::format_timestamp(*previous->changed_at);
    const std::string seen = core::format_timestamp(previous->observed_at);
    auto previous_started = parse_started(previous->marker);
    bool restarted = !previous_started ||
                     std::chrono::abs(*previous_started - server_started) > kStartTolerance;
    if (restarted) {
      o.evidence = fmt::format(
          "UPDATE_TIME is NULL: InnoDB keeps it in memory only and the server restarted at {}, "
          "with no write to this table since; carried forward the last change seen before the "
          "restart, {} (observed {}). A write between that observation and the restart would "
          "not show, so the data may be newer than this, never older",
          started, last, seen);
    } else {
      o.evidence = fmt::format(
          "UPDATE_TIME is NULL: InnoDB forgot it when the table left its table cache (the "
          "server has run since {}), and no write has reached the table since; carried "
          "forward the last change seen, {} (observed {})",
          started, last, seen);
    }
    return o;
  }

  if (recreated_since_change) {
    o.evidence = fmt::format(
        "UPDATE_TIME is NULL: the table was re-created (CREATE, TRUNCATE or a rebuilding ALTER) "
        "at {} and has had no write since",
        core::format_timestamp(*table.create_time));
  } else if (table.create_time && *table.create_time >= server_started - kStartTolerance) {
    o.evidence = fmt::format("UPDATE_TIME is NULL: no write since the table was created at {}",
                             core::format_timestamp(*table.create_time));
  } else {
    o.evidence = fmt::format(
        "UPDATE_TIME is NULL: no write since the server started at {} (InnoDB keeps "
        "UPDATE_TIME in memory only, so a restart forgets it until the next write)",
        started);
  }
  return o;
}

}  // namespace freshwatch::connectors::mysql
