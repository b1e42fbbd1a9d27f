#include "cli/demo_warehouse.h"

#include <gtest/gtest.h>

#include "cli/common.h"
#include "config/load.h"
#include "core/time.h"
#include "store/rollup.h"
#include "store/sqlite/sqlite_store.h"
#include "support/process.h"

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


void check_history_at(core::TimePoint now) {
  testing::TempDir dir;
  DemoOptions o;
  o.dir = dir.path();
  o.now = now;
  const auto tables = plan_demo_tables(o);
  auto loaded = config::load_string(demo_config(o), (dir / "freshwatch.yml").string());
  const date::time_zone* zone = *core::find_zone(o.timezone);
  const auto evaluate = make_evaluator(make_policies(loaded.config), zone);

  store::SqliteOptions so;
  so.path = (dir / "freshwatch.db").string();
  so.timezone = o.timezone;
  so.observation_retention.reset();
  auto store = store::open_sqlite(so);
  ASSERT_TRUE(store) << store.error().message;
  auto filled = backfill_demo_history(**store, o, tables, evaluate);
  ASSERT_TRUE(filled) << filled.error().message;

  const auto today = store::local_day(o.now, *zone);
  int past_days_with_data = 0, stale_past_days = 0;
  for (const auto& t : tables) {
    const auto key = model::make_key(kDemoConnection, t.schema + "." + t.name);
    model::Asset asset;
    asset.key = key;
    asset.name = t.name;
    asset.connection = kDemoConnection;
    if (t.schema == "finance") asset.tags = {"daily"};
    model::Observation obs;
    obs.asset_key = key;
    obs.observed_at = o.now;
    obs.signal = "max(_loaded_at)";
    obs.changed_at = t.changed_at;
    const bool readable = t.column == DemoColumn::kText || t.column == DemoColumn::kEpoch;
    const auto now_status =
        readable ? evaluate(asset, std::span(&obs, 1), o.now).status : model::Status::kUnknown;

    auto cells = (*store)->history(key, today - date::days(90), today);
    ASSERT_TRUE(cells) << cells.error().message;
    ASSERT_FALSE(cells->empty()) << key;
    EXPECT_EQ(cells->back().day, today) << key;
    EXPECT_EQ(cells->back().worst, now_status) << key << " loaded at "
                                               << core::format_timestamp(t.changed_at);
    for (const auto& c : *cells)
      if (c.day < today && c.has_data) {
        ++past_days_with_data;
        stale_past_days += c.worst != model::Status::kFresh;
      }

    auto seen = (*store)->observations(key, 1000);
    ASSERT_TRUE(seen) << seen.error().message;
    if (!readable) {
      EXPECT_TRUE(seen->empty()) << key;
      continue;
    }
    EXPECT_EQ(seen->size(), static_cast<std::size_t>(t.monitored_days)) << key;
    for (const auto& s : *seen) {
      EXPECT_LT(s.observed_at, o.now);
      ASSERT_TRUE(s.changed_at) << key;
      EXPECT_LE(*s.changed_at, s.observed_at) << key;
      EXPECT_LE(*s.changed_at, t.changed_at) << key;
      EXPECT_NE(s.signal.find("synthetic demo history"), std::string::npos);
      EXPECT_NE(s.evidence.find("synthetic demo history"), std::string::npos);
    }
    // A table last loaded before yesterday ended yesterday with that load.
    if (t.changed_at < seen->front().observed_at) {
      EXPECT_EQ(*seen->front().changed_at, t.changed_at) << key;
    }
  }
  EXPECT_GT(past_days_with_data, 30 * 80);
  EXPECT_GT(stale_past_days, 0);
}

// The backfilled history ends where the data is: today's worst status is what each table's
// policy says now, and past days carry synthetic observations for the age chart.
TEST(DemoWarehouse, HistoryAgreesWithTheCurrentDataAndHasObservations) {
  // Midday, before the finance deadline, and just before midnight after a DST change.
  for (const char* now : {"2024-05-10T12:00:00Z", "2024-05-10T03:10:00Z", "2024-10-28T22:50:00Z"}) {
    SCOPED_TRACE(now);
    check_history_at(*core::parse_timestamp(now));
  }
}


}  // namespace
}  // namespace freshwatch::cli
