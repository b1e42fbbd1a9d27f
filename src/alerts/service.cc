#include "alerts/service.h"

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "net/url.h"

namespace freshwatch::alerts {

Result<std::unique_ptr<AlertService>> AlertService::make(const config::Config& config,
                                                         store::Store& store,
                                                         const core::Clock& clock,
                                                         ServiceOptions options,
                                                         channels::ChannelOptions channel_options) {
  auto rules = compile_routing(config.alerts, config.timezone);
  if (!rules) return std::unexpected(rules.error());
  if (!channel_options.clock) channel_options.clock = &clock;
  std::vector<std::unique_ptr<channels::Channel>> made;
  for (const auto& c : config.alerts.channels) {
    auto channel = channels::make_channel(c, channel_options);
    if (!channel)
      return fail(ErrorCode::kInvalidArgument, "alert channel '{}': {}", c.name,
                  channel.error().message);
    made.push_back(std::move(*channel));
  }
  return std::unique_ptr<AlertService>(
      new AlertService(config, store, clock, options, std::move(*rules), std::move(made)));
}

AlertService::AlertService(const config::Config& config, store::Store& store,
                           const core::Clock& clock, ServiceOptions options, RoutingRules rules,
                           std::vector<std::unique_ptr<channels::Channel>> channels)
    : store_(store),
      clock_(clock),
      options_(options),
      tracker_options_{.min_duration = config.alerts.min_duration,
                       .renotify_every = config.alerts.renotify_every},
      rules_(std::move(rules)),
      public_url_(config.alerts.public_url),
      channels_(std::move(channels)) {
  while (!public_url_.empty() && public_url_.back() == '/') public_url_.pop_back();
}

Result<void> AlertService::load() {
  auto open = store_.open_incidents();
  if (!open) return std::unexpected(open.error());
  state_.open = std::move(*open);
  std::sort(state_.open.begin(), state_.open.end(),
            [](const Incident& a, const Incident& b) { return a.root.key < b.root.key; });
  return {};
}

std::string AlertService::asset_url(std::string_view key) const {
  if (public_url_.empty()) return {};
  return fmt::format("{}/assets/{}", public_url_, net::percent_encode(key));
}

Result<void> AlertService::observe(const model::Snapshot& snapshot) {
  // Judge only a whole picture: before every connection has run once, tables that dbt and the
  // warehouse both report are not yet one asset, and a root may look different a moment later.
  if (snapshot.assets.empty()) return {};
  for (const auto& c : snapshot.connections)
    if (!c.last_run) return {};
  // Acknowledgements and snoozes come from the store (the API writes them there).
  if (auto loaded = load(); !loaded) return loaded;
  const core::TimePoint now = clock_.now();
  StepResult result = step(state_, snapshot, now, tracker_options_);

  std::map<std::string, const Incident*> by_id;
  for (const auto& incident : result.changed) by_id[incident.id] = &incident;
  std::vector<store::StoredEvent> events;
  std::vector<store::OutboxEntry> outbox;
  // Per incident with events, from one read of the store: its last event's sequence and the
  // channels already told of it (a resolve goes to those).
  struct Known {
    std::int64_t sequence = 0;
    std::vector<std::string> told;
  };
  std::map<std::string, Known> known;
  for (const auto& event : result.events) {
    auto it = by_id.find(event.incident_id);
    if (it == by_id.end()) continue;  // the tracker reports every incident it changed
    const Incident& incident = *it->second;
    auto [k, first] = known.try_emplace(event.incident_id);
    if (first && event.type != EventType::kOpened) {
      auto detail = store_.incident(event.incident_id);
      if (!detail) return std::unexpected(detail.error());
      if (*detail) {
        k->second.sequence = std::int64_t((*detail)->timeline.size());
        std::set<std::string> names;
        for (const auto& d : (*detail)->deliveries) names.insert(d.channel);
        for (const auto& p : (*detail)->pending) names.insert(p.notification.channel);
        k->second.told.assign(names.begin(), names.end());
      }
    }
    const std::int64_t seq = ++k->second.sequence;
    events.push_back({.sequence = seq, .event = event});

    const model::AssetState* root = snapshot.find(incident.root.key);
    const auto decision = route(rules_, event, root ? root->asset.get() : nullptr, k->second.told, now);
    for (const auto& channel : decision.channels) {
      store::OutboxEntry entry;
      entry.notification =
          Notification{.delivery_id = fmt::format("{}/{}/{}", incident.id, seq, channel),
                       .channel = channel,
                       .event = event,
                       .incident = incident,
                       .url = asset_url(incident.root.key)};
      entry.event_sequence = seq;
      entry.created_at = now;
      entry.next_attempt_at = now;
      outbox.push_back(std::move(entry));
    }
  }
  if (auto saved = store_.save_incident_changes(result.changed, events, outbox); !saved)
    return saved;
  state_ = std::move(result.next);
  if (!outbox.empty()) wake();
  return {};
}

std::optional<core::TimePoint> AlertService::next_attempt(
    const store::OutboxEntry& entry, const channels::DeliveryOutcome* outcome) const {
  if (outcome && (outcome->delivered() || outcome->permanent)) return std::nullopt;
  const int made = entry.attempts + 1;
  if (made >= options_.max_attempts) return std::nullopt;
  core::Duration wait = options_.retry_base;
  for (int i = 1; i < made && wait < options_.retry_cap; ++i) wait *= 2;
  wait = std::min(wait, options_.retry_cap);
  if (outcome && outcome->retry_after) wait = std::max(wait, *outcome->retry_after);
  return clock_.now() + wait;
}

std::optional<core::TimePoint> AlertService::deliver_channel(channels::Channel* channel,
                                                             std::stop_token stop) {
  // The entries of this channel (null: of channels no longer configured).
  auto mine = [&](const store::OutboxEntry& e) {
    if (channel) return e.notification.channel == channel->name();
    return std::none_of(channels_.begin(), channels_.end(),
                        [&](const auto& c) { return c->name() == e.notification.channel; });
  };
  auto due = store_.due_deliveries(clock_.now(), kOutboxBatch);
  if (!due) {
    spdlog::warn("alerts: cannot read the outbox: {}", due.error().message);
    return clock_.now() + options_.idle_poll;
  }
  for (const auto& entry : *due) {
    if (!mine(entry)) continue;
    if (stop.stop_requested()) return std::nullopt;
    store::AttemptResult attempt;
    std::optional<core::TimePoint> next;
    if (!channel) {
      attempt.error =
          fmt::format("no channel '{}' is configured any more", entry.notification.channel);
    } else {
      auto outcome = channel->deliver(entry.notification, stop);
      if (outcome) {
        attempt.http_status = static_cast<int>(outcome->status);
        attempt.outcome = outcome->delivered() ? store::DeliveryOutcome::kDelivered
                                               : store::DeliveryOutcome::kFailed;
        if (!outcome->delivered())
          attempt.error = fmt::format("{} {}", outcome->status, outcome->answer);
        next = next_attempt(entry, &*outcome);
      } else {
        // Cancelled by a stop: the entry stays pending and goes out after the next start.
        if (outcome.error().code == ErrorCode::kCancelled) return std::nullopt;
        attempt.error = outcome.error().message;
        next = next_attempt(entry, nullptr);
      }
    }
    attempt.at = clock_.now();
    if (auto logged = store_.record_attempt(entry.notification.delivery_id, attempt, next); !logged)
      spdlog::warn("alerts: cannot log delivery {}: {}", entry.notification.delivery_id,
                   logged.error().message);
  }
  auto pending = store_.due_deliveries(core::TimePoint::max(), kOutboxBatch);
  if (!pending) return clock_.now() + options_.idle_poll;
  for (const auto& entry : *pending)  // the earliest due first
    if (mine(entry)) return entry.next_attempt_at;
  return std::nullopt;
}

std::optional<core::TimePoint> AlertService::deliver_due(std::stop_token stop) {
  std::vector<channels::Channel*> all{nullptr};
  for (const auto& c : channels_) all.push_back(c.get());
  std::vector<std::optional<core::TimePoint>> next(all.size());
  {
    std::vector<std::jthread> workers;
    for (std::size_t i = 0; i < all.size(); ++i)
      workers.emplace_back([&, i] { next[i] = deliver_channel(all[i], stop); });
  }
  std::optional<core::TimePoint> earliest;
  for (const auto& t : next)
    if (t && (!earliest || *t < *earliest)) earliest = t;
  return earliest;
}

void AlertService::wake() {
  {
    std::lock_guard lock(wake_mutex_);
    ++wakes_;
  }
  wake_cv_.notify_all();
}

void AlertService::run(std::stop_token stop) {
  // One loop per channel (and one for entries of channels no longer configured), so a slow or
  // failing receiver never holds back another channel's notifications.
  auto loop = [this](std::stop_token stop, channels::Channel* channel) {
    std::uint64_t seen = 0;
    while (!stop.stop_requested()) {
      {
        std::lock_guard lock(wake_mutex_);
        seen = wakes_;
      }
      const auto next = deliver_channel(channel, stop);
      core::Duration wait = options_.idle_poll;
      if (next) wait = std::clamp(*next - clock_.now(), core::Duration::zero(), options_.idle_poll);
      std::unique_lock lock(wake_mutex_);
      wake_cv_.wait_for(lock, stop, wait, [&] { return wakes_ != seen; });
    }
  };
  std::vector<std::jthread> loops;
  loops.emplace_back(loop, nullptr);
  for (const auto& c : channels_) loops.emplace_back(loop, c.get());
  // Until `stop`; then the loops' destructors stop and join them.
  std::mutex mutex;
  std::condition_variable_any until_stopped;
  std::unique_lock lock(mutex);
  until_stopped.wait(lock, stop, [] { return false; });
}

}  // namespace freshwatch::alerts
