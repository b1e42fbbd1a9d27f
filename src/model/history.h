// History values: status intervals (an asset held a status from..to) and the per-day rollup
// (worst status and minutes per status for each asset and calendar day) that makes 90 days of
// history one cheap read.
//
// Thread contract: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

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

}  // namespace freshwatch::model
