#include "alerts/tracker.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

namespace freshwatch::alerts {
namespace {

using model::AssetState;
using model::Status;

constexpr std::string_view kGoneReason = "no longer monitored";

bool is_stale(Status s) { return s == Status::kWarn || s == Status::kError; }

bool contains(const std::vector<std::string>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// Whether a consumer's status is another asset's data seen through it.
bool judged_on_other(const AssetState& s) {
  return model::is_consumer(s.asset->kind) && !s.data_time_from.empty() &&
         s.data_time_from != s.asset->key;
}

// Where an asset's read error comes from: the highest of it and its ancestors that carries the
// same error (a failed connection's error is on every asset of it; a dashboard its BI tool did
// not return carries its own). Null when it has no error.
const AssetState* error_origin(const model::Snapshot& snap, const AssetState& s) {
  if (s.evaluation.error.empty()) return nullptr;
  const AssetState* origin = &s;
  for (int depth = 0; depth < 64 && !origin->asset->parent.empty(); ++depth) {
    const AssetState* parent = snap.find(origin->asset->parent);
    if (parent == nullptr || parent == origin || parent->evaluation.error != s.evaluation.error)
      break;
    origin = parent;
  }
  return origin;
}

// The incident an asset's own state calls for, if any. A read error opens one incident where
// it comes from (the connection, not each of its tables).
std::optional<IncidentKind> condition(const model::Snapshot& snap, const AssetState& s) {
  if (model::is_container(s.asset->kind))
    return error_origin(snap, s) == &s ? std::optional(IncidentKind::kUnknown) : std::nullopt;
  if (judged_on_other(s)) return std::nullopt;
  const Status status = s.evaluation.status;
  if (is_stale(status)) {
    for (const auto& cause : s.root_causes) {
      if (cause == s.asset->key) continue;
      const AssetState* c = snap.find(cause);
      if (c == nullptr || !contains(c->root_causes, s.asset->key)) return std::nullopt;
    }
    return IncidentKind::kStale;
  }
  if (status == Status::kUnknown && error_origin(snap, s) == &s) return IncidentKind::kUnknown;
  return std::nullopt;
}

RootState root_of(const AssetState& s) {
  return RootState{.key = s.asset->key,
                   .name = s.asset->name,
                   .owner = s.asset->owner,
                   .reason = s.evaluation.reason,
                   .status = s.evaluation.status,
                   .changed_at = s.evaluation.changed_at};
}

// Impact of every possible root, computed once per snapshot.
class Impact {
 public:
  explicit Impact(const model::Snapshot& snap) : snap_(snap) {
    for (const auto& s : snap.assets) {
      if (model::is_container(s.asset->kind)) continue;
      for (const auto& cause : s.root_causes)
        if (cause != s.asset->key) stale_[cause].insert(s.asset->key);
      if (const AssetState* origin = error_origin(snap, s); origin && origin != &s)
        unknown_[origin->asset->key].insert(s.asset->key);
      if (!s.data_time && !s.data_time_from.empty() && s.data_time_from != s.asset->key) {
        const AssetState* input = snap.find(s.data_time_from);
        const AssetState* origin = input ? error_origin(snap, *input) : nullptr;
        unknown_[origin ? origin->asset->key : s.data_time_from].insert(s.asset->key);
      }
    }
  }

  std::vector<std::string> of(std::string_view root, IncidentKind kind) const {
    const auto& index = kind == IncidentKind::kStale ? stale_ : unknown_;
    auto it = index.find(std::string(root));
    if (it == index.end()) return {};
    std::set<std::string> keys = it->second;
    for (const auto& key : it->second) add_dashboards(key, keys);
    keys.erase(std::string(root));
    return {keys.begin(), keys.end()};
  }

 private:
  void add_dashboards(const std::string& key, std::set<std::string>& out) const {
    const AssetState* s = snap_.find(key);
    for (int depth = 0; s != nullptr && !s->asset->parent.empty() && depth < 64; ++depth) {
      s = snap_.find(s->asset->parent);
      if (s != nullptr && s->asset->kind == model::AssetKind::kDashboard) out.insert(s->asset->key);
    }
  }

  const model::Snapshot& snap_;
  std::unordered_map<std::string, std::set<std::string>> stale_, unknown_;
};

class Stepper {
 public:
  Stepper(const TrackerState& state, const model::Snapshot& snap, core::TimePoint now,
          const TrackerOptions& options)
      : snap_(snap), now_(now), options_(options), impact_(snap) {
    for (const auto& p : state.pending) pending_.emplace(p.key, p);
    for (const auto& incident : state.open) open_.emplace(incident.root.key, incident);
  }

  StepResult run() {
    for (const auto& s : snap_.assets) {
      auto it = open_.find(s.asset->key);
      if (it != open_.end())
        step_open(it->second, &s);
      else
        step_closed(s);
    }
    // Open incidents whose root is no longer an asset of the snapshot (assets are sorted by key).
    for (auto& [key, incident] : open_) {
      auto at = std::lower_bound(snap_.assets.begin(), snap_.assets.end(), key,
                                 [](const AssetState& a, const std::string& k) { return a.asset->key < k; });
      if (at == snap_.assets.end() || at->asset->key != key) step_open(incident, nullptr);
    }

    for (auto& [key, incident] : open_)
      if (incident.open()) result_.next.open.push_back(std::move(incident));
    for (auto& [key, p] : next_pending_) result_.next.pending.push_back(std::move(p));
    return std::move(result_);
  }

 private:
  bool held(const std::string& key, Status status, bool gone) {
    auto it = pending_.find(key);
    PendingChange p = it != pending_.end() && it->second.gone == gone
                          ? it->second
                          : PendingChange{.key = key, .status = status, .since = now_, .gone = gone};
    p.status = status;
    if (now_ - p.since >= options_.min_duration) return true;
    next_pending_.emplace(key, std::move(p));
    return false;
  }

  void emit(Incident& incident, EventType type) {
    if (type != EventType::kResolved) incident.last_notified_at = now_;
    result_.events.push_back(IncidentEvent{.incident_id = incident.id,
                                           .type = type,
                                           .at = now_,
                                           .status = incident.root.status,
                                           .impacted_count = incident.impacted.size()});
    result_.changed.push_back(incident);
  }

  void step_closed(const AssetState& s) {
    const auto kind = condition(snap_, s);
    if (!kind || !held(s.asset->key, s.evaluation.status, false)) return;
    Incident incident{.id = incident_id(s.asset->key, now_),
                      .kind = *kind,
                      .root = root_of(s),
                      .impacted = impact_.of(s.asset->key, *kind),
                      .opened_at = now_};
    emit(incident, EventType::kOpened);
    open_.emplace(s.asset->key, std::move(incident));
  }

  void step_open(Incident& incident, const AssetState* s) {
    const std::string& key = incident.root.key;
    if (s == nullptr) {
      if (!held(key, incident.root.status, true)) return;
      incident.root.reason = std::string(kGoneReason);
      incident.resolved_at = now_;
      emit(incident, EventType::kResolved);
      return;
    }
    const Status status = s->evaluation.status;
    if (status == Status::kFresh) {
      if (!held(key, status, false)) return;
      incident.root = root_of(*s);
      incident.resolved_at = now_;
      emit(incident, EventType::kResolved);
      return;
    }
    const IncidentKind kind = is_stale(status) ? IncidentKind::kStale : incident.kind;
    auto impacted = impact_.of(key, kind);
    const bool worse = model::severity(status) > model::severity(incident.root.status);
    if (worse || impacted != incident.impacted) {
      incident.root = root_of(*s);
      incident.kind = kind;
      incident.impacted = std::move(impacted);
      emit(incident, EventType::kUpdated);
      return;
    }
    if (status != incident.root.status) {
      incident.root = root_of(*s);
      result_.changed.push_back(incident);
      return;
    }
    if (reminder_due(incident)) emit(incident, EventType::kReminder);
  }

  bool reminder_due(const Incident& incident) const {
    if (options_.renotify_every <= core::Duration::zero() || incident.acknowledged_at) return false;
    if (incident.snoozed_until && now_ < *incident.snoozed_until) return false;
    const core::TimePoint last = incident.last_notified_at.value_or(incident.opened_at);
    return now_ - last >= options_.renotify_every;
  }

  const model::Snapshot& snap_;
  const core::TimePoint now_;
  const TrackerOptions& options_;
  const Impact impact_;
  std::map<std::string, PendingChange> pending_, next_pending_;
  std::map<std::string, Incident> open_;
  StepResult result_;
};

Incident* find_open(TrackerState& state, std::string_view id) {
  auto it = std::find_if(state.open.begin(), state.open.end(),
                         [&](const Incident& i) { return i.id == id; });
  return it == state.open.end() ? nullptr : &*it;
}

}  // namespace

StepResult step(const TrackerState& state, const model::Snapshot& snapshot, core::TimePoint now,
                const TrackerOptions& options) {
  return Stepper(state, snapshot, now, options).run();
}

std::string incident_id(std::string_view root_key, core::TimePoint opened_at) {
  return fmt::format("{}@{}", root_key, opened_at.time_since_epoch().count());
}

Result<Incident> acknowledge(TrackerState& state, std::string_view id, core::TimePoint at) {
  Incident* incident = find_open(state, id);
  if (incident == nullptr) return fail(ErrorCode::kNotFound, "no open incident '{}'", id);
  if (!incident->acknowledged_at) incident->acknowledged_at = at;
  return *incident;
}

Result<Incident> snooze(TrackerState& state, std::string_view id, core::TimePoint until) {
  Incident* incident = find_open(state, id);
  if (incident == nullptr) return fail(ErrorCode::kNotFound, "no open incident '{}'", id);
  incident->snoozed_until = until;
  return *incident;
}

}  // namespace freshwatch::alerts
