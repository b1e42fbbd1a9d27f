#include "model/snapshot.h"

#include <algorithm>

namespace freshwatch::model {

const AssetState* Snapshot::find(std::string_view key) const {
  auto it = std::lower_bound(assets.begin(), assets.end(), key,
                             [](const AssetState& a, std::string_view k) { return a.asset.key < k; });
  return it != assets.end() && it->asset.key == key ? &*it : nullptr;
}

}  // namespace freshwatch::model
