#include "connectors/identifiers.h"

#include <array>
#include <cctype>
#include <utility>

namespace freshwatch::connectors {

namespace {

enum class Fold { kKeep, kUpperUnquoted, kLowerUnquoted, kLowerAlways };

Fold fold_for(std::string_view adapter) {
  if (adapter == "snowflake") return Fold::kUpperUnquoted;
  if (adapter == "postgres") return Fold::kLowerUnquoted;
  if (adapter == "redshift" || adapter == "duckdb" || adapter == "databricks" ||
      adapter == "spark" || adapter == "hive" || adapter == "trino" || adapter == "presto" ||
      adapter == "athena")
    return Fold::kLowerAlways;
  return Fold::kKeep;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// Looker's dialect names (the values of a connection's dialect_name) → adapter names.
constexpr std::array<std::pair<std::string_view, std::string_view>, 35> kLookerDialects{{
    {"postgres", "postgres"},
    {"postgres9_1", "postgres"},
    {"google_cloud_postgres", "postgres"},
    {"azure_postgres", "postgres"},
    {"greenplum", "postgres"},
    {"redshift", "redshift"},
    {"snowflake", "snowflake"},
    {"bigquery_standard_sql", "bigquery"},
    {"bigquery", "bigquery"},
    {"bigquery_legacy_sql", "bigquery"},
    {"mysql", "mysql"},
    {"mysql_8", "mysql"},
    {"amazonaurora", "mysql"},
    {"googlecloudsql", "mysql"},
    {"memsql", "mysql"},
    {"memsql_7", "mysql"},
    {"mariadb", "mariadb"},
    {"databricks", "databricks"},
    {"spark1_5", "spark"},
    {"spark2_0", "spark"},
    {"spark_3", "spark"},
    {"hive2", "hive"},
    {"hive2_3", "hive"},
    {"hive3", "hive"},
    {"trino", "trino"},
    {"prestosql", "trino"},
    {"presto", "presto"},
    {"qubole_presto", "presto"},
    {"athena", "athena"},
    {"mssql_2008", "sqlserver"},
    {"mssql_2012", "sqlserver"},
    {"mssql_2016", "sqlserver"},
    {"mssql_2017", "sqlserver"},
    {"msazuresql", "sqlserver"},
    {"mssqldw", "sqlserver"},
}};

// dbt's default quoting: dbt-snowflake quotes nothing; dbt-postgres and most others quote all.
bool default_quoted(std::string_view adapter) { return adapter != "snowflake"; }

}  // namespace

std::string normalize_identifier(std::string_view adapter_type, std::string_view name,
                                 std::optional<bool> quoted) {
  std::string out(name);
  const bool q = quoted.value_or(default_quoted(adapter_type));
  switch (fold_for(adapter_type)) {
    case Fold::kKeep:
      break;
    case Fold::kUpperUnquoted:
      if (!q)
        for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      break;
    case Fold::kLowerUnquoted:
      if (q) break;
      [[fallthrough]];
    case Fold::kLowerAlways:
      for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      break;
  }
  return out;
}

std::string normalize_relation(std::string_view adapter_type, std::string_view database,
                               std::string_view schema, std::string_view identifier,
                               const Quoting& quoting) {
  std::string out;
  auto add = [&](std::string_view part, std::optional<bool> quoted) {
    if (part.empty()) return;
    if (!out.empty()) out += '.';
    out += normalize_identifier(adapter_type, part, quoted);
  };
  add(database, quoting.database);
  add(schema, quoting.schema);
  add(identifier, quoting.identifier);
  return out;
}

std::string_view dialect_for_looker(std::string_view looker_dialect_name) {
  for (const auto& [looker, adapter] : kLookerDialects)
    if (equals_ignoring_case(looker, looker_dialect_name)) return adapter;
  return {};
}

}  // namespace freshwatch::connectors
