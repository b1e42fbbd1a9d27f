// The Looker connector against a local Looker API 4.0 server (looker_server.js, Node.js) over
// HTTPS with a throwaway certificate authority made with openssl. The instance (instance.json)
// has nested and personal folders, soft-deleted content, query, Look-based, merged-results and
// text tiles, a dashboard filter with a default value, derived and persistent derived tables,
// aliased and quoted Snowflake names, and, when ../shared/testdata is there, the real dashboard
// export of gzr's examples.
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/load.h"
#include "connectors/looker/looker_connector.h"
#include "core/time.h"
#include "support/http_test_server.h"
#include "support/process.h"

namespace freshwatch::connectors::looker {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::run_command;
using ::testing::UnorderedElementsAre;

[[maybe_unused]] const bool kRegistered = (register_all(), true);

const core::TimePoint kT0 = *core::parse_timestamp("2026-11-26T10:00:00Z");

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path gzr_export() {
  const fs::path data = testing::shared_testdata();
  if (data.empty()) return {};
  const fs::path p = data / "looker" / "gzr_examples" / "Dashboard_17_FAA_KPIs.json";
  return fs::exists(p) ? p : fs::path{};
}

// The server, its certificate and its state for the whole suite.
class Env {
 public:
  testing::TempDir dir;
  int port = 0;
  int generation = 0;
  std::unique_ptr<testing::ChildProcess> server;
  bool ok = false;
  std::string skip;

  fs::path path(const std::string& name) const { return dir / name; }

  void start() {
    if (run_command({"node", "--version"}).exit_code != 0) {
      skip = "node is not installed";
      return;
    }
    if (run_command({"openssl", "version"}).exit_code != 0) {
      skip = "openssl is not installed";
      return;
    }
    const testing::TestCertificates certs = testing::make_test_certificates(dir.path());
    if (!certs.error.empty()) {
      ADD_FAILURE() << certs.error;
      return;
    }
    const std::string d = dir.path().string();
    port = testing::free_port();
    std::ofstream(path("server.json"))
        << "{\"port\":" << port << ",\"cert\":\"" << certs.cert.string() << "\",\"key\":\""
        << certs.key.string() << "\",\"state\":\"" << d << "/state.json\",\"events\":\"" << d
        << "/events.log\",\"client_id\":\"fw-client\",\"client_secret\":\"s3cret-&-=value\","
        << "\"gzr\":\"" << gzr_export().string() << "\"}";
    set_state("");
    server = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{
            "node", std::string(FRESHWATCH_SOURCE_DIR) + "/tests/looker/looker_server.js",
            path("server.json").string()},
        path("server.log"));
    ok = testing::wait_for_port(port, 20'000);
    if (!ok) ADD_FAILURE() << "the test server did not start: " << read_file(path("server.log"));
  }

  // The instance, with `options` (JSON members) put in front; a new generation restarts the
  // server's counters and tokens.
  void set_state(const std::string& options, const std::string& instance = {}) {
    std::string json = instance.empty() ? this->instance() : instance;
    std::string front = "\"generation\":" + std::to_string(++generation) + ",";
    if (!options.empty()) front += options + ",";
    json.insert(json.find('{') + 1, front);
    std::ofstream(path("state.json.tmp")) << json;
    fs::rename(path("state.json.tmp"), path("state.json"));
    std::ofstream(path("events.log"), std::ios::trunc);
  }
  static std::string instance() {
    return read_file(std::string(FRESHWATCH_SOURCE_DIR) + "/tests/looker/instance.json");
  }
  std::string events() const { return read_file(path("events.log")); }
  std::size_t count(const std::string& what) const {
    const std::string text = events();
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
  }

