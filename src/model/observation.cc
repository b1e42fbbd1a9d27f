#include "model/observation.h"

#include <algorithm>

namespace freshwatch::model {

Observations::Observations(std::vector<Observation> items)
    : items_(std::make_shared<std::vector<Observation>>(std::move(items))) {}

std::vector<Observation>& Observations::edit() {
  if (!items_)
    items_ = std::make_shared<std::vector<Observation>>();
  else if (items_.use_count() > 1)
    items_ = std::make_shared<std::vector<Observation>>(*items_);
  return *items_;
}

bool Observations::operator==(const Observations& other) const {
  return std::equal(begin(), end(), other.begin(), other.end());
}

}  // namespace freshwatch::model
