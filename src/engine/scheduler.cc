#include "engine/scheduler.h"

#include <algorithm>

namespace freshwatch::engine {

NextOccurrence every(core::Duration period) {
  return [period](core::TimePoint after) -> std::optional<core::TimePoint> {
    if (period <= core::Duration::zero()) return std::nullopt;
    const auto since = after.time_since_epoch();
    auto n = since / period + 1;
    if (since < core::Duration::zero() && since % period != core::Duration::zero()) n -= 1;
    return core::TimePoint(n * period);
  };
}

ScheduleOptions ScheduleOptions::from(const config::ConnectionConfig& connection) {
  return {connection.jitter, connection.timeout, connection.retries, connection.retry_backoff};
}

core::Duration jitter_for(std::string_view name, core::Duration max) {
  if (max <= core::Duration::zero()) return core::Duration::zero();
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  const auto second = std::chrono::duration_cast<core::Duration>(std::chrono::seconds(1));
  if (max >= second) {
    const auto seconds = static_cast<std::uint64_t>(max / second);
    return second * static_cast<core::Duration::rep>(h % seconds);
  }
  return core::Duration(static_cast<core::Duration::rep>(h % static_cast<std::uint64_t>(max.count())));
}

std::optional<core::TimePoint> next_slot(const NextOccurrence& next, core::Duration jitter,
                                         core::TimePoint after) {
  if (!next) return std::nullopt;
  auto occurrence = next(after - jitter);
  if (!occurrence) return std::nullopt;
  return *occurrence + jitter;
}

core::Duration backoff_delay(core::Duration first, int attempt) {
  const int shift = std::clamp(attempt - 1, 0, 16);
  return first * (std::int64_t{1} << shift);
}

ConnectionSchedule::ConnectionSchedule(std::string name, NextOccurrence next,
                                       ScheduleOptions options)
    : name_(std::move(name)),
      next_(std::move(next)),
      options_(options),
      jitter_(jitter_for(name_, options.jitter)) {}

void ConnectionSchedule::resume(core::TimePoint now,
                                std::optional<core::TimePoint> last_finished) {
  next_due_ = now;
  if (!last_finished) return;
  auto slot = next_slot(next_, jitter_, *last_finished);
  if (slot && *slot > now) next_due_ = slot;
  if (!slot) next_due_.reset();
}

void ConnectionSchedule::begin(core::TimePoint now) {
  running_ = true;
  deadline_ = now + options_.timeout;
}

void ConnectionSchedule::finish(core::TimePoint now, bool ok) {
  running_ = false;
  const auto slot = next_slot(next_, jitter_, now);
  if (ok) {
    failures_ = 0;
    retries_used_ = 0;
    next_due_ = slot;
    return;
  }
  ++failures_;
  if (retries_used_ < options_.retries) {
    const auto retry = now + backoff_delay(options_.retry_backoff, retries_used_ + 1);
    if (!slot || retry < *slot) {
      ++retries_used_;
      next_due_ = retry;
      return;
    }
  }
  retries_used_ = 0;
  next_due_ = slot;
}

std::optional<core::TimePoint> ConnectionSchedule::wake_at() const {
  if (running_) return deadline_;
  return next_due_;
}

}  // namespace freshwatch::engine
