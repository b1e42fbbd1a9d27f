#include "http/api.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "core/time.h"
#include "http/auth.h"
#include "http/encoding.h"
#include "http/synthetic.h"
#include "net/url.h"
#include "store/sqlite/sqlite_store.h"

namespace freshwatch::http {
namespace {

std::unique_ptr<store::Store> sqlite_memory_store() {
  return store::open_sqlite({.path = ":memory:"}).value();
}

using namespace std::chrono_literals;
using model::AssetKind;
using model::Status;

const core::TimePoint kNow = std::chrono::time_point_cast<core::Duration>(
    date::sys_days(date::year(2026) / 11 / 26) + 10h + 28min + 45s);

model::AssetState asset(std::string key, std::string name, AssetKind kind, std::string parent,
                        Status status = Status::kUnknown,
                        std::optional<core::Duration> age = std::nullopt) {
  model::AssetState a;
  model::Asset& a_asset = own_asset(a);
  a_asset.key = std::move(key);
  a_asset.name = std::move(name);
  a_asset.kind = kind;
  a_asset.parent = std::move(parent);
  a_asset.connection = "wh";
  a.evaluation.status = status;
  if (age) {
    a.evaluation.age = *age;
    a.evaluation.changed_at = kNow - *age;
  }
  return a;
}

// A small warehouse: wh → wh:db → wh:db.public → six leaves.
std::shared_ptr<const model::Snapshot> fixed_snapshot(std::uint64_t version = 7) {
  model::Snapshot s;
  s.version = version;
  s.generated_at = kNow;
  s.timezone = "UTC";
  s.today = date::floor<date::days>(kNow);
  s.assets.push_back(asset("wh", "wh", AssetKind::kConnection, ""));
  s.assets.push_back(asset("wh:db", "db", AssetKind::kDatabase, "wh"));
  s.assets.push_back(asset("wh:db.public", "public", AssetKind::kSchema, "wh:db"));
  auto orders = asset("wh:db.public.orders", "orders", AssetKind::kTable, "wh:db.public",
                      Status::kFresh, 1h);
  model::Asset& orders_asset = own_asset(orders);
  orders_asset.owner = "data-eng";
  orders_asset.tags = {"daily"};
  orders_asset.description = "One row per order";
  orders.evaluation.policy = "default";
  orders.evaluation.signal = "max(_loaded_at)";
  orders.evaluation.reason = "changed today";
  model::Observation o;
  o.asset_key = orders.asset->key;
  o.observed_at = kNow - 5min;
  o.changed_at = kNow - 1h;
  o.signal = "max(_loaded_at)";
  o.evidence = "max(_loaded_at) = 2026-11-26T09:28:45Z";
  o.row_count = 42;
  orders.observations.push_back(o);
  o.signal = "pg_stat_user_tables";
  o.row_count.reset();
  orders.observations.push_back(o);
  orders.data_time = kNow - 3h;
  orders.data_time_from = "wh:db.public.raw_orders";
  s.assets.push_back(orders);
  auto customers = asset("wh:db.public.customers", "customers", AssetKind::kTable, "wh:db.public",
                         Status::kWarn, 72h);
  model::Asset& customers_asset = own_asset(customers);
  customers_asset.owner = "finance";
  customers_asset.tags = {"PII", "daily"};
  s.assets.push_back(customers);
  auto events = asset("wh:db.public.events", "events", AssetKind::kTable, "wh:db.public",
                      Status::kError, 200 * 24h);
  own_asset(events).owner = "data-eng";
  s.assets.push_back(events);
  auto ghost = asset("wh:db.public.ghost", "ghost", AssetKind::kTable, "wh:db.public");
  ghost.evaluation.error = "permission denied for table ghost";
  s.assets.push_back(ghost);
  auto revenue = asset("wh:db.public.revenue", "revenue", AssetKind::kView, "wh:db.public",
                       Status::kFresh, 2h);
  revenue.impacted = true;
  revenue.root_causes = {"wh:db.public.customers"};
  s.assets.push_back(revenue);
  auto quoted = asset("wh:db.public.\"Odd\"/name", "\"Odd\"/name", AssetKind::kTable,
                      "wh:db.public", Status::kFresh, 30min);
  s.assets.push_back(quoted);
  s.edges.push_back({"wh:db.public.customers", "wh:db.public.revenue", "join on customer_id"});
  s.edges.push_back({"wh:db.public.orders", "wh:db.public.revenue"});
  model::ConnectionState cs;
  cs.name = "wh";
  cs.type = "postgres";
  cs.last_run = kNow - 3min;
  cs.asset_count = 6;
  s.connections.push_back(cs);
  finish_snapshot(s);
  // orders: 90 days, the first without data, warn the day before today.
  s.history_days = 90;
  s.history_cells.assign(s.assets.size() * 90, {});
  const auto orders_at = static_cast<std::size_t>(s.find("wh:db.public.orders") - s.assets.data());
  for (std::size_t d = 0; d < 90; ++d)
    s.history_cells[orders_at * 90 + d] = {d == 88 ? Status::kWarn : Status::kFresh, d != 0};
  return std::make_shared<const model::Snapshot>(std::move(s));
}

simdjson::dom::element parse(simdjson::dom::parser& parser, std::string_view body) {
  auto result = parser.parse(simdjson::padded_string(body));
  EXPECT_FALSE(result.error()) << "not JSON: " << body;
  return result.value();
}

std::vector<std::string> keys_of(simdjson::dom::element items) {
  std::vector<std::string> out;
  for (auto item : items.get_array()) out.emplace_back(std::string_view(item["key"]));
  return out;
}

class ApiTest : public ::testing::Test {
 protected:
  ApiTest() : clock_(kNow) {
    options_.policy_for = [](const model::Asset& a) -> std::optional<model::Policy> {
      if (a.key != "wh:db.public.orders") return std::nullopt;
      return model::Policy{"orders-hourly", model::ThresholdRule{2h, 6h}, "freshwatch.yml:14:5"};
    };
    api_ = std::make_unique<Api>(options_, [this] { return snapshot_; }, *store_, clock_);
    token_ = *create_token(*store_, "test", clock_);
    auth_ = "Bearer " + token_;
  }

  Response get(std::string target, std::string_view extra_if_none_match = "",
               std::string_view accept_encoding = "") {
    targets_.push_back(std::move(target));
    Request r;
    r.method = "GET";
    r.target = targets_.back();
    r.authorization = auth_;
    r.if_none_match = extra_if_none_match;
    r.accept_encoding = accept_encoding;
    return api_->handle(r);
  }

