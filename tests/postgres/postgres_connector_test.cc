// The PostgreSQL connector against a real PostgreSQL 15 started by the test harness. Each test
// works in a database of its own on the one server this binary shares.
#include <gtest/gtest.h>

#include <thread>

#include "connectors/postgres/postgres_connector.h"
#include "connectors/postgres/signals.h"
#include "core/log.h"
#include "core/time.h"
#include "support/postgres_server.h"

namespace freshwatch::connectors {
namespace {

using namespace std::chrono_literals;
using testing::PostgresServer;

core::TimePoint at(std::string_view text) { return *core::parse_timestamp(text); }

// A database named after the running test, created fresh, with `sql` run in it.
std::string make_database(PostgresServer& server, std::string_view sql) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = fmt::format("{}_{}", info->test_suite_name(), info->name());
  for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
  name.resize(std::min<std::size_t>(name.size(), 63));  // PostgreSQL's identifier limit
  server.execute(fmt::format("drop database if exists {} with (force)", name));
  if (auto e = server.create_database(name)) ADD_FAILURE() << *e;
  if (!sql.empty())
    if (auto e = server.execute(sql, name)) ADD_FAILURE() << *e;
  return name;
}

// A postgres connection as the loader makes it: the common keys and the type's options.
struct Connection {
  config::ConnectionConfig common;
  PostgresOptions options;
};

Connection connection(const PostgresServer& server, const std::string& database) {
  Connection c;
  c.common.name = "wh";
  c.common.type = "postgres";
  c.options.dsn = server.dsn(database);
  c.common.timeout = 30s;
  return c;
}

struct Collector {
  core::FakeClock clock{at("2024-05-02T12:00:00Z")};
  PreviousObservations previous;

