// PolicySet: which policy judges which asset. Built once from the configured (selector, policy)
// pairs, in declaration order, and a default policy.
//
// for_asset() is the one answer to "which policy judges this asset", for the evaluation and for
// every place that shows the policy: the matching selector with the highest
// model::specificity() (an exact key, then key globs with more literal characters, then tag,
// owner, kind, connection), ties going to the one declared first; when no selector matches, the
// asset's own policy (model::Asset::policy, for example thresholds taken over from dbt's source
// freshness); else the default. Exact-key selectors are found through a hash map; the others
// are tried in precedence order, so a lookup stops at the first match.
//
// Thread contract: immutable after construction; for_asset() may be called from any number of
// threads. Returned references point into the set, or into the asset when it is the asset's own
// policy, and live as long as that.
#pragma once

#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/asset.h"
#include "model/policy.h"
#include "model/selector.h"

namespace freshwatch::policy {

class PolicySet {
 public:
  struct Entry {
    model::Selector selector;
    model::Policy policy;
  };

  PolicySet();  // no selectors; the built-in calendar default
  PolicySet(std::vector<Entry> entries, model::Policy default_policy);

  const model::Policy& for_asset(const model::Asset& asset) const;

  const model::Policy& default_policy() const { return default_; }
  // In declaration order.
  std::span<const Entry> entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
  model::Policy default_;
  std::unordered_map<std::string, std::size_t> exact_;  // exact key -> first entry naming it
  std::vector<std::size_t> ordered_;                    // other entries, most specific first
};

}  // namespace freshwatch::policy
