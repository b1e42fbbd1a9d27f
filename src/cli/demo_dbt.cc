#include "cli/demo_dbt.h"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "core/time.h"

namespace freshwatch::cli {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct DemoNode {
  const char* id;           // unique_id after "<type>.shop."
  const char* type;         // model | source | exposure
  const char* schema;
  const char* name;
  const char* materialized;
  const char* file;
  std::vector<const char*> depends_on;
};

const std::vector<DemoNode>& nodes() {
  static const std::vector<DemoNode> kNodes = {
      {"sales.orders", "source", "sales", "orders", "", "models/staging/sources.yml", {}},
      {"sales.payments", "source", "sales", "payments", "", "models/staging/sources.yml", {}},
      {"sales.customers", "source", "sales", "customers", "", "models/staging/sources.yml", {}},
      {"sales.invoices", "source", "sales", "invoices", "", "models/staging/sources.yml", {}},
      {"stg_orders", "model", "staging", "stg_orders", "view", "models/staging/stg_orders.sql",
       {"source.shop.sales.orders"}},
      {"stg_payments", "model", "staging", "stg_payments", "table", "models/staging/stg_payments.sql",
       {"source.shop.sales.payments"}},
      {"stg_customers", "model", "staging", "stg_customers", "table",
       "models/staging/stg_customers.sql", {"source.shop.sales.customers"}},
      {"stg_invoices", "model", "staging", "stg_invoices", "view", "models/staging/stg_invoices.sql",
       {"source.shop.sales.invoices"}},
      {"fct_revenue", "model", "marts", "fct_revenue", "table", "models/marts/fct_revenue.sql",
       {"model.shop.stg_orders", "model.shop.stg_payments", "model.shop.stg_invoices"}},
      {"dim_customers", "model", "marts", "dim_customers", "table", "models/marts/dim_customers.sql",
       {"model.shop.stg_customers"}},
      {"revenue_dashboard", "exposure", "", "revenue_dashboard", "", "models/marts/exposures.yml",
       {"model.shop.fct_revenue", "model.shop.dim_customers"}},
  };
  return kNodes;
}

std::string uid(const DemoNode& n) { return fmt::format("{}.shop.{}", n.type, n.id); }

std::string list(const std::vector<const char*>& items) {
  std::string out;
  for (const char* i : items) out += fmt::format("{}\"{}\"", out.empty() ? "" : ", ", i);
  return "[" + out + "]";
}

const DemoTable* table(const std::vector<DemoTable>& tables, std::string_view schema,
                       std::string_view name) {
  for (const auto& t : tables)
    if (t.schema == schema && t.name == name) return &t;
  return nullptr;
}

}  // namespace

