#include "cli/demo_looker.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "cli/common.h"
#include "cli/demo_dbt.h"
#include "config/load.h"
#include "connectors/looker/sql_tables.h"
#include "core/time.h"
#include "http/server.h"
#include "store/rollup.h"
#include "store/sqlite/sqlite_store.h"
#include "support/process.h"

namespace freshwatch::cli {
namespace {

using namespace std::chrono_literals;
namespace dom = simdjson::dom;

DemoOptions demo_options() {
  DemoOptions o;
  o.dir = "/nonexistent";
  o.now = *core::parse_timestamp("2024-05-10T12:00:00Z");
  return o;
}

const DemoTable& table(const std::vector<DemoTable>& tables, const std::string& qualified) {
  for (const auto& t : tables)
    if (t.schema + "." + t.name == qualified) return t;
  ADD_FAILURE() << "no demo table " << qualified;
  static const DemoTable kNone;
  return kNone;
}

TEST(DemoLookerPlan, FoldersDashboardsAndLooks) {
  const auto o = demo_options();
  const auto c = plan_demo_looker(o, plan_demo_tables(o));
  std::map<std::string, std::string> path;  // folder id -> "Shared/Sales/EMEA"
  for (const auto& f : c.folders) {
    std::string p = f.name;
    for (std::string parent = f.parent_id; !parent.empty();) {
      auto it = std::find_if(c.folders.begin(), c.folders.end(),
                             [&](const DemoLookerFolder& x) { return x.id == parent; });
      ASSERT_NE(it, c.folders.end());
      p = it->name + "/" + p;
      parent = it->parent_id;
    }
    path[f.id] = p;
  }
  std::vector<std::string> paths;
  for (const auto& [id, p] : path) paths.push_back(p);
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, (std::vector<std::string>{"Shared", "Shared/Finance", "Shared/Operations",
                                             "Shared/Sales", "Shared/Sales/EMEA", "Users",
                                             "Users/Demo User"}));

  auto personal = [&](const std::string& folder) { return path[folder].starts_with("Users"); };
  int shared = 0;
  std::map<DemoTileKind, int> kinds;
  for (const auto& d : c.dashboards) {
    if (personal(d.folder_id)) continue;
    ++shared;
    EXPECT_GE(d.tiles.size(), 3u) << d.title;
    EXPECT_LE(d.tiles.size(), 6u) << d.title;
    for (const auto& t : d.tiles) {
      ++kinds[t.kind];
      switch (t.kind) {
        case DemoTileKind::kQuery: EXPECT_NE(c.query(t.ref), nullptr) << t.id; break;
        case DemoTileKind::kLook:
          ASSERT_NE(c.look(t.ref), nullptr) << t.id;
          EXPECT_NE(c.query(c.look(t.ref)->query_id), nullptr) << t.id;
          break;
        case DemoTileKind::kMerge:
          ASSERT_NE(c.merge(t.ref), nullptr) << t.id;
          EXPECT_GE(c.merge(t.ref)->query_ids.size(), 2u);
          for (const auto& q : c.merge(t.ref)->query_ids) EXPECT_NE(c.query(q), nullptr);
          break;
        case DemoTileKind::kText: EXPECT_FALSE(t.ref.empty()); break;
      }
    }
  }
  EXPECT_GE(shared, 4);
  EXPECT_LE(shared, 6);
  EXPECT_GE(kinds[DemoTileKind::kLook], 1);
  EXPECT_GE(kinds[DemoTileKind::kText], 1);
  EXPECT_GE(kinds[DemoTileKind::kMerge], 1);
  EXPECT_TRUE(std::any_of(c.dashboards.begin(), c.dashboards.end(), [&](const auto& d) {
    return personal(d.folder_id);
  })) << "a personal dashboard, left out by default";
  EXPECT_GE(c.looks.size(), 3u);
  for (const auto& q : c.queries) EXPECT_NE(c.explore(q.explore), nullptr) << q.id;

