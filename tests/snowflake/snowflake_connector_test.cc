// The Snowflake connector against a local SQL API v2 server (sqlapi_server.js, Node.js) over
// HTTPS with a throwaway certificate authority, server certificate and user key pair made with
// openssl in a temporary folder.
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "config/load.h"
#include "connectors/snowflake/snowflake_connector.h"
#include "core/time.h"
#include "support/process.h"

namespace freshwatch::connectors::snowflake {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using testing::run_command;

// A snowflake connection as the loader makes it: the common keys and the type's options.
struct Connection {
  config::ConnectionConfig common;
  SnowflakeOptions options;
};

// The loader knows the types that are registered.
[[maybe_unused]] const bool kRegistered = (register_all(), true);

const core::TimePoint kT0 = *core::parse_timestamp("2026-11-26T10:00:00Z");

bool run(const std::vector<std::string>& argv, std::string* output = nullptr) {
  auto r = run_command(argv);
  if (output) *output = r.output;
  if (r.exit_code != 0) ADD_FAILURE() << argv[0] << " " << (argv.size() > 1 ? argv[1] : "") << ": " << r.output;
  return r.exit_code == 0;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The server, its keys and its state for the whole suite.
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
    const std::string d = dir.path().string();
    std::ofstream(path("san.cnf")) << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
    if (!run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/ca.key",
              "-out", d + "/ca.pem", "-days", "2", "-subj", "/CN=freshwatch test CA"}) ||
        !run({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/server.key", "-out",
              d + "/server.csr", "-subj", "/CN=127.0.0.1"}) ||
        !run({"openssl", "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem", "-CAkey",
              d + "/ca.key", "-CAcreateserial", "-out", d + "/server.pem", "-days", "2", "-extfile",
              d + "/san.cnf"}) ||
        // The user's key pair, as docs/connectors/snowflake.md makes it.
        !run({"openssl", "genrsa", "-out", d + "/user.pem", "2048"}) ||
        !run({"openssl", "pkcs8", "-topk8", "-nocrypt", "-in", d + "/user.pem", "-out", d + "/rsa_key.p8"}) ||
        !run({"openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", "pass:s3cret phrase", "-in",
              d + "/user.pem", "-out", d + "/rsa_key_enc.p8"}) ||
        !run({"openssl", "rsa", "-in", d + "/user.pem", "-pubout", "-out", d + "/rsa_key.pub"}) ||
        !run({"openssl", "genrsa", "-out", d + "/other.pem", "2048"}) ||
        !run({"openssl", "pkcs8", "-topk8", "-nocrypt", "-in", d + "/other.pem", "-out", d + "/other.p8"}))
      return;
    port = testing::free_port();
    const auto now = std::chrono::floor<std::chrono::seconds>(kT0).time_since_epoch().count();
    std::ofstream(path("server.json"))
        << "{\"port\":" << port << ",\"cert\":\"" << d << "/server.pem\",\"key\":\"" << d
        << "/server.key\",\"public_key\":\"" << d << "/rsa_key.pub\",\"account\":\"MYORG-MYACCOUNT\","
        << "\"user\":\"FRESHWATCH\",\"token\":\"pat-token-123\",\"now\":" << now << ",\"state\":\"" << d
        << "/state.json\",\"events\":\"" << d << "/events.log\"}";
    set_state(R"({"databases":{}})");
    server = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{"node", std::string(FRESHWATCH_SOURCE_DIR) + "/tests/snowflake/sqlapi_server.js",
                                 path("server.json").string()},
        path("server.log"));
    ok = testing::wait_for_port(port, 20'000);
    if (!ok) ADD_FAILURE() << "the test server did not start: " << read_file(path("server.log"));
  }

  void set_state(std::string json) {
    json.insert(json.find('{') + 1, "\"generation\":" + std::to_string(++generation) + ",");
    std::ofstream(path("state.json.tmp")) << json;
    fs::rename(path("state.json.tmp"), path("state.json"));
    std::ofstream(path("events.log"), std::ios::trunc);
  }
  std::string events() const { return read_file(path("events.log")); }
  static std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
  }

  Connection connection(const std::string& key = "rsa_key.p8") const {
    Connection c;
    c.common.name = "sf";
    c.common.type = "snowflake";
    c.options.account = "myorg-myaccount";
    c.options.host = "127.0.0.1:" + std::to_string(port);
    c.options.ca_file = path("ca.pem").string();
    c.options.user = "freshwatch";
    c.options.private_key_file = path(key).string();
    c.options.role = "FRESHWATCH_ROLE";
    c.options.warehouse = "MONITOR_WH";
    c.options.mode = SnowflakeOptions::Mode::kInformationSchema;
    c.options.selection.concurrency = 2;
    return c;
  }
};