  config::ConnectionConfig common() const {
    config::ConnectionConfig c;
    c.name = "looker";
    c.type = "looker";
    c.owner = "bi-team";
    c.timeout = 5min;
    return c;
  }
  LookerOptions options() const {
    LookerOptions o;
    o.base_url = "https://127.0.0.1:" + std::to_string(port);
    o.client_id = "fw-client";
    o.client_secret = "s3cret-&-=value";
    o.ca_file = path("ca.pem").string();
    o.warehouses = {{"snow", "snowflake"}, {"faa", "warehouse"}};
    o.concurrency = 3;
    return o;
  }
};

Env* env = nullptr;

class LookerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    env = new Env;
    env->start();
  }
  static void TearDownTestSuite() {
    delete env;
    env = nullptr;
  }
  void SetUp() override {
    if (!env->skip.empty()) GTEST_SKIP() << env->skip;
    ASSERT_TRUE(env->ok);
  }

  Tuning tuning() {
    Tuning t;
    t.page_size = 2;
    t.request_timeout = 1500ms;
    t.max_attempts = 3;
    t.retry_base = 100ms;
    t.retry_cap = 1s;
    t.sleeper = [this](core::Duration d, std::stop_token stop) {
      std::lock_guard lock(mutex_);
      waits_.push_back(d);
      clock_.advance(d);
      return !stop.stop_requested();
    };
    return t;
  }

  // One run as the engine makes it: with the last successful run's collection and state.
  Result<Collection> collect(const LookerOptions& options) {
    if (!connector_) {
      auto made = make_connector(env->common(), options, tuning());
      if (!made) return std::unexpected(made.error());
      connector_ = std::move(*made);
    }
    PreviousObservations previous;
    if (last_)
      for (const auto& o : last_->observations) previous.add(o);
    std::optional<KnownCollection> known;
    if (last_) known = KnownCollection{model::share_assets(last_->assets), last_->edges};
    CollectContext context{clock_, previous, stop_.get_token(), known ? &*known : nullptr,
                           last_ && last_->state ? &*last_->state : nullptr};
    auto result = connector_->collect(context);
    if (result) last_ = *result;
    return result;
  }
  Result<Collection> collect() { return collect(env->options()); }

  static const model::Asset* asset(const Collection& c, const std::string& key) {
    for (const auto& a : c.assets)
      if (a.key == key) return &a;
    return nullptr;
  }
  static const model::Observation* observation(const Collection& c, const std::string& key) {
    for (const auto& o : c.observations)
      if (o.asset_key == key) return &o;
    return nullptr;
  }
  // "relation via" of every table (and PDT) linked into `key`.
  static std::vector<std::string> inputs(const Collection& c, const std::string& key) {
    std::vector<std::string> out;
    for (const auto& e : c.edges) {
      if (e.downstream != key) continue;
      const auto* up = asset(c, e.upstream);
      out.push_back(fmt::format(
          "{} | {}", up ? (up->relation.empty() ? up->key : up->relation) : "missing " + e.upstream,
          e.via));
    }
    return out;
  }

  core::FakeClock clock_{kT0};
  std::stop_source stop_;
  std::mutex mutex_;
  std::vector<core::Duration> waits_;
  std::unique_ptr<Connector> connector_;
  std::optional<Collection> last_;
};

// ---- Content, paging, fields, credentials (independent of the SQL reader) ----

