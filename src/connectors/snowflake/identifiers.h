// Snowflake identifier rules, so one table seen by Snowflake and by dbt is one asset.
//
// Snowflake stores an unquoted identifier in upper case (orders, Orders and ORDERS all name
// ORDERS) and a double-quoted one exactly as written ("Orders" is a different table, and
// "ORDERS" is ORDERS). An unquoted identifier starts with a letter or _ and holds only letters,
// digits, _ and $; anything else needs quotes. Inside quotes, "" stands for one ".
// (The account parameter QUOTED_IDENTIFIERS_IGNORE_CASE changes this; freshwatch assumes its
// default, FALSE.)
//
// A relation ("DB.SCHEMA.TABLE") is the three stored names joined with dots: what
// INFORMATION_SCHEMA reports, and what normalize_relation() makes of a name written in SQL,
// such as dbt's relation_name `analytics.public.orders` or `"ANALYTICS"."PUBLIC"."Orders"`.
//
// Thread contract: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace freshwatch::connectors::snowflake {

// The stored name of one identifier as written in SQL: `orders` -> ORDERS, `"Orders"` ->
// Orders, `"a""b"` -> a"b. Text that is neither a valid unquoted identifier nor properly quoted
// is kept as is (it can only have meant those exact characters).
std::string normalize_identifier(std::string_view written);

// Splits a dotted name written in SQL (`db.schema.table`, quoted parts may contain dots) into
// stored names; nullopt when quotes do not balance.
std::optional<std::vector<std::string>> split_qualified(std::string_view written);

// `analytics.public.orders` -> "ANALYTICS.PUBLIC.ORDERS"; empty when it cannot be parsed.
std::string normalize_relation(std::string_view written);

// The relation of a table as INFORMATION_SCHEMA reports it (names already stored form).
std::string catalog_relation(std::string_view database, std::string_view schema,
                             std::string_view name);

// `name` in double quotes with inner quotes doubled: names the stored name exactly.
std::string quote_identifier(std::string_view stored);

// A string literal in single quotes; quotes and backslashes escaped.
std::string quote_string(std::string_view text);

}  // namespace freshwatch::connectors::snowflake
