#include "connectors/sqlite/sqlite_connector.h"

#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "core/time.h"
#include "support/process.h"

namespace freshwatch::connectors {
namespace {

using namespace std::chrono_literals;

void exec(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string text = message ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << text;
}

core::TimePoint at(std::string_view text) { return *core::parse_timestamp(text); }

class SqliteConnectorTest : public ::testing::Test {
 protected:
  SqliteConnectorTest() : clock_(at("2024-05-02T12:00:00Z")) {
    config_.name = "wh";
    config_.type = "sqlite";
    options_.path = (dir_ / "main.db").string();
    options_.selection.loaded_at_field = "_loaded_at";
  }

  Result<Collection> collect() {
    auto connector = make_sqlite_connector(config_, options_);
    if (!connector) return std::unexpected(connector.error());
    PreviousObservations previous;
    CollectContext context{clock_, previous, stop_.get_token()};
    return (*connector)->collect(context);
  }

  static const model::Observation* find(const Collection& c, std::string_view key) {
    auto it = std::find_if(c.observations.begin(), c.observations.end(),
                           [&](const model::Observation& o) { return o.asset_key == key; });
    return it == c.observations.end() ? nullptr : &*it;
  }
  static const model::Asset* asset(const Collection& c, std::string_view key) {
    auto it = std::find_if(c.assets.begin(), c.assets.end(),
                           [&](const model::Asset& a) { return a.key == key; });
    return it == c.assets.end() ? nullptr : &*it;
  }

  testing::TempDir dir_;
  core::FakeClock clock_;
  std::stop_source stop_;
  config::ConnectionConfig config_;
  SqliteOptions options_;
};

TEST_F(SqliteConnectorTest, ReadsMaxLoadedAtAsTextAndEpoch) {
  exec(dir_ / "main.db",
       "CREATE TABLE orders(id, _loaded_at TEXT);"
       "INSERT INTO orders VALUES (1, '2024-05-01 06:00:00'), (2, '2024-05-01 07:30:00');"
       "CREATE TABLE events(id, _loaded_at INTEGER);"
       "INSERT INTO events VALUES (1, 1714500000), (2, 1714550400);"
       "CREATE TABLE clicks(id, _loaded_at REAL);"
       "INSERT INTO clicks VALUES (1, 1714550400123.0);");
  auto c = collect();
  ASSERT_TRUE(c) << c.error().message;
  const auto* orders = find(*c, "wh:main.orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_TRUE(orders->ok()) << orders->error;
  EXPECT_EQ(orders->changed_at, at("2024-05-01T07:30:00Z"));  // naive: UTC
  EXPECT_EQ(orders->row_count, 2);
  EXPECT_EQ(orders->signal, "max(_loaded_at)");
  EXPECT_EQ(orders->observed_at, clock_.now());
  EXPECT_NE(orders->evidence.find("2024-05-01T07:30:00Z"), std::string::npos) << orders->evidence;
  const auto* events = find(*c, "wh:main.events");
  ASSERT_NE(events, nullptr);
  EXPECT_EQ(events->changed_at, at("2024-05-01T08:00:00Z"));
  const auto* clicks = find(*c, "wh:main.clicks");
  ASSERT_NE(clicks, nullptr);
  EXPECT_EQ(clicks->changed_at, at("2024-05-01T08:00:00.123Z"));
}

TEST_F(SqliteConnectorTest, BuildsHierarchyWithAttachedSchemas) {
  exec(dir_ / "main.db", "CREATE TABLE a(_loaded_at);");
  exec(dir_ / "sales.db", "CREATE TABLE orders(_loaded_at); CREATE VIEW recent AS SELECT * FROM orders;");
  options_.attach["sales"] = (dir_ / "sales.db").string();
  config_.owner = "data-eng";
  auto c = collect();
  ASSERT_TRUE(c) << c.error().message;
  const auto* conn = asset(*c, "wh");
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(conn->kind, model::AssetKind::kConnection);
  const auto* schema = asset(*c, "wh:sales");
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->kind, model::AssetKind::kSchema);
  EXPECT_EQ(schema->parent, "wh");
  const auto* orders = asset(*c, "wh:sales.orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(orders->parent, "wh:sales");
  EXPECT_EQ(orders->relation, "sales.orders");
  EXPECT_EQ(orders->owner, "data-eng");
  const auto* recent = asset(*c, "wh:sales.recent");
  ASSERT_NE(recent, nullptr);
  EXPECT_EQ(recent->kind, model::AssetKind::kView);
  ASSERT_NE(asset(*c, "wh:main.a"), nullptr);
  // An empty table is observed without a change time, not as an error.
  const auto* a = find(*c, "wh:main.a");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->ok());
  EXPECT_FALSE(a->changed_at);
  EXPECT_EQ(a->row_count, 0);
}

TEST_F(SqliteConnectorTest, IncludeAndExcludeGlobsOverSchemaTable) {
  exec(dir_ / "main.db", "CREATE TABLE keep_me(_loaded_at); CREATE TABLE tmp_x(_loaded_at);");
  exec(dir_ / "ops.db", "CREATE TABLE jobs(_loaded_at);");
  options_.attach["ops"] = (dir_ / "ops.db").string();
  options_.selection.include = {"main.*"};
  options_.selection.exclude = {"main.tmp_*"};
  auto c = collect();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_NE(asset(*c, "wh:main.keep_me"), nullptr);
  EXPECT_EQ(asset(*c, "wh:main.tmp_x"), nullptr);
  EXPECT_EQ(asset(*c, "wh:ops.jobs"), nullptr);
  EXPECT_EQ(asset(*c, "wh:ops"), nullptr);  // a schema with nothing selected is left out
}

TEST_F(SqliteConnectorTest, PerTableOverridesAndFilter) {
  exec(dir_ / "main.db",
       "CREATE TABLE a(updated_at, kind);"
       "INSERT INTO a VALUES ('2024-05-01T00:00:00Z', 'x'), ('2024-05-02T00:00:00Z', 'y');"
       "CREATE TABLE b(_loaded_at); INSERT INTO b VALUES ('2024-04-01T00:00:00Z');");
  options_.selection.tables.push_back({"main.a", "updated_at", "kind = 'x'", "finance", {"daily"}, {}});
  auto c = collect();
  ASSERT_TRUE(c) << c.error().message;
  const auto* a = find(*c, "wh:main.a");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->ok()) << a->error;
  EXPECT_EQ(a->signal, "max(updated_at)");
  EXPECT_EQ(a->changed_at, at("2024-05-01T00:00:00Z"));
  EXPECT_EQ(a->row_count, 1);
  EXPECT_EQ(asset(*c, "wh:main.a")->owner, "finance");
  EXPECT_EQ(asset(*c, "wh:main.a")->tags, std::vector<std::string>{"daily"});
  EXPECT_EQ(find(*c, "wh:main.b")->changed_at, at("2024-04-01T00:00:00Z"));
}

TEST_F(SqliteConnectorTest, NaiveTimestampsReadInConfiguredZone) {
  exec(dir_ / "main.db", "CREATE TABLE a(_loaded_at); INSERT INTO a VALUES ('2024-05-01 08:00:00');");
  options_.selection.naive_timezone = "Europe/Berlin";
  auto c = collect();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(find(*c, "wh:main.a")->changed_at, at("2024-05-01T06:00:00Z"));
}

TEST_F(SqliteConnectorTest, PerTableFailuresDoNotStopOthers) {
  exec(dir_ / "main.db",
       "CREATE TABLE good(_loaded_at); INSERT INTO good VALUES ('2024-05-01T00:00:00Z');"
       "CREATE TABLE no_ts(id); INSERT INTO no_ts VALUES (1);"
       "CREATE TABLE garbage(_loaded_at); INSERT INTO garbage VALUES ('not a time');"
       "CREATE TABLE base(_loaded_at); CREATE VIEW broken AS SELECT * FROM base;"
       "DROP TABLE base;");
  auto c = collect();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(find(*c, "wh:main.good")->ok());
  EXPECT_EQ(find(*c, "wh:main.no_ts")->error, "no column _loaded_at in main.no_ts");
  EXPECT_FALSE(find(*c, "wh:main.no_ts")->changed_at);
  EXPECT_NE(find(*c, "wh:main.garbage")->error.find("not a time"), std::string::npos);
  EXPECT_NE(find(*c, "wh:main.broken")->error.find("no such table"), std::string::npos)
      << find(*c, "wh:main.broken")->error;
  EXPECT_EQ(c->observations.size(), 4u);
}

TEST_F(SqliteConnectorTest, WithoutLoadedAtFieldEveryTableSaysWhatToSet) {
  exec(dir_ / "main.db", "CREATE TABLE a(x);");
  options_.selection.loaded_at_field.clear();
  auto c = collect();
  ASSERT_TRUE(c);
  EXPECT_NE(find(*c, "wh:main.a")->error.find("loaded_at_field"), std::string::npos);
}

TEST_F(SqliteConnectorTest, MissingOrCorruptFileFailsTheConnection) {
  auto c = collect();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kNotFound);
  EXPECT_NE(c.error().message.find("main.db"), std::string::npos);

