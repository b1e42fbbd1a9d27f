#include "lineage/identity.h"

#include <gtest/gtest.h>

namespace freshwatch::lineage {
namespace {

using model::AssetKind;

model::Asset asset(std::string key, AssetKind kind, std::string relation, std::string parent = "") {
  model::Asset a;
  a.key = std::move(key);
  a.kind = kind;
  a.relation = std::move(relation);
  a.parent = std::move(parent);
  a.connection = std::string(model::key_connection(a.key));
  return a;
}

TEST(Identity, WarehouseTableIsCanonical) {
  std::vector<model::Asset> assets = {
      asset("dbt:source.shop.raw.orders", AssetKind::kSource, "raw.shop.orders",
            "dbt:shop/shop/models"),
      asset("wh:raw.shop", AssetKind::kSchema, "raw.shop", "wh:raw"),
      asset("wh:raw.shop.orders", AssetKind::kTable, "raw.shop.orders", "wh:raw.shop"),
      asset("dbt:model.shop.stg_orders", AssetKind::kModel, "analytics.staging.stg_orders",
            "dbt:shop/shop/models"),
      asset("wh:analytics.staging.stg_orders", AssetKind::kView, "analytics.staging.stg_orders",
            "wh:analytics.staging"),
      asset("dbt:exposure.shop.revenue", AssetKind::kExposure, ""),
  };
  assets[0].owner = "data-eng";
  assets[0].description = "Raw orders";
  assets[0].tags = {"raw"};
  assets[0].policy = model::Policy{"dbt freshness", model::ThresholdRule{}, "dbt: sources.yml"};
  assets[2].tags = {"pii"};
  std::vector<model::Edge> edges = {
      {"dbt:source.shop.raw.orders", "dbt:model.shop.stg_orders"},
      {"dbt:model.shop.stg_orders", "dbt:exposure.shop.revenue"},
  };
  auto ids = merge_identities(model::share_assets(assets), edges);
  ASSERT_EQ(ids.assets.size(), 4u);
  EXPECT_EQ(ids.resolve("dbt:source.shop.raw.orders"), "wh:raw.shop.orders");
  EXPECT_EQ(ids.resolve("dbt:model.shop.stg_orders"), "wh:analytics.staging.stg_orders");
  EXPECT_EQ(ids.resolve("dbt:exposure.shop.revenue"), "dbt:exposure.shop.revenue");
  EXPECT_EQ(ids.resolve("wh:raw.shop"), "wh:raw.shop");  // a schema never merges
  const auto& table = *ids.assets[1];
  ASSERT_EQ(table.key, "wh:raw.shop.orders");
  EXPECT_EQ(table.parent, "wh:raw.shop");
  EXPECT_EQ(table.owner, "data-eng");
  EXPECT_EQ(table.description, "Raw orders");
  EXPECT_EQ(table.tags, (std::vector<std::string>{"pii", "raw"}));
  ASSERT_TRUE(table.policy);
  EXPECT_EQ(table.policy->origin, "dbt: sources.yml");
  EXPECT_EQ(ids.edges, (std::vector<model::Edge>{
                           {"wh:raw.shop.orders", "wh:analytics.staging.stg_orders"},
                           {"wh:analytics.staging.stg_orders", "dbt:exposure.shop.revenue"}}));
  EXPECT_EQ(ids.placements, (std::vector<std::pair<std::string, std::string>>{
                                {"dbt:shop/shop/models", "wh:raw.shop.orders"},
                                {"dbt:shop/shop/models", "wh:analytics.staging.stg_orders"}}));
}

TEST(Identity, WithoutAWarehouseTheModelWinsOverSources) {
  std::vector<model::Asset> assets = {
      asset("b:source.other.x.orders", AssetKind::kSource, "db.s.orders"),
      asset("a:model.shop.orders", AssetKind::kModel, "db.s.orders"),
      asset("c:source.third.y.orders", AssetKind::kSource, "db.s.orders"),
  };
  std::vector<model::Edge> edges = {
      {"a:model.shop.orders", "b:source.other.x.orders"},  // becomes a self-loop
      {"b:source.other.x.orders", "b:model.other.z"},
      {"c:source.third.y.orders", "b:model.other.z"}};  // a duplicate once resolved
  auto ids = merge_identities(model::share_assets(assets), edges);
  ASSERT_EQ(ids.assets.size(), 1u);
  EXPECT_EQ(ids.assets[0]->key, "a:model.shop.orders");
  EXPECT_EQ(ids.edges, (std::vector<model::Edge>{{"a:model.shop.orders", "b:model.other.z"}}));
}

TEST(Identity, ATableABiToolOnlyNamesGivesWayToEveryOtherAsset) {
  auto named = [](std::string key) {
    model::Asset a = asset(std::move(key), AssetKind::kTable, "db.s.orders");
    a.referenced = true;
    return a;
  };
  // Its key sorts first, yet the warehouse's table wins, and without it dbt's model.
  std::vector<model::Asset> assets = {
      named("bi:table/pg/db.s.orders"), asset("wh:db.s.orders", AssetKind::kTable, "db.s.orders"),
      asset("dbt:model.shop.orders", AssetKind::kModel, "db.s.orders")};
  EXPECT_EQ(merge_identities(model::share_assets(assets), {}).assets[0]->key, "wh:db.s.orders");
  assets.erase(assets.begin() + 1);
  EXPECT_EQ(merge_identities(model::share_assets(assets), {}).assets[0]->key, "dbt:model.shop.orders");
}

TEST(Identity, EdgesKeepTheirVia) {
  std::vector<model::Asset> assets = {
      asset("wh:db.s.orders", AssetKind::kTable, "db.s.orders"),
      asset("dbt:model.p.orders", AssetKind::kModel, "db.s.orders"),
      asset("lk:tile.1", AssetKind::kTile, ""),
  };
  std::vector<model::Edge> edges = {{"dbt:model.p.orders", "lk:tile.1", "view orders"}};
  auto ids = merge_identities(model::share_assets(assets), edges);
  EXPECT_EQ(ids.edges, (std::vector<model::Edge>{{"wh:db.s.orders", "lk:tile.1", "view orders"}}));
}

TEST(Identity, DifferentRelationsOrCaseStayApart) {
  std::vector<model::Asset> assets = {
      asset("wh:DB.S.ORDERS", AssetKind::kTable, "DB.S.ORDERS"),
      asset("dbt:model.p.orders", AssetKind::kModel, "db.s.orders"),
      asset("wh:DB.S.ITEMS", AssetKind::kTable, "DB.S.ITEMS"),
  };
  auto ids = merge_identities(model::share_assets(assets), {});
  EXPECT_EQ(ids.assets.size(), 3u);
  EXPECT_TRUE(ids.canonical_of.empty());
}

}  // namespace
}  // namespace freshwatch::lineage
