#include "store/sqlite/sqlite_store.h"

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "core/time.h"
#include "support/process.h"

namespace freshwatch::store {
namespace {

using namespace std::chrono_literals;
using date::sys_days;
using model::Status;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

core::TimePoint at(std::string_view text) { return core::parse_timestamp(text).value(); }
sys_days day(int y, unsigned m, unsigned d) {
  return sys_days{date::year{y} / date::month{m} / date::day{d}};
}

// Runs SQL on the file directly, as another program (or an older/newer freshwatch) would.
std::int64_t raw_int(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  std::int64_t value = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}
void raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sql;
  sqlite3_close(db);
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> open(std::string timezone = "UTC",
                              std::optional<core::Duration> retention = std::nullopt) {
    auto store = open_sqlite({path(), std::move(timezone), retention});
    EXPECT_TRUE(store.has_value()) << store.error().message;
    return store ? std::move(*store) : nullptr;
  }
  std::string path() const { return (dir_ / "freshwatch.db").string(); }

  static model::Asset asset(std::string key, std::string connection = "warehouse") {
    model::Asset a;
    a.key = std::move(key);
    a.name = a.key;
    a.connection = std::move(connection);
    return a;
  }
  static model::Observation observation(std::string key, core::TimePoint observed_at,
                                        std::string signal = "max(_loaded_at)") {
    model::Observation o;
    o.asset_key = std::move(key);
    o.observed_at = observed_at;
    o.changed_at = observed_at - 1h;
    o.signal = std::move(signal);
    return o;
  }
  static RunRecord run(std::string connection, core::TimePoint finished_at) {
    RunRecord r;
    r.connection = std::move(connection);
    r.started_at = finished_at - 5s;
    r.finished_at = finished_at;
    return r;
  }
  static std::vector<StatusRecord> one(std::string key, Status status, std::string reason = "") {
    return {StatusRecord{std::move(key), status, std::move(reason)}};
  }

  testing::TempDir dir_;
};

TEST_F(SqliteStoreTest, MigratesAnEmptyFileAndReopens) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->put_user({"demo", "$argon2id$hash", "admin"}));
  }
  EXPECT_EQ(raw_int(path(), "PRAGMA user_version"), sqlite_schema_version());
  for (const char* table : {"assets", "edges", "observations", "latest_observations",
                            "connection_runs", "status_intervals", "daily_rollup", "daily_change",
                            "users", "api_tokens", "sessions", "connector_state"}) {
    EXPECT_EQ(raw_int(path(), fmt::format("SELECT count(*) FROM sqlite_master WHERE type = "
                                          "'table' AND name = '{}'",
                                          table)),
              1)
        << table;
  }
  auto store = open();
  ASSERT_TRUE(store);
  auto user = store->find_user("demo");
  ASSERT_TRUE(user);
  ASSERT_TRUE(user->has_value());
  EXPECT_EQ((*user)->password_hash, "$argon2id$hash");
  EXPECT_EQ(raw_int(path(), "PRAGMA user_version"), sqlite_schema_version());
}

TEST_F(SqliteStoreTest, UsesWal) {
  auto store = open();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerVersion) {
  { ASSERT_TRUE(open()); }
  raw_exec(path(), fmt::format("PRAGMA user_version = {}", sqlite_schema_version() + 1));
  auto store = open_sqlite({path(), "UTC"});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kConflict);
  EXPECT_THAT(store.error().message, HasSubstr("newer freshwatch"));
  EXPECT_THAT(store.error().message, HasSubstr(path()));
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotAStore) {
  raw_exec(path(), "CREATE TABLE orders (id INTEGER)");
  auto store = open_sqlite({path(), "UTC"});
  ASSERT_FALSE(store);
  EXPECT_THAT(store.error().message, HasSubstr("not a freshwatch store"));
  EXPECT_EQ(raw_int(path(), "SELECT count(*) FROM sqlite_master"), 1);  // left untouched
}

TEST_F(SqliteStoreTest, RejectsBadOptions) {
  auto zone = open_sqlite({path(), "Mars/Olympus"});
  ASSERT_FALSE(zone);
  EXPECT_THAT(zone.error().message, HasSubstr("Mars/Olympus"));
  EXPECT_FALSE(open_sqlite({"", "UTC"}));
  auto missing = open_sqlite({(dir_ / "no/such/dir/x.db").string(), "UTC"});
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("cannot open the store"));
}

TEST_F(SqliteStoreTest, RunRoundTripsEveryField) {
  auto store = open();
  model::Asset a;
  a.key = "warehouse:analytics.public.orders";
  a.name = "orders";
  a.kind = model::AssetKind::kView;
  a.parent = "warehouse:analytics.public";
  a.connection = "warehouse";
  a.owner = "team-data@example.com";
  a.tags = {"daily", "with \"quotes\" and \\ and \n newline", "ünïcødé"};
  a.description = "All orders";
  a.url = "https://example.com/orders";
  a.relation = "analytics.public.orders";
  a.referenced = true;
  model::Asset bare = asset("warehouse");
  bare.kind = model::AssetKind::kConnection;

  model::Observation full;
  full.asset_key = a.key;
  full.observed_at = at("2024-05-01T06:00:00.123456Z");
  full.changed_at = at("2024-05-01T05:00:00.5Z");
  full.signal = "max(_loaded_at)";
  full.evidence = "max(_loaded_at) = 2024-05-01T05:00:00.5Z";
  full.row_count = 1'234'567'890'123;
  full.marker = "ins=10;upd=2";
  model::Observation empty;
  empty.asset_key = a.key;
  empty.observed_at = full.observed_at;
  empty.signal = "pg_stat_user_tables";
  empty.error = "permission denied for table orders";

  RunRecord r = run("warehouse", at("2024-05-01T06:00:01Z"));
  r.started_at = at("2024-05-01T05:59:58.25Z");
  r.error = "";
  r.assets = {bare, a};
  r.edges = {{"warehouse:analytics.public.raw_orders", a.key}};
  r.observations = {full, empty};
  r.statuses = {{a.key, Status::kFresh, "changed 1 h ago"}};
  ASSERT_TRUE(store->save_run(r));

  auto assets = store->assets();
  ASSERT_TRUE(assets);
  EXPECT_THAT(*assets, ElementsAre(bare, a));
  auto edges = store->edges();
  ASSERT_TRUE(edges);
  EXPECT_THAT(*edges, ElementsAre(model::Edge{"warehouse:analytics.public.raw_orders", a.key}));
  auto latest = store->latest_observations();
  ASSERT_TRUE(latest);
  EXPECT_THAT(*latest, ElementsAre(full, empty));
  auto raw = store->observations(a.key, 10);
  ASSERT_TRUE(raw);
  EXPECT_THAT(*raw, UnorderedElementsAre(full, empty));
  auto runs = store->latest_runs();
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].connection, "warehouse");
  EXPECT_EQ((*runs)[0].started_at, r.started_at);
  EXPECT_EQ((*runs)[0].finished_at, r.finished_at);
  EXPECT_EQ((*runs)[0].error, "");
  EXPECT_EQ((*runs)[0].last_success, r.finished_at);
  auto open = store->open_intervals();
  ASSERT_TRUE(open);
  EXPECT_THAT(*open, ElementsAre(model::StatusInterval{a.key, Status::kFresh, r.finished_at,
                                                       std::nullopt, "changed 1 h ago"}));
  auto cells = store->history(a.key, day(2024, 5, 1), day(2024, 5, 1));
  ASSERT_TRUE(cells);
  ASSERT_EQ(cells->size(), 1u);
  EXPECT_TRUE((*cells)[0].has_data);
  EXPECT_EQ((*cells)[0].worst, Status::kFresh);

  // A later failed run: assets keep first_seen, move last_seen; last_success stays.
  RunRecord failed = run("warehouse", at("2024-05-01T07:00:00Z"));
  failed.error = "connection refused";
  failed.assets = {a};
  ASSERT_TRUE(store->save_run(failed));
  runs = store->latest_runs();
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].error, "connection refused");
  EXPECT_EQ((*runs)[0].finished_at, failed.finished_at);
  EXPECT_EQ((*runs)[0].last_success, r.finished_at);
  auto sightings = store->asset_sightings();
  ASSERT_TRUE(sightings);
  ASSERT_EQ(sightings->size(), 2u);
  EXPECT_EQ((*sightings)[0].key, "warehouse");
  EXPECT_EQ((*sightings)[0].last_seen, r.finished_at);
  EXPECT_EQ((*sightings)[1].key, a.key);
  EXPECT_EQ((*sightings)[1].first_seen, r.finished_at);
  EXPECT_EQ((*sightings)[1].last_seen, failed.finished_at);
}

