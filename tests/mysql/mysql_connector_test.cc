// The MySQL/MariaDB connector against a real MariaDB server started by the test harness.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <stop_token>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/connector.h"
#include "connectors/mysql/mysql_connector.h"
#include "connectors/mysql/update_time.h"
#include "core/time.h"
#include "support/mariadb_server.h"

namespace freshwatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

core::TimePoint at(const char* text) { return *core::parse_timestamp(text); }

// A mysql connection as the loader makes it: the common keys and the type's options.
struct Connection {
  config::ConnectionConfig common;
  connectors::mysql::MysqlOptions options;
};

Connection connection(const testing::MariadbServer& server, std::string database = "") {
  Connection c;
  c.common.name = "shop";
  c.common.type = "mysql";
  c.options.dsn = server.dsn(database);
  c.common.timeout = std::chrono::seconds(20);
  return c;
}

struct Collector {
  core::FakeClock clock{at("2026-11-26T12:00:00Z")};
  connectors::PreviousObservations previous;
  std::stop_source stop;

  Result<connectors::Collection> collect(const Connection& config) {
    auto connector = connectors::mysql::make_connector(config.common, config.options);
    if (!connector) return std::unexpected(connector.error());
    connectors::CollectContext context{clock, previous, stop.get_token()};
    return (*connector)->collect(context);
  }
};

const model::Asset* find_asset(const connectors::Collection& c, std::string_view key) {
  for (const auto& a : c.assets)
    if (a.key == key) return &a;
  return nullptr;
}

const model::Observation* find_observation(const connectors::Collection& c, std::string_view key) {
  for (const auto& o : c.observations)
    if (o.asset_key == key) return &o;
  return nullptr;
}

std::vector<std::string> keys_under(const connectors::Collection& c, std::string_view prefix) {
  std::vector<std::string> keys;
  for (const auto& a : c.assets)
    if (a.key.starts_with(prefix)) keys.push_back(a.key);
  return keys;
}

core::TimePoint server_utc_now(const testing::MariadbServer& server) {
  auto rows = server.query("SELECT DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%dT%H:%i:%sZ')");
  EXPECT_TRUE(rows) << rows.error().message;
  return at((*rows)[0][0].c_str());
}

TEST(MysqlConnector, RegistersItsTypes) {
  connectors::register_mysql();
  EXPECT_TRUE(connectors::has_type("mysql"));
  EXPECT_TRUE(connectors::has_type("mariadb"));
  config::ConnectionConfig c;
  c.name = "broken";
  c.type = "mysql";
  c.options = connectors::mysql::MysqlOptions{.dsn = "mysql://u:hunter2@host:notaport/db"};
  auto created = connectors::create(c);
  ASSERT_FALSE(created);
  EXPECT_THAT(created.error().message, HasSubstr("connection 'broken'"));
  EXPECT_THAT(created.error().message, Not(HasSubstr("hunter2")));
}

