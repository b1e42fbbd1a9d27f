#include "connectors/snowflake/signals.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace freshwatch::connectors::snowflake {
namespace {

using namespace std::chrono_literals;

core::TimePoint at(const char* iso) { return *core::parse_timestamp(iso); }

TableRow base() {
  TableRow r;
  r.database = "ANALYTICS";
  r.schema = "PUBLIC";
  r.name = "ORDERS";
  r.type = "BASE TABLE";
  r.created = at("2024-01-01T00:00:00Z");
  r.last_altered = at("2024-05-01T06:00:00Z");
  r.last_ddl = at("2024-01-01T00:00:00Z");
  r.has_last_ddl = true;
  r.row_count = 100;
  r.bytes = 4096;
  return r;
}

const auto kNow = at("2024-05-01T07:00:00Z");

TEST(Signals, FirstSightDmlAfterDdlIsADataChange) {
  auto o = observe_table(base(), "sf:ANALYTICS.PUBLIC.ORDERS", kNow, nullptr);
  EXPECT_EQ(o.signal, kInformationSchemaSignal);
  EXPECT_EQ(o.changed_at, at("2024-05-01T06:00:00Z"));
  EXPECT_EQ(o.row_count, 100);
  EXPECT_NE(o.evidence.find("data change (DML)"), std::string::npos) << o.evidence;
  EXPECT_FALSE(o.marker.empty());
}

TEST(Signals, FirstSightWithoutLastDdlSaysItCannotTell) {
  TableRow r = base();
  r.has_last_ddl = false;
  r.last_ddl.reset();
  auto o = observe_table(r, "k", kNow, nullptr);
  EXPECT_EQ(o.changed_at, r.last_altered);
  EXPECT_NE(o.evidence.find("no LAST_DDL"), std::string::npos) << o.evidence;
}

TEST(Signals, FirstSightAfterDdlTakesCreationNeverFresher) {
  TableRow r = base();
  r.last_ddl = r.last_altered;  // ALTER TABLE ... SET COMMENT was the last change
  auto o = observe_table(r, "k", kNow, nullptr);
  EXPECT_EQ(o.changed_at, r.created);
  EXPECT_NE(o.evidence.find("schema change (DDL)"), std::string::npos) << o.evidence;
}

TEST(Signals, CreatedWithItsDataCountsAsDataChange) {
  TableRow r = base();
  r.created = r.last_altered;
  r.last_ddl = r.last_altered;  // CREATE OR REPLACE TABLE ... AS SELECT
  auto o = observe_table(r, "k", kNow, nullptr);
  EXPECT_EQ(o.changed_at, r.created);
  EXPECT_NE(o.evidence.find("created with its data"), std::string::npos) << o.evidence;
}

TEST(Signals, DdlBetweenObservationsWithSameContentIsASchemaChange) {
  auto first = observe_table(base(), "k", kNow, nullptr);
  TableRow r = base();
  r.last_altered = at("2024-05-01T08:00:00Z");
  r.last_ddl = r.last_altered;  // ALTER TABLE ADD COLUMN
  auto o = observe_table(r, "k", kNow + 2h, &first);
  EXPECT_EQ(o.changed_at, at("2024-05-01T06:00:00Z"));
  EXPECT_NE(o.evidence.find("schema change (DDL)"), std::string::npos) << o.evidence;
  EXPECT_NE(o.evidence.find("not a data change"), std::string::npos) << o.evidence;
}

TEST(Signals, ContentChangeBetweenObservationsIsADataChange) {
  auto first = observe_table(base(), "k", kNow, nullptr);
  TableRow r = base();
  r.last_altered = at("2024-05-01T08:00:00Z");
  r.row_count = 120;
  r.bytes = 5000;
  auto o = observe_table(r, "k", kNow + 2h, &first);
  EXPECT_EQ(o.changed_at, r.last_altered);
  EXPECT_NE(o.evidence.find("rows 100 -> 120"), std::string::npos) << o.evidence;
}

TEST(Signals, MaintenanceWithoutContentChangeKeepsTheDataTime) {
  auto first = observe_table(base(), "k", kNow, nullptr);
  TableRow r = base();
  r.last_altered = at("2024-05-01T09:00:00Z");  // reclustering, or a MERGE that changed nothing
  auto o = observe_table(r, "k", kNow + 3h, &first);
  EXPECT_EQ(o.changed_at, at("2024-05-01T06:00:00Z"));
  EXPECT_NE(o.evidence.find("background maintenance"), std::string::npos) << o.evidence;
}

TEST(Signals, NothingMovedKeepsTheEarlierConclusion) {
  TableRow r = base();
  r.last_ddl = r.last_altered;
  auto first = observe_table(r, "k", kNow, nullptr);
  auto again = observe_table(r, "k", kNow + 1h, &first);
  EXPECT_EQ(again.changed_at, first.changed_at);
  EXPECT_EQ(again.evidence, first.evidence);
}

TEST(Signals, RecreatedSinceIsNewData) {
  auto first = observe_table(base(), "k", kNow, nullptr);
  TableRow r = base();
  r.created = at("2024-05-01T08:00:00Z");
  r.last_altered = r.created;
  r.last_ddl = r.created;
  auto o = observe_table(r, "k", kNow + 2h, &first);
  EXPECT_EQ(o.changed_at, r.created);
  EXPECT_NE(o.evidence.find("re-created"), std::string::npos) << o.evidence;
}

TEST(Signals, AccountUsageNoteIsInTheEvidence) {
  auto o = observe_table(base(), "k", kNow, nullptr, SignalOptions{kAccountUsageSignal, "up to 90 minutes behind"});
  EXPECT_EQ(o.signal, kAccountUsageSignal);
  EXPECT_NE(o.evidence.find("90 minutes"), std::string::npos);
  // The note is not repeated when the conclusion is carried forward.
  auto again = observe_table(base(), "k", kNow + 1h, &o, SignalOptions{kAccountUsageSignal, "up to 90 minutes behind"});
  EXPECT_EQ(again.evidence, o.evidence);
}

TEST(Signals, ViewsAndDynamicTables) {
  TableRow v = base();
  v.type = "VIEW";
  auto view = observe_view(v, "k", kNow, kInformationSchemaSignal);
  EXPECT_FALSE(view.changed_at);
  EXPECT_TRUE(view.ok());
  EXPECT_NE(view.evidence.find("no data of its own"), std::string::npos);

  auto dyn = observe_dynamic_table("k", kNow, at("2024-05-01T06:30:00Z"), "INCREMENTAL", 7);
  EXPECT_EQ(dyn.signal, kDynamicTableSignal);
  EXPECT_EQ(dyn.changed_at, at("2024-05-01T06:30:00Z"));
  EXPECT_NE(dyn.evidence.find("INCREMENTAL"), std::string::npos);
  auto pending = observe_dynamic_table("k", kNow, std::nullopt, "", std::nullopt);
  EXPECT_FALSE(pending.changed_at);
}

}  // namespace
}  // namespace freshwatch::connectors::snowflake