// Tags are kept as a JSON array; bytes that are not UTF-8 (a Latin-1 tag from a source system)
// become U+FFFD rather than an array that no longer parses and loses every tag.
TEST_F(SqliteStoreTest, TagsThatAreNotUtf8KeepTheirNeighbours) {
  auto store = open();
  model::Asset a = asset("warehouse:caf\xE9s");
  a.tags = {"daily", "caf\xE9", "\xFF\xFE"};
  RunRecord r = run("warehouse", at("2024-05-01T06:00:01Z"));
  r.assets = {a};
  ASSERT_TRUE(store->save_run(r));
  auto assets = store->assets();
  ASSERT_TRUE(assets);
  ASSERT_EQ(assets->size(), 1u);
  EXPECT_EQ((*assets)[0].key, a.key) << "keys are stored as given";
  EXPECT_THAT((*assets)[0].tags,
              ElementsAre("daily", "caf\xEF\xBF\xBD", "\xEF\xBF\xBD\xEF\xBF\xBD"));
}

// An asset's own policy (dbt's freshness thresholds) is kept, so a restart judges by it before
// the connection runs again; a later run without it clears it.
TEST_F(SqliteStoreTest, AssetsKeepTheirOwnPolicy) {
  auto store = open();
  model::Asset calendar = asset("warehouse:a");
  calendar.policy = model::Policy{"calendar \"q\"", model::CalendarRule{2, 30}, "x.yml:1:2"};
  model::Asset threshold = asset("warehouse:b");
  threshold.policy = model::Policy{"dbt freshness", model::ThresholdRule{std::nullopt, 24h},
                                   "dbt: models/staging/sources.yml"};
  model::Asset deadline = asset("warehouse:c");
  deadline.policy = model::Policy{
      "nightly", model::DeadlineRule{"0 6 * * 1-5", "Europe/Berlin", 30min, Status::kWarn}, ""};
  model::Asset none = asset("warehouse:d");
  RunRecord r = run("warehouse", at("2024-05-01T06:00:00Z"));
  r.assets = {calendar, threshold, deadline, none};
  ASSERT_TRUE(store->save_run(r));
  store.reset();
  store = open();  // read back from the file
  auto assets = store->assets();
  ASSERT_TRUE(assets);
  EXPECT_THAT(*assets, ElementsAre(calendar, threshold, deadline, none));

  threshold.policy.reset();
  RunRecord later = run("warehouse", at("2024-05-01T07:00:00Z"));
  later.assets = {threshold};
  ASSERT_TRUE(store->save_run(later));
  assets = store->assets();
  ASSERT_TRUE(assets);
  ASSERT_EQ(assets->size(), 4u);
  EXPECT_EQ((*assets)[1].policy, std::nullopt);
}

// A dashboard's usage and the via of its tiles' edges are kept, so a restart shows them before
// the BI connection runs again.
TEST_F(SqliteStoreTest, UsageAndEdgeViaSurviveARestart) {
  auto store = open();
  model::Asset dashboard = asset("looker:dashboard.12", "looker");
  dashboard.kind = model::AssetKind::kDashboard;
  dashboard.usage = model::Usage{at("2026-11-20T08:30:00.25Z"), std::nullopt, 1'234};
  model::Asset never_opened = asset("looker:look.7", "looker");
  never_opened.kind = model::AssetKind::kLook;
  never_opened.usage = model::Usage{};
  model::Asset table = asset("warehouse:orders");
  RunRecord r = run("looker", at("2026-11-28T06:00:00Z"));
  r.assets = {dashboard, never_opened, table};
  r.edges = {{"warehouse:orders", "looker:dashboard.12.tile.1", "view orders"},
             {"warehouse:orders", "looker:look.7", "explore-level"},
             {"warehouse:items", "looker:look.7", ""}};
  ASSERT_TRUE(store->save_run(r));
  store.reset();
  store = open();
  auto assets = store->assets();
  ASSERT_TRUE(assets);
  EXPECT_THAT(*assets, ElementsAre(dashboard, never_opened, table));
  EXPECT_EQ((*assets)[2].usage, std::nullopt);
  auto edges = store->edges();
  ASSERT_TRUE(edges);
  EXPECT_THAT(*edges, ElementsAre(model::Edge{"warehouse:items", "looker:look.7", ""},
                                  model::Edge{"warehouse:orders", "looker:dashboard.12.tile.1",
                                              "view orders"},
                                  model::Edge{"warehouse:orders", "looker:look.7", "explore-level"}));
  // A later run without usage clears it; garbage in the column is left out, not fatal.
  dashboard.usage.reset();
  RunRecord later = run("looker", at("2026-11-28T07:00:00Z"));
  later.assets = {dashboard};
  ASSERT_TRUE(store->save_run(later));
  raw_exec(path(), "UPDATE assets SET usage = '{\"last_accessed_us\": \"x' WHERE key = 'looker:look.7'");
  assets = store->assets();
  ASSERT_TRUE(assets);
  EXPECT_EQ((*assets)[0].usage, std::nullopt);
  EXPECT_EQ((*assets)[1].usage, std::nullopt);
}

// A connector's state is replaced by each successful run that returns one, kept by runs that
// return none, and saved in the run's transaction.
TEST_F(SqliteStoreTest, ConnectorStateIsReplacedBySuccessfulRuns) {
  auto store = open();
  RunRecord first = run("looker", at("2026-11-28T06:00:00Z"));
  first.state = ConnectorState{{"query:1", "warehouse:orders"}, {"query:2", "warehouse:items"}};
  RunRecord other = run("bi2", at("2026-11-28T06:00:00Z"));
  other.state = ConnectorState{{"k", "v"}};
  ASSERT_TRUE(store->save_run(first));
  ASSERT_TRUE(store->save_run(other));
  auto states = store->connector_states();
  ASSERT_TRUE(states);
  ASSERT_EQ(states->size(), 2u);
  EXPECT_EQ(states->at("looker"), *first.state);

  RunRecord without = run("looker", at("2026-11-28T07:00:00Z"));
  ASSERT_TRUE(store->save_run(without));
  EXPECT_EQ(store->connector_states()->at("looker"), *first.state) << "no state: kept";

  RunRecord replaced = run("looker", at("2026-11-28T08:00:00Z"));
  replaced.state = ConnectorState{{"query:3", "warehouse:payments"}};
  ASSERT_TRUE(store->save_run(replaced));
  store.reset();
  store = open();
  states = store->connector_states();
  ASSERT_TRUE(states);
  EXPECT_EQ(states->at("looker"), *replaced.state);
  EXPECT_EQ(states->at("bi2"), *other.state);

  RunRecord emptied = run("looker", at("2026-11-28T09:00:00Z"));
  emptied.state = ConnectorState{};
  ASSERT_TRUE(store->save_run(emptied));
  EXPECT_FALSE(store->connector_states()->contains("looker"));

  // A failed run never carries one; the whole run is refused, state and all.
  RunRecord failed = run("bi2", at("2026-11-28T10:00:00Z"));
  failed.error = "refused";
  failed.state = ConnectorState{{"k", "other"}};
  EXPECT_FALSE(store->save_run(failed));
  EXPECT_EQ(store->connector_states()->at("bi2"), *other.state);
  EXPECT_EQ(store->latest_runs()->front().finished_at, other.finished_at) << "bi2, first by name";
}

TEST_F(SqliteStoreTest, LatestRunsPerConnectionWithoutSuccess) {
  auto store = open();
  RunRecord a = run("a", at("2024-05-01T06:00:00Z"));
  a.error = "timeout";
  ASSERT_TRUE(store->save_run(a));
  ASSERT_TRUE(store->save_run(run("b", at("2024-05-01T05:00:00Z"))));
  ASSERT_TRUE(store->save_run(run("b", at("2024-05-01T06:00:00Z"))));
  auto runs = store->latest_runs();
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].connection, "a");
  EXPECT_EQ((*runs)[0].last_success, std::nullopt);
  EXPECT_EQ((*runs)[1].connection, "b");
  EXPECT_EQ((*runs)[1].finished_at, at("2024-05-01T06:00:00Z"));
}