TEST_F(LookerTest, ReadsFoldersDashboardsTilesAndLooksPagedWithOnlyTheFieldsItNeeds) {
  env->set_state("");
  auto result = collect();
  ASSERT_TRUE(result) << result.error().message << "\n" << env->events();
  const Collection& c = *result;

  // The instance and the folder tree, nested as in Looker; personal folders left out.
  const auto* root = asset(c, "looker");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->kind, model::AssetKind::kConnection);
  EXPECT_EQ(asset(c, "looker:folder/1")->parent, "looker");
  EXPECT_EQ(asset(c, "looker:folder/11")->parent, "looker:folder/1");
  EXPECT_EQ(asset(c, "looker:folder/12")->parent, "looker:folder/11");
  const auto* weekly = asset(c, "looker:folder/13");
  ASSERT_TRUE(weekly);
  EXPECT_EQ(weekly->parent, "looker:folder/12");
  EXPECT_EQ(weekly->kind, model::AssetKind::kFolder);
  EXPECT_EQ(weekly->url, env->options().base_url + "/folders/13");
  for (const char* personal : {"looker:folder/2", "looker:folder/3", "looker:folder/4",
                               "looker:dashboard/10", "looker:look/33"})
    EXPECT_FALSE(asset(c, personal)) << personal;

  // Dashboards in their folders, with usage; soft-deleted ones left out.
  const auto* sales = asset(c, "looker:dashboard/7");
  ASSERT_TRUE(sales);
  EXPECT_EQ(sales->kind, model::AssetKind::kDashboard);
  EXPECT_EQ(sales->name, "Sales overview");
  EXPECT_EQ(sales->parent, "looker:folder/13");
  EXPECT_EQ(sales->owner, "bi-team");
  EXPECT_EQ(sales->url, env->options().base_url + "/dashboards/7");
  ASSERT_TRUE(sales->usage);
  EXPECT_EQ(sales->usage->view_count, 120);
  EXPECT_EQ(sales->usage->last_viewed_at, core::parse_timestamp("2026-11-26T07:15:00Z").value());
  EXPECT_EQ(sales->usage->last_accessed_at, core::parse_timestamp("2026-11-26T07:16:00Z").value());
  EXPECT_FALSE(asset(c, "looker:dashboard/9")) << "soft-deleted";

  // Tiles: titles, or their Look's; text tiles carry no data and are left out.
  const auto* t71 = asset(c, "looker:dashboard/7/tile/71");
  ASSERT_TRUE(t71);
  EXPECT_EQ(t71->kind, model::AssetKind::kTile);
  EXPECT_EQ(t71->name, "Orders by status");
  EXPECT_EQ(t71->parent, "looker:dashboard/7");
  EXPECT_EQ(asset(c, "looker:dashboard/7/tile/74")->name, "Customer orders");
  EXPECT_EQ(asset(c, "looker:dashboard/7/tile/75")->name, "Orders and events");
  EXPECT_FALSE(asset(c, "looker:dashboard/7/tile/73")) << "a text tile";
  for (const auto& o : c.observations) EXPECT_NE(o.asset_key, "looker:dashboard/7/tile/73");

  // Looks in their folders with usage; soft-deleted ones left out.
  const auto* look = asset(c, "looker:look/31");
  ASSERT_TRUE(look);
  EXPECT_EQ(look->kind, model::AssetKind::kLook);
  EXPECT_EQ(look->parent, "looker:folder/12");
  EXPECT_EQ(look->url, env->options().base_url + "/looks/31");
  ASSERT_TRUE(look->usage);
  EXPECT_EQ(look->usage->view_count, 7);
  EXPECT_FALSE(asset(c, "looker:look/32"));

  // Nothing was an error.
  for (const auto& o : c.observations) EXPECT_TRUE(o.ok()) << o.asset_key << ": " << o.error;
  EXPECT_TRUE(c.warnings.empty()) << c.warnings[0];

  // The protocol: one login with a form body, pages of two, deleted=false, fields= everywhere.
  EXPECT_EQ(env->count("\"type\":\"login\""), 1u);
  EXPECT_EQ(env->count("\"content_type\":\"application/x-www-form-urlencoded\""), 1u);
  EXPECT_EQ(env->count("\"type\":\"no_fields\""), 0u) << env->events();
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/folders\""), 1u);
  const std::size_t dashboards = gzr_export().empty() ? 3u : 4u;  // 7, 8, 10 (+17)
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/dashboards/search\""), dashboards / 2 + 1);
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/dashboards/search\",\"fields\":\"id,title,folder_id,"
                       "deleted,last_accessed_at,last_viewed_at,view_count\",\"limit\":\"2\","
                       "\"offset\":\"2\",\"deleted\":\"false\""),
            1u)
      << env->events();
  EXPECT_GE(env->count("\"path\":\"/api/4.0/looks/search\""), 2u);
  // Personal dashboards are not read; every other one once.
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/dashboards/10\""), 0u);
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/dashboards/7\""), 1u);
  // One request per explore and per distinct query.
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/lookml_models/ecommerce/explores/orders\""), 1u);
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/connections/snow\""), 1u);
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/queries/201/run/sql\""), 1u);
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/queries/202/run/sql\""), 1u)
      << "tile 72, tile 74, Look 31";
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/merge_queries/9001\""), 1u);
  // Look 31's query is known from the Look-based tile, merged results' from the tiles; only
  // Look 34's query is asked for.
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/queries/201\""), 0u);
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/queries/202\""), 0u);
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/queries/209\""), 1u);
  EXPECT_EQ(asset(c, "looker:look/34")->parent, "looker:folder/11");
  // Tile 71 listens to Region (default EMEA): its SQL is asked for with that filter.
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/queries/run/sql\""), 2u) << "tiles 71 and 82";
  EXPECT_NE(env->events().find("\\\"filters\\\":{\\\"customers.region\\\":\\\"EMEA\\\"}"),
            std::string::npos)
      << env->events();
  EXPECT_EQ(env->events().find("never-sent"), std::string::npos);
}

