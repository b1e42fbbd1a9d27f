#include "connectors/dbt/identifiers.h"

#include <cctype>

namespace freshwatch::connectors::dbt {

namespace {

enum class Fold { kKeep, kUpperUnquoted, kLowerUnquoted, kLowerAlways };

Fold fold_for(std::string_view adapter) {
  if (adapter == "snowflake") return Fold::kUpperUnquoted;
  if (adapter == "postgres") return Fold::kLowerUnquoted;
  if (adapter == "redshift" || adapter == "duckdb" || adapter == "databricks" ||
      adapter == "spark" || adapter == "trino" || adapter == "athena")
    return Fold::kLowerAlways;
  return Fold::kKeep;
}

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

}  // namespace freshwatch::connectors::dbt