TEST_F(SqliteStoreTest, EdgesAreReplacedPerConnection) {
  auto store = open();
  RunRecord a = run("a", at("2024-05-01T06:00:00Z"));
  a.edges = {{"a:x", "a:y"}, {"a:x", "a:y"}};  // duplicates are harmless
  RunRecord b = run("b", at("2024-05-01T06:00:00Z"));
  b.edges = {{"a:y", "b:z"}};
  ASSERT_TRUE(store->save_run(a));
  ASSERT_TRUE(store->save_run(b));
  a.edges = {{"a:x", "a:w"}};
  a.finished_at += 1h;
  ASSERT_TRUE(store->save_run(a));
  auto edges = store->edges();
  ASSERT_TRUE(edges);
  EXPECT_THAT(*edges, ElementsAre(model::Edge{"a:x", "a:w"}, model::Edge{"a:y", "b:z"}));
  a.edges.clear();
  a.finished_at += 1h;
  ASSERT_TRUE(store->save_run(a));
  edges = store->edges();
  ASSERT_TRUE(edges);
  EXPECT_THAT(*edges, ElementsAre(model::Edge{"a:y", "b:z"}));
}

TEST_F(SqliteStoreTest, LatestObservationNeverMovesBackwards) {
  auto store = open();
  RunRecord r = run("w", at("2024-05-01T06:00:00Z"));
  r.observations = {observation("w:t", at("2024-05-01T06:00:00Z"))};
  ASSERT_TRUE(store->save_run(r));
  r.observations = {observation("w:t", at("2024-05-01T05:00:00Z"))};  // a late, older reading
  ASSERT_TRUE(store->save_run(r));
  auto latest = store->latest_observations();
  ASSERT_TRUE(latest);
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].observed_at, at("2024-05-01T06:00:00Z"));
  auto raw = store->observations("w:t", 10);
  ASSERT_TRUE(raw);
  ASSERT_EQ(raw->size(), 2u);
  EXPECT_EQ((*raw)[0].observed_at, at("2024-05-01T06:00:00Z"));  // newest first
  raw = store->observations("w:t", 1);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->size(), 1u);
}

TEST_F(SqliteStoreTest, FailedRunLeavesNothingBehind) {
  auto store = open();
  RunRecord r = run("w", at("2024-05-01T06:00:00Z"));
  r.assets = {asset("w:ok")};
  r.observations = {observation("w:ok", r.finished_at), observation("", r.finished_at)};
  auto saved = store->save_run(r);
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(saved.error().message, HasSubstr("connection 'w'"));
  EXPECT_TRUE(store->assets()->empty());
  EXPECT_TRUE(store->latest_observations()->empty());
  EXPECT_TRUE(store->latest_runs()->empty());
}

TEST_F(SqliteStoreTest, HistoryAsOfCountsTheOpenIntervalSinceItsLastRecord) {
  auto store = open("Europe/Berlin");
  // Warn from 23:00 local on 1 June, recorded once; read at 01:30 local on 2 June.
  ASSERT_TRUE(store->record_statuses(one("k", Status::kWarn), at("2024-06-01T21:00:00Z")));
  auto recorded = store->history("k", day(2024, 6, 1), day(2024, 6, 2));
  ASSERT_TRUE(recorded);
  ASSERT_EQ(recorded->size(), 1u);
  EXPECT_EQ((*recorded)[0].minutes[static_cast<int>(Status::kWarn)], 0) << "nothing held yet";
  auto now = store->history("k", day(2024, 6, 1), day(2024, 6, 2), at("2024-06-01T23:30:00Z"));
  ASSERT_TRUE(now);
  ASSERT_EQ(now->size(), 2u) << "the day it reaches is counted too";
  EXPECT_EQ((*now)[0].minutes[static_cast<int>(Status::kWarn)], 60);
  EXPECT_EQ((*now)[1].day, day(2024, 6, 2));
  EXPECT_TRUE((*now)[1].has_data);
  EXPECT_EQ((*now)[1].worst, Status::kWarn);
  EXPECT_EQ((*now)[1].minutes[static_cast<int>(Status::kWarn)], 90);
  // The same as recording at that moment would store.
  ASSERT_TRUE(store->record_statuses(one("k", Status::kWarn), at("2024-06-01T23:30:00Z")));
  EXPECT_EQ(*store->history("k", day(2024, 6, 1), day(2024, 6, 2)), *now);
  // Days outside the asked range are left out.
  auto second = store->history("k", day(2024, 6, 2), day(2024, 6, 2), at("2024-06-02T00:00:00Z"));
  ASSERT_TRUE(second);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].minutes[static_cast<int>(Status::kWarn)], 120);
}

