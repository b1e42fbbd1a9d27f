#include "core/result.h"

namespace freshwatch {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kParse: return "parse";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kCancelled: return "cancelled";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace freshwatch
