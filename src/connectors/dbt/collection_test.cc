#include "connectors/dbt/collection.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "connectors/dbt/test_files.h"
#include "core/time.h"

namespace freshwatch::connectors::dbt {
namespace {

using namespace std::chrono_literals;
using testing::slurp;
using testing::testdata;

core::TimePoint at(std::string_view text) { return *core::parse_timestamp(text); }

// A small Snowflake project: a source, a staging model, a mart, an ephemeral model, a seed and an
// exposure on the mart.
constexpr std::string_view kManifest = R"({
  "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json",
               "project_name": "shop", "adapter_type": "snowflake", "invocation_id": "inv-1"},
  "nodes": {
    "model.shop.stg_orders": {"unique_id": "model.shop.stg_orders", "resource_type": "model",
      "package_name": "shop", "name": "stg_orders", "original_file_path": "models/staging/stg_orders.sql",
      "database": "analytics", "schema": "staging", "alias": "stg_orders",
      "config": {"materialized": "view"}, "tags": ["staging"], "description": "Orders, cleaned",
      "meta": {"owner": "data-eng"},
      "depends_on": {"nodes": ["source.shop.raw.orders"], "macros": ["macro.dbt.x"]}},
    "model.shop.orders": {"unique_id": "model.shop.orders", "resource_type": "model",
      "package_name": "shop", "name": "orders", "original_file_path": "models/marts/orders.sql",
      "database": "analytics", "schema": "marts", "alias": "fct_orders", "config": {"materialized": "table"},
      "depends_on": {"nodes": ["model.shop.stg_orders", "model.shop.helper", "seed.shop.countries"]}},
    "model.shop.helper": {"unique_id": "model.shop.helper", "resource_type": "model",
      "package_name": "shop", "name": "helper", "original_file_path": "models/marts/helper.sql",
      "database": "analytics", "schema": "marts", "alias": "helper", "config": {"materialized": "ephemeral"},
      "depends_on": {"nodes": []}},
    "seed.shop.countries": {"unique_id": "seed.shop.countries", "resource_type": "seed",
      "package_name": "shop", "name": "countries", "original_file_path": "seeds/countries.csv",
      "database": "analytics", "schema": "seeds", "alias": "countries", "depends_on": {"nodes": []}},
    "test.shop.not_null": {"unique_id": "test.shop.not_null", "resource_type": "test",
      "depends_on": {"nodes": ["model.shop.orders"]}}
  },
  "sources": {
    "source.shop.raw.orders": {"unique_id": "source.shop.raw.orders", "resource_type": "source",
      "package_name": "shop", "name": "orders", "source_name": "raw",
      "original_file_path": "models/staging/sources.yml", "database": "raw", "schema": "shop",
      "identifier": "orders", "loaded_at_field": "_loaded_at",
      "freshness": {"warn_after": {"count": 12, "period": "hour"}, "error_after": {"count": 1, "period": "day"}}}
  },
  "exposures": {
    "exposure.shop.revenue": {"unique_id": "exposure.shop.revenue", "resource_type": "exposure",
      "package_name": "shop", "name": "revenue", "label": "Revenue dashboard",
      "original_file_path": "models/exposures.yml", "owner": {"name": "Ana", "email": "ana@example.com"},
      "url": "https://bi.example.com/d/1", "depends_on": {"nodes": ["model.shop.orders"]}}
  }
})";

constexpr std::string_view kRunResults = R"({
  "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json", "invocation_id": "inv-0",
               "generated_at": "2024-05-01T06:10:00Z"},
  "results": [
    {"unique_id": "model.shop.stg_orders", "status": "success", "execution_time": 1.5,
     "timing": [{"name": "compile", "started_at": "2024-05-01T06:00:00Z", "completed_at": "2024-05-01T06:00:01Z"},
                {"name": "execute", "started_at": "2024-05-01T06:00:01Z", "completed_at": "2024-05-01T06:00:05Z"}]},
    {"unique_id": "model.shop.orders", "status": "error", "message": "Database Error: boom",
     "timing": [{"name": "execute", "started_at": "2024-05-01T06:01:00Z", "completed_at": "2024-05-01T06:01:02Z"}]},
    {"unique_id": "seed.shop.countries", "status": "success",
     "timing": [{"name": "execute", "started_at": "2024-05-01T05:00:00Z", "completed_at": "2024-05-01T05:00:03Z"}]},
    {"unique_id": "test.shop.not_null", "status": "pass", "timing": []}
  ]
})";