  {
    std::ofstream f(dir_ / "main.db");
    f << "this is not a database, just text that is long enough to look like a header......";
  }
  c = collect();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kUnavailable);
}

TEST_F(SqliteConnectorTest, StopRequestedEndsTheRun) {
  exec(dir_ / "main.db", "CREATE TABLE a(_loaded_at);");
  stop_.request_stop();
  auto c = collect();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kCancelled);
}

TEST(ParseSqliteTimestamp, EpochUnitsBySize) {
  EXPECT_EQ(parse_sqlite_timestamp("0", true, nullptr), core::TimePoint{});
  EXPECT_EQ(parse_sqlite_timestamp("1714550400", true, nullptr), at("2024-05-01T08:00:00Z"));
  EXPECT_EQ(parse_sqlite_timestamp("1714550400000", true, nullptr), at("2024-05-01T08:00:00Z"));
  EXPECT_EQ(parse_sqlite_timestamp("1714550400000000", true, nullptr), at("2024-05-01T08:00:00Z"));
  EXPECT_EQ(parse_sqlite_timestamp("1714550400.5", true, nullptr), at("2024-05-01T08:00:00.5Z"));
  EXPECT_FALSE(parse_sqlite_timestamp("1e300", true, nullptr));
  EXPECT_FALSE(parse_sqlite_timestamp("x", true, nullptr));
  EXPECT_FALSE(parse_sqlite_timestamp("garbage", false, nullptr));
}

TEST(SqliteRegistry, RegistersType) {
  register_sqlite();
  EXPECT_TRUE(has_type("sqlite"));
}

}  // namespace
}  // namespace freshwatch::connectors
