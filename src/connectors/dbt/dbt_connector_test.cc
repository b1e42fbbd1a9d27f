#include "connectors/dbt/dbt_connector.h"

#include "connectors/dbt/dbt_cloud.h"

#include <stdlib.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "connectors/dbt/test_files.h"
#include "core/time.h"

namespace freshwatch::connectors::dbt {
namespace {

using testing::slurp;
using testing::testdata;
using testing::write_file;
using testing::kManifest;
namespace fs = std::filesystem;

class Folder {
 public:
  Folder() {
    std::string pattern = (fs::temp_directory_path() / "fw_dbt_XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~Folder() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct Harness {
  Folder folder;
  config::ConnectionConfig config;
  core::FakeClock clock{*core::parse_timestamp("2024-05-01T00:00:00Z")};
  PreviousObservations previous;
  std::unique_ptr<Connector> connector;

  Harness() {
    config.name = "dbt";
    config.type = "dbt";
    connector = std::move(*make_dbt_connector(config, DbtOptions{folder.path().string()}));
  }
  Result<Collection> collect() {
    clock.advance(std::chrono::minutes(15));
    return connector->collect(CollectContext{clock, previous, {}});
  }
  void write(const std::string& name, std::string_view text) { write_file(folder.path() / name, text); }
};

TEST(DbtConnector, ReadsTheFolder) {
  Harness h;
  h.write("manifest.json", kManifest);
  auto c = h.collect();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->assets.size(), 6u);  // connection, project, package, models/, the model and the source
  EXPECT_EQ(c->edges.size(), 1u);
  EXPECT_TRUE(c->warnings.empty());
}

TEST(DbtConnector, MissingFolderFailsTheConnection) {
  Harness h;
  auto c = h.collect();
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("manifest.json does not exist"), std::string::npos) << c.error().message;
}

TEST(DbtConnector, RereadsOnlyWhenFilesChange) {
  Harness h;
  h.write("manifest.json", kManifest);
  auto first = h.collect();
  ASSERT_TRUE(first);
  // Same files: the same collection, even if the content became unreadable in place with the same
  // size and time (the cheap check is size and modification time).
  auto second = h.collect();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->assets, first->assets);
  // A new run_results.json is read.
  h.write("run_results.json", R"({"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"},
    "results": [{"unique_id": "model.shop.a", "status": "success",
                 "timing": [{"name": "execute", "started_at": "2024-05-01T00:00:00Z", "completed_at": "2024-05-01T00:01:00Z"}]}]})");
  auto third = h.collect();
  ASSERT_TRUE(third);
  ASSERT_EQ(third->observations.size(), 1u);
  EXPECT_EQ(third->observations[0].signal, "dbt_run");
  EXPECT_EQ(third->observations[0].changed_at, core::parse_timestamp("2024-05-01T00:01:00Z").value());
}

TEST(DbtConnector, BadArtifactsKeepTheLastGoodState) {
  Harness h;
  h.write("manifest.json", kManifest);
  auto good = h.collect();
  ASSERT_TRUE(good);

  const std::string text(kManifest);
  h.write("manifest.json", text.substr(0, text.size() / 2));  // truncated mid-write
  auto stale = h.collect();
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->assets, good->assets);
  ASSERT_FALSE(stale->warnings.empty());
  EXPECT_TRUE(stale->warnings[0].starts_with("stale artifacts: manifest.json is not valid JSON")) << stale->warnings[0];
  EXPECT_NE(stale->warnings[0].find("serving the state read at 2024-05-01T00:15:00Z"), std::string::npos);

  // A run_results.json of another kind, a missing manifest, a cycle: the same.
  h.write("manifest.json", kManifest);
  h.write("run_results.json", kManifest);
  auto wrong = h.collect();
  ASSERT_TRUE(wrong);
  EXPECT_NE(wrong->warnings[0].find("run_results.json is a dbt 'manifest' artifact"), std::string::npos)
      << wrong->warnings[0];
  fs::remove(h.folder.path() / "run_results.json");
  fs::remove(h.folder.path() / "manifest.json");
  auto missing = h.collect();
  ASSERT_TRUE(missing);
  EXPECT_NE(missing->warnings[0].find("manifest.json does not exist"), std::string::npos);
  std::string cyclic = text;
  cyclic.replace(cyclic.find(R"("identifier": "t")"), 17, R"("identifier": "t", "depends_on": {"nodes": ["model.shop.a"]})");
  h.write("manifest.json", cyclic);
  auto cycle = h.collect();
  ASSERT_TRUE(cycle);
  EXPECT_NE(cycle->warnings[0].find("dependency cycle"), std::string::npos) << cycle->warnings[0];
  EXPECT_EQ(cycle->edges, good->edges);

  // Fixed: read again, no warnings.
  h.write("manifest.json", kManifest);
  auto fixed = h.collect();
  ASSERT_TRUE(fixed);
  EXPECT_TRUE(fixed->warnings.empty());
}

TEST(DbtConnector, FirstReadOfAnInconsistentManifestIsServedWithWarnings) {
  Harness h;
  std::string text(kManifest);
  text.replace(text.find(R"(["source.shop.raw.t"])"), 21, R"(["source.shop.raw.t", "model.shop.gone"])");
  h.write("manifest.json", text);
  auto c = h.collect();
  ASSERT_TRUE(c);
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_EQ(c->warnings[0], "model.shop.a depends on model.shop.gone, which is not in manifest.json");
}

TEST(DbtConnector, RealTargetFolder) {
  FRESHWATCH_NEED_DBT_TESTDATA();
  Harness h;
  h.write("manifest.json", slurp(testdata() / "brooklyn_snowflake/build_manifest.json"));
  h.write("run_results.json", slurp(testdata() / "brooklyn_snowflake/build_run_results.json"));
  h.write("sources.json", slurp(testdata() / "brooklyn_snowflake/source_freshness_sources.json"));
  auto c = h.collect();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->warnings.empty()) << c->warnings.front();
  std::size_t freshness = 0, runs = 0;
  for (const auto& o : c->observations) {
    freshness += o.signal == "dbt_source_freshness";
    runs += o.signal == "dbt_run";
  }
  EXPECT_EQ(freshness, 1u);
  EXPECT_EQ(runs, 33u);
}

TEST(DbtConnector, Registered) {
  register_dbt();
  EXPECT_TRUE(has_type("dbt"));
  EXPECT_TRUE(has_type("dbt_cloud"));
  config::ConnectionConfig cloud;
  cloud.name = "cloud";
  cloud.type = "dbt_cloud";
  cloud.options = DbtCloudOptions{};
  auto missing = create(cloud);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("account_id, job_id and token"), std::string::npos);
}

}  // namespace
}  // namespace freshwatch::connectors::dbt