Env* env = nullptr;

class SnowflakeTest : public ::testing::Test {
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

  // Waits by advancing the fake clock; records every wait.
  ConnectorOptions options() {
    ConnectorOptions o;
    o.retry_base = 100ms;
    o.retry_cap = 2s;
    o.sleeper = [this](core::Duration d, std::stop_token stop) {
      std::lock_guard lock(mutex_);
      waits_.push_back(d);
      clock_.advance(d);
      if (stop_after_ && waits_.size() >= stop_after_) stop_.request_stop();
      return !stop.stop_requested();
    };
    return o;
  }

  Result<Collection> collect(const Connection& c, const PreviousObservations& previous = {}) {
    auto connector = make_connector(c.common, c.options, options());
    if (!connector) return std::unexpected(connector.error());
    CollectContext context{clock_, previous, stop_.get_token()};
    return (*connector)->collect(context);
  }

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

  core::FakeClock clock_{kT0};
  std::stop_source stop_;
  std::mutex mutex_;
  std::vector<core::Duration> waits_;
  std::size_t stop_after_ = 0;
};

// Three databases: ANALYTICS answers slowly (202, polled) and in partitions of two rows, RAW
// at once, SECRET fails with a 422.
const char* kWarehouse = R"({
  "throttle_first": 2, "partition_size": 2, "fail_partition_once": true,
  "databases": {
    "ANALYTICS": {"slow": true, "tables": [
      {"schema": "PUBLIC", "name": "ORDERS", "created": "2026-01-01T00:00:00Z", "last_altered": "2026-11-26T09:00:00Z", "last_ddl": "2026-01-01T00:00:00Z", "rows": 1000, "bytes": 65536},
      {"schema": "PUBLIC", "name": "Orders", "created": "2026-02-01T00:00:00Z", "last_altered": "2026-11-25T09:00:00Z", "last_ddl": "2026-02-01T00:00:00Z", "rows": 5, "bytes": 512},
      {"schema": "PUBLIC", "name": "CUSTOMERS", "created": "2026-01-01T00:00:00Z", "last_altered": "2026-11-26T08:00:00Z", "last_ddl": "2026-01-01T00:00:00Z", "rows": 50, "bytes": 2048},
      {"schema": "PUBLIC", "name": "ORDERS_V", "type": "VIEW", "created": "2026-03-01T00:00:00Z", "last_altered": "2026-03-01T00:00:00Z", "last_ddl": "2026-03-01T00:00:00Z"},
      {"schema": "MARTS", "name": "DAILY", "dynamic": true, "created": "2026-01-01T00:00:00Z", "last_altered": "2026-11-26T09:30:00Z", "last_ddl": "2026-01-01T00:00:00Z", "data_timestamp": "2026-11-26T09:25:00Z", "rows": 30, "bytes": 1024}
    ]},
    "RAW": {"tables": [
      {"schema": "STRIPE", "name": "CHARGES", "created": "2026-01-01T00:00:00Z", "last_altered": "2026-11-26T09:45:00Z", "last_ddl": "2026-06-01T00:00:00Z", "rows": 7, "bytes": 700},
      {"schema": "STRIPE", "name": "TMP_LOAD", "created": "2026-01-01T00:00:00Z", "last_altered": "2026-11-26T09:45:00Z", "last_ddl": "2026-06-01T00:00:00Z", "rows": 1, "bytes": 100}
    ]},
    "SECRET": {"fail": true}
  }
})";

