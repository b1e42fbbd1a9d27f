#include "connectors/dbt/artifacts.h"

#include <algorithm>
#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "connectors/dbt/test_files.h"
#include "core/time.h"

namespace freshwatch::connectors::dbt {
namespace {

using namespace std::chrono_literals;
using testing::slurp;
using testing::testdata;

const Node* find(const Manifest& m, std::string_view id) {
  for (const auto& n : m.nodes)
    if (n.unique_id == id) return &n;
  return nullptr;
}

core::TimePoint at(std::string_view text) { return *core::parse_timestamp(text); }

TEST(SchemaUrl, ParsesKindAndVersion) {
  auto m = parse_schema_url("https://schemas.getdbt.com/dbt/manifest/v12.json");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->first, "manifest");
  EXPECT_EQ(m->second, 12);
  auto r = parse_schema_url("https://schemas.getdbt.com/dbt/run-results/v6.json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, "run-results");
  EXPECT_FALSE(parse_schema_url("https://schemas.getdbt.com/dbt/manifest/vX.json"));
  EXPECT_FALSE(parse_schema_url(""));
}

TEST(Criterion, Durations) {
  EXPECT_EQ(criterion_duration(12, "hour"), std::chrono::duration_cast<core::Duration>(12h));
  EXPECT_EQ(criterion_duration(30, "minute"), std::chrono::duration_cast<core::Duration>(30min));
  EXPECT_EQ(criterion_duration(2, "day"), std::chrono::duration_cast<core::Duration>(48h));
  EXPECT_FALSE(criterion_duration(std::nullopt, "hour"));
  EXPECT_FALSE(criterion_duration(3, "fortnight"));
}

// Every real artifact in the shared test data loads, and is read as the kind it is.
TEST(RealArtifacts, EveryFileLoads) {
  FRESHWATCH_NEED_DBT_TESTDATA();
  int manifests = 0, runs = 0, freshness = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(testdata())) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    const std::string rel = std::filesystem::relative(entry.path(), testdata()).string();
    if (rel.starts_with("schemas/") || rel.find("catalog") != std::string::npos) continue;
    const std::string name = entry.path().filename().string();
    const std::string text = slurp(entry.path());
    SCOPED_TRACE(rel);
    if (name.find("manifest") != std::string::npos) {
      auto m = parse_manifest(text);
      ASSERT_TRUE(m) << m.error().message;
      EXPECT_GE(m->metadata.schema_version, 1);
      EXPECT_LE(m->metadata.schema_version, kManifestVersion);
      EXPECT_TRUE(m->warnings.empty()) << m->warnings.front();
      EXPECT_FALSE(m->nodes.empty());
      ++manifests;
    } else if (name.find("run_results") != std::string::npos) {
      auto r = parse_run_results(text);
      ASSERT_TRUE(r) << r.error().message;
      EXPECT_TRUE(r->warnings.empty());
      EXPECT_FALSE(r->results.empty());
      ++runs;
    } else if (name.find("sources") != std::string::npos || name.find("freshness") != std::string::npos) {
      auto r = parse_freshness(text);
      ASSERT_TRUE(r) << r.error().message;
      EXPECT_TRUE(r->warnings.empty());
      EXPECT_FALSE(r->results.empty());
      ++freshness;
    }
  }
  EXPECT_GE(manifests, 30);
  EXPECT_GE(runs, 14);
  EXPECT_GE(freshness, 3);
}

TEST(RealArtifacts, ManifestVersionsOneToTwelveAreRecognised) {
  FRESHWATCH_NEED_DBT_TESTDATA();
  for (int v = 1; v <= 12; ++v) {
    auto m = parse_manifest(slurp(testdata() / fmt::format("dbt_core_fixtures/state/v{}/manifest.json", v)));
    ASSERT_TRUE(m) << v;
    EXPECT_EQ(m->metadata.schema_kind, "manifest");
    EXPECT_EQ(m->metadata.schema_version, v);
    EXPECT_EQ(m->metadata.adapter_type, "postgres");
  }
}