  Result<Collection> collect(const Connection& config, PostgresConnector::Tuning tuning = {}) {
    auto connector = PostgresConnector::create(config.common, config.options, tuning);
    if (!connector) return std::unexpected(connector.error());
    std::stop_source stop;
    CollectContext context{clock, previous, stop.get_token()};
    auto result = (*connector)->collect(context);
    if (result)
      for (const auto& o : result->observations) previous.add(o);
    return result;
  }
};

const model::Asset* find_asset(const Collection& c, std::string_view key) {
  for (const auto& a : c.assets)
    if (a.key == key) return &a;
  return nullptr;
}

const model::Observation* find_observation(const Collection& c, std::string_view key) {
  for (const auto& o : c.observations)
    if (o.asset_key == key) return &o;
  return nullptr;
}

// Makes the server publish this session's table statistics before the statement returns
// (PostgreSQL 15 otherwise flushes them up to a second or more later).
std::string flushed(std::string_view sql) {
  return fmt::format("{}; select pg_stat_force_next_flush();", sql);
}

TEST(PostgresDiscovery, IncludeExcludeKindsAndHierarchy) {
  FRESHWATCH_REQUIRE_POSTGRES(server);
  const auto db = make_database(*server, R"sql(
    create schema finance; create schema other;
    create table public.orders (id int);
    create table public.tmp_scratch (id int);
    create table finance.ledger (id int);
    create table other.ignored (id int);
    create view public.v_orders as select * from public.orders;
    create materialized view public.mv_orders as select * from public.orders;
    create table public.events (at date) partition by range (at);
    create table public.events_2024 partition of public.events
      for values from ('2024-01-01') to ('2025-01-01');
  )sql");
  auto config = connection(*server, db);
  config.options.selection.include = {"public.*", "finance.*"};
  config.options.selection.exclude = {"public.tmp_*"};
  config.common.owner = "data-eng";
  config.common.tags = {"pg"};
  config.options.selection.tables = {{.match = "finance.*", .owner = "finance", .tags = {"money"}}};
  Collector run;
  auto c = run.collect(config);
  ASSERT_TRUE(c.has_value()) << c.error().message;

  std::vector<std::string> keys;
  for (const auto& a : c->assets) keys.push_back(a.key);
  const std::string p = "wh:" + db;
  EXPECT_EQ(keys, (std::vector<std::string>{"wh", p, p + ".finance", p + ".finance.ledger",
                                            p + ".public", p + ".public.events",
                                            p + ".public.mv_orders", p + ".public.orders",
                                            p + ".public.v_orders"}));
  EXPECT_EQ(find_asset(*c, "wh")->kind, model::AssetKind::kConnection);
  EXPECT_EQ(find_asset(*c, p)->kind, model::AssetKind::kDatabase);
  EXPECT_EQ(find_asset(*c, p)->parent, "wh");
  EXPECT_EQ(find_asset(*c, p + ".public")->kind, model::AssetKind::kSchema);
  EXPECT_EQ(find_asset(*c, p + ".public")->parent, p);
  const auto* orders = find_asset(*c, p + ".public.orders");
  EXPECT_EQ(orders->kind, model::AssetKind::kTable);
  EXPECT_EQ(orders->parent, p + ".public");
  EXPECT_EQ(orders->relation, db + ".public.orders");
  EXPECT_EQ(orders->owner, "data-eng");
  EXPECT_EQ(orders->tags, std::vector<std::string>{"pg"});
  EXPECT_EQ(find_asset(*c, p + ".public.v_orders")->kind, model::AssetKind::kView);
  EXPECT_EQ(find_asset(*c, p + ".public.mv_orders")->kind, model::AssetKind::kView);
  EXPECT_EQ(find_asset(*c, p + ".public.mv_orders")->description, "materialized view");
  EXPECT_EQ(find_asset(*c, p + ".public.events")->kind, model::AssetKind::kTable);
  EXPECT_EQ(find_asset(*c, p + ".public.events")->description, "partitioned table");
  const auto* ledger = find_asset(*c, p + ".finance.ledger");
  EXPECT_EQ(ledger->owner, "finance");
  EXPECT_EQ(ledger->tags, (std::vector<std::string>{"pg", "money"}));
  // Views have no data of their own: no observation. Tables get the metadata signal.
  EXPECT_EQ(find_observation(*c, p + ".public.v_orders"), nullptr);
  EXPECT_NE(find_observation(*c, p + ".public.orders"), nullptr);
  EXPECT_NE(find_observation(*c, p + ".public.mv_orders"), nullptr);
}

TEST(PostgresDiscovery, MixedCaseAndQuotedIdentifiers) {
  FRESHWATCH_REQUIRE_POSTGRES(server);
  const auto db = make_database(*server, R"sql(
    create schema "Sales";
    create table "Sales"."Orders" ("LoadedAt" timestamptz);
    insert into "Sales"."Orders" values ('2024-05-01T06:00:00Z');
    create table Sales_Folded (LoadedAt timestamptz);
    insert into Sales_Folded values ('2024-05-01T07:00:00Z');
    create table public."we""ird.name" (loaded_at timestamptz);
    insert into public."we""ird.name" values ('2024-05-01T08:00:00Z');
  )sql");
  auto config = connection(*server, db);
  config.options.mode = PostgresOptions::Mode::kQuery;
  config.options.selection.loaded_at_field = "LoadedAt";  // unquoted: folded, as SQL would
  config.options.selection.tables = {{.match = "Sales.Orders", .loaded_at_field = "\"LoadedAt\""},
                   {.match = "public.we*", .loaded_at_field = "loaded_at"}};
  Collector run;
  auto c = run.collect(config);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const std::string p = "wh:" + db;
  const auto* orders = find_asset(*c, p + ".Sales.Orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(orders->relation, db + ".Sales.Orders");
  ASSERT_NE(find_asset(*c, p + ".public.sales_folded"), nullptr);
  EXPECT_EQ(find_asset(*c, p + ".public.sales_folded")->relation, db + ".public.sales_folded");

  auto* o = find_observation(*c, p + ".Sales.Orders");
  ASSERT_NE(o, nullptr);
  EXPECT_TRUE(o->ok()) << o->error;
  EXPECT_EQ(o->changed_at, at("2024-05-01T06:00:00Z"));
  o = find_observation(*c, p + ".public.sales_folded");
  ASSERT_NE(o, nullptr);
  EXPECT_TRUE(o->ok()) << o->error;
  EXPECT_EQ(o->changed_at, at("2024-05-01T07:00:00Z"));
  o = find_observation(*c, p + ".public.we\"ird.name");
  ASSERT_NE(o, nullptr);
  EXPECT_TRUE(o->ok()) << o->error;
  EXPECT_EQ(o->changed_at, at("2024-05-01T08:00:00Z"));
}

TEST(PostgresMetadata, CountersDetectAChangeAndCarryTheTimeWhenUnchanged) {
  FRESHWATCH_REQUIRE_POSTGRES(server);
  const auto db = make_database(
      *server, flushed("create table orders (id int); insert into orders select generate_series(1, 5)"));
  auto config = connection(*server, db);
  const std::string key = "wh:" + db + ".public.orders";
  PostgresConnector::Tuning counters_only;
  counters_only.commit_timestamp_max_rows = 0;
  Collector run;

  auto first = run.collect(config, counters_only);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  auto* o = find_observation(*first, key);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->signal, "pg_stat_user_tables");
  EXPECT_EQ(o->changed_at, std::nullopt);
  EXPECT_NE(o->evidence.find("first sight"), std::string::npos) << o->evidence;
  EXPECT_EQ(o->row_count, 5);

  run.clock.advance(15min);
  ASSERT_EQ(server->execute(flushed("insert into orders values (6), (7)"), db), std::nullopt);
  auto second = run.collect(config, counters_only);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  o = find_observation(*second, key);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->signal, "pg_stat_user_tables");
  EXPECT_EQ(o->changed_at, at("2024-05-02T12:15:00Z"));
  EXPECT_EQ(o->evidence, "inserts+updates+deletes rose from 5 to 7 since 2024-05-02T12:00:00Z");
  EXPECT_EQ(o->row_count, 7);

