// End to end, through the freshwatch binary: a real PostgreSQL warehouse, a dbt project over it
// and a Looker instance (looker_server.js over HTTPS) whose dashboards read the dbt models, in
// one configuration. The source table raw.orders was last loaded four days ago; dbt rebuilt
// analytics.fct_orders from it an hour ago. The tile reading fct_orders shows four-day-old
// data, so it and its dashboard are late, `why` names raw.orders at the root of the path
// tile → view → table = dbt model → source; a dashboard over fresh data stays fresh.
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "core/clock.h"
#include "core/time.h"
#include "support/http_test_server.h"
#include "support/postgres_server.h"
#include "support/process.h"

namespace freshwatch {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::run_command;

const std::string kBinary = FRESHWATCH_BINARY;

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

// The dbt project's artifacts: sources raw.orders and raw.customers, the models built from
// them an hour ago (dbt-postgres, database shop).
void write_dbt(const fs::path& target, const std::string& built) {
  fs::create_directories(target);
  const std::string meta = R"("dbt_version": "1.8.0", "generated_at": ")" + built +
                           R"(", "invocation_id": "00000000-0000-4000-8000-000000000001")";
  auto source = [](const char* name) {
    return fmt::format(
        R"("source.shop.raw.{0}": {{"unique_id": "source.shop.raw.{0}", "resource_type": "source",
         "package_name": "shop", "name": "{0}", "source_name": "raw", "database": "shop",
         "schema": "raw", "identifier": "{0}", "original_file_path": "models/sources.yml",
         "depends_on": {{"nodes": []}}}})",
        name);
  };
  auto model = [](const char* name, const char* from) {
    return fmt::format(
        R"("model.shop.{0}": {{"unique_id": "model.shop.{0}", "resource_type": "model",
         "package_name": "shop", "name": "{0}", "database": "shop", "schema": "analytics",
         "alias": "{0}", "original_file_path": "models/{0}.sql",
         "config": {{"materialized": "table"}},
         "depends_on": {{"nodes": ["source.shop.raw.{1}"], "macros": []}}}})",
        name, from);
  };
  write_file(target / "manifest.json",
             fmt::format(R"({{"metadata": {{"dbt_schema_version":
               "https://schemas.getdbt.com/dbt/manifest/v12.json", {}, "project_name": "shop",
               "adapter_type": "postgres"}},
             "nodes": {{{}, {}}}, "sources": {{{}, {}}}, "exposures": {{}}}})",
                         meta, model("fct_orders", "orders"), model("dim_customers", "customers"),
                         source("orders"), source("customers")));
  auto result = [&](const char* name) {
    return fmt::format(
        R"({{"unique_id": "model.shop.{}", "status": "success", "execution_time": 2.0,
          "message": "OK", "thread_id": "Thread-1", "adapter_response": {{}},
          "timing": [{{"name": "execute", "started_at": "{}", "completed_at": "{}"}}]}})",
        name, built, built);
  };
  write_file(target / "run_results.json",
             fmt::format(R"({{"metadata": {{"dbt_schema_version":
               "https://schemas.getdbt.com/dbt/run-results/v6.json", {}}},
             "results": [{}, {}], "elapsed_time": 4.0}})",
                         meta, result("fct_orders"), result("dim_customers")));
}