  std::shared_ptr<const model::Snapshot> snapshot_ = fixed_snapshot();
  std::unique_ptr<store::Store> store_ = sqlite_memory_store();
  core::FakeClock clock_;
  ApiOptions options_;
  std::unique_ptr<Api> api_;
  std::string token_, auth_;
  std::deque<std::string> targets_;
  simdjson::dom::parser parser_;
};

TEST_F(ApiTest, AnonymousRequestsAreRefusedWithAProblem) {
  for (std::string target : {"/api/v1/summary", "/api/v1/assets", "/api/v1/tree",
                             "/api/v1/session", "/api/v2/summary.json", "/api/v1/openapi.yaml",
                             "/api/v1/nothing"}) {
    Request r;
    r.method = "GET";
    r.target = target;
    Response res = api_->handle(r);
    EXPECT_EQ(res.status, 401) << target;
    EXPECT_EQ(res.content_type, "application/problem+json");
    auto doc = parse(parser_, res.body);
    EXPECT_EQ(int64_t(doc["status"]), 401);
    EXPECT_EQ(std::string_view(doc["title"]), "Unauthorized");
    EXPECT_FALSE(res.header("WWW-Authenticate").empty());
  }
  Request bad;
  bad.method = "GET";
  bad.target = "/api/v1/summary";
  bad.authorization = "Bearer fw_not-a-token";
  EXPECT_EQ(api_->handle(bad).status, 401);
}

TEST_F(ApiTest, HealthReadinessAndUiShellNeedNoCredentials) {
  Request r;
  r.method = "GET";
  r.target = "/healthz";
  EXPECT_EQ(api_->handle(r).status, 200);
  r.target = "/readyz";
  EXPECT_EQ(api_->handle(r).status, 200);
  r.target = "/";
  Response ui = api_->handle(r);
  EXPECT_EQ(ui.status, 200);
  EXPECT_TRUE(ui.content_type.starts_with("text/html"));
  r.target = "/some/client/route";
  EXPECT_EQ(api_->handle(r).status, 200);

  snapshot_ = nullptr;
  r.target = "/readyz";
  EXPECT_EQ(api_->handle(r).status, 503);
  r.target = "/healthz";
  EXPECT_EQ(api_->handle(r).status, 200);
  EXPECT_EQ(get("/api/v1/summary").status, 503);
}

TEST_F(ApiTest, PublishedViewsAreServedWithoutASource) {
  // No snapshot source: the Api serves what publish() hands it, built before it is served.
  Api api(options_, nullptr, *store_, clock_);
  Request r;
  r.method = "GET";
  r.target = "/readyz";
  EXPECT_EQ(api.handle(r).status, 503) << "nothing published yet";
  r.target = "/api/v1/summary";
  r.authorization = auth_;
  EXPECT_EQ(api.handle(r).status, 503);

  api.publish(fixed_snapshot(7));
  r.target = "/readyz";
  EXPECT_EQ(api.handle(r).status, 200);
  r.target = "/api/v1/summary";
  Response first = api.handle(r);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(int64_t(parse(parser_, first.body)["version"]), 7);

  api.publish(fixed_snapshot(8));
  Response second = api.handle(r);
  EXPECT_EQ(int64_t(parse(parser_, second.body)["version"]), 8);
  EXPECT_NE(first.header("ETag"), second.header("ETag")) << "a new view, a new cache";
}

TEST_F(ApiTest, ViewBuilderPublishesTheNewestSnapshotHandedToIt) {
  Api api(options_, nullptr, *store_, clock_);
  ViewBuilder views(api);
  Request r;
  r.method = "GET";
  r.target = "/api/v1/summary";
  r.authorization = auth_;
  views.hand(fixed_snapshot(7));
  ASSERT_TRUE(views.wait_for_published(1, std::chrono::seconds(10)));
  EXPECT_EQ(int64_t(parse(parser_, api.handle(r).body)["version"]), 7);

  // Handed faster than built: the ones superseded meanwhile may be skipped, the last is served.
  for (std::uint64_t v = 8; v <= 12; ++v) views.hand(fixed_snapshot(v));
  std::int64_t served = 0;
  for (std::uint64_t n = 2; n <= 6 && served != 12; ++n) {
    ASSERT_TRUE(views.wait_for_published(n, std::chrono::seconds(10)));
    served = int64_t(parse(parser_, api.handle(r).body)["version"]);
  }
  EXPECT_EQ(served, 12);
  EXPECT_LE(views.published(), 6u);
}

TEST_F(ApiTest, Summary) {
  Response res = get("/api/v1/summary");
  ASSERT_EQ(res.status, 200);
  auto doc = parse(parser_, res.body);
  EXPECT_EQ(std::string_view(doc["overall"]), "error");
  EXPECT_EQ(std::string_view(doc["message"]), "3 assets need attention: 1 stale, 1 late, 1 without data");
  EXPECT_EQ(int64_t(doc["counts"]["total"]), 6);
  EXPECT_EQ(int64_t(doc["counts"]["fresh"]), 3);
  EXPECT_EQ(int64_t(doc["version"]), 7);
  EXPECT_EQ(int64_t(doc["impacted"]), 1);
  EXPECT_EQ(std::string_view(doc["generated_at"]), "2026-11-26T10:28:45Z");
  EXPECT_EQ(std::string_view(doc["connections"].at(0)["name"]), "wh");
  EXPECT_TRUE(doc["connections"].at(0)["next_run"].is_null());
  EXPECT_EQ(doc["connections"].at(0)["warnings"].get_array().size(), 0u) << "always an array";
}

TEST_F(ApiTest, SummaryShowsConnectionWarnings) {
  auto s = std::make_shared<model::Snapshot>(*fixed_snapshot(8));
  s->connections[0].warnings = {
      "stale artifacts: manifest.json is not valid JSON; serving the state read at "
      "2026-11-26T09:00:00Z",
      "run_results.json: unknown \"version\""};
  snapshot_ = s;
  auto doc = parse(parser_, get("/api/v1/summary").body);
  auto warnings = doc["connections"].at(0)["warnings"].get_array();
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(std::string_view(warnings.at(0)),
            "stale artifacts: manifest.json is not valid JSON; serving the state read at "
            "2026-11-26T09:00:00Z");
  EXPECT_EQ(std::string_view(warnings.at(1)), "run_results.json: unknown \"version\"");
  EXPECT_TRUE(doc["connections"].at(0)["error"].is_null()) << "a warning is not an error";
}

TEST_F(ApiTest, AssetSummaryShape) {
  auto doc = parse(parser_, get("/api/v1/assets?q=orders").body);
  ASSERT_EQ(int64_t(doc["total"]), 1);
  auto a = doc["items"].at(0);
  EXPECT_EQ(std::string_view(a["key"]), "wh:db.public.orders");
  EXPECT_EQ(std::string_view(a["kind"]), "table");
  EXPECT_EQ(std::string_view(a["parent"]), "wh:db.public");
  EXPECT_EQ(std::string_view(a["status"]), "fresh");
  EXPECT_EQ(int64_t(a["age_seconds"]), 3600);
  EXPECT_EQ(std::string_view(a["changed_at"]), "2026-11-26T09:28:45Z");
  EXPECT_EQ(std::string_view(a["signal"]), "max(_loaded_at)");
  EXPECT_TRUE(a["error"].is_null());
  EXPECT_EQ(std::string_view(a["data_time"]), "2026-11-26T07:28:45Z");
  EXPECT_EQ(std::string_view(a["data_time_from"]), "wh:db.public.raw_orders");
  EXPECT_TRUE(a["usage"].is_null()) << "only dashboards and Looks have usage";
  EXPECT_EQ(int64_t(a["counts"]["fresh"]), 1);
  auto history = a["history"].get_array();
  ASSERT_EQ(history.size(), 90u);
  EXPECT_TRUE(history.at(0).is_null()) << "a day without data is null, never fresh";
  EXPECT_EQ(std::string_view(history.at(88)), "warn");
  EXPECT_EQ(std::string_view(history.at(89)), "fresh");
}

TEST_F(ApiTest, Filters) {
  auto keys = [&](std::string target) {
    return keys_of(parse(parser_, get(std::move(target)).body)["items"]);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(keys("/api/v1/assets?status=warn,error&leaves=true"),
            (V{"wh:db.public.customers", "wh:db.public.events"}));
  EXPECT_EQ(keys("/api/v1/assets?q=pii"), (V{"wh:db.public.customers"})) << "tags are searched";
  EXPECT_EQ(keys("/api/v1/assets?q=FINANCE"), (V{"wh:db.public.customers"})) << "owners too";
  EXPECT_EQ(keys("/api/v1/assets?owner=data-eng"),
            (V{"wh:db.public.events", "wh:db.public.orders"}));
  EXPECT_EQ(keys("/api/v1/assets?tag=daily&status=fresh"), (V{"wh:db.public.orders"}));
  EXPECT_EQ(keys("/api/v1/assets?kind=view"), (V{"wh:db.public.revenue"}));
  EXPECT_EQ(keys("/api/v1/assets?parent=wh"), (V{"wh:db"}));
  EXPECT_EQ(keys("/api/v1/assets?status=error"),
            (V{"wh:db", "wh:db.public.events", "wh:db.public", "wh"}))
      << "containers carry the worst status of their leaves";
  EXPECT_EQ(keys("/api/v1/assets?under=wh:db&kind=schema"), (V{"wh:db.public"}));
  EXPECT_EQ(keys("/api/v1/assets?connection=other").size(), 0u);
  EXPECT_EQ(keys("/api/v1/assets?impacted=true"), (V{"wh:db.public.revenue"}));
  EXPECT_EQ(int64_t(parse(parser_, get("/api/v1/assets?impacted=true").body)["total"]), 1);
  EXPECT_EQ(keys("/api/v1/assets?impacted=false&leaves=true&kind=view").size(), 0u);
  EXPECT_EQ(int64_t(parse(parser_, get("/api/v1/assets?impacted=false&leaves=true").body)["total"]),
            5);
  auto all = parse(parser_, get("/api/v1/assets").body);
  EXPECT_EQ(int64_t(all["total"]), 9);
  auto leaves = parse(parser_, get("/api/v1/assets?leaves=true&parent=wh%3Adb.public").body);
  EXPECT_EQ(int64_t(leaves["total"]), 6);
}

// A BI connection: dashboards and Looks with their usage, tiles, a folder.
std::shared_ptr<const model::Snapshot> bi_snapshot() {
  model::Snapshot s;
  s.version = 3;
  s.generated_at = kNow;
  s.today = date::floor<date::days>(kNow);
  s.assets.push_back(asset("lk", "lk", AssetKind::kConnection, ""));
  s.assets.push_back(asset("lk:f", "Sales", AssetKind::kFolder, "lk"));
  auto dashboard = [&](std::string key, std::string name, std::optional<model::Usage> usage,
                       core::Duration age) {
    auto d = asset(key, std::move(name), AssetKind::kDashboard, "lk:f");
    own_asset(d).usage = std::move(usage);
    s.assets.push_back(std::move(d));
    s.assets.push_back(asset(key + ".t", "tile", AssetKind::kTile, key, Status::kFresh, age));
  };
  dashboard("lk:d.daily", "Daily", model::Usage{kNow - 2 * 24h, kNow - 2 * 24h, 310}, 1h);
  dashboard("lk:d.old", "Old", model::Usage{kNow - 40 * 24h, std::nullopt, 3}, 3h);
  dashboard("lk:d.never", "Never opened", model::Usage{}, 2h);
  dashboard("lk:d.quiet", "No usage reported", std::nullopt, 30min);
  auto look = asset("lk:look.7", "Orders by day", AssetKind::kLook, "lk:f", Status::kFresh, 5h);
  own_asset(look).usage = model::Usage{kNow - 8 * 24h, kNow - 9 * 24h, 12};
  s.assets.push_back(look);
  finish_snapshot(s);
  return std::make_shared<const model::Snapshot>(std::move(s));
}

TEST_F(ApiTest, DashboardsAndLooksCarryUsage) {
  snapshot_ = bi_snapshot();
  auto doc = parse(parser_, get("/api/v1/assets/lk%3Ad.old").body);
  auto usage = doc["asset"]["usage"];
  EXPECT_EQ(std::string_view(usage["last_accessed_at"]), "2026-10-17T10:28:45Z");
  EXPECT_TRUE(usage["last_viewed_at"].is_null());
  EXPECT_EQ(int64_t(usage["view_count"]), 3);
  auto quiet = parse(parser_, get("/api/v1/assets/lk%3Ad.quiet").body)["asset"]["usage"];
  EXPECT_TRUE(quiet["last_accessed_at"].is_null()) << "a dashboard always has the object";
  EXPECT_TRUE(quiet["view_count"].is_null());
  auto look = parse(parser_, get("/api/v1/assets/lk%3Alook.7").body)["asset"]["usage"];
  EXPECT_EQ(int64_t(look["view_count"]), 12);
  EXPECT_TRUE(parse(parser_, get("/api/v1/assets/lk%3Ad.old.t").body)["asset"]["usage"].is_null());
}

TEST_F(ApiTest, UnusedDaysListsDashboardsAndLooksNobodyOpened) {
  snapshot_ = bi_snapshot();
  auto keys = [&](std::string target) {
    return keys_of(parse(parser_, get(std::move(target)).body)["items"]);
  };
  using V = std::vector<std::string>;
  // Sorted by name as any list; never opened (null) counts as unused.
  EXPECT_EQ(keys("/api/v1/assets?unused_days=30"),
            (V{"lk:d.never", "lk:d.quiet", "lk:d.old"}));
  EXPECT_EQ(keys("/api/v1/assets?unused_days=7"),
            (V{"lk:d.never", "lk:d.quiet", "lk:d.old", "lk:look.7"}));
  EXPECT_EQ(keys("/api/v1/assets?unused_days=1"),
            (V{"lk:d.daily", "lk:d.never", "lk:d.quiet", "lk:d.old", "lk:look.7"}));
  EXPECT_EQ(keys("/api/v1/assets?unused_days=41"), (V{"lk:d.never", "lk:d.quiet"}));
  // The list's sort and other filters still apply.
  EXPECT_EQ(keys("/api/v1/assets?unused_days=7&sort=-name"),
            (V{"lk:look.7", "lk:d.old", "lk:d.quiet", "lk:d.never"}));
  EXPECT_EQ(keys("/api/v1/assets?unused_days=7&kind=look"), (V{"lk:look.7"}));
  EXPECT_EQ(int64_t(parse(parser_, get("/api/v1/assets?unused_days=30").body)["total"]), 3);
}

TEST_F(ApiTest, SortByStalenessPutsUnknownLast) {
  auto keys = [&](std::string target) {
    return keys_of(parse(parser_, get(std::move(target)).body)["items"]);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(keys("/api/v1/assets?leaves=true&sort=staleness"),
            (V{"wh:db.public.events", "wh:db.public.customers", "wh:db.public.revenue",
               "wh:db.public.orders", "wh:db.public.\"Odd\"/name", "wh:db.public.ghost"}));
  EXPECT_EQ(keys("/api/v1/assets?leaves=true&sort=-staleness"),
            (V{"wh:db.public.\"Odd\"/name", "wh:db.public.orders", "wh:db.public.revenue",
               "wh:db.public.customers", "wh:db.public.events", "wh:db.public.ghost"}));
  EXPECT_EQ(keys("/api/v1/assets?leaves=true&sort=-name").front(), "wh:db.public.revenue");
  EXPECT_EQ(keys("/api/v1/assets?parent=wh:db.public&sort=staleness").back(), "wh:db.public.ghost");
}

TEST_F(ApiTest, CursorPaginationVisitsEveryAssetOnce) {
  std::vector<std::string> seen;
  std::string target = "/api/v1/assets?leaves=true&sort=staleness&limit=4";
  int pages = 0;
  while (true) {
    auto doc = parse(parser_, get(target).body);
    EXPECT_EQ(int64_t(doc["total"]), 6);
    for (auto& k : keys_of(doc["items"])) seen.push_back(k);
    ++pages;
    if (doc["next_cursor"].is_null()) break;
    target = "/api/v1/assets?leaves=true&sort=staleness&limit=4&cursor=" +
             std::string(std::string_view(doc["next_cursor"]));
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(seen, keys_of(parse(parser_, get("/api/v1/assets?leaves=true&sort=staleness").body)["items"]));
}

TEST_F(ApiTest, BadParametersAreProblems) {
  for (std::string target :
       {"/api/v1/assets?status=stale", "/api/v1/assets?limit=0", "/api/v1/assets?limit=1001",
        "/api/v1/assets?limit=ten", "/api/v1/assets?sort=age", "/api/v1/assets?cursor=%%%",
        "/api/v1/assets?kind=spreadsheet", "/api/v1/assets?impacted=maybe",
        "/api/v1/assets?unused_days=0", "/api/v1/assets?unused_days=3651",
        "/api/v1/assets?unused_days=week",
        "/api/v1/assets/wh%3Adb.public.orders/history?days=0",
        "/api/v1/assets/wh%3Adb.public.orders/history?days=366",
        "/api/v1/assets/wh%3Adb.public.orders/lineage?depth=x"}) {
    Response res = get(target);
    EXPECT_EQ(res.status, 400) << target;
    EXPECT_EQ(res.content_type, "application/problem+json");
    auto doc = parse(parser_, res.body);
    EXPECT_FALSE(std::string_view(doc["detail"]).empty());
  }
  Response missing = get("/api/v1/assets/wh%3Anope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(std::string(missing.body).find("no asset 'wh:nope'"), std::string::npos);
  EXPECT_EQ(get("/api/v1/assets?parent=nope").status, 404);
  EXPECT_EQ(get("/api/v1/unknown").status, 404);
  Request post;
  post.method = "POST";
  post.target = "/api/v1/summary";
  post.authorization = auth_;
  Response res = api_->handle(post);
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.header("Allow"), "GET, HEAD");
}

TEST_F(ApiTest, SharedBodiesHaveEtagsAnd304) {
  for (std::string target : {"/api/v1/summary", "/api/v1/assets?status=warn", "/api/v1/tree",
                             "/api/v2/summary.json"}) {
    Response first = get(target);
    ASSERT_EQ(first.status, 200);
    std::string etag(first.header("ETag"));
    ASSERT_FALSE(etag.empty()) << target;
    EXPECT_EQ(etag.front(), '"') << "strong ETag";
    Response again = get(target, etag);
    EXPECT_EQ(again.status, 304) << target;
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(again.header("ETag"), etag);
    EXPECT_EQ(get(target, "\"stale\"").status, 200);
  }
  // Equivalent queries share one cached body.
  Response a = get("/api/v1/assets?status=warn,error&limit=100");
  Response b = get("/api/v1/assets?status=error,warn");
  EXPECT_EQ(a.body.data(), b.body.data());
}

TEST_F(ApiTest, GzipWhenAccepted) {
  Response plain = get("/api/v1/assets");
  EXPECT_TRUE(plain.header("Content-Encoding").empty());
  Response gz = get("/api/v1/assets", "", "gzip, br");
  ASSERT_EQ(gz.header("Content-Encoding"), "gzip");
  EXPECT_EQ(gz.header("Vary"), "Accept-Encoding");
  EXPECT_EQ(gunzip(gz.body), plain.body);
  EXPECT_NE(gz.header("ETag"), plain.header("ETag"));
  EXPECT_EQ(get("/api/v1/assets", std::string(gz.header("ETag")), "gzip").status, 304);
  EXPECT_TRUE(get("/api/v1/assets", "", "gzip;q=0").header("Content-Encoding").empty());
}

TEST_F(ApiTest, ANewSnapshotReplacesCachedBodies) {
  Response before = get("/api/v1/summary");
  std::string etag(before.header("ETag"));
  snapshot_ = fixed_snapshot(8);
  Response after = get("/api/v1/summary", etag);
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(int64_t(parse(parser_, after.body)["version"]), 8);
}

TEST_F(ApiTest, AssetDetail) {
  Response res = get("/api/v1/assets/wh%3Adb.public.orders");
  ASSERT_EQ(res.status, 200) << res.body;
  // warn from 48 h ago, fresh from 24 h ago on
  const store::StatusRecord late[] = {{"wh:db.public.orders", Status::kWarn, "late"}};
  const store::StatusRecord ok[] = {{"wh:db.public.orders", Status::kFresh, "ok"}};
  ASSERT_TRUE(store_->record_statuses(late, kNow - 48h));
  ASSERT_TRUE(store_->record_statuses(ok, kNow - 24h));
  snapshot_ = fixed_snapshot(8);  // the detail is cached per snapshot: new rows come with a new one
  auto doc = parse(parser_, get("/api/v1/assets/wh%3Adb.public.orders").body);
  EXPECT_EQ(std::string_view(doc["asset"]["description"]), "One row per order");
  EXPECT_TRUE(doc["asset"]["url"].is_null());
  EXPECT_EQ(std::string_view(doc["policy"]["name"]), "orders-hourly");
  EXPECT_EQ(std::string_view(doc["policy"]["origin"]), "freshwatch.yml:14:5");
  EXPECT_EQ(std::string_view(doc["policy"]["rule"]["type"]), "threshold");
  EXPECT_EQ(int64_t(doc["policy"]["rule"]["warn_after_seconds"]), 7200);
  auto obs = doc["observations"].get_array();
  ASSERT_EQ(obs.size(), 2u);
  EXPECT_TRUE(bool(obs.at(0)["decided"]));
  EXPECT_FALSE(bool(obs.at(1)["decided"]));
  EXPECT_EQ(int64_t(obs.at(0)["row_count"]), 42);
  EXPECT_TRUE(obs.at(1)["row_count"].is_null());
  auto intervals = doc["intervals"].get_array();
  ASSERT_EQ(intervals.size(), 2u);
  EXPECT_EQ(std::string_view(intervals.at(0)["status"]), "warn");
  EXPECT_TRUE(intervals.at(1)["to"].is_null());
  auto ancestors = doc["ancestors"].get_array();
  ASSERT_EQ(ancestors.size(), 3u);
  EXPECT_EQ(std::string_view(ancestors.at(0)["key"]), "wh") << "root first";
  EXPECT_EQ(keys_of(doc["downstream"]), std::vector<std::string>{"wh:db.public.revenue"});

  EXPECT_EQ(doc["root_paths"].get_array().size(), 0u);
  EXPECT_TRUE(doc["asset"]["data_time_from"].is_string());

  auto revenue = parse(parser_, get("/api/v1/assets/wh%3Adb.public.revenue").body);
  EXPECT_EQ(keys_of(revenue["root_causes"]), std::vector<std::string>{"wh:db.public.customers"});
  // The path up to each root cause: this asset first, each hop with the via of its link up.
  auto paths = revenue["root_paths"].get_array();
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_EQ(std::string_view(paths.at(0)["root"]), "wh:db.public.customers");
  auto hops = paths.at(0)["hops"].get_array();
  ASSERT_EQ(hops.size(), 2u);
  EXPECT_EQ(std::string_view(hops.at(0)["key"]), "wh:db.public.revenue");
  EXPECT_EQ(std::string_view(hops.at(0)["kind"]), "view");
  EXPECT_EQ(std::string_view(hops.at(0)["status"]), "fresh");
  EXPECT_EQ(std::string_view(hops.at(0)["via"]), "join on customer_id");
  EXPECT_EQ(std::string_view(hops.at(1)["name"]), "customers");
  EXPECT_EQ(std::string_view(hops.at(1)["status"]), "warn");
  EXPECT_TRUE(hops.at(1)["via"].is_null());
  EXPECT_EQ(keys_of(revenue["upstream"]).size(), 2u);
  EXPECT_TRUE(revenue["policy"]["rule"].is_null());

  auto schema = parse(parser_, get("/api/v1/assets/wh%3Adb.public").body);
  EXPECT_EQ(keys_of(schema["children"]).size(), 6u);

  // Keys with quotes and slashes round-trip through percent-encoding.
  Response odd = get("/api/v1/assets/wh%3Adb.public.%22Odd%22%2Fname");
  ASSERT_EQ(odd.status, 200);
  EXPECT_EQ(std::string_view(parse(parser_, odd.body)["asset"]["name"]), "\"Odd\"/name");
}

// wh → wh:db → wh:db.big with `tables` tables t0000, t0001, ...
std::shared_ptr<const model::Snapshot> big_schema_snapshot(int tables) {
  model::Snapshot s;
  s.version = 3;
  s.generated_at = kNow;
  s.timezone = "UTC";
  s.today = date::floor<date::days>(kNow);
  s.assets.push_back(asset("wh", "wh", AssetKind::kConnection, ""));
  s.assets.push_back(asset("wh:db", "db", AssetKind::kDatabase, "wh"));
  s.assets.push_back(asset("wh:db.big", "big", AssetKind::kSchema, "wh:db"));
  for (int t = 0; t < tables; ++t) {
    std::string name = fmt::format("t{:04}", t);
    s.assets.push_back(asset("wh:db.big." + name, name, AssetKind::kTable, "wh:db.big",
                             Status::kFresh, 1h));
  }
  finish_snapshot(s);
  return std::make_shared<const model::Snapshot>(std::move(s));
}

TEST_F(ApiTest, ContainerDetailEmbedsOnePageOfChildren) {
  snapshot_ = big_schema_snapshot(250);
  auto doc = parse(parser_, get("/api/v1/assets/wh%3Adb.big").body);
  auto children = keys_of(doc["children"]);
  ASSERT_EQ(children.size(), 100u) << "children_limit defaults to 100";
  EXPECT_EQ(int64_t(doc["children_total"]), 250);
  EXPECT_EQ(int64_t(doc["asset"]["counts"]["total"]), 250);
  EXPECT_EQ(std::string_view(doc["children_all"]), "/api/v1/assets?parent=wh%3Adb.big");
  std::string cursor{std::string_view(doc["children_next_cursor"])};
  // The same first page the list route gives, and its cursor goes on from there.
  auto first = parse(parser_, get("/api/v1/assets?parent=wh%3Adb.big").body);
  EXPECT_EQ(keys_of(first["items"]), children);
  auto next =
      parse(parser_, get("/api/v1/assets?parent=wh%3Adb.big&limit=100&cursor=" + cursor).body);
  auto second = keys_of(next["items"]);
  ASSERT_EQ(second.size(), 100u);
  EXPECT_EQ(second.front(), "wh:db.big.t0100");

  auto all = parse(parser_, get("/api/v1/assets/wh%3Adb.big?children_limit=1000").body);
  EXPECT_EQ(keys_of(all["children"]).size(), 250u);
  EXPECT_TRUE(all["children_next_cursor"].is_null());
  auto few = parse(parser_, get("/api/v1/assets/wh%3Adb.big?children_limit=3").body);
  EXPECT_EQ(keys_of(few["children"]),
            (std::vector<std::string>{"wh:db.big.t0000", "wh:db.big.t0001", "wh:db.big.t0002"}));
  for (std::string bad : {"0", "1001", "x"}) {
    Response r = get("/api/v1/assets/wh%3Adb.big?children_limit=" + bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_NE(r.body.find("children_limit"), std::string_view::npos);
  }
  auto leaf = parse(parser_, get("/api/v1/assets/wh%3Adb.big.t0007").body);
  EXPECT_EQ(int64_t(leaf["children_total"]), 0);
  EXPECT_TRUE(leaf["children_next_cursor"].is_null());
}

TEST_F(ApiTest, DetailAndHistoryAreCachedPerSnapshotWithETags) {
  const std::string key = "wh:db.public.orders";
  const store::StatusRecord warn[] = {{key, Status::kWarn, "late"}};
  const store::StatusRecord fresh[] = {{key, Status::kFresh, "ok"}};
  ASSERT_TRUE(store_->record_statuses(warn, kNow - 2h));
  for (std::string target : {"/api/v1/assets/wh%3Adb.public.orders",
                             "/api/v1/assets/wh%3Adb.public.orders/history?days=7"}) {
    Response plain = get(target);
    ASSERT_EQ(plain.status, 200) << target;
    std::string etag(plain.header("ETag"));
    EXPECT_FALSE(etag.empty()) << target;
    EXPECT_EQ(get(target, etag).status, 304) << target;
    Response gz = get(target, "", "gzip");
    EXPECT_EQ(gz.header("Content-Encoding"), "gzip") << target;
    EXPECT_EQ(gunzip(gz.body), plain.body) << target;
  }
  // A status recorded after the snapshot: the detail stays as of the snapshot, where the warn
  // interval is still open.
  ASSERT_TRUE(store_->record_statuses(fresh, kNow + 1h));
  auto doc = parse(parser_, get("/api/v1/assets/wh%3Adb.public.orders").body);
  auto intervals = doc["intervals"].get_array();
  ASSERT_EQ(intervals.size(), 1u);
  EXPECT_EQ(std::string_view(intervals.at(0)["status"]), "warn");
  EXPECT_TRUE(intervals.at(0)["to"].is_null());
  // Rendered anew for a new snapshot, still as of it.
  snapshot_ = fixed_snapshot(8);
  auto again = parse(parser_, get("/api/v1/assets/wh%3Adb.public.orders").body);
  ASSERT_EQ(again["intervals"].get_array().size(), 1u);
  EXPECT_TRUE(again["intervals"].at(0)["to"].is_null());
}

TEST_F(ApiTest, AssetPagesDoNotPushSharedBodiesOutOfTheCache) {
  options_.max_cached_bodies = 2;
  Api api(options_, [this] { return snapshot_; }, *store_, clock_);
  auto ask = [&](std::string target) {
    targets_.push_back(std::move(target));
    Request r;
    r.method = "GET";
    r.target = targets_.back();
    r.authorization = auth_;
    return api.handle(r);
  };
  Response summary = ask("/api/v1/summary");
  for (std::string key : {"orders", "customers", "events", "revenue"}) {
    ASSERT_EQ(ask("/api/v1/assets/wh%3Adb.public." + key).status, 200);
    ASSERT_EQ(ask("/api/v1/assets/wh%3Adb.public." + key + "/history").status, 200);
  }
  EXPECT_EQ(ask("/api/v1/summary").owner, summary.owner) << "the very same cached body";
  Response detail = ask("/api/v1/assets/wh%3Adb.public.revenue");
  EXPECT_EQ(ask("/api/v1/assets/wh%3Adb.public.revenue").owner, detail.owner);
}

TEST_F(ApiTest, HistoryAgeComesFromTheRollupNotRawObservations) {
  const std::string key = "wh:db.public.orders";
  date::sys_days today = date::floor<date::days>(kNow);
  const store::StatusRecord fresh[] = {{key, Status::kFresh, ""}};
  const core::TimePoint midnight{today};
  ASSERT_TRUE(store_->record_statuses(fresh, midnight - 48h));
  ASSERT_TRUE(store_->record_statuses(fresh, kNow));
  model::Observation o;
  o.asset_key = key;
  o.signal = "max(_loaded_at)";
  o.observed_at = kNow - 30h;
  o.changed_at = kNow - 40h;
  ASSERT_TRUE(
      store_->save_run({.connection = "wh", .finished_at = o.observed_at, .observations = {o}}));
  o.observed_at = kNow - 5min;
  o.changed_at = kNow - 1h;
  ASSERT_TRUE(
      store_->save_run({.connection = "wh", .finished_at = o.observed_at, .observations = {o}}));
  // Retention drops the older raw observation; the day it told about keeps its age.
  ASSERT_TRUE(store_->prune_observations(kNow - 1h));
  ASSERT_EQ(store_->observations(key, 100)->size(), 1u);

  auto doc = parse(parser_, get("/api/v1/assets/wh%3Adb.public.orders/history?days=3").body);
  auto days = doc["days"].get_array();
  ASSERT_EQ(days.size(), 3u);
  EXPECT_TRUE(days.at(0)["age_seconds"].is_null()) << "no change known by the end of that day";
  EXPECT_EQ(int64_t(days.at(1)["age_seconds"]), (40h - (10h + 28min + 45s)).count());
  EXPECT_EQ(int64_t(days.at(2)["age_seconds"]), 3600);
}

TEST_F(ApiTest, HistoryMarksDaysWithoutData) {
  const std::string key = "wh:db.public.orders";
  date::sys_days today = date::floor<date::days>(kNow);
  // Yesterday 1000 minutes fresh, then 440 warn; today fresh until now.
  const store::StatusRecord fresh[] = {{key, Status::kFresh, ""}};
  const store::StatusRecord warn[] = {{key, Status::kWarn, ""}};
  const core::TimePoint midnight{today};
  ASSERT_TRUE(store_->record_statuses(fresh, midnight - 24h));
  ASSERT_TRUE(store_->record_statuses(warn, midnight - 24h + 1000min));
  ASSERT_TRUE(store_->record_statuses(fresh, midnight));
  ASSERT_TRUE(store_->record_statuses(fresh, kNow));
  model::Observation o;
  o.asset_key = key;
  o.signal = "max(_loaded_at)";
  o.observed_at = kNow - 30h;
  o.changed_at = kNow - 40h;
  store::RunRecord earlier{.connection = "wh", .finished_at = kNow - 30h, .observations = {o}};
  o.observed_at = kNow - 5min;
  o.changed_at = kNow - 1h;
  store::RunRecord latest{.connection = "wh", .finished_at = kNow - 5min, .observations = {o}};
  ASSERT_TRUE(store_->save_run(earlier));
  ASSERT_TRUE(store_->save_run(latest));

  auto doc = parse(parser_, get("/api/v1/assets/wh%3Adb.public.orders/history?days=3").body);
  EXPECT_EQ(std::string_view(doc["timezone"]), "UTC");
  auto days = doc["days"].get_array();
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(std::string_view(days.at(0)["date"]), "2026-11-24");
  EXPECT_FALSE(bool(days.at(0)["has_data"]));
  EXPECT_TRUE(days.at(0)["status"].is_null());
  EXPECT_TRUE(days.at(0)["age_seconds"].is_null());
  EXPECT_EQ(std::string_view(days.at(1)["status"]), "warn");
  EXPECT_EQ(int64_t(days.at(1)["minutes"]["warn"]), 440);
  // End of 2026-11-25 is 24 h + 10:28:45 before now; the change then known was 40 h ago.
  EXPECT_EQ(int64_t(days.at(1)["age_seconds"]), (40h - (10h + 28min + 45s)).count());
  EXPECT_EQ(int64_t(days.at(2)["age_seconds"]), 3600) << "today: age now";

  auto full = parse(parser_, get("/api/v1/assets/wh%3Adb.public.orders/history").body);
  EXPECT_EQ(full["days"].get_array().size(), 90u);
}

TEST_F(ApiTest, TreeHoldsContainersOnly) {
  auto doc = parse(parser_, get("/api/v1/tree").body);
  auto roots = doc["nodes"].get_array();
  ASSERT_EQ(roots.size(), 1u);
  auto wh = roots.at(0);
  EXPECT_EQ(std::string_view(wh["status"]), "error");
  EXPECT_EQ(int64_t(wh["counts"]["total"]), 6);
  auto schema = wh["children"].at(0)["children"].at(0);
  EXPECT_EQ(std::string_view(schema["key"]), "wh:db.public");
  EXPECT_EQ(schema["children"].get_array().size(), 0u) << "leaves come from /assets?parent=";
}

TEST_F(ApiTest, Lineage) {
  auto doc = parse(parser_, get("/api/v1/assets/wh%3Adb.public.revenue/lineage?depth=1").body);
  EXPECT_EQ(doc["nodes"].get_array().size(), 3u);
  EXPECT_EQ(doc["edges"].get_array().size(), 2u);
  std::map<std::string, simdjson::dom::element> via;
  for (auto e : doc["edges"].get_array()) via[std::string(std::string_view(e["from"]))] = e["via"];
  EXPECT_EQ(std::string_view(via.at("wh:db.public.customers")), "join on customer_id");
  EXPECT_TRUE(via.at("wh:db.public.orders").is_null());
  EXPECT_EQ(std::string_view(doc["root_causes"].at(0)), "wh:db.public.customers");
}

TEST_F(ApiTest, StatuspageV2) {
  auto doc = parse(parser_, get("/api/v2/summary.json").body);
  EXPECT_EQ(std::string_view(doc["status"]["indicator"]), "major");
  EXPECT_EQ(std::string_view(doc["page"]["time_zone"]), "UTC");
  std::vector<std::string> ids;
  std::map<std::string, std::string> status, group_id;
  for (auto c : doc["components"].get_array()) {
    std::string id{std::string_view(c["id"])};
    ids.push_back(id);
    status[id] = std::string(std::string_view(c["status"]));
    if (!c["group_id"].is_null()) group_id[id] = std::string(std::string_view(c["group_id"]));
  }
  // The connection is the group; the schema and the assets that are not fresh (most severe
  // first) are its components; fresh assets are not listed.
  EXPECT_EQ(ids, (std::vector<std::string>{"wh", "wh:db.public", "wh:db.public.events",
                                           "wh:db.public.customers", "wh:db.public.ghost"}));
  EXPECT_EQ(status["wh"], "partial_outage");
  EXPECT_EQ(status["wh:db.public"], "partial_outage");
  EXPECT_EQ(status["wh:db.public.customers"], "degraded_performance");
  EXPECT_EQ(status["wh:db.public.events"], "major_outage");
  EXPECT_EQ(status["wh:db.public.ghost"], "under_maintenance");
  EXPECT_EQ(group_id["wh:db.public"], "wh");
  EXPECT_EQ(group_id["wh:db.public.events"], "wh");
  auto first = doc["components"].at(0);
  EXPECT_TRUE(bool(first["group"]));
  std::vector<std::string> members;
  for (auto m : first["components"].get_array()) members.emplace_back(std::string_view(m));
  EXPECT_EQ(members, std::vector<std::string>(ids.begin() + 1, ids.end()));
  EXPECT_EQ(std::string_view(first["freshness"]["status"]), "error");
  EXPECT_EQ(int64_t(first["freshness"]["counts"]["total"]), 6);
  EXPECT_EQ(std::string_view(first["freshness"]["worst"]["key"]), "wh:db.public.events");
  auto schema = doc["components"].at(1);
  EXPECT_EQ(std::string_view(schema["name"]), "db.public");
  EXPECT_FALSE(bool(schema["group"]));
  EXPECT_EQ(int64_t(schema["freshness"]["counts"]["warn"]), 1);
  EXPECT_EQ(std::string_view(doc["freshness"]["message"]), "3 assets need attention: 1 stale, 1 late, 1 without data");
  EXPECT_EQ(int64_t(doc["freshness_assets"]["not_fresh"]), 3);
  EXPECT_EQ(int64_t(doc["freshness_assets"]["listed"]), 3);

  auto st = parse(parser_, get("/api/v2/status.json").body);
  EXPECT_EQ(std::string_view(st["status"]["description"]), "Major Service Outage");
  auto comps = parse(parser_, get("/api/v2/components.json").body);
  EXPECT_EQ(comps["components"].get_array().size(), 5u);
}

TEST(ApiSynthetic, StatuspageV2ListsGroupsAndAtMostAHundredStaleAssets) {
  auto store = sqlite_memory_store();
  core::FakeClock clock(kNow);
  auto snap = std::make_shared<const model::Snapshot>(synthetic_snapshot(1000, kNow));
  std::size_t schemas = 0, not_fresh = 0;
  for (const auto& a : snap->assets) {
    schemas += a.asset->kind == AssetKind::kSchema;
    not_fresh += !model::is_container(a.asset->kind) && a.evaluation.status != Status::kFresh;
  }
  ASSERT_GT(not_fresh, 100u);
  Api api({}, [&] { return snap; }, *store, clock);
  Request r;
  r.method = "GET";
  r.target = "/api/v2/components.json";
  std::string auth = "Bearer " + *create_token(*store, "t", clock);
  r.authorization = auth;
  Response res = api.handle(r);
  ASSERT_EQ(res.status, 200);
  simdjson::dom::parser parser;
  auto doc = parse(parser, res.body);
  std::size_t groups = 0, containers = 0, assets = 0;
  int last_severity = 3;
  for (auto c : doc["components"].get_array()) {
    std::string_view kind = c["freshness"]["kind"];
    if (bool(c["group"])) {
      ++groups;
    } else if (kind == "schema") {
      ++containers;
    } else {
      ++assets;
      auto st = model::parse_status(std::string_view(c["freshness"]["status"]));
      ASSERT_TRUE(st);
      EXPECT_NE(*st, Status::kFresh);
      EXPECT_LE(model::severity(*st), last_severity) << "most severe first";
      last_severity = model::severity(*st);
    }
  }
  EXPECT_EQ(groups, snap->roots.size());
  EXPECT_EQ(containers, schemas);
  EXPECT_EQ(assets, 100u);
  ASSERT_LT(snap->summary[Status::kError], 100u);
  ASSERT_GE(snap->summary[Status::kError] + snap->summary[Status::kWarn], 100u);
  EXPECT_EQ(last_severity, model::severity(Status::kWarn)) << "errors first, then warnings";
  EXPECT_EQ(std::size_t(int64_t(doc["freshness_assets"]["not_fresh"])), not_fresh);
  EXPECT_EQ(int64_t(doc["freshness_assets"]["listed"]), 100);
  EXPECT_LT(res.body.size(), 200u * 1024) << "the document grows with schemas, not tables";
}

TEST_F(ApiTest, SignInSessionAndSignOut) {
  ASSERT_TRUE(add_user(*store_, "demo", "demo", PasswordCost::kMinimal));
  auto post = [&](std::string body) {
    targets_.push_back(std::move(body));
    Request r;
    r.method = "POST";
    r.target = "/api/v1/session";
    r.body = targets_.back();
    r.content_type = "application/json";
    return api_->handle(r);
  };
  EXPECT_EQ(post(R"({"username":"demo","password":"nope"})").status, 401);
  EXPECT_EQ(post(R"({"username":"nobody","password":"demo"})").status, 401);
  EXPECT_EQ(post("not json").status, 400);
  EXPECT_EQ(post(R"({"username":"demo"})").status, 400);

  Response ok = post(R"({"username":"demo","password":"demo"})");
  ASSERT_EQ(ok.status, 204);
  std::string cookie(ok.header("Set-Cookie"));
  EXPECT_TRUE(cookie.starts_with("fw_session="));
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
  EXPECT_NE(cookie.find("Max-Age=604800"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);
  std::string value = cookie.substr(0, cookie.find(';'));

  Request r;
  r.method = "GET";
  r.target = "/api/v1/session";
  r.cookie = value;
  Response who = api_->handle(r);
  ASSERT_EQ(who.status, 200);
  EXPECT_EQ(std::string_view(parse(parser_, who.body)["user"]), "demo");
  r.target = "/api/v1/summary";
  EXPECT_EQ(api_->handle(r).status, 200);

  r.method = "DELETE";
  r.target = "/api/v1/session";
  Response out = api_->handle(r);
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(std::string(out.header("Set-Cookie")).find("Max-Age=0"), std::string::npos);
  r.method = "GET";
  r.target = "/api/v1/summary";
  EXPECT_EQ(api_->handle(r).status, 401);
  EXPECT_EQ(store_->delete_expired_sessions(core::TimePoint::max()).value(), 0u)
      << "no session is left in the store";
}

TEST_F(ApiTest, RepeatedFailedSignInsAreRefusedWith429UntilTheWindowEnds) {
  ASSERT_TRUE(add_user(*store_, "demo", "demo", PasswordCost::kMinimal));
  ASSERT_TRUE(add_user(*store_, "ops", "ops", PasswordCost::kMinimal));
  auto post = [&](std::string user, std::string password, std::string address) {
    targets_.push_back(fmt::format(R"({{"username":"{}","password":"{}"}})", user, password));
    targets_.push_back(std::move(address));
    Request r;
    r.method = "POST";
    r.target = "/api/v1/session";
    r.body = targets_[targets_.size() - 2];
    r.client_address = targets_.back();
    r.content_type = "application/json";
    return api_->handle(r);
  };
  // Per user name: five failures (from several addresses), then even the right password waits.
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(post("demo", "guess", fmt::format("10.0.0.{}", i)).status, 401) << i;
  Response limited = post("demo", "demo", "10.0.0.9");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.content_type, "application/problem+json");
  EXPECT_EQ(limited.header("Retry-After"), "900");
  EXPECT_EQ(std::string_view(parse(parser_, limited.body)["title"]), "Too Many Requests");
  EXPECT_EQ(post("DEMO", "demo", "10.0.0.9").status, 429) << "names are counted case-blind";
  EXPECT_EQ(post("ops", "ops", "10.0.0.9").status, 204) << "other users are not affected";
  clock_.advance(10min);
  EXPECT_EQ(post("demo", "demo", "10.0.0.9").header("Retry-After"), "300");
  clock_.advance(5min);
  EXPECT_EQ(post("demo", "demo", "10.0.0.9").status, 204) << "the window ended";

  // A success clears the user name's count.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(post("ops", "guess", "10.0.1.1").status, 401);
  EXPECT_EQ(post("ops", "ops", "10.0.1.1").status, 204);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(post("ops", "guess", "10.0.1.1").status, 401);
  EXPECT_EQ(post("ops", "ops", "10.0.1.1").status, 204);

  // Per address: twenty failures over many names, then every name from there waits.
  clock_.advance(15min);
  for (int i = 0; i < 20; ++i)  // known names: an unknown one costs a full-strength hash
    ASSERT_TRUE(add_user(*store_, fmt::format("user{}", i), "pw", PasswordCost::kMinimal));
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(post(fmt::format("user{}", i), "guess", "192.0.2.7").status, 401) << i;
  EXPECT_EQ(post("ops", "ops", "192.0.2.7").status, 429);
  EXPECT_EQ(post("ops", "ops", "192.0.2.8").status, 204) << "other addresses are not affected";
}

TEST_F(ApiTest, OpenApiDocumentIsServed) {
  Response res = get("/api/v1/openapi.yaml");
  ASSERT_EQ(res.status, 200);
  EXPECT_TRUE(std::string(res.body).starts_with("openapi: 3.1"));
}

TEST(ApiSynthetic, LargeSnapshotListsAndPagesStably) {
  auto store = sqlite_memory_store();
  core::FakeClock clock(kNow);
  auto snap = std::make_shared<const model::Snapshot>(synthetic_snapshot(2500, kNow));
  Api api({}, [&] { return snap; }, *store, clock);
  std::string token = *create_token(*store, "t", clock);
  std::string auth = "Bearer " + token;
  simdjson::dom::parser parser;
  std::size_t seen = 0;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    std::string target = "/api/v1/assets?leaves=true&sort=staleness&limit=1000" +
                         (cursor.empty() ? "" : "&cursor=" + cursor);
    Request r;
    r.method = "GET";
    r.target = target;
    r.authorization = auth;
    Response res = api.handle(r);
    ASSERT_EQ(res.status, 200);
    auto doc = parse(parser, res.body);
    EXPECT_EQ(int64_t(doc["total"]), 2500);
    seen += doc["items"].get_array().size();
    if (doc["next_cursor"].is_null()) break;
    cursor = std::string(std::string_view(doc["next_cursor"]));
  }
  EXPECT_EQ(seen, 2500u);
}

// ---------------------------------------------------------------------------------------------
// Incidents

std::vector<std::string> member_names(simdjson::dom::element object) {
  std::vector<std::string> out;
  for (auto field : object.get_object()) out.emplace_back(field.key);
  return out;
}

std::vector<std::string> ids_of(simdjson::dom::element items) {
  std::vector<std::string> out;
  for (auto item : items.get_array()) out.emplace_back(std::string_view(item["id"]));
  return out;
}

class IncidentApiTest : public ApiTest {
 protected:
  // Incidents as the tracker keeps them: `events` (error, opened 30 h ago, still open, two
  // assets impacted, one delivery failed once and pending, one delivered) and `customers` (warn,
  // opened 3 d ago, acknowledged, resolved 1 h ago).
  IncidentApiTest() {
    events_.id = fmt::format("wh:db.public.events@{}", (kNow - 30h).time_since_epoch().count());
    events_.kind = alerts::IncidentKind::kStale;
    events_.root = {"wh:db.public.events",          "events",      "data-eng",
                    "no change for 200 d & <more>", Status::kWarn, kNow - 200 * 24h};
    events_.impacted = {"wh:db.public.revenue", "wh:db.public.\"Odd\"/name"};
    events_.opened_at = kNow - 30h;
    events_.last_notified_at = kNow - 2h;
    alerts::Incident opened = events_;
    opened.impacted = {"wh:db.public.revenue"};
    const store::StoredEvent e1{
        1, {events_.id, alerts::EventType::kOpened, kNow - 30h, Status::kWarn, 1}};
    events_.root.status = Status::kError;
    const store::StoredEvent e2{
        2, {events_.id, alerts::EventType::kUpdated, kNow - 2h, Status::kError, 2}};
    save({&opened, 1}, {&e1, 1}, {});
    std::vector<store::OutboxEntry> outbox = {entry(events_, e2, "hooks", kNow - 2h),
                                              entry(events_, e2, "slack", kNow - 2h)};
    save({&events_, 1}, {&e2, 1}, outbox);
    EXPECT_TRUE(store_->record_attempt(
        outbox[0].notification.delivery_id,
        {kNow - 2h, store::DeliveryOutcome::kFailed, 503, "503 Service Unavailable"}, kNow + 5min));
    EXPECT_TRUE(store_->record_attempt(outbox[1].notification.delivery_id,
                                       {kNow - 2h, store::DeliveryOutcome::kDelivered, 200, ""},
                                       std::nullopt));

    customers_.id =
        fmt::format("wh:db.public.customers@{}", (kNow - 72h).time_since_epoch().count());
    customers_.root = {"wh:db.public.customers", "customers",   "finance",
                       "changed 1 h ago",        Status::kWarn, kNow - 72h};
    customers_.opened_at = kNow - 72h;
    const store::StoredEvent c1{
        1, {customers_.id, alerts::EventType::kOpened, kNow - 72h, Status::kWarn, 0}};
    save({&customers_, 1}, {&c1, 1}, {});
    EXPECT_TRUE(store_->acknowledge(customers_.id, kNow - 50h));
    customers_.acknowledged_at = kNow - 50h;
    customers_.root.status = Status::kFresh;
    customers_.root.changed_at = kNow - 1h;
    customers_.resolved_at = kNow - 1h;
    const store::StoredEvent c2{
        2, {customers_.id, alerts::EventType::kResolved, kNow - 1h, Status::kFresh, 0}};
    save({&customers_, 1}, {&c2, 1}, {});
  }

  void save(std::span<const alerts::Incident> incidents, std::span<const store::StoredEvent> events,
            std::span<const store::OutboxEntry> outbox) {
    auto saved = store_->save_incident_changes(incidents, events, outbox);
    ASSERT_TRUE(saved) << saved.error().message;
  }
  static store::OutboxEntry entry(const alerts::Incident& i, const store::StoredEvent& e,
                                  std::string channel, core::TimePoint due) {
    store::OutboxEntry o;
    o.notification = {fmt::format("{}/{}/{}", i.id, e.sequence, channel), channel, e.event, i, ""};
    o.event_sequence = e.sequence;
    o.created_at = e.event.at;
    o.next_attempt_at = due;
    return o;
  }
  static std::string path_of(const alerts::Incident& i, std::string_view suffix = "") {
    return fmt::format("/api/v1/incidents/{}{}", net::percent_encode(i.id), suffix);
  }
  Response post(std::string target, std::string body,
                std::string_view content_type = "application/json") {
    targets_.push_back(std::move(target));
    std::string_view t = targets_.back();
    targets_.push_back(std::move(body));
    Request r;
    r.method = "POST";
    r.target = t;
    r.body = targets_.back();
    r.content_type = content_type;
    r.authorization = auth_;
    return api_->handle(r);
  }

  alerts::Incident events_, customers_;
};

TEST_F(IncidentApiTest, ListsOpenIncidentsFirstWithEveryDocumentedField) {
  Response res = get("/api/v1/incidents");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.content_type, "application/json");
  auto doc = parse(parser_, res.body);
  EXPECT_EQ(member_names(doc), std::vector<std::string>{"items"});
  EXPECT_EQ(ids_of(doc["items"]), (std::vector<std::string>{events_.id, customers_.id}));

  simdjson::dom::element open = doc["items"].at(0);
  EXPECT_EQ(member_names(open),
            (std::vector<std::string>{"id", "kind", "status", "root", "impacted", "opened_at",
                                      "resolved_at", "acknowledged_at", "snoozed_until",
                                      "last_notified_at"}));
  EXPECT_EQ(std::string_view(open["kind"]), "stale");
  EXPECT_EQ(std::string_view(open["status"]), "open");
  EXPECT_EQ(member_names(open["root"]),
            (std::vector<std::string>{"key", "name", "status", "changed_at", "reason", "owner"}));
  EXPECT_EQ(std::string_view(open["root"]["key"]), "wh:db.public.events");
  EXPECT_EQ(std::string_view(open["root"]["status"]), "error");
  EXPECT_EQ(std::string_view(open["root"]["reason"]), "no change for 200 d & <more>");
  EXPECT_EQ(std::string_view(open["root"]["owner"]), "data-eng");
  EXPECT_EQ(std::string_view(open["root"]["changed_at"]), "2026-05-10T10:28:45Z");
  EXPECT_EQ(int64_t(open["impacted"]["count"]), 2);
  EXPECT_EQ(member_names(open["impacted"]), (std::vector<std::string>{"count", "keys"}));
  EXPECT_EQ(std::string_view(open["impacted"]["keys"].at(1)), "wh:db.public.\"Odd\"/name");
  EXPECT_EQ(std::string_view(open["opened_at"]), "2026-11-25T04:28:45Z");
  EXPECT_TRUE(open["resolved_at"].is_null());
  EXPECT_TRUE(open["acknowledged_at"].is_null());
  EXPECT_TRUE(open["snoozed_until"].is_null());
  EXPECT_EQ(std::string_view(open["last_notified_at"]), "2026-11-26T08:28:45Z");

  simdjson::dom::element resolved = doc["items"].at(1);
  EXPECT_EQ(std::string_view(resolved["status"]), "resolved");
  EXPECT_EQ(std::string_view(resolved["resolved_at"]), "2026-11-26T09:28:45Z");
  EXPECT_EQ(std::string_view(resolved["acknowledged_at"]), "2026-11-24T08:28:45Z");
  EXPECT_EQ(int64_t(resolved["impacted"]["count"]), 0);
}

TEST_F(IncidentApiTest, ListFiltersByStateStatusOwnerAndConnection) {
  auto ids = [&](std::string query) {
    Response res = get("/api/v1/incidents?" + query);
    EXPECT_EQ(res.status, 200) << query << ": " << res.body;
    return ids_of(parse(parser_, res.body)["items"]);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids("state=open"), V{events_.id});
  EXPECT_EQ(ids("state=resolved"), V{customers_.id});
  EXPECT_EQ(ids("state=any"), (V{events_.id, customers_.id}));
  EXPECT_EQ(ids("status=error"), V{events_.id});
  EXPECT_EQ(ids("status=fresh"), V{customers_.id});
  EXPECT_EQ(ids("owner=finance"), V{customers_.id});
  EXPECT_EQ(ids("owner=nobody"), V{});
  EXPECT_EQ(ids("connection=wh"), (V{events_.id, customers_.id}));
  EXPECT_EQ(ids("connection=elsewhere"), V{});
  EXPECT_EQ(ids("limit=1"), V{events_.id});
  EXPECT_EQ(ids("state=open&owner=finance"), V{});

  for (std::string bad : {"state=closed", "status=stale", "limit=0", "limit=1001", "limit=x"}) {
    Response res = get("/api/v1/incidents?" + bad);
    EXPECT_EQ(res.status, 400) << bad;
    EXPECT_EQ(res.content_type, "application/problem+json") << bad;
    EXPECT_FALSE(std::string_view(parse(parser_, res.body)["detail"]).empty()) << bad;
  }
}

TEST_F(IncidentApiTest, DetailHasTheTimelineEveryAttemptAndThePendingDeliveries) {
  Response res = get(path_of(events_));
  ASSERT_EQ(res.status, 200) << res.body;
  auto doc = parse(parser_, res.body);
  EXPECT_EQ(member_names(doc),
            (std::vector<std::string>{"id", "kind", "status", "root", "impacted", "opened_at",
                                      "resolved_at", "acknowledged_at", "snoozed_until",
                                      "last_notified_at", "timeline", "deliveries"}));
  EXPECT_EQ(std::string_view(doc["id"]), events_.id);
  auto timeline = doc["timeline"].get_array();
  ASSERT_EQ(timeline.size(), 2u);
  EXPECT_EQ(member_names(timeline.at(0)),
            (std::vector<std::string>{"sequence", "type", "at", "status", "impacted_count"}));
  EXPECT_EQ(int64_t(timeline.at(0)["sequence"]), 1);
  EXPECT_EQ(std::string_view(timeline.at(0)["type"]), "incident.opened");
  EXPECT_EQ(std::string_view(timeline.at(0)["status"]), "warn");
  EXPECT_EQ(int64_t(timeline.at(0)["impacted_count"]), 1);
  EXPECT_EQ(std::string_view(timeline.at(1)["type"]), "incident.updated");
  EXPECT_EQ(std::string_view(timeline.at(1)["at"]), "2026-11-26T08:28:45Z");
  EXPECT_EQ(int64_t(timeline.at(1)["impacted_count"]), 2);

  // The two attempts, oldest first, then the delivery still pending.
  auto deliveries = doc["deliveries"].get_array();
  ASSERT_EQ(deliveries.size(), 3u);
  std::vector<std::string> outcomes, channels;
  for (simdjson::dom::element d : deliveries) {
    EXPECT_EQ(member_names(d),
              (std::vector<std::string>{"delivery_id", "channel", "attempt", "at", "outcome",
                                        "http_status", "error", "next_attempt_at"}));
    outcomes.emplace_back(std::string_view(d["outcome"]));
    channels.emplace_back(std::string_view(d["channel"]));
  }
  EXPECT_EQ(outcomes, (std::vector<std::string>{"failed", "delivered", "pending"}));
  EXPECT_EQ(channels, (std::vector<std::string>{"hooks", "slack", "hooks"}));
  simdjson::dom::element failed = deliveries.at(0);
  EXPECT_EQ(std::string_view(failed["delivery_id"]), events_.id + "/2/hooks");
  EXPECT_EQ(int64_t(failed["attempt"]), 1);
  EXPECT_EQ(int64_t(failed["http_status"]), 503);
  EXPECT_EQ(std::string_view(failed["error"]), "503 Service Unavailable");
  EXPECT_EQ(std::string_view(failed["next_attempt_at"]), "2026-11-26T10:33:45Z");
  simdjson::dom::element delivered = deliveries.at(1);
  EXPECT_EQ(int64_t(delivered["http_status"]), 200);
  EXPECT_TRUE(delivered["error"].is_null());
  EXPECT_TRUE(delivered["next_attempt_at"].is_null());
  simdjson::dom::element pending = deliveries.at(2);
  EXPECT_EQ(int64_t(pending["attempt"]), 2);
  EXPECT_EQ(std::string_view(pending["at"]), "2026-11-26T08:28:45Z");
  EXPECT_TRUE(pending["http_status"].is_null());
  EXPECT_TRUE(pending["error"].is_null());
  EXPECT_EQ(std::string_view(pending["next_attempt_at"]), "2026-11-26T10:33:45Z");
}

TEST_F(IncidentApiTest, DetailNeedsAnEncodedIdOfAnIncidentThatExists) {
  // '@' and ':' may also arrive unencoded.
  EXPECT_EQ(get("/api/v1/incidents/" + events_.id).status, 200);
  Response none = get("/api/v1/incidents/" + net::percent_encode("wh:db.public.orders@1"));
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(none.content_type, "application/problem+json");
  EXPECT_NE(std::string_view(parse(parser_, none.body)["detail"]).find("wh:db.public.orders@1"),
            std::string_view::npos);
  EXPECT_EQ(get("/api/v1/incidents/%zz").status, 400);
  EXPECT_EQ(get("/api/v1/incidents/").status, 400);
  EXPECT_EQ(get(path_of(events_, "/acknowledge")).status, 405);
  EXPECT_EQ(post("/api/v1/incidents", "").status, 405);
}

TEST_F(IncidentApiTest, AcknowledgeKeepsTheFirstTime) {
  Response res = post(path_of(events_, "/acknowledge"), "");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.header("Cache-Control"), "no-store");
  auto doc = parse(parser_, res.body);
  EXPECT_EQ(std::string_view(doc["id"]), events_.id);
  EXPECT_EQ(std::string_view(doc["acknowledged_at"]), "2026-11-26T10:28:45Z");
  EXPECT_EQ(member_names(doc).size(), 10u) << "an Incident, without the timeline";

  clock_.advance(1h);
  res = post(path_of(events_, "/acknowledge"), "{}");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(std::string_view(parse(parser_, res.body)["acknowledged_at"]), "2026-11-26T10:28:45Z");
  auto stored = store_->incident(events_.id).value();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->incident.acknowledged_at, kNow);

  EXPECT_EQ(post("/api/v1/incidents/" + net::percent_encode("wh:x@1") + "/acknowledge", "").status, 404);
  EXPECT_EQ(
      post(path_of(events_, "/acknowledge"), "a=b", "application/x-www-form-urlencoded").status,
      415);
}

TEST_F(IncidentApiTest, SnoozeTakesAFutureTime) {
  Response res = post(path_of(events_, "/snooze"), R"({"until": "2026-11-26T18:00:00Z"})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(std::string_view(parse(parser_, res.body)["snoozed_until"]), "2026-11-26T18:00:00Z");
  auto stored = store_->incident(events_.id).value();
  ASSERT_TRUE(stored);
  EXPECT_EQ(core::format_timestamp(*stored->incident.snoozed_until), "2026-11-26T18:00:00Z");
  EXPECT_FALSE(stored->incident.acknowledged_at) << "a snooze is not an acknowledgement";

  for (std::string bad :
       {std::string(""), std::string("not json"), std::string("{}"), std::string(R"({"until": 5})"),
        std::string(R"({"until": "soon"})"), std::string(R"({"until": "2026-11-26T10:00:00Z"})")}) {
    Response r = post(path_of(events_, "/snooze"), bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.content_type, "application/problem+json") << bad;
  }
  EXPECT_EQ(post("/api/v1/incidents/" + net::percent_encode("wh:x@1") + "/snooze",
                 R"({"until": "2026-11-26T18:00:00Z"})")
                .status,
            404);
  EXPECT_EQ(post(path_of(events_, "/snooze"), "until=x", "text/plain").status, 415);
}

TEST_F(IncidentApiTest, EveryIncidentRouteNeedsCredentials) {
  for (std::string target :
       {std::string("/api/v1/incidents"), path_of(events_), std::string("/api/v2/incidents.json"),
        std::string("/api/v2/incidents/unresolved.json"), std::string("/feed.atom")}) {
    Request r;
    r.method = "GET";
    r.target = target;
    Response res = api_->handle(r);
    EXPECT_EQ(res.status, 401) << target;
    EXPECT_EQ(res.content_type, "application/problem+json") << target;
    r.authorization = "Bearer fw_not-a-token";
    EXPECT_EQ(api_->handle(r).status, 401) << target;
  }
  for (std::string_view action : {"/acknowledge", "/snooze"}) {
    std::string target = path_of(events_, action);
    Request r;
    r.method = "POST";
    r.target = target;
    r.body = R"({"until": "2026-11-26T18:00:00Z"})";
    r.content_type = "application/json";
    EXPECT_EQ(api_->handle(r).status, 401) << target;
  }
  auto stored = store_->incident(events_.id).value();
  EXPECT_FALSE(stored->incident.acknowledged_at);
  EXPECT_FALSE(stored->incident.snoozed_until);

  // A session works as well as a token.
  ASSERT_TRUE(add_user(*store_, "demo", "demo", PasswordCost::kMinimal));
  Request sign_in;
  sign_in.method = "POST";
  sign_in.target = "/api/v1/session";
  sign_in.body = R"({"username":"demo","password":"demo"})";
  sign_in.content_type = "application/json";
  Response ok = api_->handle(sign_in);
  ASSERT_EQ(ok.status, 204);
  std::string cookie(ok.header("Set-Cookie"));
  cookie = cookie.substr(0, cookie.find(';'));
  Request r;
  r.method = "GET";
  r.target = "/feed.atom";
  r.cookie = cookie;
  EXPECT_EQ(api_->handle(r).status, 200);
  std::string target = path_of(events_, "/acknowledge");
  r.method = "POST";
  r.target = target;
  EXPECT_EQ(api_->handle(r).status, 200);
}

TEST_F(IncidentApiTest, StatuspageIncidents) {
  options_.page_url = "https://fw.example.com/";
  api_ = std::make_unique<Api>(
      options_, [this] { return snapshot_; }, *store_, clock_);
  Response res = get("/api/v2/incidents.json");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.content_type, "application/json");
  auto doc = parse(parser_, res.body);
  EXPECT_EQ(member_names(doc), (std::vector<std::string>{"page", "incidents"}));
  EXPECT_EQ(std::string_view(doc["page"]["time_zone"]), "UTC");
  EXPECT_EQ(ids_of(doc["incidents"]), (std::vector<std::string>{events_.id, customers_.id}));

  simdjson::dom::element open = doc["incidents"].at(0);
  EXPECT_EQ(member_names(open),
            (std::vector<std::string>{"id", "name", "status", "impact", "created_at", "updated_at",
                                      "resolved_at", "shortlink", "incident_updates", "components",
                                      "freshness"}));
  EXPECT_EQ(std::string_view(open["name"]), "events is stale");
  EXPECT_EQ(std::string_view(open["status"]), "investigating");
  EXPECT_EQ(std::string_view(open["impact"]), "major");
  EXPECT_EQ(std::string_view(open["created_at"]), "2026-11-25T04:28:45Z");
  EXPECT_EQ(std::string_view(open["updated_at"]), "2026-11-26T08:28:45Z");
  EXPECT_TRUE(open["resolved_at"].is_null());
  EXPECT_EQ(std::string_view(open["shortlink"]),
            "https://fw.example.com/assets/wh%3Adb.public.events");
  auto updates = open["incident_updates"].get_array();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(member_names(updates.at(0)),
            (std::vector<std::string>{"id", "status", "body", "created_at"}));
  EXPECT_EQ(std::string_view(updates.at(0)["id"]), events_.id + "/2") << "newest first";
  EXPECT_EQ(std::string_view(updates.at(0)["body"]),
            "events (wh:db.public.events) is stale; 2 assets downstream impacted.");
  EXPECT_EQ(std::string_view(updates.at(1)["body"]),
            "events (wh:db.public.events) is late; 1 asset downstream impacted.");
  EXPECT_EQ(std::string_view(open["components"].at(0)["id"]), "wh:db.public.events");
  EXPECT_EQ(std::string_view(open["components"].at(0)["status"]), "major_outage");
  EXPECT_EQ(std::string_view(open["freshness"]["id"]), events_.id);
  EXPECT_EQ(int64_t(open["freshness"]["impacted"]["count"]), 2);

  simdjson::dom::element resolved = doc["incidents"].at(1);
  EXPECT_EQ(std::string_view(resolved["name"]), "customers is late");
  EXPECT_EQ(std::string_view(resolved["status"]), "resolved");
  EXPECT_EQ(std::string_view(resolved["impact"]), "minor");
  EXPECT_EQ(std::string_view(resolved["resolved_at"]), "2026-11-26T09:28:45Z");
  auto history = resolved["incident_updates"].get_array();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(std::string_view(history.at(0)["status"]), "resolved");
  EXPECT_EQ(std::string_view(history.at(0)["body"]),
            "customers (wh:db.public.customers) is fresh again.");
  EXPECT_EQ(std::string_view(history.at(1)["status"]), "investigating")
      << "acknowledged only after it opened";

  auto unresolved = parse(parser_, get("/api/v2/incidents/unresolved.json").body);
  EXPECT_EQ(ids_of(unresolved["incidents"]), std::vector<std::string>{events_.id});

  // Acknowledged: identified.
  ASSERT_EQ(post(path_of(events_, "/acknowledge"), "").status, 200);
  unresolved = parse(parser_, get("/api/v2/incidents/unresolved.json").body);
  EXPECT_EQ(std::string_view(unresolved["incidents"].at(0)["status"]), "identified");
  EXPECT_EQ(std::string_view(unresolved["incidents"].at(0)["updated_at"]), "2026-11-26T10:28:45Z");

  // Incidents come from the store: they are served before the first snapshot too.
  snapshot_ = nullptr;
  res = get("/api/v2/incidents.json");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(std::string_view(parse(parser_, res.body)["page"]["updated_at"]),
            "2026-11-26T10:28:45Z");
  EXPECT_EQ(get("/api/v1/incidents").status, 200);
}

TEST_F(IncidentApiTest, StatuspageIncidentsWithoutAPageUrlHaveNoShortlink) {
  auto doc = parse(parser_, get("/api/v2/incidents.json").body);
  EXPECT_TRUE(doc["incidents"].at(0)["shortlink"].is_null());
}

// The feed parsed by libxml2, with XPath over the Atom namespace.
class AtomDocument {
 public:
  explicit AtomDocument(std::string_view text)
      : doc_(xmlReadMemory(text.data(), static_cast<int>(text.size()), "feed.atom", nullptr,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)) {
    if (!doc_) return;
    xpath_ = xmlXPathNewContext(doc_);
    xmlXPathRegisterNs(xpath_, BAD_CAST "a", BAD_CAST "http://www.w3.org/2005/Atom");
  }
  ~AtomDocument() {
    if (xpath_) xmlXPathFreeContext(xpath_);
    if (doc_) xmlFreeDoc(doc_);
  }
  AtomDocument(const AtomDocument&) = delete;
  AtomDocument& operator=(const AtomDocument&) = delete;

