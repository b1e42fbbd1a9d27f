// When net::HttpClient tries a request again, and how long it waits first: a pure function of
// the answer (status, Retry-After), the attempts made, the policy, the time and a random draw,
// so every case is table-tested without a server or a clock.
//
// Retried statuses: 429 Too Many Requests, 503 Service Unavailable, 504 Gateway Timeout. Other
// answers (and transport failures) are returned to the caller as they are.
// Wait before retry n (n = 1 for the second attempt):
//  - with a Retry-After header (delta-seconds or an HTTP-date, RFC 9110 §10.2.3):
//    that delay plus a random extra of up to `base` (so clients told the same time spread out);
//    a delay longer than `max_retry_after` is not waited for: the answer is returned;
//  - without one (or an unreadable one): full jitter, a random wait up to
//    min(cap, base * 2^(n-1)).
// No retry once `max_attempts` attempts were made.
//
// Thread contract: pure functions of their arguments.
#pragma once

#include <optional>
#include <string_view>

#include "core/clock.h"

namespace freshwatch::net {

struct RetryPolicy {
  int max_attempts = 4;  // including the first; 1 turns retries off
  core::Duration base = std::chrono::milliseconds(500);
  core::Duration cap = std::chrono::seconds(30);
  core::Duration max_retry_after = std::chrono::minutes(5);
};

// 429, 503 and 504.
bool is_retried_status(long status);

// The delay a Retry-After value asks for at `now`: "120" (seconds) or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT"; a date in the past is zero). Nullopt when unreadable.
std::optional<core::Duration> parse_retry_after(std::string_view value, core::TimePoint now);

struct RetryDecision {
  bool retry = false;
  core::Duration wait{0};
};

// `attempts` is how many attempts were made so far (1 after the first); `random` is drawn
// uniformly from [0, 1).
RetryDecision decide_retry(long status, std::optional<std::string_view> retry_after, int attempts,
                           const RetryPolicy& policy, core::TimePoint now, double random);

}  // namespace freshwatch::net
