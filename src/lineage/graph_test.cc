#include "lineage/graph.h"

#include <random>

#include <gtest/gtest.h>

#include "lineage/test_util.h"

namespace freshwatch::lineage {
namespace {

using testing::graph;

// "b@1 c@2": the keys and distances of a neighbourhood.
std::string show(const Graph& g, const std::vector<Reached>& r) {
  std::string out;
  for (const auto& x : r) {
    if (!out.empty()) out += ' ';
    out += g.key(x.node) + "@" + std::to_string(x.distance);
  }
  return out;
}

std::string show(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : " ") + k;
  return out;
}

TEST(Graph, Neighbourhoods) {
  const struct {
    const char* edges;
    const char* start;
    bool up;
    int depth;
    const char* want;
  } cases[] = {
      {"a>b b>c c>d", "a", false, 2, "b@1 c@2"},
      {"a>b b>c c>d", "a", false, -1, "b@1 c@2 d@3"},
      {"a>b b>c c>d", "a", false, 0, ""},
      {"a>b b>c c>d", "d", true, 1, "c@1"},
      {"a>b b>c c>d", "d", true, 10, "c@1 b@2 a@3"},
      {"a>b b>c c>d", "a", true, 3, ""},
      {"a>b b>c c>d", "nope", true, 3, ""},
      // Diamond: a is reached once, at its shortest distance.
      {"a>b a>c b>d c>d", "d", true, 1, "b@1 c@1"},
      {"a>b a>c b>d c>d", "d", true, 2, "b@1 c@1 a@2"},
      {"a>b a>c b>d c>d a>d", "d", true, -1, "a@1 b@1 c@1"},
      {"a>b a>c b>d c>d", "a", false, -1, "b@1 c@1 d@2"},
      // Cycles terminate.
      {"a>b b>c c>a c>d", "a", false, -1, "b@1 c@2 d@3"},
      {"a>b b>c c>a", "a", true, -1, "c@1 b@2"},
      {"a>a a>b", "a", false, -1, "b@1"},
  };
  for (const auto& c : cases) {
    const Graph g = graph(c.edges);
    const auto got = c.up ? g.upstream(c.start, c.depth) : g.downstream(c.start, c.depth);
    EXPECT_EQ(show(g, got), c.want) << c.edges << " from " << c.start << (c.up ? " up " : " down ")
                                    << c.depth;
  }
}

TEST(Graph, ShortestUpstreamPath) {
  const struct {
    const char* edges;
    const char* from;
    const char* to;
    const char* want;
  } cases[] = {
      {"a>b b>c c>d", "d", "a", "d c b a"},
      {"a>b b>c c>d", "d", "d", "d"},
      {"a>b b>c c>d", "a", "d", ""},  // d is downstream of a, not upstream
      {"a>b b>c c>d a>d", "d", "a", "d a"},
      {"a>b a>c b>d c>d x>y", "d", "x", ""},
      {"a>b b>c c>a c>d", "d", "b", "d c b"},
      {"a>b", "a", "nope", ""},
      {"ghost>a a>b", "b", "ghost", "b a ghost"},
  };
  for (const auto& c : cases) {
    const Graph g = graph(c.edges, {"ghost"});
    EXPECT_EQ(show(g.path(c.from, c.to)), c.want) << c.edges << ": " << c.from << " -> " << c.to;
  }
}

TEST(Graph, ReportsCyclesWithTheirKeys) {
  const struct {
    const char* edges;
    std::vector<std::string> cycles;  // messages, in component order
  } cases[] = {
      {"a>b b>c c>d", {}},
      {"a>b b>c c>a c>d", {"lineage cycle: a -> b -> c -> a"}},
      {"x>a a>a a>b", {"lineage cycle: a -> a"}},
      {"a>b b>a c>d d>c b>c", {"lineage cycle: a -> b -> a", "lineage cycle: c -> d -> c"}},
      // Two loops through a: one is shown, and the size of the tangle.
      {"a>b b>a a>c c>a", {"lineage cycle: a -> b -> a (3 assets are caught in loops here)"}},
  };
  for (const auto& c : cases) {
    const Graph g = graph(c.edges);
    std::vector<std::string> got;
    for (const auto& p : g.problems())
      if (p.kind == Problem::Kind::kCycle) got.push_back(p.message);
    EXPECT_EQ(got, c.cycles) << c.edges;
  }
  const Graph g = graph("a>b b>c c>a");
  ASSERT_EQ(g.problems().size(), 1u);
  EXPECT_EQ(g.problems()[0].keys, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(Graph, KeepsEdgesToUnknownAssetsAndReportsThem) {
  const std::vector<std::string> known = {"dbt:model.orders", "dbt:model.revenue"};
  const std::vector<model::Edge> es = {
      {"dbt:source.raw.orders", "dbt:model.orders"},
      {"dbt:source.raw.orders", "dbt:model.revenue"},
      {"dbt:model.orders", "dbt:model.revenue"},
      {"dbt:model.orders", "dbt:model.revenue"},  // duplicate
      {"", "dbt:model.orders"},
  };
  const Graph g(known, es);
  EXPECT_EQ(g.size(), 3u);
  EXPECT_EQ(g.edge_count(), 3u);
  const auto ghost = g.find("dbt:source.raw.orders");
  ASSERT_TRUE(ghost);
  EXPECT_TRUE(g.missing(*ghost));
  EXPECT_FALSE(g.missing(*g.find("dbt:model.orders")));
  EXPECT_EQ(show(g, g.downstream(*ghost, -1)), "dbt:model.orders@1 dbt:model.revenue@1");

  ASSERT_EQ(g.problems().size(), 2u);
  EXPECT_EQ(g.problems()[0].kind, Problem::Kind::kEmptyKey);
  EXPECT_EQ(g.problems()[0].keys, std::vector<std::string>{"dbt:model.orders"});
  const auto& missing = g.problems()[1];
  EXPECT_EQ(missing.kind, Problem::Kind::kMissingAsset);
  EXPECT_EQ(missing.keys, (std::vector<std::string>{"dbt:source.raw.orders", "dbt:model.orders",
                                                    "dbt:model.revenue"}));
  EXPECT_EQ(missing.message,
            "lineage names 'dbt:source.raw.orders', which is not a known asset (linked to "
            "'dbt:model.orders', 'dbt:model.revenue')");
}

TEST(Graph, EmptyInputs) {
  const Graph empty;
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_TRUE(empty.upstream("x", -1).empty());
  const std::vector<std::string> keys = {"a", "a", "b"};
  const Graph g(keys, {});
  EXPECT_EQ(g.size(), 2u);
  EXPECT_EQ(g.component_count(), 2u);
  EXPECT_TRUE(g.problems().empty());
}

TEST(Graph, ComponentsAreInTopologicalOrder) {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::string> keys;
    for (int i = 0; i < 40; ++i) keys.push_back("n" + std::to_string(i));
    std::vector<model::Edge> es;
    for (int i = 0; i < 80; ++i)
      es.push_back({keys[rng() % keys.size()], keys[rng() % keys.size()]});
    const Graph g(keys, es);
    std::size_t members = 0;
    for (std::size_t c = 0; c < g.component_count(); ++c) members += g.component(c).size();
    EXPECT_EQ(members, g.size());
    for (NodeId v = 0; v < g.size(); ++v)
      for (NodeId w : g.children(v)) EXPECT_LE(g.component_of(v), g.component_of(w));
  }
}

TEST(Graph, DeepChainsNeedNoRecursion) {
  std::vector<std::string> keys;
  std::vector<model::Edge> es;
  const int n = 200'000;
  for (int i = 0; i < n; ++i) keys.push_back("k" + std::to_string(i));
  for (int i = 0; i + 1 < n; ++i) es.push_back({keys[i], keys[i + 1]});
  es.push_back({keys[n - 1], keys[0]});  // and one enormous loop
  const Graph g(keys, es);
  EXPECT_EQ(g.component_count(), 1u);
  ASSERT_EQ(g.problems().size(), 1u);
  EXPECT_EQ(g.problems()[0].keys.size(), static_cast<std::size_t>(n));
  EXPECT_EQ(g.path("k10", "k0").size(), 11u);
}

TEST(Graph, EdgesAmongANeighbourhood) {
  const Graph g = graph("a>b a>c b>d c>d d>e");
  std::vector<NodeId> nodes = {*g.find("d")};
  for (const auto& r : g.upstream("d", 1)) nodes.push_back(r.node);
  const auto es = g.edges_among(nodes);
  EXPECT_EQ(es, (std::vector<model::Edge>{{"b", "d"}, {"c", "d"}}));
}

}  // namespace
}  // namespace freshwatch::lineage