  run.clock.advance(15min);
  auto third = run.collect(config, counters_only);
  ASSERT_TRUE(third.has_value()) << third.error().message;
  o = find_observation(*third, key);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->changed_at, at("2024-05-02T12:15:00Z"));
  EXPECT_EQ(o->observed_at, at("2024-05-02T12:30:00Z"));
  EXPECT_NE(o->evidence.find("no inserts, updates or deletes since 2024-05-02T12:15:00Z"),
            std::string::npos)
      << o->evidence;

  run.clock.advance(15min);
  ASSERT_EQ(server->execute(flushed("delete from orders where id = 1"), db), std::nullopt);
  auto fourth = run.collect(config, counters_only);
  ASSERT_TRUE(fourth.has_value());
  o = find_observation(*fourth, key);
  EXPECT_EQ(o->changed_at, at("2024-05-02T12:45:00Z"));
  EXPECT_NE(o->evidence.find("rose from 7 to 8"), std::string::npos) << o->evidence;
}

TEST(PostgresMetadata, StatisticsResetMakesTheTimeUnknown) {
  FRESHWATCH_REQUIRE_POSTGRES(server);
  const auto db = make_database(
      *server, flushed("create table t (id int); insert into t select generate_series(1, 3)"));
  auto config = connection(*server, db);
  const std::string key = "wh:" + db + ".public.t";
  PostgresConnector::Tuning counters_only;
  counters_only.commit_timestamp_max_rows = 0;
  Collector run;
  ASSERT_TRUE(run.collect(config, counters_only).has_value());
  run.clock.advance(10min);
  ASSERT_EQ(server->execute(flushed("insert into t values (4)"), db), std::nullopt);
  ASSERT_TRUE(run.collect(config, counters_only).has_value());
  ASSERT_EQ(server->execute("select pg_stat_reset()", db), std::nullopt);
  run.clock.advance(10min);
  auto c = run.collect(config, counters_only);
  ASSERT_TRUE(c.has_value());
  auto* o = find_observation(*c, key);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->changed_at, std::nullopt);
  EXPECT_NE(o->evidence.find("reset"), std::string::npos) << o->evidence;
}

