#include "engine/scheduler.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace freshwatch::engine {
namespace {

using namespace std::chrono_literals;
using core::Duration;
using core::TimePoint;

TimePoint at(std::string_view text) { return *core::parse_timestamp(text); }

TEST(Every, FiresOnMultiplesOfThePeriodStrictlyAfter) {
  auto next = every(15min);
  EXPECT_EQ(next(at("2024-05-01T10:00:00Z")), at("2024-05-01T10:15:00Z"));
  EXPECT_EQ(next(at("2024-05-01T10:07:00Z")), at("2024-05-01T10:15:00Z"));
  EXPECT_EQ(next(at("2024-05-01T10:14:59.999999Z")), at("2024-05-01T10:15:00Z"));
}

TEST(Jitter, DeterministicPerNameAndBelowMax) {
  EXPECT_EQ(jitter_for("warehouse", 30s), jitter_for("warehouse", 30s));
  EXPECT_LT(jitter_for("warehouse", 30s), Duration(30s));
  EXPECT_GE(jitter_for("warehouse", 30s), Duration(0));
  EXPECT_EQ(jitter_for("warehouse", 0s), Duration(0));
  EXPECT_EQ(jitter_for("warehouse", 30s) % Duration(1s), Duration(0));
  // Different names spread out (these two are known to differ).
  bool differs = false;
  for (const char* n : {"a", "b", "c", "d", "e"})
    differs |= jitter_for(n, 1h) != jitter_for("warehouse", 1h);
  EXPECT_TRUE(differs);
  EXPECT_LT(jitter_for("x", Duration(500)), Duration(500));
}

TEST(NextSlot, AddsJitterAndStaysStrictlyAfter) {
  auto next = every(15min);
  EXPECT_EQ(next_slot(next, 20s, at("2024-05-01T10:00:00Z")), at("2024-05-01T10:00:20Z"));
  EXPECT_EQ(next_slot(next, 20s, at("2024-05-01T10:00:20Z")), at("2024-05-01T10:15:20Z"));
  EXPECT_EQ(next_slot(next, 0s, at("2024-05-01T10:00:00Z")), at("2024-05-01T10:15:00Z"));
  EXPECT_EQ(next_slot(NextOccurrence{}, 0s, at("2024-05-01T10:00:00Z")), std::nullopt);
}

TEST(Backoff, DoublesAndCaps) {
  EXPECT_EQ(backoff_delay(30s, 1), Duration(30s));
  EXPECT_EQ(backoff_delay(30s, 2), Duration(60s));
  EXPECT_EQ(backoff_delay(30s, 3), Duration(120s));
  EXPECT_EQ(backoff_delay(1s, 100), Duration(65536s));
}

ConnectionSchedule make(ScheduleOptions options = {0s, 5min, 3, 30s}) {
  return ConnectionSchedule("wh", every(15min), options);
}

TEST(ConnectionSchedule, FirstRunIsImmediateWithoutHistory) {
  auto s = make();
  s.resume(at("2024-05-01T10:07:00Z"), std::nullopt);
  EXPECT_TRUE(s.due(at("2024-05-01T10:07:00Z")));
}

TEST(ConnectionSchedule, ResumeCarriesOnAfterARecentRun) {
  auto s = make();
  // The last run served the 10:00 slot; the next is 10:15.
  s.resume(at("2024-05-01T10:07:00Z"), at("2024-05-01T10:00:05Z"));
  EXPECT_FALSE(s.due(at("2024-05-01T10:07:00Z")));
  EXPECT_EQ(s.next_due(), at("2024-05-01T10:15:00Z"));
}

TEST(ConnectionSchedule, ResumeAfterDowntimeCatchesUpOnce) {
  auto s = make();
  s.resume(at("2024-05-01T13:07:00Z"), at("2024-05-01T10:00:05Z"));
  EXPECT_TRUE(s.due(at("2024-05-01T13:07:00Z")));
  s.begin(at("2024-05-01T13:07:00Z"));
  s.finish(at("2024-05-01T13:07:10Z"), true);
  EXPECT_EQ(s.next_due(), at("2024-05-01T13:15:00Z"));
}

TEST(ConnectionSchedule, SlotsMissedWhileRunningAreSkipped) {
  auto s = make({0s, 2h, 3, 30s});
  s.resume(at("2024-05-01T10:00:00Z"), std::nullopt);
  s.begin(at("2024-05-01T10:00:00Z"));
  // Slots at 10:15, 10:30, 10:45 pass while the run is in progress: never due while running.
  EXPECT_FALSE(s.due(at("2024-05-01T10:16:00Z")));
  EXPECT_FALSE(s.due(at("2024-05-01T10:50:00Z")));
  s.finish(at("2024-05-01T10:50:00Z"), true);
  EXPECT_EQ(s.next_due(), at("2024-05-01T11:00:00Z"));  // one run, not three queued
}

TEST(ConnectionSchedule, TimeoutMakesTheRunOverdue) {
  auto s = make({0s, 5min, 3, 30s});
  s.resume(at("2024-05-01T10:00:00Z"), std::nullopt);
  s.begin(at("2024-05-01T10:00:00Z"));
  EXPECT_EQ(s.wake_at(), at("2024-05-01T10:05:00Z"));
  EXPECT_FALSE(s.overdue(at("2024-05-01T10:04:59Z")));
  EXPECT_TRUE(s.overdue(at("2024-05-01T10:05:00Z")));
}

TEST(ConnectionSchedule, RetriesWithBackoffThenFallsBackToTheSchedule) {
  auto s = make({0s, 5min, 3, 1min});
  s.resume(at("2024-05-01T10:00:00Z"), std::nullopt);
  struct Step {
    const char* finished;
    const char* next;
    int retries_used;
  };
  const Step steps[] = {
      {"2024-05-01T10:00:00Z", "2024-05-01T10:01:00Z", 1},  // +1 min
      {"2024-05-01T10:01:00Z", "2024-05-01T10:03:00Z", 2},  // +2 min
      {"2024-05-01T10:03:00Z", "2024-05-01T10:07:00Z", 3},  // +4 min
      {"2024-05-01T10:07:00Z", "2024-05-01T10:15:00Z", 0},  // retries used up: next slot
      {"2024-05-01T10:15:00Z", "2024-05-01T10:16:00Z", 1},  // a new slot brings new retries
  };
  int failures = 0;
  for (const auto& step : steps) {
    s.begin(at(step.finished));
    s.finish(at(step.finished), false);
    EXPECT_EQ(s.next_due(), at(step.next)) << step.finished;
    EXPECT_EQ(s.retries_used(), step.retries_used) << step.finished;
    EXPECT_EQ(s.consecutive_failures(), ++failures);
  }
  s.begin(at("2024-05-01T10:16:00Z"));
  s.finish(at("2024-05-01T10:16:00Z"), true);
  EXPECT_EQ(s.consecutive_failures(), 0);
  EXPECT_EQ(s.next_due(), at("2024-05-01T10:30:00Z"));
}

TEST(ConnectionSchedule, RetryThatWouldPassTheNextSlotWaitsForTheSlot) {
  auto s = make({0s, 5min, 3, 10min});
  s.resume(at("2024-05-01T10:10:00Z"), std::nullopt);
  s.begin(at("2024-05-01T10:10:00Z"));
  s.finish(at("2024-05-01T10:10:00Z"), false);
  EXPECT_EQ(s.next_due(), at("2024-05-01T10:15:00Z"));
  EXPECT_EQ(s.retries_used(), 0);
}

TEST(ConnectionSchedule, JitterShiftsEverySlot) {
  ScheduleOptions options{1h, 5min, 0, 30s};
  ConnectionSchedule s("warehouse", every(15min * 4), options);
  const auto j = jitter_for("warehouse", 1h);
  s.resume(at("2024-05-01T10:00:00Z"), at("2024-05-01T10:00:00Z") + j);
  EXPECT_EQ(s.next_due(), at("2024-05-01T11:00:00Z") + j);
}

}  // namespace
}  // namespace freshwatch::engine
