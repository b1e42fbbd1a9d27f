#include "policy/policy_set.h"

#include <algorithm>

namespace freshwatch::policy {

PolicySet::PolicySet() : PolicySet({}, model::Policy{"default", model::CalendarRule{}, "built-in"}) {}

PolicySet::PolicySet(std::vector<Entry> entries, model::Policy default_policy)
    : entries_(std::move(entries)), default_(std::move(default_policy)) {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const auto& s = entries_[i].selector;
    if (s.kind == model::Selector::Kind::kKeyGlob &&
        s.pattern.find_first_of("*?") == std::string::npos) {
      exact_.emplace(s.pattern, i);  // keeps the first declared
    } else {
      ordered_.push_back(i);
    }
  }
  std::stable_sort(ordered_.begin(), ordered_.end(), [&](std::size_t a, std::size_t b) {
    return model::specificity(entries_[a].selector) > model::specificity(entries_[b].selector);
  });
}

const model::Policy& PolicySet::for_asset(const model::Asset& asset) const {
  if (!exact_.empty()) {
    if (auto it = exact_.find(asset.key); it != exact_.end()) return entries_[it->second].policy;
  }
  for (std::size_t i : ordered_)
    if (model::matches(entries_[i].selector, asset)) return entries_[i].policy;
  return asset.policy ? *asset.policy : default_;
}

}  // namespace freshwatch::policy
