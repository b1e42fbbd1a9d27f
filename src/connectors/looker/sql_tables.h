// The tables a SQL statement reads, from its text alone: every table reference in FROM and
// JOIN clauses at any depth (subqueries, the bodies of WITH clauses), with the statement's own
// common table expressions traced through rather than reported. This is how a Looker tile is
// linked exactly to what it reads: Looker generates SQL with only the joins a query needs and
// its derived tables as common table expressions.
//
// Read by the dialect's rules: quoted identifiers ("x" for PostgreSQL, Snowflake, Redshift;
// `x` for BigQuery and MySQL), comments (-- and /* */), string literals, aliases with or
// without AS, comma joins, LATERAL, table functions and VALUES (not tables; noted in
// `problems`). Names are returned as written, unquoted, with whether each part was quoted;
// case folding and default database and schema are the caller's (connectors/identifiers.h).
//
// Thread contract: pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace freshwatch::connectors::looker {

enum class Dialect { kPostgres, kRedshift, kSnowflake, kBigQuery, kMySql, kOther };

struct TableRef {
  std::vector<std::string> parts;  // 1 to 3: [[database.]schema.]name, unquoted
  std::vector<bool> quoted;        // one per part
  std::string alias;               // empty when none
  // The common table expression whose body reads it (a derived table's view name); empty when
  // the statement's main query reads it.
  std::string via;

  bool operator==(const TableRef&) const = default;
};

struct SqlTables {
  std::vector<TableRef> tables;       // distinct (by parts and via), in order of first appearance
  std::vector<std::string> ctes;      // the statement's WITH names, in order
  std::vector<std::string> problems;  // what could not be read, in plain words
};

SqlTables tables_in_sql(std::string_view sql, Dialect dialect);

// The reading rules for an adapter name as connectors/identifiers.h names it (the result of
// dialect_for_looker): postgres, redshift, snowflake, bigquery, mysql and mariadb have their
// own; anything else is kOther ("x" and `x` both quote identifiers).
Dialect dialect_of(std::string_view adapter);

}  // namespace freshwatch::connectors::looker
