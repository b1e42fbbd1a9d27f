#include "engine/snapshot_builder.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/time.h"
#include "lineage/data_time.h"
#include "lineage/graph.h"
#include "lineage/identity.h"
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

bool collection_failed(const model::ConnectionState* c) { return c && !c->error.empty(); }

const model::Observation* first_failed(std::span<const model::Observation> observations) {
  for (const auto& o : observations)
    if (!o.ok()) return &o;
  return nullptr;
}

void mark_collection_failed(model::Evaluation& e, const model::ConnectionState& c) {
  e.status = Status::kUnknown;
  e.error = c.error;
  e.reason = fmt::format("collection failed: {}", c.error);
}

// Data time over the lineage (lineage/data_time.h), for every asset; consumers with inputs are
// then judged on it. Containers are left to the roll-up.
void apply_data_time(
    model::Snapshot& snap, const lineage::Graph& graph, const SnapshotInputs& in,
    const std::unordered_map<std::string_view, const model::ConnectionState*>& connection_state) {
  auto connection_of = [&](const model::Asset& a) -> const model::ConnectionState* {
    auto c = connection_state.find(a.connection);
    return c == connection_state.end() ? nullptr : c->second;
  };
  // An asset's own time is the change time its status is judged on today: none while its
  // collection failed.
  std::vector<std::optional<core::TimePoint>> own(snap.assets.size());
  for (std::uint32_t i = 0; i < snap.assets.size(); ++i) {
    const auto& s = snap.assets[i];
    if (model::is_container(s.asset->kind) || collection_failed(connection_of(*s.asset))) continue;
    own[i] = s.evaluation.changed_at;
  }
  if (graph.size() == 0) {  // no lineage: every asset's data is its own
    for (std::uint32_t i = 0; i < snap.assets.size(); ++i) {
      auto& state = snap.assets[i];
      if (model::is_container(state.asset->kind)) continue;
      state.data_time = own[i];
      state.data_time_from = state.asset->key;
    }
    return;
  }
  const auto data = lineage::propagate_data_time(graph, own);
  // Known assets are the graph's first nodes, in snapshot order.
  for (std::uint32_t i = 0; i < snap.assets.size(); ++i) {
    auto& state = snap.assets[i];
    if (model::is_container(state.asset->kind)) continue;
    state.data_time = data[i].time;
    state.data_time_from = data[i].from == lineage::kNoNode ? std::string() : graph.key(data[i].from);
  }
  if (!in.evaluate) return;
  for (std::uint32_t i = 0; i < snap.assets.size(); ++i) {
    auto& state = snap.assets[i];
    if (!model::is_consumer(state.asset->kind) || graph.parents(i).empty()) continue;
    const auto from = data[i].from;
    if (from == i) continue;  // its own change is its oldest data: judged on it already
    const auto& origin = graph.key(from);
    if (state.data_time) {
      model::Observation derived;
      derived.asset_key = state.asset->key;
      derived.observed_at = in.now;
      derived.changed_at = state.data_time;
      derived.signal = std::string(kDataTimeSignal);
      derived.evidence = fmt::format("oldest input: {}, changed {}", origin,
                                     core::format_timestamp(*state.data_time));
      const auto* failed = first_failed(state.observations);
      state.evaluation = in.evaluate(*state.asset, std::span(&derived, 1), in.now);
      if (state.evaluation.error.empty())
        state.evaluation.reason += fmt::format("{}oldest data from {}",
                                               state.evaluation.reason.empty() ? "" : "; ", origin);
      // Its own reading failed (a query not traced again): judged on the lineage last read.
      if (failed)
        state.evaluation.reason += fmt::format("; lineage as last read ({})", failed->error);
      auto& observations = state.observations.edit();
      observations.insert(observations.begin(), std::move(derived));
    } else {
      model::Evaluation unknown;
      unknown.policy = state.evaluation.policy;
      const model::AssetState* input = from < snap.assets.size() ? &snap.assets[from] : nullptr;
      if (!input)
        unknown.reason = fmt::format("data time unknown: input {} is not a known asset", origin);
      else if (input->evaluation.reason.empty())
        unknown.reason = fmt::format("data time unknown: input {} has no change time", origin);
      else
        unknown.reason = fmt::format("data time unknown: input {} has no change time ({})", origin,
                                     input->evaluation.reason);
      state.evaluation = std::move(unknown);
    }
    if (const auto* c = connection_of(*state.asset); collection_failed(c))
      mark_collection_failed(state.evaluation, *c);
  }
}

