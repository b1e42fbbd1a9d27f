#include "lineage/data_time.h"

#include <map>

#include <gtest/gtest.h>

#include "core/time.h"
#include "lineage/test_util.h"

namespace freshwatch::lineage {
namespace {

using testing::edges;
using testing::keys_of;

// "a=5 b=- c=2": own times in hours before a fixed moment ("-": none). Keys not listed have none.
std::map<std::string, int> hours(const std::string& spec) {
  std::map<std::string, int> out;
  std::istringstream in(spec);
  std::string token;
  while (in >> token) {
    const auto eq = token.find('=');
    if (token.substr(eq + 1) != "-") out[token.substr(0, eq)] = std::stoi(token.substr(eq + 1));
  }
  return out;
}

const core::TimePoint kNow = *core::parse_timestamp("2026-11-28T12:00:00Z");

// Each node as "key=AGE<from" (AGE in hours, "?" when unknown), sorted by key.
std::string run(const std::string& graph_spec, const std::string& own_spec,
                const std::set<std::string>& missing = {}) {
  const auto es = edges(graph_spec);
  const auto ks = keys_of(es, missing);
  const Graph g(ks, es);
  const auto own_hours = hours(own_spec);
  std::vector<std::optional<core::TimePoint>> own(g.size());
  for (NodeId v = 0; v < g.size(); ++v)
    if (auto it = own_hours.find(g.key(v)); it != own_hours.end())
      own[v] = kNow - std::chrono::hours(it->second);
  const auto got = propagate_data_time(g, own);
  std::map<std::string, std::string> shown;
  for (NodeId v = 0; v < g.size(); ++v) {
    const auto& d = got[v];
    const std::string age =
        d.time ? std::to_string(std::chrono::duration_cast<std::chrono::hours>(kNow - *d.time).count())
               : "?";
    shown[g.key(v)] = age + "<" + (d.from == kNoNode ? std::string("none") : g.key(d.from));
  }
  std::string out;
  for (const auto& [k, v] : shown) out += (out.empty() ? "" : " ") + k + "=" + v;
  return out;
}

TEST(DataTime, Table) {
  const struct {
    const char* graph;
    const char* own;
    std::set<std::string> missing;
    const char* want;
  } cases[] = {
      // Without inputs: the own time.
      {"a>b", "a=5 b=1", {}, "a=5<a b=5<a"},
      // A consumer without a signal of its own takes its input's, from where it comes.
      {"src>model model>tile", "src=96 model=1", {}, "model=96<src src=96<src tile=96<src"},
      // The own time wins when it is older than every input.
      {"a>b", "a=1 b=5", {}, "a=1<a b=5<b"},
      // A tie goes to the own time.
      {"a>b", "a=5 b=5", {}, "a=5<a b=5<b"},
      // The oldest of several inputs; a tie between inputs goes to the first (smaller id).
      {"old>t new>t", "old=30 new=2", {}, "new=2<new old=30<old t=30<old"},
      {"x>t y>t", "x=3 y=3", {}, "t=3<x x=3<x y=3<y"},
      // An input without a data time makes the consumer's unknown, naming where it comes from.
      {"empty>model model>tile ok>tile", "model=1 ok=1", {}, "empty=?<empty model=?<empty ok=1<ok tile=?<empty"},
      // An asset with neither an own time nor inputs has none.
      {"a>b", "b=1", {}, "a=?<a b=?<a"},
      // An input that is not a known asset has no data time.
      {"gone>tile", "", {"gone"}, "gone=?<gone tile=?<gone"},
      // A diamond: the oldest path wins.
      {"s>l s>r l>d r>d", "s=10 l=1 r=12", {}, "d=12<r l=10<s r=12<r s=10<s"},
      // A cycle takes the oldest over its members and its inputs, and terminates.
      {"a>b b>c c>a c>d", "a=1 b=7 c=2", {}, "a=7<b b=7<b c=7<b d=7<b"},
      {"in>a a>b b>a", "in=20 a=1 b=2", {}, "a=20<in b=20<in in=20<in"},
      {"a>b b>a", "", {}, "a=?<a b=?<a"},
      {"x>x x>y", "x=4", {}, "x=4<x y=4<x"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(run(c.graph, c.own, c.missing), c.want) << c.graph << " | " << c.own;
}

TEST(DataTime, LongChainsAndEmptyGraphs) {
  EXPECT_TRUE(propagate_data_time(Graph(), {}).empty());
  std::vector<model::Edge> chain;
  std::vector<std::string> keys;
  for (int i = 0; i < 50'000; ++i) keys.push_back("n" + std::to_string(i));
  for (int i = 0; i + 1 < 50'000; ++i) chain.push_back({keys[i], keys[i + 1]});
  const Graph g(keys, chain);
  std::vector<std::optional<core::TimePoint>> own(g.size());
  own[0] = kNow - std::chrono::hours(3);
  const auto got = propagate_data_time(g, own);
  EXPECT_EQ(got.back().time, own[0]);
  EXPECT_EQ(got.back().from, 0u);
}

}  // namespace
}  // namespace freshwatch::lineage