  bool well_formed() const { return doc_ != nullptr; }
  // The string value of each node `expression` selects, in document order.
  std::vector<std::string> all(const std::string& expression) const {
    std::vector<std::string> out;
    xmlXPathObjectPtr result = xmlXPathEvalExpression(BAD_CAST expression.c_str(), xpath_);
    if (result && result->nodesetval) {
      for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
        xmlChar* text = xmlNodeGetContent(result->nodesetval->nodeTab[i]);
        out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
        xmlFree(text);
      }
    }
    xmlXPathFreeObject(result);
    return out;
  }
  std::string one(const std::string& expression) const {
    auto values = all(expression);
    EXPECT_EQ(values.size(), 1u) << expression;
    return values.empty() ? "" : values.front();
  }

 private:
  xmlDocPtr doc_ = nullptr;
  xmlXPathContextPtr xpath_ = nullptr;
};

TEST_F(IncidentApiTest, AtomFeedHasOneEntryPerEventNewestFirst) {
  options_.page_name = "Data <status> & co";
  options_.page_url = "https://fw.example.com";
  api_ = std::make_unique<Api>(
      options_, [this] { return snapshot_; }, *store_, clock_);
  Response res = get("/feed.atom");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.content_type, "application/atom+xml; charset=utf-8");
  AtomDocument feed(res.body);
  ASSERT_TRUE(feed.well_formed()) << res.body;
  EXPECT_EQ(feed.one("/a:feed/a:id"), "https://fw.example.com/feed.atom");
  EXPECT_EQ(feed.one("/a:feed/a:title"), "Data <status> & co: incidents");
  EXPECT_EQ(feed.one("/a:feed/a:author/a:name"), "Data <status> & co");
  EXPECT_EQ(feed.one("/a:feed/a:updated"), "2026-11-26T09:28:45Z") << "the newest entry's time";
  EXPECT_EQ(feed.one("/a:feed/a:link[@rel='self']/@href"), "https://fw.example.com/feed.atom");

