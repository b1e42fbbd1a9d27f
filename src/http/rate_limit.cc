#include "http/rate_limit.h"

#include <algorithm>
#include <vector>

namespace freshwatch::http {
namespace {

std::string user_key(std::string_view user) {
  std::string key = "u:";
  for (char c : user) key.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  return key;
}

std::string address_key(std::string_view address) { return "a:" + std::string(address); }

}  // namespace

SignInLimiter::SignInLimiter(SignInLimits limits, const core::Clock& clock)
    : limits_(limits), clock_(clock) {}

SignInLimiter::Entry* SignInLimiter::live(const std::string& key, core::TimePoint now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (now - it->second.window_start >= limits_.window) {
    entries_.erase(it);
    return nullptr;
  }
  return &it->second;
}

std::optional<core::Duration> SignInLimiter::blocked(const std::string& key, int limit,
                                                     core::TimePoint now) {
  Entry* e = live(key, now);
  if (!e || e->failures < limit) return std::nullopt;
  return e->window_start + limits_.window - now;
}

std::optional<core::Duration> SignInLimiter::retry_after(std::string_view user,
                                                         std::string_view address) {
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  std::optional<core::Duration> wait = blocked(user_key(user), limits_.failures_per_user, now);
  if (!address.empty()) {
    if (auto a = blocked(address_key(address), limits_.failures_per_address, now))
      wait = wait ? std::max(*wait, *a) : *a;
  }
  return wait;
}

void SignInLimiter::count(std::string key, core::TimePoint now) {
  if (Entry* e = live(key, now)) {
    ++e->failures;
    return;
  }
  if (entries_.size() >= limits_.max_entries) {
    std::erase_if(entries_, [&](const auto& kv) {
      return now - kv.second.window_start >= limits_.window;
    });
  }
  if (entries_.size() >= limits_.max_entries) {
    // Still full of live entries: forget the older half.
    std::vector<core::TimePoint> starts;
    starts.reserve(entries_.size());
    for (const auto& kv : entries_) starts.push_back(kv.second.window_start);
    auto middle = starts.begin() + static_cast<std::ptrdiff_t>(starts.size() / 2);
    std::nth_element(starts.begin(), middle, starts.end());
    const core::TimePoint cut = *middle;
    std::erase_if(entries_, [&](const auto& kv) { return kv.second.window_start <= cut; });
  }
  entries_.emplace(std::move(key), Entry{now, 1});
}

void SignInLimiter::failed(std::string_view user, std::string_view address) {
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  count(user_key(user), now);
  if (!address.empty()) count(address_key(address), now);
}

void SignInLimiter::succeeded(std::string_view user) {
  std::lock_guard lock(mutex_);
  entries_.erase(user_key(user));
}

}  // namespace freshwatch::http
