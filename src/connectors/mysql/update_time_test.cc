#include "connectors/mysql/update_time.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/time.h"

namespace freshwatch::connectors::mysql {
namespace {

using ::testing::HasSubstr;

core::TimePoint at(const char* text) { return *core::parse_timestamp(text); }

const core::TimePoint kNow = at("2026-11-26T12:00:00Z");
const core::TimePoint kStarted = at("2026-11-26T08:00:00Z");

TableMetadata innodb_table() {
  TableMetadata t;
  t.schema = "shop";
  t.name = "orders";
  t.engine = "InnoDB";
  t.table_rows = 42;
  t.create_time = at("2026-01-01T00:00:00Z");
  return t;
}

model::Observation previous_seen(const char* changed, const char* observed,
                                 core::TimePoint started) {
  TableMetadata t = innodb_table();
  t.update_time = at(changed);
  return observe_update_time(t, "c:shop.orders", at(observed), started, nullptr);
}

TEST(MysqlUpdateTime, UpdateTimeIsTheChange) {
  TableMetadata t = innodb_table();
  t.update_time = at("2026-11-26T11:00:00Z");
  auto o = observe_update_time(t, "c:shop.orders", kNow, kStarted, nullptr);
  EXPECT_TRUE(o.ok());
  EXPECT_EQ(o.signal, kUpdateTimeSignal);
  EXPECT_EQ(o.asset_key, "c:shop.orders");
  EXPECT_EQ(o.observed_at, kNow);
  EXPECT_EQ(o.changed_at, at("2026-11-26T11:00:00Z"));
  EXPECT_EQ(o.row_count, 42);
  EXPECT_THAT(o.evidence, HasSubstr("update_time = 2026-11-26T11:00:00Z"));
  EXPECT_THAT(o.marker, HasSubstr("started="));
}

TEST(MysqlUpdateTime, NullWithoutHistoryIsUnknownSinceServerStart) {
  auto o = observe_update_time(innodb_table(), "c:shop.orders", kNow, kStarted, nullptr);
  EXPECT_TRUE(o.ok());
  EXPECT_FALSE(o.changed_at);
  EXPECT_THAT(o.evidence, HasSubstr("no write since the server started at 2026-11-26T08:00:00Z"));
}

TEST(MysqlUpdateTime, NullForATableCreatedAfterStartSaysSo) {
  TableMetadata t = innodb_table();
  t.create_time = at("2026-11-26T09:30:00Z");
  auto o = observe_update_time(t, "c:shop.orders", kNow, kStarted, nullptr);
  EXPECT_FALSE(o.changed_at);
  EXPECT_THAT(o.evidence, HasSubstr("no write since the table was created at 2026-11-26T09:30:00Z"));
}

TEST(MysqlUpdateTime, NullAfterRestartCarriesTheEarlierChangeForward) {
  auto before = previous_seen("2026-11-20T10:00:00Z", "2026-11-25T10:00:00Z",
                              at("2026-11-01T00:00:00Z"));
  auto o = observe_update_time(innodb_table(), "c:shop.orders", kNow, kStarted, &before);
  EXPECT_TRUE(o.ok());
  EXPECT_EQ(o.changed_at, at("2026-11-20T10:00:00Z"));
  EXPECT_THAT(o.evidence, HasSubstr("server restarted at 2026-11-26T08:00:00Z"));
  EXPECT_THAT(o.evidence, HasSubstr("carried forward"));

  // And again on the run after that: the carried observation carries on.
  auto again = observe_update_time(innodb_table(), "c:shop.orders", kNow + std::chrono::hours(1),
                                   kStarted, &o);
  EXPECT_EQ(again.changed_at, at("2026-11-20T10:00:00Z"));
  EXPECT_THAT(again.evidence, HasSubstr("table cache"));
}

TEST(MysqlUpdateTime, NullWithoutRestartIsACacheEviction) {
  auto before = previous_seen("2026-11-26T09:00:00Z", "2026-11-26T10:00:00Z",
                              kStarted + std::chrono::seconds(1));
  auto o = observe_update_time(innodb_table(), "c:shop.orders", kNow, kStarted, &before);
  EXPECT_EQ(o.changed_at, at("2026-11-26T09:00:00Z"));
  EXPECT_THAT(o.evidence, HasSubstr("left its table cache"));
}

TEST(MysqlUpdateTime, RecreatedTableIsNotCarriedForward) {
  auto before = previous_seen("2026-11-20T10:00:00Z", "2026-11-25T10:00:00Z",
                              at("2026-11-01T00:00:00Z"));
  TableMetadata t = innodb_table();
  t.create_time = at("2026-11-26T09:00:00Z");
  auto o = observe_update_time(t, "c:shop.orders", kNow, kStarted, &before);
  EXPECT_FALSE(o.changed_at);
  EXPECT_THAT(o.evidence, HasSubstr("re-created"));
}

TEST(MysqlUpdateTime, PreviousWithoutChangeOrWithErrorIsNotCarried) {
  model::Observation unknown{.asset_key = "c:shop.orders", .observed_at = at("2026-11-25T00:00:00Z"),
                             .signal = std::string(kUpdateTimeSignal)};
  EXPECT_FALSE(observe_update_time(innodb_table(), "c:shop.orders", kNow, kStarted, &unknown)
                   .changed_at);
  model::Observation failed = unknown;
  failed.changed_at = at("2026-11-20T00:00:00Z");
  failed.error = "boom";
  EXPECT_FALSE(observe_update_time(innodb_table(), "c:shop.orders", kNow, kStarted, &failed)
                   .changed_at);
}

TEST(MysqlUpdateTime, EnginesWithoutUpdateTime) {
  TableMetadata t = innodb_table();
  t.engine = "MEMORY";
  auto o = observe_update_time(t, "c:shop.orders", kNow, kStarted, nullptr);
  EXPECT_FALSE(o.changed_at);
  EXPECT_THAT(o.evidence, HasSubstr("MEMORY storage engine does not record"));
}

TEST(MysqlUpdateTime, ViewsHaveNone) {
  TableMetadata t = innodb_table();
  t.is_view = true;
  t.engine.clear();
  t.table_rows.reset();
  auto o = observe_update_time(t, "c:shop.v", kNow, kStarted, nullptr);
  EXPECT_FALSE(o.changed_at);
  EXPECT_FALSE(o.row_count);
  EXPECT_THAT(o.evidence, HasSubstr("a view has no UPDATE_TIME"));
}

}  // namespace
}  // namespace freshwatch::connectors::mysql
