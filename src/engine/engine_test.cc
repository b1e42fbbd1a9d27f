#include "engine/engine.h"

#include <deque>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "core/time.h"
#include "store/sqlite/sqlite_store.h"
#include "support/process.h"

namespace freshwatch::engine {
namespace {

using namespace std::chrono_literals;
using model::Status;

core::TimePoint at(std::string_view text) { return *core::parse_timestamp(text); }

// The value of a store read; a failed read fails the test.
template <typename T>
T value(Result<T> result) {
  if (!result) throw std::runtime_error(result.error().message);
  return std::move(*result);
}

std::unique_ptr<store::Store> open_store(const std::string& path) {
  return value(store::open_sqlite({.path = path}));
}

// A connector whose behaviour the test sets; counts its calls.
class FakeConnector final : public connectors::Connector {
 public:
  using Fn = std::function<Result<connectors::Collection>(const connectors::CollectContext&)>;
  explicit FakeConnector(Fn fn) : fn_(std::move(fn)) {}
  Result<connectors::Collection> collect(const connectors::CollectContext& context) override {
    ++calls;
    return fn_(context);
  }
  void set(Fn fn) { fn_ = std::move(fn); }
  std::atomic<int> calls{0};

 private:
  Fn fn_;
};

// A warehouse with one schema and the given tables, each changed `age` before the run.
connectors::Collection tables(const std::string& connection,
                              std::vector<std::pair<std::string, core::Duration>> ages,
                              core::TimePoint now) {
  connectors::Collection c;
  c.assets.push_back({.key = connection, .name = connection,
                      .kind = model::AssetKind::kConnection, .connection = connection});
  c.assets.push_back({.key = connection + ":main", .name = "main",
                      .kind = model::AssetKind::kSchema, .parent = connection,
                      .connection = connection});
  for (const auto& [name, age] : ages) {
    const auto key = connection + ":main." + name;
    c.assets.push_back({.key = key, .name = name, .kind = model::AssetKind::kTable,
                        .parent = connection + ":main", .connection = connection});
    model::Observation o;
    o.asset_key = key;
    o.observed_at = now;
    o.changed_at = now - age;
    o.signal = "max(_loaded_at)";
    c.observations.push_back(o);
  }
  return c;
}

// Fresh under an hour, warn under a day, error beyond.
model::Evaluation judge(const model::Asset&, std::span<const model::Observation> observations,
                        core::TimePoint now) {
  model::Evaluation e;
  e.policy = "test";
  for (const auto& o : observations) {
    if (!o.ok() || !o.changed_at) continue;
    e.signal = o.signal;
    e.changed_at = o.changed_at;
    const auto age = now - *o.changed_at;
    e.status = age < 1h ? Status::kFresh : age < 24h ? Status::kWarn : Status::kError;
  }
  return e;
}

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() : clock_(at("2024-05-10T10:00:00Z")) {}

  FakeConnector* add(const std::string& name, FakeConnector::Fn fn,
                     ScheduleOptions options = {0s, 5min, 2, 1min}) {
    auto connector = std::make_unique<FakeConnector>(std::move(fn));
    auto* raw = connector.get();
    setups_.push_back({name, "fake", std::move(connector), every(15min), options});
    return raw;
  }

  // An engine over the connections added so far, on `store` (the fixture's when null).
  Engine& make(bool manual = true, EngineOptions options = {}, store::Store* store = nullptr) {
    Executor executor;
    if (manual) executor = [this](std::function<void()> task) { tasks_.push_back(std::move(task)); };
    engine_ = std::make_unique<Engine>(options, std::move(setups_), store ? store : store_.get(),
                                       judge, clock_, executor);
    return *engine_;
  }

  void run_tasks() {
    while (!tasks_.empty()) {
      auto task = std::move(tasks_.front());
      tasks_.pop_front();
      task();
    }
  }

  const model::ConnectionState& state(const std::string& name) {
    snap_ = engine_->snapshot();
    for (const auto& c : snap_->connections)
      if (c.name == name) return c;
    throw std::runtime_error("no connection " + name);
  }

  store::ConnectionRun latest_run(const std::string& connection) {
    for (auto& run : value(store_->latest_runs()))
      if (run.connection == connection) return run;
    throw std::runtime_error("no stored run of " + connection);
  }

  // The status the store holds for `key` now (its open interval).
  model::StatusInterval open_interval(const std::string& key) {
    for (auto& interval : value(store_->open_intervals()))
      if (interval.asset_key == key) return interval;
    throw std::runtime_error("no open interval of " + key);
  }