TEST(MysqlConnector, DiscoversTablesAndViewsWithIncludeAndExclude) {
  FRESHWATCH_REQUIRE_MARIADB(server);
  server->execute(
      "CREATE DATABASE disc_a; CREATE DATABASE disc_b; CREATE DATABASE disc_c;"
      "CREATE TABLE disc_a.orders (id INT PRIMARY KEY);"
      "CREATE TABLE disc_a.customers (id INT PRIMARY KEY);"
      "CREATE TABLE disc_a.tmp_scratch (id INT);"
      "CREATE VIEW disc_a.v_orders AS SELECT id FROM disc_a.orders;"
      "CREATE TABLE disc_b.events (id INT); CREATE TABLE disc_b.other (id INT);"
      "CREATE TABLE disc_c.MixedCase (id INT);");
  Collector run;
  auto config = connection(*server);
  config.options.selection.include = {"disc_a.*", "disc_b.events"};
  config.options.selection.exclude = {"disc_a.tmp_*"};
  config.common.owner = "data-eng";
  config.common.tags = {"mysql"};
  auto c = run.collect(config);
  ASSERT_TRUE(c) << c.error().message;

  EXPECT_THAT(keys_under(*c, "shop"),
              ElementsAre("shop", "shop:disc_a", "shop:disc_a.customers", "shop:disc_a.orders",
                          "shop:disc_a.v_orders", "shop:disc_b", "shop:disc_b.events"));
  const model::Asset* root = find_asset(*c, "shop");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->kind, model::AssetKind::kConnection);
  const model::Asset* db = find_asset(*c, "shop:disc_a");
  ASSERT_TRUE(db);
  EXPECT_EQ(db->kind, model::AssetKind::kDatabase);
  EXPECT_EQ(db->parent, "shop");
  const model::Asset* orders = find_asset(*c, "shop:disc_a.orders");
  ASSERT_TRUE(orders);
  EXPECT_EQ(orders->kind, model::AssetKind::kTable);
  EXPECT_EQ(orders->name, "orders");
  EXPECT_EQ(orders->parent, "shop:disc_a");
  EXPECT_EQ(orders->connection, "shop");
  EXPECT_EQ(orders->relation, "disc_a.orders");
  EXPECT_EQ(orders->owner, "data-eng");
  EXPECT_THAT(orders->tags, ElementsAre("mysql"));
  EXPECT_EQ(find_asset(*c, "shop:disc_a.v_orders")->kind, model::AssetKind::kView);
  // Every table gets one observation, by the metadata signal (no loaded_at_field).
  EXPECT_EQ(c->observations.size(), 4u);
  for (const auto& o : c->observations) EXPECT_EQ(o.signal, connectors::mysql::kUpdateTimeSignal);

  // A wildcard in the database part, and case kept as the server stores it
  // (lower_case_table_names = 0 on Linux).
  config.options.selection.include = {"disc_*.MixedCase", "disc_?.events"};
  config.options.selection.exclude.clear();
  c = run.collect(config);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_THAT(keys_under(*c, "shop:"), ElementsAre("shop:disc_b", "shop:disc_b.events",
                                                   "shop:disc_c", "shop:disc_c.MixedCase"));
  EXPECT_EQ(find_asset(*c, "shop:disc_c.MixedCase")->relation, "disc_c.MixedCase");

  // A dsn naming a database and no include: that database only.
  config = connection(*server, "disc_b");
  c = run.collect(config);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_THAT(keys_under(*c, "shop:"),
              ElementsAre("shop:disc_b", "shop:disc_b.events", "shop:disc_b.other"));
}

TEST(MysqlConnector, UpdateTimeFollowsInsertsInUtc) {
  FRESHWATCH_REQUIRE_MARIADB(server);
  server->execute("CREATE DATABASE ut; CREATE TABLE ut.facts (id INT PRIMARY KEY, v INT);");
  Collector run;
  auto config = connection(*server);
  config.options.selection.include = {"ut.*"};
  auto c = run.collect(config);
  ASSERT_TRUE(c) << c.error().message;
  const model::Observation* o = find_observation(*c, "shop:ut.facts");
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->ok());
  EXPECT_FALSE(o->changed_at);
  EXPECT_THAT(o->evidence, HasSubstr("no write since the table was created"));
  EXPECT_EQ(o->observed_at, run.clock.now());

  // The server's default time zone is +05:00: a reading that ignored it would be 5 h off.
  auto before = server_utc_now(*server);
  server->execute("INSERT INTO ut.facts VALUES (1, 1), (2, 2), (3, 3);");
  auto after = server_utc_now(*server);
  c = run.collect(config);
  ASSERT_TRUE(c) << c.error().message;
  o = find_observation(*c, "shop:ut.facts");
  ASSERT_TRUE(o);
  ASSERT_TRUE(o->changed_at) << o->evidence;
  EXPECT_GE(*o->changed_at, before);
  EXPECT_LE(*o->changed_at, after);
  EXPECT_THAT(o->evidence, HasSubstr("information_schema.tables.update_time = "));
  EXPECT_TRUE(o->row_count.has_value());
}

