#include "engine/engine.h"

#include <algorithm>
#include <exception>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/log.h"
#include "core/time.h"

namespace freshwatch::engine {
namespace {

Executor default_executor() {
  return [](std::function<void()> task) { std::thread(std::move(task)).detach(); };
}

model::AssetPtr connection_asset(const std::string& name) {
  model::Asset a;
  a.key = model::make_key(name, "");
  a.name = name;
  a.kind = model::AssetKind::kConnection;
  a.connection = name;
  return std::make_shared<const model::Asset>(std::move(a));
}

}  // namespace

Engine::Engine(EngineOptions options, std::vector<ConnectionSetup> connections,
               store::Store* store, Evaluator evaluate, const core::Clock& clock,
               Executor executor)
    : options_(std::move(options)),
      store_(store),
      evaluate_(std::move(evaluate)),
      clock_(clock),
      executor_(executor ? std::move(executor) : default_executor()) {
  if (auto zone = core::find_zone(options_.timezone)) zone_ = *zone;
  connections_.reserve(connections.size());
  for (auto& setup : connections) {
    ConnectionSchedule schedule(setup.name, setup.schedule, setup.options);
    model::ConnectionState state;
    state.name = setup.name;
    state.type = setup.type;
    assets_.emplace(setup.name, connection_asset(setup.name));
    connections_.push_back(Connection{std::move(setup), std::move(schedule), std::move(state)});
  }
  const auto now = clock_.now();
  for (auto& c : connections_) c.schedule.resume(now, std::nullopt);
  next_reevaluation_ = now + options_.reevaluate_every;
}

Engine::~Engine() {
  std::unique_lock lock(mutex_);
  for (auto& c : connections_)
    if (c.schedule.running()) c.run_stop.request_stop();
  changed_.wait(lock, [&] { return in_flight_ == 0; });
}

void Engine::on_publish(
    std::function<void(const std::shared_ptr<const model::Snapshot>&)> callback) {
  std::lock_guard lock(publish_mutex_);
  callbacks_.push_back(std::move(callback));
}

bool Engine::wait_for_publications(std::uint64_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return publications_.load() >= count; });
}

Result<void> Engine::load() {
  if (!store_) return {};
  auto assets = store_->assets();
  if (!assets) return std::unexpected(assets.error().with_context("reading assets"));
  auto edges = store_->edges();
  if (!edges) return std::unexpected(edges.error().with_context("reading lineage"));
  auto observations = store_->latest_observations();
  if (!observations)
    return std::unexpected(observations.error().with_context("reading observations"));
  auto runs = store_->latest_runs();
  if (!runs) return std::unexpected(runs.error().with_context("reading runs"));
  auto sightings = store_->asset_sightings();
  if (!sightings) return std::unexpected(sightings.error().with_context("reading asset sightings"));
  auto states = store_->connector_states();
  if (!states) return std::unexpected(states.error().with_context("reading connector states"));

  const auto now = clock_.now();
  std::unique_lock lock(mutex_);
  std::map<std::string, std::size_t, std::less<>> by_name;
  for (std::size_t i = 0; i < connections_.size(); ++i) by_name[connections_[i].setup.name] = i;

  for (const auto& run : *runs) {
    auto it = by_name.find(run.connection);
    if (it == by_name.end()) continue;
    auto& c = connections_[it->second];
    c.state.last_run = run.finished_at;
    c.state.last_success = run.error.empty() ? std::optional(run.finished_at) : run.last_success;
    c.state.error = run.error;
    c.schedule.resume(now, run.finished_at);
  }
  // Assets that the latest successful run of their connection no longer saw were dropped.
  std::set<std::string, std::less<>> dropped;
  for (const auto& s : *sightings) {
    auto it = by_name.find(model::key_connection(s.key));
    if (it == by_name.end()) continue;
    const auto& success = connections_[it->second].state.last_success;
    if (success && s.last_seen < *success) dropped.insert(s.key);
  }
  std::size_t loaded = 0;
  for (auto& a : *assets) {
    if (!by_name.contains(a.connection) || dropped.contains(a.key)) continue;
    auto key = a.key;
    assets_[std::move(key)] = std::make_shared<const model::Asset>(std::move(a));
    ++loaded;
  }
  for (auto& o : *observations) {
    if (!assets_.contains(o.asset_key)) continue;
    observations_[o.asset_key].push_back(std::move(o));
  }
  for (auto& e : *edges) {
    auto it = by_name.find(model::key_connection(e.downstream));
    if (it == by_name.end()) it = by_name.find(model::key_connection(e.upstream));
    if (it != by_name.end()) connections_[it->second].edges.push_back(std::move(e));
  }
  for (auto& c : connections_) {
    if (auto it = states->find(c.setup.name); it != states->end())
      c.connector_state = std::make_shared<const connectors::ConnectorState>(std::move(it->second));
  }
  const auto signals = observations->size();
  // What was read is held by the engine now; the rows go before the snapshot is built.
  *assets = {};
  *observations = {};
  *sightings = {};
  dropped.clear();
  layout_.reset();
  refresh_history_locked(now);
  spdlog::info("loaded {} assets and {} signals from the store", loaded, signals);
  if (loaded == 0) return {};
  auto snap = std::make_shared<const model::Snapshot>(build_locked(now, ++version_));
  remember_today_locked(*snap);
  publish_locked(std::move(snap));
  lock.unlock();
  notify_subscribers();
  return {};
}

