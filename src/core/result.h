// Result<T>: the outcome of anything that talks to the outside world (connectors, store,
// network, files). Either a value or an Error whose message a user can act on.
//
// Thread contract: plain values; safe to copy and move between threads.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace freshwatch {

enum class ErrorCode {
  kInvalidArgument,   // bad input from a user: configuration, CLI flag, request
  kNotFound,          // a table, file or asset that is not there
  kUnavailable,       // a server that cannot be reached, refused or closed the connection
  kPermissionDenied,  // bad credentials or missing grants
  kTimeout,           // a deadline passed
  kParse,             // data that could not be read (JSON, SQL result, timestamp)
  kConflict,          // state that does not allow the operation (duplicate, version mismatch)
  kCancelled,         // stopped on request (shutdown)
  kInternal,          // a bug in freshwatch
};

std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  // "context: message", for errors passed up through layers that know more of the story.
  Error with_context(std::string_view context) const {
    return {code, fmt::format("{}: {}", context, message)};
  }
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

template <typename... Args>
std::unexpected<Error> fail(ErrorCode code, fmt::format_string<Args...> format, Args&&... args) {
  return std::unexpected(Error{code, fmt::format(format, std::forward<Args>(args)...)});
}

}  // namespace freshwatch