TEST(MysqlConnector, UpdateTimeAfterARestartIsCarriedForwardOrUnknown) {
  FRESHWATCH_REQUIRE_MARIADB(server);
  server->execute(
      "CREATE DATABASE rs; CREATE TABLE rs.inno (id INT) ENGINE=InnoDB;"
      "CREATE TABLE rs.aria (id INT) ENGINE=Aria; INSERT INTO rs.inno VALUES (1);"
      "INSERT INTO rs.aria VALUES (1);");
  Collector run;
  auto config = connection(*server);
  config.options.selection.include = {"rs.*"};
  auto first = run.collect(config);
  ASSERT_TRUE(first) << first.error().message;
  const model::Observation* seen = find_observation(*first, "shop:rs.inno");
  ASSERT_TRUE(seen && seen->changed_at);
  const core::TimePoint changed = *seen->changed_at;
  ASSERT_TRUE(find_observation(*first, "shop:rs.aria")->changed_at);

  // The connector tells server runs apart by their start time, read to the second with a
  // tolerance of two; a real restart is never that quick, so let this run age a little first.
  server->execute("DO SLEEP(3)");
  ASSERT_TRUE(server->restart()) << server->log_tail();
  run.clock.advance(std::chrono::hours(1));

  // Without history: unknown, and the evidence says why.
  auto fresh_run = run.collect(config);
  ASSERT_TRUE(fresh_run) << fresh_run.error().message;
  const model::Observation* o = find_observation(*fresh_run, "shop:rs.inno");
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->changed_at);
  EXPECT_THAT(o->evidence, HasSubstr("no write since the server started"));
  // Aria keeps UPDATE_TIME on disk.
  EXPECT_TRUE(find_observation(*fresh_run, "shop:rs.aria")->changed_at);

  // With the observation from before the restart: carried forward.
  for (const auto& prev : first->observations) run.previous.add(prev);
  auto carried = run.collect(config);
  ASSERT_TRUE(carried) << carried.error().message;
  o = find_observation(*carried, "shop:rs.inno");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->changed_at, changed);
  EXPECT_THAT(o->evidence, HasSubstr("server restarted"));

  // The next write sets UPDATE_TIME again.
  server->execute("INSERT INTO rs.inno VALUES (2);");
  auto written = run.collect(config);
  ASSERT_TRUE(written) << written.error().message;
  o = find_observation(*written, "shop:rs.inno");
  ASSERT_TRUE(o && o->changed_at);
  EXPECT_GE(*o->changed_at, changed);
  EXPECT_THAT(o->evidence, HasSubstr("update_time = "));
}

TEST(MysqlConnector, QueryModeWithFilterOverridesAndConcurrency) {
  FRESHWATCH_REQUIRE_MARIADB(server);
  server->execute(
      "SET time_zone = '+00:00'; CREATE DATABASE qm;"
      "CREATE TABLE qm.a (loaded_at DATETIME(6));"
      "INSERT INTO qm.a VALUES ('2024-05-01 06:00:00'), ('2024-05-02 07:30:00.250000');"
      "CREATE TABLE qm.b (updated TIMESTAMP NULL, kind VARCHAR(10));"
      "INSERT INTO qm.b VALUES ('2024-04-01 00:00:00', 'good'), ('2024-06-01 00:00:00', 'bad');"
      "CREATE TABLE qm.c (loaded_at DATETIME); CREATE TABLE qm.d (loaded_at DATETIME);"
      "CREATE TABLE qm.e (loaded_at DATETIME); CREATE TABLE qm.empty (loaded_at DATETIME);"
      "INSERT INTO qm.c VALUES ('2024-01-01'); INSERT INTO qm.d VALUES ('2024-01-02');"
      "INSERT INTO qm.e VALUES ('2024-01-03');");
  Collector run;
  auto config = connection(*server);
  config.options.selection.include = {"qm.*"};
  config.options.selection.loaded_at_field = "loaded_at";
  config.options.selection.concurrency = 3;
  config.common.owner = "team";
  config.options.selection.tables.push_back(connectors::TableOverride{.match = "qm.b",
                                              .loaded_at_field = "updated",
                                              .filter = "kind = 'good'",
                                              .owner = "finance",
                                              .tags = {"daily"}});
  auto c = run.collect(config);
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->observations.size(), 6u);

  const model::Observation* a = find_observation(*c, "shop:qm.a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->signal, "max(loaded_at)");
  EXPECT_EQ(a->changed_at, at("2024-05-02T07:30:00.25Z"));
  EXPECT_THAT(a->evidence, HasSubstr("DATETIME"));

  const model::Observation* b = find_observation(*c, "shop:qm.b");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->ok()) << b->error;
  EXPECT_EQ(b->signal, "max(updated)");
  EXPECT_EQ(b->changed_at, at("2024-04-01T00:00:00Z"));  // the later 'bad' row is filtered out
  EXPECT_THAT(b->evidence, HasSubstr("where kind = 'good'"));
  const model::Asset* b_asset = find_asset(*c, "shop:qm.b");
  EXPECT_EQ(b_asset->owner, "finance");
  EXPECT_THAT(b_asset->tags, ElementsAre("daily"));
  EXPECT_EQ(find_asset(*c, "shop:qm.a")->owner, "team");

  EXPECT_EQ(find_observation(*c, "shop:qm.c")->changed_at, at("2024-01-01T00:00:00Z"));
  EXPECT_EQ(find_observation(*c, "shop:qm.d")->changed_at, at("2024-01-02T00:00:00Z"));
  EXPECT_EQ(find_observation(*c, "shop:qm.e")->changed_at, at("2024-01-03T00:00:00Z"));
  const model::Observation* empty = find_observation(*c, "shop:qm.empty");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->ok());
  EXPECT_FALSE(empty->changed_at);
  EXPECT_THAT(empty->evidence, HasSubstr("NULL"));

  // Metadata mode (the default without a connection-wide field) still reads the tables that
  // name their own field in query mode.
  config.options.mode = connectors::mysql::MysqlOptions::Mode::kMetadata;
  c = run.collect(config);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(find_observation(*c, "shop:qm.b")->changed_at, at("2024-04-01T00:00:00Z"));
  EXPECT_EQ(find_observation(*c, "shop:qm.a")->signal, connectors::mysql::kUpdateTimeSignal);
}

