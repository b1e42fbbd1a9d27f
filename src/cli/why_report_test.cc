#include "cli/why_report.h"

#include <gtest/gtest.h>

#include "core/time.h"
#include "engine/snapshot_builder.h"

namespace freshwatch::cli {
namespace {

using namespace std::chrono_literals;
using model::AssetKind;
using model::Status;

const core::TimePoint kNow = *core::parse_timestamp("2026-11-28T12:00:00Z");

model::Asset asset(std::string key, AssetKind kind, std::string parent, std::string relation = "") {
  model::Asset a;
  a.key = std::move(key);
  a.name = a.key.substr(a.key.find_last_of(":.") + 1);
  a.kind = kind;
  a.parent = std::move(parent);
  a.connection = std::string(model::key_connection(a.key));
  a.relation = std::move(relation);
  return a;
}

model::Observation obs(std::string key, core::Duration age) {
  model::Observation o;
  o.asset_key = std::move(key);
  o.signal = "max(_loaded_at)";
  o.observed_at = kNow;
  o.changed_at = kNow - age;
  return o;
}

// Fresh under a day, error beyond.
model::Evaluation judge(const model::Asset&, std::span<const model::Observation> observations,
                        core::TimePoint now) {
  model::Evaluation e;
  e.policy = "test";
  for (const auto& o : observations) {
    if (!o.changed_at || (e.changed_at && *e.changed_at >= *o.changed_at)) continue;
    e.signal = o.signal;
    e.changed_at = o.changed_at;
    e.age = now - *o.changed_at;
    e.status = *e.age < 24h ? Status::kFresh : Status::kError;
  }
  return e;
}

// A tile reads a Looker view over a table that dbt builds from a source last loaded four days
// ago: tile -> (view orders) -> table = dbt model -> table = dbt source.
model::Snapshot bi_over_dbt() {
  static const std::vector<model::Asset> assets = {
      asset("wh", AssetKind::kConnection, ""),
      asset("wh:analytics.orders", AssetKind::kTable, "wh", "analytics.orders"),
      asset("wh:raw.orders", AssetKind::kTable, "wh", "raw.orders"),
      asset("dbt", AssetKind::kConnection, ""),
      asset("dbt:model.shop.orders", AssetKind::kModel, "dbt", "analytics.orders"),
      asset("dbt:source.shop.raw.orders", AssetKind::kSource, "dbt", "raw.orders"),
      asset("lk", AssetKind::kConnection, ""),
      asset("lk:dashboard.1", AssetKind::kDashboard, "lk"),
      asset("lk:dashboard.1.tile.2", AssetKind::kTile, "lk:dashboard.1"),
  };
  static const std::vector<model::Edge> edges = {
      {"dbt:source.shop.raw.orders", "dbt:model.shop.orders", ""},
      {"dbt:model.shop.orders", "lk:dashboard.1.tile.2", "view orders"}};
  static const engine::ObservationsByAsset observations = {
      {"wh:analytics.orders", {obs("wh:analytics.orders", 1h)}},
      {"wh:raw.orders", {obs("wh:raw.orders", 96h)}}};
  static const std::vector<model::ConnectionState> connections = {
      {.name = "wh"}, {.name = "dbt"}, {.name = "lk"}};
  engine::SnapshotInputs in;
  in.now = kNow;
  const auto shared = model::share_assets(assets);
  in.assets = shared;
  in.observations = &observations;
  in.connections = connections;
  in.edges = edges;
  in.evaluate = judge;
  return engine::build_snapshot(in);
}

TEST(Why, PrintsThePathToTheStaleTableWithHowEachLinkIsKnown) {
  const auto snap = bi_over_dbt();
  const auto text = render_why(snap, "lk:dashboard.1.tile.2", false);
  ASSERT_TRUE(text);
  const std::string expected =
      "lk:dashboard.1.tile.2 is error: oldest data from wh:raw.orders, changed 4 d ago [tile]\n"
      "data time: 2026-11-24T12:00:00Z, from wh:raw.orders\n"
      "impacted: 1 root cause upstream: wh:raw.orders\n"
      "\n"
      "root cause 1: wh:raw.orders is error, changed 4 d ago [table]\n"
      "    lk:dashboard.1.tile.2  error    4 d       tile\n"
      "  \u2190 wh:analytics.orders    fresh    1 h       table  via view orders\n"
      "  \u2190 wh:raw.orders          error    4 d       table\n";
  EXPECT_EQ(*text, expected);
  // The table keeps its own status and says where its data comes from.
  const auto table = render_why(snap, "dbt:model.shop.orders", false);
  ASSERT_TRUE(table);
  EXPECT_NE(table->find("wh:analytics.orders is fresh"), std::string::npos) << *table;
  EXPECT_NE(table->find("data time: 2026-11-24T12:00:00Z, from wh:raw.orders"), std::string::npos)
      << *table;
  const auto root = render_why(snap, "wh:raw.orders", false);
  ASSERT_TRUE(root);
  EXPECT_NE(root->find("data time: 2026-11-24T12:00:00Z, its own change"), std::string::npos)
      << *root;
}

}  // namespace
}  // namespace freshwatch::cli