TEST_F(SqliteStoreTest, RollupSplitsMinutesAcrossMidnight) {
  auto store = open("Europe/Berlin");
  // 23:00 local (CEST) on 1 June, then 01:30 local on 2 June.
  ASSERT_TRUE(store->record_statuses(one("k", Status::kWarn), at("2024-06-01T21:00:00Z")));
  ASSERT_TRUE(store->record_statuses(one("k", Status::kWarn), at("2024-06-01T23:30:00Z")));
  auto cells = store->history("k", day(2024, 5, 1), day(2024, 7, 1));
  ASSERT_TRUE(cells);
  ASSERT_EQ(cells->size(), 2u);
  EXPECT_EQ((*cells)[0].day, day(2024, 6, 1));
  EXPECT_EQ((*cells)[0].minutes[static_cast<int>(Status::kWarn)], 60);
  EXPECT_EQ((*cells)[1].day, day(2024, 6, 2));
  EXPECT_EQ((*cells)[1].minutes[static_cast<int>(Status::kWarn)], 90);
  EXPECT_EQ((*cells)[1].worst, Status::kWarn);
  // In UTC the same instants are one day.
  auto all = store->history(day(2024, 6, 1), day(2024, 6, 1));
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  ASSERT_EQ(all->find("k").size(), 1u);
  EXPECT_TRUE(all->find("k")[0].has_data);
  EXPECT_EQ(all->find("k")[0].worst, Status::kWarn);
}

TEST_F(SqliteStoreTest, RollupFollowsDstChangesInBerlin) {
  auto store = open("Europe/Berlin");
  // Midnight to midnight, local time, over the spring-forward day (23 h) and in autumn (25 h),
  // with records every 15 minutes.
  auto record_day = [&](core::TimePoint from, core::TimePoint to, Status status) {
    for (auto t = from; t <= to; t += 15min)
      ASSERT_TRUE(store->record_statuses(one("k", status), t));
  };
  record_day(at("2024-03-30T23:00:00Z"), at("2024-03-31T22:00:00Z"), Status::kFresh);
  record_day(at("2024-10-26T22:00:00Z"), at("2024-10-27T23:00:00Z"), Status::kError);
  auto cells = store->history("k", day(2024, 3, 31), day(2024, 10, 27));
  ASSERT_TRUE(cells);
  std::map<sys_days, model::DayCell> by_day;
  for (const auto& c : *cells) by_day[c.day] = c;
  EXPECT_EQ(by_day[day(2024, 3, 31)].minutes[static_cast<int>(Status::kFresh)], 23 * 60);
  // The gap between the two spells counts as fresh (the status last recorded), then 25 h of
  // error on 27 October.
  EXPECT_EQ(by_day[day(2024, 4, 15)].minutes[static_cast<int>(Status::kFresh)], 24 * 60);
  EXPECT_EQ(by_day[day(2024, 10, 27)].minutes[static_cast<int>(Status::kError)], 25 * 60);
  EXPECT_EQ(by_day[day(2024, 10, 27)].minutes[static_cast<int>(Status::kFresh)], 0);
  EXPECT_EQ(by_day[day(2024, 10, 27)].worst, Status::kError);
}

model::Observation change_seen(std::string key, std::string_view observed,
                               std::optional<std::string_view> changed, std::string error = "") {
  model::Observation o;
  o.asset_key = std::move(key);
  o.signal = "max(_loaded_at)";
  o.observed_at = at(observed);
  if (changed) o.changed_at = at(*changed);
  o.error = std::move(error);
  return o;
}

using KnownChanges = std::vector<std::pair<sys_days, core::TimePoint>>;

TEST_F(SqliteStoreTest, RollupKeepsTheNewestChangeKnownByTheEndOfEachDay) {
  auto store = open("Europe/Berlin");
  RunRecord run{.connection = "w", .finished_at = at("2024-06-04T10:00:00Z")};
  run.observations = {
      change_seen("k", "2024-06-02T08:00:00Z", "2024-06-01T20:00:00Z"),
      // Observed at 23:30 local on the 3rd, a change at 00:30 local on the 4th: known from the 4th.
      change_seen("k", "2024-06-03T21:30:00Z", "2024-06-03T22:30:00Z"),
      change_seen("k", "2024-06-04T09:00:00Z", "2024-06-02T00:00:00Z"),  // older: no new step
      change_seen("k", "2024-06-04T09:30:00Z", std::nullopt, "permission denied"),
  };
  ASSERT_TRUE(store->save_run(run));  // no status was ever recorded: changes are kept anyway

  auto known = store->known_changes("k", day(2024, 6, 1), day(2024, 6, 5));
  ASSERT_TRUE(known) << known.error().message;
  EXPECT_EQ(*known, (KnownChanges{{day(2024, 6, 2), at("2024-06-01T20:00:00Z")},
                                  {day(2024, 6, 4), at("2024-06-03T22:30:00Z")}}));
  // A range after the changes starts with the newest one known before it.
  auto later = store->known_changes("k", day(2024, 6, 5), day(2024, 6, 9));
  ASSERT_TRUE(later);
  EXPECT_EQ(*later, (KnownChanges{{day(2024, 6, 5), at("2024-06-03T22:30:00Z")}}));
  auto between = store->known_changes("k", day(2024, 6, 3), day(2024, 6, 4));
  ASSERT_TRUE(between);
  EXPECT_EQ(*between, (KnownChanges{{day(2024, 6, 3), at("2024-06-01T20:00:00Z")},
                                    {day(2024, 6, 4), at("2024-06-03T22:30:00Z")}}));
  EXPECT_TRUE(store->known_changes("other", day(2024, 6, 1), day(2024, 6, 5))->empty());
}

TEST_F(SqliteStoreTest, UpgradeFillsTheKnownChangesFromTheObservationsKept) {
  {
    auto store = open();
    RunRecord run{.connection = "w", .finished_at = at("2024-06-04T10:00:00Z")};
    run.observations = {change_seen("k", "2024-06-02T08:00:00Z", "2024-06-01T20:00:00Z"),
                        change_seen("k", "2024-06-04T09:00:00Z", "2024-06-04T07:00:00Z")};
    ASSERT_TRUE(store->save_run(run));
  }
  // A store of version 5: no daily_change yet.
  raw_exec(path(), "DROP TABLE daily_change; PRAGMA user_version = 5;");
  auto store = open();
  ASSERT_EQ(raw_int(path(), "PRAGMA user_version"), sqlite_schema_version());
  auto known = store->known_changes("k", day(2024, 6, 1), day(2024, 6, 5));
  ASSERT_TRUE(known) << known.error().message;
  EXPECT_EQ(*known, (KnownChanges{{day(2024, 6, 2), at("2024-06-01T20:00:00Z")},
                                  {day(2024, 6, 4), at("2024-06-04T07:00:00Z")}}));
}

