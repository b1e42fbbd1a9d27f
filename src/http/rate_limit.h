// SignInLimiter: slows down password guessing on POST /api/v1/session. Failed sign-ins are
// counted per user name and per client address in a fixed window; once either count reaches
// its limit, further attempts for that name or from that address are refused (429 with
// Retry-After) until the window that started with the first failure ends. A successful sign-in
// clears the user name's count. Time comes from the injected clock.
//
// Memory is bounded: at most `max_entries` names and addresses are tracked; when full, expired
// entries are dropped first, then the ones whose window started earliest.
//
// Thread contract: every member may be called from any number of threads at once. The limiter
// borrows the clock, which must outlive it.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace freshwatch::http {

struct SignInLimits {
  int failures_per_user = 5;      // within one window, per user name
  int failures_per_address = 20;  // within one window, per client address
  core::Duration window = std::chrono::minutes(15);
  std::size_t max_entries = 10'000;
};

class SignInLimiter {
 public:
  SignInLimiter(SignInLimits limits, const core::Clock& clock);

  // How long the caller must wait before trying again, or nullopt when an attempt may proceed.
  // An empty address is not tracked (requests that did not come over the network).
  std::optional<core::Duration> retry_after(std::string_view user, std::string_view address);
  void failed(std::string_view user, std::string_view address);
  void succeeded(std::string_view user);

 private:
  struct Entry {
    core::TimePoint window_start;
    int failures = 0;
  };
  // The entry for `key` if its window is still open.
  Entry* live(const std::string& key, core::TimePoint now);  // REQUIRES(mutex_)
  void count(std::string key, core::TimePoint now);          // REQUIRES(mutex_)
  std::optional<core::Duration> blocked(const std::string& key, int limit,
                                        core::TimePoint now);  // REQUIRES(mutex_)

  const SignInLimits limits_;
  const core::Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // GUARDED_BY(mutex_); "u:NAME", "a:ADDRESS"
};

}  // namespace freshwatch::http