constexpr std::string_view kSources = R"({
  "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v3.json"},
  "results": [
    {"unique_id": "source.shop.raw.orders", "status": "warn", "max_loaded_at": "2024-04-30T16:00:00+00:00",
     "snapshotted_at": "2024-05-01T06:00:00+00:00", "max_loaded_at_time_ago_in_s": 50400,
     "criteria": {"warn_after": {"count": 12, "period": "hour"}, "error_after": {"count": 1, "period": "day"}}}
  ]
})";

Artifacts artifacts(bool runs = true, bool sources = true) {
  Artifacts a;
  a.manifest = *parse_manifest(kManifest);
  if (runs) a.run_results = *parse_run_results(kRunResults);
  if (sources) a.sources = *parse_freshness(kSources);
  return a;
}

const model::Asset* asset(const Collection& c, std::string_view key) {
  for (const auto& a : c.assets)
    if (a.key == key) return &a;
  return nullptr;
}
const model::Observation* observation(const Collection& c, std::string_view key, std::string_view signal) {
  for (const auto& o : c.observations)
    if (o.asset_key == key && o.signal == signal) return &o;
  return nullptr;
}

BuildOptions options() {
  return BuildOptions{.connection = "dbt", .owner = "team", .tags = {}, .now = at("2024-05-01T07:00:00Z")};
}

TEST(Collection, HierarchyAndKeys) {
  auto built = build_collection(artifacts(), options());
  const auto& c = built.collection;
  EXPECT_TRUE(built.problems.empty());
  ASSERT_NE(asset(c, "dbt"), nullptr);
  EXPECT_EQ(asset(c, "dbt")->kind, model::AssetKind::kConnection);
  EXPECT_EQ(asset(c, "dbt:shop")->kind, model::AssetKind::kProject);
  EXPECT_EQ(asset(c, "dbt:shop/shop")->kind, model::AssetKind::kPackage);
  EXPECT_EQ(asset(c, "dbt:shop/shop")->parent, "dbt:shop");
  EXPECT_EQ(asset(c, "dbt:shop/shop/models")->parent, "dbt:shop/shop");
  EXPECT_EQ(asset(c, "dbt:shop/shop/models/staging")->name, "staging");
  EXPECT_EQ(asset(c, "dbt:shop/shop/models/staging")->parent, "dbt:shop/shop/models");
  const auto* stg = asset(c, "dbt:model.shop.stg_orders");
  ASSERT_NE(stg, nullptr);
  EXPECT_EQ(stg->parent, "dbt:shop/shop/models/staging");
  EXPECT_EQ(stg->kind, model::AssetKind::kModel);
  EXPECT_EQ(stg->owner, "data-eng");
  EXPECT_EQ(stg->description, "Orders, cleaned");
  EXPECT_EQ(stg->tags, std::vector<std::string>{"staging"});
  EXPECT_EQ(stg->relation, "ANALYTICS.STAGING.STG_ORDERS");
  EXPECT_EQ(asset(c, "dbt:model.shop.orders")->relation, "ANALYTICS.MARTS.FCT_ORDERS");  // the alias
  EXPECT_EQ(asset(c, "dbt:model.shop.orders")->owner, "team");  // the connection's
  EXPECT_EQ(asset(c, "dbt:model.shop.helper")->relation, "");   // ephemeral
  EXPECT_EQ(asset(c, "dbt:seed.shop.countries")->kind, model::AssetKind::kSeed);
  EXPECT_EQ(asset(c, "dbt:seed.shop.countries")->parent, "dbt:shop/shop/seeds");
  EXPECT_EQ(asset(c, "dbt:test.shop.not_null"), nullptr);
  const auto* src = asset(c, "dbt:source.shop.raw.orders");
  ASSERT_NE(src, nullptr);
  EXPECT_EQ(src->name, "raw.orders");
  EXPECT_EQ(src->kind, model::AssetKind::kSource);
  EXPECT_EQ(src->relation, "RAW.SHOP.ORDERS");
  const auto* exp = asset(c, "dbt:exposure.shop.revenue");
  ASSERT_NE(exp, nullptr);
  EXPECT_EQ(exp->name, "Revenue dashboard");
  EXPECT_EQ(exp->owner, "Ana");
  EXPECT_EQ(exp->url, "https://bi.example.com/d/1");
  EXPECT_EQ(exp->relation, "");
  EXPECT_EQ(exp->parent, "dbt:shop/shop/models");
  // Every parent exists.
  for (const auto& a : c.assets)
    if (!a.parent.empty()) {
      EXPECT_NE(asset(c, a.parent), nullptr) << a.key;
    }
}

