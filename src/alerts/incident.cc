#include "alerts/incident.h"

namespace freshwatch::alerts {

std::string_view to_string(IncidentKind kind) {
  switch (kind) {
    case IncidentKind::kStale:
      return "stale";
    case IncidentKind::kUnknown:
      return "unknown";
  }
  return "stale";
}

std::string_view to_string(EventType type) {
  switch (type) {
    case EventType::kOpened:
      return "incident.opened";
    case EventType::kUpdated:
      return "incident.updated";
    case EventType::kResolved:
      return "incident.resolved";
    case EventType::kReminder:
      return "incident.reminder";
  }
  return "incident.opened";
}

}  // namespace freshwatch::alerts
