#include "policy/evaluate.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace freshwatch::policy {
namespace {

using namespace std::chrono;
using model::Status;

core::TimePoint at(std::string_view text) {
  auto t = core::parse_timestamp(text);
  EXPECT_TRUE(t) << text;
  return t ? *t : core::TimePoint{};
}

const date::time_zone* zone(std::string_view name) {
  if (name.empty()) return nullptr;
  auto z = core::find_zone(name);
  EXPECT_TRUE(z) << name;
  return z ? *z : nullptr;
}

model::Observation changed(std::string_view when, std::string signal = "max(_loaded_at)") {
  model::Observation o;
  o.asset_key = "warehouse:db.public.orders";
  o.signal = std::move(signal);
  o.changed_at = at(when);
  return o;
}

model::Observation failed(std::string error, std::string signal = "max(_loaded_at)") {
  model::Observation o;
  o.signal = std::move(signal);
  o.error = std::move(error);
  return o;
}

model::Observation silent(std::optional<std::int64_t> rows, std::string evidence,
                          std::string signal = "pg_stat_user_tables") {
  model::Observation o;
  o.signal = std::move(signal);
  o.row_count = rows;
  o.evidence = std::move(evidence);
  return o;
}

model::Policy calendar(int warn = 1, int error = 101) {
  return {"default", model::CalendarRule{warn, error}, "built-in"};
}

model::Policy threshold(std::optional<core::Duration> warn, std::optional<core::Duration> error) {
  return {"finance", model::ThresholdRule{warn, error}, "freshwatch.yml:3:5"};
}

model::Policy deadline(std::string cron, std::string tz, core::Duration grace,
                       Status missed = Status::kError) {
  return {"tag:daily", model::DeadlineRule{std::move(cron), std::move(tz), grace, missed},
          "freshwatch.yml:9:5"};
}

struct Case {
  const char* name;
  model::Policy policy;
  std::vector<model::Observation> observations;
  const char* now;
  const char* zone;
  Status want;
  std::string reason;  // the exact reason, or a part of it when it starts with '~'
};

void run(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto ev = evaluate(c.policy, c.observations, at(c.now), zone(c.zone));
    EXPECT_EQ(model::to_string(ev.status), model::to_string(c.want)) << ev.reason;
    EXPECT_EQ(ev.policy, c.policy.name);
    if (c.reason.starts_with('~'))
      EXPECT_NE(ev.reason.find(c.reason.substr(1)), std::string::npos) << ev.reason;
    else
      EXPECT_EQ(ev.reason, c.reason);
  }
}

TEST(Evaluate, CalendarRuleCountsCalendarDaysInTheZone) {
  run({
      {"changed this morning", calendar(), {changed("2026-11-23T06:00:00Z")},
       "2026-11-23T09:00:00Z", "Europe/Berlin", Status::kFresh, "changed 3 h ago (today)"},
      // 23:59 and 00:01 local, judged at 00:30 local on the 24th (Berlin is UTC+1).
      {"23:59 local yesterday", calendar(), {changed("2026-11-23T22:59:00Z")},
       "2026-11-23T23:30:00Z", "Europe/Berlin", Status::kWarn,
       "changed 31 min ago (yesterday); warn from 1 day, error from 101 days"},
      {"00:01 local today", calendar(), {changed("2026-11-23T23:01:00Z")},
       "2026-11-23T23:30:00Z", "Europe/Berlin", Status::kFresh, "changed 29 min ago (today)"},
      // The same instants in UTC are one calendar day.
      {"23:59 Berlin is today in UTC", calendar(), {changed("2026-11-23T22:59:00Z")},
       "2026-11-23T23:30:00Z", "", Status::kFresh, "changed 31 min ago (today)"},
      {"zone to the west", calendar(), {changed("2026-11-24T01:00:00Z")},
       "2026-11-24T06:00:00Z", "America/New_York", Status::kWarn, "~(yesterday)"},
      // Spring forward: 2026-03-29 in Berlin has 23 hours. 00:01 CET to 23:00 CEST is the
      // same day although almost 22 h apart.
      {"short day, same date", calendar(), {changed("2026-03-28T23:01:00Z")},
       "2026-03-29T21:00:00Z", "Europe/Berlin", Status::kFresh, "changed 21 h 59 min ago (today)"},
      {"short day, next date", calendar(), {changed("2026-03-29T21:59:00Z")},
       "2026-03-29T22:01:00Z", "Europe/Berlin", Status::kWarn, "~(yesterday)"},
      // Fall back: 2026-10-25 has 25 hours.
      {"long day, same date", calendar(), {changed("2026-10-24T22:01:00Z")},
       "2026-10-25T22:58:00Z", "Europe/Berlin", Status::kFresh, "~(today)"},
      {"long day, next date", calendar(), {changed("2026-10-25T22:59:00Z")},
       "2026-10-25T23:01:00Z", "Europe/Berlin", Status::kWarn, "~(yesterday)"},
      {"100 days is warn", calendar(), {changed("2026-08-15T12:00:00Z")},
       "2026-11-23T12:00:00Z", "Europe/Berlin", Status::kWarn,
       "changed 100 d ago (100 calendar days ago); warn from 1 day, error from 101 days"},
      {"101 days is error", calendar(), {changed("2026-08-14T12:00:00Z")},
       "2026-11-23T12:00:00Z", "Europe/Berlin", Status::kError,
       "changed 101 d ago (101 calendar days ago); error from 101 days"},
      {"custom limits, fresh", calendar(3, 7), {changed("2026-11-21T12:00:00Z")},
       "2026-11-23T12:00:00Z", "UTC", Status::kFresh,
       "changed 2 d ago (2 calendar days ago); warn from 3 days"},
      {"custom limits, error", calendar(3, 7), {changed("2026-11-16T12:00:00Z")},
       "2026-11-23T12:00:00Z", "UTC", Status::kError, "~error from 7 days"},
  });
}

