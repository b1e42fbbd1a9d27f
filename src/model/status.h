// Status: the verdict on one asset's freshness.
//   fresh   (green)  the data changed recently enough
//   warn    (yellow) older than the policy's warning limit
//   error   (red)    older than the policy's error limit, or a deadline was missed
//   unknown (grey)   no data to judge: never seen, collection failed, no timestamp
//
// Thread contract: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace freshwatch::model {

enum class Status : std::uint8_t { kFresh = 0, kWarn = 1, kError = 2, kUnknown = 3 };

inline constexpr std::array<Status, 4> kAllStatuses = {Status::kFresh, Status::kWarn,
                                                       Status::kError, Status::kUnknown};

std::string_view to_string(Status status);
std::optional<Status> parse_status(std::string_view text);

// How bad a status is, for "worst of": fresh < unknown < warn < error.
int severity(Status status);
Status worst(Status a, Status b);

// Counts per status, indexed by the enum's value.
struct StatusCounts {
  std::array<std::uint32_t, 4> by_status{};

  std::uint32_t& operator[](Status s) { return by_status[static_cast<std::size_t>(s)]; }
  std::uint32_t operator[](Status s) const { return by_status[static_cast<std::size_t>(s)]; }
  std::uint32_t total() const { return by_status[0] + by_status[1] + by_status[2] + by_status[3]; }
  void add(const StatusCounts& other) {
    for (std::size_t i = 0; i < by_status.size(); ++i) by_status[i] += other.by_status[i];
  }
};

}  // namespace freshwatch::model
