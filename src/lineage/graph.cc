#include "lineage/graph.h"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

namespace freshwatch::lineage {
namespace {

constexpr std::uint32_t kUnset = std::numeric_limits<std::uint32_t>::max();

std::string quoted_list(const std::vector<std::string>& keys, std::size_t from, std::size_t limit) {
  std::string out;
  const std::size_t end = std::min(keys.size(), from + limit);
  for (std::size_t i = from; i < end; ++i) {
    if (i > from) out += ", ";
    out += fmt::format("'{}'", keys[i]);
  }
  if (keys.size() > end) out += fmt::format(" and {} more", keys.size() - end);
  return out;
}

}  // namespace

Graph::Graph(std::span<const std::string> asset_keys, std::span<const model::Edge> edges) {
  keys_.reserve(asset_keys.size());
  index_.reserve(asset_keys.size());
  for (const auto& k : asset_keys) {
    if (index_.emplace(k, static_cast<NodeId>(keys_.size())).second) keys_.push_back(k);
  }
  known_ = static_cast<NodeId>(keys_.size());

  auto intern = [&](const std::string& k) -> NodeId {
    if (auto it = index_.find(std::string_view(k)); it != index_.end()) return it->second;
    const auto id = static_cast<NodeId>(keys_.size());
    index_.emplace(k, id);
    keys_.push_back(k);
    return id;
  };

  std::vector<std::uint64_t> pairs;  // upstream << 32 | downstream
  pairs.reserve(edges.size());
  std::unordered_map<std::uint64_t, std::string_view> labels;  // the first non-empty via
  std::vector<std::pair<NodeId, NodeId>> missing_refs;  // (missing node, node naming it)
  for (const auto& e : edges) {
    if (e.upstream.empty() || e.downstream.empty()) {
      const std::string& other = e.upstream.empty() ? e.downstream : e.upstream;
      problems_.push_back({Problem::Kind::kEmptyKey,
                           {other},
                           fmt::format("a lineage edge of '{}' has an empty asset key; it is "
                                       "ignored",
                                       other)});
      continue;
    }
    const NodeId u = intern(e.upstream);
    const NodeId d = intern(e.downstream);
    pairs.push_back(std::uint64_t{u} << 32 | d);
    if (!e.via.empty()) labels.emplace(pairs.back(), e.via);
    if (missing(u)) missing_refs.emplace_back(u, d);
    if (missing(d)) missing_refs.emplace_back(d, u);
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());

  const std::size_t n = keys_.size();
  child_start_.assign(n + 1, 0);
  parent_start_.assign(n + 1, 0);
  for (auto p : pairs) {
    ++child_start_[(p >> 32) + 1];
    ++parent_start_[(p & 0xffffffffu) + 1];
  }
  for (std::size_t i = 0; i < n; ++i) {
    child_start_[i + 1] += child_start_[i];
    parent_start_[i + 1] += parent_start_[i];
  }
  child_ids_.resize(pairs.size());
  parent_ids_.resize(pairs.size());
  parent_via_.resize(labels.empty() ? 0 : pairs.size());
  {
    std::vector<std::uint32_t> parent_fill(parent_start_.begin(), parent_start_.end() - 1);
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const auto u = static_cast<NodeId>(pairs[i] >> 32);
      const auto d = static_cast<NodeId>(pairs[i] & 0xffffffffu);
      child_ids_[i] = d;  // pairs are sorted by (u, d): children land in order
      if (!parent_via_.empty())
        if (auto it = labels.find(pairs[i]); it != labels.end())
          parent_via_[parent_fill[d]] = std::string(it->second);
      parent_ids_[parent_fill[d]++] = u;  // and each node's parents ascend
    }
  }

  std::sort(missing_refs.begin(), missing_refs.end());
  missing_refs.erase(std::unique(missing_refs.begin(), missing_refs.end()), missing_refs.end());
  for (std::size_t i = 0; i < missing_refs.size();) {
    const NodeId m = missing_refs[i].first;
    Problem p{Problem::Kind::kMissingAsset, {keys_[m]}, {}};
    for (; i < missing_refs.size() && missing_refs[i].first == m; ++i)
      p.keys.push_back(keys_[missing_refs[i].second]);
    p.message = fmt::format("lineage names '{}', which is not a known asset (linked to {})",
                            keys_[m], quoted_list(p.keys, 1, 3));
    problems_.push_back(std::move(p));
  }

  find_components();
}