  // Minutes `key` spent in `status` today, as a reader of the store's daily rollup sees them
  // now (`recorded_only`: only what records wrote).
  int minutes_today(const std::string& key, Status status, store::Store* store = nullptr,
                    bool recorded_only = false) {
    const auto today = date::floor<date::days>(clock_.now());
    const auto as_of = recorded_only ? std::nullopt : std::optional(clock_.now());
    const auto cells = value((store ? store : store_.get())->history(key, today, today, as_of));
    return cells.empty() ? 0 : cells[0].minutes[static_cast<std::size_t>(status)];
  }

  core::FakeClock clock_;
  std::unique_ptr<store::Store> store_ = open_store(":memory:");
  std::vector<ConnectionSetup> setups_;
  std::deque<std::function<void()>> tasks_;
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<const model::Snapshot> snap_;
};

TEST_F(EngineTest, CollectOncePersistsEvaluatesAndPublishes) {
  add("wh", [this](auto&) { return tables("wh", {{"a", 10min}, {"b", 3h}, {"c", 48h}}, clock_.now()); });
  auto& engine = make();
  EXPECT_EQ(engine.snapshot(), nullptr);
  EXPECT_EQ(engine.publications(), 0u);
  ASSERT_TRUE(engine.collect_once());
  auto snap = engine.snapshot();
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(engine.publications(), 1u);
  EXPECT_EQ(snap->find("wh:main.a")->evaluation.status, Status::kFresh);
  EXPECT_EQ(snap->find("wh:main.b")->evaluation.status, Status::kWarn);
  EXPECT_EQ(snap->find("wh:main.c")->evaluation.status, Status::kError);
  EXPECT_EQ(snap->find("wh")->evaluation.status, Status::kError);
  const auto runs = value(store_->latest_runs());
  ASSERT_EQ(runs.size(), 1u);
  const auto& run = runs[0];
  EXPECT_EQ(run.connection, "wh");
  EXPECT_TRUE(run.error.empty());
  EXPECT_EQ(value(store_->assets()).size(), 5u);
  EXPECT_EQ(value(store_->latest_observations()).size(), 3u);
  EXPECT_EQ(value(store_->open_intervals()).size(), 5u);  // leaves and containers
  EXPECT_EQ(state("wh").last_success, clock_.now());
}

TEST_F(EngineTest, AFailingConnectionDoesNotHideOthers) {
  bool fail_now = false;
  add("wh", [&](auto&) -> Result<connectors::Collection> {
    if (fail_now) return fail(ErrorCode::kUnavailable, "connection refused");
    return tables("wh", {{"a", 10min}}, clock_.now());
  });
  add("lake", [this](auto&) { return tables("lake", {{"x", 5min}}, clock_.now()); });
  add("broken", [](auto&) -> Result<connectors::Collection> {
    throw std::runtime_error("boom");
  });
  auto& engine = make();
  auto first = engine.collect_once();
  ASSERT_FALSE(first);
  EXPECT_NE(first.error().message.find("broken: the connector failed unexpectedly: boom"),
            std::string::npos);
  EXPECT_EQ(engine.snapshot()->find("wh:main.a")->evaluation.status, Status::kFresh);

  fail_now = true;
  clock_.advance(15min);
  ASSERT_FALSE(engine.collect_once());
  auto snap = engine.snapshot();
  const auto& a = snap->find("wh:main.a")->evaluation;
  EXPECT_EQ(a.status, Status::kUnknown);
  EXPECT_EQ(a.error, "connection refused");
  EXPECT_EQ(snap->find("lake:main.x")->evaluation.status, Status::kFresh);
  EXPECT_EQ(snap->find("broken")->evaluation.error, "the connector failed unexpectedly: boom");
  EXPECT_EQ(state("wh").error, "connection refused");
  EXPECT_EQ(state("wh").last_success, clock_.now() - 15min);
  // The failed run is persisted with its error and the unknown statuses of known assets.
  const auto failed = latest_run("wh");
  EXPECT_EQ(failed.error, "connection refused");
  // The failed run carried no assets: each was last seen by the run before.
  for (const auto& s : value(store_->asset_sightings())) {
    if (model::key_connection(s.key) != "wh") continue;
    EXPECT_EQ(s.last_seen, clock_.now() - 15min) << s.key;
  }
  EXPECT_EQ(open_interval("wh:main.a").status, Status::kUnknown);
}

TEST_F(EngineTest, TheLatestRunsWarningsAreShownOnTheConnection) {
  enum class Next { kStale, kFailed, kClean } next = Next::kStale;
  add("dbt", [&](auto&) -> Result<connectors::Collection> {
    if (next == Next::kFailed) return fail(ErrorCode::kUnavailable, "connection refused");
    auto c = tables("dbt", {{"a", 10min}}, clock_.now());
    if (next == Next::kStale)
      c.warnings = {"stale artifacts: manifest.json is not valid JSON; serving the state read at "
                    "2024-05-10T09:00:00Z",
                    "run_results.json: unknown version"};
    return c;
  });
  add("wh", [this](auto&) { return tables("wh", {{"x", 5min}}, clock_.now()); });
  auto& engine = make();
  ASSERT_TRUE(engine.collect_once());  // warnings are not failures
  ASSERT_EQ(state("dbt").warnings.size(), 2u);
  EXPECT_TRUE(state("dbt").warnings[0].starts_with("stale artifacts: manifest.json"));
  EXPECT_EQ(state("dbt").warnings[1], "run_results.json: unknown version");
  EXPECT_TRUE(state("dbt").error.empty());
  EXPECT_TRUE(state("wh").warnings.empty());
  // The state served with the warning is still judged.
  EXPECT_EQ(engine.snapshot()->find("dbt:main.a")->evaluation.status, Status::kFresh);
  // Re-evaluation keeps them; they belong to the latest run.
  const auto later = engine.evaluate_at(clock_.now() + 1h);
  EXPECT_EQ(later.connections[0].warnings.size(), 2u);

  next = Next::kFailed;
  clock_.advance(15min);
  ASSERT_FALSE(engine.collect_once());
  EXPECT_TRUE(state("dbt").warnings.empty()) << "a failed run shows its error instead";
  EXPECT_EQ(state("dbt").error, "connection refused");

  next = Next::kStale;
  clock_.advance(15min);
  ASSERT_TRUE(engine.collect_once());
  EXPECT_EQ(state("dbt").warnings.size(), 2u);
  next = Next::kClean;
  clock_.advance(15min);
  ASSERT_TRUE(engine.collect_once());
  EXPECT_TRUE(state("dbt").warnings.empty()) << "a clean run clears them";
}

TEST_F(EngineTest, ScheduledRunsRetryWithBackoffAfterFailure) {
  auto* wh = add("wh", [](auto&) -> Result<connectors::Collection> {
    return fail(ErrorCode::kUnavailable, "refused");
  });
  auto& engine = make();
  engine.tick();  // first run is due at start
  ASSERT_EQ(tasks_.size(), 1u);
  run_tasks();
  EXPECT_EQ(wh->calls, 1);
  EXPECT_EQ(state("wh").next_run, at("2024-05-10T10:01:00Z"));
  EXPECT_EQ(engine.next_wake(), at("2024-05-10T10:01:00Z"));

  clock_.set(at("2024-05-10T10:00:59Z"));
  engine.tick();
  EXPECT_TRUE(tasks_.empty());
  clock_.set(at("2024-05-10T10:01:00Z"));
  engine.tick();
  run_tasks();
  EXPECT_EQ(wh->calls, 2);
  EXPECT_EQ(state("wh").next_run, at("2024-05-10T10:03:00Z"));  // doubled
  clock_.set(at("2024-05-10T10:03:00Z"));
  engine.tick();
  run_tasks();
  EXPECT_EQ(state("wh").next_run, at("2024-05-10T10:15:00Z"));  // retries used: the schedule

  wh->set([this](auto&) { return tables("wh", {{"a", 1min}}, clock_.now()); });
  clock_.set(at("2024-05-10T10:15:00Z"));
  engine.tick();
  run_tasks();
  EXPECT_TRUE(state("wh").error.empty());
  EXPECT_EQ(state("wh").next_run, at("2024-05-10T10:30:00Z"));
}

TEST_F(EngineTest, RunsOfOneConnectionNeverOverlapOrPileUp) {
  auto* wh = add("wh", [this](auto&) { return tables("wh", {{"a", 1min}}, clock_.now()); },
                 {0s, 2h, 0, 1min});
  auto& engine = make();
  engine.tick();
  ASSERT_EQ(tasks_.size(), 1u);
  // Three slots pass while the run is still in progress.
  for (const char* t : {"2024-05-10T10:15:00Z", "2024-05-10T10:30:00Z", "2024-05-10T10:45:00Z"}) {
    clock_.set(at(t));
    engine.tick();
  }
  EXPECT_EQ(tasks_.size(), 1u);
  clock_.set(at("2024-05-10T10:50:00Z"));
  run_tasks();
  EXPECT_EQ(wh->calls, 1);
  EXPECT_EQ(state("wh").next_run, at("2024-05-10T11:00:00Z"));
  engine.tick();
  EXPECT_TRUE(tasks_.empty());
}

TEST_F(EngineTest, OverdueRunIsCancelledAndReportedAsTimeout) {
  add("wh", [](const connectors::CollectContext& context) -> Result<connectors::Collection> {
    if (context.stop.stop_requested()) return fail(ErrorCode::kCancelled, "stopped");
    return connectors::Collection{};
  }, {0s, 5min, 0, 1min});
  auto& engine = make();
  engine.tick();
  ASSERT_EQ(tasks_.size(), 1u);
  EXPECT_EQ(engine.next_wake(), at("2024-05-10T10:01:00Z"));  // re-evaluation comes first
  clock_.set(at("2024-05-10T10:05:00Z"));
  engine.tick();  // passes the deadline: stop is requested
  run_tasks();
  EXPECT_EQ(state("wh").error, "collection timed out after 5 min");
}

model::Snapshot judged(date::sys_days today,
                       std::vector<std::pair<std::string, Status>> statuses) {
  model::Snapshot s;
  s.today = today;
  for (auto& [key, status] : statuses) {
    model::AssetState a;
    a.asset = std::make_shared<const model::Asset>(model::Asset{.key = key});
    a.evaluation.status = status;
    s.assets.push_back(std::move(a));
  }
  return s;
}

std::vector<std::string> keys_of(const std::vector<store::StatusRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.asset_key);
  return out;
}

