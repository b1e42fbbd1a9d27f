// Observation: one reading of when an asset's data last changed, as one signal saw it at one
// moment. Connectors produce observations; they never decide status.
//
// An asset may carry several signals (a warehouse's own change time, a max(loaded_at) query,
// dbt's source freshness, a dbt model's last run); the engine keeps the latest observation of
// each signal, and the policy judges them together.
//
// Thread contract: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"

namespace freshwatch::model {

struct Observation {
  std::string asset_key;
  core::TimePoint observed_at{};
  // When the data last changed, as far as this signal knows. Empty when the signal cannot tell
  // (first sight of a change counter, an empty table, a failed read).
  std::optional<core::TimePoint> changed_at;
  // The signal's stable name, e.g. "max(_loaded_at)", "pg_stat_user_tables",
  // "information_schema.tables.update_time", "dbt_source_freshness", "dbt_run".
  std::string signal;
  // How the signal knows, in words a user reads on the asset page:
  // "max(_loaded_at) = 2024-05-01T06:00:00Z", "inserts+updates+deletes rose from 10 to 12".
  std::string evidence;
  std::optional<std::int64_t> row_count;
  // Opaque state a connector compares between runs (for example modification counters).
  std::string marker;
  // Why this reading failed, in plain words; empty on success. A failed reading makes the
  // asset `unknown` and names the error.
  std::string error;

  bool ok() const { return error.empty(); }
  bool operator==(const Observation&) const = default;
};

}  // namespace freshwatch::model