TEST(PostgresMetadata, CommitTimestampGivesTheTimeOnFirstSight) {
  FRESHWATCH_REQUIRE_POSTGRES(server);
  const auto db = make_database(*server, R"sql(
    create table small (id int); insert into small values (1);
    create table big (id int); insert into big select generate_series(1, 50);
    create table events (at date) partition by range (at);
    create table events_2024 partition of events for values from ('2024-01-01') to ('2025-01-01');
    insert into events values ('2024-03-01');
    select pg_stat_force_next_flush();
  )sql");
  auto config = connection(*server, db);
  PostgresConnector::Tuning options;
  options.commit_timestamp_max_rows = 10;  // "big" has 50 rows: counters only
  Collector run;
  auto c = run.collect(config, options);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const std::string p = "wh:" + db + ".public.";

  const auto small_commit =
      server->query_value("select extract(epoch from max(pg_xact_commit_timestamp(xmin))) from small", db);
  auto* o = find_observation(*c, p + "small");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->signal, "commit_timestamp");
  ASSERT_TRUE(o->changed_at.has_value()) << o->evidence;
  EXPECT_EQ(o->changed_at->time_since_epoch().count(),
            *postgres::parse_epoch_micros(small_commit));
  EXPECT_NE(o->evidence.find("newest row committed at"), std::string::npos);

  o = find_observation(*c, p + "events");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->signal, "commit_timestamp");
  EXPECT_TRUE(o->changed_at.has_value()) << o->evidence;
  EXPECT_EQ(o->row_count, 1);

  o = find_observation(*c, p + "big");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->signal, "pg_stat_user_tables");
  EXPECT_EQ(o->changed_at, std::nullopt);
  EXPECT_NE(o->evidence.find("at most 10 rows"), std::string::npos) << o->evidence;
}

TEST(PostgresMetadata, PartitionCountersAddUpToTheirTable) {
  FRESHWATCH_REQUIRE_POSTGRES(server);
  const auto db = make_database(*server, flushed(R"sql(
    create table events (at date) partition by range (at);
    create table events_2024 partition of events for values from ('2024-01-01') to ('2025-01-01');
    create table events_2025 partition of events for values from ('2025-01-01') to ('2026-01-01');
    insert into events values ('2024-03-01'), ('2025-03-01'))sql"));
  auto config = connection(*server, db);
  PostgresConnector::Tuning counters_only;
  counters_only.commit_timestamp_max_rows = 0;
  Collector run;
  ASSERT_TRUE(run.collect(config, counters_only).has_value());
  run.clock.advance(5min);
  ASSERT_EQ(server->execute(flushed("insert into events values ('2025-04-01')"), db), std::nullopt);
  auto c = run.collect(config, counters_only);
  ASSERT_TRUE(c.has_value());
  auto* o = find_observation(*c, "wh:" + db + ".public.events");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->changed_at, run.clock.now());
  EXPECT_NE(o->evidence.find("rose from 2 to 3"), std::string::npos) << o->evidence;
  EXPECT_EQ(o->row_count, 3);
}