TEST(StatusChanges, AreTheAssetsWhoseStatusChangedOrEveryAssetOnANewDay) {
  const auto day = date::sys_days(date::year{2024} / 5 / 10);
  const auto before = judged(day, {{"a", Status::kFresh}, {"b", Status::kWarn}, {"gone", Status::kError}});
  const auto after = judged(day, {{"a", Status::kFresh}, {"b", Status::kError}, {"c", Status::kFresh}});
  EXPECT_EQ(keys_of(Engine::status_changes(after, &before)), (std::vector<std::string>{"b", "c"}))
      << "b changed, c is new; a kept its status";
  EXPECT_EQ(keys_of(Engine::status_changes(after, nullptr)),
            (std::vector<std::string>{"a", "b", "c"})) << "nothing recorded yet";
  const auto tomorrow = judged(day + date::days(1), {{"a", Status::kFresh}, {"b", Status::kError}});
  EXPECT_EQ(keys_of(Engine::status_changes(tomorrow, &after)), (std::vector<std::string>{"a", "b"}))
      << "a new day's first record holds every asset";
}

TEST_F(EngineTest, TimeAloneChangesStatusAndIsRecorded) {
  add("wh", [this](auto&) { return tables("wh", {{"a", 50min}}, clock_.now()); }, {0s, 5min, 0, 1min});
  EngineOptions options;
  options.reevaluate_every = 1min;
  auto& engine = make(true, options);
  engine.tick();
  run_tasks();
  EXPECT_EQ(engine.snapshot()->find("wh:main.a")->evaluation.status, Status::kFresh);
  clock_.advance(30s);
  engine.tick();
  // Nothing recorded since the run; a reader counts these 30 s, rounded to a minute.
  EXPECT_EQ(minutes_today("wh:main.a", Status::kFresh, nullptr, true), 0);
  EXPECT_EQ(minutes_today("wh:main.a", Status::kFresh), 1);
  clock_.advance(30s);
  engine.tick();  // a minute after start: re-evaluated, still fresh: nothing is written
  EXPECT_EQ(minutes_today("wh:main.a", Status::kFresh, nullptr, true), 0);
  ASSERT_EQ(minutes_today("wh:main.a", Status::kFresh), 1);
  clock_.advance(10min);
  engine.tick();  // turns warn: the change is recorded, and the fresh time with it
  ASSERT_EQ(minutes_today("wh:main.a", Status::kFresh, nullptr, true), 11);
  ASSERT_EQ(minutes_today("wh:main.a", Status::kFresh), 11);
  EXPECT_EQ(engine.snapshot()->find("wh:main.a")->evaluation.status, Status::kWarn);
  const auto warn = open_interval("wh:main.a");
  EXPECT_EQ(warn.from, clock_.now());
  EXPECT_EQ(warn.status, Status::kWarn);
  auto snap = engine.snapshot();
  EXPECT_EQ(snap->history(*snap->find("wh:main.a")).back().worst, Status::kWarn);
}