TEST(Evaluate, ThresholdRuleFollowsDbt) {
  const auto both = threshold(hours(12), hours(24));
  run({
      {"young", both, {changed("2026-11-23T00:00:00Z")}, "2026-11-23T11:00:00Z", "",
       Status::kFresh, "changed 11 h ago; warn after 12 h"},
      {"exactly warn_after is not older", both, {changed("2026-11-23T00:00:00Z")},
       "2026-11-23T12:00:00Z", "", Status::kFresh, "changed 12 h ago; warn after 12 h"},
      {"just over warn_after", both, {changed("2026-11-23T00:00:00Z")},
       "2026-11-23T12:00:00.000001Z", "", Status::kWarn,
       "changed 12 h ago; warn after 12 h, error after 1 d"},
      {"exactly error_after is warn", both, {changed("2026-11-23T00:00:00Z")},
       "2026-11-24T00:00:00Z", "", Status::kWarn, "~warn after 12 h"},
      {"over error_after", both, {changed("2026-11-20T00:00:00Z")}, "2026-11-23T00:00:00Z", "",
       Status::kError, "changed 3 d ago; error after 1 d"},
      {"only warn_after", threshold(hours(1), std::nullopt), {changed("2026-11-20T00:00:00Z")},
       "2026-11-23T00:00:00Z", "", Status::kWarn, "changed 3 d ago; warn after 1 h"},
      {"only error_after, fresh", threshold(std::nullopt, hours(48)),
       {changed("2026-11-22T00:00:00Z")}, "2026-11-23T00:00:00Z", "", Status::kFresh,
       "changed 1 d ago; error after 2 d"},
      {"only error_after, error", threshold(std::nullopt, hours(48)),
       {changed("2026-11-20T00:00:00Z")}, "2026-11-23T00:00:00Z", "", Status::kError,
       "changed 3 d ago; error after 2 d"},
      {"no limits", threshold(std::nullopt, std::nullopt), {changed("2025-01-01T00:00:00Z")},
       "2026-11-23T00:00:00Z", "", Status::kFresh, "~no limits set"},
      // Thresholds are durations: the zone and DST do not matter.
      {"across spring forward", threshold(hours(23), std::nullopt),
       {changed("2026-03-28T23:30:00Z")}, "2026-03-29T23:00:00Z", "Europe/Berlin", Status::kWarn,
       "~changed 23 h 30 min ago"},
  });
}

