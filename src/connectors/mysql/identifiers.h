// MySQL identifier rules the connector relies on: quoting names for SQL, and the normalised
// relation name ("db.table") that lets other connectors (dbt) recognise the same table.
//
// Database and table names follow the server's lower_case_table_names: 0 stores and compares
// them as written (case-sensitive), 1 stores them lower-cased, 2 stores them as written but
// compares them lower-cased. With 1 or 2 the relation is lower-cased; with 0 it is kept as is.
// Column names are always case-insensitive.
//
// Thread contract: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace freshwatch::connectors::mysql {

// `name` in backticks, with backticks inside doubled: any name is safe in a query.
std::string quote_identifier(std::string_view name);

// A string literal in single quotes, with quotes, backslashes and NULs escaped.
std::string quote_string(std::string_view text);

std::string relation_name(std::string_view database, std::string_view table,
                          int lower_case_table_names);

}  // namespace freshwatch::connectors::mysql