TEST_F(EngineTest, LoadCarriesOnFromTheStore) {
  auto* wh = add("wh", [this](auto&) { return tables("wh", {{"a", 1min}}, clock_.now()); });
  // What an earlier process stored: yesterday's error, a run at 09:50, a connection since removed.
  const store::StatusRecord yesterday[] = {{"wh:main.a", Status::kError, ""}};
  ASSERT_TRUE(store_->record_statuses(yesterday, at("2024-05-09T12:00:00Z")));
  auto collection = tables("wh", {{"a", 2h}, {"gone", 1h}}, at("2024-05-10T09:50:00Z"));
  ASSERT_TRUE(store_->save_run({.connection = "wh",
                                .started_at = at("2024-05-10T09:45:00Z"),
                                .finished_at = at("2024-05-10T09:50:00Z"),
                                .assets = collection.assets,
                                .observations = collection.observations}));
  ASSERT_TRUE(store_->save_run({.connection = "old",
                                .started_at = at("2024-05-10T09:45:00Z"),
                                .finished_at = at("2024-05-10T09:50:00Z"),
                                .assets = {{.key = "old:x", .name = "x", .connection = "old"}}}));
  auto& engine = make();
  ASSERT_TRUE(engine.load());
  auto snap = engine.snapshot();
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->find("wh:main.a")->evaluation.status, Status::kWarn);
  EXPECT_EQ(snap->find("old:x"), nullptr) << "assets of connections no longer configured are left out";
  const auto history = snap->history(*snap->find("wh:main.a"));
  ASSERT_EQ(history.size(), 90u);
  EXPECT_TRUE(history[88].has_data);
  EXPECT_EQ(history[88].worst, Status::kError);
  // The run at 09:50 served the 09:45 slot; nothing is due before 10:00.
  EXPECT_EQ(state("wh").next_run, at("2024-05-10T10:00:00Z"));
  EXPECT_EQ(state("wh").last_run, at("2024-05-10T09:50:00Z"));
  engine.tick();
  run_tasks();
  EXPECT_EQ(wh->calls, 1);
  // The new run no longer sees "gone": it disappears.
  EXPECT_EQ(engine.snapshot()->find("wh:main.gone"), nullptr);
}

