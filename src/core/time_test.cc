#include "core/time.h"

#include <gtest/gtest.h>

namespace freshwatch::core {
namespace {

using namespace std::chrono;

TimePoint utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  return TimePoint(date::sys_days(date::year{y} / m / d) + hours(hh) + minutes(mm) + seconds(ss));
}

TEST(ParseTimestamp, AcceptsCommonForms) {
  struct Case {
    const char* text;
    TimePoint want;
  } cases[] = {
      {"2024-01-02T03:04:05Z", utc(2024, 1, 2, 3, 4, 5)},
      {"2024-01-02 03:04:05", utc(2024, 1, 2, 3, 4, 5)},
      {"2024-01-02T03:04:05+01:00", utc(2024, 1, 2, 2, 4, 5)},
      {"2024-01-02 03:04:05-0530", utc(2024, 1, 2, 8, 34, 5)},
      {"2024-01-02 03:04:05+02", utc(2024, 1, 2, 1, 4, 5)},
      {"2024-01-02", utc(2024, 1, 2)},
      {"2024-01-02T03:04", utc(2024, 1, 2, 3, 4)},
      {"2024-01-02 03:04:05 UTC", utc(2024, 1, 2, 3, 4, 5)},
  };
  for (const auto& c : cases) {
    auto got = parse_timestamp(c.text);
    ASSERT_TRUE(got) << c.text << ": " << got.error().message;
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

TEST(ParseTimestamp, KeepsMicroseconds) {
  auto got = parse_timestamp("2024-01-02T03:04:05.1234567Z");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, utc(2024, 1, 2, 3, 4, 5) + microseconds(123456));
  EXPECT_EQ(format_timestamp(*got), "2024-01-02T03:04:05.123456Z");
}

TEST(ParseTimestamp, NaiveTimestampsUseTheGivenZone) {
  auto berlin = find_zone("Europe/Berlin");
  ASSERT_TRUE(berlin);
  auto got = parse_timestamp("2024-07-01 12:00:00", *berlin);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, utc(2024, 7, 1, 10));
}

TEST(ParseTimestamp, RejectsGarbageWithAClearMessage) {
  for (const char* text : {"", "yesterday", "2024-13-01", "2024-02-30", "2024-01-02T25:00:00Z",
                           "2024-01-02T03:04:05Zjunk"}) {
    auto got = parse_timestamp(text);
    ASSERT_FALSE(got) << text;
    EXPECT_NE(got.error().message.find("not a timestamp"), std::string::npos);
  }
}

TEST(ParseDuration, UnitsAndCombinations) {
  EXPECT_EQ(*parse_duration("90s"), seconds(90));
  EXPECT_EQ(*parse_duration("30m"), minutes(30));
  EXPECT_EQ(*parse_duration("1h30m"), minutes(90));
  EXPECT_EQ(*parse_duration("2d"), hours(48));
  EXPECT_EQ(*parse_duration("1w"), days(7));
  EXPECT_FALSE(parse_duration("30"));
  EXPECT_FALSE(parse_duration("m"));
  EXPECT_FALSE(parse_duration("3x"));
}

TEST(FormatAge, ShortPhrases) {
  EXPECT_EQ(format_age(seconds(45)), "45 s");
  EXPECT_EQ(format_age(minutes(5)), "5 min");
  EXPECT_EQ(format_age(hours(3)), "3 h");
  EXPECT_EQ(format_age(hours(3) + minutes(5)), "3 h 5 min");
  EXPECT_EQ(format_age(hours(50)), "2 d 2 h");
  EXPECT_EQ(format_age(days(120)), "120 d");
  EXPECT_EQ(format_age(-hours(2)), "in 2 h");
}

TEST(FindZone, UnknownZoneNamesTheFix) {
  EXPECT_TRUE(find_zone("UTC"));
  auto bad = find_zone("Mars/Olympus");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("IANA"), std::string::npos);
}

}  // namespace
}  // namespace freshwatch::core