void Graph::find_components() {
  // Tarjan's algorithm without recursion (chains may be tens of thousands deep).
  const std::size_t n = keys_.size();
  std::vector<std::uint32_t> order(n, kUnset), low(n, 0);
  std::vector<char> on_stack(n, 0);
  std::vector<NodeId> stack;
  struct Frame {
    NodeId node;
    std::uint32_t next;  // position in child_ids_
  };
  std::vector<Frame> frames;
  std::vector<NodeId> emitted;              // components, sinks first
  std::vector<std::uint32_t> emitted_start{0};
  std::uint32_t counter = 0;

  auto enter = [&](NodeId v) {
    order[v] = low[v] = counter++;
    stack.push_back(v);
    on_stack[v] = 1;
    frames.push_back({v, child_start_[v]});
  };
  for (NodeId s = 0; s < n; ++s) {
    if (order[s] != kUnset) continue;
    enter(s);
    while (!frames.empty()) {
      Frame& f = frames.back();
      const NodeId v = f.node;
      if (f.next < child_start_[v + 1]) {
        const NodeId w = child_ids_[f.next++];
        if (order[w] == kUnset)
          enter(w);  // invalidates f
        else if (on_stack[w])
          low[v] = std::min(low[v], order[w]);
        continue;
      }
      if (low[v] == order[v]) {
        NodeId w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = 0;
          emitted.push_back(w);
        } while (w != v);
        emitted_start.push_back(static_cast<std::uint32_t>(emitted.size()));
      }
      frames.pop_back();
      if (!frames.empty()) {
        const NodeId parent = frames.back().node;
        low[parent] = std::min(low[parent], low[v]);
      }
    }
  }

  // Reverse into topological order (sources first).
  const std::size_t count = emitted_start.size() - 1;
  component_of_.assign(n, 0);
  component_start_.assign(1, 0);
  component_nodes_.clear();
  component_nodes_.reserve(n);
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t c = count - 1 - k;
    const auto begin = emitted.begin() + emitted_start[c];
    const auto end = emitted.begin() + emitted_start[c + 1];
    std::vector<NodeId> members(begin, end);
    std::sort(members.begin(), members.end());
    for (NodeId v : members) {
      component_of_[v] = static_cast<std::uint32_t>(k);
      component_nodes_.push_back(v);
    }
    component_start_.push_back(static_cast<std::uint32_t>(component_nodes_.size()));
  }
  for (std::size_t c = 0; c < count; ++c) {
    const auto members = component(c);
    const bool self_loop =
        members.size() == 1 && std::binary_search(children(members[0]).begin(),
                                                  children(members[0]).end(), members[0]);
    if (members.size() > 1 || self_loop) report_cycle(members);
  }
}

void Graph::report_cycle(std::span<const NodeId> members) {
  // One loop through the first member: breadth-first inside the component until it returns.
  const NodeId start = members.front();
  const std::uint32_t comp = component_of_[start];
  std::unordered_map<NodeId, NodeId> prev;
  std::vector<NodeId> queue{start};
  NodeId last = start;
  bool closed = false;
  for (std::size_t i = 0; i < queue.size() && !closed; ++i) {
    const NodeId v = queue[i];
    for (NodeId w : children(v)) {
      if (component_of_[w] != comp) continue;
      if (w == start) {
        last = v;
        closed = true;
        break;
      }
      if (prev.emplace(w, v).second) queue.push_back(w);
    }
  }
  std::vector<NodeId> loop;
  for (NodeId v = last; v != start; v = prev.at(v)) loop.push_back(v);
  loop.push_back(start);
  std::reverse(loop.begin(), loop.end());

  Problem p{Problem::Kind::kCycle, {}, {}};
  std::string chain;
  constexpr std::size_t kShown = 8;
  for (NodeId v : loop) p.keys.push_back(keys_[v]);
  for (std::size_t i = 0; i < loop.size(); ++i) {
    if (loop.size() > kShown && i == kShown - 2) {
      chain += fmt::format("... ({} more) -> ", loop.size() - kShown + 1);
      i = loop.size() - 2;
      continue;
    }
    chain += keys_[loop[i]];
    chain += " -> ";
  }
  chain += keys_[start];
  p.message = fmt::format("lineage cycle: {}", chain);
  if (members.size() > loop.size())
    p.message += fmt::format(" ({} assets are caught in loops here)", members.size());
  problems_.push_back(std::move(p));
}

std::optional<NodeId> Graph::find(std::string_view key) const {
  if (auto it = index_.find(key); it != index_.end()) return it->second;
  return std::nullopt;
}

std::span<const NodeId> Graph::parents(NodeId node) const {
  return {parent_ids_.data() + parent_start_[node], parent_ids_.data() + parent_start_[node + 1]};
}

std::span<const NodeId> Graph::children(NodeId node) const {
  return {child_ids_.data() + child_start_[node], child_ids_.data() + child_start_[node + 1]};
}

