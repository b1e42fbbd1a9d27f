// The demo's dbt project: a target/ folder (manifest.json, run_results.json, sources.json) that
// `freshwatch demo` writes next to its warehouse, so the lineage from the warehouse's tables
// through staging and mart models to a dashboard, and the stale tables at its root, are visible
// from the first start. Sources point at demo tables (sales.orders, payments, customers,
// invoices); two staging models are demo tables too (staging.stg_payments, stg_customers), so
// each is one asset carrying the warehouse's and dbt's signals. Times follow the planned tables.
//
// Thread contract: plain functions; one caller at a time per directory.
#pragma once

#include <string>
#include <vector>

#include "cli/demo_warehouse.h"
#include "core/result.h"

namespace freshwatch::cli {

inline constexpr const char* kDemoDbtConnection = "dbt";

struct DemoDbtFiles {
  std::string manifest, run_results, sources;
};

// The three artifacts' text (no I/O).
DemoDbtFiles demo_dbt_artifacts(const DemoOptions& options, const std::vector<DemoTable>& tables);

// Writes DIR/dbt/target/{manifest,run_results,sources}.json.
Result<void> write_demo_dbt(const DemoOptions& options, const std::vector<DemoTable>& tables);

// The connection's lines for the demo's freshwatch.yml (under `connections:`).
std::string demo_dbt_connection();

}  // namespace freshwatch::cli
