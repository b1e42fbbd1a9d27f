// The tables a SQL statement reads, from its text alone: every table reference in FROM and
// JOIN clauses at any depth (subqueries in FROM, JOIN, WHERE and the select list, the bodies of
// WITH clauses), with the statement's own common table expressions traced through rather than
// reported. This is how a Looker tile is linked exactly to what it reads: Looker generates SQL
// with only the joins a query needs and its derived tables as common table expressions (or
// inline subqueries), and persistent derived tables as ordinary tables in the scratch schema.
//
// What is read:
//   - WITH [RECURSIVE], several CTEs, column lists, [NOT] MATERIALIZED; a CTE's name hides a
//     table of that name after its definition (within its own body too when recursive). A
//     table read inside a CTE's body has `via` = that CTE (the innermost, for nested WITHs);
//     a CTE that reads an earlier CTE adds nothing of its own: the earlier one's tables carry
//     the earlier one's name. `ctes` lists every WITH name met, at any depth.
//   - every JOIN form, comma joins, LATERAL, parenthesised joins, aliases with or without AS;
//     UNION / INTERSECT / EXCEPT / MINUS, WHERE, GROUP BY, QUALIFY, WINDOW, ORDER BY, LIMIT.
//   - FROM that is no table's: EXTRACT(x FROM y), SUBSTRING(x FROM n), TRIM(x FROM y),
//     IS [NOT] DISTINCT FROM.
//   - UNNEST, FLATTEN, row generators (generate_series, GENERATOR, …), the JSON expanders and
//     VALUES read no table and are skipped; any other table function (TABLE(RESULT_SCAN(…)),
//     a user's function) is named in `problems`, as it may read tables unseen. The arguments
//     of both are still read for subqueries.
//   - Lexical rules per dialect: quoted identifiers ("x" with "" inside for PostgreSQL,
//     Redshift and Snowflake; `x` for BigQuery and MySQL, where `project.dataset.table` in one
//     pair of BigQuery backticks is three parts; both for kOther), unquoted BigQuery projects
//     with dashes; comments (-- and /* */; # too for BigQuery and MySQL); string literals ('x'
//     with '' inside; also "x" for BigQuery and MySQL; backslash escapes where the dialect has
//     them; E'x' for PostgreSQL and Redshift; BigQuery's r/b prefixes and triple quotes;
//     dollar quotes $$x$$ and, for PostgreSQL and Redshift, $tag$x$tag$).
// Names are returned as written, unquoted, with whether each part was quoted; case folding and
// default database and schema are the caller's (connectors/identifiers.h). Names of more than
// three parts keep the last three; a name with an empty part is left out (a problem).
//
// Bad input (an unterminated string, quoted name or comment, unbalanced parentheses, nesting
// deeper than 200) gives what could be read before it and a line in `problems` (at most 20,
// then one saying there were more); no input crashes or takes more than linear-ish time.
//
// Hand-written on purpose: the one SQL parser Debian packages for C++ (libpg-query) is
// PostgreSQL's grammar only and refuses a whole statement at the first construct it does not
// know (backticks, QUALIFY, FLATTEN(input => …), # comments), where a best-effort reading of
// FROM and JOIN across dialects is what lineage needs.
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
// dialect_for_looker): postgres, redshift, snowflake and bigquery have their own; mysql,
// mariadb, databricks, spark and hive read as kMySql (backtick names, '…' and "…" strings with
// backslash escapes); anything else (trino, presto, athena, sqlserver, "") is kOther.
Dialect dialect_of(std::string_view adapter);

}  // namespace freshwatch::connectors::looker
