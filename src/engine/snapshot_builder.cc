#include "engine/snapshot_builder.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "lineage/graph.h"
#include "lineage/propagate.h"

namespace freshwatch::engine {
namespace {

using model::Status;

Status worst_of(const model::StatusCounts& counts) {
  if (counts[Status::kError]) return Status::kError;
  if (counts[Status::kWarn]) return Status::kWarn;
  if (counts[Status::kUnknown]) return Status::kUnknown;
  if (counts[Status::kFresh]) return Status::kFresh;
  return Status::kUnknown;
}

}  // namespace

date::sys_days local_day(core::TimePoint t, const date::time_zone* zone) {
  if (!zone) return std::chrono::floor<date::days>(t);
  const auto local = zone->to_local(t);
  return date::sys_days(std::chrono::floor<date::days>(local).time_since_epoch());
}

std::string container_reason(const model::StatusCounts& counts) {
  const auto total = counts.total();
  if (total == 0) return "nothing collected below";
  if (counts[Status::kFresh] == total) return fmt::format("all {} fresh", total);
  std::string out;
  for (Status s : {Status::kError, Status::kWarn, Status::kUnknown}) {
    if (!counts[s]) continue;
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", counts[s], model::to_string(s));
  }
  return fmt::format("{} of {}", out, total);
}

model::Snapshot build_snapshot(const SnapshotInputs& in) {
  model::Snapshot snap;
  snap.version = in.version;
  snap.generated_at = in.now;
  snap.timezone = in.timezone;
  snap.today = local_day(in.now, in.zone);

  std::map<std::string_view, const model::Asset*> by_key;
  for (const auto& a : in.assets) by_key[a.key] = &a;
  snap.assets.reserve(by_key.size());
  for (const auto& [_, a] : by_key) snap.assets.push_back(model::AssetState{.asset = *a});

  std::unordered_map<std::string_view, std::uint32_t> index;
  index.reserve(snap.assets.size());
  for (std::uint32_t i = 0; i < snap.assets.size(); ++i) index[snap.assets[i].asset.key] = i;

  auto by_name = [&](std::uint32_t a, std::uint32_t b) {
    const auto& x = snap.assets[a].asset;
    const auto& y = snap.assets[b].asset;
    return std::tie(x.name, x.key) < std::tie(y.name, y.key);
  };
  for (std::uint32_t i = 0; i < snap.assets.size(); ++i) {
    const auto& parent = snap.assets[i].asset.parent;
    auto it = parent.empty() ? index.end() : index.find(parent);
    if (it == index.end() || it->second == i)
      snap.roots.push_back(i);
    else
      snap.assets[it->second].children.push_back(i);
  }
  std::sort(snap.roots.begin(), snap.roots.end(), by_name);
  for (auto& a : snap.assets) std::sort(a.children.begin(), a.children.end(), by_name);

  std::unordered_map<std::string_view, const model::ConnectionState*> connection_state;
  for (const auto& c : in.connections) connection_state[c.name] = &c;

  // Leaves: the policy's verdict, or unknown with the connection's error.
  static const std::vector<model::Observation> kNone;
  for (auto& state : snap.assets) {
    if (model::is_container(state.asset.kind)) continue;
    const std::vector<model::Observation>* observations = &kNone;
    if (in.observations) {
      auto it = in.observations->find(state.asset.key);
      if (it != in.observations->end()) observations = &it->second;
    }
    state.observations = *observations;
    if (in.evaluate) state.evaluation = in.evaluate(state.asset, state.observations, in.now);
    auto c = connection_state.find(state.asset.connection);
    if (c != connection_state.end() && !c->second->error.empty()) {
      state.evaluation.status = Status::kUnknown;
      state.evaluation.error = c->second->error;
      state.evaluation.reason = fmt::format("collection failed: {}", c->second->error);
    }
    const auto& signal = state.evaluation.signal;
    std::stable_partition(state.observations.begin(), state.observations.end(),
                          [&](const model::Observation& o) { return o.signal == signal; });
  }

  // Children before parents (post-order); a parent cycle is broken where it is found.
  std::vector<std::uint32_t> order;
  order.reserve(snap.assets.size());
  {
    std::vector<std::uint8_t> seen(snap.assets.size(), 0);
    std::vector<std::pair<std::uint32_t, std::size_t>> stack;
    for (std::uint32_t start = 0; start < snap.assets.size(); ++start) {
      if (seen[start]) continue;
      stack.push_back({start, 0});
      seen[start] = 1;
      while (!stack.empty()) {
        auto& [node, next] = stack.back();
        const auto& children = snap.assets[node].children;
        if (next < children.size()) {
          const auto child = children[next++];
          if (!seen[child]) {
            seen[child] = 1;
            stack.push_back({child, 0});
          }
        } else {
          order.push_back(node);
          stack.pop_back();
        }
      }
    }
  }
  std::vector<bool> done(snap.assets.size(), false);
  for (auto i : order) {
    auto& state = snap.assets[i];
    model::StatusCounts counts;
    for (auto c : state.children)
      if (done[c]) counts.add(snap.assets[c].counts);
    if (model::is_container(state.asset.kind)) {
      state.evaluation = model::Evaluation{};
      state.evaluation.status = worst_of(counts);
      state.evaluation.reason = container_reason(counts);
      auto c = connection_state.find(state.asset.connection);
      if (c != connection_state.end() && !c->second->error.empty()) {
        state.evaluation.error = c->second->error;
        if (counts.total() == 0)
          state.evaluation.reason = fmt::format("collection failed: {}", c->second->error);
      }
    } else {
      counts[state.evaluation.status] += 1;
    }
    state.counts = counts;
    done[i] = true;
  }
  for (const auto& state : snap.assets)
    if (!model::is_container(state.asset.kind)) snap.summary[state.evaluation.status] += 1;

  // History: one cell per day, oldest first, ending today.
  const int days = std::max(in.history_days, 1);
  const date::sys_days first = snap.today - date::days(days - 1);
  std::vector<std::vector<bool>> stored_days(snap.assets.size());
  for (std::uint32_t i = 0; i < snap.assets.size(); ++i) {
    auto& state = snap.assets[i];
    state.history.resize(static_cast<std::size_t>(days));
    for (int d = 0; d < days; ++d) state.history[d].day = first + date::days(d);
    auto& stored = stored_days[i];
    stored.assign(static_cast<std::size_t>(days), false);
    if (in.history) {
      auto it = in.history->find(state.asset.key);
      if (it != in.history->end()) {
        for (const auto& cell : it->second) {
          if (cell.day < first || cell.day > snap.today) continue;
          const auto d = static_cast<std::size_t>((cell.day - first).count());
          state.history[d] = cell;
          stored[d] = true;
        }
      }
    }
  }
  for (auto i : order) {
    auto& state = snap.assets[i];
    const auto& stored = stored_days[i];
    if (model::is_container(state.asset.kind)) {
      for (int d = 0; d < days; ++d) {
        if (stored[d]) continue;
        auto& cell = state.history[d];
        for (auto c : state.children) {
          const auto& child = snap.assets[c].history[d];
          if (!child.has_data) continue;
          cell.worst = cell.has_data ? model::worst(cell.worst, child.worst) : child.worst;
          cell.has_data = true;
        }
      }
    }
    auto& today = state.history.back();
    const auto current = state.evaluation.status;
    today.worst = today.has_data ? model::worst(today.worst, current) : current;
    today.has_data = true;
  }

  snap.connections.assign(in.connections.begin(), in.connections.end());
  std::unordered_map<std::string_view, std::uint32_t> leaves_per_connection;
  for (const auto& state : snap.assets)
    if (!model::is_container(state.asset.kind)) ++leaves_per_connection[state.asset.connection];
  for (auto& c : snap.connections) c.asset_count = leaves_per_connection[c.name];
  snap.edges.assign(in.edges.begin(), in.edges.end());
  if (in.lineage)
    in.lineage(snap);
  else
    apply_lineage(snap);
  return snap;
}

void apply_lineage(model::Snapshot& snap) {
  if (snap.edges.empty()) return;
  std::vector<std::string> keys;
  keys.reserve(snap.assets.size());
  for (const auto& s : snap.assets) keys.push_back(s.asset.key);
  const lineage::Graph graph(keys, snap.edges);
  std::vector<Status> statuses;
  statuses.reserve(snap.assets.size());
  for (const auto& s : snap.assets) statuses.push_back(s.evaluation.status);
  const auto propagation = lineage::propagate(graph, statuses);
  // Known assets are the graph's first nodes, in snapshot order.
  for (std::uint32_t i = 0; i < snap.assets.size(); ++i) {
    auto& state = snap.assets[i];
    state.impacted = propagation.impacted(i);
    state.root_causes.clear();
    for (auto node : propagation.root_causes(i)) state.root_causes.push_back(graph.key(node));
  }
}

}  // namespace freshwatch::engine
