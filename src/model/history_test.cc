#include "model/history.h"

#include <gtest/gtest.h>

namespace freshwatch::model {
namespace {

const date::sys_days kDay = date::sys_days(date::year{2024} / 5 / 10);

TEST(HistoryTable, RowsStartWithoutDataAndAreFoundByKey) {
  HistoryTable t(kDay, 3);
  EXPECT_TRUE(t.find("a").empty());
  t.at("a", kDay + date::days(2)) = {Status::kWarn, true};
  ASSERT_EQ(t.find("a").size(), 3u);
  EXPECT_FALSE(t.find("a")[0].has_data);
  EXPECT_EQ(t.find("a")[2], (DayStatus{Status::kWarn, true}));
  t.at("b", kDay) = {Status::kError, true};
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.find("a")[2], (DayStatus{Status::kWarn, true})) << "rows stay put as others are added";
}

TEST(HistoryTable, ShiftingMovesDaysAndDropsRowsLeftEmpty) {
  HistoryTable t(kDay, 3);
  t.at("old", kDay) = {Status::kError, true};
  t.at("recent", kDay + date::days(2)) = {Status::kFresh, true};
  t.shift_to(kDay + date::days(1));
  EXPECT_EQ(t.first(), kDay + date::days(1));
  EXPECT_EQ(t.days(), 3);
  EXPECT_TRUE(t.find("old").empty()) << "its only day left the window";
  ASSERT_EQ(t.find("recent").size(), 3u);
  EXPECT_EQ(t.find("recent")[1], (DayStatus{Status::kFresh, true}));
  EXPECT_FALSE(t.find("recent")[2].has_data) << "the day that entered has no data";
  t.shift_to(kDay);  // back again: the day that re-enters has no data
  EXPECT_EQ(t.find("recent")[2], (DayStatus{Status::kFresh, true}));
  EXPECT_FALSE(t.find("recent")[0].has_data);
}

}  // namespace
}  // namespace freshwatch::model