TEST(Evaluate, DeadlineRuleWantsAChangeSinceTheLatestOccurrence) {
  // Weekdays 06:00 Europe/Berlin, 30 minutes grace. 2026-11-23 is a Monday; 06:00 CET = 05:00Z.
  const auto weekdays = deadline("0 6 * * 1-5", "Europe/Berlin", minutes(30));
  run({
      {"within grace, Friday's change counts", weekdays, {changed("2026-11-20T05:10:00Z")},
       "2026-11-23T05:29:00Z", "UTC", Status::kFresh,
       "changed 3 d ago, since the deadline Fri 2026-11-20 06:00 Europe/Berlin"},
      {"grace over, no change since Monday 06:00", weekdays, {changed("2026-11-20T05:10:00Z")},
       "2026-11-23T05:30:00Z", "UTC", Status::kError,
       "changed 3 d ago; expected a change since Mon 2026-11-23 06:00 Europe/Berlin "
       "(+30 min grace)"},
      {"changed exactly at the deadline", weekdays, {changed("2026-11-23T05:00:00Z")},
       "2026-11-23T07:00:00Z", "UTC", Status::kFresh, "~since the deadline Mon 2026-11-23 06:00"},
      {"changed a second before", weekdays, {changed("2026-11-23T04:59:59Z")},
       "2026-11-23T07:00:00Z", "UTC", Status::kError, "~expected a change since Mon"},
      {"weekend looks back to Friday", weekdays, {changed("2026-11-20T06:00:00Z")},
       "2026-11-22T12:00:00Z", "UTC", Status::kFresh, "~Fri 2026-11-20 06:00"},
      {"missed can be warn", deadline("0 6 * * 1-5", "Europe/Berlin", minutes(30), Status::kWarn),
       {changed("2026-11-19T05:10:00Z")}, "2026-11-23T06:00:00Z", "UTC", Status::kWarn,
       "~expected a change since Mon 2026-11-23 06:00 Europe/Berlin"},
      {"summer time offset", weekdays, {changed("2026-07-01T04:10:00Z")},
       "2026-07-01T04:40:00Z", "UTC", Status::kFresh, "~Wed 2026-07-01 06:00 Europe/Berlin"},
      // 02:30 does not exist on 2026-03-29 in Berlin: the deadline is 03:00 CEST (01:00Z).
      {"deadline in the spring-forward gap, before it", deadline("30 2 * * *", "Europe/Berlin", {}),
       {changed("2026-03-28T01:40:00Z")}, "2026-03-29T00:59:00Z", "UTC", Status::kFresh,
       "~Sat 2026-03-28 02:30"},
      {"deadline in the spring-forward gap, after it", deadline("30 2 * * *", "Europe/Berlin", {}),
       {changed("2026-03-29T00:59:00Z")}, "2026-03-29T01:00:00Z", "UTC", Status::kError,
       "changed 1 min ago; expected a change since Sun 2026-03-29 03:00 Europe/Berlin"},
      // 02:30 happens twice on 2026-10-25: the deadline is the first (00:30Z).
      {"deadline in the repeated hour", deadline("30 2 * * *", "Europe/Berlin", {}),
       {changed("2026-10-25T00:40:00Z")}, "2026-10-25T01:40:00Z", "UTC", Status::kFresh,
       "~Sun 2026-10-25 02:30 Europe/Berlin"},
      {"deadline zone differs from the display zone", deadline("0 9 * * *", "America/New_York", {}),
       {changed("2026-11-23T13:30:00Z")}, "2026-11-23T15:00:00Z", "Europe/Berlin", Status::kError,
       "~since Mon 2026-11-23 09:00 America/New_York"},
      {"bad cron", deadline("0 25 * * *", "UTC", {}), {changed("2026-11-23T00:00:00Z")},
       "2026-11-23T12:00:00Z", "UTC", Status::kUnknown, "~hour: 25 is out of range 0-23"},
      {"bad zone", deadline("0 6 * * *", "Mars/Olympus", {}), {changed("2026-11-23T00:00:00Z")},
       "2026-11-23T12:00:00Z", "UTC", Status::kUnknown, "~unknown time zone 'Mars/Olympus'"},
  });
}

TEST(Evaluate, FutureTimestampsAreAgeZeroAndSaySo) {
  const char* skew = "~timestamp is 5 min in the future (clock skew?)";
  run({
      {"calendar", calendar(), {changed("2026-11-23T12:05:00Z")}, "2026-11-23T12:00:00Z",
       "Europe/Berlin", Status::kFresh, skew},
      {"calendar, tomorrow locally", calendar(), {changed("2026-11-23T23:05:00Z")},
       "2026-11-23T22:55:00Z", "Europe/Berlin", Status::kFresh, "~(today)"},
      {"threshold", threshold(hours(1), hours(2)), {changed("2026-11-23T12:05:00Z")},
       "2026-11-23T12:00:00Z", "", Status::kFresh, skew},
      {"deadline", deadline("0 6 * * *", "UTC", {}), {changed("2026-11-23T12:05:00Z")},
       "2026-11-23T12:00:00Z", "", Status::kFresh, skew},
  });
  const auto ev = evaluate(calendar(), std::vector{changed("2026-11-23T12:05:00Z")},
                           at("2026-11-23T12:00:00Z"), nullptr);
  EXPECT_EQ(ev.age, core::Duration{0});
  EXPECT_EQ(ev.changed_at, at("2026-11-23T12:05:00Z"));
}