TEST_F(EngineTest, SnapshotsShareTheAssetsARunReportsUnchanged) {
  std::string owner = "data-eng";
  add("wh", [&](auto&) {
    auto c = tables("wh", {{"a", 10min}, {"b", 10min}}, clock_.now());
    for (auto& a : c.assets)
      if (a.key == "wh:main.b") a.owner = owner;
    return c;
  });
  auto& engine = make();
  ASSERT_TRUE(engine.collect_once());
  const auto first = engine.snapshot();
  owner = "finance";
  clock_.advance(15min);
  ASSERT_TRUE(engine.collect_once());
  const auto second = engine.snapshot();
  EXPECT_EQ(first->find("wh:main.a")->asset, second->find("wh:main.a")->asset)
      << "one value for both snapshots";
  EXPECT_NE(first->find("wh:main.b")->asset, second->find("wh:main.b")->asset);
  EXPECT_EQ(second->find("wh:main.b")->asset->owner, "finance");
  EXPECT_EQ(first->find("wh:main.b")->asset->owner, "data-eng") << "a published snapshot never changes";
}

TEST_F(EngineTest, ATableDroppedBeforeARestartStaysGone) {
  testing::TempDir dir;
  const std::string path = (dir / "store.db").string();
  std::vector<std::pair<std::string, core::Duration>> ages = {
      {"a", 10min}, {"b", 10min}, {"c", 3h}};
  auto collect = [&](auto&) { return tables("wh", ages, clock_.now()); };
  {
    auto first = open_store(path);
    add("wh", collect);
    auto& engine = make(true, {}, first.get());
    ASSERT_TRUE(engine.collect_once());
    ASSERT_NE(engine.snapshot()->find("wh:main.b"), nullptr);
    ages.erase(ages.begin() + 1);  // b is dropped: the next run no longer reports it
    clock_.advance(15min);
    ASSERT_TRUE(engine.collect_once());
    EXPECT_EQ(engine.snapshot()->find("wh:main.b"), nullptr);
    engine_.reset();
  }
  // The next process: a new engine on the same file.
  auto second = open_store(path);
  bool kept = false;
  for (const auto& a : value(second->assets())) kept |= a.key == "wh:main.b";
  EXPECT_TRUE(kept) << "the store keeps the asset; load() is what leaves it out";
  add("wh", collect);
  auto& engine = make(true, {}, second.get());
  ASSERT_TRUE(engine.load());
  auto snap = engine.snapshot();
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->find("wh:main.b"), nullptr) << "a dropped table must not come back on restart";
  struct Kept {
    const char* key;
    Status status;
  };
  for (const auto& [key, status] :
       {Kept{"wh:main.a", Status::kFresh}, Kept{"wh:main.c", Status::kWarn}}) {
    const auto* asset = snap->find(key);
    ASSERT_NE(asset, nullptr) << key;
    EXPECT_EQ(asset->evaluation.status, status) << key;
    ASSERT_FALSE(snap->history(*asset).empty()) << key;
    EXPECT_TRUE(snap->history(*asset).back().has_data) << key;
    EXPECT_EQ(minutes_today(key, status, second.get()), 15) << key << ": the stored rollup";
  }
  EXPECT_EQ(state("wh").last_success, clock_.now());
}

