#include "alerts/incident.h"

namespace freshwatch::alerts {

std::string_view to_string(IncidentKind kind) {
  switch (kind) {
    case IncidentKind::kStale: return "stale";
    case IncidentKind::kUnknown: return "unknown";
  }
  return "stale";
}

std::string_view to_string(EventType type) {
  switch (type) {
    case EventType::kOpened: return "incident.opened";
    case EventType::kUpdated: return "incident.updated";
    case EventType::kResolved: return "incident.resolved";
    case EventType::kReminder: return "incident.reminder";
  }
  return "incident.opened";
}

std::optional<IncidentKind> parse_incident_kind(std::string_view text) {
  for (IncidentKind k : {IncidentKind::kStale, IncidentKind::kUnknown})
    if (to_string(k) == text) return k;
  return std::nullopt;
}

std::optional<EventType> parse_event_type(std::string_view text) {
  for (EventType t :
       {EventType::kOpened, EventType::kUpdated, EventType::kResolved, EventType::kReminder})
    if (to_string(t) == text) return t;
  return std::nullopt;
}

}  // namespace freshwatch::alerts
