// AlertService: incidents from the engine's snapshots, told through the configured channels.
//
// observe() runs the tracker (alerts/tracker.h) over each published snapshot, routes every
// event (alerts/routing.h) and writes, in one store transaction, the incidents, their events and
// one outbox entry per (event, channel). run() sends what the outbox holds, one loop per channel,
// so a slow or failing receiver never delays the others (deliver_due() does one round of it); every
// attempt is logged, a failure retried with exponential backoff (or the receiver's Retry-After)
// until `max_attempts`, a permanent refusal given up. An entry leaves the outbox only in the
// transaction that logs its delivery, so after a crash at any moment a restart sends every
// pending notification again with its stable delivery id: the receiver sees each once.
//
// Acknowledgements and snoozes are written to the store by the API and the CLI; observe()
// reads the open incidents back from the store each time, so they count at the next step.
//
// Thread contract: observe() is called by one thread at a time (Engine::on_publish calls its
// subscribers one at a time); deliver_due() and run() by one other thread; wake() from any.
// The service borrows the store and the clock, which must outlive it.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "alerts/channels/channel.h"
#include "alerts/routing.h"
#include "alerts/tracker.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/result.h"
#include "model/snapshot.h"
#include "store/store.h"

namespace freshwatch::alerts {

// Outbox entries read at a time.
inline constexpr std::size_t kOutboxBatch = 1000;

struct ServiceOptions {
  core::Duration retry_base = std::chrono::seconds(30);  // first retry; doubles each time
  core::Duration retry_cap = std::chrono::hours(1);
  int max_attempts = 12;
  core::Duration idle_poll = std::chrono::minutes(1);  // run(): at most this long between looks
};

class AlertService {
 public:
  // kInvalidArgument for routes or silences that do not compile, or a channel that cannot be
  // made (its message names the channel).
  static Result<std::unique_ptr<AlertService>> make(const config::Config& config,
                                                    store::Store& store, const core::Clock& clock,
                                                    ServiceOptions options = {},
                                                    channels::ChannelOptions channel_options = {});

  // The tracker's state from the store's open incidents. Call once before observe().
  Result<void> load();

  // One published snapshot: incident changes, their events and outbox entries, saved together.
  // Skipped until every connection has run at least once (a partial picture would open and
  // resolve incidents that are only the order in which connections finished).
  Result<void> observe(const model::Snapshot& snapshot);

  // Delivers every due outbox entry; returns when the next one is due (empty: none pending).
  std::optional<core::TimePoint> deliver_due(std::stop_token stop);

  // Until `stop`: one delivery loop per channel, each sleeping until its next due time, wake()
  // or idle_poll.
  void run(std::stop_token stop);
  void wake();

 private:
  AlertService(const config::Config& config, store::Store& store, const core::Clock& clock,
               ServiceOptions options, RoutingRules rules,
               std::vector<std::unique_ptr<channels::Channel>> channels);

  // Delivers the due entries of one channel (null: of channels no longer configured, which are
  // given up); returns when its next entry is due.
  std::optional<core::TimePoint> deliver_channel(channels::Channel* channel, std::stop_token stop);
  std::string asset_url(std::string_view key) const;
  std::optional<core::TimePoint> next_attempt(const store::OutboxEntry& entry,
                                              const channels::DeliveryOutcome* outcome) const;

  store::Store& store_;
  const core::Clock& clock_;
  ServiceOptions options_;
  TrackerOptions tracker_options_;
  RoutingRules rules_;
  std::string public_url_;
  std::vector<std::unique_ptr<channels::Channel>> channels_;
  TrackerState state_;  // observe()'s thread only

  std::mutex wake_mutex_;
  std::condition_variable_any wake_cv_;
  std::uint64_t wakes_ = 0;  // GUARDED_BY(wake_mutex_); counts wake() calls
};

}  // namespace freshwatch::alerts
