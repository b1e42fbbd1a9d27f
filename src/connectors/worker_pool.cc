#include "connectors/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace freshwatch::connectors {

void run_pool(std::size_t count, int concurrency, std::stop_token stop, const WorkerStart& start,
              const WorkerTask& task) {
  if (count == 0) return;
  const std::size_t workers =
      std::clamp<std::size_t>(static_cast<std::size_t>(std::max(concurrency, 1)), 1, count);
  std::atomic<std::size_t> next{0};
  auto drain = [&](std::size_t worker) {
    while (!stop.stop_requested()) {
      const std::size_t i = next.fetch_add(1);
      if (i >= count || !task(worker, i)) return;
    }
  };
  std::vector<std::jthread> threads;
  for (std::size_t w = 1; w < workers; ++w)
    threads.emplace_back([&, w] {
      if (!start) return drain(w);
      const std::shared_ptr<void> holder = start(w);  // released on this thread, after drain
      if (holder) drain(w);
    });
  drain(0);
}

void run_pool(std::size_t count, int concurrency, std::stop_token stop,
              const std::function<void(std::size_t index)>& task) {
  run_pool(count, concurrency, stop, nullptr, [&](std::size_t, std::size_t i) {
    task(i);
    return true;
  });
}

}  // namespace freshwatch::connectors
