#include "store/rollup.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace freshwatch::store {
namespace {

using namespace std::chrono_literals;
using date::days;
using date::sys_days;
using model::Status;

core::TimePoint at(std::string_view text) { return core::parse_timestamp(text).value(); }
sys_days day(int y, unsigned m, unsigned d) {
  return sys_days{date::year{y} / date::month{m} / date::day{d}};
}
const date::time_zone& berlin() { return *core::find_zone("Europe/Berlin").value(); }
const date::time_zone& utc() { return *core::find_zone("UTC").value(); }

TEST(LocalDay, FollowsTheZone) {
  // 23:30 UTC on 1 June is 01:30 on 2 June in Berlin (CEST, +2).
  EXPECT_EQ(local_day(at("2024-06-01T23:30:00Z"), utc()), day(2024, 6, 1));
  EXPECT_EQ(local_day(at("2024-06-01T23:30:00Z"), berlin()), day(2024, 6, 2));
  EXPECT_EQ(local_day(at("2024-06-01T21:59:59Z"), berlin()), day(2024, 6, 1));
  EXPECT_EQ(local_day(at("2024-06-01T22:00:00Z"), berlin()), day(2024, 6, 2));
}

TEST(DayStart, IsLocalMidnight) {
  EXPECT_EQ(day_start(day(2024, 6, 2), berlin()), at("2024-06-01T22:00:00Z"));
  EXPECT_EQ(day_start(day(2024, 1, 2), berlin()), at("2024-01-01T23:00:00Z"));
}

TEST(DayStart, MidnightThatDoesNotExistStartsAtTheTransition) {
  // Havana springs forward at 00:00 -> 01:00 (2024-03-10, UTC-5 -> UTC-4).
  const auto& havana = *core::find_zone("America/Havana").value();
  EXPECT_EQ(day_start(day(2024, 3, 10), havana), at("2024-03-10T05:00:00Z"));
  EXPECT_EQ(split_by_day(at("2024-03-10T05:00:00Z"), at("2024-03-11T04:00:00Z"), havana),
            (std::vector<DayShare>{{day(2024, 3, 10), 23h}}));
}

TEST(SplitByDay, WithinOneDay) {
  EXPECT_EQ(split_by_day(at("2024-06-01T08:00:00Z"), at("2024-06-01T09:30:00Z"), utc()),
            (std::vector<DayShare>{{day(2024, 6, 1), 90min}}));
}

TEST(SplitByDay, EmptyOrBackwards) {
  EXPECT_TRUE(split_by_day(at("2024-06-01T08:00:00Z"), at("2024-06-01T08:00:00Z"), utc()).empty());
  EXPECT_TRUE(split_by_day(at("2024-06-01T09:00:00Z"), at("2024-06-01T08:00:00Z"), utc()).empty());
}

TEST(SplitByDay, AcrossMidnight) {
  EXPECT_EQ(split_by_day(at("2024-06-01T23:00:00Z"), at("2024-06-02T00:30:00Z"), utc()),
            (std::vector<DayShare>{{day(2024, 6, 1), 60min}, {day(2024, 6, 2), 30min}}));
  // The same instants in Berlin fall on one local day (01:00 to 02:30 on 2 June).
  EXPECT_EQ(split_by_day(at("2024-06-01T23:00:00Z"), at("2024-06-02T00:30:00Z"), berlin()),
            (std::vector<DayShare>{{day(2024, 6, 2), 90min}}));
}

TEST(SplitByDay, SeveralWholeDays) {
  auto shares = split_by_day(at("2024-06-01T12:00:00Z"), at("2024-06-04T06:00:00Z"), utc());
  EXPECT_EQ(shares, (std::vector<DayShare>{{day(2024, 6, 1), 12h},
                                           {day(2024, 6, 2), 24h},
                                           {day(2024, 6, 3), 24h},
                                           {day(2024, 6, 4), 6h}}));
}

TEST(SplitByDay, SpringForwardDayHas23Hours) {
  // Berlin, 31 March 2024: 02:00 CET -> 03:00 CEST.
  auto shares = split_by_day(day_start(day(2024, 3, 30), berlin()),
                             day_start(day(2024, 4, 2), berlin()), berlin());
  EXPECT_EQ(shares, (std::vector<DayShare>{{day(2024, 3, 30), 24h},
                                           {day(2024, 3, 31), 23h},
                                           {day(2024, 4, 1), 24h}}));
}

TEST(SplitByDay, FallBackDayHas25Hours) {
  // Berlin, 27 October 2024: 03:00 CEST -> 02:00 CET.
  auto shares = split_by_day(day_start(day(2024, 10, 27), berlin()),
                             day_start(day(2024, 10, 28), berlin()), berlin());
  EXPECT_EQ(shares, (std::vector<DayShare>{{day(2024, 10, 27), 25h}}));
  // From 23:00 local on the 26th (21:00Z) to 01:00 local on the 28th (00:00Z).
  shares = split_by_day(at("2024-10-26T21:00:00Z"), at("2024-10-28T00:00:00Z"), berlin());
  EXPECT_EQ(shares, (std::vector<DayShare>{{day(2024, 10, 26), 1h},
                                           {day(2024, 10, 27), 25h},
                                           {day(2024, 10, 28), 1h}}));
}

TEST(PlanRecord, FirstRecordOpensAnIntervalAndMarksTheDay) {
  RecordPlan plan;
  plan_record(std::nullopt, Status::kWarn, at("2024-06-01T10:00:00Z"), utc(), plan);
  EXPECT_TRUE(plan.reopen);
  EXPECT_EQ(plan.at, at("2024-06-01T10:00:00Z"));
  EXPECT_EQ(plan.cells, (std::vector<CellChange>{{day(2024, 6, 1), Status::kWarn, 0us}}));
}

TEST(PlanRecord, SameStatusAddsTheTimeSinceTheLastRecord) {
  RecordPlan plan;
  OpenState previous{Status::kFresh, at("2024-06-01T08:00:00Z"), at("2024-06-01T10:00:00Z")};
  plan_record(previous, Status::kFresh, at("2024-06-01T10:15:00Z"), utc(), plan);
  EXPECT_FALSE(plan.reopen);
  EXPECT_EQ(plan.cells, (std::vector<CellChange>{{day(2024, 6, 1), Status::kFresh, 15min}}));
}

TEST(PlanRecord, ChangeCountsTheOldStatusAndRaisesTheWorstWithTheNew) {
  RecordPlan plan;
  OpenState previous{Status::kFresh, at("2024-06-01T08:00:00Z"), at("2024-06-01T10:00:00Z")};
  plan_record(previous, Status::kError, at("2024-06-01T10:15:00Z"), utc(), plan);
  EXPECT_TRUE(plan.reopen);
  EXPECT_EQ(plan.cells, (std::vector<CellChange>{{day(2024, 6, 1), Status::kFresh, 15min},
                                                 {day(2024, 6, 1), Status::kError, 0us}}));
}

TEST(PlanRecord, SplitsAcrossMidnightAndMarksTheNewDay) {
  RecordPlan plan;
  OpenState previous{Status::kWarn, at("2024-06-01T20:00:00Z"), at("2024-06-01T23:50:00Z")};
  plan_record(previous, Status::kWarn, at("2024-06-02T00:10:00Z"), utc(), plan);
  EXPECT_FALSE(plan.reopen);
  EXPECT_EQ(plan.cells, (std::vector<CellChange>{{day(2024, 6, 1), Status::kWarn, 10min},
                                                 {day(2024, 6, 2), Status::kWarn, 10min}}));
}

TEST(PlanRecord, RecordExactlyAtMidnightStillMarksTheNewDay) {
  RecordPlan plan;
  OpenState previous{Status::kWarn, at("2024-06-01T20:00:00Z"), at("2024-06-01T23:00:00Z")};
  plan_record(previous, Status::kWarn, at("2024-06-02T00:00:00Z"), utc(), plan);
  EXPECT_EQ(plan.cells, (std::vector<CellChange>{{day(2024, 6, 1), Status::kWarn, 60min},
                                                 {day(2024, 6, 2), Status::kWarn, 0us}}));
}

TEST(PlanRecord, EarlierTimeIsClampedToTheLastRecord) {
  RecordPlan plan;
  OpenState previous{Status::kFresh, at("2024-06-01T08:00:00Z"), at("2024-06-01T10:00:00Z")};
  plan_record(previous, Status::kFresh, at("2024-06-01T09:00:00Z"), utc(), plan);
  EXPECT_EQ(plan.at, at("2024-06-01T10:00:00Z"));
  EXPECT_FALSE(plan.reopen);
  EXPECT_TRUE(plan.cells.empty());

  plan_record(previous, Status::kWarn, at("2024-06-01T09:00:00Z"), utc(), plan);
  EXPECT_EQ(plan.at, at("2024-06-01T10:00:00Z"));
  EXPECT_TRUE(plan.reopen);
  EXPECT_EQ(plan.cells, (std::vector<CellChange>{{day(2024, 6, 1), Status::kWarn, 0us}}));
}

TEST(ToMinutes, RoundsAndSaturates) {
  EXPECT_EQ(to_minutes(0us), 0);
  EXPECT_EQ(to_minutes(-5min), 0);
  EXPECT_EQ(to_minutes(29s), 0);
  EXPECT_EQ(to_minutes(30s), 1);
  EXPECT_EQ(to_minutes(25h), 1500);
  EXPECT_EQ(to_minutes(std::chrono::days{100}), 65535);
}

}  // namespace
}  // namespace freshwatch::store
