// The bounded pool every connector reads tables with: at most `concurrency` workers take items
// in order, one at a time, until none is left or a stop is requested.
//
// Worker 0 is the calling thread. Every further worker runs on a thread of its own and first
// calls `start(worker)` there (to open its own connection, say): the holder it returns lives on
// that thread until the worker is done, and a worker whose `start` returns nothing takes no
// items (the others do its share). A task returns false when its worker cannot go on (its
// connection was lost); the items it would have taken go to the other workers.
//
// Thread contract: `start` and `task` are called from several threads at once; each item is
// given to exactly one task. run_pool returns after every worker finished.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <stop_token>

namespace freshwatch::connectors {

using WorkerStart = std::function<std::shared_ptr<void>(std::size_t worker)>;
using WorkerTask = std::function<bool(std::size_t worker, std::size_t index)>;

void run_pool(std::size_t count, int concurrency, std::stop_token stop, const WorkerStart& start,
              const WorkerTask& task);

// Without per-worker state.
void run_pool(std::size_t count, int concurrency, std::stop_token stop,
              const std::function<void(std::size_t index)>& task);

}  // namespace freshwatch::connectors
