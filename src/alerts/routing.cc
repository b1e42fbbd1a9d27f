#include "alerts/routing.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/time.h"

namespace freshwatch::alerts {
namespace {

std::string where(const config::Location& at) {
  if (at.file.empty()) return "alerts.silences";
  return fmt::format("{}:{}:{}", at.file, at.line, at.column);
}

void add_once(std::vector<std::string>& out, const std::string& channel) {
  if (std::find(out.begin(), out.end(), channel) == out.end()) out.push_back(channel);
}

}  // namespace

Result<RoutingRules> compile_routing(const config::AlertsConfig& alerts,
                                     std::string_view default_timezone) {
  RoutingRules rules;
  rules.routes = alerts.routes;
  for (const auto& s : alerts.silences) {
    auto cron = core::CronSchedule::parse(s.cron);
    if (!cron) return std::unexpected(cron.error().with_context(where(s.location)));
    auto zone = core::find_zone(s.timezone.empty() ? default_timezone : s.timezone);
    if (!zone) return std::unexpected(zone.error().with_context(where(s.location)));
    if (s.duration <= core::Duration::zero())
      return fail(ErrorCode::kInvalidArgument, "{}: a silence's duration must be positive",
                  where(s.location));
    rules.silences.push_back(
        Silence{.select = s.select, .cron = *std::move(cron), .duration = s.duration, .zone = *zone});
  }
  return rules;
}

bool reaches(model::Status status, model::Status min_status) {
  return model::severity(status) >= model::severity(min_status);
}

std::optional<core::TimePoint> silenced_since(const RoutingRules& rules, const model::Asset& root,
                                              core::TimePoint now) {
  std::optional<core::TimePoint> since;
  for (const auto& s : rules.silences) {
    if (!model::matches(s.select, root)) continue;
    const auto start = s.cron.latest_at_or_before(now, s.zone);
    if (start && now < *start + s.duration && (!since || *start < *since)) since = start;
  }
  return since;
}

RoutingDecision route(const RoutingRules& rules, const IncidentEvent& event,
                      const model::Asset* root, std::span<const std::string> told,
                      core::TimePoint now) {
  RoutingDecision decision;
  if (event.type == EventType::kResolved) {
    for (const auto& channel : told) add_once(decision.channels, channel);
    return decision;
  }
  if (root == nullptr) return decision;
  for (const auto& r : rules.routes) {
    if (!model::matches(r.select, *root) || !reaches(event.status, r.min_status)) continue;
    for (const auto& channel : r.channels) add_once(decision.channels, channel);
  }
  if (!decision.channels.empty() && silenced_since(rules, *root, now)) {
    decision.channels.clear();
    decision.silenced = true;
  }
  return decision;
}

}  // namespace freshwatch::alerts
