// Helpers for lineage tests: graphs written as "a>b b>c" (data flows from a to b).
#pragma once

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "lineage/graph.h"

namespace freshwatch::lineage::testing {

inline std::vector<model::Edge> edges(const std::string& spec) {
  std::vector<model::Edge> out;
  std::istringstream in(spec);
  std::string token;
  while (in >> token) {
    const auto gt = token.find('>');
    out.push_back({token.substr(0, gt), token.substr(gt + 1)});
  }
  return out;
}

// Every key the edges name, except those listed as missing.
inline std::vector<std::string> keys_of(const std::vector<model::Edge>& es,
                                        const std::set<std::string>& missing = {}) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& e : es)
    for (const auto* k : {&e.upstream, &e.downstream})
      if (!k->empty() && !missing.count(*k) && seen.insert(*k).second) out.push_back(*k);
  return out;
}

inline Graph graph(const std::string& spec, const std::set<std::string>& missing = {}) {
  const auto es = edges(spec);
  const auto ks = keys_of(es, missing);
  return Graph(ks, es);
}

}  // namespace freshwatch::lineage::testing