TEST(PostgresQuery, FilterOverridesAndAMissingColumnFailOnlyItsTable) {
  FRESHWATCH_REQUIRE_POSTGRES(server);
  const auto db = make_database(*server, flushed(R"sql(
    create table orders (region text, _loaded_at timestamptz);
    insert into orders values ('eu', '2024-05-01T06:00:00.123456Z'),
                              ('us', '2024-05-01T09:00:00Z');
    create table customers (updated_at timestamptz);
    insert into customers values ('2024-04-01T00:00:00Z');
    create table no_column (id int);
    insert into no_column values (1);
    create table empty_one (region text, _loaded_at timestamptz);
    create table bad_filter (region text, _loaded_at timestamptz))sql"));
  auto config = connection(*server, db);
  config.options.selection.loaded_at_field = "_loaded_at";
  config.options.selection.filter = "region = 'eu'";
  config.options.selection.concurrency = 3;
  config.options.selection.tables = {{.match = "public.customers", .loaded_at_field = "updated_at", .filter = "true"},
                   {.match = "public.bad_filter", .filter = "region = = 'x'"}};
  Collector run;
  auto c = run.collect(config);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const std::string p = "wh:" + db + ".public.";

  auto* o = find_observation(*c, p + "orders");
  ASSERT_NE(o, nullptr);
  EXPECT_TRUE(o->ok()) << o->error;
  EXPECT_EQ(o->signal, "max(_loaded_at)");
  EXPECT_EQ(o->changed_at, at("2024-05-01T06:00:00.123456Z"));
  EXPECT_EQ(o->evidence, "max(_loaded_at) where region = 'eu' = 2024-05-01T06:00:00.123456Z");
  EXPECT_EQ(o->row_count, 2);  // n_live_tup, not count(*) under the filter

  o = find_observation(*c, p + "customers");
  ASSERT_NE(o, nullptr);
  EXPECT_TRUE(o->ok()) << o->error;
  EXPECT_EQ(o->signal, "max(updated_at)");
  EXPECT_EQ(o->changed_at, at("2024-04-01T00:00:00Z"));

  o = find_observation(*c, p + "no_column");
  ASSERT_NE(o, nullptr);
  EXPECT_FALSE(o->ok());
  EXPECT_EQ(o->changed_at, std::nullopt);
  EXPECT_NE(o->error.find("public.no_column has no column '_loaded_at'"), std::string::npos)
      << o->error;

  o = find_observation(*c, p + "empty_one");
  ASSERT_NE(o, nullptr);
  EXPECT_TRUE(o->ok()) << o->error;
  EXPECT_EQ(o->changed_at, std::nullopt);
  EXPECT_NE(o->evidence.find("no rows match the filter"), std::string::npos) << o->evidence;

  o = find_observation(*c, p + "bad_filter");
  ASSERT_NE(o, nullptr);
  EXPECT_FALSE(o->ok());
  EXPECT_NE(o->error.find("the filter 'region = = 'x'' does not work on public.bad_filter"),
            std::string::npos)
      << o->error;
}

TEST(PostgresQuery, NaiveTimestampsAreReadInTheConfiguredZone) {
  FRESHWATCH_REQUIRE_POSTGRES(server);
  const auto db = make_database(*server, R"sql(
    set timezone = 'America/New_York';
    create table tz (loaded timestamptz);    insert into tz values ('2024-05-01 06:00:00+00');
    create table naive (loaded timestamp);   insert into naive values ('2024-05-01 06:00:00');
    create table dated (loaded date);        insert into dated values ('2024-05-01');
    create table text_col (loaded text);     insert into text_col values ('yesterday');
  )sql");
  auto config = connection(*server, db);
  config.options.selection.loaded_at_field = "loaded";
  config.options.selection.naive_timezone = "Europe/Berlin";
  Collector run;
  auto c = run.collect(config);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const std::string p = "wh:" + db + ".public.";
  EXPECT_EQ(find_observation(*c, p + "tz")->changed_at, at("2024-05-01T06:00:00Z"));
  EXPECT_EQ(find_observation(*c, p + "naive")->changed_at, at("2024-05-01T04:00:00Z"));
  EXPECT_NE(find_observation(*c, p + "naive")->evidence.find("read in Europe/Berlin"),
            std::string::npos);
  EXPECT_EQ(find_observation(*c, p + "dated")->changed_at, at("2024-04-30T22:00:00Z"));
  const auto* text = find_observation(*c, p + "text_col");
  EXPECT_FALSE(text->ok());
  EXPECT_NE(text->error.find("is not a date or timestamp column"), std::string::npos)
      << text->error;
}

TEST(PostgresQuery, StatementTimeoutFailsOnlyTheSlowTable) {
  FRESHWATCH_REQUIRE_POSTGRES(server);
  const auto db = make_database(*server, R"sql(
    create table slow (_loaded_at timestamptz); insert into slow values (now());
    create table quick (_loaded_at timestamptz); insert into quick values ('2024-05-01T00:00:00Z');
  )sql");
  auto config = connection(*server, db);
  config.options.selection.loaded_at_field = "_loaded_at";
  config.common.timeout = 1s;
  config.options.selection.tables = {{.match = "public.slow", .filter = "pg_sleep(5) is not null"}};
  Collector run;
  auto c = run.collect(config);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const std::string p = "wh:" + db + ".public.";
  const auto* slow = find_observation(*c, p + "slow");
  EXPECT_FALSE(slow->ok());
  EXPECT_NE(slow->error.find("took longer than 1 s and was cancelled (statement timeout)"),
            std::string::npos)
      << slow->error;
  EXPECT_TRUE(find_observation(*c, p + "quick")->ok());
}

TEST(PostgresQuery, PermissionDeniedFailsOnlyThatTable) {
  FRESHWATCH_REQUIRE_POSTGRES(server);
  const auto db = make_database(*server, R"sql(
    create table open_t (_loaded_at timestamptz); insert into open_t values ('2024-05-01T00:00:00Z');
    create table secret (_loaded_at timestamptz);
    drop role if exists reader;
    create role reader login password 'reader-pw';
    grant select on open_t to reader;
  )sql");
  auto config = connection(*server, db);
  config.options.dsn = fmt::format("host=127.0.0.1 port={} dbname={} user=reader password=reader-pw",
                           server->port(), db);
  config.options.selection.loaded_at_field = "_loaded_at";
  Collector run;
  auto c = run.collect(config);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const std::string p = "wh:" + db + ".public.";
  EXPECT_TRUE(find_observation(*c, p + "open_t")->ok());
  const auto* secret = find_observation(*c, p + "secret");
  EXPECT_FALSE(secret->ok());
  EXPECT_NE(secret->error.find("permission denied to read public.secret as 'reader'"),
            std::string::npos)
      << secret->error;
}

TEST(PostgresConnection, BadCredentialsAreAPlainErrorWithoutThePassword) {
  FRESHWATCH_REQUIRE_POSTGRES(server);
  Connection config;
  config.common.name = "wh";
  config.options.dsn = fmt::format("host=127.0.0.1 port={} dbname=postgres user={} password=wrong-pw-123",
                           server->port(), PostgresServer::kUser);
  Collector run;
  auto c = run.collect(config);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(c.error().message,
            fmt::format("could not sign in to 127.0.0.1:{} as '{}': password authentication "
                        "failed; check user and password in dsn",
                        server->port(), PostgresServer::kUser));
  EXPECT_EQ(c.error().message.find("wrong-pw-123"), std::string::npos);
}

TEST(PostgresConnection, UnknownDatabase) {
  FRESHWATCH_REQUIRE_POSTGRES(server);
  auto config = connection(*server, "no_such_db");
  Collector run;
  auto c = run.collect(config);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kNotFound);
  EXPECT_NE(c.error().message.find("database 'no_such_db' does not exist; check dbname in dsn"),
            std::string::npos)
      << c.error().message;
}

