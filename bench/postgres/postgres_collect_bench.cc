// Collecting many tables from one PostgreSQL database, in one run on one server:
//   metadata/counters     the connector's metadata mode with change counters only: one catalog
//                         query for every table
//   metadata/commit_ts    metadata mode as configured by default, in steady state: counters,
//                         plus the newest commit timestamp (batched UNION ALL queries) of the
//                         tables of at most 10,000 rows where it can tell something new
//   metadata/commit_ts_first_sight  the same on first sight, where every non-empty table of at
//                         most 10,000 rows gets its commit timestamp read
//   query/concurrency:N   the connector's query mode: one max(loaded_at) per table, N at once
//   dbt_style/raw         what dbt's source freshness does: `select max(loaded_at) from t` per
//                         table, one after another on one connection, plain libpq
//
// The benchmark starts its own PostgreSQL 15 (tests/support/postgres_server.h), creates
// $FRESHWATCH_BENCH_TABLES tables (10,000 by default; every 10th holds 100 rows) and stops the
// server at the end. Figures: docs/benchmarks.md, "PostgreSQL collection".
#include <benchmark/benchmark.h>
#include <libpq-fe.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "connectors/postgres/postgres_connector.h"
#include "support/postgres_server.h"

namespace {

using namespace freshwatch;
using namespace std::chrono_literals;

int table_count() {
  const char* env = std::getenv("FRESHWATCH_BENCH_TABLES");
  return env && *env ? std::max(1, std::atoi(env)) : 10'000;
}

config::ConnectionConfig connection(const testing::PostgresServer& server) {
  config::ConnectionConfig c;
  c.name = "bench";
  c.type = "postgres";
  c.dsn = server.dsn("bench");
  c.timeout = 10min;
  return c;
}

void collect(benchmark::State& state, const config::ConnectionConfig& config,
             connectors::PostgresConnector::Options options, int tables, bool warm = true) {
  auto connector = connectors::PostgresConnector::create(config, options);
  if (!connector) {
    state.SkipWithError(connector.error().message.c_str());
    return;
  }
  core::SystemClock clock;
  connectors::PreviousObservations previous;
  std::stop_source stop;
  // A first run outside the timing gives the previous observations a steady state compares to;
  // without it every timed run is a first sight.
  if (warm) {
    connectors::CollectContext context{clock, previous, stop.get_token()};
    auto first = (*connector)->collect(context);
    if (!first) {
      state.SkipWithError(first.error().message.c_str());
      return;
    }
    for (const auto& o : first->observations) previous.add(o);
  }
  std::size_t observations = 0, failed = 0;
  for (auto _ : state) {
    connectors::CollectContext context{clock, previous, stop.get_token()};
    auto result = (*connector)->collect(context);
    if (!result) {
      state.SkipWithError(result.error().message.c_str());
      return;
    }
    observations = result->observations.size();
    failed = 0;
    for (const auto& o : result->observations) failed += !o.ok();
    benchmark::DoNotOptimize(result);
  }
  state.counters["tables"] = tables;
  state.counters["observations"] = static_cast<double>(observations);
  state.counters["failed"] = static_cast<double>(failed);
  state.counters["tables_per_s"] =
      benchmark::Counter(tables, benchmark::Counter::kIsIterationInvariantRate);
}

void dbt_style(benchmark::State& state, const std::string& dsn, int tables) {
  PGconn* conn = PQconnectdb(dsn.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    state.SkipWithError(PQerrorMessage(conn));
    PQfinish(conn);
    return;
  }
  std::vector<std::string> queries;
  queries.reserve(tables);
  for (int i = 1; i <= tables; ++i)
    queries.push_back("select max(loaded_at) from public.t_" + std::to_string(i));
  for (auto _ : state) {
    for (const auto& q : queries) {
      PGresult* r = PQexec(conn, q.c_str());
      if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        state.SkipWithError(PQerrorMessage(conn));
        PQclear(r);
        PQfinish(conn);
        return;
      }
      benchmark::DoNotOptimize(PQgetvalue(r, 0, 0));
      PQclear(r);
    }
  }
  PQfinish(conn);
  state.counters["tables"] = tables;
  state.counters["tables_per_s"] =
      benchmark::Counter(tables, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  if (auto missing = testing::PostgresServer::missing_reason(); !missing.empty()) {
    std::fprintf(stderr, "postgres_collect_bench: skipped: %s\n", missing.c_str());
    return 0;
  }
  std::string error;
  auto server = testing::PostgresServer::start(&error);
  if (!server) {
    std::fprintf(stderr, "postgres_collect_bench: %s\n", error.c_str());
    return 1;
  }
  const int tables = table_count();
  const auto setup_start = std::chrono::steady_clock::now();
  if (auto e = server->create_database("bench")) {
    std::fprintf(stderr, "postgres_collect_bench: %s\n", e->c_str());
    return 1;
  }
  // Tables in batches of 1,000 per DO block (one transaction each, within the lock table).
  for (int from = 1; from <= tables; from += 1000) {
    const int to = std::min(tables, from + 999);
    auto e = server->execute(
        "do $$ begin for i in " + std::to_string(from) + ".." + std::to_string(to) +
            " loop execute format('create table public.t_%s (id int, loaded_at timestamptz)', i);"
            " if i % 10 = 0 then execute format('insert into public.t_%s select g, now() - g * "
            "interval ''1 minute'' from generate_series(1, 100) g', i); end if; end loop; end $$;"
            " select pg_stat_force_next_flush();",
        "bench");
    if (e) {
      std::fprintf(stderr, "postgres_collect_bench: creating tables: %s\n", e->c_str());
      return 1;
    }
  }
  const double setup_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_start).count();
  std::fprintf(stderr, "postgres_collect_bench: created %d tables (every 10th with 100 rows) in %.1f s\n",
               tables, setup_s);

  const auto metadata = connection(*server);
  connectors::PostgresConnector::Options counters_only;
  counters_only.commit_timestamp_max_rows = 0;
  auto query = connection(*server);
  query.loaded_at_field = "loaded_at";

  benchmark::RegisterBenchmark("postgres_collect/metadata/counters",
                               [&](benchmark::State& s) { collect(s, metadata, counters_only, tables); })
      ->Unit(benchmark::kMillisecond)
      ->MinTime(2.0)
      ->UseRealTime();
  benchmark::RegisterBenchmark("postgres_collect/metadata/commit_ts_first_sight",
                               [&](benchmark::State& s) { collect(s, metadata, {}, tables, false); })
      ->Unit(benchmark::kMillisecond)
      ->MinTime(2.0)
      ->UseRealTime();
  benchmark::RegisterBenchmark("postgres_collect/metadata/commit_ts",
                               [&](benchmark::State& s) { collect(s, metadata, {}, tables); })
      ->Unit(benchmark::kMillisecond)
      ->MinTime(2.0)
      ->UseRealTime();
  for (int n : {1, 4}) {
    auto q = query;
    q.concurrency = n;
    benchmark::RegisterBenchmark(("postgres_collect/query/concurrency:" + std::to_string(n)).c_str(),
                                 [q, tables](benchmark::State& s) { collect(s, q, {}, tables); })
        ->Unit(benchmark::kMillisecond)
        ->Iterations(3)
        ->UseRealTime();
  }
  benchmark::RegisterBenchmark("postgres_collect/dbt_style/raw",
                               [&](benchmark::State& s) { dbt_style(s, server->dsn("bench"), tables); })
      ->Unit(benchmark::kMillisecond)
      ->Iterations(3)
      ->UseRealTime();

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  server->stop();
  return 0;
}