TEST(MysqlConnector, AMissingColumnOrBadFilterFailsOneTableOnly) {
  FRESHWATCH_REQUIRE_MARIADB(server);
  server->execute(
      "CREATE DATABASE mc; CREATE TABLE mc.good (loaded_at DATETIME);"
      "INSERT INTO mc.good VALUES ('2024-03-03 03:03:03');"
      "CREATE TABLE mc.no_column (other DATETIME); CREATE TABLE mc.bad_filter (loaded_at DATETIME);"
      "CREATE TABLE mc.not_a_time (loaded_at INT); INSERT INTO mc.not_a_time VALUES (5);");
  Collector run;
  auto config = connection(*server);
  config.options.selection.include = {"mc.*"};
  config.options.selection.loaded_at_field = "loaded_at";
  config.options.selection.tables.push_back(connectors::TableOverride{.match = "mc.bad_filter", .filter = "this is not sql"});
  auto c = run.collect(config);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(find_observation(*c, "shop:mc.good")->changed_at, at("2024-03-03T03:03:03Z"));
  const model::Observation* missing = find_observation(*c, "shop:mc.no_column");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->ok());
  EXPECT_THAT(missing->error, HasSubstr("no column `loaded_at`"));
  const model::Observation* bad = find_observation(*c, "shop:mc.bad_filter");
  ASSERT_TRUE(bad);
  EXPECT_THAT(bad->error, HasSubstr("check the filter"));
  const model::Observation* number = find_observation(*c, "shop:mc.not_a_time");
  ASSERT_TRUE(number);
  EXPECT_THAT(number->error, HasSubstr("not a date or time column"));

  // Explicit query mode without any loaded_at_field: each table says what is missing.
  config.options.selection.loaded_at_field.clear();
  config.options.selection.tables.clear();
  config.options.mode = connectors::mysql::MysqlOptions::Mode::kQuery;
  c = run.collect(config);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_THAT(find_observation(*c, "shop:mc.good")->error, HasSubstr("needs loaded_at_field"));
}

TEST(MysqlConnector, RelationIsLowerCasedWhenNamesCompareCaseInsensitively) {
  // A server of its own: lower_case_table_names is fixed at start-up.
  auto server = testing::MariadbServer::start({"--lower-case-table-names=1"});
  if (!server && server.error().code == ErrorCode::kNotFound)
    GTEST_SKIP() << server.error().message;
  ASSERT_TRUE(server) << server.error().message;
  (*server)->execute("CREATE DATABASE Sales; CREATE TABLE Sales.BigOrders (id INT);");
  Collector run;
  auto config = connection(**server);
  config.options.selection.include = {"sales.*"};
  auto c = run.collect(config);
  ASSERT_TRUE(c) << c.error().message;
  // The server stores both names lower-cased (lower_case_table_names=2, where the relation
  // alone is lower-cased, is not available on Linux; see identifiers_test.cc).
  const model::Asset* t = find_asset(*c, "shop:sales.bigorders");
  ASSERT_TRUE(t) << ::testing::PrintToString(keys_under(*c, "shop"));
  EXPECT_EQ(t->relation, "sales.bigorders");
}

