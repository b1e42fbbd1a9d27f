// Collecting N tables from one MariaDB database: metadata mode (one information_schema query
// for all tables) versus query mode (one SELECT MAX(...) per table, as dbt's source freshness
// does), at concurrency 1 and 4. Tables: FRESHWATCH_BENCH_TABLES (default 1000).
//
//   build/release/bench/mysql/mysql_collect_bench
#include <cstdlib>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "connectors/mysql/mysql_connector.h"
#include "support/mariadb_server.h"

namespace freshwatch {
namespace {

int table_count() {
  const char* n = std::getenv("FRESHWATCH_BENCH_TABLES");
  return n ? std::atoi(n) : 1000;
}

testing::MariadbServer* server() {
  static std::unique_ptr<testing::MariadbServer> s = [] {
    auto started = testing::MariadbServer::start();
    if (!started) {
      fmt::print(stderr, "cannot start MariaDB: {}\n", started.error().message);
      std::exit(1);
    }
    std::string sql = "CREATE DATABASE bench;";
    for (int i = 0; i < table_count(); ++i)
      sql += fmt::format(
          "CREATE TABLE bench.t{0} (id INT PRIMARY KEY, loaded_at DATETIME);"
          "INSERT INTO bench.t{0} VALUES (1, NOW()), (2, NOW());",
          i);
    (*started)->execute(sql);
    return std::move(*started);
  }();
  return s.get();
}

void collect(benchmark::State& state, bool query_mode, int concurrency) {
  config::ConnectionConfig c;
  c.name = "bench";
  c.type = "mysql";
  c.dsn = server()->dsn("bench");
  c.concurrency = concurrency;
  if (query_mode) c.loaded_at_field = "loaded_at";
  auto connector = connectors::mysql::make_connector(c);
  core::SystemClock clock;
  connectors::PreviousObservations previous;
  for (auto _ : state) {
    connectors::CollectContext context{clock, previous, {}};
    auto result = (*connector)->collect(context);
    if (!result) state.SkipWithError(result.error().message.c_str());
    benchmark::DoNotOptimize(result);
  }
  state.counters["tables"] = table_count();
}

void BM_Metadata(benchmark::State& state) { collect(state, false, 1); }
void BM_QueryPerTable(benchmark::State& state) { collect(state, true, static_cast<int>(state.range(0))); }

BENCHMARK(BM_Metadata)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_QueryPerTable)->Arg(1)->Arg(4)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace freshwatch

BENCHMARK_MAIN();
