// PostgresConnector: collects one PostgreSQL database (type: postgres) through libpq.
//
// Configuration (PostgresOptions; the keys are declared in postgres_connector.cc):
//   dsn              libpq keyword string or URI; never logged or shown unredacted
//   selection        include/exclude, mode, loaded_at_field, filter, concurrency, tables,
//                    naive_timezone as every warehouse reads them (connectors/selection.h); globs
//                    match the names as the catalog stores them (unquoted names are lower-case);
//                    a loaded_at_field is a column name written as in SQL: `LoadedAt` is folded
//                    to `loadedat`, `"LoadedAt"` (double quotes) keeps case; query-mode tables are
//                    read `concurrency` at a time, each worker on its own connection
//   timeout          (common) the whole run; connect_timeout is min(max(timeout, 2 s), 30 s) and
//                    every statement gets statement_timeout = timeout
//
// Assets: connection `conn` -> database `conn:db` -> schema `conn:db.schema` -> relation
// `conn:db.schema.name`, with `relation` = db.schema.name exactly as the catalog stores them.
// Ordinary, partitioned and foreign tables are kind table; views and materialized views are
// kind view (the description says which). Partitions are not listed: their counters add up to
// their partitioned table. System schemas (pg_*, information_schema) are never listed.
//
// Queries per run: one catalog query lists every relation together with its change counters
// (pg_stat_user_tables, summed over partitions), whatever the number of tables. Then:
//  - metadata mode (every table without a loaded_at_field): the signal is the counters,
//    compared with the previous observation (see signals.h for the rules). Where
//    track_commit_timestamp is on, tables of at most `commit_timestamp_max_rows` rows
//    (n_live_tup + n_dead_tup; 10,000 by default) also get max(pg_xact_commit_timestamp(xmin)),
//    read in batches of UNION ALL queries; this reads every row, which is why larger tables are
//    left to the counters (docs/benchmarks.md measures the cost), and it is read only where it
//    can tell something new: first sight, counters that moved or were reset, or a table whose
//    last change time is still unknown. A table that sat still costs nothing beyond the
//    catalog query. Commit timestamps give an
//    exact time on first sight and after a statistics reset; deletes leave no commit timestamp,
//    so the counters still catch them. Views have no data of their own and get no observation.
//    Caveats of the counters: PostgreSQL publishes them with a delay (up to about 10 s,
//    stats_fetch_consistency and the stats flush interval), so a write lands in the next run at
//    worst; and a write that was rolled back still raises them, so it counts as a change.
//  - query mode (tables with a loaded_at_field): `select extract(epoch from max(field)),
//    pg_typeof(max(field)) from schema.table [where filter]` per table, `concurrency` at a time
//    on a small pool of connections. row_count comes from n_live_tup (count(*) would scan).
//    A table that fails (missing column, bad filter, permission denied, statement timeout)
//    gets an Observation whose error says so in plain words; the others carry on.
// A failure of the whole connection (refused, bad credentials, unknown database, connect
// timeout, the catalog query failing) is an Error; a stop request cancels the running queries
// (PQcancel) and returns kCancelled.
//
// Thread contract: collect() is called by one thread at a time; it starts up to `concurrency`
// worker threads of its own and joins them before returning.
#pragma once

#include <cstdint>
#include <memory>

#include <date/tz.h>

#include "connectors/connector.h"
#include "connectors/selection.h"

namespace freshwatch::connectors {

struct PostgresOptions {
  enum class Mode { kPerTable, kMetadata, kQuery };
  std::string dsn;
  Mode mode = Mode::kPerTable;
  Selection selection;
};

class PostgresConnector final : public Connector {
 public:
  struct Tuning {
    // Largest table (n_live_tup + n_dead_tup) whose newest commit timestamp is read; 0 turns
    // commit timestamps off, a negative value reads them for every table.
    std::int64_t commit_timestamp_max_rows = 10'000;
    int commit_timestamp_batch = 25;  // tables per UNION ALL query (planning grows faster than linearly)
  };

  // Checks the options (dsn syntax, naive_timezone) without connecting.
  static Result<std::unique_ptr<PostgresConnector>> create(const config::ConnectionConfig& config,
                                                           PostgresOptions options, Tuning tuning);
  static Result<std::unique_ptr<PostgresConnector>> create(const config::ConnectionConfig& config,
                                                           PostgresOptions options) {
    return create(config, std::move(options), Tuning{});
  }

  Result<Collection> collect(const CollectContext& context) override;

 private:
  PostgresConnector(config::ConnectionConfig config, PostgresOptions options, Tuning tuning,
                    const date::time_zone* naive_zone);

  config::ConnectionConfig config_;
  PostgresOptions options_;
  Tuning tuning_;
  const date::time_zone* naive_zone_;
};

void register_postgres();

}  // namespace freshwatch::connectors