void Engine::refresh_history_locked(core::TimePoint now) {
  const auto today = local_day(now, zone_);
  if (history_.days() > 0 && today == history_today_) return;
  const int days = std::max(options_.history_days, 1);
  const auto first = today - date::days(days - 1);
  const bool loaded = history_.days() > 0;
  history_today_ = today;
  // Past days are as remembered from the snapshots; the store is read once.
  if (loaded) {
    history_.shift_to(first);
    return;
  }
  history_ = model::HistoryTable(first, days);
  if (!store_) return;
  auto table = store_->history(first, today);
  if (!table) {
    spdlog::warn("cannot read history: {}", table.error().message);
    return;
  }
  history_ = std::move(*table);
}

void Engine::remember_today_locked(const model::Snapshot& snapshot) {
  const auto day = (snapshot.today - history_.first()).count();
  if (day < 0 || day >= history_.days()) return;
  for (std::size_t i = 0; i < snapshot.assets.size(); ++i) {
    const auto bars = snapshot.history(i);
    if (!bars.empty()) history_.at(snapshot.assets[i].asset->key, snapshot.today) = bars.back();
  }
}

model::Snapshot Engine::build_locked(core::TimePoint now, std::uint64_t version) const {
  std::vector<model::ConnectionState> states;
  for (const auto& c : connections_) {
    states.push_back(c.state);
    states.back().next_run = c.schedule.running() ? std::nullopt : c.schedule.next_due();
  }
  if (!layout_) {
    std::vector<model::AssetPtr> assets;
    assets.reserve(assets_.size());
    for (const auto& [_, a] : assets_) assets.push_back(a);
    std::vector<model::Edge> edges;
    for (const auto& c : connections_) edges.insert(edges.end(), c.edges.begin(), c.edges.end());
    layout_ = make_layout(assets, edges, &observations_);
  }
  SnapshotInputs in;
  in.now = now;
  in.timezone = options_.timezone;
  in.zone = zone_;
  in.version = version;
  in.history_days = options_.history_days;
  in.layout = layout_.get();
  in.connections = states;
  in.history = &history_;
  in.evaluate = evaluate_;
  return build_snapshot(in);
}

void Engine::publish_locked(std::shared_ptr<const model::Snapshot> snapshot) {
  // Versions are numbered under mutex_ and published in the same critical section, so the
  // published version only grows.
  current_.store(std::move(snapshot));
  publications_.fetch_add(1);
  changed_.notify_all();
}