TEST(RealArtifacts, NodeCounts) {
  FRESHWATCH_NEED_DBT_TESTDATA();
  auto count = [](const Manifest& m, ResourceType t) {
    return std::count_if(m.nodes.begin(), m.nodes.end(), [&](const Node& n) { return n.type == t; });
  };
  // jaffle_shop v1: 8 models, 3 seeds; 21 tests skipped.
  auto v1 = parse_manifest(slurp(testdata() / "jaffle_shop_all_versions/manifest/v1/jaffle_shop/manifest.json"));
  ASSERT_TRUE(v1);
  EXPECT_EQ(count(*v1, ResourceType::kModel), 8);
  EXPECT_EQ(count(*v1, ResourceType::kSeed), 3);
  EXPECT_EQ(v1->skipped_nodes, 21u);
  // dbt-core's v12 fixture: 2 models, 1 snapshot, 1 seed, 1 source, 1 exposure; analysis and 3 tests skipped.
  auto v12 = parse_manifest(slurp(testdata() / "dbt_core_fixtures/state/v12/manifest.json"));
  ASSERT_TRUE(v12);
  EXPECT_EQ(v12->nodes.size(), 6u);
  EXPECT_EQ(count(*v12, ResourceType::kSnapshot), 1);
  EXPECT_EQ(count(*v12, ResourceType::kExposure), 1);
  EXPECT_EQ(v12->skipped_nodes, 4u);
  EXPECT_EQ(v12->metadata.project_name, "test");
  EXPECT_EQ(v12->metadata.quote_identifier, true);
  const Node* exposure = find(*v12, "exposure.test.simple_exposure");
  ASSERT_NE(exposure, nullptr);
  EXPECT_EQ(exposure->owner, "something@example.com");
  EXPECT_EQ(exposure->depends_on,
            (std::vector<std::string>{"source.test.my_source.my_table", "model.test.my_model"}));
  const Node* source = find(*v12, "source.test.my_source.my_table");
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->identifier, "my_seed");
  EXPECT_EQ(source->schema, "my_source");
  EXPECT_TRUE(source->freshness.empty());
  // hubspot v6: 118 models, 45 seeds, 50 sources.
  auto hub = parse_manifest(slurp(testdata() / "hubspot/manifest_v6_1.2.1_postgres.json"));
  ASSERT_TRUE(hub);
  EXPECT_EQ(count(*hub, ResourceType::kModel), 118);
  EXPECT_EQ(count(*hub, ResourceType::kSeed), 45);
  EXPECT_EQ(count(*hub, ResourceType::kSource), 50);
  EXPECT_EQ(hub->skipped_nodes, 117u);
}

TEST(RealArtifacts, KnownSourceThresholds) {
  FRESHWATCH_NEED_DBT_TESTDATA();
  auto m = parse_manifest(slurp(testdata() / "fivetran_log/manifest_v11_1.7.3_snowflake.json"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->metadata.adapter_type, "snowflake");
  const Node* s = find(*m, "source.fivetran_log.fivetran_platform.incremental_mar");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->type, ResourceType::kSource);
  EXPECT_EQ(s->freshness.warn_after, std::chrono::duration_cast<core::Duration>(72h));
  EXPECT_EQ(s->freshness.error_after, std::chrono::duration_cast<core::Duration>(96h));
  EXPECT_EQ(s->loaded_at_field, "_fivetran_synced");
  EXPECT_EQ(s->database, "DBT_PACKAGE_TESTING");
  EXPECT_EQ(s->original_file_path, "models/staging/src_fivetran_platform.yml");
  const Node* model = find(*m, "model.fivetran_log.fivetran_platform__schema_changelog");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->materialized, "table");
  EXPECT_EQ(model->identifier, "fivetran_platform__schema_changelog");
  EXPECT_EQ(model->depends_on.size(), 2u);

  auto b = parse_manifest(slurp(testdata() / "brooklyn_snowflake/source_freshness_manifest.json"));
  ASSERT_TRUE(b);
  const Node* artifacts = find(*b, "source.dbt_artifacts.dbt_artifacts.artifacts");
  ASSERT_NE(artifacts, nullptr);
  EXPECT_FALSE(artifacts->freshness.warn_after);
  EXPECT_EQ(artifacts->freshness.error_after, std::chrono::duration_cast<core::Duration>(24h));
  const Node* exposure = find(*b, "exposure.artifacts_integration_tests.imaginary");
  ASSERT_NE(exposure, nullptr);
  EXPECT_EQ(exposure->owner, "Claire from Data");
  EXPECT_EQ(exposure->url, "https://bi.tool/dashboards/1");
}