TEST(Collection, EdgesFollowDependsOn) {
  auto c = build_collection(artifacts(), options()).collection;
  auto has = [&](std::string_view up, std::string_view down) {
    return std::find(c.edges.begin(), c.edges.end(), model::Edge{std::string(up), std::string(down)}) != c.edges.end();
  };
  EXPECT_TRUE(has("dbt:source.shop.raw.orders", "dbt:model.shop.stg_orders"));
  EXPECT_TRUE(has("dbt:model.shop.stg_orders", "dbt:model.shop.orders"));
  EXPECT_TRUE(has("dbt:model.shop.helper", "dbt:model.shop.orders"));
  EXPECT_TRUE(has("dbt:seed.shop.countries", "dbt:model.shop.orders"));
  EXPECT_TRUE(has("dbt:model.shop.orders", "dbt:exposure.shop.revenue"));
  EXPECT_EQ(c.edges.size(), 5u);  // tests are not tracked
}

TEST(Collection, SourceFreshnessAndOwnPolicy) {
  auto c = build_collection(artifacts(), options()).collection;
  const auto* o = observation(c, "dbt:source.shop.raw.orders", "dbt_source_freshness");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->changed_at, at("2024-04-30T16:00:00Z"));
  EXPECT_EQ(o->observed_at, at("2024-05-01T06:00:00Z"));
  EXPECT_TRUE(o->ok());
  EXPECT_NE(o->evidence.find("warn"), std::string::npos) << o->evidence;
  EXPECT_NE(o->evidence.find("max(_loaded_at) = 2024-04-30T16:00:00Z"), std::string::npos) << o->evidence;
  EXPECT_NE(o->evidence.find("warn after 12 h"), std::string::npos) << o->evidence;
  const auto* src = asset(c, "dbt:source.shop.raw.orders");
  ASSERT_TRUE(src->policy);
  const auto* rule = std::get_if<model::ThresholdRule>(&src->policy->rule);
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->warn_after, std::chrono::duration_cast<core::Duration>(12h));
  EXPECT_EQ(rule->error_after, std::chrono::duration_cast<core::Duration>(24h));
  EXPECT_EQ(src->policy->origin, "dbt: models/staging/sources.yml");
  EXPECT_FALSE(asset(c, "dbt:model.shop.stg_orders")->policy);
}

TEST(Collection, RuntimeErrorIsTheObservationsError) {
  auto a = artifacts(false, false);
  a.sources = *parse_freshness(R"({"metadata": {}, "results": [
    {"unique_id": "source.shop.raw.orders", "status": "runtime error", "error": "relation raw.shop.orders does not exist"}]})");
  auto c = build_collection(a, options()).collection;
  const auto* o = observation(c, "dbt:source.shop.raw.orders", "dbt_source_freshness");
  ASSERT_NE(o, nullptr);
  EXPECT_FALSE(o->ok());
  EXPECT_NE(o->error.find("does not exist"), std::string::npos);
}