TEST(Evaluate, MissingDataIsNeverFresh) {
  for (const auto& policy : {calendar(), threshold(hours(1), std::nullopt),
                             deadline("0 6 * * *", "UTC", minutes(5))}) {
    run({
        {"no observations", policy, {}, "2026-11-23T12:00:00Z", "", Status::kUnknown,
         "no data yet"},
        {"empty table", policy, {silent(0, "max(_loaded_at) is null")}, "2026-11-23T12:00:00Z",
         "", Status::kUnknown, "table is empty"},
        {"counter first seen", policy,
         {silent(120, "first reading of the change counters; waiting for a change")},
         "2026-11-23T12:00:00Z", "", Status::kUnknown,
         "no change time yet: first reading of the change counters; waiting for a change"},
        {"no evidence", policy, {silent(std::nullopt, "")}, "2026-11-23T12:00:00Z", "",
         Status::kUnknown, "pg_stat_user_tables cannot tell when the data last changed"},
        {"failed read", policy, {failed("relation \"orders\" does not exist")},
         "2026-11-23T12:00:00Z", "", Status::kUnknown,
         "could not read: relation \"orders\" does not exist"},
        {"empty beats a failure", policy,
         {failed("timeout after 30 s"), silent(0, "", "max(_loaded_at)")},
         "2026-11-23T12:00:00Z", "", Status::kUnknown, "table is empty"},
    });
  }
}

TEST(Evaluate, FailedReadNamesTheLatestError) {
  auto older = failed("connection refused", "a");
  older.observed_at = at("2026-11-23T10:00:00Z");
  auto newer = failed("password authentication failed", "b");
  newer.observed_at = at("2026-11-23T11:00:00Z");
  const auto ev = evaluate(calendar(), std::vector{older, newer}, at("2026-11-23T12:00:00Z"), nullptr);
  EXPECT_EQ(ev.status, Status::kUnknown);
  EXPECT_EQ(ev.error, "password authentication failed");
  EXPECT_EQ(ev.signal, "b");
  EXPECT_FALSE(ev.changed_at);
}

TEST(Evaluate, LatestChangeAcrossSignalsDecides) {
  const std::vector obs = {
      changed("2026-11-20T00:00:00Z", "information_schema.tables.update_time"),
      changed("2026-11-23T08:00:00Z", "dbt_source_freshness"),
      failed("permission denied for table orders", "max(_loaded_at)"),
      silent(0, "", "pg_stat_user_tables"),
      changed("2026-11-22T00:00:00Z", "dbt_run"),
  };
  const auto ev = evaluate(calendar(), obs, at("2026-11-23T12:00:00Z"), nullptr);
  EXPECT_EQ(ev.status, Status::kFresh);
  EXPECT_EQ(ev.signal, "dbt_source_freshness");
  EXPECT_EQ(ev.changed_at, at("2026-11-23T08:00:00Z"));
  EXPECT_EQ(ev.age, hours(4));
  EXPECT_TRUE(ev.error.empty());
  EXPECT_EQ(deciding_observation(obs), 1);

  // A failed observation's stale changed_at never decides.
  auto broken = changed("2026-11-23T11:00:00Z", "max(_loaded_at)");
  broken.error = "timeout";
  const std::vector two = {changed("2026-11-01T00:00:00Z", "dbt_run"), broken};
  EXPECT_EQ(deciding_observation(two), 0);
  EXPECT_EQ(evaluate(calendar(), two, at("2026-11-23T12:00:00Z"), nullptr).status, Status::kWarn);
}

TEST(Evaluate, DeadlineCacheFollowsNow) {
  // The same policy judged at different moments on one thread gives the right deadline each time.
  const auto policy = deadline("0 6 * * *", "UTC", {});
  const std::vector obs = {changed("2026-11-23T07:00:00Z")};
  EXPECT_EQ(evaluate(policy, obs, at("2026-11-23T12:00:00Z"), nullptr).status, Status::kFresh);
  EXPECT_EQ(evaluate(policy, obs, at("2026-11-24T06:00:00Z"), nullptr).status, Status::kError);
  EXPECT_EQ(evaluate(policy, obs, at("2026-11-23T12:00:00Z"), nullptr).status, Status::kFresh);
}

}  // namespace
}  // namespace freshwatch::policy
