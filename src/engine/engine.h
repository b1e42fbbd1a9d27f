// Engine: the loop at the heart of freshwatch. It owns the connections (each a Connector with
// its ConnectionSchedule), holds what is known (assets, the latest observation of each signal,
// lineage edges, connection states, the recent day cells), and after every collection run and
// every re-evaluation tick publishes a new immutable model::Snapshot.
//
// Pipeline of one run: collect (on a worker thread, no lock held) → merge into the known state →
// build the snapshot (build_snapshot, pure; judgement comes from the Evaluator; its layout is
// made again only when the run changed assets, edges or observations) → publish →
// persist, without the lock, the run in one transaction (store::RunRecord with the statuses
// that changed since the last snapshot recorded). A run that fails (error, exception, timeout)
// marks the connection's known assets unknown with its error and is retried with backoff;
// other connections are not affected. Between runs, tick() re-evaluates everything every
// `reevaluate_every` (time alone changes status: a deadline passes, a calendar day ends) and
// records the statuses that changed. Each calendar day's first record holds every asset, so
// the store's daily rollup has a row per asset and day; between records the store counts an
// unchanged status's time when it is read (Store::history with as_of).
//
// On start, load() reads the last state from the store (assets, edges, latest observations,
// latest runs, recent history, connector states) and the schedules resume where the stored runs
// left off.
//
// Every collect() is handed what its connection's last successful run reported
// (CollectContext::known: assets and edges, as the engine holds them, from the store after a
// restart) and the state its connector returned last (CollectContext::state). A successful run
// that returns a state replaces it, in memory and in the run's store transaction.
//
// Threads: run() is the scheduler loop, on the caller's thread; it waits on a condition
// variable until the next decision point computed from the injected clock (or until wake()),
// starts due runs through the Executor (one thread per run by default) and cancels overdue
// ones through CollectContext::stop. Runs of one connection never overlap. All state is
// guarded by one mutex; snapshot() is lock-free (an atomic shared_ptr) and may be called from
// any thread. Stopping run()'s stop_token cancels in-flight runs and waits for them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "core/clock.h"
#include "core/result.h"
#include "engine/scheduler.h"
#include "engine/snapshot_builder.h"
#include "model/snapshot.h"
#include "store/store.h"