  EXPECT_EQ(feed.all("/a:feed/a:entry/a:updated"),
            (std::vector<std::string>{"2026-11-26T09:28:45Z", "2026-11-26T08:28:45Z",
                                      "2026-11-25T04:28:45Z", "2026-11-23T10:28:45Z"}));
  EXPECT_EQ(
      feed.all("/a:feed/a:entry/a:title"),
      (std::vector<std::string>{"Resolved: customers is fresh again", "Updated: events is stale",
                                "Opened: events is late", "Opened: customers is late"}));
  EXPECT_EQ(feed.all("/a:feed/a:entry/a:category/@term"),
            (std::vector<std::string>{"incident.resolved", "incident.updated", "incident.opened",
                                      "incident.opened"}));
  auto links = feed.all("/a:feed/a:entry/a:link[@rel='alternate']/@href");
  ASSERT_EQ(links.size(), 4u);
  EXPECT_EQ(links[0], "https://fw.example.com/assets/wh%3Adb.public.customers");
  EXPECT_EQ(links[1], "https://fw.example.com/assets/wh%3Adb.public.events");
  auto ids = feed.all("/a:feed/a:entry/a:id");
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids[1], "urn:freshwatch:incident:" + net::percent_encode(events_.id) + ":2");
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 4u) << "ids are unique";
  auto summaries = feed.all("/a:feed/a:entry/a:summary");
  ASSERT_EQ(summaries.size(), 4u);
  EXPECT_EQ(summaries[1],
            "events (wh:db.public.events) is stale; 2 assets downstream impacted. "
            "no change for 200 d & <more> Owner: data-eng.");
  // Every entry has what Atom requires.
  EXPECT_EQ(feed.all("/a:feed/a:entry[a:id and a:title and a:updated]").size(), 4u);
}