  // Usage: one dashboard nobody opened in 60 days, the others recently.
  for (const auto& d : c.dashboards) {
    ASSERT_TRUE(d.usage.last_viewed_at && d.usage.last_accessed_at && d.usage.view_count);
    if (d.id == c.unused_dashboard_id)
      EXPECT_LT(*d.usage.last_viewed_at, o.now - 60 * 24h);
    else
      EXPECT_GT(*d.usage.last_viewed_at, o.now - 60 * 24h) << d.title;
  }
  EXPECT_FALSE(personal(c.dashboard(c.unused_dashboard_id)->folder_id));
}

// Each query's SQL reads exactly the demo tables it says, as the connector's SQL reader finds
// them, written as PostgreSQL quotes them; one reads through a derived table.
TEST(DemoLookerPlan, GeneratedSqlReadsTheDemoTables) {
  const auto o = demo_options();
  const auto tables = plan_demo_tables(o);
  const auto c = plan_demo_looker(o, tables);
  bool derived = false;
  for (const auto& q : c.queries) {
    const auto read =
        connectors::looker::tables_in_sql(q.sql, connectors::looker::Dialect::kPostgres);
    EXPECT_TRUE(read.problems.empty()) << q.sql;
    std::vector<std::string> found;
    for (const auto& t : read.tables) {
      ASSERT_FALSE(t.parts.empty());
      // Tables in the connection's default schema (main) are written without it.
      const std::string name =
          t.parts.size() == 1 ? c.schema + "." + t.parts[0] : t.parts[0] + "." + t.parts[1];
      EXPECT_EQ(t.parts.size() == 1 ? true : t.quoted[0] && t.quoted[1], true) << q.sql;
      found.push_back(name);
      (void)table(tables, name);
      if (!t.via.empty()) derived = true;
    }
    auto expected = q.tables;
    std::sort(found.begin(), found.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(found, expected) << q.sql;
  }
  EXPECT_TRUE(derived) << "one query reads through a WITH clause";
  const auto* q = c.query("21");
  ASSERT_NE(q, nullptr);
  EXPECT_TRUE(q->sql.starts_with("WITH emea_orders AS (")) << q->sql;
}

// One dashboard is stale: it reads the oldest finance table, loaded days ago; every other
// dashboard reads only tables loaded today (in the demo's time zone), whatever the time of day.
TEST(DemoLookerPlan, OneStaleDashboardTheOthersReadOnlyTodaysTables) {
  for (const char* now : {"2024-05-10T12:00:00Z", "2024-05-09T22:05:00Z", "2024-05-10T03:30:00Z"}) {
    DemoOptions o = demo_options();
    o.now = *core::parse_timestamp(now);
    const auto tables = plan_demo_tables(o);
    const auto c = plan_demo_looker(o, tables);
    EXPECT_EQ(c.stale_table, "finance.payroll_summary");
    EXPECT_LT(table(tables, c.stale_table).changed_at, o.now - 30 * 24h);
    const auto* zone = *core::find_zone(o.timezone);
    const auto midnight = store::day_start(store::local_day(o.now, *zone), *zone);
    for (const auto& d : c.dashboards) {
      const auto read = c.tables_of(d);
      ASSERT_FALSE(read.empty()) << d.title;
      const bool stale = std::find(read.begin(), read.end(), c.stale_table) != read.end();
      EXPECT_EQ(stale, d.id == c.stale_dashboard_id) << d.title << " at " << now;
      if (d.id == c.stale_dashboard_id) continue;
      for (const auto& t : read)
        EXPECT_GE(table(tables, t).changed_at, midnight)
            << d.title << " reads " << t << " at " << now;
    }
  }
}

// The synthetic history covers the BI layer: every tile and Look has days of statuses, judged on
// the oldest of its inputs, and today's agrees with the data now.
void check_history_at(const char* now) {
  SCOPED_TRACE(now);
  testing::TempDir dir;
  DemoOptions o = demo_options();
  o.dir = dir.path();
  o.now = *core::parse_timestamp(now);
  const auto tables = plan_demo_tables(o);
  const auto content = plan_demo_looker(o, tables);
  const auto consumers = demo_looker_consumers(content);
  auto loaded = config::load_string(demo_config(o, demo_looker_config("http://127.0.0.1:1")),
                                    (dir / "freshwatch.yml").string());
  const date::time_zone* zone = *core::find_zone(o.timezone);
  const auto evaluate = make_evaluator(make_policies(loaded.config), zone);
  store::SqliteOptions so;
  so.path = (dir / "freshwatch.db").string();
  so.timezone = o.timezone;
  auto store = store::open_sqlite(so);
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE(backfill_demo_history(**store, o, tables, evaluate, 90, consumers));

  // Tiles of the shared dashboards except text ones, and the shared Looks.
  EXPECT_EQ(consumers.size(), 15u + 3u);
  const auto today = store::local_day(o.now, *zone);
  int past_days = 0, troubled_days = 0;
  std::map<std::string, model::Status> now_status;
  for (const auto& c : consumers) {
    ASSERT_FALSE(c.inputs.empty()) << c.asset.key;
    std::optional<core::TimePoint> oldest;
    for (const auto& input : c.inputs) {
      const auto& t = table(tables, input);
      if (!oldest || t.changed_at < *oldest) oldest = t.changed_at;
    }
    model::Observation obs;
    obs.asset_key = c.asset.key;
    obs.observed_at = o.now;
    obs.changed_at = oldest;
    const auto expected = evaluate(c.asset, std::span(&obs, 1), o.now).status;
    auto cells = (*store)->history(c.asset.key, today - date::days(90), today);
    ASSERT_TRUE(cells) << cells.error().message;
    ASSERT_FALSE(cells->empty()) << c.asset.key;
    EXPECT_EQ(cells->back().day, today);
    EXPECT_EQ(cells->back().worst, expected) << c.asset.key;
    now_status[c.asset.key] = cells->back().worst;
    for (const auto& cell : *cells)
      if (cell.day < today && cell.has_data) {
        ++past_days;
        troubled_days += cell.worst != model::Status::kFresh;
      }
  }
  EXPECT_EQ(now_status["looker:dashboard/3/tile/301"], model::Status::kError);
  EXPECT_EQ(now_status["looker:look/3"], model::Status::kError);
  EXPECT_EQ(now_status["looker:dashboard/1/tile/101"], model::Status::kFresh);
  EXPECT_EQ(now_status["looker:dashboard/1/tile/103"], model::Status::kFresh);
  EXPECT_FALSE(now_status.contains("looker:dashboard/1/tile/104")) << "text tiles carry no data";
  EXPECT_FALSE(now_status.contains("looker:dashboard/6/tile/601"))
      << "personal content is left out";
  EXPECT_GT(past_days, 18 * 80);
  EXPECT_GT(troubled_days, 0);
}

TEST(DemoLookerHistory, TilesAndLooksHaveHistoryJudgedOnTheirInputs) {
  // Midday, before the finance deadline, and just before midnight after a DST change.
  for (const char* now : {"2024-05-10T12:00:00Z", "2024-05-10T03:10:00Z", "2024-10-28T22:50:00Z"})
    check_history_at(now);
}

// The demo's collection with its BI layer: the looker connector reads the stand-in over HTTP on
// loopback, its tables are the warehouse's, one dashboard is stale because of the old table it
// reads, the others are fresh.
TEST(DemoLookerCollection, DashboardsTilesAndTheirTables) {
  testing::TempDir dir;
  DemoOptions o = demo_options();
  o.dir = dir.path();
  const auto tables = plan_demo_tables(o);
  ASSERT_TRUE(write_demo_warehouse(o, tables));
  ASSERT_TRUE(write_demo_dbt(o, tables));
  DemoLookerApi looker(plan_demo_looker(o, tables));
  http::ServerOptions so;
  so.listen = "127.0.0.1:0";
  http::Server server(so, [&looker](const http::Request& r) { return looker.handle(r); });
  auto port = server.start();
  ASSERT_TRUE(port) << port.error().message;
  {
    std::ofstream f(dir / "freshwatch.yml");
    f << demo_config(o, demo_looker_config(fmt::format("http://127.0.0.1:{}", *port)));
  }
  auto config = load_config((dir / "freshwatch.yml").string());
  ASSERT_TRUE(config);
  core::FakeClock clock(o.now);
  auto runtime = wire(std::move(*config), clock, StoreUse::kNone);
  ASSERT_TRUE(runtime) << runtime.error().message;
  auto& engine = *(*runtime)->engine;
  ASSERT_TRUE(engine.collect_once());
  const auto snap = engine.evaluate_at(o.now);
  for (const auto& c : snap.connections) {
    EXPECT_EQ(c.error, "") << c.name;
    if (c.name == kDemoLookerConnection) EXPECT_TRUE(c.warnings.empty()) << c.warnings.front();
  }
  EXPECT_EQ(looker.logins(), 1);

  auto find = [&](const std::string& key) {
    const auto* a = snap.find(key);
    EXPECT_NE(a, nullptr) << key;
    return a;
  };
  // Folders, nested, without the personal ones.
  for (const char* f : {"1", "2", "3", "4", "5"}) find(std::string("looker:folder/") + f);
  ASSERT_NE(find("looker:folder/3"), nullptr);
  EXPECT_EQ(find("looker:folder/3")->asset->parent, "looker:folder/2");
  EXPECT_EQ(snap.find("looker:folder/7"), nullptr);
  EXPECT_EQ(snap.find("looker:dashboard/6"), nullptr) << "a personal dashboard";
  EXPECT_EQ(snap.find("looker:look/4"), nullptr) << "a personal Look";
  // Dashboards, their tiles and Looks.
  int dashboards = 0, tiles = 0, looks = 0;
  for (const auto& a : snap.assets) {
    if (a.asset->connection != kDemoLookerConnection) continue;
    dashboards += a.asset->kind == model::AssetKind::kDashboard;
    tiles += a.asset->kind == model::AssetKind::kTile;
    looks += a.asset->kind == model::AssetKind::kLook;
  }
  EXPECT_EQ(dashboards, 5);
  EXPECT_EQ(tiles, 15) << "text tiles carry no data";
  EXPECT_EQ(looks, 3);
  const auto* look_tile = find("looker:dashboard/1/tile/103");
  ASSERT_NE(look_tile, nullptr);
  EXPECT_EQ(look_tile->asset->name, "Top orders this week");
  const auto* text_tile = snap.find("looker:dashboard/1/tile/104");
  EXPECT_TRUE(!text_tile || text_tile->evaluation.status != model::Status::kUnknown);
  // The tables Looker reads are the warehouse's own.
  const auto* orders = find("looker:table/demo_warehouse/sales.orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(orders->asset->key, "demo:sales.orders");
  const auto* etl = find("looker:table/demo_warehouse/main.etl_runs");
  ASSERT_NE(etl, nullptr);
  EXPECT_EQ(etl->asset->key, "demo:main.etl_runs");

  // The stale dashboard, from its tile on the old payroll summary.
  const auto* stale = find("looker:dashboard/3");
  ASSERT_NE(stale, nullptr);
  EXPECT_TRUE(stale->evaluation.status == model::Status::kWarn ||
              stale->evaluation.status == model::Status::kError)
      << stale->evaluation.reason;
  EXPECT_EQ(stale->data_time_from, "demo:finance.payroll_summary");
  const auto* tile = find("looker:dashboard/3/tile/301");
  ASSERT_NE(tile, nullptr);
  EXPECT_EQ(tile->evaluation.status, model::Status::kError) << tile->evaluation.reason;
  EXPECT_EQ(tile->data_time_from, "demo:finance.payroll_summary");
  EXPECT_NE(
      std::find(tile->root_causes.begin(), tile->root_causes.end(), "demo:finance.payroll_summary"),
      tile->root_causes.end());
  // The others are fresh: the derived table's, the merged results' and the Look's tiles too.
  for (const char* key :
       {"looker:dashboard/1", "looker:dashboard/2", "looker:dashboard/4", "looker:dashboard/5",
        "looker:dashboard/2/tile/201", "looker:dashboard/2/tile/202", "looker:look/1"}) {
    const auto* a = find(key);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->evaluation.status, model::Status::kFresh) << key << ": " << a->evaluation.reason;
  }
  const auto* unused = find("looker:dashboard/5");
  ASSERT_NE(unused, nullptr);
  ASSERT_TRUE(unused->asset->usage && unused->asset->usage->last_viewed_at);
  EXPECT_LT(*unused->asset->usage->last_viewed_at, o.now - 60 * 24h);
  server.stop();
}

class DemoLookerApiTest : public ::testing::Test {
 protected:
  DemoLookerApiTest() : api_(plan_demo_looker(demo_options(), plan_demo_tables(demo_options()))) {}

  http::Response call(std::string method, std::string target, std::string body = {},
                      std::string content_type = {}, std::string auth = {}) {
    method_ = std::move(method);
    target_ = std::move(target);
    body_ = std::move(body);
    type_ = std::move(content_type);
    auth_ = std::move(auth);
    http::Request r;
    r.method = method_;
    r.target = target_;
    r.body = body_;
    r.content_type = type_;
    r.authorization = auth_;
    return api_.handle(r);
  }
  http::Response get(std::string target) { return call("GET", std::move(target), {}, {}, token_); }

  std::string login() {
    auto r = call("POST", "/api/4.0/login", "client_id=demo-client&client_secret=demo-secret",
                  "application/x-www-form-urlencoded");
    EXPECT_EQ(r.status, 200);
    dom::element root = parser_.parse(std::string(r.body));
    return "token " + std::string(std::string_view(root["access_token"]));
  }

  dom::element parse(const http::Response& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    return parser_.parse(std::string(r.body));
  }

  DemoLookerApi api_;
  dom::parser parser_;
  std::string token_;
  std::string method_, target_, body_, type_, auth_;
};

TEST_F(DemoLookerApiTest, LoginWithTheFormBodyAndTokens) {
  EXPECT_EQ(get("/api/4.0/folders").status, 401);
  EXPECT_EQ(call("POST", "/api/4.0/login", "client_id=demo-client&client_secret=wrong",
                 "application/x-www-form-urlencoded")
                .status,
            404)
      << "Looker answers 404 to a wrong key";
  EXPECT_EQ(
      call("POST", "/api/4.0/login", R"({"client_id":"demo-client"})", "application/json").status,
      400);
  token_ = login();
  EXPECT_TRUE(token_.starts_with("token demo-"));
  EXPECT_EQ(api_.logins(), 1);
  auto r = get("/api/4.0/folders?fields=id,name");
  EXPECT_EQ(r.status, 200);
  token_ = "token forged";
  EXPECT_EQ(get("/api/4.0/folders").status, 401);
  token_ = "Bearer " + login().substr(6);
  EXPECT_EQ(get("/api/4.0/folders").status, 401) << "Looker's scheme is `token`";
}

TEST_F(DemoLookerApiTest, SearchIsPagedAndObjectsAreWhole) {
  token_ = login();
  std::vector<std::string> ids;
  for (int offset = 0;; offset += 4) {
    auto page = parse(get(fmt::format(
        "/api/4.0/dashboards/search?deleted=false&sorts=id&fields=id%2Ctitle&limit=4&offset={}",
        offset)));
    dom::array items = page;
    for (dom::element d : items) ids.emplace_back(std::string_view(d["id"]));
    if (items.size() < 4) break;
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"1", "2", "3", "4", "5", "6"}));
  dom::array none = parse(get("/api/4.0/dashboards/search?deleted=true"));
  EXPECT_EQ(none.size(), 0u);
  dom::array looks = parse(get("/api/4.0/looks/search?deleted=false&limit=100&offset=0"));
  ASSERT_EQ(looks.size(), 4u);
  dom::element look = looks.at(0);
  EXPECT_EQ(std::string_view(look["query_id"]), "13");
  EXPECT_EQ(std::int64_t(look["view_count"]), 312);
  EXPECT_EQ(std::string_view(look["last_viewed_at"]), "2024-05-10T07:00:00Z");

