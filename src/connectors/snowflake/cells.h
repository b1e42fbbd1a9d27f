// Reading SQL API v2 answers: the JSON bodies (a ResultSet with rowType and data, or a
// QueryStatus / QueryFailureStatus) and the cells, which are strings encoded per column type
// (the "jsonv2" format):
//   FIXED (NUMBER)            decimal text, "42", "123.456000"
//   DATE                      days since 1970-01-01, "19723"
//   TIMESTAMP_NTZ             seconds since the epoch with a fraction, "1704231836.000000000",
//                             of the wall-clock time read as if it were UTC (no zone stored)
//   TIMESTAMP_LTZ             seconds since the epoch (an instant)
//   TIMESTAMP_TZ              seconds since the epoch (the instant, UTC), a space, and the
//                             offset in minutes plus 1440: "1616173619.000000000 1500" is +01:00
//   TEXT                      the text
// SQL NULL is JSON null. Type names arrive in upper or lower case.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>

#include "core/clock.h"
#include "core/result.h"

namespace freshwatch::connectors::snowflake {

struct Column {
  std::string name;
  std::string type;  // lower case: "fixed", "text", "timestamp_ntz", ...
  int scale = 0;
};

using Cell = std::optional<std::string>;
using Row = std::vector<Cell>;

struct ResultSet {
  std::string statement_handle;
  std::vector<Column> columns;
  std::vector<Row> rows;
  std::size_t partitions = 1;  // partitionInfo entries; rows holds partition 0 until joined

  // Index of a column by name (case-insensitive), or -1.
  int column(std::string_view name) const;
};

// The fields every answer may carry (QueryStatus, QueryFailureStatus, CancelStatus, ResultSet).
struct StatementStatus {
  std::string code;       // "333334" while running, "090001" on success, a SQL error code
  std::string sql_state;
  std::string message;
  std::string statement_handle;
};

// A full ResultSet (200 on submit, or partition 0). `data_only` accepts later partitions,
// which may carry only "data".
Result<ResultSet> parse_result_set(std::string_view body, bool data_only = false);
Result<StatementStatus> parse_status(std::string_view body);

// Cell decoders; the error message says what the text was.
Result<core::TimePoint> decode_epoch_seconds(std::string_view cell);  // LTZ and the TZ instant
struct ZonedInstant {
  core::TimePoint instant{};
  int offset_minutes = 0;  // -1440 .. 1440
};
Result<ZonedInstant> decode_timestamp_tz(std::string_view cell);
// NTZ: the wall-clock time, read in `zone` (UTC when null).
Result<core::TimePoint> decode_timestamp_ntz(std::string_view cell, const date::time_zone* zone);
// DATE: midnight of that day in `zone` (UTC when null).
Result<core::TimePoint> decode_date(std::string_view cell, const date::time_zone* zone);
// FIXED with scale 0 (ROW_COUNT, BYTES): a whole number; "12.000" is accepted as 12.
Result<std::int64_t> decode_integer(std::string_view cell);

// A cell of a date or time column, whatever its type; `how` (when not null) receives a short
// description for evidence ("TIMESTAMP_NTZ read in UTC"). Numbers and other types are errors.
Result<core::TimePoint> decode_time_cell(std::string_view cell, const Column& column,
                                         const date::time_zone* naive_zone, std::string* how);

}  // namespace freshwatch::connectors::snowflake