TEST_F(SnowflakeTest, CollectsEveryDatabaseThroughPollingPartitionsAndRetries) {
  env->set_state(kWarehouse);
  auto c = env->connection();
  c.options.selection.exclude = {"raw.stripe.tmp_*"};
  auto result = collect(c);
  ASSERT_TRUE(result) << result.error().message << "\n" << env->events();

  // Hierarchy and keys as Snowflake reports the names.
  ASSERT_TRUE(asset(*result, "sf"));
  ASSERT_TRUE(asset(*result, "sf:ANALYTICS"));
  EXPECT_EQ(asset(*result, "sf:ANALYTICS.PUBLIC")->parent, "sf:ANALYTICS");
  const auto* orders = asset(*result, "sf:ANALYTICS.PUBLIC.ORDERS");
  ASSERT_TRUE(orders);
  EXPECT_EQ(orders->parent, "sf:ANALYTICS.PUBLIC");
  EXPECT_EQ(orders->relation, "ANALYTICS.PUBLIC.ORDERS");
  const auto* quoted = asset(*result, "sf:ANALYTICS.PUBLIC.Orders");
  ASSERT_TRUE(quoted);  // a different table from ORDERS
  EXPECT_EQ(quoted->relation, "ANALYTICS.PUBLIC.Orders");
  EXPECT_TRUE(asset(*result, "sf:RAW.STRIPE.CHARGES"));
  EXPECT_FALSE(asset(*result, "sf:RAW.STRIPE.TMP_LOAD")) << "excluded by a lower-case glob";

  // Metadata: every row of every partition arrived, with its timestamps decoded.
  const auto* o = observation(*result, "sf:ANALYTICS.PUBLIC.ORDERS");
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->ok()) << o->error;
  EXPECT_EQ(o->changed_at, core::parse_timestamp("2026-11-26T09:00:00Z").value());
  EXPECT_EQ(o->row_count, 1000);
  EXPECT_NE(o->evidence.find("data change (DML)"), std::string::npos) << o->evidence;
  EXPECT_EQ(observation(*result, "sf:RAW.STRIPE.CHARGES")->changed_at,
            core::parse_timestamp("2026-11-26T09:45:00Z").value());

  // A view has no data of its own; a dynamic table reports DATA_TIMESTAMP.
  EXPECT_EQ(asset(*result, "sf:ANALYTICS.PUBLIC.ORDERS_V")->kind, model::AssetKind::kView);
  EXPECT_FALSE(observation(*result, "sf:ANALYTICS.PUBLIC.ORDERS_V")->changed_at);
  const auto* daily = observation(*result, "sf:ANALYTICS.MARTS.DAILY");
  ASSERT_TRUE(daily);
  EXPECT_EQ(daily->signal, "dynamic_table.data_timestamp");
  EXPECT_EQ(daily->changed_at, core::parse_timestamp("2026-11-26T09:25:00Z").value());

  // The failing database does not hide the others; its error is on its own asset.
  ASSERT_TRUE(asset(*result, "sf:SECRET"));
  const auto* secret = observation(*result, "sf:SECRET");
  ASSERT_TRUE(secret);
  EXPECT_NE(secret->error.find("does not exist or not authorized"), std::string::npos) << secret->error;
  EXPECT_NE(secret->error.find("002003"), std::string::npos) << secret->error;
  ASSERT_FALSE(result->warnings.empty());

  // The protocol as it happened.
  const std::string events = env->events();
  EXPECT_EQ(Env::count(events, "\"type\":\"throttled\""), 2u);
  EXPECT_EQ(Env::count(events, "\"type\":\"poll\""), 2u);  // 202, 202, then 200
  EXPECT_GE(Env::count(events, "\"type\":\"partition\""), 2u);
  EXPECT_NE(events.find("\"role\":\"FRESHWATCH_ROLE\""), std::string::npos);
  EXPECT_NE(events.find("\"warehouse\":\"MONITOR_WH\""), std::string::npos);
  EXPECT_NE(events.find("\"retry\":\"true\""), std::string::npos) << "a resubmitted statement says so";
  EXPECT_NE(events.find("\"timeout\":600"), std::string::npos);
  // Backoff waits stay within their caps.
  for (auto w : waits_) EXPECT_LE(w, 5s);
}