void Engine::notify_subscribers() {
  std::lock_guard lock(publish_mutex_);
  auto snapshot = current_.load();
  // Older than what subscribers were handed already: a newer publication got here first.
  if (!snapshot || snapshot->version <= notified_version_) return;
  notified_version_ = snapshot->version;
  for (const auto& callback : callbacks_) callback(snapshot);
}

model::Snapshot Engine::evaluate_at(core::TimePoint at) const {
  std::lock_guard lock(mutex_);
  return build_locked(at, version_);
}

std::vector<store::StatusRecord> Engine::status_changes(const model::Snapshot& snapshot,
                                                        const model::Snapshot* recorded) {
  std::vector<store::StatusRecord> out;
  const bool all = !recorded || recorded->today != snapshot.today;
  auto before = all ? nullptr : recorded->assets.data();
  const auto end = all ? nullptr : before + recorded->assets.size();
  for (const auto& s : snapshot.assets) {
    // Both lists are sorted by key.
    while (before != end && before->asset->key < s.asset->key) ++before;
    const bool same = before != end && before->asset->key == s.asset->key &&
                      before->evaluation.status == s.evaluation.status;
    if (!same) out.push_back({s.asset->key, s.evaluation.status, s.evaluation.reason});
  }
  return out;
}

void Engine::persist(std::shared_ptr<const model::Snapshot> snapshot,
                     std::optional<store::RunRecord> run) {
  if (!store_ || !options_.persist) return;
  std::lock_guard lock(persist_mutex_);
  const bool newer = !persisted_ || snapshot->version > persisted_->version;
  if (newer) {
    auto changes = status_changes(*snapshot, persisted_.get());
    if (run) {
      run->statuses = std::move(changes);
    } else if (auto saved = store_->record_statuses(changes, snapshot->generated_at); !saved) {
      spdlog::error("cannot record statuses: {}", saved.error().message);
      return;
    }
  }
  if (run) {
    if (auto saved = store_->save_run(*run); !saved) {
      spdlog::error("cannot save the run of '{}': {}", run->connection, saved.error().message);
      return;
    }
  }
  if (newer) persisted_ = std::move(snapshot);
}

void Engine::start_locked(std::size_t index, core::TimePoint now) {
  auto& c = connections_[index];
  c.schedule.begin(now);
  c.run_stop = std::stop_source();
  c.timed_out = false;
  c.started_at = now;
  ++in_flight_;
}

connectors::KnownCollection Engine::known_locked(const Connection& c) const {
  // Keys are "<connection>" and "<connection>:..."; ';' follows ':', so the range holds exactly
  // the connection's own keys.
  connectors::KnownCollection known;
  const std::string& name = c.setup.name;
  if (auto it = assets_.find(name); it != assets_.end()) known.assets.push_back(it->second);
  for (auto it = assets_.lower_bound(name + ":"), end = assets_.lower_bound(name + ";"); it != end;
       ++it)
    known.assets.push_back(it->second);
  known.edges = c.edges;
  return known;
}

void Engine::execute(std::size_t index) {
  connectors::PreviousObservations previous;
  std::stop_token stop;
  core::TimePoint started;
  connectors::Connector* connector = nullptr;
  std::string name;
  std::optional<connectors::KnownCollection> known;
  std::shared_ptr<const connectors::ConnectorState> state;
  {
    std::lock_guard lock(mutex_);
    auto& c = connections_[index];
    for (const auto& [key, observations] : observations_)
      if (model::key_connection(key) == c.setup.name) previous.add(key, observations);
    stop = c.run_stop.get_token();
    started = c.started_at;
    connector = c.setup.connector.get();
    name = c.setup.name;
    if (c.state.last_success) known = known_locked(c);
    state = c.connector_state;
  }
  Result<connectors::Collection> result = fail(ErrorCode::kInternal, "no connector");
  if (connector) {
    try {
      connectors::CollectContext context{clock_, previous, stop, known ? &*known : nullptr,
                                         state.get()};
      result = connector->collect(context);
    } catch (const std::exception& e) {
      result = fail(ErrorCode::kInternal, "the connector failed unexpectedly: {}", e.what());
    } catch (...) {
      result = fail(ErrorCode::kInternal, "the connector failed unexpectedly");
    }
  }
  finish_run(index, std::move(result), started, clock_.now());
}