TEST(Collection, LastSuccessfulRun) {
  PreviousObservations previous;
  model::Observation before;
  before.asset_key = "dbt:model.shop.orders";
  before.signal = "dbt_run";
  before.changed_at = at("2024-04-30T06:00:00Z");
  previous.add(before);
  auto opts = options();
  opts.previous = &previous;
  auto c = build_collection(artifacts(), opts).collection;
  const auto* stg = observation(c, "dbt:model.shop.stg_orders", "dbt_run");
  ASSERT_NE(stg, nullptr);
  EXPECT_EQ(stg->changed_at, at("2024-05-01T06:00:05Z"));
  // The failed run keeps the previous success as the change time, and says so.
  const auto* orders = observation(c, "dbt:model.shop.orders", "dbt_run");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(orders->changed_at, at("2024-04-30T06:00:00Z"));
  EXPECT_TRUE(orders->ok());
  EXPECT_NE(orders->evidence.find("error: Database Error: boom"), std::string::npos) << orders->evidence;
  EXPECT_NE(orders->evidence.find("last success at 2024-04-30T06:00:00Z"), std::string::npos);
  EXPECT_EQ(observation(c, "dbt:seed.shop.countries", "dbt_run")->changed_at, at("2024-05-01T05:00:03Z"));
  // Without an earlier success, the failed model has no change time.
  auto fresh = build_collection(artifacts(), options()).collection;
  EXPECT_FALSE(observation(fresh, "dbt:model.shop.orders", "dbt_run")->changed_at);
  // The run results' tests and the other project's nodes are not warned about.
  EXPECT_TRUE(fresh.warnings.empty()) << fresh.warnings.front();
}

TEST(Collection, ExposureTakesItsOldestInput) {
  PreviousObservations previous;
  model::Observation before;
  before.asset_key = "dbt:model.shop.orders";
  before.signal = "dbt_run";
  before.changed_at = at("2024-04-30T06:00:00Z");
  previous.add(before);
  auto opts = options();
  opts.previous = &previous;
  auto c = build_collection(artifacts(), opts).collection;
  const auto* o = observation(c, "dbt:exposure.shop.revenue", "dbt_upstream");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->changed_at, at("2024-04-30T06:00:00Z"));
  EXPECT_NE(o->evidence.find("model.shop.orders"), std::string::npos);
}

TEST(Collection, ResultsFromAnotherProjectAreIgnored) {
  auto a = artifacts(false, false);
  a.run_results = *parse_run_results(R"({"metadata": {"invocation_id": "other"}, "results": [
    {"unique_id": "model.other.x", "status": "success", "timing": []},
    {"unique_id": "model.other.y", "status": "success", "timing": []}]})");
  auto c = build_collection(a, options()).collection;
  EXPECT_TRUE(c.observations.empty());
  ASSERT_EQ(c.warnings.size(), 2u);  // no schema version, then the mismatch
  EXPECT_NE(c.warnings[1].find("2 of 2 results name nodes that are not in manifest.json"), std::string::npos)
      << c.warnings[1];
  EXPECT_NE(c.warnings[1].find("invocation other"), std::string::npos);
}

TEST(Collection, MissingParentsAndCyclesAreProblems) {
  std::string text(kManifest);
  auto replace = [&](std::string_view from, std::string_view to) {
    text.replace(text.find(from), from.size(), to);
  };
  replace(R"("depends_on": {"nodes": []}},
    "seed.shop.countries")", R"("depends_on": {"nodes": ["model.shop.orders", "model.shop.gone"]}},
    "seed.shop.countries")");
  Artifacts a;
  a.manifest = *parse_manifest(text);
  auto built = build_collection(a, options());
  ASSERT_EQ(built.problems.size(), 2u);
  EXPECT_EQ(built.problems[0], "model.shop.helper depends on model.shop.gone, which is not in manifest.json");
  EXPECT_NE(built.problems[1].find("dependency cycle"), std::string::npos);
  EXPECT_NE(built.problems[1].find("model.shop.helper"), std::string::npos);
  // Both are warnings too, and the dangling edge is not kept.
  EXPECT_EQ(built.collection.warnings.size(), 2u);
  for (const auto& e : built.collection.edges) EXPECT_NE(e.upstream, "dbt:model.shop.gone");
}