namespace freshwatch::engine {

struct EngineOptions {
  std::string timezone = "UTC";  // calendar days of the history
  int history_days = 90;
  core::Duration reevaluate_every = std::chrono::minutes(1);
  // false: read the store (for the last state) but never write to it (`check`).
  bool persist = true;
};

// One configured connection as the engine runs it.
struct ConnectionSetup {
  std::string name;
  std::string type;
  std::unique_ptr<connectors::Connector> connector;
  NextOccurrence schedule;  // empty: only collect_once() runs it
  ScheduleOptions options;
};

// Runs a task on some thread. The default starts a detached thread per task (the engine waits
// for all of them before it is destroyed); tests pass one that queues tasks to run by hand.
using Executor = std::function<void(std::function<void()>)>;

class Engine {
 public:
  // `store` may be null (nothing is read or persisted). `clock` and `store` must outlive the
  // engine.
  Engine(EngineOptions options, std::vector<ConnectionSetup> connections, store::Store* store,
         Evaluator evaluate, const core::Clock& clock, Executor executor = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Reads the last state from the store and plans each connection's first run. Publishes a
  // snapshot when the store had assets.
  Result<void> load();

  // Runs every connection once, concurrently, and waits; persists and publishes as run() does.
  // Returns the connections' errors joined when any failed (the snapshot still shows them).
  Result<void> collect_once(std::stop_token stop = {});

  // The scheduler loop; returns once `stop` is requested and every in-flight run has ended.
  void run(std::stop_token stop);

  // One pass of the loop's decisions at clock.now(): cancel overdue runs, start due ones,
  // re-evaluate when it is time. run() calls it; tests call it directly.
  void tick();
  // Makes run() look at the clock again now (tests advance a FakeClock, then wake()).
  void wake();
  // When the loop next has something to decide.
  std::optional<core::TimePoint> next_wake() const;

  // The latest published snapshot; null before the first publication.
  std::shared_ptr<const model::Snapshot> snapshot() const { return current_.load(); }
  // How many snapshots have been published (readiness: > 0).
  std::uint64_t publications() const { return publications_.load(); }
  // Subscribes to publications. Callbacks run on a publishing thread (a collection worker, the
  // loop, or the caller of load()), without the engine's lock, one call at a time across all
  // subscribers, each handed the newest snapshot published when the call began: a subscriber
  // sees strictly increasing versions, never an older snapshot after a newer one, and always
  // the newest in the end. Publications made while subscribers are busy are delivered as the
  // newest of them (the ones in between are skipped; each snapshot holds the whole state).
  // A callback must be quick (hand slow work to another thread) and must not subscribe.
  void on_publish(std::function<void(const std::shared_ptr<const model::Snapshot>&)> callback);
  // Waits (real time) until at least `count` snapshots were published; false on timeout.
  bool wait_for_publications(std::uint64_t count, std::chrono::milliseconds timeout) const;

  // A snapshot of the current state evaluated as of `at`, not published (`check --as-of`).
  model::Snapshot evaluate_at(core::TimePoint at) const;

  // The statuses to record for `snapshot` when `recorded` is the last snapshot recorded: the
  // assets whose status differs or that it did not hold; every asset when nothing was recorded
  // yet or on a new calendar day (so each day's rollup holds every asset).
  static std::vector<store::StatusRecord> status_changes(const model::Snapshot& snapshot,
                                                         const model::Snapshot* recorded);

 private:
  struct Connection {
    ConnectionSetup setup;
    ConnectionSchedule schedule;
    model::ConnectionState state;
    std::vector<model::Edge> edges;
    // The connector's state (null when it never returned one); handed to collect().
    std::shared_ptr<const connectors::ConnectorState> connector_state;
    std::stop_source run_stop;
    bool timed_out = false;
    core::TimePoint started_at{};
  };

  void start_locked(std::size_t index, core::TimePoint now);
  void execute(std::size_t index);
  void finish_run(std::size_t index, Result<connectors::Collection> result,
                  core::TimePoint started, core::TimePoint finished);
  model::Snapshot build_locked(core::TimePoint now, std::uint64_t version) const;
  // Makes `snapshot` (numbered under mutex_ in the same critical section) the current one.
  void publish_locked(std::shared_ptr<const model::Snapshot> snapshot);
  // Hands the current snapshot to the subscribers unless they had it or a newer one; called
  // after publish_locked(), without mutex_.
  void notify_subscribers();
  // Builds and publishes a snapshot as of `now`, and returns it for persist().
  std::shared_ptr<const model::Snapshot> reevaluate_locked(core::TimePoint now);
  // Records in the store the status changes of `snapshot` since the last snapshot recorded,
  // with `run` (the collection run that made it) in the same transaction. Called without
  // mutex_, from any thread, in any order: a snapshot older than the last one recorded only
  // saves its run (the newer one's changes include its own).
  void persist(std::shared_ptr<const model::Snapshot> snapshot,
               std::optional<store::RunRecord> run);
  void refresh_history_locked(core::TimePoint now);
  // What the connection's last successful run reported, from the engine's state (assets are
  // replaced only by a successful run), for CollectContext::known.
  connectors::KnownCollection known_locked(const Connection& c) const;
  void remember_today_locked(const model::Snapshot& snapshot);

  const EngineOptions options_;
  store::Store* const store_;
  const Evaluator evaluate_;
  const core::Clock& clock_;
  const date::time_zone* zone_ = nullptr;
  Executor executor_;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;  // runs finished, wake(), publications
  std::vector<Connection> connections_;
  std::map<std::string, model::AssetPtr> assets_;  // shared with the snapshots
  ObservationsByAsset observations_;
  // The layout of assets_, the edges and observations_ (made when first needed after they
  // change, then shared by every build until they change again).
  mutable std::shared_ptr<const SnapshotLayout> layout_;
  model::HistoryTable history_;  // read from the store once, then kept from the snapshots
  date::sys_days history_today_{};
  std::optional<core::TimePoint> next_reevaluation_;
  std::uint64_t version_ = 0;
  int in_flight_ = 0;
  bool woken_ = false;

  std::mutex persist_mutex_;  // serialises persist(); taken without mutex_ held
  std::shared_ptr<const model::Snapshot> persisted_;  // GUARDED_BY(persist_mutex_)

  std::mutex publish_mutex_;  // serialises subscriber calls; taken without mutex_ held
  std::vector<std::function<void(const std::shared_ptr<const model::Snapshot>&)>> callbacks_;
  std::uint64_t notified_version_ = 0;  // GUARDED_BY(publish_mutex_): the last one handed over
  std::atomic<std::shared_ptr<const model::Snapshot>> current_;
  std::atomic<std::uint64_t> publications_{0};
};

}  // namespace freshwatch::engine
