#include "core/cron.h"

#include <set>

#include <gtest/gtest.h>

#include "core/time.h"

namespace freshwatch::core {
namespace {

using namespace std::chrono;

TimePoint at(std::string_view text) {
  auto t = parse_timestamp(text);
  EXPECT_TRUE(t) << text;
  return t ? *t : TimePoint{};
}

const date::time_zone* zone(std::string_view name) {
  if (name.empty()) return nullptr;
  auto z = find_zone(name);
  EXPECT_TRUE(z) << name;
  return z ? *z : nullptr;
}

std::string show(std::optional<TimePoint> t) { return t ? format_timestamp(*t) : "none"; }

CronSchedule must_parse(std::string_view text) {
  auto s = CronSchedule::parse(text);
  EXPECT_TRUE(s) << text << ": " << (s ? "" : s.error().message);
  return s ? *s : *CronSchedule::parse("* * * * *");
}

struct Case {
  const char* cron;
  const char* zone;  // "" for UTC via a null zone
  const char* t;
  const char* want;  // "none" when nothing is expected
};

TEST(CronNextAfter, Table) {
  const Case cases[] = {
      // Plain UTC arithmetic.
      {"* * * * *", "", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z"},
      {"* * * * *", "", "2026-01-01T00:00:30Z", "2026-01-01T00:01:00Z"},
      {"*/15 * * * *", "", "2026-01-01T10:07:00Z", "2026-01-01T10:15:00Z"},
      {"*/15 * * * *", "", "2026-01-01T23:59:59Z", "2026-01-02T00:00:00Z"},
      {"0 6 * * *", "", "2026-01-01T06:00:00Z", "2026-01-02T06:00:00Z"},
      {"0 6 * * *", "", "2026-01-01T05:59:59.999999Z", "2026-01-01T06:00:00Z"},
      {"5,10-12 3 * * *", "", "2026-01-01T03:10:00Z", "2026-01-01T03:11:00Z"},
      {"5,10-12 3 * * *", "", "2026-01-01T03:12:00Z", "2026-01-02T03:05:00Z"},
      {"10-30/10 * * * *", "", "2026-01-01T03:25:00Z", "2026-01-01T03:30:00Z"},
      {"50/5 * * * *", "", "2026-01-01T03:56:00Z", "2026-01-01T04:50:00Z"},
      // Months, names, year wrap.
      {"0 0 1 1 *", "", "2026-06-15T00:00:00Z", "2027-01-01T00:00:00Z"},
      {"0 0 1 jan,Jul *", "", "2026-06-15T00:00:00Z", "2026-07-01T00:00:00Z"},
      {"0 0 31 * *", "", "2026-04-01T00:00:00Z", "2026-05-31T00:00:00Z"},
      {"0 0 29 2 *", "", "2025-03-01T00:00:00Z", "2028-02-29T00:00:00Z"},
      // Day of week: 0 and 7 are Sunday; names; ranges. 2026-11-23 is a Monday.
      {"0 6 * * 1-5", "", "2026-11-20T07:00:00Z", "2026-11-23T06:00:00Z"},
      {"0 6 * * MON-FRI", "", "2026-11-20T07:00:00Z", "2026-11-23T06:00:00Z"},
      {"0 0 * * 7", "", "2026-11-23T00:00:00Z", "2026-11-29T00:00:00Z"},
      {"0 0 * * 0", "", "2026-11-23T00:00:00Z", "2026-11-29T00:00:00Z"},
      {"0 0 * * sun", "", "2026-11-23T00:00:00Z", "2026-11-29T00:00:00Z"},
      {"0 0 * * 5-7", "", "2026-11-23T00:00:00Z", "2026-11-27T00:00:00Z"},
      // Both day fields restricted: either matches (the 13th or a Friday).
      {"0 0 13 * 5", "", "2026-11-01T00:00:00Z", "2026-11-06T00:00:00Z"},
      {"0 0 13 * 5", "", "2026-11-07T00:00:00Z", "2026-11-13T00:00:00Z"},
      {"0 0 13 * 1", "", "2026-11-10T00:00:00Z", "2026-11-13T00:00:00Z"},
      // Day-of-month starting with '*': both must match (odd days that are Mondays).
      {"0 0 */2 * 1", "", "2026-11-01T00:00:00Z", "2026-11-09T00:00:00Z"},
      {"0 0 */2 * 1", "", "2026-11-09T00:00:00Z", "2026-11-23T00:00:00Z"},
      // Shortcuts.
      {"@hourly", "", "2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z"},
      {"@daily", "", "2026-01-01T10:00:00Z", "2026-01-02T00:00:00Z"},
      {"@weekly", "", "2026-11-23T10:00:00Z", "2026-11-29T00:00:00Z"},
      {"@monthly", "", "2026-11-23T10:00:00Z", "2026-12-01T00:00:00Z"},
      {"@yearly", "", "2026-11-23T10:00:00Z", "2027-01-01T00:00:00Z"},
      // Europe/Berlin in winter (UTC+1) and summer (UTC+2).
      {"0 6 * * 1-5", "Europe/Berlin", "2026-11-23T05:00:00Z", "2026-11-24T05:00:00Z"},
      {"0 6 * * 1-5", "Europe/Berlin", "2026-11-23T04:59:00Z", "2026-11-23T05:00:00Z"},
      {"0 6 * * 1-5", "Europe/Berlin", "2026-07-01T12:00:00Z", "2026-07-02T04:00:00Z"},
      {"0 0 * * *", "Europe/Berlin", "2026-11-23T22:30:00Z", "2026-11-23T23:00:00Z"},
      // Spring forward, Sunday 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z).
      // 02:30 does not exist: it fires at the end of the gap, once.
      {"30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-29T01:00:00Z"},
      {"30 2 * * *", "Europe/Berlin", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"},
      {"*/15 2 * * *", "Europe/Berlin", "2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z"},
      {"*/15 2 * * *", "Europe/Berlin", "2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"},
      {"0 * * * *", "Europe/Berlin", "2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z"},
      {"0 * * * *", "Europe/Berlin", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"},
      {"0 3 * * *", "Europe/Berlin", "2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z"},
      // Fall back, Sunday 2026-10-25: 03:00 CEST goes back to 02:00 CET (01:00Z).
      // 02:30 exists twice: it fires once, at the first (CEST) reading.
      {"30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", "2026-10-25T00:30:00Z"},
      {"30 2 * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"},
      {"*/15 * * * *", "Europe/Berlin", "2026-10-25T00:50:00Z", "2026-10-25T02:00:00Z"},
      {"*/15 * * * *", "Europe/Berlin", "2026-10-25T01:10:00Z", "2026-10-25T02:00:00Z"},
      {"0 * * * *", "Europe/Berlin", "2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z"},
      // New York: 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z).
      {"30 2 * * *", "America/New_York", "2026-03-08T00:00:00Z", "2026-03-08T07:00:00Z"},
  };
  for (const auto& c : cases) {
    const auto s = must_parse(c.cron);
    EXPECT_EQ(show(s.next_after(at(c.t), zone(c.zone))), c.want)
        << c.cron << " in '" << c.zone << "' after " << c.t;
  }
}

TEST(CronLatestAtOrBefore, Table) {
  const Case cases[] = {
      {"0 6 * * *", "", "2026-01-01T06:00:00Z", "2026-01-01T06:00:00Z"},
      {"0 6 * * *", "", "2026-01-01T05:59:59Z", "2025-12-31T06:00:00Z"},
      {"*/15 * * * *", "", "2026-01-01T00:07:00Z", "2026-01-01T00:00:00Z"},
      {"*/15 * * * *", "", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"},
      {"0 0 1 1 *", "", "2026-06-15T00:00:00Z", "2026-01-01T00:00:00Z"},
      {"0 0 31 * *", "", "2026-05-01T00:00:00Z", "2026-03-31T00:00:00Z"},
      {"0 0 29 2 *", "", "2028-02-28T00:00:00Z", "2024-02-29T00:00:00Z"},
      {"0 0 13 * 5", "", "2026-11-12T00:00:00Z", "2026-11-06T00:00:00Z"},
      // Weekdays 06:00 Berlin: on Monday 05:30 CET (04:30Z) the latest is Friday.
      {"0 6 * * 1-5", "Europe/Berlin", "2026-11-23T04:30:00Z", "2026-11-20T05:00:00Z"},
      {"0 6 * * 1-5", "Europe/Berlin", "2026-11-23T05:30:00Z", "2026-11-23T05:00:00Z"},
      {"0 6 * * 1-5", "Europe/Berlin", "2026-11-22T12:00:00Z", "2026-11-20T05:00:00Z"},
      // Spring forward: the skipped 02:30 fired at 03:00 CEST (01:00Z).
      {"30 2 * * *", "Europe/Berlin", "2026-03-29T01:00:00Z", "2026-03-29T01:00:00Z"},
      {"30 2 * * *", "Europe/Berlin", "2026-03-29T00:59:59Z", "2026-03-28T01:30:00Z"},
      {"30 2 * * *", "Europe/Berlin", "2026-03-29T12:00:00Z", "2026-03-29T01:00:00Z"},
      {"*/15 2 * * *", "Europe/Berlin", "2026-03-29T05:00:00Z", "2026-03-29T01:00:00Z"},
      // Fall back: during the repeated hour the last firing is the first reading's.
      {"30 2 * * *", "Europe/Berlin", "2026-10-25T01:10:00Z", "2026-10-25T00:30:00Z"},
      {"30 2 * * *", "Europe/Berlin", "2026-10-25T01:40:00Z", "2026-10-25T00:30:00Z"},
      {"*/15 * * * *", "Europe/Berlin", "2026-10-25T01:10:00Z", "2026-10-25T00:45:00Z"},
      {"*/15 * * * *", "Europe/Berlin", "2026-10-25T02:00:00Z", "2026-10-25T02:00:00Z"},
      {"0 * * * *", "Europe/Berlin", "2026-10-25T01:59:00Z", "2026-10-25T00:00:00Z"},
      {"0 3 * * *", "Europe/Berlin", "2026-10-25T01:59:00Z", "2026-10-24T01:00:00Z"},
      {"0 3 * * *", "Europe/Berlin", "2026-10-25T02:00:00Z", "2026-10-25T02:00:00Z"},
  };
  for (const auto& c : cases) {
    const auto s = must_parse(c.cron);
    EXPECT_EQ(show(s.latest_at_or_before(at(c.t), zone(c.zone))), c.want)
        << c.cron << " in '" << c.zone << "' at or before " << c.t;
  }
}

// Compares both searches with a minute-by-minute enumeration of local times around the
// Europe/Berlin and Australia/Lord_Howe (30-minute shift) transitions.
TEST(CronSearch, AgreesWithBruteForceAroundTransitions) {
  const char* exprs[] = {"* * * * *",   "*/15 * * * *", "30 2 * * *",  "0 * * * *",
                         "0 3 * * *",   "45 1-3 * * *", "0 0 * * 0",   "59 23 * * *",
                         "0,30 2 25 * SUN", "15 2 * * *"};
  struct Window {
    const char* zone;
    const char* from;
  } windows[] = {{"Europe/Berlin", "2026-03-28T00:00:00Z"},
                 {"Europe/Berlin", "2026-10-24T00:00:00Z"},
                 {"Australia/Lord_Howe", "2026-04-04T00:00:00Z"},
                 {"Australia/Lord_Howe", "2026-10-03T00:00:00Z"}};
  for (const auto& w : windows) {
    const auto* tz = zone(w.zone);
    const TimePoint begin = at(w.from);
    const TimePoint end = begin + hours(72);
    for (const char* e : exprs) {
      const auto s = must_parse(e);
      // Every local minute of the window, mapped to its firing instant.
      std::set<TimePoint> fires;
      const auto lbegin = floor<minutes>(tz->to_local(begin)) - days(8);
      const auto lend = floor<minutes>(tz->to_local(end)) + days(8);
      for (auto l = lbegin; l <= lend; l += minutes(1))
        if (s.matches_local(l))
          fires.insert(time_point_cast<Duration>(tz->to_sys(l, date::choose::earliest)));
      for (TimePoint t = begin; t < end; t += minutes(7) + seconds(30)) {
        auto next = fires.upper_bound(t);
        ASSERT_NE(next, fires.end());
        EXPECT_EQ(show(s.next_after(t, tz)), show(*next)) << e << " " << w.zone << " after "
                                                          << format_timestamp(t);
        auto last = fires.upper_bound(t);
        ASSERT_NE(last, fires.begin());
        --last;
        EXPECT_EQ(show(s.latest_at_or_before(t, tz)), show(*last))
            << e << " " << w.zone << " at or before " << format_timestamp(t);
      }
    }
  }
}

TEST(CronParse, RejectsBadExpressionsWithClearMessages) {
  const struct {
    const char* text;
    const char* message_part;
  } cases[] = {
      {"", "expected 5 fields"},
      {"* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 4"},
      {"* * * * * *", "found 6"},
      {"60 * * * *", "minute: 60 is out of range 0-59"},
      {"* 24 * * *", "hour: 24 is out of range 0-23"},
      {"* * 0 * *", "day-of-month: 0 is out of range 1-31"},
      {"* * 32 * *", "day-of-month: 32 is out of range 1-31"},
      {"* * * 13 *", "month: 13 is out of range 1-12"},
      {"* * * * 8", "day-of-week: 8 is out of range 0-7"},
      {"5-3 * * * *", "range '5-3' runs backwards"},
      {"*/0 * * * *", "step '0' must be a positive number"},
      {"*/ * * * *", "has no step"},
      {"* * * FOO *", "month: unknown name 'FOO'"},
      {"* * * * FUN", "day-of-week: unknown name 'FUN'"},
      {"a * * * *", "minute: 'a' is not a number"},
      {"1,,2 * * * *", "empty list item"},
      {"1- * * * *", "a value is missing"},
      {"@fortnightly", "unknown shortcut"},
      {"0 0 30 2 *", "day-of-month '30' never occurs in month '2'"},
      {"0 0 31 4,6 *", "never occurs"},
  };
  for (const auto& c : cases) {
    auto s = CronSchedule::parse(c.text);
    ASSERT_FALSE(s) << "'" << c.text << "' should not parse";
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message.find(c.message_part), std::string::npos)
        << c.text << " -> " << s.error().message;
    EXPECT_NE(s.error().message.find(fmt::format("cron '{}'", c.text)), std::string::npos)
        << s.error().message;
  }
}

TEST(CronParse, AcceptsEquivalentSpellings) {
  // Expressions within a group fire at exactly the same instants.
  const std::vector<std::vector<const char*>> groups = {
      {"0 0 * * 0", "0 0 * * 7", "0 0 * * sun", "0 0 * * SUN", "@weekly", "0 0 * * 0,7"},
      {"0 6 * * 1-5", "0 6 * * MON-FRI", "0 6 * * mon,tue,wed,thu,fri", "0 6 * * 1,2-4,5"},
      {"0 * * * *", "@hourly", "  0 *  * * *  "},
      {"0 0 1 1 *", "@yearly", "@annually", "0 0 1 JAN *"},
      {"*/20 * * * *", "0,20,40 * * * *", "0-59/20 * * * *"},
  };
  const TimePoint start = at("2026-01-01T00:00:00Z");
  for (const auto& g : groups) {
    const auto first = must_parse(g.front());
    for (const char* other : g) {
      const auto s = must_parse(other);
      std::optional<TimePoint> a = start, b = start;
      for (int i = 0; i < 30; ++i) {
        a = first.next_after(*a, nullptr);
        b = s.next_after(*b, nullptr);
        ASSERT_EQ(show(a), show(b)) << g.front() << " vs " << other;
      }
    }
  }
}

TEST(CronSearch, FarOccurrencesAreFoundWithoutScanningMinutes) {
  // Feb 29 on a given weekday needs years; this must still answer.
  const auto s = must_parse("0 0 29 2 *");
  EXPECT_EQ(show(s.next_after(at("2097-03-01T00:00:00Z"), nullptr)), "2104-02-29T00:00:00Z");
  EXPECT_EQ(show(s.latest_at_or_before(at("2103-03-01T00:00:00Z"), nullptr)),
            "2096-02-29T00:00:00Z");
}

}  // namespace
}  // namespace freshwatch::core