TEST(MysqlConnector, NaiveDatetimeVersusTimestamp) {
  FRESHWATCH_REQUIRE_MARIADB(server);
  // Written in UTC: the TIMESTAMP stores 06:00 UTC, the DATETIME stores the digits 06:00.
  server->execute(
      "SET time_zone = '+00:00'; CREATE DATABASE tz;"
      "CREATE TABLE tz.t (dt DATETIME, ts TIMESTAMP NULL, txt VARCHAR(40));"
      "INSERT INTO tz.t VALUES ('2024-05-01 06:00:00', '2024-05-01 06:00:00', "
      "'2024-05-01T06:00:00+02:00');");
  Collector run;
  auto config = connection(*server);
  config.options.selection.include = {"tz.t"};
  config.options.selection.naive_timezone = "Europe/Berlin";  // CEST, UTC+2, in May

  config.options.selection.loaded_at_field = "dt";
  auto c = run.collect(config);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(find_observation(*c, "shop:tz.t")->changed_at, at("2024-05-01T04:00:00Z"));
  EXPECT_THAT(find_observation(*c, "shop:tz.t")->evidence, HasSubstr("Europe/Berlin"));

  config.options.selection.loaded_at_field = "ts";  // the server's own zone is +05:00; the session's is UTC
  c = run.collect(config);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(find_observation(*c, "shop:tz.t")->changed_at, at("2024-05-01T06:00:00Z"));
  EXPECT_THAT(find_observation(*c, "shop:tz.t")->evidence, HasSubstr("TIMESTAMP"));

  config.options.selection.loaded_at_field = "txt";
  c = run.collect(config);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(find_observation(*c, "shop:tz.t")->changed_at, at("2024-05-01T04:00:00Z"));
}

TEST(MysqlConnector, ViewsInMetadataAndQueryMode) {
  FRESHWATCH_REQUIRE_MARIADB(server);
  server->execute(
      "CREATE DATABASE vw; CREATE TABLE vw.base (loaded_at DATETIME);"
      "INSERT INTO vw.base VALUES ('2024-02-02 02:02:02');"
      "CREATE VIEW vw.recent AS SELECT loaded_at FROM vw.base;");
  Collector run;
  auto config = connection(*server);
  config.options.selection.include = {"vw.recent"};
  auto c = run.collect(config);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(find_asset(*c, "shop:vw.recent")->kind, model::AssetKind::kView);
  const model::Observation* o = find_observation(*c, "shop:vw.recent");
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->changed_at);
  EXPECT_THAT(o->evidence, HasSubstr("a view has no UPDATE_TIME"));

  config.options.selection.loaded_at_field = "loaded_at";
  c = run.collect(config);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(find_observation(*c, "shop:vw.recent")->changed_at, at("2024-02-02T02:02:02Z"));
}

TEST(MysqlConnector, BadCredentialsFailTheConnectionWithoutThePassword) {
  FRESHWATCH_REQUIRE_MARIADB(server);
  Collector run;
  auto config = connection(*server);
  config.options.dsn = fmt::format("mysql://{}:Wrong-Secret-42@127.0.0.1:{}/", server->user(), server->port());
  auto c = run.collect(config);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kPermissionDenied);
  EXPECT_THAT(c.error().message, HasSubstr("connection 'shop'"));
  EXPECT_THAT(c.error().message, HasSubstr("password"));
  EXPECT_THAT(c.error().message, Not(HasSubstr("Wrong-Secret-42")));
  EXPECT_THAT(c.error().message, Not(HasSubstr(server->password())));
}

TEST(MysqlConnector, UnknownDatabaseFailsTheConnection) {
  FRESHWATCH_REQUIRE_MARIADB(server);
  Collector run;
  auto c = run.collect(connection(*server, "no_such_db"));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(c.error().message, HasSubstr("database 'no_such_db' does not exist"));
  EXPECT_THAT(c.error().message, Not(HasSubstr(server->password())));
}

TEST(MysqlConnector, RefusedPortFailsTheConnection) {
  Collector run;
  Connection config;
  config.common.name = "shop";
  config.common.type = "mysql";
  config.options.dsn = fmt::format("mysql://u:hunter2@127.0.0.1:{}/db", testing::free_port());
  config.common.timeout = std::chrono::seconds(5);
  auto c = run.collect(config);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(c.error().message, HasSubstr("connection refused"));
  EXPECT_THAT(c.error().message, Not(HasSubstr("hunter2")));
}

TEST(MysqlConnector, SilentServerTimesOut) {
  // A socket that accepts connections (the kernel completes them) but never speaks.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  Collector run;
  Connection config;
  config.common.name = "shop";
  config.common.type = "mysql";
  config.options.dsn = fmt::format("mysql://u:hunter2@127.0.0.1:{}/db", ntohs(addr.sin_port));
  config.common.timeout = std::chrono::seconds(1);
  auto c = run.collect(config);
  close(fd);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kTimeout) << c.error().message;
  EXPECT_THAT(c.error().message, HasSubstr("within 1 s"));
}

