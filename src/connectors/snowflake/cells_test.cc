#include "connectors/snowflake/cells.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/time.h"

namespace freshwatch::connectors::snowflake {
namespace {

std::string iso(core::TimePoint t) { return core::format_timestamp(t); }

TEST(Cells, EpochSecondsWithFraction) {
  EXPECT_EQ(iso(*decode_epoch_seconds("1704231836.000000000")), "2024-01-02T21:43:56Z");
  EXPECT_EQ(iso(*decode_epoch_seconds("1704231836.123456789")), "2024-01-02T21:43:56.123456Z");
  EXPECT_EQ(iso(*decode_epoch_seconds("1704231836")), "2024-01-02T21:43:56Z");
  EXPECT_EQ(iso(*decode_epoch_seconds("-1.500000000")), "1969-12-31T23:59:58.500000Z");
  for (const char* bad : {"", "abc", "1.2.3", "12x", "1.1234567890", "."}) EXPECT_FALSE(decode_epoch_seconds(bad)) << bad;
}

TEST(Cells, TimestampTzCarriesAnOffsetPlus1440) {
  auto utc = decode_timestamp_tz("1616173619.000000000 1440");
  ASSERT_TRUE(utc);
  EXPECT_EQ(utc->offset_minutes, 0);
  EXPECT_EQ(iso(utc->instant), "2021-03-19T17:06:59Z");
  auto plus_one = decode_timestamp_tz("1616173619.000000000 1500");
  ASSERT_TRUE(plus_one);
  EXPECT_EQ(plus_one->offset_minutes, 60);
  EXPECT_EQ(plus_one->instant, utc->instant);  // the seconds are the instant
  EXPECT_EQ(decode_timestamp_tz("1616173619.000000000 1140")->offset_minutes, -300);
  EXPECT_FALSE(decode_timestamp_tz("1616173619.000000000"));
  EXPECT_FALSE(decode_timestamp_tz("1616173619.000000000 +01:00"));
  EXPECT_FALSE(decode_timestamp_tz("1616173619.000000000 3000"));
}

TEST(Cells, NtzIsAWallClockReadInTheNaiveZone) {
  EXPECT_EQ(iso(*decode_timestamp_ntz("1704231836.000000000", nullptr)), "2024-01-02T21:43:56Z");
  auto berlin = core::find_zone("Europe/Berlin");
  ASSERT_TRUE(berlin);
  EXPECT_EQ(iso(*decode_timestamp_ntz("1704231836.000000000", *berlin)), "2024-01-02T20:43:56Z");
  // 2024-07-01 12:00 wall clock in Berlin is 10:00 UTC (summer time).
  EXPECT_EQ(iso(*decode_timestamp_ntz("1719835200.000000000", *berlin)), "2024-07-01T10:00:00Z");
}

TEST(Cells, DateIsDaysSinceTheEpoch) {
  EXPECT_EQ(iso(*decode_date("19723", nullptr)), "2024-01-01T00:00:00Z");
  EXPECT_EQ(iso(*decode_date("0", nullptr)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso(*decode_date("-1", nullptr)), "1969-12-31T00:00:00Z");
  auto ny = core::find_zone("America/New_York");
  EXPECT_EQ(iso(*decode_date("19723", *ny)), "2024-01-01T05:00:00Z");
  EXPECT_FALSE(decode_date("2024-01-01", nullptr));
}

TEST(Cells, Integers) {
  EXPECT_EQ(*decode_integer("42"), 42);
  EXPECT_EQ(*decode_integer("12.000"), 12);
  EXPECT_EQ(*decode_integer("-7"), -7);
  EXPECT_FALSE(decode_integer("123.456000"));
  EXPECT_FALSE(decode_integer(""));
  EXPECT_FALSE(decode_integer("1e3"));
}

TEST(Cells, TimeCellByColumnType) {
  std::string how;
  EXPECT_EQ(iso(*decode_time_cell("1704231836.000000000", {"TS", "timestamp_ltz"}, nullptr, &how)), "2024-01-02T21:43:56Z");
  EXPECT_NE(how.find("LTZ"), std::string::npos);
  EXPECT_TRUE(decode_time_cell("1704231836.000000000 1500", {"TS", "timestamp_tz"}, nullptr, &how));
  EXPECT_NE(how.find("+01:00"), std::string::npos);
  EXPECT_EQ(iso(*decode_time_cell("2024-01-02 10:00:00", {"TS", "text"}, nullptr, &how)), "2024-01-02T10:00:00Z");
  auto number = decode_time_cell("42", {"N", "fixed"}, nullptr, &how);
  ASSERT_FALSE(number);
  EXPECT_NE(number.error().message.find("FIXED"), std::string::npos);
}

TEST(Cells, ParsesARealResultSet) {
  const auto path = std::filesystem::path(FRESHWATCH_TESTDATA_DIR) / "snowflake/supabase_wrappers_resultset_200.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared test data not found at " << path;
  std::ifstream in(path);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto rs = parse_result_set(body);
  ASSERT_TRUE(rs) << rs.error().message;
  EXPECT_EQ(rs->statement_handle, "01b4f9d4-3202-9f46-0000-0001cf56d011");
  ASSERT_EQ(rs->columns.size(), 5u);
  EXPECT_EQ(rs->columns[4].type, "timestamp_ntz");
  EXPECT_EQ(rs->column("ts"), 4);
  ASSERT_EQ(rs->rows.size(), 2u);
  EXPECT_FALSE(rs->rows[0][2].has_value());  // SQL NULL
  EXPECT_EQ(*decode_integer(*rs->rows[1][0]), 43);
  EXPECT_EQ(iso(*decode_date(*rs->rows[0][3], nullptr)), "2024-01-01T00:00:00Z");
  EXPECT_EQ(iso(*decode_time_cell(*rs->rows[1][4], rs->columns[4], nullptr, nullptr)), "2024-05-19T12:34:56Z");
  EXPECT_EQ(rs->partitions, 1u);
}

TEST(Cells, StatusAndBadBodies) {
  auto s = parse_status(R"({"code":"333334","message":"Asynchronous execution in progress.","statementHandle":"h-1"})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->code, "333334");
  EXPECT_EQ(s->statement_handle, "h-1");
  EXPECT_FALSE(parse_status("<html>"));
  EXPECT_FALSE(parse_result_set("{}"));
  EXPECT_TRUE(parse_result_set(R"({"data":[["1"]]})", true));
  EXPECT_FALSE(parse_result_set(R"({"resultSetMetaData":{"rowType":[{"name":"A","type":"text"}]},"data":[["1","2"]]})"));
}

}  // namespace
}  // namespace freshwatch::connectors::snowflake