// A source's own policy (dbt's thresholds) judges its asset from the first snapshot after a
// restart, before the connection runs again.
TEST_F(EngineTest, AnAssetsOwnPolicyJudgesItAfterARestart) {
  testing::TempDir dir;
  const std::string path = (dir / "store.db").string();
  const model::Policy own{"dbt freshness", model::ThresholdRule{1h, 2h}, "dbt: sources.yml"};
  auto collect = [&](auto&) {
    auto c = tables("wh", {{"a", 10min}}, clock_.now());
    c.assets.back().policy = own;
    return c;
  };
  // Names the policy it would use: the asset's own, else "test".
  auto by_own_policy = [](const model::Asset& asset,
                          std::span<const model::Observation> observations, core::TimePoint now) {
    auto e = judge(asset, observations, now);
    if (asset.policy) e.policy = asset.policy->name;
    return e;
  };
  auto start = [&](store::Store* store) -> Engine& {
    add("wh", collect);
    engine_ =
        std::make_unique<Engine>(EngineOptions{}, std::move(setups_), store, by_own_policy, clock_,
                                 [this](auto task) { tasks_.push_back(std::move(task)); });
    return *engine_;
  };
  {
    auto first = open_store(path);
    ASSERT_TRUE(start(first.get()).collect_once());
    EXPECT_EQ(engine_->snapshot()->find("wh:main.a")->evaluation.policy, "dbt freshness");
    engine_.reset();
  }
  auto second = open_store(path);
  auto& engine = start(second.get());
  ASSERT_TRUE(engine.load());
  EXPECT_EQ(engine.snapshot()->find("wh:main.a")->asset->policy, own);
  EXPECT_EQ(engine.snapshot()->find("wh:main.a")->evaluation.policy, "dbt freshness");
}

