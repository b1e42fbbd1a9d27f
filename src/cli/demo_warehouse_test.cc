#include "cli/demo_warehouse.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace freshwatch::cli {
namespace {

TEST(DemoWarehouse, PlanIsDeterministicAndCoversEveryShape) {
  DemoOptions o;
  o.now = *core::parse_timestamp("2024-05-10T12:00:00Z");
  const auto a = plan_demo_tables(o);
  const auto b = plan_demo_tables(o);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].changed_at, b[i].changed_at);
    EXPECT_EQ(a[i].rows, b[i].rows);
  }
  EXPECT_GE(a.size(), 38u);
  int none = 0, broken = 0, garbage = 0;
  core::Duration oldest{0}, newest = std::chrono::hours(24 * 365);
  for (const auto& t : a) {
    none += t.column == DemoColumn::kNone;
    broken += t.column == DemoColumn::kBrokenView;
    garbage += t.column == DemoColumn::kGarbage;
    if (t.column == DemoColumn::kText || t.column == DemoColumn::kEpoch) {
      oldest = std::max(oldest, o.now - t.changed_at);
      newest = std::min(newest, o.now - t.changed_at);
    }
  }
  EXPECT_GE(none, 2);
  EXPECT_EQ(broken, 1);
  EXPECT_EQ(garbage, 1);
  EXPECT_GE(oldest, std::chrono::hours(24 * 200));
  EXPECT_LE(newest, std::chrono::hours(2));
  o.seed = 7;
  const auto c = plan_demo_tables(o);
  bool differs = false;
  for (std::size_t i = 0; i < a.size(); ++i) differs |= a[i].changed_at != c[i].changed_at;
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace freshwatch::cli
