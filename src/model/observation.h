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
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

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

// The latest observations of one asset as the engine and its snapshots share them: a copy is
// one shared block, and changing one copies the block first when another holds it, so a
// published snapshot never sees a change.
class Observations {
 public:
  Observations() = default;
  Observations(std::vector<Observation> items);  // NOLINT: a list of observations is one
  Observations(std::initializer_list<Observation> items)
      : Observations(std::vector<Observation>(items)) {}

  const Observation* begin() const { return items_ ? items_->data() : nullptr; }
  const Observation* end() const { return begin() + size(); }
  std::size_t size() const { return items_ ? items_->size() : 0; }
  bool empty() const { return size() == 0; }
  const Observation& operator[](std::size_t i) const { return (*items_)[i]; }
  operator std::span<const Observation>() const { return {begin(), size()}; }  // NOLINT

  // The observations to change, copied first when they are shared.
  std::vector<Observation>& edit();
  void push_back(Observation o) { edit().push_back(std::move(o)); }

  bool operator==(const Observations& other) const;

 private:
  std::shared_ptr<std::vector<Observation>> items_;
};

}  // namespace freshwatch::model