// Propagates the leaves' own statuses over the lineage, marking impacted assets and naming
// their root causes.
void apply_lineage(model::Snapshot& snap, const lineage::Graph& graph) {
  if (snap.edges.empty()) return;
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

std::shared_ptr<const SnapshotLayout> make_layout(std::span<const model::AssetPtr> assets,
                                                  std::span<const model::Edge> edges,
                                                  const ObservationsByAsset* observations) {
  auto layout = std::make_shared<SnapshotLayout>();
  auto& nodes = layout->nodes;

  // One table is one asset: aliases (a dbt node over a warehouse table) merge into it.
  auto ids = lineage::merge_identities(assets, edges);
  std::unordered_map<std::string_view, std::vector<std::string_view>> aliases_of;
  for (const auto& [alias, canonical] : ids.canonical_of) {
    aliases_of[canonical].push_back(alias);
    layout->aliases.emplace_back(alias, canonical);
  }
  std::sort(layout->aliases.begin(), layout->aliases.end());

  // In key order; of assets with the same key, the last one given.
  std::vector<std::uint32_t> by_key(ids.assets.size());
  for (std::uint32_t i = 0; i < by_key.size(); ++i) by_key[i] = i;
  std::stable_sort(by_key.begin(), by_key.end(), [&](std::uint32_t a, std::uint32_t b) {
    return ids.assets[a]->key < ids.assets[b]->key;
  });
  nodes.reserve(by_key.size());
  for (std::size_t r = 0; r < by_key.size(); ++r) {
    if (r + 1 < by_key.size() && ids.assets[by_key[r + 1]]->key == ids.assets[by_key[r]]->key)
      continue;
    nodes.push_back({.asset = ids.assets[by_key[r]]});
  }

  std::unordered_map<std::string_view, std::uint32_t> index;
  index.reserve(nodes.size());
  for (std::uint32_t i = 0; i < nodes.size(); ++i) index[nodes[i].asset->key] = i;

  auto by_name = [&](std::uint32_t a, std::uint32_t b) {
    const auto& x = *nodes[a].asset;
    const auto& y = *nodes[b].asset;
    return std::tie(x.name, x.key) < std::tie(y.name, y.key);
  };
  for (std::uint32_t i = 0; i < nodes.size(); ++i) {
    const auto& parent = nodes[i].asset->parent;
    auto it = parent.empty() ? index.end() : index.find(parent);
    if (it == index.end() || it->second == i)
      layout->roots.push_back(i);
    else
      nodes[it->second].children.push_back(i);
  }
  // A merged asset also sits where its aliases sat (a dbt folder keeps listing the table).
  for (const auto& [parent, canonical] : ids.placements) {
    auto p = index.find(parent), c = index.find(canonical);
    if (p == index.end() || c == index.end() || p->second == c->second) continue;
    auto& children = nodes[p->second].children;
    if (std::find(children.begin(), children.end(), c->second) == children.end())
      children.push_back(c->second);
  }
  std::sort(layout->roots.begin(), layout->roots.end(), by_name);
  for (auto& a : nodes) std::sort(a.children.begin(), a.children.end(), by_name);

  // Each asset's latest observations (shared, not copied); a leaf's aliases' join them.
  if (observations) {
    for (auto& node : nodes) {
      auto it = observations->find(node.asset->key);
      if (it != observations->end()) node.observations = it->second;
      if (model::is_container(node.asset->kind)) continue;
      auto aliases = aliases_of.find(node.asset->key);
      if (aliases == aliases_of.end()) continue;
      for (auto alias : aliases->second) {
        auto it = observations->find(std::string(alias));
        if (it == observations->end()) continue;
        for (auto o : it->second) {
          o.asset_key = node.asset->key;
          node.observations.push_back(std::move(o));
        }
      }
    }
  }

  // Children before parents (post-order); a parent cycle is broken where it is found.
  auto& order = layout->post_order;
  order.reserve(nodes.size());
  {
    std::vector<std::uint8_t> seen(nodes.size(), 0);
    std::vector<std::pair<std::uint32_t, std::size_t>> stack;
    for (std::uint32_t start = 0; start < nodes.size(); ++start) {
      if (seen[start]) continue;
      stack.push_back({start, 0});
      seen[start] = 1;
      while (!stack.empty()) {
        auto& [node, next] = stack.back();
        const auto& children = nodes[node].children;
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

  layout->edges = std::move(ids.edges);
  if (!layout->edges.empty()) {
    std::vector<std::string> keys;
    keys.reserve(nodes.size());
    for (const auto& node : nodes) keys.push_back(node.asset->key);
    layout->graph = lineage::Graph(keys, layout->edges);
  }
  return layout;
}

model::Snapshot build_snapshot(const SnapshotInputs& in) {
  std::shared_ptr<const SnapshotLayout> made;
  if (!in.layout) made = make_layout(in.assets, in.edges, in.observations);
  const SnapshotLayout& layout = in.layout ? *in.layout : *made;

  model::Snapshot snap;
  snap.version = in.version;
  snap.generated_at = in.now;
  snap.timezone = in.timezone;
  snap.today = local_day(in.now, in.zone);
  snap.assets.resize(layout.nodes.size());
  for (std::size_t i = 0; i < layout.nodes.size(); ++i) {
    const auto& node = layout.nodes[i];
    auto& state = snap.assets[i];
    state.asset = node.asset;
    state.observations = node.observations;
    state.children = node.children;
  }
  snap.roots = layout.roots;
  snap.edges = layout.edges;
  snap.aliases = layout.aliases;
  const auto& order = layout.post_order;

  std::unordered_map<std::string_view, const model::ConnectionState*> connection_state;
  for (const auto& c : in.connections) connection_state[c.name] = &c;

  // Leaves: the policy's verdict, or unknown with the connection's error. Containers keep their
  // own observations for the roll-up (a dashboard that could not be read says so).
  for (auto& state : snap.assets) {
    if (model::is_container(state.asset->kind)) continue;
    if (in.evaluate) state.evaluation = in.evaluate(*state.asset, state.observations, in.now);
    auto c = connection_state.find(state.asset->connection);
    if (c != connection_state.end() && collection_failed(c->second))
      mark_collection_failed(state.evaluation, *c->second);
    // The deciding signal first (copied only when that changes the order).
    const auto& signal = state.evaluation.signal;
    auto deciding = [&](const model::Observation& o) { return o.signal == signal; };
    if (!std::is_partitioned(state.observations.begin(), state.observations.end(), deciding)) {
      auto& observations = state.observations.edit();
      std::stable_partition(observations.begin(), observations.end(), deciding);
    }
  }
  apply_data_time(snap, layout.graph, in, connection_state);

  std::vector<bool> done(snap.assets.size(), false);
  for (auto i : order) {
    auto& state = snap.assets[i];
    model::StatusCounts counts;
    for (auto c : state.children)
      if (done[c]) counts.add(snap.assets[c].counts);
    if (model::is_container(state.asset->kind)) {
      // A container's data is as old as its oldest child's.
      for (auto c : state.children) {
        const auto& child = snap.assets[c];
        if (!done[c] || !child.data_time) continue;
        if (!state.data_time || *child.data_time < *state.data_time) {
          state.data_time = child.data_time;
          state.data_time_from = child.data_time_from;
        }
      }
      state.evaluation = model::Evaluation{};
      state.evaluation.status = worst_of(counts);
      state.evaluation.reason = container_reason(counts);
      auto c = connection_state.find(state.asset->connection);
      if (c != connection_state.end() && !c->second->error.empty()) {
        state.evaluation.error = c->second->error;
        if (counts.total() == 0)
          state.evaluation.reason = fmt::format("collection failed: {}", c->second->error);
      }
      // A container its source could not read this time: its children are as last read.
      if (const auto* failed = first_failed(state.observations)) {
        state.evaluation.status = model::worst(state.evaluation.status, Status::kUnknown);
        state.evaluation.error = failed->error;
      }
    } else {
      counts[state.evaluation.status] += 1;
    }
    state.counts = counts;
    done[i] = true;
  }
  for (const auto& state : snap.assets)
    if (!model::is_container(state.asset->kind)) snap.summary[state.evaluation.status] += 1;

  // History: one cell per day, oldest first, ending today. Stored days are copied from the
  // table (aligned by day); a container's days without a stored cell take the worst of its
  // children's; today also takes the current status.
  const int days = std::max(in.history_days, 1);
  const date::sys_days first = snap.today - date::days(days - 1);
  snap.history_days = days;
  snap.history_cells.assign(snap.assets.size() * static_cast<std::size_t>(days), {});
  auto bars = [&](std::uint32_t i) {
    return std::span(snap.history_cells.data() + static_cast<std::size_t>(i) * days,
                     static_cast<std::size_t>(days));
  };
  if (in.history) {
    const auto offset = (first - in.history->first()).count();  // table day of our day 0
    for (std::uint32_t i = 0; i < snap.assets.size(); ++i) {
      const auto stored = in.history->find(snap.assets[i].asset->key);
      if (stored.empty()) continue;
      auto row = bars(i);
      for (int d = 0; d < days; ++d) {
        const auto from = d + offset;
        if (from >= 0 && from < static_cast<std::int64_t>(stored.size())) row[d] = stored[from];
      }
    }
  }
  for (auto i : order) {
    auto& state = snap.assets[i];
    auto row = bars(i);
    if (model::is_container(state.asset->kind)) {
      for (int d = 0; d < days; ++d) {
        auto& cell = row[d];
        if (cell.has_data) continue;  // stored
        for (auto c : state.children) {
          const auto& child = bars(c)[d];
          if (!child.has_data) continue;
          cell.worst = cell.has_data ? model::worst(cell.worst, child.worst) : child.worst;
          cell.has_data = true;
        }
      }
    }
    auto& today = row.back();
    const auto current = state.evaluation.status;
    today.worst = today.has_data ? model::worst(today.worst, current) : current;
    today.has_data = true;
  }

  snap.connections.assign(in.connections.begin(), in.connections.end());
  std::unordered_map<std::string_view, std::uint32_t> leaves_per_connection;
  for (const auto& state : snap.assets)
    if (!model::is_container(state.asset->kind)) ++leaves_per_connection[state.asset->connection];
  for (auto& c : snap.connections) c.asset_count = leaves_per_connection[c.name];
  apply_lineage(snap, layout.graph);
  return snap;
}

}  // namespace freshwatch::engine