TEST_F(LookerTest, TheGzrExampleDashboardAndItsLooks) {
  if (gzr_export().empty()) GTEST_SKIP() << "../shared/testdata/looker/gzr_examples is absent";
  env->set_state("");
  auto result = collect();
  ASSERT_TRUE(result) << result.error().message;
  const auto* d = asset(*result, "looker:dashboard/17");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->name, "FAA KPIs");
  EXPECT_EQ(d->parent, "looker:folder/5");
  ASSERT_TRUE(d->usage);
  EXPECT_EQ(d->usage->view_count, 42);
  std::set<std::string> tiles;
  for (const auto& a : result->assets)
    if (a.parent == "looker:dashboard/17") tiles.insert(a.name);
  EXPECT_EQ(tiles, (std::set<std::string>{"Total number of airport facilities in US",
                                          "Average Airport Elevation", "Top states with airports",
                                          "Top 5 airport facilities by average elevation",
                                          "Average Elevation", "Airports"}));
  // Tile 68 has no title: its Look's.
  EXPECT_EQ(asset(*result, "looker:dashboard/17/tile/68")->name, "Average Elevation");
  EXPECT_EQ(asset(*result, "looker:look/6")->parent, "looker:folder/5");
  EXPECT_EQ(asset(*result, "looker:look/8")->name, "Airports");
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/lookml_models/aviation/explores/airports\""), 1u);
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/queries/148/run/sql\""), 1u) << "tile 68 and Look 6";
}

TEST_F(LookerTest, BadCredentialsFailTheConnectionInPlainWords) {
  env->set_state("");
  auto o = env->options();
  o.client_secret = "wrong-secret";
  auto result = collect(o);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(result.error().message,
              HasSubstr("Looker refused the API credentials of client_id 'fw-client'"));
  EXPECT_THAT(result.error().message, HasSubstr("HTTP 404"));
  EXPECT_EQ(result.error().message.find("wrong-secret"), std::string::npos);
  EXPECT_EQ(env->count("\"type\":\"login_refused\""), 1u);
}

TEST_F(LookerTest, AShortLivedTokenIsRenewedBeforeItExpires) {
  // The token lives 30 s; the folders request is told to come back in 40 s.
  env->set_state(
      R"("token_ttl": 30, "throttle": [{"path": "^/api/4.0/folders$", "count": 1, "retry_after": 40}])");
  auto result = collect();
  ASSERT_TRUE(result) << result.error().message << "\n" << env->events();
  EXPECT_TRUE(asset(*result, "looker:dashboard/7"));
  EXPECT_EQ(env->count("\"type\":\"login\""), 2u) << env->events();
  EXPECT_EQ(env->count("\"type\":\"unauthorized\""), 0u) << env->events();
  ASSERT_FALSE(waits_.empty());
  EXPECT_GE(waits_[0], 40s) << "Retry-After honoured";
}

TEST_F(LookerTest, ATokenRevokedMidRunIsRenewedOnceWithoutFailingTheRun) {
  env->set_state(R"("revoke_after": 6)");
  // One request at a time, so exactly one meets the revoked token (with several in flight, as
  // many as were sent before the renewal are refused: see the next test).
  auto o = env->options();
  o.concurrency = 1;
  auto result = collect(o);
  ASSERT_TRUE(result) << result.error().message << "\n" << env->events();
  EXPECT_TRUE(asset(*result, "looker:dashboard/7/tile/71"));
  EXPECT_TRUE(asset(*result, "looker:dashboard/8"));
  for (const auto& o : result->observations) EXPECT_TRUE(o.ok()) << o.asset_key << ": " << o.error;
  EXPECT_EQ(env->count("\"type\":\"unauthorized\""), 1u) << env->events();
  EXPECT_EQ(env->count("\"type\":\"login\""), 2u);
}

TEST_F(LookerTest, RequestsInFlightWhenTheTokenIsRevokedShareOneRenewal) {
  env->set_state(R"("revoke_after": 6)");
  auto result = collect();  // three workers
  ASSERT_TRUE(result) << result.error().message << "\n" << env->events();
  EXPECT_TRUE(asset(*result, "looker:dashboard/8"));
  for (const auto& o : result->observations) EXPECT_TRUE(o.ok()) << o.asset_key << ": " << o.error;
  EXPECT_GE(env->count("\"type\":\"unauthorized\""), 1u);
  EXPECT_EQ(env->count("\"type\":\"login\""), 2u) << "one renewal however many were refused";
}

