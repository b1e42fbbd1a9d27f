// History values: status intervals (an asset held a status from..to), the per-day rollup
// (worst status and minutes per status for each asset and calendar day) that makes 90 days of
// history one cheap read, and the compact day bars the engine and snapshots keep in memory
// (DayStatus, HistoryTable: two bytes per asset and day; the minutes stay in the store).
//
// Thread contract: plain values; a HistoryTable is not synchronised (its owner guards it).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <date/date.h>

#include "core/clock.h"
#include "model/status.h"

namespace freshwatch::model {

struct StatusInterval {
  std::string asset_key;
  Status status = Status::kUnknown;
  core::TimePoint from{};
  std::optional<core::TimePoint> to;  // empty while the interval is open
  std::string reason;
  bool operator==(const StatusInterval&) const = default;
};

struct DayCell {
  date::sys_days day{};
  bool has_data = false;  // false: nothing was recorded that day (never shown as fresh)
  Status worst = Status::kUnknown;
  std::array<std::uint16_t, 4> minutes{};  // minutes per status, indexed by Status
  bool operator==(const DayCell&) const = default;
};

// One day of an asset's status bar: whether anything was recorded that day, and the worst
// status it held.
struct DayStatus {
  Status worst = Status::kUnknown;
  bool has_data = false;  // false: nothing recorded (never shown as fresh)
  bool operator==(const DayStatus&) const = default;
};

// The day bars of many assets over the same consecutive days [first, first + days): a row of
// `days` DayStatus per asset key, all rows in one block.
class HistoryTable {
 public:
  HistoryTable() = default;
  HistoryTable(date::sys_days first, int days);

  date::sys_days first() const { return first_; }
  int days() const { return days_; }
  std::size_t size() const { return rows_.size(); }

  // Room for `rows` rows without reallocating.
  void reserve(std::size_t rows);
  // The row of `key`, added (every day without data) when absent.
  std::span<DayStatus> row(std::string_view key);
  // The row of `key`; empty when absent.
  std::span<const DayStatus> find(std::string_view key) const;
  // The cell of `key` on `day` (added as for row()); `day` must lie in the window.
  DayStatus& at(std::string_view key, date::sys_days day);

  // Moves the window to start at `first`, keeping its length: days that leave it are dropped,
  // days that enter it have no data, and rows left without any data are dropped.
  void shift_to(date::sys_days first);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  date::sys_days first_{};
  int days_ = 0;
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> rows_;  // key -> row
  std::vector<DayStatus> cells_;  // row r at [r * days_, (r + 1) * days_)
};

}  // namespace freshwatch::model
