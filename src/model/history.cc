#include "model/history.h"

#include <algorithm>

namespace freshwatch::model {

HistoryTable::HistoryTable(date::sys_days first, int days)
    : first_(first), days_(std::max(days, 1)) {}

void HistoryTable::reserve(std::size_t rows) {
  rows_.reserve(rows);
  cells_.reserve(rows * static_cast<std::size_t>(days_));
}

std::span<DayStatus> HistoryTable::row(std::string_view key) {
  auto it = rows_.find(key);
  if (it == rows_.end()) {
    it = rows_.emplace(std::string(key), static_cast<std::uint32_t>(rows_.size())).first;
    cells_.resize(cells_.size() + static_cast<std::size_t>(days_));
  }
  return {cells_.data() + static_cast<std::size_t>(it->second) * days_,
          static_cast<std::size_t>(days_)};
}

std::span<const DayStatus> HistoryTable::find(std::string_view key) const {
  auto it = rows_.find(key);
  if (it == rows_.end()) return {};
  return {cells_.data() + static_cast<std::size_t>(it->second) * days_,
          static_cast<std::size_t>(days_)};
}

DayStatus& HistoryTable::at(std::string_view key, date::sys_days day) {
  return row(key)[static_cast<std::size_t>((day - first_).count())];
}

void HistoryTable::shift_to(date::sys_days first) {
  const auto by = (first - first_).count();
  if (by == 0) return;
  std::vector<DayStatus> cells;
  cells.reserve(cells_.size());
  std::uint32_t kept = 0;
  for (auto it = rows_.begin(); it != rows_.end();) {
    const std::size_t old_row = static_cast<std::size_t>(it->second) * days_;
    const std::size_t at = cells.size();
    cells.resize(at + static_cast<std::size_t>(days_));
    bool any = false;
    for (int d = 0; d < days_; ++d) {
      const auto from = d + by;
      if (from < 0 || from >= days_) continue;
      cells[at + d] = cells_[old_row + static_cast<std::size_t>(from)];
      any = any || cells[at + d].has_data;
    }
    if (!any) {
      cells.resize(at);
      it = rows_.erase(it);
      continue;
    }
    it->second = kept++;
    ++it;
  }
  cells_ = std::move(cells);
  first_ = first;
}

}  // namespace freshwatch::model