TEST_F(SnowflakeTest, WrongKeyIsAClearCredentialError) {
  env->set_state(kWarehouse);
  auto result = collect(env->connection("other.p8"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(result.error().message.find("refused the credentials"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("RSA_PUBLIC_KEY"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("SHA256:"), std::string::npos);
  EXPECT_NE(env->events().find("signature does not match"), std::string::npos);
}

TEST_F(SnowflakeTest, EncryptedKeyWithItsPassphrase) {
  env->set_state(kWarehouse);
  auto c = env->connection("rsa_key_enc.p8");
  c.options.private_key_passphrase = "s3cret phrase";
  c.options.databases = {"raw"};
  auto result = collect(c);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(asset(*result, "sf:RAW.STRIPE.CHARGES"));

  c.options.private_key_passphrase = "not it";
  auto bad = make_connector(c.common, c.options, options());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("passphrase"), std::string::npos);
  EXPECT_EQ(bad.error().message.find("not it"), std::string::npos) << "never shows the passphrase";
}

TEST_F(SnowflakeTest, ProgrammaticAccessTokenAndBadToken) {
  env->set_state(kWarehouse);
  auto c = env->connection();
  c.options.private_key_file.clear();
  c.options.token = "pat-token-123";
  c.options.token_type = AuthKind::kProgrammaticAccessToken;
  c.options.databases = {"RAW"};
  auto result = collect(c);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_NE(env->events().find("\"token_type\":\"PROGRAMMATIC_ACCESS_TOKEN\""), std::string::npos);
  c.options.token = "expired";
  auto bad = collect(c);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(bad.error().message.find("expired\""), std::string::npos);
}

TEST_F(SnowflakeTest, TellsDdlFromDataAcrossTwoCollections) {
  env->set_state(kWarehouse);
  auto c = env->connection();
  c.options.databases = {"ANALYTICS"};
  auto first = collect(c);
  ASSERT_TRUE(first) << first.error().message;
  PreviousObservations previous;
  for (const auto& o : first->observations) previous.add(o);

  // ORDERS: ALTER TABLE (LAST_DDL moves with LAST_ALTERED, same rows and bytes).
  // CUSTOMERS: rows loaded.
  std::string next = kWarehouse;
  auto replace = [&](const std::string& from, const std::string& to) {
    auto p = next.find(from);
    ASSERT_NE(p, std::string::npos) << from;
    next.replace(p, from.size(), to);
  };
  replace(R"("name": "ORDERS", "created": "2026-01-01T00:00:00Z", "last_altered": "2026-11-26T09:00:00Z", "last_ddl": "2026-01-01T00:00:00Z")",
          R"("name": "ORDERS", "created": "2026-01-01T00:00:00Z", "last_altered": "2026-11-26T10:10:00Z", "last_ddl": "2026-11-26T10:10:00Z")");
  replace(R"("last_altered": "2026-11-26T08:00:00Z", "last_ddl": "2026-01-01T00:00:00Z", "rows": 50, "bytes": 2048)",
          R"("last_altered": "2026-11-26T10:05:00Z", "last_ddl": "2026-01-01T00:00:00Z", "rows": 75, "bytes": 3072)");
  env->set_state(next);
  auto second = collect(c, previous);
  ASSERT_TRUE(second) << second.error().message;
  const auto* orders = observation(*second, "sf:ANALYTICS.PUBLIC.ORDERS");
  EXPECT_EQ(orders->changed_at, core::parse_timestamp("2026-11-26T09:00:00Z").value());
  EXPECT_NE(orders->evidence.find("schema change (DDL)"), std::string::npos) << orders->evidence;
  const auto* customers = observation(*second, "sf:ANALYTICS.PUBLIC.CUSTOMERS");
  EXPECT_EQ(customers->changed_at, core::parse_timestamp("2026-11-26T10:05:00Z").value());
  EXPECT_NE(customers->evidence.find("rows 50 -> 75"), std::string::npos) << customers->evidence;
}

TEST_F(SnowflakeTest, QueryModeReadsMaxLoadedAtAndSurfaces422) {
  std::string state = kWarehouse;
  state.insert(1, R"("max": {
    "RAW.STRIPE.CHARGES": {"field": "_loaded_at", "filter": "status <> 'draft'", "type": "timestamp_ntz", "value": "2026-11-26T09:40:00"},
    "RAW.STRIPE.TMP_LOAD": {"field": "_loaded_at", "type": "timestamp_tz", "value": {"instant": "2026-11-26T09:41:00Z", "offset_minutes": 60}}
  }, )");
  env->set_state(state);
  auto c = env->connection();
  c.options.databases = {"RAW", "ANALYTICS"};
  c.options.mode = SnowflakeOptions::Mode::kQuery;
  c.options.selection.loaded_at_field = "_loaded_at";
  c.options.selection.naive_timezone = "Europe/Berlin";
  c.options.selection.tables = {TableOverride{.match = "raw.stripe.charges", .filter = "status <> 'draft'"}};
  auto result = collect(c);
  ASSERT_TRUE(result) << result.error().message;
  const auto* charges = observation(*result, "sf:RAW.STRIPE.CHARGES");
  ASSERT_TRUE(charges);
  EXPECT_EQ(charges->signal, "max(_loaded_at)");
  EXPECT_TRUE(charges->ok()) << charges->error;
  // NTZ 09:40 wall clock in Berlin (UTC+1 in November) is 08:40 UTC.
  EXPECT_EQ(charges->changed_at, core::parse_timestamp("2026-11-26T08:40:00Z").value());
  EXPECT_NE(charges->evidence.find("where status <> 'draft'"), std::string::npos) << charges->evidence;
  const auto* tmp = observation(*result, "sf:RAW.STRIPE.TMP_LOAD");
  EXPECT_EQ(tmp->changed_at, core::parse_timestamp("2026-11-26T09:41:00Z").value());
  EXPECT_NE(tmp->evidence.find("+01:00"), std::string::npos) << tmp->evidence;
  // ANALYTICS tables have no such column: Snowflake's 422 message is that table's error.
  const auto* orders = observation(*result, "sf:ANALYTICS.PUBLIC.ORDERS");
  ASSERT_TRUE(orders);
  EXPECT_NE(orders->error.find("invalid identifier '_LOADED_AT'"), std::string::npos) << orders->error;
  EXPECT_NE(orders->error.find("000904"), std::string::npos) << orders->error;
}

TEST_F(SnowflakeTest, MissingLastDdlColumnIsToleratedAndSaid) {
  std::string state = kWarehouse;
  state.insert(1, R"("no_last_ddl": true, )");
  env->set_state(state);
  auto c = env->connection();
  c.options.databases = {"RAW"};
  auto result = collect(c);
  ASSERT_TRUE(result) << result.error().message;
  const auto* charges = observation(*result, "sf:RAW.STRIPE.CHARGES");
  ASSERT_TRUE(charges);
  EXPECT_TRUE(charges->ok()) << charges->error;
  EXPECT_NE(charges->evidence.find("no LAST_DDL"), std::string::npos) << charges->evidence;
}

TEST_F(SnowflakeTest, AccountUsageModeSaysItsLatency) {
  env->set_state(kWarehouse);
  auto c = env->connection();
  c.options.mode = SnowflakeOptions::Mode::kAccountUsage;
  auto result = collect(c);
  ASSERT_TRUE(result) << result.error().message;
  const auto* charges = observation(*result, "sf:RAW.STRIPE.CHARGES");
  ASSERT_TRUE(charges);
  EXPECT_EQ(charges->signal, "account_usage.tables.last_altered");
  EXPECT_NE(charges->evidence.find("90 minutes"), std::string::npos) << charges->evidence;
  EXPECT_EQ(Env::count(env->events(), "\"type\":\"statement\""), 2u) << "TABLES and SHOW DYNAMIC TABLES";
}

TEST_F(SnowflakeTest, StopCancelsTheStatementInSnowflake) {
  std::string state = kWarehouse;
  auto p = state.find(R"("RAW": {)");
  state.replace(p, 8, R"("RAW": {"hang": true, )");
  env->set_state(state);
  auto c = env->connection();
  c.options.databases = {"RAW"};
  stop_after_ = 3;
  auto result = collect(c);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(Env::count(env->events(), "\"type\":\"cancel\""), 1u) << env->events();
}

TEST_F(SnowflakeTest, StatementTimeoutCancelsAndFailsThatDatabaseOnly) {
  std::string state = kWarehouse;
  auto p = state.find(R"("RAW": {)");
  state.replace(p, 8, R"("RAW": {"hang": true, )");
  state.replace(state.find(R"("slow": true, )"), 14, "");
  env->set_state(state);
  auto c = env->connection();
  c.options.databases = {"RAW", "ANALYTICS"};
  c.options.statement_timeout = 10s;
  auto result = collect(c);
  ASSERT_TRUE(result) << result.error().message;
  const auto* raw = observation(*result, "sf:RAW");
  ASSERT_TRUE(raw);
  EXPECT_NE(raw->error.find("statement_timeout"), std::string::npos) << raw->error;
  EXPECT_TRUE(observation(*result, "sf:ANALYTICS.PUBLIC.ORDERS"));
  EXPECT_EQ(Env::count(env->events(), "\"type\":\"cancel\""), 1u);
}

TEST_F(SnowflakeTest, UntrustedCertificateIsRefused) {
  env->set_state(kWarehouse);
  auto c = env->connection();
  c.options.ca_file.clear();
  c.options.databases = {"RAW"};
  auto result = collect(c);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("ca_file"), std::string::npos) << result.error().message;
}

TEST(SnowflakeExample, LoadsThroughTheConfigurationLoader) {
  const std::string path = std::string(FRESHWATCH_SOURCE_DIR) + "/examples/snowflake.yml";
  config::LoadOptions options;
  options.getenv = [](const std::string& name) -> std::optional<std::string> {
    if (name == "SNOWFLAKE_KEY_PASSPHRASE") return "x";
    if (name == "SNOWFLAKE_TOKEN") return "t";
    return std::nullopt;
  };
  auto loaded = config::load_file(path, options);
  for (const auto& p : loaded.problems) ADD_FAILURE() << p.to_string();
  ASSERT_GE(loaded.config.connections.size(), 2u);
  EXPECT_EQ(loaded.config.connections[0].type, "snowflake");
  const auto& sf = *loaded.config.connections[0].options_as<SnowflakeOptions>();
  EXPECT_EQ(sf.mode, SnowflakeOptions::Mode::kInformationSchema);
  EXPECT_FALSE(sf.account.empty());
  EXPECT_FALSE(sf.databases.empty());
  EXPECT_EQ(sf.private_key_passphrase, "x");
}

}  // namespace
}  // namespace freshwatch::connectors::snowflake

