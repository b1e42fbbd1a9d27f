// CronSchedule: a five-field cron expression (minute hour day-of-month month day-of-week),
// evaluated in an IANA time zone. Used for collection schedules and for deadline policies.
//
// Syntax, per field: `*`, a value, a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (a to the end
// of the field), and comma-separated lists of these. Months may be written JAN..DEC and days
// of the week SUN..SAT (any case); day-of-week 0 and 7 are both Sunday. The shortcuts @hourly,
// @daily (@midnight), @weekly, @monthly and @yearly (@annually) stand for their usual
// expressions. As in Vixie cron, when both day-of-month and day-of-week are restricted (neither
// starts with `*`) a day matches when either does; otherwise both must.
//
// Time zones and daylight-saving changes. The schedule names local wall-clock minutes; each one
// becomes an instant as follows:
//   - a local time that exists once fires at that instant;
//   - a local time that does not exist (skipped when clocks spring forward, e.g. 02:30 on the
//     last Sunday of March in Europe/Berlin) fires at the first instant after the gap (03:00
//     CEST); several skipped minutes all fire at that one instant, once;
//   - a local time that exists twice (when clocks fall back) fires once, at its first
//     occurrence; during the repeated hour nothing fires a second time.
// A null zone means UTC.
//
// Thread contract: an immutable value after parse(); any number of threads may use one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <date/tz.h>

#include "core/clock.h"
#include "core/result.h"

namespace freshwatch::core {

class CronSchedule {
 public:
  // Parses an expression; errors name the field and the offending part, e.g.
  // "cron '0 25 * * *': hour: 25 is out of range 0-23".
  static Result<CronSchedule> parse(std::string_view text);

  // The first firing instant strictly after `t`. Empty only when none falls within the next
  // ten years (impossible for a schedule that parse() accepted, outside the date range).
  std::optional<TimePoint> next_after(TimePoint t, const date::time_zone* tz) const;

  // The last firing instant at or before `t`; empty when none falls within the previous ten
  // years.
  std::optional<TimePoint> latest_at_or_before(TimePoint t, const date::time_zone* tz) const;

  // True when the schedule names this local wall-clock minute.
  bool matches_local(date::local_time<std::chrono::minutes> local) const;

  // The expression as written.
  const std::string& text() const { return text_; }

  bool operator==(const CronSchedule& other) const { return text_ == other.text_; }

 private:
  CronSchedule() = default;

  bool day_matches(const date::year_month_day& ymd) const;
  std::optional<date::local_time<std::chrono::minutes>> next_local(
      date::local_time<std::chrono::minutes> from) const;
  std::optional<date::local_time<std::chrono::minutes>> prev_local(
      date::local_time<std::chrono::minutes> from) const;

  std::string text_;
  std::uint64_t minutes_ = 0;  // bit m: minute m (0-59)
  std::uint32_t hours_ = 0;    // bit h: hour h (0-23)
  std::uint32_t days_ = 0;     // bit d: day of month d (1-31)
  std::uint32_t months_ = 0;   // bit m: month m (1-12)
  std::uint32_t weekdays_ = 0; // bit w: weekday w (0 = Sunday .. 6)
  bool days_restricted_ = false;
  bool weekdays_restricted_ = false;
};

}  // namespace freshwatch::core
