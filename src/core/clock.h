// Clock: where every component asks for the current time. Injected, never read from the system
// directly, so tests control time and never sleep.
//
// TimePoint is UTC with microsecond precision (the finest any warehouse reports).
//
// Thread contract: SystemClock is stateless. FakeClock may be read from any thread while a test
// sets or advances it from another.
#pragma once

#include <atomic>
#include <chrono>

namespace freshwatch::core {

using Duration = std::chrono::microseconds;
using TimePoint = std::chrono::sys_time<Duration>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override {
    return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_us_(start.time_since_epoch().count()) {}

  TimePoint now() const override { return TimePoint(Duration(now_us_.load())); }
  void set(TimePoint t) { now_us_.store(t.time_since_epoch().count()); }
  void advance(Duration d) { now_us_.fetch_add(d.count()); }

 private:
  std::atomic<Duration::rep> now_us_;
};

}  // namespace freshwatch::core