// The Looker instance: LookML views over the dbt models, a dashboard whose tiles read orders
// (stale upstream) and customers (fresh), and one over customers only.
const char* kInstance = R"({
  "generation": 1,
  "folders": [
    {"id": "1", "name": "Shared", "parent_id": null, "is_shared_root": true, "is_users_root": false,
     "is_personal": false, "is_personal_descendant": false, "child_count": 1},
    {"id": "5", "name": "Sales", "parent_id": "1", "is_users_root": false, "is_personal": false,
     "is_personal_descendant": false, "child_count": 0}
  ],
  "connections": {
    "warehouse_pg": {"dialect_name": "postgres", "database": "shop", "schema": "public",
                     "tmp_db_name": "looker_scratch", "host": "127.0.0.1"}
  },
  "models": {
    "shop": {
      "connection": "warehouse_pg",
      "views": {"orders": {"sql_table_name": "analytics.fct_orders"},
                "customers": {"sql_table_name": "analytics.dim_customers"}},
      "explores": {
        "orders": {"joins": [{"name": "customers", "sql_on": "${orders.customer_id} = ${customers.id}"}]},
        "customers": {}
      }
    }
  },
  "queries": {
    "301": {"id": "301", "model": "shop", "view": "orders", "fields": ["orders.day", "orders.count"], "limit": "500"},
    "302": {"id": "302", "model": "shop", "view": "customers", "fields": ["customers.region", "customers.count"], "limit": "500"}
  },
  "dashboards": [
    {"id": "1", "title": "Revenue", "folder_id": "5", "deleted": false, "view_count": 12,
     "last_viewed_at": "2026-11-30T08:00:00.000+00:00", "last_accessed_at": "2026-11-30T08:00:05.000+00:00",
     "dashboard_filters": [],
     "dashboard_elements": [
       {"id": "11", "type": "vis", "title": "Orders per day", "query_id": "301",
        "query": {"id": "301", "model": "shop", "view": "orders", "fields": ["orders.day", "orders.count"]}},
       {"id": "12", "type": "vis", "title": "Customers by region", "query_id": "302",
        "query": {"id": "302", "model": "shop", "view": "customers", "fields": ["customers.region", "customers.count"]}}
     ]},
    {"id": "2", "title": "Customers", "folder_id": "5", "deleted": false, "view_count": 3,
     "dashboard_filters": [],
     "dashboard_elements": [
       {"id": "21", "type": "vis", "title": "Customers by region", "query_id": "302",
        "query": {"id": "302", "model": "shop", "view": "customers", "fields": ["customers.region", "customers.count"]}}
     ]}
  ],
  "looks": []
})";