namespace freshwatch::connectors::snowflake {
namespace {

std::vector<std::string> problems(const std::string& yaml) {
  auto r = config::load_string(yaml, "fw.yml");
  std::vector<std::string> out;
  for (const auto& p : r.problems) out.push_back(p.to_string());
  return out;
}

TEST(SnowflakeConfig, EveryKeyLoads) {
  auto r = config::load_string(R"(
connections:
  - name: sf
    type: snowflake
    account: myorg-myaccount
    host: sf.internal:8443
    user: FRESHWATCH
    private_key_file: keys/rsa_key.p8
    private_key_passphrase: pass
    role: R
    warehouse: WH
    databases: [analytics, '"Raw"']
    mode: account_usage
    ca_file: ca.pem
    statement_timeout: 90s
    concurrency: 3
    naive_timezone: Europe/Berlin
    loaded_at_field: _loaded_at
    filter: "1 = 1"
    tables: [{match: analytics.public.orders, loaded_at_field: ts}]
)", "/etc/fw/fw.yml");
  for (const auto& p : r.problems) ADD_FAILURE() << p.to_string();
  ASSERT_EQ(r.config.connections.size(), 1u);
  const auto& c = *r.config.connections[0].options_as<SnowflakeOptions>();
  EXPECT_EQ(c.account, "myorg-myaccount");
  EXPECT_EQ(c.host, "sf.internal:8443");
  EXPECT_EQ(c.private_key_file, "/etc/fw/keys/rsa_key.p8");
  EXPECT_EQ(c.ca_file, "/etc/fw/ca.pem");
  EXPECT_EQ(c.databases, (std::vector<std::string>{"analytics", "\"Raw\""}));
  EXPECT_EQ(c.mode, SnowflakeOptions::Mode::kAccountUsage);
  EXPECT_EQ(c.statement_timeout, 90s);
  EXPECT_EQ(c.selection.concurrency, 3);
}

TEST(SnowflakeConfig, ProblemsAreReported) {
  auto p = problems("connections:\n  - {name: sf, type: snowflake, user: U}\n");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NE(p[0].find("needs account"), std::string::npos);
  EXPECT_NE(p[1].find("needs private_key_file (key-pair) or token"), std::string::npos);

  p = problems("connections:\n  - {name: sf, type: snowflake, account: a, user: U, private_key_file: k, token: t}\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].find("not both"), std::string::npos);

  p = problems("connections:\n  - {name: sf, type: snowflake, account: a, user: U, token: t, token_type: jwt, mode: metadata}\n");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NE(p[0].find("token_type: 'jwt' is not one of oauth, programmatic_access_token"), std::string::npos) << p[0];
  EXPECT_NE(p[1].find("information_schema, account_usage, query"), std::string::npos) << p[1];
}

TEST(SnowflakeConfig, SecretsNeverAppearInDiagnostics) {
  auto p = problems(
      "connections:\n  - {name: sf, type: snowflake, account: a, user: U, private_key_file: k,\n"
      "     private_key_passphrase: hunter2, statement_timeout: 9d}\n  - {name: t, type: snowflake, "
      "account: a, user: U, token: tok-SECRET, token_type: [x]}\n");
  ASSERT_FALSE(p.empty());
  for (const auto& line : p) {
    EXPECT_EQ(line.find("hunter2"), std::string::npos) << line;
    EXPECT_EQ(line.find("tok-SECRET"), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace freshwatch::connectors::snowflake
