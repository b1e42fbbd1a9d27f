// How a dbt adapter names a relation in its warehouse's catalog, so a dbt node and the table a
// warehouse connector reports can be recognised as one (model::Asset::relation).
//
// Rules per metadata.adapter_type (an unquoted identifier is folded the way the warehouse
// folds it; a quoted one is kept as written):
//   snowflake                     unquoted → UPPER case (dbt-snowflake quotes nothing by default)
//   postgres, redshift(quoted)    unquoted → lower case (dbt-postgres quotes by default, so
//                                 names are usually kept as written)
//   redshift                      always lower case (identifiers are case-insensitive unless the
//                                 cluster enables case sensitivity)
//   duckdb, databricks, spark,    always lower case (names compare case-insensitively and are
//   trino, athena                 stored lower-cased)
//   bigquery                      kept as written (datasets and tables are case-sensitive)
//   mysql, mariadb, sqlite,       kept as written (the MySQL connector lower-cases by the
//   sqlserver, anything else      server's lower_case_table_names)
// Empty parts are left out: dbt-mysql has no database level, so its relations are
// "schema.identifier" like the MySQL connector's "db.table".
//
// Thread contract: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace freshwatch::connectors::dbt {

struct Quoting {
  std::optional<bool> database, schema, identifier;  // empty: the adapter's default
};

// One identifier as the catalog stores it.
std::string normalize_identifier(std::string_view adapter_type, std::string_view name,
                                 std::optional<bool> quoted);

// "database.schema.identifier" with each part normalised; empty parts are skipped.
std::string normalize_relation(std::string_view adapter_type, std::string_view database,
                               std::string_view schema, std::string_view identifier,
                               const Quoting& quoting = {});

}  // namespace freshwatch::connectors::dbt