// Each collect() gets what its connection's last successful run reported and the state its
// connector returned; a successful run that returns a state replaces it, and a restart keeps
// both (with the dashboards' usage and the edges' via) before the connection runs again.
TEST_F(EngineTest, ConnectorsGetWhatTheyKnewAndTheirStateAcrossARestart) {
  testing::TempDir dir;
  const std::string path = (dir / "store.db").string();
  struct Seen {
    std::optional<connectors::KnownCollection> known;
    std::optional<connectors::ConnectorState> state;
  };
  std::vector<Seen> seen;
  std::optional<connectors::ConnectorState> returns = connectors::ConnectorState{{"q:1", "wh:main.a"}};
  bool fails = false;
  auto collect = [&](const connectors::CollectContext& context) -> Result<connectors::Collection> {
    seen.push_back({context.known ? std::optional(*context.known) : std::nullopt,
                    context.state ? std::optional(*context.state) : std::nullopt});
    if (fails) return fail(ErrorCode::kUnavailable, "refused");
    auto c = tables("bi", {{"a", 10min}}, clock_.now());
    model::Asset dashboard{.key = "bi:dash", .name = "dash", .kind = model::AssetKind::kDashboard,
                           .parent = "bi", .connection = "bi"};
    dashboard.usage = model::Usage{at("2024-05-01T08:00:00Z"), std::nullopt, 42};
    c.assets.push_back(dashboard);
    c.assets.push_back({.key = "bi:dash.tile", .name = "tile", .kind = model::AssetKind::kTile,
                        .parent = "bi:dash", .connection = "bi"});
    c.edges = {{"bi:main.a", "bi:dash.tile", "view a"}};
    c.state = returns;
    return c;
  };
  const connectors::ConnectorState first_state{{"q:1", "wh:main.a"}};
  {
    auto store = open_store(path);
    add("bi", collect);
    auto& engine = make(true, {}, store.get());
    ASSERT_TRUE(engine.load());
    ASSERT_TRUE(engine.collect_once());
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_FALSE(seen[0].known) << "nothing known before the first run";
    EXPECT_FALSE(seen[0].state);

    returns.reset();  // the next run keeps the state it was given
    clock_.advance(15min);
    ASSERT_TRUE(engine.collect_once());
    ASSERT_EQ(seen.size(), 2u);
    ASSERT_TRUE(seen[1].known);
    EXPECT_EQ(seen[1].known->assets.size(), 5u);
    EXPECT_EQ(seen[1].known->edges, (std::vector<model::Edge>{{"bi:main.a", "bi:dash.tile", "view a"}}));
    EXPECT_EQ(seen[1].state, first_state);

    fails = true;  // a failed run changes neither
    clock_.advance(15min);
    EXPECT_FALSE(engine.collect_once());
    fails = false;
    clock_.advance(15min);
    ASSERT_TRUE(engine.collect_once());
    ASSERT_EQ(seen.size(), 4u);
    ASSERT_TRUE(seen[3].known);
    EXPECT_EQ(seen[3].known->assets.size(), 5u);
    EXPECT_EQ(seen[3].state, first_state);
    EXPECT_EQ(value(store->connector_states()).at("bi"), first_state);
    engine_.reset();
  }
  auto store = open_store(path);
  add("bi", collect);
  auto& engine = make(true, {}, store.get());
  ASSERT_TRUE(engine.load());
  const auto snap = engine.snapshot();
  ASSERT_NE(snap, nullptr);
  ASSERT_NE(snap->find("bi:dash"), nullptr);
  EXPECT_EQ(snap->find("bi:dash")->asset->usage,
            (model::Usage{at("2024-05-01T08:00:00Z"), std::nullopt, 42}));
  EXPECT_EQ(snap->edges, (std::vector<model::Edge>{{"bi:main.a", "bi:dash.tile", "view a"}}));

  returns = connectors::ConnectorState{{"q:2", "wh:main.b"}};
  clock_.advance(15min);
  ASSERT_TRUE(engine.collect_once());
  ASSERT_EQ(seen.size(), 5u);
  ASSERT_TRUE(seen[4].known) << "from the store";
  std::vector<std::string> keys;
  for (const auto& a : seen[4].known->assets) keys.push_back(a->key);
  EXPECT_EQ(keys, (std::vector<std::string>{"bi", "bi:dash", "bi:dash.tile", "bi:main", "bi:main.a"}));
  EXPECT_EQ(seen[4].known->edges, (std::vector<model::Edge>{{"bi:main.a", "bi:dash.tile", "view a"}}));
  EXPECT_EQ(seen[4].state, first_state) << "from the store";
  EXPECT_EQ(value(store->connector_states()).at("bi"), *returns) << "replaced";
}

// `check` (persist = false) hands a connector the state it returned earlier in the process,
// but never writes it.
TEST_F(EngineTest, WithoutPersistenceTheStateIsKeptInMemoryOnly) {
  std::vector<std::optional<connectors::ConnectorState>> seen;
  add("bi", [&](const connectors::CollectContext& context) -> Result<connectors::Collection> {
    seen.push_back(context.state ? std::optional(*context.state) : std::nullopt);
    auto c = tables("bi", {{"a", 10min}}, clock_.now());
    c.state = connectors::ConnectorState{{"k", std::to_string(seen.size())}};
    return c;
  });
  auto& engine = make(true, EngineOptions{.persist = false});
  ASSERT_TRUE(engine.collect_once());
  ASSERT_TRUE(engine.collect_once());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1], (connectors::ConnectorState{{"k", "1"}}));
  EXPECT_TRUE(value(store_->connector_states()).empty());
}

TEST_F(EngineTest, EvaluateAtJudgesAsOfAnotherTime) {
  add("wh", [this](auto&) { return tables("wh", {{"a", 10min}}, clock_.now()); });
  auto& engine = make();
  ASSERT_TRUE(engine.collect_once());
  EXPECT_EQ(engine.evaluate_at(clock_.now() + 2h).find("wh:main.a")->evaluation.status, Status::kWarn);
  EXPECT_EQ(engine.snapshot()->find("wh:main.a")->evaluation.status, Status::kFresh);
}

