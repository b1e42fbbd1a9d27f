// How a warehouse names a relation in its catalog, so that one table seen by several connectors
// (a warehouse connector, a dbt source or model, a Looker tile's SQL) is recognised as one
// (model::Asset::relation). These are the shared identity rules: one function per dialect,
// used by every connector that names tables written by someone else.
//
// A dialect is named as dbt names its adapters (metadata.adapter_type); other sources map their
// own names onto these (dialect_for_looker). An unquoted identifier is folded the way the
// warehouse folds it; a quoted one is kept as written:
//   snowflake                     unquoted → UPPER case (dbt-snowflake quotes nothing by default)
//   postgres                      unquoted → lower case (dbt-postgres quotes by default, so
//                                 names are usually kept as written)
//   redshift                      always lower case (identifiers are case-insensitive unless the
//                                 cluster enables case sensitivity)
//   duckdb, databricks, spark,    always lower case (names compare case-insensitively and are
//   hive, trino, presto, athena   stored lower-cased)
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

namespace freshwatch::connectors {

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

// The adapter name above for a Looker connection's `dialect_name` (GET /connections/{name}):
//   postgres, postgres9_1, google_cloud_postgres, azure_postgres, greenplum → postgres
//   redshift → redshift            snowflake → snowflake
//   bigquery_standard_sql, bigquery (Legacy SQL), bigquery_legacy_sql → bigquery
//   mysql, mysql_8, amazonaurora, googlecloudsql, memsql, memsql_7 → mysql
//   mariadb → mariadb              databricks → databricks
//   spark1_5, spark2_0, spark_3 → spark        hive2, hive2_3, hive3 → hive
//   trino, prestosql → trino       presto, qubole_presto → presto       athena → athena
//   mssql_2008, mssql_2012, mssql_2016, mssql_2017, msazuresql, mssqldw → sqlserver
// Matching ignores case. Any other dialect gives "" (names are then kept as written).
std::string_view dialect_for_looker(std::string_view looker_dialect_name);

}  // namespace freshwatch::connectors
