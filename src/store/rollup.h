// Rollup arithmetic: how recording a status changes an asset's status intervals and its daily
// rollup cells. Pure functions of (what was recorded before, the new status, the time, the
// time zone), shared by every Store implementation so the SQL stays plain upserts.
//
// Days are calendar days in the configured time zone, represented as the date's sys_days value
// (2024-03-31 is date::sys_days{2024_y/March/31} whatever the zone). A day may last 23 or 25
// hours around a DST change; midnight that does not exist (a DST jump at 00:00) starts the day
// at the transition.
//
// Thread contract: pure functions and plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <date/date.h>
#include <date/tz.h>

#include "core/clock.h"
#include "model/status.h"

namespace freshwatch::store {

// The calendar day in `zone` that `t` falls on.
date::sys_days local_day(core::TimePoint t, const date::time_zone& zone);

// The instant `day` begins in `zone`.
core::TimePoint day_start(date::sys_days day, const date::time_zone& zone);

struct DayShare {
  date::sys_days day{};
  core::Duration duration{};
  bool operator==(const DayShare&) const = default;
};

// Splits [from, to) at the midnights of `zone`, oldest first. Empty when to <= from.
// Appends to `out` (cleared first), so a caller in a loop reuses its capacity.
void split_by_day(core::TimePoint from, core::TimePoint to, const date::time_zone& zone,
                  std::vector<DayShare>& out);
std::vector<DayShare> split_by_day(core::TimePoint from, core::TimePoint to,
                                   const date::time_zone& zone);

// What the store last recorded for one asset: its open interval and when it was last recorded.
struct OpenState {
  model::Status status = model::Status::kUnknown;
  core::TimePoint since{};        // the open interval's `from`
  core::TimePoint recorded_at{};  // the latest record, >= since
};

// A change to one day cell: add `duration` to the minutes of `status`, and raise the day's
// worst to at least `status` (a zero duration only raises the worst).
struct CellChange {
  date::sys_days day{};
  model::Status status = model::Status::kUnknown;
  core::Duration duration{};
  bool operator==(const CellChange&) const = default;
};

struct RecordPlan {
  // The time the record takes effect: `at`, or the previous record's time when `at` is earlier
  // (records never move time backwards).
  core::TimePoint at{};
  // Close the open interval at `at` and open one with the new status from `at` (also true when
  // there was no open interval; then there is nothing to close).
  bool reopen = false;
  std::vector<CellChange> cells;  // oldest day first
};

// Plans recording `status` for an asset at `at`: the time since the previous record counts
// towards the previous status, split over the days it spans; the new status is held at `at`,
// so it raises the worst of at's day. Without a previous record nothing is counted before `at`.
void plan_record(const std::optional<OpenState>& previous, model::Status status,
                 core::TimePoint at, const date::time_zone& zone, RecordPlan& out);

// Rounds a duration to whole minutes for a DayCell (saturating at the cell's range).
std::uint16_t to_minutes(core::Duration duration);

}  // namespace freshwatch::store
