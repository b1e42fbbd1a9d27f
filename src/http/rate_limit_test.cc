#include "http/rate_limit.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

namespace freshwatch::http {
namespace {

using namespace std::chrono_literals;

TEST(SignInLimiter, BlocksAtTheLimitUntilTheWindowEnds) {
  core::FakeClock clock(core::TimePoint(std::chrono::hours(24 * 20'000)));
  SignInLimiter limiter({.failures_per_user = 3, .failures_per_address = 5, .window = 10min}, clock);
  EXPECT_FALSE(limiter.retry_after("a", "1.1.1.1"));
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(limiter.retry_after("a", "")) << i;
    limiter.failed("a", "");
    clock.advance(1min);
  }
  auto wait = limiter.retry_after("a", "");
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 7min) << "the window started with the first failure";
  clock.advance(7min);
  EXPECT_FALSE(limiter.retry_after("a", ""));
}

TEST(SignInLimiter, MemoryStaysBoundedUnderManyNames) {
  core::FakeClock clock(core::TimePoint(std::chrono::hours(24 * 20'000)));
  SignInLimiter limiter({.failures_per_user = 1, .window = 1h, .max_entries = 100}, clock);
  limiter.failed("first", "");
  for (int i = 0; i < 1000; ++i) {
    clock.advance(1s);
    limiter.failed(fmt::format("u{}", i), "");
  }
  EXPECT_FALSE(limiter.retry_after("first", "")) << "the oldest entries were forgotten";
  EXPECT_TRUE(limiter.retry_after("u999", "")) << "the newest are kept";
}

}  // namespace
}  // namespace freshwatch::http
