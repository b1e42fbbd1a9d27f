// Routing: which channels an incident event goes to, from alerts.routes and alerts.silences.
//   - Every route whose selector matches the root asset (model::Selector, as in policies) and
//     whose min_status the root's status reaches (by model::severity: fresh < unknown < warn <
//     error, so min_status unknown takes anything not fresh) adds its channels, in the order
//     routes and channels are declared, each channel once.
//   - A silence is a window of `duration` starting at each firing of its cron, read in its time
//     zone (the top-level timezone when it names none; windows may cross midnight and DST
//     changes follow core::CronSchedule). While a silence matching the root is on, opened,
//     updated and reminder events go to no channel (the incident is still recorded).
//   - A resolved event goes to exactly the channels that were told of the incident before (the
//     caller passes them, from the delivery log), silence or not, so no receiver is left with an
//     alert that never closes.
//
// Thread contract: a RoutingRules is immutable after compile_routing(); route() is pure, the
// clock value passed in.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <date/tz.h>

#include "alerts/incident.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/cron.h"
#include "core/result.h"
#include "model/asset.h"
#include "model/selector.h"
#include "model/status.h"

namespace freshwatch::alerts {

struct Silence {
  model::Selector select;
  core::CronSchedule cron;
  core::Duration duration{};
  const date::time_zone* zone = nullptr;  // null: UTC
};

struct RoutingRules {
  std::vector<config::RouteConfig> routes;
  std::vector<Silence> silences;
};

// Parses the silences' cron expressions and time zones; errors name the silence's location.
Result<RoutingRules> compile_routing(const config::AlertsConfig& alerts,
                                     std::string_view default_timezone);

// Whether `status` is at least `min_status` in severity.
bool reaches(model::Status status, model::Status min_status);

// The start of the window of a matching silence that is on at `now`; empty when none is.
std::optional<core::TimePoint> silenced_since(const RoutingRules& rules, const model::Asset& root,
                                              core::TimePoint now);

struct RoutingDecision {
  std::vector<std::string> channels;
  bool silenced = false;  // a silence withheld channels the routes named
};

// `root` is the root asset as the current snapshot has it (null when it is no longer there: only
// a resolve can then be routed); `told` the channels already told of this incident.
RoutingDecision route(const RoutingRules& rules, const IncidentEvent& event,
                      const model::Asset* root, std::span<const std::string> told,
                      core::TimePoint now);

}  // namespace freshwatch::alerts