void Engine::finish_run(std::size_t index, Result<connectors::Collection> result,
                        core::TimePoint started, core::TimePoint finished) {
  store::RunRecord run;
  std::string outcome;
  std::shared_ptr<const model::Snapshot> snap;
  {
    std::lock_guard lock(mutex_);
    auto& c = connections_[index];
    const std::string& name = c.setup.name;
    if (!result && c.timed_out)
      result = fail(ErrorCode::kTimeout, "collection timed out after {}",
                    core::format_age(c.schedule.options().timeout));
    run.connection = name;
    run.started_at = started;
    run.finished_at = finished;
    c.state.last_run = finished;
    if (result) {
      // The run's assets replace the connection's: tables that are gone disappear. An asset
      // the run reports unchanged keeps its value, which the snapshots already share.
      std::map<std::string, model::AssetPtr> before;
      for (auto it = assets_.begin(); it != assets_.end();) {
        if (it->second->connection == name)
          before.insert(assets_.extract(it++));
        else
          ++it;
      }
      auto kept = [&](const model::Asset& a) {
        auto old = before.find(a.key);
        return old != before.end() && *old->second == a ? old->second
                                                        : std::make_shared<const model::Asset>(a);
      };
      assets_.emplace(name, kept(*connection_asset(name)));
      for (const auto& a : result->assets) assets_[a.key] = kept(a);
      std::erase_if(observations_, [&](const auto& entry) {
        return model::key_connection(entry.first) == name && !assets_.contains(entry.first);
      });
      for (const auto& o : result->observations) {
        auto& list = observations_[o.asset_key].edit();
        auto same = std::find_if(list.begin(), list.end(),
                                 [&](const model::Observation& x) { return x.signal == o.signal; });
        if (same == list.end())
          list.push_back(o);
        else if (same->observed_at <= o.observed_at)
          *same = o;
      }
      c.edges = result->edges;
      layout_.reset();
      if (result->state) {
        c.connector_state = std::make_shared<const connectors::ConnectorState>(*result->state);
        run.state = std::move(result->state);
      }
      c.state.error.clear();
      c.state.last_success = finished;
      std::size_t failed = 0;
      for (const auto& o : result->observations) failed += o.ok() ? 0 : 1;
      for (const auto& w : result->warnings) spdlog::warn("connection '{}': {}", name, w);
      c.state.warnings = result->warnings;
      outcome = fmt::format("collected '{}': {} assets, {} observations ({} failed) in {}", name,
                            result->assets.size(), result->observations.size(), failed,
                            core::format_age(finished - started));
      run.assets = std::move(result->assets);
      run.edges = std::move(result->edges);
      run.observations = std::move(result->observations);
    } else {
      c.state.error = result.error().message;
      c.state.warnings.clear();
      run.error = result.error().message;
      run.edges = c.edges;
      outcome = fmt::format("connection '{}' failed: {}", name, result.error().message);
    }
    c.schedule.finish(finished, result.has_value());
    refresh_history_locked(finished);
    snap = std::make_shared<const model::Snapshot>(build_locked(finished, ++version_));
    remember_today_locked(*snap);
    publish_locked(snap);
  }
  notify_subscribers();
  // Written without the engine's lock; logged once the run is committed.
  const bool succeeded = run.error.empty();
  persist(std::move(snap), std::move(run));
  if (succeeded)
    spdlog::info("{}", outcome);
  else
    spdlog::warn("{}", outcome);
  std::lock_guard lock(mutex_);
  --in_flight_;
  changed_.notify_all();
}

