#include "model/status.h"

namespace freshwatch::model {

std::string_view to_string(Status status) {
  switch (status) {
    case Status::kFresh: return "fresh";
    case Status::kWarn: return "warn";
    case Status::kError: return "error";
    case Status::kUnknown: return "unknown";
  }
  return "unknown";
}

std::optional<Status> parse_status(std::string_view text) {
  for (Status s : kAllStatuses)
    if (to_string(s) == text) return s;
  return std::nullopt;
}

int severity(Status status) {
  switch (status) {
    case Status::kFresh: return 0;
    case Status::kUnknown: return 1;
    case Status::kWarn: return 2;
    case Status::kError: return 3;
  }
  return 1;
}

Status worst(Status a, Status b) { return severity(a) >= severity(b) ? a : b; }

}  // namespace freshwatch::model