TEST_F(SqliteStoreTest, WorstOfDayIsTheWorstHeldAtAnyMoment) {
  auto store = open();
  ASSERT_TRUE(store->record_statuses(one("k", Status::kFresh), at("2024-06-01T00:00:00Z")));
  ASSERT_TRUE(store->record_statuses(one("k", Status::kError), at("2024-06-01T10:00:00Z")));
  ASSERT_TRUE(store->record_statuses(one("k", Status::kFresh), at("2024-06-01T10:01:00Z")));
  ASSERT_TRUE(store->record_statuses(one("k", Status::kWarn), at("2024-06-01T12:00:00Z")));
  ASSERT_TRUE(store->record_statuses(one("k", Status::kFresh), at("2024-06-02T06:00:00Z")));
  ASSERT_TRUE(store->record_statuses(one("k", Status::kFresh), at("2024-06-03T06:00:00Z")));
  ASSERT_TRUE(store->record_statuses(one("k", Status::kUnknown), at("2024-06-03T07:00:00Z")));
  auto cells = store->history("k", day(2024, 6, 1), day(2024, 6, 3));
  ASSERT_TRUE(cells);
  ASSERT_EQ(cells->size(), 3u);
  const auto& d1 = (*cells)[0];
  EXPECT_EQ(d1.worst, Status::kError);
  EXPECT_EQ(d1.minutes, (std::array<std::uint16_t, 4>{10 * 60 + 119, 12 * 60, 1, 0}));
  const auto& d2 = (*cells)[1];
  EXPECT_EQ(d2.worst, Status::kWarn);  // warn from midnight until 06:00
  EXPECT_EQ(d2.minutes, (std::array<std::uint16_t, 4>{18 * 60, 6 * 60, 0, 0}));
  const auto& d3 = (*cells)[2];
  EXPECT_EQ(d3.worst, Status::kUnknown);  // unknown is worse than fresh
  EXPECT_EQ(d3.minutes, (std::array<std::uint16_t, 4>{7 * 60, 0, 0, 0}));
}

TEST_F(SqliteStoreTest, IntervalsOpenAndClose) {
  auto store = open();
  auto t0 = at("2024-06-01T00:00:00Z");
  std::vector<StatusRecord> both = {{"a", Status::kFresh, "changed today"},
                                    {"b", Status::kWarn, "3 days old"}};
  ASSERT_TRUE(store->record_statuses(both, t0));
  ASSERT_TRUE(store->record_statuses(both, t0 + 1h));  // no change: no new interval
  ASSERT_TRUE(store->record_statuses(one("a", Status::kError, "deadline missed"), t0 + 2h));
  ASSERT_TRUE(store->record_statuses(one("a", Status::kFresh, "changed"), t0 + 5h));

  auto a = store->intervals("a", t0 - 24h, t0 + 24h);
  ASSERT_TRUE(a);
  EXPECT_THAT(*a, ElementsAre(
                      model::StatusInterval{"a", Status::kFresh, t0, t0 + 2h, "changed today"},
                      model::StatusInterval{"a", Status::kError, t0 + 2h, t0 + 5h,
                                            "deadline missed"},
                      model::StatusInterval{"a", Status::kFresh, t0 + 5h, std::nullopt,
                                            "changed"}));
  // Overlap with [from, to): the error interval only.
  auto middle = store->intervals("a", t0 + 3h, t0 + 4h);
  ASSERT_TRUE(middle);
  ASSERT_EQ(middle->size(), 1u);
  EXPECT_EQ((*middle)[0].status, Status::kError);
  // Touching ends do not overlap.
  auto edge = store->intervals("a", t0 + 5h - 1us, t0 + 5h);
  ASSERT_TRUE(edge);
  ASSERT_EQ(edge->size(), 1u);
  EXPECT_EQ((*edge)[0].status, Status::kError);

  auto open = store->open_intervals();
  ASSERT_TRUE(open);
  EXPECT_THAT(*open,
              ElementsAre(model::StatusInterval{"a", Status::kFresh, t0 + 5h, std::nullopt,
                                                "changed"},
                          model::StatusInterval{"b", Status::kWarn, t0, std::nullopt,
                                                "3 days old"}));
  // Two statuses at the same instant: the second replaces the first.
  ASSERT_TRUE(store->record_statuses(one("c", Status::kUnknown), t0));
  ASSERT_TRUE(store->record_statuses(one("c", Status::kFresh, "now known"), t0));
  auto c = store->intervals("c", t0 - 1h, t0 + 1h);
  ASSERT_TRUE(c);
  EXPECT_THAT(*c, ElementsAre(model::StatusInterval{"c", Status::kFresh, t0, std::nullopt,
                                                    "now known"}));
}

TEST_F(SqliteStoreTest, SaveRunAppliesStatusesAtFinishedAt) {
  auto store = open();
  RunRecord r = run("w", at("2024-06-01T10:00:00Z"));
  r.statuses = {{"w:t", Status::kWarn, "old"}};
  ASSERT_TRUE(store->save_run(r));
  r.finished_at = at("2024-06-01T10:30:00Z");
  ASSERT_TRUE(store->save_run(r));
  auto cells = store->history("w:t", day(2024, 6, 1), day(2024, 6, 1));
  ASSERT_TRUE(cells);
  ASSERT_EQ(cells->size(), 1u);
  EXPECT_EQ((*cells)[0].minutes[static_cast<int>(Status::kWarn)], 30);
}

TEST_F(SqliteStoreTest, PruneKeepsTheLatestOfEachSignal) {
  auto store = open();
  auto t0 = at("2024-06-01T00:00:00Z");
  for (int i = 0; i < 5; ++i) {
    RunRecord r = run("w", t0 + i * 24h);
    r.observations = {observation("w:busy", t0 + i * 24h),
                      observation("w:busy", t0 + i * 24h, "pg_stat_user_tables")};
    if (i == 0) r.observations.push_back(observation("w:quiet", t0));
    ASSERT_TRUE(store->save_run(r));
  }
  auto deleted = store->prune_observations(t0 + 3 * 24h);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 6u);  // days 0..2 of both busy signals; quiet's only reading stays
  auto busy = store->observations("w:busy", 100);
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->size(), 4u);
  for (const auto& o : *busy) EXPECT_GE(o.observed_at, t0 + 3 * 24h);
  auto quiet = store->observations("w:quiet", 100);
  ASSERT_TRUE(quiet);
  EXPECT_EQ(quiet->size(), 1u);
  EXPECT_EQ(store->latest_observations()->size(), 3u);
  // Pruning everything still keeps each (asset, signal)'s latest.
  ASSERT_TRUE(store->prune_observations(t0 + 100 * 24h));
  EXPECT_EQ(store->observations("w:busy", 100)->size(), 2u);
}

TEST_F(SqliteStoreTest, SaveRunAppliesTheRetention) {
  auto store = open("UTC", std::chrono::days{7});
  auto t0 = at("2024-06-01T00:00:00Z");
  for (int i = 0; i <= 10; ++i) {
    RunRecord r = run("w", t0 + i * 24h);
    r.observations = {observation("w:t", t0 + i * 24h)};
    ASSERT_TRUE(store->save_run(r));
  }
  auto kept = store->observations("w:t", 100);
  ASSERT_TRUE(kept);
  // Days 3..10 remain: the last prune ran at day 10 with a cut-off of day 3.
  EXPECT_EQ(kept->size(), 8u);
  EXPECT_EQ(kept->back().observed_at, t0 + 3 * 24h);
}