TEST_F(LookerTest, ATokenRefusedAgainAfterLoggingInFailsTheConnection) {
  env->set_state(R"("reject_tokens": true)");
  auto result = collect();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(result.error().message, HasSubstr("even after logging in again"));
  EXPECT_EQ(env->count("\"type\":\"login\""), 2u) << "one renewal, not a loop";
}

TEST_F(LookerTest, ThrottledRequestsWaitAsToldAndSucceed) {
  env->set_state(
      R"("throttle": [{"path": "^/api/4.0/dashboards/7$", "count": 2, "retry_after": 3}])");
  auto result = collect();
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(asset(*result, "looker:dashboard/7/tile/72"));
  EXPECT_EQ(env->count("\"type\":\"throttled\""), 2u);
  ASSERT_EQ(waits_.size(), 2u);
  for (auto w : waits_) EXPECT_GE(w, 3s);
  for (const auto& o : result->observations) EXPECT_TRUE(o.ok()) << o.asset_key << ": " << o.error;
}

// ---- Faults on one dashboard ----

class LookerFaultTest : public LookerTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(LookerFaultTest, AFailingDashboardIsUnknownAndKeepsItsLastKnownTiles) {
  env->set_state("");
  auto first = collect();
  ASSERT_TRUE(first) << first.error().message;
  const auto before = inputs(*first, "looker:dashboard/8/tile/82");

  env->set_state(GetParam());
  auto second = collect();
  ASSERT_TRUE(second) << second.error().message << "\n" << env->events();
  // The failing dashboard is there, with its error ...
  const auto* ops = asset(*second, "looker:dashboard/8");
  ASSERT_TRUE(ops);
  const auto* o = observation(*second, "looker:dashboard/8");
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->ok());
  EXPECT_THAT(o->error, HasSubstr("could not read dashboard 8"));
  EXPECT_FALSE(o->changed_at);
  EXPECT_EQ(o->signal, "looker");
  ASSERT_FALSE(second->warnings.empty());
  // ... its tiles and lineage as last known ...
  EXPECT_TRUE(asset(*second, "looker:dashboard/8/tile/81"));
  EXPECT_TRUE(asset(*second, "looker:dashboard/8/tile/82"));
  EXPECT_EQ(inputs(*second, "looker:dashboard/8/tile/82"), before);
  // ... and nothing else lost.
  EXPECT_EQ(second->assets.size(), first->assets.size());
  EXPECT_EQ(second->edges.size(), first->edges.size());
  EXPECT_FALSE(observation(*second, "looker:dashboard/7"));

  // Read again: the error is replaced.
  env->set_state("");
  auto third = collect();
  ASSERT_TRUE(third);
  const auto* cleared = observation(*third, "looker:dashboard/8");
  ASSERT_TRUE(cleared);
  EXPECT_TRUE(cleared->ok());
}

INSTANTIATE_TEST_SUITE_P(
    Faults, LookerFaultTest,
    ::testing::Values(
        R"("fail": {"/api/4.0/dashboards/8": 500})",
        R"("throttle": [{"path": "^/api/4.0/dashboards/8$", "count": 100, "retry_after": 1}])",
        R"("fail": {"/api/4.0/dashboards/8": "hang"})"));

TEST_F(LookerTest, ADashboardFailingOnTheFirstRunIsStillThere) {
  env->set_state(R"("fail": {"/api/4.0/dashboards/7": 500})");
  auto result = collect();
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_TRUE(asset(*result, "looker:dashboard/7"));
  const auto* o = observation(*result, "looker:dashboard/7");
  ASSERT_TRUE(o);
  EXPECT_THAT(o->error, HasSubstr("HTTP 500"));
  EXPECT_TRUE(asset(*result, "looker:dashboard/8/tile/81"));
  EXPECT_TRUE(asset(*result, "looker:look/31"));
}

// ---- The trace cache ----

