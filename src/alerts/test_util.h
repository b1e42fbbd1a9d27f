// Helpers for alerts tests: snapshots written as lists of assets with their own status and
// lineage facts, and events written as "opened w:a warn 2" (type, root, status, impact count).
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "alerts/incident.h"
#include "model/snapshot.h"

namespace freshwatch::alerts::testing {

using model::AssetKind;
using model::Status;

inline const core::TimePoint kT0 = core::TimePoint(std::chrono::sys_days(
    std::chrono::year_month_day(std::chrono::year(2026), std::chrono::month(3), std::chrono::day(2))));

inline core::TimePoint at_minute(int minute) { return kT0 + std::chrono::minutes(minute); }

struct AssetSpec {
  std::string key;
  Status status = Status::kFresh;
  std::vector<std::string> causes;  // root_causes; impacted when non-empty
  AssetKind kind = AssetKind::kTable;
  std::string parent;
  std::string error;                 // the evaluation's collection error
  std::string data_time_from;        // empty: its own key
  bool data_time_known = true;
  std::vector<std::string> tags;
};

inline model::AssetState make_state(const AssetSpec& spec) {
  model::AssetState s;
  model::Asset& s_asset = own_asset(s);
  s_asset.key = spec.key;
  s_asset.name = spec.key.substr(spec.key.find(':') + 1);
  s_asset.kind = spec.kind;
  s_asset.parent = spec.parent;
  s_asset.connection = std::string(model::key_connection(spec.key));
  s_asset.owner = "data-eng";
  s_asset.tags = spec.tags;
  s.evaluation.status = spec.status;
  s.evaluation.reason = fmt::format("{} reason", model::to_string(spec.status));
  s.evaluation.error = spec.error;
  s.evaluation.changed_at = kT0 - std::chrono::hours(30);
  s.impacted = !spec.causes.empty();
  s.root_causes = spec.causes;
  s.data_time_from = spec.data_time_from.empty() ? spec.key : spec.data_time_from;
  if (spec.data_time_known) s.data_time = kT0 - std::chrono::hours(30);
  return s;
}

inline model::Snapshot snapshot(const std::vector<AssetSpec>& specs) {
  model::Snapshot snap;
  for (const auto& spec : specs) snap.assets.push_back(make_state(spec));
  std::sort(snap.assets.begin(), snap.assets.end(),
            [](const auto& a, const auto& b) { return a.asset->key < b.asset->key; });
  return snap;
}

inline std::string root_key_of(const std::string& incident_id) {
  return incident_id.substr(0, incident_id.rfind('@'));
}

inline std::string describe(const IncidentEvent& e) {
  std::string type(to_string(e.type));
  type = type.substr(type.find('.') + 1);
  return fmt::format("{} {} {} {}", type, root_key_of(e.incident_id), model::to_string(e.status),
                     e.impacted_count);
}

inline std::vector<std::string> describe(const std::vector<IncidentEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(describe(e));
  return out;
}

}  // namespace freshwatch::alerts::testing