TEST_F(SqliteStoreTest, UsersTokensAndSessions) {
  auto store = open();
  ASSERT_TRUE(store->put_user({"demo", "h1", "admin"}));
  ASSERT_TRUE(store->put_user({"demo", "h2", "viewer"}));  // update
  ASSERT_TRUE(store->put_user({"ann", "h3", "admin"}));
  auto users = store->list_users();
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].name, "ann");
  EXPECT_EQ((*users)[1].password_hash, "h2");
  EXPECT_EQ((*users)[1].role, "viewer");
  EXPECT_FALSE(store->find_user("nobody")->has_value());
  EXPECT_FALSE(store->put_user({"", "h", "admin"}));

  auto t0 = at("2024-06-01T00:00:00Z");
  ASSERT_TRUE(store->put_token({"ci", "abc123", t0}));
  ASSERT_TRUE(store->put_token({"ci", "def456", t0 + 1h}));
  auto token = store->find_token("abc123");
  ASSERT_TRUE(token);
  ASSERT_TRUE(token->has_value());
  EXPECT_EQ((*token)->name, "ci");
  EXPECT_EQ((*token)->created_at, t0);
  EXPECT_EQ(store->list_tokens()->size(), 2u);
  EXPECT_EQ(store->delete_token("ci"), true);
  EXPECT_EQ(store->delete_token("ci"), false);
  EXPECT_FALSE(store->find_token("abc123")->has_value());

  ASSERT_TRUE(store->put_session({"s1", "demo", t0 + 1h}));
  ASSERT_TRUE(store->put_session({"s2", "demo", t0 + 3h}));
  ASSERT_TRUE(store->put_session({"s3", "ann", t0 + 3h}));
  auto unknown_user = store->put_session({"s4", "nobody", t0});
  ASSERT_FALSE(unknown_user);
  EXPECT_EQ(unknown_user.error().code, ErrorCode::kNotFound);
  auto session = store->find_session("s1");
  ASSERT_TRUE(session);
  ASSERT_TRUE(session->has_value());
  EXPECT_EQ((*session)->user, "demo");
  EXPECT_EQ((*session)->expires_at, t0 + 1h);
  EXPECT_EQ(store->delete_expired_sessions(t0 + 1h), 1u);
  EXPECT_FALSE(store->find_session("s1")->has_value());
  ASSERT_TRUE(store->delete_session("s3"));
  EXPECT_FALSE(store->find_session("s3")->has_value());
  // Deleting a user ends their sessions.
  EXPECT_EQ(store->delete_user("demo"), true);
  EXPECT_FALSE(store->find_session("s2")->has_value());
  EXPECT_EQ(store->delete_user("demo"), false);
}

TEST_F(SqliteStoreTest, InMemoryDatabaseWorks) {
  auto store = open_sqlite({":memory:", "UTC"});
  ASSERT_TRUE(store) << store.error().message;
  RunRecord r = run("w", at("2024-06-01T00:00:00Z"));
  r.assets = {asset("w:t")};
  ASSERT_TRUE((*store)->save_run(r));
  EXPECT_EQ((*store)->assets()->size(), 1u);
}

// Reads run on their own connection while runs are written: every read sees whole runs only.
// Each run moves all assets' observations to the run's time, so a read that saw part of a run
// would find two different times.
TEST_F(SqliteStoreTest, ReadsNeverSeeHalfARun) {
  auto store = open();
  constexpr int kAssets = 200;
  constexpr int kRuns = 60;
  auto t0 = at("2024-06-01T00:00:00Z");
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 1; i <= kRuns; ++i) {
      RunRecord r = run("w", t0 + i * 1min);
      for (int a = 0; a < kAssets; ++a)
        r.observations.push_back(observation(fmt::format("w:t{}", a), r.finished_at));
      ASSERT_TRUE(store->save_run(r));
    }
    done = true;
  });
  int reads = 0;
  while (!done || reads == 0) {
    auto latest = store->latest_observations();
    ASSERT_TRUE(latest);
    ++reads;
    if (latest->empty()) continue;
    ASSERT_EQ(latest->size(), static_cast<std::size_t>(kAssets));
    for (const auto& o : *latest) ASSERT_EQ(o.observed_at, latest->front().observed_at);
  }
  writer.join();
  EXPECT_GT(reads, 0);
}

// ---- incidents and alert delivery ---------------------------------------------------------------

class IncidentStoreTest : public SqliteStoreTest {
 protected:
  static alerts::Incident incident(std::string root_key, core::TimePoint opened_at,
                                   std::string owner = "data-eng") {
    alerts::Incident i;
    i.id = fmt::format("{}@{}", root_key, opened_at.time_since_epoch().count());
    i.kind = alerts::IncidentKind::kStale;
    i.root = {root_key, "orders", std::move(owner), "no load for 30h", Status::kError,
              opened_at - 30h};
    i.impacted = {"dbt:model.shop.orders", "looker:dashboard.7"};
    i.opened_at = opened_at;
    return i;
  }
  static StoredEvent event(const alerts::Incident& i, std::int64_t sequence,
                           alerts::EventType type, core::TimePoint at) {
    return {sequence, {i.id, type, at, i.root.status, i.impacted.size()}};
  }
  static OutboxEntry entry(const alerts::Incident& i, const StoredEvent& e, std::string channel,
                           core::TimePoint due) {
    OutboxEntry o;
    o.notification = {fmt::format("{}/{}/{}", i.id, e.sequence, channel), channel, e.event, i,
                      "https://fw.example.com/assets/" + i.root.key};
    o.event_sequence = e.sequence;
    o.created_at = e.event.at;
    o.next_attempt_at = due;
    return o;
  }
  // Saves a newly opened incident with its event and one delivery per channel, due at `due`.
  static void open_one(Store& store, const alerts::Incident& i, std::vector<std::string> channels,
                       core::TimePoint due) {
    const StoredEvent e = event(i, 1, alerts::EventType::kOpened, i.opened_at);
    std::vector<OutboxEntry> outbox;
    for (auto& c : channels) outbox.push_back(entry(i, e, c, due));
    auto saved = store.save_incident_changes({&i, 1}, {&e, 1}, outbox);
    ASSERT_TRUE(saved) << saved.error().message;
  }
};

void expect_same_incident(const alerts::Incident& a, const alerts::Incident& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.root.key, b.root.key);
  EXPECT_EQ(a.root.name, b.root.name);
  EXPECT_EQ(a.root.owner, b.root.owner);
  EXPECT_EQ(a.root.reason, b.root.reason);
  EXPECT_EQ(a.root.status, b.root.status);
  EXPECT_EQ(a.root.changed_at, b.root.changed_at);
  EXPECT_EQ(a.impacted, b.impacted);
  EXPECT_EQ(a.opened_at, b.opened_at);
  EXPECT_EQ(a.resolved_at, b.resolved_at);
  EXPECT_EQ(a.acknowledged_at, b.acknowledged_at);
  EXPECT_EQ(a.snoozed_until, b.snoozed_until);
  EXPECT_EQ(a.last_notified_at, b.last_notified_at);
}