namespace freshwatch::lineage {
namespace {

TEST(Graph, PathsToSeveralTargetsMatchSinglePaths) {
  const Graph g = testing::graph("a>b b>c c>d x>c y>z a>d");
  const NodeId from = *g.find("d");
  const std::vector<NodeId> targets = {*g.find("a"), *g.find("x"), *g.find("y"), *g.find("d"),
                                       *g.find("b")};
  const auto got = g.paths(from, targets);
  ASSERT_EQ(got.size(), targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i)
    EXPECT_EQ(got[i], g.path(from, targets[i])) << g.key(targets[i]);
  EXPECT_TRUE(got[2].empty());  // y is not upstream of d
  EXPECT_EQ(got[0].size(), 2u);  // d a, through the shortcut
}

}  // namespace
}  // namespace freshwatch::lineage

namespace freshwatch::lineage {
namespace {

TEST(Graph, EdgesKeepHowTheyAreKnown) {
  const std::vector<std::string> keys = {"wh:orders", "lk:tile", "lk:other"};
  const std::vector<model::Edge> edges = {{"wh:orders", "lk:tile", ""},
                                          {"wh:orders", "lk:tile", "view orders"},
                                          {"wh:orders", "lk:tile", "explore-level"},
                                          {"wh:orders", "lk:other", ""}};
  const Graph g(keys, edges);
  const NodeId orders = *g.find("wh:orders"), tile = *g.find("lk:tile"), other = *g.find("lk:other");
  EXPECT_EQ(g.edge_count(), 2u);
  EXPECT_EQ(g.via(orders, tile), "view orders") << "the first labelled duplicate";
  EXPECT_EQ(g.via(orders, other), "");
  EXPECT_EQ(g.via(tile, orders), "") << "no such edge";
  const std::vector<NodeId> all = {orders, tile, other};
  EXPECT_EQ(g.edges_among(all), (std::vector<model::Edge>{{"wh:orders", "lk:tile", "view orders"},
                                                          {"wh:orders", "lk:other", ""}}));
  const Graph unlabelled(keys, std::vector<model::Edge>{{"wh:orders", "lk:tile"}});
  EXPECT_EQ(unlabelled.via(orders, tile), "");
}

}  // namespace
}  // namespace freshwatch::lineage
