// Metadata signals for Snowflake tables: turning one row of INFORMATION_SCHEMA.TABLES (or
// SNOWFLAKE.ACCOUNT_USAGE.TABLES) into an Observation, telling a data change from a schema
// change where the metadata allows. Pure, so every case is unit-tested without a server.
//
// What the columns mean (Snowflake's documentation of the TABLES view):
//  - LAST_ALTERED moves on DML (even one that changes no rows), on DDL, and on background
//    maintenance (reclustering, for example). On its own it cannot tell them apart.
//  - LAST_DDL moves on DDL only (CREATE/ALTER/DROP/UNDROP TABLE, column changes, setting a
//    comment or parameter). Older accounts and views of the catalog may lack the column.
//  - CREATED is when this incarnation of the table was created; CREATE OR REPLACE (how dbt
//    builds a table) moves it, and the new table's data is new.
//  - ROW_COUNT and BYTES are kept by the metadata service, exact and free to read.
//
// The rules (L = LAST_ALTERED, D = LAST_DDL, C = CREATED, P = the data change time an earlier
// observation found; "content" = ROW_COUNT and BYTES):
//  1. No earlier observation, or the table was re-created since (C moved):
//     - L after D (or no LAST_DDL column): data changed at L (DML; with no LAST_DDL, possibly
//       DDL or maintenance, and the evidence says so).
//     - L at D: the last change was DDL. When D is C the DDL is the creation and the data is
//       from C. Otherwise the data last changed somewhere between C and D; freshwatch takes C,
//       which can only make the table look older, never fresher, until it sees a data change.
//  2. L has not moved since the earlier observation: nothing happened; P stands.
//  3. L moved and the content changed: data changed at L (with D at L: DDL and data together).
//  4. L moved and the content did not change: not a data change. With D at L it was a schema
//     change; otherwise background maintenance or a DML that changed nothing. P stands.
//  Without ROW_COUNT/BYTES (views, some table types) rule 4 cannot apply and rule 3 is used.
//
// The observation's marker records L, D, C, ROW_COUNT and BYTES for the next run.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "model/observation.h"

namespace freshwatch::connectors::snowflake {

inline constexpr std::string_view kInformationSchemaSignal = "information_schema.tables.last_altered";
inline constexpr std::string_view kAccountUsageSignal = "account_usage.tables.last_altered";
inline constexpr std::string_view kDynamicTableSignal = "dynamic_table.data_timestamp";

// One row of the TABLES view, times already decoded.
struct TableRow {
  std::string database;
  std::string schema;
  std::string name;
  std::string type;  // TABLE_TYPE: BASE TABLE, VIEW, MATERIALIZED VIEW, EXTERNAL TABLE, ...
  bool is_dynamic = false;
  std::optional<core::TimePoint> created;
  std::optional<core::TimePoint> last_altered;
  std::optional<core::TimePoint> last_ddl;
  bool has_last_ddl = false;  // the view has the column (a NULL in it is still "present")
  std::optional<std::int64_t> row_count;
  std::optional<std::int64_t> bytes;

  bool is_view() const { return type == "VIEW" || type == "MATERIALIZED VIEW"; }
};

struct SignalOptions {
  std::string_view signal = kInformationSchemaSignal;
  // Appended to the evidence (account_usage: its latency).
  std::string_view note;
};

// A table's metadata observation; `previous` is the latest earlier observation of this asset by
// the same signal, or null.
model::Observation observe_table(const TableRow& row, std::string asset_key,
                                 core::TimePoint observed_at, const model::Observation* previous,
                                 const SignalOptions& options = {});

// A (non-materialized) view holds no data of its own: an observation without a change time that
// says so, unless query mode reads it.
model::Observation observe_view(const TableRow& row, std::string asset_key,
                                core::TimePoint observed_at, std::string_view signal);

// A dynamic table: DATA_TIMESTAMP (from SHOW DYNAMIC TABLES) is the time its data is current
// as of. Null when the table has not refreshed yet.
model::Observation observe_dynamic_table(std::string asset_key, core::TimePoint observed_at,
                                         std::optional<core::TimePoint> data_timestamp,
                                         std::string_view refresh_mode,
                                         std::optional<std::int64_t> row_count);

}  // namespace freshwatch::connectors::snowflake
