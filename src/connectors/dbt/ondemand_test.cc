// The On-Demand reading of artifacts: keys in any order, where an error is, and a manifest's text
// given back as the parse moves past it.
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "connectors/dbt/artifacts.h"
#include "connectors/dbt/dbt_connector.h"

namespace freshwatch::connectors::dbt {
namespace {

using namespace std::chrono_literals;

TEST(OnDemand, KeysInAnyOrder) {
  // metadata after the nodes; each node's identity after its details; nested keys shuffled.
  auto m = parse_manifest(R"({
    "nodes": {
      "model.p.b": {"depends_on": {"macros": ["macro.x"], "nodes": ["source.p.raw.t"]},
                    "config": {"quoting": {"identifier": true}, "materialized": "table", "enabled": true},
                    "alias": "b_table", "name": "b", "meta": {"x": [1, {"owner": "nobody"}], "owner": "team"},
                    "columns": {"c": {"name": "c", "meta": {"owner": "not this"}}},
                    "unique_id": "model.p.b", "resource_type": "model"}
    },
    "sources": {
      "source.p.raw.t": {"freshness": {"error_after": {"period": "hour", "count": 2},
                                       "warn_after": {"period": "minute", "count": 30}},
                         "identifier": "t_raw", "name": "t", "source_name": "raw",
                         "resource_type": "source", "unique_id": "source.p.raw.t"}
    },
    "metadata": {"adapter_type": "postgres",
                 "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"}
  })");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->metadata.schema_version, 12);
  EXPECT_EQ(m->metadata.adapter_type, "postgres");
  EXPECT_TRUE(m->warnings.empty());
  ASSERT_EQ(m->nodes.size(), 2u);
  const Node& b = m->nodes[0];
  EXPECT_EQ(b.unique_id, "model.p.b");
  EXPECT_EQ(b.identifier, "b_table");
  EXPECT_EQ(b.materialized, "table");
  EXPECT_EQ(b.quote_identifier, true);
  EXPECT_EQ(b.owner, "team");
  EXPECT_EQ(b.depends_on, std::vector<std::string>{"source.p.raw.t"});
  const Node& t = m->nodes[1];
  EXPECT_EQ(t.type, ResourceType::kSource);
  EXPECT_EQ(t.identifier, "t_raw");
  EXPECT_EQ(t.freshness.warn_after, std::chrono::duration_cast<core::Duration>(30min));
  EXPECT_EQ(t.freshness.error_after, std::chrono::duration_cast<core::Duration>(2h));

  // A wrong kind is still found when the metadata comes last.
  auto wrong = parse_manifest(
      R"({"nodes": {}, "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"}})");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("is a dbt 'run-results' artifact"), std::string::npos);
}

TEST(OnDemand, EscapedStringsAreUnescaped) {
  auto m =
      parse_manifest(R"({"nodes": {"model.p.a": {"unique_id": "model.p.a", "resource_type": "model",
    "name": "a", "description": "line one\nline \"two\" \u00e9"}}})");
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m->nodes.size(), 1u);
  EXPECT_EQ(m->nodes[0].description, "line one\nline \"two\" \xc3\xa9");
}

TEST(OnDemand, AnErrorSaysWhereTheJsonBroke) {
  const std::string text =
      R"({"metadata": {}, "nodes": {"model.p.a": {"unique_id": "model.p.a" "name": "a"}}})";
  auto m = parse_manifest(text);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::kParse);
  EXPECT_TRUE(m.error().message.starts_with("manifest.json is not valid JSON ("))
      << m.error().message;
  EXPECT_NE(m.error().message.find(fmt::format(" of {}); is the file complete?", text.size())),
            std::string::npos)
      << m.error().message;
  EXPECT_NE(m.error().message.find(" at byte "), std::string::npos) << m.error().message;

  // A second document after the first is not a manifest either.
  auto two = parse_manifest(R"({"nodes": {}} {"nodes": {}})");
  ASSERT_FALSE(two);
  EXPECT_TRUE(two.error().message.starts_with("manifest.json is not valid JSON"))
      << two.error().message;

  auto r = parse_run_results(R"({"results": [{"unique_id": "model.p.a", "status": }]})");
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message.starts_with("run_results.json is not valid JSON"))
      << r.error().message;
}

// A manifest of `count` nodes, each with SQL and columns that are skipped.
std::string big_manifest(int count) {
  std::string text =
      R"({"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"}, "nodes": {)";
  const std::string sql(900, 'x');
  for (int i = 0; i < count; ++i) {
    text += fmt::format(
        R"({}"model.p.m{}": {{"unique_id": "model.p.m{}", "resource_type": "model", "name": "m{}", )"
        R"("raw_code": "select {}", "columns": {{"id": {{"name": "id", "tags": []}}}}, )"
        R"("description": "model number {}", "depends_on": {{"nodes": [{}]}}}})",
        i == 0 ? "" : ", ", i, i, i, sql, i, i == 0 ? "" : fmt::format(R"("model.p.m{}")", i - 1));
  }
  text += R"(}, "parent_map": {}})";
  return text;
}

TEST(OnDemand, TheTextIsGivenBackAsTheParseMovesPastIt) {
  const std::string json = big_manifest(4000);  // about 4 MB
  auto plain = parse_manifest(json);
  ASSERT_TRUE(plain) << plain.error().message;
  ASSERT_EQ(plain->nodes.size(), 4000u);

  ArtifactText text;
  text.buffer = json;
  text.size = json.size();
  text.buffer.append(kJsonPadding, '\0');
  std::vector<std::size_t> told;
  auto released = parse_manifest_padded(text.json(), [&](std::size_t bytes) {
    told.push_back(bytes);
    text.release_front(bytes);
  });
  ASSERT_TRUE(released) << released.error().message;
  ASSERT_GE(told.size(), 3u);
  for (std::size_t i = 1; i < told.size(); ++i) EXPECT_GT(told[i], told[i - 1]);
  EXPECT_LE(told.back(), json.size());
  EXPECT_GT(told.back(), json.size() / 2);
  // What was given back reads as zeros now, and the nodes are as a plain parse reads them.
  EXPECT_EQ(text.buffer[told.back() / 2], '\0');
  ASSERT_EQ(released->nodes.size(), plain->nodes.size());
  for (std::size_t i = 0; i < plain->nodes.size(); ++i) {
    EXPECT_EQ(released->nodes[i].unique_id, plain->nodes[i].unique_id);
    EXPECT_EQ(released->nodes[i].description, plain->nodes[i].description);
    EXPECT_EQ(released->nodes[i].depends_on, plain->nodes[i].depends_on);
  }
  EXPECT_EQ(released->nodes[3999].description, "model number 3999");
}

TEST(OnDemand, ReleasingBeyondTheTextOrNothingIsHarmless) {
  ArtifactText text;
  text.buffer = std::string(100, 'a');
  text.size = 100;
  text.release_front(0);
  text.release_front(1 << 20);  // more than the text: only whole pages inside it, here none
  EXPECT_EQ(text.buffer, std::string(100, 'a'));
}

}  // namespace
}  // namespace freshwatch::connectors::dbt