TEST(RealArtifacts, KnownRunResult) {
  FRESHWATCH_NEED_DBT_TESTDATA();
  auto r = parse_run_results(slurp(testdata() / "jaffle_shop_all_versions/run_results/v4/jaffle_shop/run_results.json"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->metadata.schema_version, 4);
  EXPECT_EQ(r->results.size(), 29u);
  auto result = [&](std::string_view id) {
    return std::find_if(r->results.begin(), r->results.end(), [&](const RunResult& x) { return x.unique_id == id; });
  };
  auto failed = result("model.jaffle_shop.test_insert_overwrite");
  ASSERT_NE(failed, r->results.end());
  EXPECT_EQ(failed->status, "error");
  EXPECT_NE(failed->message.find("Database Error"), std::string::npos);
  auto seed = result("seed.jaffle_shop.raw_customers");
  ASSERT_NE(seed, r->results.end());
  EXPECT_EQ(seed->status, "success");
  EXPECT_EQ(seed->completed_at, at("2021-12-07T10:49:23.894804Z"));
  EXPECT_EQ(seed->started_at, at("2021-12-07T10:49:20.193225Z"));

  auto v1 = parse_run_results(slurp(testdata() / "jaffle_shop_all_versions/run_results/v1/jaffle_shop/run_results.json"));
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->results.size(), 8u);
  EXPECT_EQ(v1->results[0].unique_id, "model.jaffle_shop.stg_payments");
  EXPECT_EQ(v1->results[0].completed_at, at("2021-08-12T09:11:56.927114Z"));
}

TEST(RealArtifacts, SourcesAndFreshness) {
  FRESHWATCH_NEED_DBT_TESTDATA();
  auto s = parse_freshness(slurp(testdata() / "brooklyn_snowflake/source_freshness_sources.json"));
  ASSERT_TRUE(s);
  ASSERT_EQ(s->results.size(), 1u);
  EXPECT_EQ(s->results[0].status, "pass");
  EXPECT_EQ(s->results[0].max_loaded_at, at("2022-02-14T13:14:23.803Z"));
  EXPECT_FALSE(s->results[0].criteria.warn_after);
  EXPECT_EQ(s->results[0].criteria.error_after, std::chrono::duration_cast<core::Duration>(24h));
  EXPECT_EQ(s->metadata.invocation_id, "4f3b61a0-df9a-4204-bcaa-968cbbfb2a44");

  auto f = parse_freshness(slurp(testdata() / "jaffle_shop_all_versions/freshness/v0/jaffle_shop/freshness.json"));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->metadata.schema_kind, "freshness");
  EXPECT_EQ(f->metadata.schema_version, 0);
  ASSERT_EQ(f->results.size(), 2u);
  EXPECT_EQ(f->results[0].resource_type, "model");
  EXPECT_EQ(f->results[0].status, "pass");  // "Pass" in dbt 2
  EXPECT_EQ(f->results[1].criteria.warn_after, std::chrono::duration_cast<core::Duration>(12h));
  EXPECT_EQ(f->results[1].age_seconds, 1800);
}

