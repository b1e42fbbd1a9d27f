// freshwatch incidents list|ack|snooze and freshwatch alerts test: the incidents kept in the
// store (docs/alerts.md), and a test notification through one configured channel.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "alerts/channels/channel.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "core/time.h"

namespace freshwatch::cli {
namespace {

struct IncidentOptions {
  std::string config = "freshwatch.yml";
  std::string id;
  std::string state = "open";
  std::string until;       // snooze: a time
  std::string for_period;  // snooze: a duration from now
  std::string channel;     // alerts test
};

Result<std::unique_ptr<store::Store>> store_of(const std::string& path) {
  auto config = load_config(path);
  if (!config) return fail(ErrorCode::kInvalidArgument, "");  // load_config printed why
  return open_store(*config);
}

int report(const Error& e) {
  if (!e.message.empty()) fmt::print(stderr, "freshwatch: {}\n", e.message);
  return e.code == ErrorCode::kNotFound || e.code == ErrorCode::kInvalidArgument ? kExitUsage
                                                                                  : kExitFailOn;
}

int run_list(const IncidentOptions& o) {
  auto store = store_of(o.config);
  if (!store) return report(store.error());
  store::IncidentFilter filter;
  if (o.state == "open") filter.state = store::IncidentState::kOpen;
  else if (o.state == "resolved") filter.state = store::IncidentState::kResolved;
  auto list = (*store)->incidents(filter);
  if (!list) return report(list.error());
  if (list->empty()) fmt::print("no {} incidents\n", o.state == "any" ? "" : o.state);
  for (const auto& i : *list) {
    fmt::print("{}  {:<7} {:<7} since {}  {} impacted{}{}\n  {}\n", i.id,
               model::to_string(i.root.status), alerts::to_string(i.kind),
               core::format_timestamp(i.opened_at), i.impacted.size(),
               i.resolved_at ? fmt::format(", resolved {}", core::format_timestamp(*i.resolved_at))
                             : "",
               i.acknowledged_at ? ", acknowledged" : "", i.root.reason);
  }
  return kExitOk;
}

int run_ack(const IncidentOptions& o) {
  auto store = store_of(o.config);
  if (!store) return report(store.error());
  if (auto done = (*store)->acknowledge(o.id, core::SystemClock().now()); !done)
    return report(done.error());
  fmt::print("incident {} acknowledged: no more reminders\n", o.id);
  return kExitOk;
}

int run_snooze(const IncidentOptions& o) {
  const core::TimePoint now = core::SystemClock().now();
  core::TimePoint until{};
  if (!o.until.empty() == !o.for_period.empty()) {
    fmt::print(stderr, "freshwatch: give either --until TIME or --for DURATION\n");
    return kExitUsage;
  }
  if (!o.until.empty()) {
    auto t = core::parse_timestamp(o.until);
    if (!t) return report(Error{ErrorCode::kInvalidArgument,
                                fmt::format("--until: '{}' is not an ISO 8601 time", o.until)});
    until = *t;
  } else {
    auto d = core::parse_duration(o.for_period);
    if (!d) return report(d.error());
    until = now + *d;
  }
  auto store = store_of(o.config);
  if (!store) return report(store.error());
  if (auto done = (*store)->snooze(o.id, until); !done) return report(done.error());
  fmt::print("incident {} snoozed until {}\n", o.id, core::format_timestamp(until));
  return kExitOk;
}

int run_alerts_test(const IncidentOptions& o) {
  auto config = load_config(o.config);
  if (!config) return kExitUsage;
  const config::ChannelConfig* channel_config = nullptr;
  for (const auto& c : config->alerts.channels)
    if (c.name == o.channel) channel_config = &c;
  if (!channel_config) {
    fmt::print(stderr, "freshwatch: no alert channel '{}' in {}\n", o.channel, o.config);
    return kExitUsage;
  }
  auto channel = alerts::channels::make_channel(*channel_config);
  if (!channel) return report(channel.error());
  const core::TimePoint now = core::SystemClock().now();
  alerts::Notification n;
  n.channel = o.channel;
  n.delivery_id = fmt::format("test/{}/{}", o.channel, now.time_since_epoch().count());
  n.incident.id = fmt::format("test@{}", now.time_since_epoch().count());
  n.incident.root = {.key = "freshwatch:test",
                     .name = "freshwatch test notification",
                     .owner = "",
                     .reason = "a test sent by `freshwatch alerts test`; nothing is stale",
                     .status = model::Status::kWarn,
                     .changed_at = now};
  n.incident.opened_at = now;
  n.event = {.incident_id = n.incident.id, .type = alerts::EventType::kOpened, .at = now,
             .status = model::Status::kWarn};
  auto outcome = (*channel)->deliver(n);
  if (!outcome) {
    fmt::print(stderr, "freshwatch: channel '{}': {}\n", o.channel, outcome.error().message);
    return kExitFailOn;
  }
  fmt::print("channel '{}' answered {}{}{}\n", o.channel, outcome->status,
             outcome->answer.empty() ? "" : ": ", outcome->answer);
  return outcome->delivered() ? kExitOk : kExitFailOn;
}

}  // namespace

void add_incidents(CLI::App& app, int& exit_code) {
  auto* incidents = app.add_subcommand("incidents", "List, acknowledge and snooze incidents");
  incidents->require_subcommand(1);
  auto o = std::make_shared<IncidentOptions>();
  auto run = [&exit_code, o](int (*f)(const IncidentOptions&)) {
    return [&exit_code, o, f] {
      start_logging("warn");
      exit_code = f(*o);
    };
  };
  auto* list = incidents->add_subcommand("list", "Incidents, open ones first");
  list->add_option("--state", o->state, "open, resolved or any")
      ->check(CLI::IsMember({"open", "resolved", "any"}))
      ->capture_default_str();
  auto* ack = incidents->add_subcommand("ack", "Acknowledge an incident: no more reminders");
  ack->add_option("id", o->id, "The incident's id (from `incidents list`)")->required();
  auto* snooze = incidents->add_subcommand("snooze", "No reminders of an incident for a while");
  snooze->add_option("id", o->id, "The incident's id")->required();
  snooze->add_option("--until", o->until, "ISO 8601 time, e.g. 2026-12-03T09:00:00Z");
  snooze->add_option("--for", o->for_period, "a duration from now, e.g. 4h");
  for (auto* cmd : {list, ack, snooze})
    cmd->add_option("-c,--config", o->config, "Configuration file")->capture_default_str();
  list->callback(run(run_list));
  ack->callback(run(run_ack));
  snooze->callback(run(run_snooze));

  auto* alerts = app.add_subcommand("alerts", "Alert channels");
  alerts->require_subcommand(1);
  auto* test = alerts->add_subcommand("test", "Send a test notification through a channel");
  test->add_option("channel", o->channel, "The channel's name (alerts.channels)")->required();
  test->add_option("-c,--config", o->config, "Configuration file")->capture_default_str();
  test->callback(run(run_alerts_test));
}

}  // namespace freshwatch::cli