TEST_F(LookerTest, ASecondRunOverTheSameContentAsksForNoSql) {
  env->set_state("");
  auto first = collect();
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(first->state);
  EXPECT_TRUE(first->state->contains("query:202"));
  EXPECT_TRUE(first->state->contains("merge:9001"));
  EXPECT_GE(env->count("/run/sql\""), 8u);

  env->set_state("");
  auto second = collect();
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(env->count("/run/sql\""), 0u) << env->events();
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/merge_queries/"), 0u);
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/queries/"), 0u);
  // The same collection.
  EXPECT_EQ(second->assets, first->assets);
  EXPECT_EQ(second->edges, first->edges);
  EXPECT_EQ(*second->state, *first->state);

  // An explore that changed (a join's condition): only its queries are traced again.
  std::string changed = Env::instance();
  const std::string join =
      R"({"name": "calendar", "sql_on": "${orders.created_date} = ${calendar.day}"})";
  const auto at = changed.find(join);
  ASSERT_NE(at, std::string::npos);
  changed.replace(at, join.size(),
                  R"({"name": "calendar", "sql_on": "${orders.created_at} = ${calendar.day}"})");
  env->set_state("", changed);
  auto third = collect();
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/queries/203/run/sql\""), 1u);
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/queries/207/run/sql\""), 0u) << "another explore";
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/queries/208/run/sql\""), 0u);

  // A day later every query is traced again.
  clock_.advance(std::chrono::hours(25));
  env->set_state("", changed);
  auto fourth = collect();
  ASSERT_TRUE(fourth) << fourth.error().message;
  EXPECT_EQ(env->count("\"path\":\"/api/4.0/queries/207/run/sql\""), 1u);
}

// ---- Lineage: these assert the tables themselves, so they need the SQL reader
// (connectors/looker/sql_tables.cc). ----

TEST_F(LookerTest, TilesLinkToExactlyTheTablesTheirSqlReads) {
  env->set_state("");
  auto result = collect();
  ASSERT_TRUE(result) << result.error().message;
  const Collection& c = *result;
  const std::string orders = "ANALYTICS.PUBLIC.ORDERS | view orders";
  const std::string customers = "ANALYTICS.RAW.Customers | view customers";

  // Only the joins the query needs; the filter default brings in customers.
  EXPECT_THAT(inputs(c, "looker:dashboard/7/tile/71"), UnorderedElementsAre(orders, customers));
  EXPECT_THAT(inputs(c, "looker:dashboard/7/tile/72"), UnorderedElementsAre(orders, customers));
  // Look-based tile and the Look itself.
  EXPECT_THAT(inputs(c, "looker:dashboard/7/tile/74"), UnorderedElementsAre(orders, customers));
  EXPECT_THAT(inputs(c, "looker:look/31"), UnorderedElementsAre(orders, customers));
  // A derived table is traced through its common table expression.
  EXPECT_THAT(inputs(c, "looker:dashboard/7/tile/76"),
              UnorderedElementsAre(orders, "ANALYTICS.RAW.ORDER_LINES | view order_facts"));
  // A second use of a table under another alias (a join `from` the same view) is one link.
  EXPECT_THAT(inputs(c, "looker:dashboard/7/tile/78"), UnorderedElementsAre(orders));
  // A PDT is linked by its view, never as a warehouse table.
  EXPECT_THAT(
      inputs(c, "looker:dashboard/7/tile/77"),
      UnorderedElementsAre(orders, customers, "looker:pdt/snow/user_facts | pdt user_facts"));
  for (const auto& a : c.assets) EXPECT_EQ(a.relation.find("LR$"), std::string::npos) << a.key;
  const auto* pdt = observation(c, "looker:dashboard/7/tile/77");
  ASSERT_TRUE(pdt);
  EXPECT_THAT(pdt->evidence, HasSubstr("persistent derived table of view user_facts"));
  // A derived table whose SQL cannot be read is said, not guessed.
  EXPECT_THAT(inputs(c, "looker:dashboard/7/tile/79"), UnorderedElementsAre(orders));
  const auto* unread = observation(c, "looker:dashboard/7/tile/79");
  ASSERT_TRUE(unread);
  EXPECT_THAT(unread->evidence, HasSubstr("could not be read"));
  // Merged results: every source query, on its own connection.
  EXPECT_THAT(inputs(c, "looker:dashboard/7/tile/75"),
              UnorderedElementsAre(orders, "legacy_db.events | view events"));
  // Tables nothing monitors are named.
  const auto* events = observation(c, "looker:dashboard/8/tile/81");
  ASSERT_TRUE(events);
  EXPECT_TRUE(events->ok());
  EXPECT_THAT(events->evidence, HasSubstr("no configured connection monitors: legacy_db.events"));
  EXPECT_THAT(events->evidence, HasSubstr("'legacy'"));
  // PostgreSQL names; the dashboard filter's default joins aircraft.
  EXPECT_THAT(inputs(c, "looker:dashboard/8/tile/82"),
              UnorderedElementsAre("faa.public.flights | view flights",
                                   "faa.public.aircraft | view aircraft"));
  // Exact lineage needs no note.
  EXPECT_FALSE(observation(c, "looker:dashboard/7/tile/72"));

  // Table assets: one per Looker connection and relation, under a container per connection.
  const auto* t = asset(c, "looker:table/snow/ANALYTICS.RAW.Customers");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, model::AssetKind::kTable);
  EXPECT_EQ(t->relation, "ANALYTICS.RAW.Customers");
  EXPECT_EQ(t->parent, "looker:connection/snow");
  EXPECT_THAT(asset(c, "looker:connection/snow")->description, HasSubstr("'snowflake'"));
  if (!gzr_export().empty()) {
    for (const char* tile : {"58", "59", "60", "61", "68", "70"})
      EXPECT_THAT(inputs(c, std::string("looker:dashboard/17/tile/") + tile),
                  UnorderedElementsAre("faa.public.airports | view airports"))
          << tile;
  }
}