DemoDbtFiles demo_dbt_artifacts(const DemoOptions& o, const std::vector<DemoTable>& tables) {
  const std::string generated = core::format_timestamp(std::chrono::floor<std::chrono::seconds>(o.now));
  const std::string metadata = fmt::format(
      R"("dbt_version": "1.8.0", "generated_at": "{}", "invocation_id": "00000000-0000-4000-8000-000000000042")",
      generated);
  std::string nodes_json, sources_json, exposures_json, results, freshness;
  for (const auto& n : nodes()) {
    const std::string id = uid(n);
    const std::string type(n.type);
    if (type == "source") {
      sources_json += fmt::format(
          R"({}    "{}": {{"unique_id": "{}", "resource_type": "source", "package_name": "shop", "name": "{}",
      "source_name": "{}", "original_file_path": "{}", "database": null, "schema": "{}", "identifier": "{}",
      "loaded_at_field": "_loaded_at", "description": "Loaded by the shop's ingestion job.",
      "freshness": {{"warn_after": {{"count": 12, "period": "hour"}}, "error_after": {{"count": 1, "period": "day"}}}},
      "depends_on": {{"nodes": []}}}})",
          sources_json.empty() ? "" : ",\n", id, id, n.name, n.schema, n.file, n.schema, n.name);
      if (const auto* t = table(tables, n.schema, n.name)) {
        const auto age = o.now - t->changed_at;
        const char* status = age > 24h ? "error" : age > 12h ? "warn" : "pass";
        freshness += fmt::format(
            R"({}    {{"unique_id": "{}", "max_loaded_at": "{}", "snapshotted_at": "{}",
     "max_loaded_at_time_ago_in_s": {}, "status": "{}",
     "criteria": {{"warn_after": {{"count": 12, "period": "hour"}}, "error_after": {{"count": 1, "period": "day"}}}},
     "adapter_response": {{}}, "timing": [], "thread_id": "Thread-1", "execution_time": 0.02}})",
            freshness.empty() ? "" : ",\n", id, core::format_timestamp(t->changed_at), generated,
            std::chrono::duration_cast<std::chrono::seconds>(age).count(), status);
      }
    } else if (type == "model") {
      nodes_json += fmt::format(
          R"({}    "{}": {{"unique_id": "{}", "resource_type": "model", "package_name": "shop", "name": "{}",
      "original_file_path": "{}", "database": null, "schema": "{}", "alias": "{}",
      "config": {{"materialized": "{}"}}, "tags": ["{}"], "meta": {{"owner": "analytics-engineering"}},
      "description": "", "depends_on": {{"nodes": {}, "macros": []}}}})",
          nodes_json.empty() ? "" : ",\n", id, id, n.name, n.file, n.schema, n.name, n.materialized,
          n.schema, list(n.depends_on));
      // A model that is a demo table ran when that table last changed; the others an hour ago.
      const auto* t = table(tables, n.schema, n.name);
      const auto done = std::chrono::floor<std::chrono::seconds>(t ? t->changed_at : o.now - 50min);
      results += fmt::format(
          R"({}    {{"unique_id": "{}", "status": "success", "execution_time": 2.5, "message": "OK", "thread_id": "Thread-1",
     "adapter_response": {{}}, "timing": [{{"name": "execute", "started_at": "{}", "completed_at": "{}"}}]}})",
          results.empty() ? "" : ",\n", id, core::format_timestamp(done - 3s), core::format_timestamp(done));
    } else {
      exposures_json += fmt::format(
          R"(    "{}": {{"unique_id": "{}", "resource_type": "exposure", "package_name": "shop", "name": "{}",
      "label": "Revenue dashboard", "type": "dashboard", "original_file_path": "{}",
      "owner": {{"name": "Revenue analytics", "email": "revenue@example.com"}},
      "url": "https://bi.example.com/dashboards/revenue",
      "description": "Daily revenue by channel, read by the leadership team every morning.",
      "depends_on": {{"nodes": {}}}}})",
          id, id, n.name, n.file, list(n.depends_on));
    }
  }
  DemoDbtFiles files;
  files.manifest = fmt::format(R"({{
  "metadata": {{"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", {},
               "project_name": "shop", "adapter_type": "sqlite"}},
  "nodes": {{
{}
  }},
  "sources": {{
{}
  }},
  "exposures": {{
{}
  }}
}}
)",
                               metadata, nodes_json, sources_json, exposures_json);
  files.run_results = fmt::format(R"({{
  "metadata": {{"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json", {}}},
  "results": [
{}
  ],
  "elapsed_time": 12.5
}}
)",
                                  metadata, results);
  files.sources = fmt::format(R"({{
  "metadata": {{"dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v3.json", {}}},
  "results": [
{}
  ],
  "elapsed_time": 0.5
}}
)",
                              metadata, freshness);
  return files;
}

Result<void> write_demo_dbt(const DemoOptions& o, const std::vector<DemoTable>& tables) {
  const fs::path dir = o.dir / "dbt" / "target";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(ErrorCode::kUnavailable, "cannot create '{}': {}", dir.string(), ec.message());
  const auto files = demo_dbt_artifacts(o, tables);
  for (const auto& [name, text] : {std::pair{"manifest.json", &files.manifest},
                                   std::pair{"run_results.json", &files.run_results},
                                   std::pair{"sources.json", &files.sources}}) {
    std::ofstream f(dir / name, std::ios::trunc);
    f << *text;
    if (!f) return fail(ErrorCode::kUnavailable, "cannot write '{}'", (dir / name).string());
  }
  return {};
}

std::string demo_dbt_connection() {
  return fmt::format(R"(  # The dbt project that builds on the warehouse (artifacts written by the demo): its sources
  # and staging models are warehouse tables, so each table carries both signals.
  - name: {}
    type: dbt
    artifacts: dbt/target
    schedule: "*/5 * * * *"
    jitter: 5s
    owner: analytics-engineering
)",
                     kDemoDbtConnection);
}

}  // namespace freshwatch::cli
