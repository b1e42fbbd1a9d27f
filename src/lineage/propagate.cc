#include "lineage/propagate.h"

#include <algorithm>
#include <iterator>
#include <unordered_map>

namespace freshwatch::lineage {
namespace {

bool is_stale(model::Status s) { return s == model::Status::kWarn || s == model::Status::kError; }

// Hash-consed sets of NodeIds: equal sets get one index, so the many assets below the same
// broken source share one list.
class SetPool {
 public:
  explicit SetPool(std::vector<std::vector<NodeId>>& sets) : sets_(sets) {
    sets_.assign(1, {});  // 0: the empty set
  }

  std::uint32_t intern(std::vector<NodeId>&& sorted) {
    if (sorted.empty()) return 0;
    std::uint64_t h = 1469598103934665603ull;
    for (NodeId v : sorted) h = (h ^ v) * 1099511628211ull;
    auto& bucket = by_hash_[h];
    for (std::uint32_t id : bucket)
      if (sets_[id] == sorted) return id;
    const auto id = static_cast<std::uint32_t>(sets_.size());
    sets_.push_back(std::move(sorted));
    bucket.push_back(id);
    return id;
  }

 private:
  std::vector<std::vector<NodeId>>& sets_;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> by_hash_;
};

}  // namespace

std::size_t Propagation::impacted_count() const {
  return static_cast<std::size_t>(std::count(impacted_.begin(), impacted_.end(), 1));
}

Propagation propagate(const Graph& graph, std::span<const model::Status> status_by_node) {
  const std::size_t n = graph.size();
  const std::size_t components = graph.component_count();
  Propagation out;
  out.impacted_.assign(n, 0);
  out.root_cause_.assign(n, 0);
  out.set_of_.assign(n, 0);
  SetPool pool(out.sets_);

  std::vector<std::uint8_t> stale(n, 0);
  for (std::size_t v = 0; v < n && v < status_by_node.size(); ++v)
    stale[v] = !graph.missing(static_cast<NodeId>(v)) && is_stale(status_by_node[v]);

  std::vector<std::uint32_t> stale_in(components, 0);   // stale members per component
  std::vector<std::uint8_t> stale_above(components, 0); // something stale strictly upstream
  std::vector<std::uint32_t> set_ids;
  std::vector<NodeId> singles, merged, scratch;

  for (std::size_t c = 0; c < components; ++c) {
    const auto members = graph.component(c);
    for (NodeId v : members) stale_in[c] += stale[v];

    set_ids.clear();
    singles.clear();
    for (NodeId v : members) {
      for (NodeId p : graph.parents(v)) {
        const std::uint32_t pc = graph.component_of(p);
        if (pc == c) continue;
        if (stale_above[pc] || stale_in[pc]) stale_above[c] = 1;
        if (out.root_cause_[p]) singles.push_back(p);
        if (out.set_of_[p]) set_ids.push_back(out.set_of_[p]);
      }
    }

    for (NodeId v : members) {
      out.impacted_[v] = stale_above[c] || stale_in[c] > stale[v];
      out.root_cause_[v] = stale[v] && !stale_above[c];
    }

    if (!stale_above[c]) {
      // Nothing stale above: only a cycle's own stale members explain each other.
      if (members.size() > 1 && stale_in[c] > 0) {
        for (NodeId v : members) {
          merged.clear();
          for (NodeId u : members)
            if (u != v && stale[u]) merged.push_back(u);
          out.set_of_[v] = pool.intern(std::vector<NodeId>(merged));
        }
      }
      continue;
    }

    std::sort(set_ids.begin(), set_ids.end());
    set_ids.erase(std::unique(set_ids.begin(), set_ids.end()), set_ids.end());
    std::sort(singles.begin(), singles.end());
    singles.erase(std::unique(singles.begin(), singles.end()), singles.end());
    // Usually one parent's set already holds everything the others bring: share it.
    std::uint32_t largest = 0;
    for (std::uint32_t id : set_ids)
      if (out.sets_[id].size() > out.sets_[largest].size()) largest = id;
    const auto& big = out.sets_[largest];
    bool covered = std::includes(big.begin(), big.end(), singles.begin(), singles.end());
    for (std::size_t i = 0; covered && i < set_ids.size(); ++i)
      covered = set_ids[i] == largest ||
                std::includes(big.begin(), big.end(), out.sets_[set_ids[i]].begin(),
                              out.sets_[set_ids[i]].end());
    std::uint32_t result = largest;
    if (!covered) {
      merged.assign(big.begin(), big.end());
      auto add = [&](std::span<const NodeId> more) {
        scratch.clear();
        std::set_union(merged.begin(), merged.end(), more.begin(), more.end(),
                       std::back_inserter(scratch));
        merged.swap(scratch);
      };
      add(singles);
      for (std::uint32_t id : set_ids)
        if (id != largest) add(out.sets_[id]);
      result = pool.intern(std::vector<NodeId>(merged));
    }
    for (NodeId v : members) out.set_of_[v] = result;
  }
  return out;
}

}  // namespace freshwatch::lineage