  dom::array folders = parse(get("/api/4.0/folders"));
  ASSERT_EQ(folders.size(), 7u);
  EXPECT_TRUE(bool(folders.at(5)["is_users_root"]));
  EXPECT_TRUE(bool(folders.at(6)["is_personal"]));
  EXPECT_TRUE(folders.at(0)["parent_id"].is_null());

  // A dashboard with its tiles: a query tile, a Look tile, a text tile.
  dom::element d = parse(get("/api/4.0/dashboards/1?fields=id,dashboard_elements(id)"));
  EXPECT_EQ(std::string_view(d["title"]), "Sales Overview");
  dom::array tiles = d["dashboard_elements"];
  ASSERT_EQ(tiles.size(), 4u);
  EXPECT_EQ(std::string_view(tiles.at(0)["query"]["model"]), "shop");
  EXPECT_EQ(std::string_view(tiles.at(0)["query"]["view"]), "orders");
  EXPECT_EQ(std::string_view(tiles.at(0)["query_id"]), "11");
  EXPECT_EQ(std::string_view(tiles.at(2)["look"]["query"]["id"]), "13");
  EXPECT_TRUE(tiles.at(2)["title"].is_null()) << "named after its Look";
  EXPECT_EQ(std::string_view(tiles.at(3)["type"]), "text");
  EXPECT_TRUE(tiles.at(3)["query_id"].is_null());
  dom::element merged = parse(get("/api/4.0/dashboards/2"))["dashboard_elements"].at(1);
  EXPECT_EQ(std::string_view(merged["merge_result_id"]), "1");
  EXPECT_EQ(get("/api/4.0/dashboards/99").status, 404);
}

