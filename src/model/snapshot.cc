#include "model/snapshot.h"

#include <algorithm>

namespace freshwatch::model {

const AssetState* Snapshot::find(std::string_view key) const {
  auto it = std::lower_bound(assets.begin(), assets.end(), key,
                             [](const AssetState& a, std::string_view k) { return a.asset->key < k; });
  if (it != assets.end() && it->asset->key == key) return &*it;
  auto alias = std::lower_bound(aliases.begin(), aliases.end(), key,
                                [](const auto& a, std::string_view k) { return a.first < k; });
  if (alias != aliases.end() && alias->first == key && alias->second != key) return find(alias->second);
  return nullptr;
}

Asset& own_asset(AssetState& state) {
  auto copy = state.asset ? std::make_shared<Asset>(*state.asset) : std::make_shared<Asset>();
  state.asset = copy;
  return *copy;
}

std::span<const DayStatus> Snapshot::history(std::size_t index) const {
  const auto days = static_cast<std::size_t>(history_days);
  if ((index + 1) * days > history_cells.size()) return {};
  return {history_cells.data() + index * days, days};
}

}  // namespace freshwatch::model