TEST_F(EngineTest, RunLoopStartsRunsAndStopsCleanly) {
  std::atomic<bool> blocked{false};
  add("wh", [this](auto&) { return tables("wh", {{"a", 1min}}, clock_.now()); });
  // A connection that only returns once it is told to stop.
  add("slow", [&](const connectors::CollectContext& context) -> Result<connectors::Collection> {
    blocked = true;
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait(lock, context.stop, [] { return false; });
    return fail(ErrorCode::kCancelled, "stopped");
  });
  auto& engine = make(false);
  std::uint64_t published = 0;
  engine.on_publish([&](const auto&) { ++published; });
  {
    std::jthread loop([&](std::stop_token stop) { engine.run(stop); });
    ASSERT_TRUE(engine.wait_for_publications(1, 30s));
    EXPECT_NE(engine.snapshot()->find("wh:main.a"), nullptr);
  }  // stop requested; run() cancels "slow" and waits for it
  EXPECT_GE(published, 1u);
  EXPECT_EQ(state("slow").error, "stopped");
}

// Runs finishing at once on worker threads publish concurrently; subscribers (alerts) must
// still see the snapshots in order. The first run's subscriber call is held until two more runs
// have published; then each call must hand over the newest snapshot, in increasing versions.
TEST_F(EngineTest, SubscribersNeverSeeAnOlderSnapshotAfterANewerOne) {
  for (const std::string name : {"a", "b", "c"})
    add(name, [this, name](auto&) { return tables(name, {{"t", 1min}}, clock_.now()); });
  auto& engine = make();
  struct Delivery {
    std::uint64_t version;  // handed to the subscriber
    std::uint64_t newest;   // published when the call began
  };
  std::mutex mutex;
  std::vector<Delivery> deliveries;
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  engine.on_publish([&](const std::shared_ptr<const model::Snapshot>& snapshot) {
    bool first;
    {
      std::lock_guard lock(mutex);
      deliveries.push_back({snapshot->version, engine.snapshot()->version});
      first = deliveries.size() == 1;
    }
    if (first) {
      entered.set_value();
      released.wait();
    }
  });
  engine.tick();  // the three runs are due at start
  ASSERT_EQ(tasks_.size(), 3u);
  std::vector<std::function<void()>> runs(tasks_.begin(), tasks_.end());
  tasks_.clear();
  {
    std::jthread first(runs[0]);
    entered.get_future().wait();  // the first publication is with its subscriber
    std::jthread second(runs[1]), third(runs[2]);
    EXPECT_TRUE(engine.wait_for_publications(3, 30s));
    release.set_value();
  }
  std::lock_guard lock(mutex);
  ASSERT_FALSE(deliveries.empty());
  for (std::size_t i = 0; i < deliveries.size(); ++i) {
    EXPECT_EQ(deliveries[i].version, deliveries[i].newest)
        << "call " << i << " handed over version " << deliveries[i].version << " while "
        << deliveries[i].newest << " was out";
    if (i == 0) continue;
    EXPECT_GT(deliveries[i].version, deliveries[i - 1].version) << "call " << i;
  }
  EXPECT_EQ(deliveries.back().version, engine.snapshot()->version) << "the newest arrives";
  EXPECT_EQ(engine.publications(), 3u);
}

TEST_F(EngineTest, RunLoopFollowsTheFakeClockWhenWoken) {
  auto* wh = add("wh", [this](auto&) { return tables("wh", {{"a", 1min}}, clock_.now()); });
  auto& engine = make(false);
  std::jthread loop([&](std::stop_token stop) { engine.run(stop); });
  ASSERT_TRUE(engine.wait_for_publications(1, 30s));
  EXPECT_EQ(wh->calls, 1);
  const auto before = engine.publications();
  clock_.set(at("2024-05-10T10:15:00Z"));
  engine.wake();
  ASSERT_TRUE(engine.wait_for_publications(before + 1, 30s));
  // The 10:15 slot ran (a re-evaluation may publish too; wait for the run itself).
  for (int i = 0; i < 100 && wh->calls < 2; ++i) engine.wait_for_publications(engine.publications() + 1, 100ms);
  EXPECT_EQ(wh->calls, 2);
}

}  // namespace
}  // namespace freshwatch::engine
