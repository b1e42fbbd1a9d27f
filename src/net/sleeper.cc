#include "net/sleeper.h"

#include <condition_variable>
#include <mutex>

namespace freshwatch::net {

Sleeper real_sleeper() {
  return [](core::Duration d, std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    return !cv.wait_for(lock, stop, d, [] { return false; }) && !stop.stop_requested();
  };
}

}  // namespace freshwatch::net