TEST(LookerEndToEnd, AStaleSourceMakesItsTilesAndDashboardLateAndWhyNamesIt) {
  FRESHWATCH_REQUIRE_POSTGRES(pg);
  if (run_command({"node", "--version"}).exit_code != 0) GTEST_SKIP() << "node is not installed";
  testing::TempDir dir;
  const auto certs = testing::make_test_certificates(dir.path());
  ASSERT_TRUE(certs.error.empty()) << certs.error;

  // The warehouse: sources loaded four days and ten minutes ago, models rebuilt an hour ago.
  ASSERT_EQ(pg->create_database("shop"), std::nullopt);
  ASSERT_EQ(pg->execute(R"(
    CREATE SCHEMA raw; CREATE SCHEMA analytics;
    CREATE TABLE raw.orders (id int, _loaded_at timestamptz);
    INSERT INTO raw.orders VALUES (1, now() - interval '4 days');
    CREATE TABLE raw.customers (id int, _loaded_at timestamptz);
    INSERT INTO raw.customers VALUES (1, now() - interval '10 minutes');
    CREATE TABLE analytics.fct_orders (day date, _loaded_at timestamptz);
    INSERT INTO analytics.fct_orders VALUES (current_date, now() - interval '1 hour');
    CREATE TABLE analytics.dim_customers (region text, _loaded_at timestamptz);
    INSERT INTO analytics.dim_customers VALUES ('EMEA', now() - interval '1 hour');)",
                        "shop"),
            std::nullopt);
  const std::string built =
      core::format_timestamp(core::SystemClock().now() - std::chrono::hours(1));
  write_dbt(dir / "dbt/target", built);

  const int port = testing::free_port();
  write_file(dir / "state.json", kInstance);
  write_file(dir / "server.json",
             fmt::format(R"({{"port": {}, "cert": "{}", "key": "{}", "state": "{}",
                           "events": "{}", "client_id": "fw-client", "client_secret": "fw-secret"}})",
                         port, certs.cert.string(), certs.key.string(),
                         (dir / "state.json").string(), (dir / "events.log").string()));
  testing::ChildProcess looker(
      {"node", std::string(FRESHWATCH_SOURCE_DIR) + "/tests/looker/looker_server.js",
       (dir / "server.json").string()},
      dir / "looker.log");
  ASSERT_TRUE(testing::wait_for_port(port, 20'000)) << read_file(dir / "looker.log");

  write_file(dir / "freshwatch.yml", fmt::format(R"(timezone: UTC
store: {{sqlite: freshwatch.db}}
connections:
  - name: wh
    type: postgres
    dsn: "{}"
    include: ["raw.*", "analytics.*"]
    loaded_at_field: _loaded_at
  - name: dbt
    type: dbt
    artifacts: dbt/target
  - name: looker
    type: looker
    base_url: https://127.0.0.1:{}
    client_id: fw-client
    client_secret: fw-secret
    ca_file: {}
    warehouses: {{warehouse_pg: wh}}
policies:
  - select: "*"
    warn_after: {{count: 1, period: day}}
    error_after: {{count: 7, period: day}}
)",
                                                 pg->dsn("shop"), port, certs.ca.string()));
  const std::string config = (dir / "freshwatch.yml").string();

  const std::string stderr_file = (dir / "check.err").string();
  const auto check = run_command(
      {"/bin/sh", "-c", kBinary + " check --format json --config " + config + " 2>" + stderr_file});
  // Late (warn) is below the default --fail-on error.
  ASSERT_EQ(check.exit_code, 0) << check.output << read_file(stderr_file);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(check.output).get(doc), simdjson::SUCCESS) << check.output;
  auto asset = [&](std::string_view key) -> simdjson::dom::object {
    for (simdjson::dom::object a : doc["assets"].get_array())
      if (std::string_view(a["key"]) == key) return a;
    ADD_FAILURE() << "no asset " << key << " in " << check.output;
    return {};
  };
  auto text = [](simdjson::dom::object a, const char* field) -> std::string {
    simdjson::dom::element v;
    if (a[field].get(v) || v.is_null()) return "null";
    return std::string(std::string_view(v));
  };
  for (simdjson::dom::object c : doc["connections"].get_array())
    EXPECT_TRUE(c["error"].is_null()) << std::string_view(c["name"]) << ": " << check.output;

  // The source is stale; the model rebuilt from it is not, but holds its four-day-old data.
  EXPECT_EQ(text(asset("wh:shop.raw.orders"), "status"), "warn");
  const auto model = asset("wh:shop.analytics.fct_orders");
  EXPECT_EQ(text(model, "status"), "fresh");
  EXPECT_EQ(text(model, "data_time_from"), "wh:shop.raw.orders");
  // The tile reading it is late, judged on its data time, and names where the data comes from.
  const auto tile = asset("looker:dashboard/1/tile/11");
  EXPECT_EQ(text(tile, "status"), "warn");
  EXPECT_EQ(text(tile, "signal"), "data_time");
  EXPECT_EQ(text(tile, "data_time_from"), "wh:shop.raw.orders");
  EXPECT_THAT(text(tile, "reason"), HasSubstr("wh:shop.raw.orders"));
  EXPECT_EQ(text(asset("looker:dashboard/1/tile/12"), "status"), "fresh");
  // Dashboards roll up their tiles and carry their usage.
  const auto revenue = asset("looker:dashboard/1");
  EXPECT_EQ(text(revenue, "status"), "warn");
  EXPECT_EQ(text(revenue, "last_accessed_at"), "2026-11-30T08:00:05Z");
  EXPECT_EQ(text(asset("looker:dashboard/2"), "status"), "fresh");

  const auto why = run_command(
      {"/bin/sh", "-c", kBinary + " why looker:dashboard/1/tile/11 --config " + config + " 2>&1"});
  ASSERT_EQ(why.exit_code, 0) << why.output;
  EXPECT_THAT(why.output, HasSubstr("wh:shop.raw.orders"));
  EXPECT_THAT(why.output, HasSubstr("wh:shop.analytics.fct_orders"));
  EXPECT_THAT(why.output, HasSubstr("view orders"));
  // Only the joins the query needs: the orders tile does not read customers.
  EXPECT_THAT(why.output, ::testing::Not(HasSubstr("dim_customers")));
}

}  // namespace
}  // namespace freshwatch