TEST(Collection, ProjectNameOfOlderManifests) {
  FRESHWATCH_NEED_DBT_TESTDATA();
  auto m = parse_manifest(slurp(testdata() / "fivetran_log/manifest_v3_0.21.0_bigquery.json"));
  ASSERT_TRUE(m);
  EXPECT_EQ(project_name(*m), "jamie_dbt_dev");
  auto j = parse_manifest(slurp(testdata() / "jaffle_shop_all_versions/manifest/v1/jaffle_shop/manifest.json"));
  EXPECT_EQ(project_name(*j), "jaffle_shop");
  auto h = parse_manifest(slurp(testdata() / "hubspot/manifest_v6_1.2.1_postgres.json"));
  EXPECT_EQ(project_name(*h), "hubspot_integration_tests");
}

// A real freshness run: the manifest and sources.json of the same invocation.
TEST(Collection, RealSnowflakeFreshnessRun) {
  FRESHWATCH_NEED_DBT_TESTDATA();
  Artifacts a;
  a.manifest = *parse_manifest(slurp(testdata() / "brooklyn_snowflake/source_freshness_manifest.json"));
  a.sources = *parse_freshness(slurp(testdata() / "brooklyn_snowflake/source_freshness_sources.json"));
  auto built = build_collection(a, options());
  EXPECT_TRUE(built.problems.empty()) << built.problems.front();
  const auto& c = built.collection;
  const auto* src = asset(c, "dbt:source.dbt_artifacts.dbt_artifacts.artifacts");
  ASSERT_NE(src, nullptr);
  EXPECT_EQ(src->relation, "DEV.DBT_ARTIFACTS.ARTIFACTS");
  ASSERT_TRUE(src->policy);
  EXPECT_EQ(std::get<model::ThresholdRule>(src->policy->rule).error_after,
            std::chrono::duration_cast<core::Duration>(24h));
  const auto* o = observation(c, src->key, "dbt_source_freshness");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->changed_at, at("2022-02-14T13:14:23.803Z"));
  EXPECT_NE(o->evidence.find("pass"), std::string::npos);
  EXPECT_NE(asset(c, "dbt:exposure.artifacts_integration_tests.imaginary"), nullptr);
  EXPECT_FALSE(c.edges.empty());

  // The build run's results belong to the same project.
  Artifacts b;
  b.manifest = *parse_manifest(slurp(testdata() / "brooklyn_snowflake/build_manifest.json"));
  b.run_results = *parse_run_results(slurp(testdata() / "brooklyn_snowflake/build_run_results.json"));
  auto built_b = build_collection(b, options());
  EXPECT_TRUE(built_b.collection.warnings.empty()) << built_b.collection.warnings.front();
  std::size_t runs = std::count_if(built_b.collection.observations.begin(), built_b.collection.observations.end(),
                                   [](const auto& o) { return o.signal == "dbt_run"; });
  EXPECT_EQ(runs, 33u);  // 31 models, a seed and a snapshot
}

TEST(Collection, EveryRealManifestBuildsWithoutProblems) {
  FRESHWATCH_NEED_DBT_TESTDATA();
  for (const auto& entry : std::filesystem::recursive_directory_iterator(testdata())) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.find("manifest") == std::string::npos ||
        entry.path().string().find("/schemas/") != std::string::npos)
      continue;
    SCOPED_TRACE(entry.path().string());
    auto m = parse_manifest(slurp(entry.path()));
    ASSERT_TRUE(m);
    Artifacts a;
    a.manifest = std::move(*m);
    auto built = build_collection(a, options());
    EXPECT_TRUE(built.problems.empty()) << built.problems.front();
    for (const auto& asset_ : built.collection.assets)
      if (!asset_.parent.empty()) {
        ASSERT_NE(asset(built.collection, asset_.parent), nullptr) << asset_.key;
      }
  }
}

}  // namespace
}  // namespace freshwatch::connectors::dbt
