// Tracker: turns the engine's successive snapshots into incidents, one per root cause, and the
// events that change them. A pure step over a plain state value: the caller (the engine) owns
// the TrackerState, persists it (open incidents and pending changes, all plain values) with the
// store, and passes it back in with the next snapshot.
//
// Rules, per asset of the snapshot:
//   - Consumers judged on another asset's data (model::is_consumer with data_time_from naming
//     another key) never open incidents: their status is inherited. Containers open one only
//     where a read error comes from (below).
//   - An asset is a *root* when its own status is warn or error and it is not impacted by
//     something else: each of its root_causes is itself or has it among its own root causes
//     (members of a stale cycle). A root opens an incident of kind kStale.
//   - A read error opens one incident of kind kUnknown where it comes from: the highest of the
//     asset and its ancestors that carries the same error. A failed connection's error is on
//     every asset of it, so the connection opens one incident and its assets are its impact; a
//     dashboard its BI tool did not return opens its own; a table whose read failed, its own.
//   - The impact of a stale root is every non-container asset whose root_causes name it (the
//     lineage pass lists only upstream assets there, so these are exactly the assets downstream
//     of it that show its staleness), plus the dashboards holding any of them; several roots
//     behind one dashboard make several incidents, each listing it. The impact of an unknown
//     root is the assets below it carrying its error and every asset whose data_time_from names
//     one of them (consumers that cannot tell how old their data is because of it), plus their
//     dashboards.
//   - An open incident is updated (kUpdated) when its root's status worsens (by
//     model::severity; unknown -> warn turns a kUnknown incident into kStale) or its impact
//     changes; an improvement short of fresh (error -> warn) is recorded in the incident
//     without an event. It resolves (kResolved) when its root's own status is fresh, or when the
//     root is no longer in the snapshot (reason "no longer monitored"). A root that becomes
//     impacted by a newly stale upstream keeps its incident until it is fresh.
//   - Flap protection: a condition that would open or resolve an incident must hold for
//     options.min_duration first; its first sighting is kept in TrackerState::pending. Updates
//     and reminders are immediate. A pending open that clears, or a pending resolve whose root
//     goes bad again, is dropped.
//   - Reminders (kReminder) every options.renotify_every after the last event told, while the
//     incident is open, not acknowledged and not snoozed (snoozed_until later than now); a
//     zero interval never reminds.
// An incident's id is "<root key>@<opened_at in unix microseconds>"; opened_at is the step's
// `now` at which the condition had held long enough.
//
// Thread contract: pure functions over plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/incident.h"
#include "core/clock.h"
#include "core/result.h"
#include "model/snapshot.h"
#include "model/status.h"

namespace freshwatch::alerts {

struct TrackerOptions {
  core::Duration min_duration{};    // alerts.min_duration
  core::Duration renotify_every{};  // alerts.renotify_every; 0: never remind
};

// A change seen but not yet held for min_duration: for an asset without an open incident, the
// status that would open one; for an open incident's root, fresh (or `gone`) that would resolve it.
struct PendingChange {
  std::string key;
  model::Status status = model::Status::kFresh;
  core::TimePoint since{};
  bool gone = false;  // the root is no longer in the snapshot

  bool operator==(const PendingChange&) const = default;
};

struct TrackerState {
  std::vector<Incident> open;            // open incidents, sorted by root key; one per root
  std::vector<PendingChange> pending;    // sorted by key
};

struct StepResult {
  TrackerState next;
  // Every incident whose stored form changed in this step, as it is now (resolved ones too).
  std::vector<Incident> changed;
  // The events of this step, in the order of `changed`; an incident has at most one per step.
  std::vector<IncidentEvent> events;
};

StepResult step(const TrackerState& state, const model::Snapshot& snapshot, core::TimePoint now,
                const TrackerOptions& options);

// "<root key>@<unix microseconds>".
std::string incident_id(std::string_view root_key, core::TimePoint opened_at);

// Acknowledging stops an open incident's reminders; snoozing delays them until `until`. Both
// return the incident as changed; kNotFound when no open incident has this id.
Result<Incident> acknowledge(TrackerState& state, std::string_view id, core::TimePoint at);
Result<Incident> snooze(TrackerState& state, std::string_view id, core::TimePoint until);

}  // namespace freshwatch::alerts