TEST(PostgresConnection, RefusedPort) {
  // Needs no server: nothing listens on a port that was just free.
  const int port = testing::free_port();
  Connection config;
  config.common.name = "wh";
  config.options.dsn = fmt::format("postgresql://u:pw-secret@127.0.0.1:{}/db", port);
  Collector run;
  auto c = run.collect(config);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(c.error().message,
            fmt::format("could not connect to 127.0.0.1:{}: connection refused; check host and "
                        "port in dsn",
                        port));
}

TEST(PostgresConnection, StopCancelsARunningQuery) {
  FRESHWATCH_REQUIRE_POSTGRES(server);
  const auto db = make_database(*server, "create table t (_loaded_at timestamptz); insert into t values (now())");
  auto config = connection(*server, db);
  config.options.selection.loaded_at_field = "_loaded_at";
  config.options.selection.filter = "pg_sleep(60) is not null";
  config.common.timeout = 120s;
  auto connector = PostgresConnector::create(config.common, config.options);
  ASSERT_TRUE(connector.has_value());
  core::FakeClock clock(at("2024-05-02T12:00:00Z"));
  PreviousObservations previous;
  std::stop_source stop;
  Result<Collection> result = fail(ErrorCode::kInternal, "not run");
  std::jthread collector([&] {
    CollectContext context{clock, previous, stop.get_token()};
    result = (*connector)->collect(context);
  });
  // Wait for the sleeping query to be running on the server, then stop.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (server->query_value(fmt::format(
             "select count(*) from pg_stat_activity where datname = '{}' and query like "
             "'%pg_sleep(60)%' and state = 'active' and pid <> pg_backend_pid()",
             db)) != "1" &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  const auto stopped_at = std::chrono::steady_clock::now();
  stop.request_stop();
  collector.join();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kCancelled);
  // Not a timed assertion on speed: only that the 60 s query did not run to its end.
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, 50s);
}

}  // namespace
}  // namespace freshwatch::connectors
