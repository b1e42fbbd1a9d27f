// The PostgreSQL connector's pure parts: identifier quoting, turning libpq and server errors
// into plain words, reading extract(epoch ...) values, and deciding a table's metadata-mode
// observation from its change counters, its newest commit timestamp and the previous
// observation. No I/O here, so every rule is unit-tested without a server.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <date/tz.h>

#include "core/clock.h"
#include "core/result.h"
#include "model/observation.h"

namespace freshwatch::connectors::postgres {

// Signal names, as stored in Observation::signal.
inline constexpr std::string_view kStatsSignal = "pg_stat_user_tables";
inline constexpr std::string_view kCommitSignal = "commit_timestamp";

// "name" with embedded double quotes doubled: always quoted, so mixed case, keywords and
// odd characters are kept exactly as stored in the catalog.
std::string quote_ident(std::string_view name);
// A column named in configuration, as SQL: written as in SQL, so a plain name is folded to lower
// case (`LoadedAt` -> "loadedat") and a double-quoted one keeps its case (`"LoadedAt"`).
std::string column_sql(std::string_view field);
// 'text' with embedded single quotes doubled (standard_conforming_strings is on since 9.1).
std::string quote_literal(std::string_view text);

// Where libpq was trying to connect, for messages ("127.0.0.1:5432", "/run/postgresql:5432").
struct Endpoint {
  std::string host;
  std::string port;
  std::string database;
  std::string user;
};

// A failed connection attempt in plain words with what to check, e.g. "could not connect to
// 127.0.0.1:5999: connection refused; check host and port in dsn". Never contains the password.
Error connect_error(std::string_view libpq_message, const Endpoint& endpoint,
                    int connect_timeout_seconds);

// A failed query on one table in plain words. `sqlstate` is the server's error code (empty for
// client-side failures); `relation` is schema.table.
struct TableQuery {
  std::string relation;
  std::string loaded_at_field;
  std::string filter;
  std::string user;
  int statement_timeout_seconds = 0;
};
std::string table_error(std::string_view sqlstate, std::string_view server_message,
                        const TableQuery& query);

// Reads the text of extract(epoch from ...) ("1714543200.123456", "-5", "1e9" is not produced)
// exactly, without going through a double. nullopt for "Infinity" or garbage.
std::optional<std::int64_t> parse_epoch_micros(std::string_view text);

// The instant of a max(loaded_at_field) value given its extract(epoch ...) text and its type
// (pg_typeof). timestamptz is exact; `timestamp without time zone` and `date` (midnight) are
// wall-clock times read in `naive_zone`.
Result<core::TimePoint> loaded_at_instant(std::string_view epoch_text, std::string_view type,
                                          const date::time_zone* naive_zone);

// Metadata mode: the inputs for one table.
struct MetadataReading {
  std::string asset_key;
  core::TimePoint now{};
  // n_tup_ins + n_tup_upd + n_tup_del, summed over partitions for a partitioned table.
  std::int64_t changes = 0;
  std::optional<std::int64_t> live_rows;  // n_live_tup (an estimate kept by the server)
  // max(pg_xact_commit_timestamp(xmin)) over the table's rows, when it was read.
  std::optional<core::TimePoint> newest_commit;
  // Why the commit timestamp was not read, or empty (said in the evidence).
  std::string commit_note;
  // The latest earlier observation of this table by either metadata signal, or null.
  const model::Observation* previous = nullptr;
};

// One observation whose `signal` names the signal that decided `changed_at`:
//  - counters rose since the previous observation: changed at `now` (pg_stat_user_tables), or
//    at the newest commit timestamp when that is later than the previous observation
//    (commit_timestamp, the exact time);
//  - counters unchanged: the previous changed_at carries over (under the previous signal), or
//    the newest commit timestamp when the previous one was unknown;
//  - first sight, or a counter that fell (statistics reset): the newest commit timestamp when
//    known, otherwise unknown, and the evidence says why.
// `marker` always carries the counter for the next comparison.
model::Observation decide_metadata(const MetadataReading& reading);

// The counter stored in a marker written by decide_metadata, or nullopt.
std::optional<std::int64_t> parse_marker(std::string_view marker);

}  // namespace freshwatch::connectors::postgres
