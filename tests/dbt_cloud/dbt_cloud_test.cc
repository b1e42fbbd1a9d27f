// dbt Cloud connections against a local server that follows the Administrative API v2's
// documented requests and responses (tests/dbt_cloud/server.js).
#include <gtest/gtest.h>

#include "connectors/dbt/dbt_cloud.h"
#include "connectors/dbt/dbt_connector.h"
#include "core/time.h"
#include "support/process.h"

namespace freshwatch::connectors::dbt {
namespace {

using freshwatch::testing::ChildProcess;

class DbtCloud : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (freshwatch::testing::shared_testdata().empty()) return;
    if (freshwatch::testing::run_command({"node", "--version"}).exit_code != 0) return;
    port_ = freshwatch::testing::free_port();
    server_ = new ChildProcess({"node", DBT_CLOUD_SERVER_JS, std::to_string(port_), "s3cret",
                                freshwatch::testing::shared_testdata().string()},
                               log_.path() / "server.log");
    if (!freshwatch::testing::wait_for_port(port_, 10'000)) {
      delete server_;
      server_ = nullptr;
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!server_) GTEST_SKIP() << "needs node and ../shared/testdata to run the dbt Cloud stand-in";
  }

  // A dbt_cloud connection as the loader makes it: the common keys and the type's options.
  struct Connection {
    config::ConnectionConfig common;
    DbtCloudOptions options;
  };
  Connection config(std::string job, std::string token = "s3cret", std::string account = "1") {
    Connection c;
    c.common.name = "cloud";
    c.common.type = "dbt_cloud";
    c.options.account_id = std::move(account);
    c.options.job_id = std::move(job);
    c.options.token = std::move(token);
    c.options.base_url = fmt::format("http://127.0.0.1:{}/", port_);
    c.common.timeout = std::chrono::seconds(10);
    return c;
  }
  static Result<std::unique_ptr<Connector>> make(const Connection& c) {
    return make_dbt_cloud_connector(c.common, c.options);
  }
  Result<Collection> collect(Connector& connector) {
    return connector.collect(CollectContext{clock_, previous_, {}});
  }
  std::string control(const std::string& path, bool post = false) {
    auto r = freshwatch::testing::run_command(
        {"curl", "-s", "-X", post ? "POST" : "GET", fmt::format("http://127.0.0.1:{}{}", port_, path)});
    return r.output;
  }

  static inline freshwatch::testing::TempDir log_;
  static inline int port_ = 0;
  static inline ChildProcess* server_ = nullptr;
  core::FakeClock clock_{*core::parse_timestamp("2024-05-01T00:00:00Z")};
  PreviousObservations previous_;
};

TEST_F(DbtCloud, LatestSuccessfulRunsArtifacts) {
  auto connector = make(config("42"));
  ASSERT_TRUE(connector);
  auto c = collect(**connector);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->warnings.empty()) << c->warnings.front();
  const model::Observation* freshness = nullptr;
  for (const auto& o : c->observations)
    if (o.signal == "dbt_source_freshness") freshness = &o;
  ASSERT_NE(freshness, nullptr);
  EXPECT_EQ(freshness->asset_key, "cloud:source.dbt_artifacts.dbt_artifacts.artifacts");
  EXPECT_EQ(freshness->changed_at, *core::parse_timestamp("2022-02-14T13:14:23.803Z"));
  EXPECT_FALSE(c->edges.empty());

  // Unchanged run: no artifact is fetched again.
  const std::string before = control("/control/stats");
  auto again = collect(**connector);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->assets, c->assets);
  const std::string after = control("/control/stats");
  EXPECT_EQ(before.substr(0, before.find(',')), after.substr(0, after.find(','))) << before << " / " << after;
  // A newer run: fetched.
  control("/control/advance?job=42", true);
  ASSERT_TRUE(collect(**connector));
  const std::string advanced = control("/control/stats");
  EXPECT_NE(advanced.substr(0, advanced.find(',')), after.substr(0, after.find(',')));
}

TEST_F(DbtCloud, RunResultsOfABuild) {
  auto connector = make(config("43"));
  auto c = collect(**connector);
  ASSERT_TRUE(c) << c.error().message;
  std::size_t runs = 0;
  for (const auto& o : c->observations) runs += o.signal == "dbt_run";
  EXPECT_EQ(runs, 33u);
}

TEST_F(DbtCloud, RefusedToken) {
  auto connector = make(config("42", "wrong"));
  auto c = collect(**connector);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(c.error().message.find("the dbt Cloud token was refused"), std::string::npos) << c.error().message;
  EXPECT_EQ(c.error().message.find("wrong"), std::string::npos);  // never the token
}

TEST_F(DbtCloud, ClearErrors) {
  auto unknown_account = collect(**make(config("42", "s3cret", "9")));
  ASSERT_FALSE(unknown_account);
  EXPECT_NE(unknown_account.error().message.find("has no account 9"), std::string::npos)
      << unknown_account.error().message;
  auto no_run = collect(**make(config("45")));
  ASSERT_FALSE(no_run);
  EXPECT_NE(no_run.error().message.find("job 45 has no successful run yet"), std::string::npos)
      << no_run.error().message;
  auto server_error = collect(**make(config("50")));
  ASSERT_FALSE(server_error);
  EXPECT_NE(server_error.error().message.find("HTTP 500"), std::string::npos) << server_error.error().message;
  auto truncated = collect(**make(config("44")));
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().message.find("manifest.json is not valid JSON"), std::string::npos)
      << truncated.error().message;
}

TEST_F(DbtCloud, Timeout) {
  auto c = config("51");
  c.common.timeout = std::chrono::milliseconds(500);
  auto r = collect(**make(c));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("did not answer within 500 ms"), std::string::npos) << r.error().message;
}

TEST_F(DbtCloud, UnreachableServer) {
  auto c = config("42");
  c.options.base_url = fmt::format("http://127.0.0.1:{}", freshwatch::testing::free_port());
  auto r = collect(**make(c));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cannot reach dbt Cloud"), std::string::npos) << r.error().message;
}

TEST(DbtCloudRuns, ParseLatestRun) {
  auto run = parse_latest_run(R"({"status": {"code": 200}, "data": [{"id": 7, "finished_at": "2024-01-01 00:00:00+00:00"}]})");
  ASSERT_TRUE(run);
  EXPECT_EQ(run->first, "7");
  EXPECT_FALSE(parse_latest_run(R"({"data": []})"));
  EXPECT_EQ(parse_latest_run(R"({"data": []})").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(parse_latest_run("not json").error().code, ErrorCode::kParse);
  EXPECT_EQ(parse_latest_run(R"({"data": [{}]})").error().code, ErrorCode::kParse);
}

}  // namespace
}  // namespace freshwatch::connectors::dbt