TEST_F(IncidentStoreTest, IncidentsTimelinesAndOutboxRoundTripAndSurviveAReopen) {
  const auto t0 = at("2024-05-01T06:00:00Z");
  alerts::Incident i = incident("warehouse:raw.public.orders", t0);
  i.last_notified_at = t0;
  alerts::Incident unknown = incident("dbt_cloud", t0 + 1min, "");
  unknown.kind = alerts::IncidentKind::kUnknown;
  unknown.root.status = Status::kUnknown;
  unknown.root.changed_at.reset();
  unknown.impacted.clear();
  {
    auto store = open();
    open_one(*store, i, {"data-team", "hooks"}, t0);
    open_one(*store, unknown, {"data-team"}, t0 + 1min);
  }
  auto store = open();  // everything is read back from the file
  auto open_now = store->open_incidents();
  ASSERT_TRUE(open_now) << open_now.error().message;
  ASSERT_EQ(open_now->size(), 2u);
  expect_same_incident((*open_now)[0], i);
  expect_same_incident((*open_now)[1], unknown);

  auto detail = store->incident(i.id);
  ASSERT_TRUE(detail) << detail.error().message;
  ASSERT_TRUE(detail->has_value());
  expect_same_incident((*detail)->incident, i);
  ASSERT_EQ((*detail)->timeline.size(), 1u);
  EXPECT_EQ((*detail)->timeline[0].sequence, 1);
  EXPECT_EQ((*detail)->timeline[0].event.type, alerts::EventType::kOpened);
  EXPECT_EQ((*detail)->timeline[0].event.at, t0);
  EXPECT_EQ((*detail)->timeline[0].event.status, Status::kError);
  EXPECT_EQ((*detail)->timeline[0].event.impacted_count, 2u);
  EXPECT_TRUE((*detail)->deliveries.empty());
  ASSERT_EQ((*detail)->pending.size(), 2u);
  const OutboxEntry& p = (*detail)->pending[0];
  EXPECT_EQ(p.notification.delivery_id, i.id + "/1/data-team");
  EXPECT_EQ(p.notification.channel, "data-team");
  EXPECT_EQ(p.notification.url, "https://fw.example.com/assets/warehouse:raw.public.orders");
  EXPECT_EQ(p.notification.event.incident_id, i.id);
  EXPECT_EQ(p.notification.event.type, alerts::EventType::kOpened);
  EXPECT_EQ(p.notification.event.impacted_count, 2u);
  expect_same_incident(p.notification.incident, i);
  EXPECT_EQ(p.event_sequence, 1);
  EXPECT_EQ(p.created_at, t0);
  EXPECT_EQ(p.next_attempt_at, t0);
  EXPECT_EQ(p.attempts, 0);
  EXPECT_EQ((*detail)->pending[1].notification.channel, "hooks");

  auto missing = store->incident("nope");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());

  // Resolving replaces the incident and adds to its timeline; the notification keeps the
  // incident as it was at its event.
  alerts::Incident resolved = i;
  resolved.root.status = Status::kFresh;
  resolved.resolved_at = t0 + 2h;
  const StoredEvent e2 = event(resolved, 2, alerts::EventType::kResolved, t0 + 2h);
  const OutboxEntry o2 = entry(resolved, e2, "data-team", t0 + 2h);
  ASSERT_TRUE(store->save_incident_changes({&resolved, 1}, {&e2, 1}, {&o2, 1}));
  open_now = store->open_incidents();
  ASSERT_EQ(open_now->size(), 1u);
  EXPECT_EQ((*open_now)[0].id, unknown.id);
  detail = store->incident(i.id);
  expect_same_incident((*detail)->incident, resolved);
  ASSERT_EQ((*detail)->timeline.size(), 2u);
  EXPECT_EQ((*detail)->timeline[1].event.type, alerts::EventType::kResolved);
  ASSERT_EQ((*detail)->pending.size(), 3u);
  EXPECT_FALSE((*detail)->pending[0].notification.incident.resolved_at);  // .../1/data-team
  EXPECT_EQ((*detail)->pending[2].notification.incident.resolved_at, t0 + 2h);  // .../2/data-team
}

TEST_F(IncidentStoreTest, AFailedSaveOfIncidentChangesWritesNothing) {
  const auto t0 = at("2024-05-01T06:00:00Z");
  auto store = open();
  const alerts::Incident i = incident("warehouse:raw.public.orders", t0);
  const StoredEvent e = event(i, 1, alerts::EventType::kOpened, t0);
  // The second outbox entry repeats the first's delivery id.
  const std::vector<OutboxEntry> twice = {entry(i, e, "data-team", t0), entry(i, e, "data-team", t0)};
  auto saved = store->save_incident_changes({&i, 1}, {&e, 1}, twice);
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code, ErrorCode::kConflict);
  EXPECT_THAT(saved.error().message, HasSubstr(i.id + "/1/data-team"));
  // An entry for an event that is not stored.
  const StoredEvent unsaved = event(i, 7, alerts::EventType::kUpdated, t0);
  const OutboxEntry orphan = entry(i, unsaved, "hooks", t0);
  saved = store->save_incident_changes({&i, 1}, {&e, 1}, {&orphan, 1});
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code, ErrorCode::kConflict);
  // An event numbered 0.
  const StoredEvent zero = event(i, 0, alerts::EventType::kOpened, t0);
  saved = store->save_incident_changes({&i, 1}, {&zero, 1}, {});
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code, ErrorCode::kInvalidArgument);

  EXPECT_TRUE(store->open_incidents()->empty());
  EXPECT_FALSE(store->incident(i.id)->has_value());
  EXPECT_TRUE(store->due_deliveries(t0 + 24h, 100)->empty());
  EXPECT_EQ(raw_int(path(), "SELECT count(*) FROM incident_events"), 0);

  // And the same event saved twice is refused without touching the first.
  open_one(*store, i, {"data-team"}, t0);
  saved = store->save_incident_changes({&i, 1}, {&e, 1}, {});
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code, ErrorCode::kConflict);
  EXPECT_EQ((*store->incident(i.id))->timeline.size(), 1u);
  EXPECT_EQ(store->due_deliveries(t0, 100)->size(), 1u);
}

