#include "net/sleeper.h"

#include <thread>

#include <gtest/gtest.h>

namespace freshwatch::net {
namespace {

using namespace std::chrono_literals;

TEST(RealSleeper, WaitsOrEndsAtAStopRequest) {
  const Sleeper sleep = real_sleeper();
  EXPECT_TRUE(sleep(1ms, {}));

  std::stop_source stopped;
  stopped.request_stop();
  EXPECT_FALSE(sleep(std::chrono::hours(1), stopped.get_token()));

  std::stop_source later;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(20ms);
    later.request_stop();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(sleep(std::chrono::hours(1), later.get_token()));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s) << "the wait ended at the stop request";
}

}  // namespace
}  // namespace freshwatch::net
