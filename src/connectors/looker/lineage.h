// From what a Looker query reads to the tables freshwatch knows: the pure half of tracing.
//
// A query's SQL (GET /queries/{id}/run/sql) is read by tables_in_sql() (sql_tables.h) in the
// Looker connection's dialect; resolve() then names every table the way the warehouse
// connectors and dbt do (model::Asset::relation): missing database and schema parts come from
// the Looker connection (GET /connections/{name}: database, schema; BigQuery: host is the
// project, database the dataset; MySQL and MariaDB: database is the schema, as they have no
// database level), and each part is case-folded by the shared identity rules
// (connectors/identifiers.h: dialect_for_looker(), then normalize_relation()); the SQL is read
// in dialect_of() that adapter. Tables in the connection's scratch schema named `LR$...`
// are persistent derived tables (PDTs): their name changes on every rebuild, so they are
// reported by their view (the part after the hash's `_`), never as warehouse tables.
//
// Without see_sql, explore_level() links a query to every table its explore names: the base
// view's sql_table_name and the joins' own sql_table_name; joins without one are named in the
// notes, never guessed.
//
// A query id never changes its definition, so a trace is kept between runs (CachedTrace,
// stored in the connection's state as compact JSON) and redone only when the explore behind
// it changed (its fingerprint) or the trace is older than `retrace_after`.
//
// Thread contract: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/looker/content.h"
#include "connectors/looker/sql_tables.h"
#include "core/clock.h"

namespace freshwatch::connectors::looker {

struct TracedTable {
  std::string relation;  // normalised: "ANALYTICS.PUBLIC.ORDERS"
  std::string via;       // Edge::via: "view orders", "explore-level"
  bool operator==(const TracedTable&) const = default;
};

struct TracedPdt {
  std::string view;   // the derived table's view
  std::string table;  // as written: LOOKER_SCRATCH.LR$5PYSF1586211411658_order_facts
  bool operator==(const TracedPdt&) const = default;
};

// What one query reads, resolved against its Looker connection.
struct Trace {
  std::string connection;  // the Looker connection's name
  std::vector<TracedTable> tables;
  std::vector<TracedPdt> pdts;
  std::vector<std::string> notes;  // what the tile's evidence must say
  bool explore_level = false;
};

// `connection` may be partial (only name and dialect) when GET /connections/{name} failed;
// `connection_problem` then says why, and tables named without a database or schema are
// resolved without them (and said so).
Trace resolve(const SqlTables& read, const LookerConnection& connection,
              std::string_view connection_problem = {});

// Explore-level lineage: each sql_table_name is read by tables_in_sql() as
// `SELECT * FROM <it>`.
Trace explore_level(const Explore& explore, const LookerConnection& connection,
                    std::string_view why, std::string_view connection_problem = {});

// The PDT's view, when `table` (its last part) is a persistent derived table of `connection`.
std::optional<std::string> pdt_view(const TableRef& table, const LookerConnection& connection);

// A query's trace as kept between runs: what the SQL reader found (before resolution, so a
// change to the Looker connection's database or schema applies at once), or that the SQL was
// refused (level explore: resolved from the current explore each run).
struct CachedTrace {
  std::string model;
  std::string explore;
  std::string fingerprint;  // Explore::fingerprint when traced
  core::TimePoint traced_at{};
  bool explore_level = false;
  std::string refused;  // why the SQL was refused (explore level)
  SqlTables read;
};

std::string encode(const CachedTrace& trace);
std::optional<CachedTrace> decode_trace(std::string_view json);

// Whether `cached` may be used now for a query on `explore`.
bool still_valid(const CachedTrace& cached, const Explore& explore, core::TimePoint now,
                 core::Duration retrace_after);

// A merge query's source query ids, as kept between runs.
std::string encode_merge(const MergeQuery& merge);
std::optional<MergeQuery> decode_merge(std::string_view json);

}  // namespace freshwatch::connectors::looker
