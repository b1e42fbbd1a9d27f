// Incidents: one per root cause. An incident opens when an asset's own status worsens to warn
// or error (kind kStale), or to unknown after a failed collection (kind kUnknown); it is
// updated when the status worsens further or its impact (the assets downstream that only show
// its staleness) changes, and resolves when the asset is fresh again. Assets that are only
// impacted never open incidents of their own: they are the root's impact. These are the plain
// values the tracker (alerts/tracker.h) produces, the store keeps and channels tell.
//
// Thread contract: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "model/status.h"

namespace freshwatch::alerts {

enum class IncidentKind { kStale, kUnknown };
enum class EventType { kOpened, kUpdated, kResolved, kReminder };

std::string_view to_string(IncidentKind kind);  // "stale", "unknown"
std::string_view to_string(EventType type);     // "incident.opened", ... (docs/alerts.md)
std::optional<IncidentKind> parse_incident_kind(std::string_view text);
std::optional<EventType> parse_event_type(std::string_view text);

// The root asset as it was when the event happened.
struct RootState {
  std::string key, name, owner, reason;
  model::Status status = model::Status::kUnknown;
  std::optional<core::TimePoint> changed_at;
};

struct Incident {
  std::string id;  // stable and unique: "<root key>@<opened_at in unix microseconds>"
  IncidentKind kind = IncidentKind::kStale;
  RootState root;
  std::vector<std::string> impacted;  // keys of the assets downstream that show it, sorted
  core::TimePoint opened_at{};
  std::optional<core::TimePoint> resolved_at;
  std::optional<core::TimePoint> acknowledged_at;  // stops reminders
  std::optional<core::TimePoint> snoozed_until;    // no reminders before then
  std::optional<core::TimePoint> last_notified_at;

  bool open() const { return !resolved_at; }
};

// One change of an incident, as it is recorded in its timeline and told to channels.
struct IncidentEvent {
  std::string incident_id;
  EventType type = EventType::kOpened;
  core::TimePoint at{};
  model::Status status = model::Status::kUnknown;  // the root's, at `at`
  std::size_t impacted_count = 0;
};

// What one channel is to deliver: the event and the incident as of it. `delivery_id` is unique
// per (event, channel) and stable across retries and restarts, so a receiver recognises a
// repeat ("<incident id>/<event sequence>/<channel>").
struct Notification {
  std::string delivery_id;
  std::string channel;
  IncidentEvent event;
  Incident incident;
  std::string url;  // the root's asset page, or empty without alerts.public_url
};

}  // namespace freshwatch::alerts