TEST(MysqlConnector, StopCancelsARunningQuery) {
  FRESHWATCH_REQUIRE_MARIADB(server);
  server->execute(
      "CREATE DATABASE st; CREATE TABLE st.slow (loaded_at DATETIME);"
      "INSERT INTO st.slow VALUES ('2024-01-01');");
  Collector run;
  auto config = connection(*server);
  config.options.selection.include = {"st.*"};
  config.options.selection.loaded_at_field = "loaded_at";
  config.options.selection.filter = "SLEEP(300) = 0";

  run.stop.request_stop();
  auto before = run.collect(config);
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().code, ErrorCode::kCancelled);

  run.stop = std::stop_source();
  std::jthread stopper([&] {
    // Wait until the query is running on the server, then ask to stop.
    for (int i = 0; i < 600; ++i) {
      auto rows = server->query(
          "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(300)%' "
          "AND INFO NOT LIKE '%PROCESSLIST%'");
      if (rows && !rows->empty() && (*rows)[0][0] != "0") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    run.stop.request_stop();
  });
  auto during = run.collect(config);
  ASSERT_FALSE(during);
  EXPECT_EQ(during.error().code, ErrorCode::kCancelled);
  server->execute(
      "SELECT CONCAT('KILL QUERY ', ID) FROM information_schema.PROCESSLIST WHERE INFO LIKE "
      "'%SLEEP(300)%' AND INFO NOT LIKE '%PROCESSLIST%' INTO @kill;"
      "SET @kill = COALESCE(@kill, 'DO 0'); PREPARE s FROM @kill; EXECUTE s;");
}

}  // namespace
}  // namespace freshwatch

namespace freshwatch {
namespace {

// TLS: by default (ssl_mode preferred) the connection is encrypted whenever the server offers
// it, shown by an account that the server admits only over TLS; `required` refuses a server
// without TLS, and `disabled` does not try.
TEST(MysqlTls, PreferredEncryptsWhenTheServerOffersTls) {
  testing::TempDir certs;
  const std::string key = (certs.path() / "server-key.pem").string();
  const std::string cert = (certs.path() / "server-cert.pem").string();
  auto made = testing::run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                                    "-days", "2", "-subj", "/CN=127.0.0.1", "-keyout", key,
                                    "-out", cert});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  auto server = testing::MariadbServer::start({"--ssl-cert=" + cert, "--ssl-key=" + key});
  if (!server && server.error().code == ErrorCode::kNotFound)
    GTEST_SKIP() << server.error().message;
  ASSERT_TRUE(server) << server.error().message;
  (*server)->execute(fmt::format(
      "ALTER USER '{0}'@'127.0.0.1' REQUIRE SSL; CREATE DATABASE tls; CREATE TABLE tls.t (id INT);",
      (*server)->user()));

  Collector run;
  auto config = connection(**server);
  config.options.selection.include = {"tls.*"};
  auto encrypted = run.collect(config);
  ASSERT_TRUE(encrypted) << encrypted.error().message;
  EXPECT_NE(find_asset(*encrypted, "shop:tls.t"), nullptr);

  config.options.ssl_mode = connectors::mysql::SslMode::kRequired;
  EXPECT_TRUE(run.collect(config)) << "required: the server offers TLS";

  config.options.ssl_mode = connectors::mysql::SslMode::kDisabled;
  auto plain = run.collect(config);
  ASSERT_FALSE(plain) << "the account is admitted only over TLS";
  EXPECT_THAT(plain.error().message, Not(HasSubstr((*server)->password())));
}

TEST(MysqlTls, RequiredRefusesAServerWithoutTls) {
  FRESHWATCH_REQUIRE_MARIADB(server);  // started without certificates: it offers no TLS
  Collector run;
  auto config = connection(*server);
  config.options.ssl_mode = connectors::mysql::SslMode::kRequired;
  auto c = run.collect(config);
  ASSERT_FALSE(c);
  EXPECT_THAT(c.error().message, HasSubstr("does not offer TLS"));
  config.options.ssl_mode.reset();  // preferred: carries on unencrypted
  EXPECT_TRUE(run.collect(config));
}

}  // namespace
}  // namespace freshwatch
