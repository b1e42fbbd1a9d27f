#include "net/retry.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace freshwatch::net {
namespace {

using namespace std::chrono_literals;

const core::TimePoint kNow = *core::parse_timestamp("2015-10-21T07:27:00Z");

TEST(RetryAfter, SecondsAndTheThreeHttpDateForms) {
  struct Case {
    std::string_view value;
    std::optional<core::Duration> wait;
  };
  const Case cases[] = {
      {"120", 120s},
      {" 5 ", 5s},
      {"0", 0s},
      {"Wed, 21 Oct 2015 07:28:00 GMT", 60s},      // IMF-fixdate
      {"Wednesday, 21-Oct-15 07:28:00 GMT", 60s},  // RFC 850
      {"Wed Oct 21 07:28:00 2015", 60s},           // asctime
      {"Wed, 21 Oct 2015 07:00:00 GMT", 0s},       // in the past: now
      {"99999999999999999999999",
       std::chrono::duration_cast<core::Duration>(std::chrono::seconds(std::int64_t{1} << 40))},
      {"", std::nullopt},
      {"soon", std::nullopt},
      {"-5", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_retry_after(c.value, kNow), c.wait) << c.value;
}

TEST(DecideRetry, Table) {
  RetryPolicy policy;  // 4 attempts, base 500 ms, cap 30 s, Retry-After up to 5 min
  RetryPolicy small_cap = policy;
  small_cap.max_attempts = 20;
  small_cap.cap = 3s;
  RetryPolicy once = policy;
  once.max_attempts = 1;
  struct Case {
    const char* what;
    long status;
    std::optional<std::string_view> retry_after;
    int attempts;
    const RetryPolicy& policy;
    double random;
    bool retry;
    core::Duration wait;
  };
  const Case cases[] = {
      {"success is returned", 200, std::nullopt, 1, policy, 0.5, false, 0s},
      {"a client error is returned", 404, std::nullopt, 1, policy, 0.5, false, 0s},
      {"500 is not retried", 500, std::nullopt, 1, policy, 0.5, false, 0s},
      {"502 is not retried", 502, std::nullopt, 1, policy, 0.5, false, 0s},
      {"429, first retry: up to base", 429, std::nullopt, 1, policy, 0.5, true, 250ms},
      {"503, second retry: up to 2 base", 503, std::nullopt, 2, policy, 0.5, true, 500ms},
      {"504, third retry: up to 4 base", 504, std::nullopt, 3, policy, 1.0, true, 2s},
      {"full jitter may not wait", 503, std::nullopt, 1, policy, 0.0, true, 0s},
      {"the last attempt returns the answer", 503, std::nullopt, 4, policy, 0.5, false, 0s},
      {"retries off", 429, std::nullopt, 1, once, 0.5, false, 0s},
      {"the cap bounds the backoff", 429, std::nullopt, 10, small_cap, 1.0, true, 3s},
      {"no overflow after many attempts", 429, std::nullopt, 19, small_cap, 0.5, true, 1500ms},
      {"Retry-After seconds plus jitter", 429, "3", 1, policy, 0.5, true, 3250ms},
      {"Retry-After without jitter", 503, "3", 1, policy, 0.0, true, 3s},
      {"Retry-After is honoured beyond the cap", 429, "40", 1, policy, 0.0, true, 40s},
      {"Retry-After as an HTTP-date", 503, "Wed, 21 Oct 2015 07:27:10 GMT", 1, policy, 0.0, true,
       10s},
      {"Retry-After in the past", 503, "Wed, 21 Oct 2015 07:00:00 GMT", 1, policy, 0.5, true,
       250ms},
      {"Retry-After longer than anyone waits", 429, "3600", 1, policy, 0.0, false, 0s},
      {"unreadable Retry-After: backoff", 429, "later", 2, policy, 0.5, true, 500ms},
      {"Retry-After does not add attempts", 429, "1", 4, policy, 0.5, false, 0s},
      {"Retry-After on a status that is not retried", 500, "1", 1, policy, 0.5, false, 0s},
  };
  for (const auto& c : cases) {
    const auto d = decide_retry(c.status, c.retry_after, c.attempts, c.policy, kNow, c.random);
    EXPECT_EQ(d.retry, c.retry) << c.what;
    EXPECT_EQ(d.wait, c.wait) << c.what;
  }
}

TEST(DecideRetry, JitterStaysWithinItsBounds) {
  RetryPolicy policy;
  policy.max_attempts = 10;
  for (int attempts = 1; attempts < policy.max_attempts; ++attempts) {
    const auto ceiling = std::min<core::Duration>(policy.cap, policy.base * (1 << (attempts - 1)));
    for (double r : {0.0, 0.001, 0.25, 0.5, 0.75, 0.999999}) {
      const auto backoff = decide_retry(503, std::nullopt, attempts, policy, kNow, r);
      ASSERT_TRUE(backoff.retry);
      EXPECT_GE(backoff.wait, 0s);
      EXPECT_LE(backoff.wait, ceiling) << attempts << " " << r;
      const auto asked = decide_retry(429, "7", attempts, policy, kNow, r);
      ASSERT_TRUE(asked.retry);
      EXPECT_GE(asked.wait, 7s);
      EXPECT_LE(asked.wait, 7s + policy.base);
    }
  }
}

}  // namespace
}  // namespace freshwatch::net
