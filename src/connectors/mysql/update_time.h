// Metadata mode for MySQL/MariaDB: turning a row of information_schema.TABLES into an
// Observation of signal "information_schema.tables.update_time". Pure, so every case below is
// unit-tested without a server; the connector only reads the rows.
//
// What UPDATE_TIME means, and its caveats:
//  - MyISAM and Aria keep it in the table's files: it survives restarts.
//  - InnoDB (the default engine) keeps it in memory only. It is NULL after a server restart
//    until the table's next write, and also after the table leaves InnoDB's table cache on a
//    busy server. It is set at commit, to the second.
//  - MySQL 8 caches information_schema statistics (information_schema_stats_expiry, a day by
//    default); the connector sets it to 0 for its session so the values are current.
//  - Views and some engines (MEMORY, CONNECT, ...) have no UPDATE_TIME at all.
//
// A NULL UPDATE_TIME is therefore "no write since the server (or the table cache) last
// forgot", never "no write ever". The rules:
//  1. UPDATE_TIME set: the data changed then.
//  2. NULL, and an earlier observation of this table saw a change at X, and the table was not
//     re-created since X (CREATE_TIME <= X): X is carried forward. This is exact unless a
//     write landed between that earlier observation and the restart; then the true change is
//     later than X, so the error can only make a table look older (staler), never fresher.
//     The evidence says whether the server restarted (its start time moved) or the table only
//     left the cache.
//  3. NULL otherwise: unknown, with evidence saying why ("no write since the server started at
//     S", "since the table was created at C", "re-created at C", or the engine has none).
//
// The observation's marker records the server's start time ("started=<unix seconds>"), so the
// next run can tell a restart from a cache eviction.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "model/observation.h"

namespace freshwatch::connectors::mysql {

inline constexpr std::string_view kUpdateTimeSignal = "information_schema.tables.update_time";

// One row of information_schema.TABLES, times already in UTC.
struct TableMetadata {
  std::string schema;
  std::string name;
  bool is_view = false;
  std::string engine;
  std::optional<std::int64_t> table_rows;  // InnoDB: an estimate
  std::optional<core::TimePoint> create_time;
  std::optional<core::TimePoint> update_time;
};

// `server_started` is the server's own clock minus its uptime; `previous` is the latest
// earlier observation of this asset by this signal, or null.
model::Observation observe_update_time(const TableMetadata& table, std::string asset_key,
                                       core::TimePoint observed_at,
                                       core::TimePoint server_started,
                                       const model::Observation* previous);

}  // namespace freshwatch::connectors::mysql
