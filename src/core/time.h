// Time parsing and formatting shared by every component: ISO 8601 / RFC 3339 timestamps,
// durations written as "30m", "12h", "1d", and time-zone lookup.
//
// Thread contract: pure functions; the time-zone database is loaded once, thread-safely.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <date/tz.h>

#include "core/clock.h"
#include "core/result.h"

namespace freshwatch::core {

// Parses "2024-01-02T03:04:05Z", "2024-01-02 03:04:05.123456+01:00", "2024-01-02T03:04:05"
// (naive: interpreted in `naive_zone`, UTC when null) and a bare date "2024-01-02" (midnight).
Result<TimePoint> parse_timestamp(std::string_view text, const date::time_zone* naive_zone = nullptr);

// "2024-01-02T03:04:05Z", or with fractional seconds when the value has them.
std::string format_timestamp(TimePoint t);

// Parses "90s", "30m", "12h", "1d", "2w" and combinations such as "1h30m".
Result<Duration> parse_duration(std::string_view text);

// "3 h", "2 d 4 h", "45 s": a short human phrase for an age.
std::string format_age(Duration d);

// Looks up an IANA zone such as "Europe/Berlin"; "UTC" always works.
Result<const date::time_zone*> find_zone(std::string_view name);

}  // namespace freshwatch::core