TEST_F(IncidentApiTest, AtomFeedEscapesAnyTextAndKeepsTheFiftyNewestEvents) {
  // A root whose name and reason hold markup, quotes, a control character and bytes that are
  // not UTF-8, with 60 reminders.
  alerts::Incident odd;
  odd.root = {"wh:db.public.\"Odd\"/name",
              "\"Odd\"/<name> & 'x'",
              "",
              std::string("bad \x01 bytes \xff\xfe and \xe2\x82 cut, \xef\xbf\xbe, ok \xc3\xa9"),
              Status::kError,
              kNow - 48h};
  odd.opened_at = kNow - 70h;
  odd.id = fmt::format("{}@{}", odd.root.key, odd.opened_at.time_since_epoch().count());
  std::vector<store::StoredEvent> events;
  events.push_back({1, {odd.id, alerts::EventType::kOpened, odd.opened_at, Status::kError, 0}});
  for (int k = 1; k <= 60; ++k)
    events.push_back(
        {k + 1,
         {odd.id, alerts::EventType::kReminder, odd.opened_at + k * 1min, Status::kError, 0}});
  save({&odd, 1}, events, {});

  Response res = get("/feed.atom");
  ASSERT_EQ(res.status, 200);
  AtomDocument feed(res.body);
  ASSERT_TRUE(feed.well_formed()) << res.body;
  EXPECT_EQ(feed.one("/a:feed/a:id"), "urn:freshwatch:incidents");
  auto titles = feed.all("/a:feed/a:entry/a:title");
  ASSERT_EQ(titles.size(), 50u);
  EXPECT_EQ(titles[0], "Resolved: customers is fresh again");
  EXPECT_EQ(titles[3], "Still open: \"Odd\"/<name> & 'x' is stale");
  auto links = feed.all("/a:feed/a:entry/a:link/@href");
  EXPECT_EQ(links[3], "/assets/wh%3Adb.public.%22Odd%22%2Fname") << "relative without page_url";
  auto updated = feed.all("/a:feed/a:entry/a:updated");
  EXPECT_TRUE(std::is_sorted(updated.rbegin(), updated.rend())) << "newest first";
  EXPECT_EQ(updated.back(), core::format_timestamp(odd.opened_at + 14min))
      << "the 3 newest of the other incidents, then the 47 newest reminders";
  const std::string summary = feed.all("/a:feed/a:entry/a:summary")[3];
  EXPECT_NE(summary.find("bad \xef\xbf\xbd bytes \xef\xbf\xbd\xef\xbf\xbd and \xef\xbf\xbd cut, "
                         "\xef\xbf\xbd, ok \xc3\xa9"),
            std::string::npos)
      << summary;
}

}  // namespace
}  // namespace freshwatch::http
