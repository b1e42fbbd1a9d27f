#include "alerts/routing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerts/test_util.h"
#include "core/time.h"

namespace freshwatch::alerts {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using model::Status;

model::Selector sel(std::string_view text) {
  auto s = model::parse_selector(text);
  EXPECT_TRUE(s) << text;
  return *s;
}

core::TimePoint utc(std::string_view text) {
  auto t = core::parse_timestamp(text);
  EXPECT_TRUE(t) << text;
  return *t;
}

model::Asset asset(std::string key, std::vector<std::string> tags = {}) {
  model::Asset a;
  a.key = std::move(key);
  a.connection = std::string(model::key_connection(a.key));
  a.tags = std::move(tags);
  return a;
}

IncidentEvent event(EventType type, Status status) {
  return IncidentEvent{.incident_id = "w:a@1", .type = type, .status = status};
}

config::AlertsConfig routes_config() {
  config::AlertsConfig c;
  c.routes = {
      {.select = sel("tag:critical"), .channels = {"oncall"}, .min_status = Status::kError},
      {.select = sel("*"), .channels = {"data-team", "hooks"}},
      {.select = sel("warehouse:*"), .channels = {"hooks", "wh"}, .min_status = Status::kUnknown},
  };
  return c;
}

struct RouteCase {
  std::string name;
  std::vector<std::string> tags;
  std::string key;
  EventType type;
  Status status;
  std::vector<std::string> told;
  std::vector<std::string> channels;
};
void PrintTo(const RouteCase& c, std::ostream* os) { *os << c.name; }


const std::vector<RouteCase> kRouteCases = {
    {"warn skips routes that need error", {"critical"}, "dbt:m", EventType::kOpened, Status::kWarn, {},
     {"data-team", "hooks"}},
    {"error reaches every matching route", {"critical"}, "dbt:m", EventType::kOpened, Status::kError, {},
     {"oncall", "data-team", "hooks"}},
    {"unknown reaches only min_status unknown", {"critical"}, "warehouse:a", EventType::kOpened,
     Status::kUnknown, {}, {"hooks", "wh"}},
    {"each channel once, in declared order", {}, "warehouse:a", EventType::kUpdated, Status::kWarn, {},
     {"data-team", "hooks", "wh"}},
    {"reminders route like updates", {"critical"}, "dbt:m", EventType::kReminder, Status::kError, {},
     {"oncall", "data-team", "hooks"}},
    {"fresh reaches nothing", {}, "dbt:m", EventType::kUpdated, Status::kFresh, {}, {}},
    {"a resolve goes to the channels told", {"critical"}, "dbt:m", EventType::kResolved, Status::kFresh,
     {"data-team", "oncall", "data-team"}, {"data-team", "oncall"}},
    {"a resolve nobody was told of goes nowhere", {}, "dbt:m", EventType::kResolved, Status::kFresh, {}, {}},
};

class RouteTable : public ::testing::TestWithParam<RouteCase> {};

TEST_P(RouteTable, Channels) {
  const auto& c = GetParam();
  auto rules = compile_routing(routes_config(), "UTC");
  ASSERT_TRUE(rules);
  const auto root = asset(c.key, c.tags);
  const auto d = route(*rules, event(c.type, c.status), &root, c.told, utc("2026-03-02T12:00:00Z"));
  EXPECT_EQ(d.channels, c.channels);
  EXPECT_FALSE(d.silenced);
}

INSTANTIATE_TEST_SUITE_P(Routing, RouteTable, ::testing::ValuesIn(kRouteCases), [](const auto& info) {
  std::string name;
  for (char ch : info.param.name) name += std::isalnum(ch) ? ch : '_';
  return name;
});

TEST(Routing, Reaches) {
  EXPECT_TRUE(reaches(Status::kError, Status::kWarn));
  EXPECT_TRUE(reaches(Status::kWarn, Status::kWarn));
  EXPECT_FALSE(reaches(Status::kUnknown, Status::kWarn));
  EXPECT_TRUE(reaches(Status::kUnknown, Status::kUnknown));
  EXPECT_TRUE(reaches(Status::kWarn, Status::kUnknown));
  EXPECT_FALSE(reaches(Status::kFresh, Status::kUnknown));
  EXPECT_FALSE(reaches(Status::kWarn, Status::kError));
}

TEST(Routing, RootNoLongerKnownGetsOnlyItsResolve) {
  auto rules = compile_routing(routes_config(), "UTC");
  ASSERT_TRUE(rules);
  const std::vector<std::string> told = {"hooks"};
  const auto now = utc("2026-03-02T12:00:00Z");
  EXPECT_THAT(route(*rules, event(EventType::kUpdated, Status::kError), nullptr, told, now).channels,
              IsEmpty());
  EXPECT_THAT(route(*rules, event(EventType::kResolved, Status::kError), nullptr, told, now).channels,
              ElementsAre("hooks"));
}

struct SilenceCase {
  std::string name;
  std::string cron, timezone;
  core::Duration duration;
  std::string now;
  bool silenced;
};
void PrintTo(const SilenceCase& c, std::ostream* os) { *os << c.name; }


using std::chrono::hours;
using std::chrono::minutes;

const std::vector<SilenceCase> kSilenceCases = {
    // 23:00 Berlin is 22:00Z in winter (CET); the window runs to 01:00Z the next day.
    {"before the window", "0 23 * * *", "Europe/Berlin", hours(3), "2026-03-02T21:59:59Z", false},
    {"at its start", "0 23 * * *", "Europe/Berlin", hours(3), "2026-03-02T22:00:00Z", true},
    {"across midnight UTC", "0 23 * * *", "Europe/Berlin", hours(3), "2026-03-03T00:30:00Z", true},
    {"at its end", "0 23 * * *", "Europe/Berlin", hours(3), "2026-03-03T01:00:00Z", false},
    // In summer (CEST) the same cron starts an hour earlier in UTC.
    {"summer time start", "0 23 * * *", "Europe/Berlin", hours(3), "2026-07-01T21:00:00Z", true},
    {"summer time end", "0 23 * * *", "Europe/Berlin", hours(3), "2026-07-02T00:00:00Z", false},
    // No timezone: the top-level one (America/New_York, EST in early March).
    {"top-level zone", "0 2 * * *", "", hours(2), "2026-03-02T07:30:00Z", true},
    {"top-level zone, not UTC", "0 2 * * *", "", hours(2), "2026-03-02T02:30:00Z", false},
    {"weekday windows", "30 22 * * MON-FRI", "UTC", minutes(90), "2026-03-07T23:00:00Z", false},
    {"weekday window over midnight", "30 22 * * MON-FRI", "UTC", minutes(90), "2026-03-06T23:59:00Z",
     true},
    {"a window longer than its period", "0 * * * *", "UTC", hours(2), "2026-03-02T05:10:00Z", true},
};

class SilenceTable : public ::testing::TestWithParam<SilenceCase> {};

TEST_P(SilenceTable, Window) {
  const auto& c = GetParam();
  config::AlertsConfig cfg = routes_config();
  cfg.silences = {{.select = sel("warehouse:analytics.staging.*"), .cron = c.cron, .duration = c.duration,
                   .timezone = c.timezone}};
  auto rules = compile_routing(cfg, "America/New_York");
  ASSERT_TRUE(rules) << rules.error().message;
  const auto now = utc(c.now);
  const auto staged = asset("warehouse:analytics.staging.orders");
  const auto other = asset("warehouse:analytics.public.orders");

  EXPECT_EQ(silenced_since(*rules, staged, now).has_value(), c.silenced);
  const auto d = route(*rules, event(EventType::kOpened, Status::kError), &staged, {}, now);
  EXPECT_EQ(d.silenced, c.silenced);
  EXPECT_EQ(d.channels.empty(), c.silenced);
  // Only matching roots are silenced; a resolve always reaches those told.
  EXPECT_FALSE(route(*rules, event(EventType::kOpened, Status::kError), &other, {}, now).silenced);
  const std::vector<std::string> told = {"hooks"};
  EXPECT_THAT(route(*rules, event(EventType::kResolved, Status::kFresh), &staged, told, now).channels,
              ElementsAre("hooks"));
}

INSTANTIATE_TEST_SUITE_P(Routing, SilenceTable, ::testing::ValuesIn(kSilenceCases), [](const auto& info) {
  std::string name;
  for (char ch : info.param.name) name += std::isalnum(ch) ? ch : '_';
  return name;
});

TEST(Routing, SilenceStartIsTheWindowsStart) {
  config::AlertsConfig cfg;
  cfg.silences = {{.select = sel("*"), .cron = "0 23 * * *", .duration = hours(3), .timezone = "Europe/Berlin"}};
  auto rules = compile_routing(cfg, "UTC");
  ASSERT_TRUE(rules);
  EXPECT_EQ(silenced_since(*rules, asset("w:a"), utc("2026-03-03T00:30:00Z")), utc("2026-03-02T22:00:00Z"));
}

TEST(Routing, CompileReportsBadSilences) {
  config::AlertsConfig cfg;
  cfg.silences = {{.select = sel("*"), .cron = "0 25 * * *", .duration = hours(1),
                   .location = {.file = "freshwatch.yml", .line = 12, .column = 7}}};
  auto bad_cron = compile_routing(cfg, "UTC");
  ASSERT_FALSE(bad_cron);
  EXPECT_THAT(bad_cron.error().message, HasSubstr("freshwatch.yml:12:7"));
  EXPECT_THAT(bad_cron.error().message, HasSubstr("hour"));

  cfg.silences[0].cron = "0 2 * * *";
  cfg.silences[0].timezone = "Mars/Olympus";
  auto bad_zone = compile_routing(cfg, "UTC");
  ASSERT_FALSE(bad_zone);
  EXPECT_THAT(bad_zone.error().message, HasSubstr("Mars/Olympus"));

  cfg.silences[0].timezone = "UTC";
  cfg.silences[0].duration = {};
  auto no_duration = compile_routing(cfg, "UTC");
  ASSERT_FALSE(no_duration);
  EXPECT_THAT(no_duration.error().message, HasSubstr("duration"));
}

}  // namespace
}  // namespace freshwatch::alerts