TEST(Versions, FutureVersionLoadsWithAWarning) {
  FRESHWATCH_NEED_DBT_TESTDATA();
  std::string text = slurp(testdata() / "dbt_core_fixtures/state/v12/manifest.json");
  const auto at = text.find("manifest/v12.json");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 17, "manifest/v99.json");
  auto m = parse_manifest(text);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->nodes.size(), 6u);
  ASSERT_EQ(m->warnings.size(), 1u);
  EXPECT_NE(m->warnings[0].find("v99"), std::string::npos);

  auto r = parse_run_results(R"({"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v7.json"},
    "results": [{"unique_id": "model.p.a", "status": "success", "new_field": {"x": [1, 2]}}]})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->results.size(), 1u);
  EXPECT_EQ(r->warnings.size(), 1u);
}

TEST(Versions, WrongKindIsAnError) {
  auto m = parse_manifest(R"({"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"}, "results": []})");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::kParse);
  EXPECT_NE(m.error().message.find("run-results"), std::string::npos);
  auto r = parse_run_results(R"({"metadata": {}, "nodes": {}})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no 'results'"), std::string::npos);
}

TEST(BadInput, UnexpectedTypesAreAbsent) {
  auto m = parse_manifest(R"({
    "metadata": {"dbt_schema_version": 12, "adapter_type": null},
    "nodes": {
      "model.p.a": {"unique_id": "model.p.a", "resource_type": "model", "name": "a",
                    "tags": null, "depends_on": 5, "config": "x", "database": 7, "alias": null},
      "model.p.b": {"unique_id": "model.p.b", "resource_type": "model", "name": "b",
                    "tags": ["x", 1, null], "depends_on": {"nodes": ["model.p.a", null]}},
      "weird": 42,
      "model.p.off": {"unique_id": "model.p.off", "resource_type": "model", "config": {"enabled": false}}
    },
    "sources": null,
    "exposures": []
  })");
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m->nodes.size(), 2u);
  EXPECT_EQ(m->nodes[0].identifier, "a");  // alias null: the name
  EXPECT_EQ(m->nodes[1].tags, std::vector<std::string>{"x"});
  EXPECT_EQ(m->nodes[1].depends_on, std::vector<std::string>{"model.p.a"});
  EXPECT_EQ(m->skipped_nodes, 2u);
  EXPECT_EQ(m->warnings.size(), 1u);  // no readable schema version
}

TEST(BadInput, InvalidJsonIsAParseError) {
  for (std::string_view text : {"", "   ", "{", "[]", "null", "{\"nodes\": {", "{\"nodes\": {}} trailing",
                                "{\"nodes\": {\"a\": {\"name\": \"x}}}", "\xff\xfe{}"}) {
    auto m = parse_manifest(text);
    ASSERT_FALSE(m) << text;
    EXPECT_EQ(m.error().code, ErrorCode::kParse);
  }
}

// Cut at many places, or with bytes flipped, a real manifest never crashes the reader, and a
// cut one is always an error.
TEST(BadInput, TruncatedAndCorruptedManifests) {
  FRESHWATCH_NEED_DBT_TESTDATA();
  const std::string text = slurp(testdata() / "dbt_core_fixtures/state/v12/manifest.json");
  std::size_t last_brace = text.find_last_of('}');
  for (std::size_t cut = 0; cut < last_brace; cut += 997) {
    auto m = parse_manifest(std::string_view(text).substr(0, cut));
    EXPECT_FALSE(m) << "cut at " << cut;
    if (!m) {
      EXPECT_NE(m.error().message.find("manifest.json"), std::string::npos);
    }
  }
  std::mt19937 rng(42);
  for (int i = 0; i < 200; ++i) {
    std::string copy = text;
    for (int j = 0; j < 5; ++j) copy[rng() % copy.size()] = static_cast<char>(rng() % 256);
    (void)parse_manifest(copy);  // any outcome but a crash
  }
}

}  // namespace
}  // namespace freshwatch::connectors::dbt