TEST_F(IncidentStoreTest, DueDeliveriesComeLongestDueFirstAndAttemptsBackOff) {
  const auto t0 = at("2024-05-01T06:00:00Z");
  auto store = open();
  const alerts::Incident a = incident("warehouse:raw.public.a", t0);
  const alerts::Incident b = incident("warehouse:raw.public.b", t0 - 1min);
  const alerts::Incident c = incident("warehouse:raw.public.c", t0 + 1min);
  open_one(*store, a, {"hooks"}, t0);
  open_one(*store, b, {"hooks"}, t0 - 1min);
  open_one(*store, c, {"hooks"}, t0 + 1min);

  auto due = store->due_deliveries(t0, 10);
  ASSERT_TRUE(due) << due.error().message;
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].notification.incident.id, b.id);
  EXPECT_EQ((*due)[1].notification.incident.id, a.id);
  EXPECT_EQ(store->due_deliveries(t0, 1)->size(), 1u);

  // b fails twice (backing off 30 s, then 60 s), then is delivered; a fails for good.
  const std::string id = (*due)[0].notification.delivery_id;
  ASSERT_TRUE(store->record_attempt(
      id, {t0, DeliveryOutcome::kFailed, 503, "HTTP 503 from https://bot:hunter2@ops.example.com"},
      t0 + 30s));
  due = store->due_deliveries(t0 + 29s, 10);
  ASSERT_EQ(due->size(), 1u);  // only a; b waits, and does not hold a back
  EXPECT_EQ((*due)[0].notification.incident.id, a.id);
  due = store->due_deliveries(t0 + 30s, 10);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].notification.incident.id, a.id);
  EXPECT_EQ((*due)[1].notification.delivery_id, id);
  EXPECT_EQ((*due)[1].attempts, 1);
  EXPECT_EQ((*due)[1].next_attempt_at, t0 + 30s);
  ASSERT_TRUE(store->record_attempt(id, {t0 + 30s, DeliveryOutcome::kFailed, std::nullopt,
                                         "connection refused"},
                                    t0 + 90s));
  EXPECT_EQ(store->due_deliveries(t0 + 89s, 10)->size(), 2u);  // a and c
  due = store->due_deliveries(t0 + 90s, 10);
  ASSERT_EQ(due->size(), 3u);
  EXPECT_EQ((*due)[2].notification.delivery_id, id);
  EXPECT_EQ((*due)[2].attempts, 2);
  ASSERT_TRUE(store->record_attempt(id, {t0 + 90s, DeliveryOutcome::kDelivered, 200, ""},
                                    std::nullopt));
  const std::string gone = a.id + "/1/hooks";
  ASSERT_TRUE(store->record_attempt(gone, {t0 + 91s, DeliveryOutcome::kFailed, 400, "bad request"},
                                    std::nullopt));
  due = store->due_deliveries(t0 + 24h, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].notification.incident.id, c.id);

  auto again = store->record_attempt(id, {t0 + 2min, DeliveryOutcome::kDelivered, 200, ""},
                                     std::nullopt);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  auto contradictory = store->record_attempt(
      c.id + "/1/hooks", {t0 + 2min, DeliveryOutcome::kDelivered, 200, ""}, t0 + 3min);
  ASSERT_FALSE(contradictory);
  EXPECT_EQ(contradictory.error().code, ErrorCode::kInvalidArgument);

  auto detail = store->incident(b.id);
  ASSERT_TRUE(detail && detail->has_value());
  const auto& log = (*detail)->deliveries;
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].attempt, 1);
  EXPECT_EQ(log[0].channel, "hooks");
  EXPECT_EQ(log[0].incident_id, b.id);
  EXPECT_EQ(log[0].result.http_status, 503);
  EXPECT_EQ(log[0].result.outcome, DeliveryOutcome::kFailed);
  EXPECT_THAT(log[0].result.error, HasSubstr("ops.example.com"));
  EXPECT_THAT(log[0].result.error, Not(HasSubstr("hunter2")));
  EXPECT_EQ(log[0].next_attempt_at, t0 + 30s);
  EXPECT_EQ(log[1].attempt, 2);
  EXPECT_FALSE(log[1].result.http_status);
  EXPECT_EQ(log[1].result.error, "connection refused");
  EXPECT_EQ(log[2].attempt, 3);
  EXPECT_EQ(log[2].result.outcome, DeliveryOutcome::kDelivered);
  EXPECT_EQ(log[2].result.at, t0 + 90s);
  EXPECT_FALSE(log[2].next_attempt_at);
  EXPECT_TRUE((*detail)->pending.empty());

  // The log and the outbox survive a reopen.
  store.reset();
  store = open();
  EXPECT_EQ((*store->incident(b.id))->deliveries.size(), 3u);
  EXPECT_EQ((*store->incident(a.id))->deliveries.size(), 1u);
  EXPECT_EQ(store->due_deliveries(t0 + 24h, 10)->size(), 1u);
}

TEST_F(IncidentStoreTest, AcknowledgeAndSnoozeSurviveTheTrackersOlderCopy) {
  const auto t0 = at("2024-05-01T06:00:00Z");
  auto store = open();
  alerts::Incident i = incident("warehouse:raw.public.orders", t0);
  open_one(*store, i, {"hooks"}, t0);

  ASSERT_TRUE(store->acknowledge(i.id, t0 + 1h));
  ASSERT_TRUE(store->acknowledge(i.id, t0 + 2h));  // the first acknowledgement stands
  ASSERT_TRUE(store->snooze(i.id, t0 + 8h));
  auto unknown = store->acknowledge("nope", t0);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store->snooze("nope", t0).error().code, ErrorCode::kNotFound);

  auto detail = store->incident(i.id);
  EXPECT_EQ((*detail)->incident.acknowledged_at, t0 + 1h);
  EXPECT_EQ((*detail)->incident.snoozed_until, t0 + 8h);

  // A change made from a copy read before the acknowledgement keeps it.
  i.impacted.push_back("looker:tile.9");
  const StoredEvent e = event(i, 2, alerts::EventType::kUpdated, t0 + 3h);
  ASSERT_TRUE(store->save_incident_changes({&i, 1}, {&e, 1}, {}));
  detail = store->incident(i.id);
  EXPECT_EQ((*detail)->incident.impacted.size(), 3u);
  EXPECT_EQ((*detail)->incident.acknowledged_at, t0 + 1h);
  EXPECT_EQ((*detail)->incident.snoozed_until, t0 + 8h);

  // Snoozing again moves the time, earlier too.
  ASSERT_TRUE(store->snooze(i.id, t0 + 4h));
  store.reset();
  store = open();
  detail = store->incident(i.id);
  EXPECT_EQ((*detail)->incident.snoozed_until, t0 + 4h);
  EXPECT_EQ((*detail)->incident.acknowledged_at, t0 + 1h);
}

TEST_F(IncidentStoreTest, IncidentsAreFilteredByStateStatusOwnerAndConnection) {
  const auto t0 = at("2024-05-01T06:00:00Z");
  auto store = open();
  alerts::Incident old_resolved = incident("warehouse:raw.public.a", t0, "finance");
  old_resolved.resolved_at = t0 + 1h;
  old_resolved.root.status = Status::kFresh;
  alerts::Incident warn = incident("warehouse:raw.public.b", t0 + 1h, "finance");
  warn.root.status = Status::kWarn;
  alerts::Incident other = incident("lake:events.clicks", t0 + 2h, "web");
  for (const auto* i : {&old_resolved, &warn, &other}) open_one(*store, *i, {}, t0);

  auto ids = [&](const IncidentFilter& f) {
    std::vector<std::string> out;
    auto found = store->incidents(f);
    EXPECT_TRUE(found) << found.error().message;
    if (found)
      for (const auto& i : *found) out.push_back(i.id);
    return out;
  };
  EXPECT_THAT(ids({}), ElementsAre(other.id, warn.id, old_resolved.id));  // open first, newest
  EXPECT_THAT(ids({.state = IncidentState::kOpen}), ElementsAre(other.id, warn.id));
  EXPECT_THAT(ids({.state = IncidentState::kResolved}), ElementsAre(old_resolved.id));
  EXPECT_THAT(ids({.status = Status::kWarn}), ElementsAre(warn.id));
  EXPECT_THAT(ids({.owner = "finance"}), ElementsAre(warn.id, old_resolved.id));
  EXPECT_THAT(ids({.connection = "lake"}), ElementsAre(other.id));
  EXPECT_THAT(ids({.connection = "warehouse", .limit = 1}), ElementsAre(warn.id));
}

}  // namespace
}  // namespace freshwatch::store
