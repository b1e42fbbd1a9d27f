#include "cli/report.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace freshwatch::cli {
namespace {

using model::Status;

model::AssetState leaf(std::string key, Status status, std::string error = "") {
  model::AssetState s;
  model::Asset& s_asset = own_asset(s);
  s_asset.key = key;
  s_asset.name = key.substr(key.rfind('.') + 1);
  s_asset.connection = "wh";
  s.evaluation.status = status;
  s.evaluation.policy = "default";
  s.evaluation.reason = "because";
  s.evaluation.error = std::move(error);
  return s;
}

model::Snapshot sample() {
  model::Snapshot snap;
  snap.generated_at = *core::parse_timestamp("2024-05-10T12:00:00Z");
  model::AssetState conn;
  model::Asset& conn_asset = own_asset(conn);
  conn_asset.key = "wh";
  conn_asset.kind = model::AssetKind::kConnection;
  snap.assets.push_back(conn);
  snap.assets.push_back(leaf("wh:main.a", Status::kFresh));
  snap.assets.push_back(leaf("wh:main.b", Status::kError));
  snap.assets.push_back(leaf("wh:main.c", Status::kUnknown, "no column _loaded_at in main.c"));
  snap.assets.push_back(leaf("wh:main.d", Status::kWarn));
  snap.assets[1].evaluation.changed_at = *core::parse_timestamp("2024-05-10T11:00:00Z");
  snap.assets[1].evaluation.age = std::chrono::hours(1);
  snap.assets[1].evaluation.signal = "max(_loaded_at)";
  snap.connections.push_back({.name = "wh", .type = "sqlite"});
  return snap;
}

TEST(Report, LeavesWorstFirstAndSelected) {
  const auto snap = sample();
  auto rows = select_leaves(snap, std::nullopt);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0]->asset->key, "wh:main.b");
  EXPECT_EQ(rows[1]->asset->key, "wh:main.d");
  EXPECT_EQ(rows[2]->asset->key, "wh:main.c");
  EXPECT_EQ(rows[3]->asset->key, "wh:main.a");
  rows = select_leaves(snap, *model::parse_selector("wh:main.a"));
  ASSERT_EQ(rows.size(), 1u);
}

TEST(Report, FailOnLevels) {
  EXPECT_TRUE(at_or_above(Status::kError, Status::kWarn));
  EXPECT_TRUE(at_or_above(Status::kWarn, Status::kWarn));
  EXPECT_FALSE(at_or_above(Status::kUnknown, Status::kWarn));
  EXPECT_FALSE(at_or_above(Status::kWarn, Status::kError));
  EXPECT_TRUE(at_or_above(Status::kUnknown, Status::kUnknown));
  EXPECT_FALSE(at_or_above(Status::kFresh, Status::kUnknown));
}

TEST(Report, TableHasColumnsAndNoColourUnlessAsked) {
  const auto snap = sample();
  const auto rows = select_leaves(snap, std::nullopt);
  const auto plain = render_table(snap, rows, false);
  EXPECT_NE(plain.find("STATUS"), std::string::npos);
  EXPECT_NE(plain.find("2024-05-10 11:00"), std::string::npos);
  EXPECT_NE(plain.find("because: no column _loaded_at in main.c"), std::string::npos);
  EXPECT_NE(plain.find("4 assets: 1 fresh, 1 warn, 1 error, 1 unknown"), std::string::npos);
  EXPECT_EQ(plain.find("\x1b["), std::string::npos);
  EXPECT_NE(render_table(snap, rows, true).find("\x1b[31m"), std::string::npos);
}