TEST_F(DemoLookerApiTest, QueriesSqlMergesExploresAndConnections) {
  token_ = login();
  dom::element q = parse(get("/api/4.0/queries/22?fields=id,model,view"));
  EXPECT_EQ(std::string_view(q["view"]), "orders");
  auto sql = get("/api/4.0/queries/21/run/sql");
  EXPECT_EQ(sql.status, 200);
  EXPECT_EQ(sql.content_type, "text/plain");
  EXPECT_TRUE(sql.body.starts_with("WITH emea_orders AS (")) << sql.body;
  EXPECT_NE(sql.body.find(R"(FROM "sales"."orders" AS orders)"), std::string_view::npos);
  EXPECT_EQ(get("/api/4.0/queries/999/run/sql").status, 404);

  dom::element m = parse(get("/api/4.0/merge_queries/1?fields=id,source_queries(query_id)"));
  dom::array sources = m["source_queries"];
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(std::string_view(sources.at(1)["query_id"]), "23");

  dom::element x = parse(get("/api/4.0/lookml_models/shop/explores/orders"));
  EXPECT_EQ(std::string_view(x["connection_name"]), "demo_warehouse");
  EXPECT_EQ(std::string_view(x["dialect_name"]), "postgres");
  EXPECT_EQ(std::string_view(x["sql_table_name"]), R"("sales"."orders" AS orders)");
  EXPECT_EQ(dom::array(x["joins"]).size(), 2u);
  EXPECT_EQ(get("/api/4.0/lookml_models/other/explores/orders").status, 404);

  dom::element conn = parse(get("/api/4.0/connections/demo_warehouse?fields=name,database"));
  EXPECT_EQ(std::string_view(conn["dialect_name"]), "postgres");
  EXPECT_EQ(std::string_view(conn["schema"]), "main");
  EXPECT_EQ(std::string_view(conn["database"]), "");
  EXPECT_EQ(get("/api/4.0/connections/other").status, 404);
  // Links to the content open a page saying what it is.
  auto page = call("GET", "/dashboards/3");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<h1>Dashboard: Finance Close</h1>"), std::string_view::npos);
  EXPECT_NE(page.body.find("<li>Look: Payroll by department</li>"), std::string_view::npos);
  EXPECT_EQ(call("GET", "/looks/1").status, 200);
  EXPECT_EQ(call("GET", "/folders/3").status, 200);
  EXPECT_EQ(call("GET", "/dashboards/99").status, 404);
  auto unknown = get("/api/4.0/nothing");
  EXPECT_EQ(unknown.status, 404);
  dom::element error = parser_.parse(std::string(unknown.body));
  EXPECT_EQ(std::string_view(error["message"]), "Not found");
}

}  // namespace
}  // namespace freshwatch::cli