TEST_F(LookerTest, WithoutSeeSqlLineageIsExploreLevelAndSaysSo) {
  env->set_state(R"("see_sql": false)");
  auto result = collect();
  ASSERT_TRUE(result) << result.error().message;
  const Collection& c = *result;
  // One refusal per model (three models, at most one per worker at once); the other queries go
  // straight to their explore.
  EXPECT_GE(env->count("/run/sql\""), 3u);
  EXPECT_LE(env->count("/run/sql\""), 9u);
  const auto* o = observation(c, "looker:dashboard/7/tile/72");
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->ok());
  EXPECT_THAT(o->evidence, HasSubstr("explore-level"));
  EXPECT_THAT(o->evidence, HasSubstr("see_sql"));
  EXPECT_THAT(o->evidence, HasSubstr("customers"));  // a join whose table is not known
  EXPECT_FALSE(c.warnings.empty());
  // The base view's table and the join with its own sql_table_name.
  EXPECT_THAT(inputs(c, "looker:dashboard/7/tile/72"),
              UnorderedElementsAre("ANALYTICS.PUBLIC.ORDERS | explore-level",
                                   "ANALYTICS.LOGISTICS.SHIPMENTS | explore-level"));
}

TEST_F(LookerTest, AnUnreadableLookerConnectionIsSaid) {
  env->set_state(R"("connection_forbidden": ["snow"])");
  auto result = collect();
  ASSERT_TRUE(result) << result.error().message;
  const auto* o = observation(*result, "looker:dashboard/7/tile/72");
  ASSERT_TRUE(o);
  EXPECT_THAT(o->evidence, HasSubstr("could not be read"));
  EXPECT_FALSE(result->warnings.empty());
}

TEST(LookerExample, LoadsThroughTheConfigurationLoader) {
  const std::string path = std::string(FRESHWATCH_SOURCE_DIR) + "/examples/looker.yml";
  config::LoadOptions options;
  options.getenv = [](const std::string& name) -> std::optional<std::string> {
    if (name == "LOOKER_CLIENT_ID") return "id";
    if (name == "LOOKER_CLIENT_SECRET") return "secret";
    if (name == "SNOWFLAKE_TOKEN") return "t";
    return std::nullopt;
  };
  auto loaded = config::load_file(path, options);
  for (const auto& p : loaded.problems) ADD_FAILURE() << p.to_string();
  const config::ConnectionConfig* looker = nullptr;
  for (const auto& c : loaded.config.connections)
    if (c.type == "looker") looker = &c;
  ASSERT_TRUE(looker);
  const auto* o = looker->options_as<LookerOptions>();
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->base_url.starts_with("https://"));
  EXPECT_EQ(o->client_secret, "secret");
  EXPECT_FALSE(o->warehouses.empty());
}

}  // namespace
}  // namespace freshwatch::connectors::looker
