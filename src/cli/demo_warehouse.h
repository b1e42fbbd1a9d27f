// The demo: a generated SQLite warehouse (about 40 tables over the schemas main, sales,
// marketing, finance, ops and staging; data ages from minutes to 200 days, so every status
// appears; tables without a timestamp column; a column of garbage; a broken view), the
// freshwatch.yml that watches it, and 90 days of synthetic status history so the history bars
// are alive on first start. Everything is deterministic given the seed and `now`.
//
// Files under DIR: warehouse.db (schema main), schemas/<schema>.db (attached), freshwatch.yml.
//
// Thread contract: plain functions; one caller at a time per directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "model/asset.h"
#include "model/observation.h"
#include "model/policy.h"
#include "model/status.h"
#include "store/store.h"

namespace freshwatch::cli {

struct DemoOptions {
  std::filesystem::path dir;
  std::uint64_t seed = 42;
  core::TimePoint now{};
  std::string timezone = "Europe/Berlin";
  std::string listen = "127.0.0.1:8080";
};

enum class DemoColumn {
  kText,        // _loaded_at as 'YYYY-MM-DD HH:MM:SS' (UTC)
  kEpoch,       // _loaded_at as unix seconds
  kNone,        // no timestamp column: unknown
  kGarbage,     // updated_at holds text that is not a time: a read error
  kBrokenView,  // a view over a dropped table: a read error
};

struct DemoTable {
  std::string schema;
  std::string name;
  DemoColumn column = DemoColumn::kText;
  core::TimePoint changed_at{};  // the newest row's load time
  int rows = 0;
  // When monitoring of this table began in the synthetic history (days before today).
  int monitored_days = 87;
};

inline constexpr const char* kDemoConnection = "demo";
inline constexpr std::string_view kDemoSchemas[] = {"sales", "marketing", "finance", "ops",
                                                     "staging"};

// The demo tables and their ages (no I/O).
std::vector<DemoTable> plan_demo_tables(const DemoOptions& options);

// Writes warehouse.db and schemas/*.db, replacing earlier ones.
Result<void> write_demo_warehouse(const DemoOptions& options, const std::vector<DemoTable>& tables);

// The BI layer's lines in freshwatch.yml (demo_looker_config, pointing at the running stand-in).
struct DemoBiConfig {
  std::string connection;  // under `connections:`
  std::string policies;    // under `policies:`
};

// The configuration text for DIR/freshwatch.yml, with the BI layer's lines when given.
std::string demo_config(const DemoOptions& options, const DemoBiConfig& bi = {});

// A BI asset fed by demo tables (a dashboard tile or a Look), for the synthetic history.
struct DemoConsumer {
  model::Asset asset;
  std::vector<std::string> inputs;  // the demo tables it reads, "schema.name"
};

// Records synthetic history for the `days` days before today (in options.timezone): a seeded
// series of past loads per table that ends at its real load time, judged hour by hour with the
// table's own policy (so today agrees with the current data), and one observation per table and
// day (signal and evidence say "synthetic demo history") for the data-age chart. Days before
// monitoring began are left without data. Each of `consumers` is judged the same way on its
// data time, the oldest change among its inputs in that series (unknown when an input has no
// change time), from the day all its inputs were monitored; it gets statuses, no observations.
// See docs/cli.md.
Result<void> backfill_demo_history(store::Store& store, const DemoOptions& options,
                                   const std::vector<DemoTable>& tables,
                                   const std::function<model::Evaluation(
                                       const model::Asset&, std::span<const model::Observation>,
                                       core::TimePoint)>& evaluate,
                                   int days = 90, std::span<const DemoConsumer> consumers = {});

}  // namespace freshwatch::cli