TEST(Report, JsonShape) {
  const auto snap = sample();
  const auto rows = select_leaves(snap, std::nullopt);
  const auto json = render_json(snap, rows, Status::kError, true);
  const std::string expected =
      R"x("key": "wh:main.a", "name": "a", "kind": "table", "connection": "wh", )x"
      R"x("status": "fresh", "changed_at": "2024-05-10T11:00:00Z", "age_seconds": 3600, )x"
      R"x("signal": "max(_loaded_at)", "policy": "default", "reason": "because", "error": null)x";
  EXPECT_NE(json.find(expected), std::string::npos) << json;
  EXPECT_NE(json.find(R"("changed_at": null, "age_seconds": null)"), std::string::npos);
  EXPECT_NE(json.find(R"("failed": true)"), std::string::npos);
  EXPECT_NE(json.find(R"("summary": {"fresh": 1, "warn": 1, "error": 1, "unknown": 1, "total": 4})"),
            std::string::npos);
}

TEST(Report, ConnectionWarningsInJsonAndTable) {
  auto snap = sample();
  const auto rows = select_leaves(snap, std::nullopt);
  EXPECT_NE(render_json(snap, rows, Status::kError, true).find(R"("asset_count": 0, "warnings": []})"),
            std::string::npos)
      << "always an array";
  snap.connections[0].warnings = {"stale artifacts: manifest.json is not valid JSON", "b \"q\""};
  const auto json = render_json(snap, rows, Status::kError, true);
  EXPECT_NE(json.find(R"("warnings": ["stale artifacts: manifest.json is not valid JSON", "b \"q\""]})"),
            std::string::npos)
      << json;
  const auto table = render_table(snap, rows, false);
  EXPECT_NE(table.find("connection wh warning: stale artifacts: manifest.json is not valid JSON\n"),
            std::string::npos)
      << table;
}

// Every asset says how old its data is and where that comes from; dashboards (which `check`
// lists beside the leaves) and Looks carry their usage.
TEST(Report, JsonCarriesDataTimeAndUsage) {
  auto snap = sample();
  snap.assets[1].data_time = *core::parse_timestamp("2024-05-06T12:00:00Z");
  snap.assets[1].data_time_from = "wh:raw.a";
  model::AssetState dashboard;
  model::Asset& dashboard_asset = own_asset(dashboard);
  dashboard_asset.key = "lk:dashboard.1";
  dashboard_asset.name = "Sales";
  dashboard_asset.kind = model::AssetKind::kDashboard;
  dashboard_asset.connection = "lk";
  dashboard_asset.usage = model::Usage{*core::parse_timestamp("2024-05-01T08:00:00Z"), std::nullopt, 7};
  dashboard.evaluation.status = Status::kError;
  dashboard.evaluation.reason = "1 error of 1";
  snap.assets.push_back(dashboard);
  model::AssetState look = leaf("lk:look.3", Status::kFresh);
  own_asset(look).kind = model::AssetKind::kLook;
  snap.assets.push_back(look);
  model::AssetState folder;
  model::Asset& folder_asset = own_asset(folder);
  folder_asset.key = "lk:folder.1";
  folder_asset.kind = model::AssetKind::kFolder;
  snap.assets.push_back(folder);

  const auto rows = select_leaves(snap, std::nullopt);
  ASSERT_EQ(rows.size(), 6u) << "leaves and the dashboard; no other container";
  EXPECT_EQ(rows[0]->asset->key, "lk:dashboard.1");
  EXPECT_EQ(select_leaves(snap, *model::parse_selector("kind:dashboard")).size(), 1u);
  const auto json = render_json(snap, rows, Status::kError, true);
  EXPECT_NE(json.find(R"("row_count": null, "data_time": "2024-05-06T12:00:00Z", "data_time_from": "wh:raw.a"})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("data_time": null, "data_time_from": null})"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("kind": "dashboard")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("data_time_from": null, "last_accessed_at": "2024-05-01T08:00:00Z", )"
                      R"("last_viewed_at": null, "view_count": 7})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("last_accessed_at": null, "last_viewed_at": null, "view_count": null})"),
            std::string::npos)
      << "a Look without usage reported: every field null";
  EXPECT_EQ(json.find("lk:folder.1"), std::string::npos);
  EXPECT_NE(render_table(snap, rows, false).find("lk:dashboard.1"), std::string::npos);
}

TEST(Report, JsonStringEscapes) {
  EXPECT_EQ(json_string("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
}

}  // namespace
}  // namespace freshwatch::cli
