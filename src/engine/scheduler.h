// Scheduler: when each connection collects. A connection runs at the occurrences of its cron
// schedule, each shifted by a jitter that is fixed per connection name (so many connections on
// one schedule do not hit their sources at the same instant, and tests are predictable). A run
// that outlives its timeout is cancelled. After a failed run the connection is retried with
// exponential backoff (first delay, then twice that, ...) as long as the retry comes before
// the next scheduled slot. Runs of one connection never overlap or pile up: slots that pass
// while a run is in progress are skipped, not queued.
//
// Every decision here is a pure function of the clock value handed in; the engine owns the
// loop that waits for the next decision point (Engine::run) and the threads that collect.
//
// Thread contract: ConnectionSchedule is a plain value, not synchronised; the engine guards
// each with its own mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/clock.h"

namespace freshwatch::engine {

// The first occurrence of a schedule strictly after the argument; empty when there is none.
using NextOccurrence = std::function<std::optional<core::TimePoint>(core::TimePoint)>;

// A schedule firing every `period` from the unix epoch (tests, and `every:`-style schedules).
NextOccurrence every(core::Duration period);

struct ScheduleOptions {
  core::Duration jitter{0};         // largest delay added to each slot
  core::Duration timeout{std::chrono::minutes(5)};
  int retries = 3;                  // retries after a failure, before the next slot
  core::Duration retry_backoff{std::chrono::seconds(30)};

  static ScheduleOptions from(const config::ConnectionConfig& connection);
};

// A delay in [0, max) derived from the connection name alone (FNV-1a), whole seconds when
// max is at least a second.
core::Duration jitter_for(std::string_view name, core::Duration max);

// The first slot (occurrence + jitter) strictly after `after`.
std::optional<core::TimePoint> next_slot(const NextOccurrence& next, core::Duration jitter,
                                         core::TimePoint after);

// The delay before retry number `attempt` (1-based): first, 2·first, 4·first, ... capped at
// 2^16·first.
core::Duration backoff_delay(core::Duration first, int attempt);

class ConnectionSchedule {
 public:
  ConnectionSchedule(std::string name, NextOccurrence next, ScheduleOptions options);

  // Sets the first run: now, unless the latest recorded run (from the store) finished after
  // the slot that is current at `now`, in which case the next slot. A restart after downtime
  // runs once to catch up, never once per missed slot.
  void resume(core::TimePoint now, std::optional<core::TimePoint> last_finished);

  bool due(core::TimePoint now) const { return !running_ && next_due_ && now >= *next_due_; }
  // Marks the run started; it is overdue (to be cancelled) from now + timeout.
  void begin(core::TimePoint now);
  bool overdue(core::TimePoint now) const { return running_ && now >= deadline_; }
  // Plans the next run after one that ended at `now`.
  void finish(core::TimePoint now, bool ok);

  // When the loop must look at this connection again: the deadline of a running run, else the
  // next due time; empty when nothing is planned.
  std::optional<core::TimePoint> wake_at() const;

  const std::string& name() const { return name_; }
  bool running() const { return running_; }
  std::optional<core::TimePoint> next_due() const { return next_due_; }
  core::TimePoint deadline() const { return deadline_; }
  core::Duration jitter() const { return jitter_; }
  int consecutive_failures() const { return failures_; }
  int retries_used() const { return retries_used_; }
  const ScheduleOptions& options() const { return options_; }

 private:
  std::string name_;
  NextOccurrence next_;
  ScheduleOptions options_;
  core::Duration jitter_;
  bool running_ = false;
  core::TimePoint deadline_{};
  std::optional<core::TimePoint> next_due_;
  int failures_ = 0;      // consecutive failed runs
  int retries_used_ = 0;  // retries since the last scheduled slot
};

}  // namespace freshwatch::engine