std::span<const NodeId> Graph::component(std::size_t index) const {
  return {component_nodes_.data() + component_start_[index],
          component_nodes_.data() + component_start_[index + 1]};
}

std::vector<Reached> Graph::walk(NodeId start, int depth, bool up) const {
  std::vector<Reached> out;
  if (depth == 0) return out;
  std::vector<char> seen(keys_.size(), 0);
  seen[start] = 1;
  auto expand = [&](NodeId v, std::uint32_t distance) {
    for (NodeId w : up ? parents(v) : children(v)) {
      if (seen[w]) continue;
      seen[w] = 1;
      out.push_back({w, distance});
    }
  };
  expand(start, 1);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (depth >= 0 && out[i].distance >= static_cast<std::uint32_t>(depth)) break;
    expand(out[i].node, out[i].distance + 1);
  }
  return out;
}

std::vector<Reached> Graph::upstream(NodeId node, int depth) const { return walk(node, depth, true); }
std::vector<Reached> Graph::downstream(NodeId node, int depth) const {
  return walk(node, depth, false);
}

std::vector<Reached> Graph::upstream(std::string_view key, int depth) const {
  auto id = find(key);
  return id ? walk(*id, depth, true) : std::vector<Reached>{};
}

std::vector<Reached> Graph::downstream(std::string_view key, int depth) const {
  auto id = find(key);
  return id ? walk(*id, depth, false) : std::vector<Reached>{};
}

std::vector<NodeId> Graph::path(NodeId from, NodeId to) const {
  if (from == to) return {from};
  std::vector<NodeId> prev(keys_.size(), kUnset);
  prev[from] = from;
  std::vector<NodeId> queue{from};
  for (std::size_t i = 0; i < queue.size(); ++i) {
    for (NodeId w : parents(queue[i])) {
      if (prev[w] != kUnset) continue;
      prev[w] = queue[i];
      if (w == to) {
        std::vector<NodeId> out;
        for (NodeId v = to; v != from; v = prev[v]) out.push_back(v);
        out.push_back(from);
        std::reverse(out.begin(), out.end());
        return out;
      }
      queue.push_back(w);
    }
  }
  return {};
}

std::vector<std::vector<NodeId>> Graph::paths(NodeId from, std::span<const NodeId> targets) const {
  std::vector<std::vector<NodeId>> out(targets.size());
  std::vector<NodeId> prev(keys_.size(), kUnset);
  std::vector<char> wanted(keys_.size(), 0);
  std::size_t remaining = 0;
  for (NodeId t : targets)
    if (!wanted[t]) wanted[t] = 1, ++remaining;
  prev[from] = from;
  if (wanted[from]) --remaining;
  std::vector<NodeId> queue{from};
  for (std::size_t i = 0; i < queue.size() && remaining > 0; ++i) {
    for (NodeId w : parents(queue[i])) {
      if (prev[w] != kUnset) continue;
      prev[w] = queue[i];
      if (wanted[w] && --remaining == 0) break;
      queue.push_back(w);
    }
  }
  for (std::size_t k = 0; k < targets.size(); ++k) {
    const NodeId t = targets[k];
    if (prev[t] == kUnset) continue;
    auto& p = out[k];
    for (NodeId v = t; v != from; v = prev[v]) p.push_back(v);
    p.push_back(from);
    std::reverse(p.begin(), p.end());
  }
  return out;
}

std::vector<std::string> Graph::path(std::string_view from, std::string_view to) const {
  auto a = find(from), b = find(to);
  if (!a || !b) return {};
  std::vector<std::string> out;
  for (NodeId v : path(*a, *b)) out.push_back(keys_[v]);
  return out;
}

std::string_view Graph::via(NodeId upstream, NodeId downstream) const {
  if (parent_via_.empty() || downstream >= keys_.size()) return {};
  const auto ps = parents(downstream);
  const auto it = std::lower_bound(ps.begin(), ps.end(), upstream);
  if (it == ps.end() || *it != upstream) return {};
  return parent_via_[parent_start_[downstream] + static_cast<std::size_t>(it - ps.begin())];
}

std::vector<model::Edge> Graph::edges_among(std::span<const NodeId> nodes) const {
  std::vector<char> in(keys_.size(), 0);
  for (NodeId v : nodes) in[v] = 1;
  std::vector<model::Edge> out;
  for (NodeId v = 0; v < keys_.size(); ++v) {
    if (!in[v]) continue;
    for (NodeId w : children(v))
      if (in[w]) out.push_back({keys_[v], keys_[w], std::string(via(v, w))});
  }
  return out;
}

}  // namespace freshwatch::lineage
