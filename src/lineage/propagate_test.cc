#include "lineage/propagate.h"

#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "lineage/test_util.h"

namespace freshwatch::lineage {
namespace {

using model::Status;
using testing::graph;

std::vector<Status> statuses(const Graph& g, const std::map<std::string, Status>& own) {
  std::vector<Status> out(g.size(), Status::kFresh);
  for (const auto& [key, s] : own) {
    auto id = g.find(key);
    EXPECT_TRUE(id) << key;
    if (id) out[*id] = s;
  }
  return out;
}

std::string keys(const Graph& g, std::span<const NodeId> ids) {
  std::set<std::string> sorted;
  for (NodeId v : ids) sorted.insert(g.key(v));
  std::string out;
  for (const auto& k : sorted) out += (out.empty() ? "" : " ") + k;
  return out;
}

constexpr Status W = Status::kWarn;
constexpr Status E = Status::kError;
constexpr Status U = Status::kUnknown;

struct Case {
  const char* name;
  const char* edges;
  std::map<std::string, Status> own;  // others are fresh
  const char* impacted;               // keys, sorted
  const char* origins;                // keys with is_root_cause, sorted
  std::map<std::string, std::string> root_causes;  // key -> sorted keys; unlisted: none
};

void run(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const Graph g = graph(c.edges, {"ghost"});
    const auto p = propagate(g, statuses(g, c.own));
    std::vector<NodeId> impacted, origins;
    for (NodeId v = 0; v < g.size(); ++v) {
      if (p.impacted(v)) impacted.push_back(v);
      if (p.is_root_cause(v)) origins.push_back(v);
      const auto it = c.root_causes.find(g.key(v));
      EXPECT_EQ(keys(g, p.root_causes(v)), it == c.root_causes.end() ? "" : it->second)
          << "root causes of " << g.key(v);
    }
    EXPECT_EQ(keys(g, impacted), c.impacted);
    EXPECT_EQ(keys(g, origins), c.origins);
    EXPECT_EQ(p.impacted_count(), impacted.size());
  }
}

TEST(Propagate, Chains) {
  run({
      {"all fresh", "a>b b>c c>d", {}, "", "", {}},
      {"stale source", "a>b b>c c>d", {{"a", E}}, "b c d", "a",
       {{"b", "a"}, {"c", "a"}, {"d", "a"}}},
      {"stale in the middle", "a>b b>c c>d", {{"c", W}}, "d", "c", {{"d", "c"}}},
      {"stale below stale: only the top is a cause", "a>b b>c c>d", {{"a", W}, {"c", E}},
       "b c d", "a", {{"b", "a"}, {"c", "a"}, {"d", "a"}}},
      {"unknown is not stale", "a>b b>c", {{"a", U}}, "", "", {}},
      {"a stale leaf impacts nothing", "a>b b>c", {{"c", E}}, "", "c", {}},
  });
}

TEST(Propagate, Diamonds) {
  run({
      {"both arms stale", "a>b a>c b>d c>d", {{"b", E}, {"c", W}}, "d", "b c", {{"d", "b c"}}},
      {"top stale explains the arms", "a>b a>c b>d c>d", {{"a", E}, {"b", E}}, "b c d", "a",
       {{"b", "a"}, {"c", "a"}, {"d", "a"}}},
      {"one arm stale", "a>b a>c b>d c>d d>e", {{"c", W}}, "d e", "c", {{"d", "c"}, {"e", "c"}}},
      {"two sources merge", "s1>m s2>m m>x t>x", {{"s1", E}, {"t", W}}, "m x", "s1 t",
       {{"m", "s1"}, {"x", "s1 t"}}},
  });
}

TEST(Propagate, FreshBetweenStale) {
  // A fresh asset passes the impact on: s is stale, but a stale source above explains it.
  run({
      {"fresh in between", "a>f f>s s>v", {{"a", E}, {"s", W}}, "f s v", "a",
       {{"f", "a"}, {"s", "a"}, {"v", "a"}}},
      {"fresh side branch", "a>f f>v b>v", {{"b", E}}, "v", "b", {{"v", "b"}}},
  });
}

TEST(Propagate, Cycles) {
  run({
      {"stale member of a loop", "a>b b>c c>a c>d", {{"a", E}}, "b c d", "a",
       {{"b", "a"}, {"c", "a"}, {"d", "a"}}},
      {"two stale members explain each other", "a>b b>a b>c", {{"a", E}, {"b", W}}, "a b c",
       "a b", {{"a", "b"}, {"b", "a"}, {"c", "a b"}}},
      {"loop below a stale source", "s>a a>b b>a b>d", {{"s", E}, {"a", E}}, "a b d", "s",
       {{"a", "s"}, {"b", "s"}, {"d", "s"}}},
      {"self loop", "a>a a>b", {{"a", E}}, "b", "a", {{"b", "a"}}},
  });
}

TEST(Propagate, MissingParents) {
  // 'ghost' is named by an edge but is not a known asset: it is never stale.
  run({
      {"missing parent", "ghost>a a>b", {{"a", E}}, "b", "a", {{"b", "a"}}},
      {"missing parent only", "ghost>a a>b", {}, "", "", {}},
  });
}

TEST(Propagate, ShortStatusListCountsAsUnknown) {
  const Graph g = graph("a>b b>c");
  const std::vector<Status> own = {E};  // only a
  const auto p = propagate(g, own);
  EXPECT_TRUE(p.impacted(*g.find("c")));
  EXPECT_TRUE(propagate(g, {}).impacted_count() == 0);
}

// Checks propagate() against the definitions in propagate.h, evaluated by brute force, on
// random graphs with cycles.
TEST(Propagate, MatchesTheDefinitionsOnRandomGraphs) {
  std::mt19937 rng(42);
  for (int round = 0; round < 300; ++round) {
    const int n = 3 + static_cast<int>(rng() % 25);
    const int m = static_cast<int>(rng() % (n * 2 + 1));
    std::vector<std::string> ks;
    for (int i = 0; i < n; ++i) ks.push_back("n" + std::to_string(i));
    std::vector<model::Edge> es;
    for (int i = 0; i < m; ++i) {
      int a = static_cast<int>(rng() % n), b = static_cast<int>(rng() % n);
      if (round % 2 == 0 && a > b) std::swap(a, b);  // half the rounds: mostly acyclic
      es.push_back({ks[a], ks[b]});
    }
    const Graph g(ks, es);
    std::vector<Status> own(n);
    for (auto& s : own) s = model::kAllStatuses[rng() % 4];
    const auto p = propagate(g, own);

    // up[v]: nodes upstream of v (reachable against the flow, v only through a loop).
    std::vector<std::set<NodeId>> up(n);
    for (NodeId v = 0; v < static_cast<NodeId>(n); ++v) {
      std::vector<NodeId> stack(g.parents(v).begin(), g.parents(v).end());
      while (!stack.empty()) {
        const NodeId w = stack.back();
        stack.pop_back();
        if (!up[v].insert(w).second) continue;
        for (NodeId x : g.parents(w)) stack.push_back(x);
      }
    }
    auto stale = [&](NodeId v) { return own[v] == W || own[v] == E; };
    std::vector<bool> origin(n);
    for (NodeId u = 0; u < static_cast<NodeId>(n); ++u) {
      bool explained = false;
      for (NodeId w : up[u])
        if (w != u && stale(w) && !up[w].count(u)) explained = true;
      origin[u] = stale(u) && !explained;
    }
    for (NodeId v = 0; v < static_cast<NodeId>(n); ++v) {
      bool impacted = false;
      std::vector<NodeId> causes;
      for (NodeId u : up[v]) {
        if (u == v) continue;
        if (stale(u)) impacted = true;
        if (origin[u]) causes.push_back(u);
      }
      ASSERT_EQ(p.impacted(v), impacted) << "round " << round << " node " << v;
      ASSERT_EQ(p.is_root_cause(v), origin[v]) << "round " << round << " node " << v;
      const auto got = p.root_causes(v);
      ASSERT_EQ(std::vector<NodeId>(got.begin(), got.end()), causes)
          << "round " << round << " node " << v;
    }
  }
}

TEST(Propagate, DeepChainIsLinear) {
  std::vector<std::string> ks;
  std::vector<model::Edge> es;
  const int n = 200'000;
  for (int i = 0; i < n; ++i) ks.push_back("k" + std::to_string(i));
  for (int i = 0; i + 1 < n; ++i) es.push_back({ks[i], ks[i + 1]});
  const Graph g(ks, es);
  std::vector<Status> own(n, Status::kFresh);
  own[0] = E;
  own[n / 2] = W;
  const auto p = propagate(g, own);
  EXPECT_EQ(p.impacted_count(), static_cast<std::size_t>(n - 1));
  ASSERT_EQ(p.root_causes(n - 1).size(), 1u);
  EXPECT_EQ(p.root_causes(n - 1)[0], 0u);
}

}  // namespace
}  // namespace freshwatch::lineage
