#include "net/retry.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

#include <curl/curl.h>

namespace freshwatch::net {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

core::Duration scaled(core::Duration d, double random) {
  return core::Duration(static_cast<core::Duration::rep>(static_cast<double>(d.count()) *
                                                         std::clamp(random, 0.0, 1.0)));
}

}  // namespace

bool is_retried_status(long status) { return status == 429 || status == 503 || status == 504; }

std::optional<core::Duration> parse_retry_after(std::string_view value, core::TimePoint now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    // More digits than fit is "longer than anyone waits".
    if (ec == std::errc::result_out_of_range)
      seconds = std::int64_t{1} << 40;
    else if (ec != std::errc() || end != value.data() + value.size())
      return std::nullopt;
    return std::chrono::duration_cast<core::Duration>(
        std::chrono::seconds(std::min<std::int64_t>(seconds, std::int64_t{1} << 40)));
  }
  // HTTP-date in any of the three forms RFC 9110 requires recipients to read.
  const std::string text(value);
  const time_t at = curl_getdate(text.c_str(), nullptr);
  if (at == -1) return std::nullopt;
  const auto when =
      std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::from_time_t(at));
  return std::max(core::Duration(0), when - now);
}

RetryDecision decide_retry(long status, std::optional<std::string_view> retry_after, int attempts,
                           const RetryPolicy& policy, core::TimePoint now, double random) {
  if (!is_retried_status(status) || attempts >= policy.max_attempts) return {};
  if (retry_after) {
    if (auto asked = parse_retry_after(*retry_after, now)) {
      if (*asked > policy.max_retry_after) return {};
      return {true, *asked + scaled(policy.base, random)};
    }
  }
  const int doublings = std::clamp(attempts - 1, 0, 30);
  const auto ceiling = std::min(policy.cap, policy.base * (std::int64_t{1} << doublings));
  return {true, scaled(std::max(core::Duration(0), ceiling), random)};
}

}  // namespace freshwatch::net
