#include "lineage/identity.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace freshwatch::lineage {

namespace {

int rank(const model::Asset& asset) {
  if (asset.referenced) return 4;
  switch (asset.kind) {
    case model::AssetKind::kTable:
    case model::AssetKind::kView: return 0;
    case model::AssetKind::kModel:
    case model::AssetKind::kSeed:
    case model::AssetKind::kSnapshot: return 1;
    case model::AssetKind::kSource: return 2;
    default: return 3;
  }
}

}  // namespace

std::string_view Identities::resolve(std::string_view key) const {
  if (canonical_of.empty()) return key;
  auto it = canonical_of.find(std::string(key));
  return it == canonical_of.end() ? key : std::string_view(it->second);
}

Identities merge_identities(std::span<const model::AssetPtr> shared,
                            std::span<const model::Edge> edges) {
  Identities out;
  // Read through a view of the values; the output shares them.
  std::vector<const model::Asset*> assets;
  assets.reserve(shared.size());
  for (const auto& a : shared) assets.push_back(a.get());
  // relation -> indexes of the assets that report it
  std::unordered_map<std::string_view, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < assets.size(); ++i)
    if (!assets[i]->relation.empty() && !model::is_container(assets[i]->kind))
      groups[assets[i]->relation].push_back(i);

  std::vector<int> role(assets.size(), -1);  // -1 alone, -2 alias, else index of itself (canonical)
  std::unordered_map<std::size_t, std::vector<std::size_t>> aliases_of;
  for (auto& [relation, members] : groups) {
    if (members.size() < 2) continue;
    const auto best = *std::min_element(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
      return std::tuple(rank(*assets[a]), std::string_view(assets[a]->key)) <
             std::tuple(rank(*assets[b]), std::string_view(assets[b]->key));
    });
    for (auto m : members) {
      if (m == best || assets[m]->key == assets[best]->key) continue;
      role[m] = -2;
      aliases_of[best].push_back(m);
      out.canonical_of.emplace(assets[m]->key, assets[best]->key);
    }
  }

  out.assets.reserve(assets.size() - out.canonical_of.size());
  for (std::size_t i = 0; i < assets.size(); ++i) {
    if (role[i] == -2) continue;
    auto it = aliases_of.find(i);
    if (it == aliases_of.end()) {
      out.assets.push_back(shared[i]);
      continue;
    }
    auto merged = std::make_shared<model::Asset>(*assets[i]);
    out.assets.push_back(merged);
    model::Asset& c = *merged;
    std::sort(it->second.begin(), it->second.end(), [&](std::size_t a, std::size_t b) {
      return std::tuple(rank(*assets[a]), std::string_view(assets[a]->key)) <
             std::tuple(rank(*assets[b]), std::string_view(assets[b]->key));
    });
    for (auto a : it->second) {
      const model::Asset& alias = *assets[a];
      if (c.owner.empty()) c.owner = alias.owner;
      if (c.description.empty()) c.description = alias.description;
      if (c.url.empty()) c.url = alias.url;
      if (!c.policy && alias.policy) c.policy = alias.policy;
      for (const auto& t : alias.tags)
        if (std::find(c.tags.begin(), c.tags.end(), t) == c.tags.end()) c.tags.push_back(t);
      if (!alias.parent.empty()) out.placements.emplace_back(alias.parent, c.key);
    }
  }

  std::set<std::pair<std::string_view, std::string_view>> seen;
  out.edges.reserve(edges.size());
  for (const auto& e : edges) {
    const std::string_view up = out.resolve(e.upstream), down = out.resolve(e.downstream);
    if (up == down || !seen.emplace(up, down).second) continue;
    out.edges.push_back({std::string(up), std::string(down), e.via});
  }
  return out;
}

}  // namespace freshwatch::lineage
