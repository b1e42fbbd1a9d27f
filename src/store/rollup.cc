#include "store/rollup.h"

#include <algorithm>
#include <limits>

namespace freshwatch::store {

date::sys_days local_day(core::TimePoint t, const date::time_zone& zone) {
  auto local = zone.to_local(t);
  return date::sys_days{date::floor<date::days>(local).time_since_epoch()};
}

core::TimePoint day_start(date::sys_days day, const date::time_zone& zone) {
  // choose::earliest: an ambiguous midnight (clocks set back to 00:00) starts at its first
  // occurrence; a midnight that does not exist maps to the transition instant.
  auto start = zone.to_sys(date::local_days{day.time_since_epoch()}, date::choose::earliest);
  return std::chrono::time_point_cast<core::Duration>(start);
}

void split_by_day(core::TimePoint from, core::TimePoint to, const date::time_zone& zone,
                  std::vector<DayShare>& out) {
  out.clear();
  if (to <= from) return;
  date::sys_days day = local_day(from, zone);
  core::TimePoint cursor = from;
  while (cursor < to) {
    core::TimePoint next = day_start(day + date::days{1}, zone);
    core::TimePoint end = std::min(next, to);
    if (end > cursor) out.push_back({day, end - cursor});
    cursor = std::max(cursor, end);
    day += date::days{1};
  }
}

std::vector<DayShare> split_by_day(core::TimePoint from, core::TimePoint to,
                                   const date::time_zone& zone) {
  std::vector<DayShare> out;
  split_by_day(from, to, zone, out);
  return out;
}

void plan_record(const std::optional<OpenState>& previous, model::Status status,
                 core::TimePoint at, const date::time_zone& zone, RecordPlan& out) {
  out.cells.clear();
  if (!previous) {
    out.at = at;
    out.reopen = true;
    out.cells.push_back({local_day(at, zone), status, core::Duration{0}});
    return;
  }
  out.at = std::max(at, previous->recorded_at);
  out.reopen = status != previous->status;

  // Walk the days of [recorded_at, at) without a temporary vector.
  core::TimePoint cursor = previous->recorded_at;
  date::sys_days day = local_day(cursor, zone);
  while (cursor < out.at) {
    core::TimePoint end = std::min(day_start(day + date::days{1}, zone), out.at);
    if (end > cursor) out.cells.push_back({day, previous->status, end - cursor});
    cursor = std::max(cursor, end);
    day += date::days{1};
  }
  date::sys_days at_day = local_day(out.at, zone);
  if (out.reopen || (!out.cells.empty() && out.cells.back().day != at_day))
    out.cells.push_back({at_day, status, core::Duration{0}});
}

std::uint16_t to_minutes(core::Duration duration) {
  if (duration <= core::Duration{0}) return 0;
  auto minutes = (duration.count() + 30'000'000) / 60'000'000;
  return static_cast<std::uint16_t>(
      std::min<std::int64_t>(minutes, std::numeric_limits<std::uint16_t>::max()));
}

}  // namespace freshwatch::store
