#include "lineage/root_paths.h"

#include <gtest/gtest.h>

namespace freshwatch::lineage {
namespace {

model::AssetState state(std::string key) {
  model::AssetState s;
  own_asset(s).key = std::move(key);
  return s;
}

// "key<via key<via key": the hops of a path, each with the via of the link above it.
std::string show(const RootPath& p) {
  std::string out;
  for (const auto& h : p.hops) {
    if (!out.empty()) out += " ";
    out += std::string(h.key) + (h.state ? "" : "(missing)");
    if (!h.via.empty()) out += "<" + std::string(h.via);
  }
  return out;
}

TEST(RootPaths, FromTheAssetUpToEachRootCauseWithHowEachLinkIsKnown) {
  model::Snapshot snap;
  for (const char* k : {"lk:tile", "wh:orders", "wh:raw", "wh:stale", "wh:view"})
    snap.assets.push_back(state(k));
  snap.edges = {{"wh:raw", "wh:orders", ""},
                {"wh:orders", "wh:view", "dbt ref"},
                {"wh:view", "lk:tile", "view orders"},
                {"wh:stale", "lk:tile", "explore-level"},
                {"wh:ghost", "lk:tile"}};
  snap.assets[0].root_causes = {"wh:raw", "wh:stale", "wh:nowhere"};
  const auto graph = snapshot_graph(snap);
  const auto paths = root_paths(snap, graph, snap.assets[0]);
  ASSERT_EQ(paths.size(), 2u) << "a root cause the graph does not know is left out";
  EXPECT_EQ(paths[0].root, "wh:raw");
  EXPECT_EQ(show(paths[0]), "lk:tile<view orders wh:view<dbt ref wh:orders wh:raw");
  EXPECT_EQ(paths[0].hops[0].state, &snap.assets[0]);
  EXPECT_EQ(paths[0].hops.back().via, "");
  EXPECT_EQ(show(paths[1]), "lk:tile<explore-level wh:stale");
  EXPECT_TRUE(root_paths(snap, graph, snap.assets[1]).empty()) << "no root causes";
}

}  // namespace
}  // namespace freshwatch::lineage