std::shared_ptr<const model::Snapshot> Engine::reevaluate_locked(core::TimePoint now) {
  refresh_history_locked(now);
  auto snap = std::make_shared<const model::Snapshot>(build_locked(now, ++version_));
  remember_today_locked(*snap);
  publish_locked(snap);
  next_reevaluation_ = now + options_.reevaluate_every;
  return snap;
}

void Engine::tick() {
  std::vector<std::size_t> start;
  std::shared_ptr<const model::Snapshot> reevaluated;
  {
    std::lock_guard lock(mutex_);
    const auto now = clock_.now();
    for (std::size_t i = 0; i < connections_.size(); ++i) {
      auto& c = connections_[i];
      if (c.schedule.overdue(now) && !c.timed_out) {
        c.timed_out = true;
        c.run_stop.request_stop();
        spdlog::warn("connection '{}' passed its timeout of {}; cancelling", c.setup.name,
                       core::format_age(c.schedule.options().timeout));
      }
      if (c.schedule.due(now)) {
        start_locked(i, now);
        start.push_back(i);
      }
    }
    if (next_reevaluation_ && now >= *next_reevaluation_) reevaluated = reevaluate_locked(now);
  }
  if (reevaluated) {
    notify_subscribers();
    persist(std::move(reevaluated), std::nullopt);
  }
  for (auto i : start) executor_([this, i] { execute(i); });
}

void Engine::wake() {
  std::lock_guard lock(mutex_);
  woken_ = true;
  changed_.notify_all();
}

std::optional<core::TimePoint> Engine::next_wake() const {
  std::lock_guard lock(mutex_);
  std::optional<core::TimePoint> next = next_reevaluation_;
  for (const auto& c : connections_) {
    auto at = c.schedule.wake_at();
    if (at && c.schedule.running() && c.timed_out) continue;  // already cancelled
    if (at && (!next || *at < *next)) next = at;
  }
  return next;
}

void Engine::run(std::stop_token stop) {
  std::stop_callback on_stop(stop, [this] { wake(); });
  while (!stop.stop_requested()) {
    tick();
    const auto next = next_wake();
    std::unique_lock lock(mutex_);
    if (stop.stop_requested()) break;
    if (woken_) {
      woken_ = false;
      continue;
    }
    // Wait until the next decision point, a finished run, wake() or stop.
    auto wait = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::minutes(1));
    if (next) wait = std::clamp(*next - clock_.now(), core::Duration(0), wait);
    const auto finished_runs = in_flight_;
    changed_.wait_for(lock, wait, [&] {
      return woken_ || stop.stop_requested() || in_flight_ != finished_runs;
    });
    woken_ = false;
  }
  std::unique_lock lock(mutex_);
  for (auto& c : connections_)
    if (c.schedule.running()) c.run_stop.request_stop();
  changed_.wait(lock, [&] { return in_flight_ == 0; });
}

Result<void> Engine::collect_once(std::stop_token stop) {
  std::vector<std::size_t> started;
  {
    std::lock_guard lock(mutex_);
    const auto now = clock_.now();
    for (std::size_t i = 0; i < connections_.size(); ++i) {
      if (connections_[i].schedule.running()) continue;
      start_locked(i, now);
      started.push_back(i);
    }
  }
  {
    std::vector<std::jthread> threads;
    std::stop_callback on_stop(stop, [&] {
      std::lock_guard lock(mutex_);
      for (auto i : started) connections_[i].run_stop.request_stop();
    });
    for (auto i : started) threads.emplace_back([this, i] { execute(i); });
  }
  std::vector<std::string> errors;
  {
    std::lock_guard lock(mutex_);
    for (auto i : started)
      if (!connections_[i].state.error.empty())
        errors.push_back(fmt::format("{}: {}", connections_[i].setup.name,
                                     connections_[i].state.error));
  }
  if (!errors.empty())
    return fail(ErrorCode::kUnavailable, "{}", fmt::join(errors, "; "));
  return {};
}

}  // namespace freshwatch::engine
