#include "policy/evaluate.h"

#include <optional>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "core/cron.h"
#include "core/time.h"

namespace freshwatch::policy {
namespace {

using model::Evaluation;
using model::Observation;
using model::Status;

std::string days_phrase(long long n) { return n == 1 ? "1 day" : fmt::format("{} days", n); }

// What the rule sees: the deciding change time and its age, clamped at zero.
struct Change {
  core::TimePoint at;
  core::Duration age;
  std::string phrase;  // "changed 3 h ago", or a note about a timestamp in the future
};

Change describe_change(core::TimePoint changed_at, core::TimePoint now) {
  if (changed_at > now)
    return {changed_at, core::Duration{0},
            fmt::format("timestamp is {} in the future (clock skew?), judged as just changed",
                        core::format_age(changed_at - now))};
  return {changed_at, now - changed_at,
          fmt::format("changed {} ago", core::format_age(now - changed_at))};
}

date::local_days local_day(core::TimePoint t, const date::time_zone* tz) {
  if (!tz) return date::local_days(std::chrono::floor<date::days>(t.time_since_epoch()));
  return std::chrono::floor<date::days>(tz->to_local(t));
}

void judge(const model::CalendarRule& rule, const Change& change, core::TimePoint now,
           const date::time_zone* tz, Evaluation& ev) {
  const long long days =
      change.age.count() == 0 ? 0 : (local_day(now, tz) - local_day(change.at, tz)).count();
  const std::string when = days == 0   ? "today"
                           : days == 1 ? "yesterday"
                                       : fmt::format("{} calendar days ago", days);
  if (days >= rule.error_after_days) {
    ev.status = Status::kError;
    ev.reason = fmt::format("{} ({}); error from {}", change.phrase, when,
                            days_phrase(rule.error_after_days));
  } else if (days >= rule.warn_after_days) {
    ev.status = Status::kWarn;
    ev.reason = fmt::format("{} ({}); warn from {}, error from {}", change.phrase, when,
                            days_phrase(rule.warn_after_days), days_phrase(rule.error_after_days));
  } else {
    ev.status = Status::kFresh;
    ev.reason = rule.warn_after_days == 1
                    ? fmt::format("{} ({})", change.phrase, when)
                    : fmt::format("{} ({}); warn from {}", change.phrase, when,
                                  days_phrase(rule.warn_after_days));
  }
}

void judge(const model::ThresholdRule& rule, const Change& change, Evaluation& ev) {
  if (rule.error_after && change.age > *rule.error_after) {
    ev.status = Status::kError;
    ev.reason =
        fmt::format("{}; error after {}", change.phrase, core::format_age(*rule.error_after));
  } else if (rule.warn_after && change.age > *rule.warn_after) {
    ev.status = Status::kWarn;
    ev.reason = fmt::format("{}; warn after {}", change.phrase, core::format_age(*rule.warn_after));
    if (rule.error_after)
      ev.reason += fmt::format(", error after {}", core::format_age(*rule.error_after));
  } else {
    ev.status = Status::kFresh;
    if (rule.warn_after)
      ev.reason = fmt::format("{}; warn after {}", change.phrase, core::format_age(*rule.warn_after));
    else if (rule.error_after)
      ev.reason =
          fmt::format("{}; error after {}", change.phrase, core::format_age(*rule.error_after));
    else
      ev.reason = fmt::format("{}; no limits set", change.phrase);
  }
}

// A parsed deadline rule and its latest answer, cached per thread: one policy typically judges
// thousands of assets at the same `now`.
struct Deadline {
  std::optional<core::CronSchedule> schedule;
  const date::time_zone* zone = nullptr;
  std::string error;
  std::optional<core::TimePoint> asked;
  std::optional<core::TimePoint> answer;
};

Deadline& compile(const model::DeadlineRule& rule, const date::time_zone* fallback_zone) {
  thread_local std::unordered_map<std::string, Deadline> cache;
  std::string key = rule.cron;
  key += '\x1f';
  key += rule.timezone;
  key += '\x1f';
  key += fallback_zone ? fallback_zone->name() : std::string();
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  if (cache.size() > 1024) cache.clear();
  Deadline d;
  if (auto s = core::CronSchedule::parse(rule.cron)) {
    d.schedule = std::move(*s);
  } else {
    d.error = s.error().message;
  }
  if (rule.timezone.empty()) {
    d.zone = fallback_zone;
  } else if (auto z = core::find_zone(rule.timezone)) {
    d.zone = *z;
  } else if (d.error.empty()) {
    d.error = z.error().message;
  }
  return cache.emplace(std::move(key), std::move(d)).first->second;
}

std::string format_local(core::TimePoint t, const date::time_zone* tz) {
  const auto secs = std::chrono::floor<std::chrono::minutes>(t);
  if (!tz) return date::format("%a %F %R UTC", secs);
  return fmt::format("{} {}", date::format("%a %F %R", date::make_zoned(tz, secs)), tz->name());
}

void judge(const model::DeadlineRule& rule, const Change& change, core::TimePoint now,
           const date::time_zone* tz, Evaluation& ev) {
  Deadline& d = compile(rule, tz);
  if (!d.error.empty()) {
    ev.status = Status::kUnknown;
    ev.error = fmt::format("policy '{}': {}", ev.policy, d.error);
    ev.reason = fmt::format("{}; the deadline cannot be judged: {}", change.phrase, d.error);
    return;
  }
  if (!d.asked || *d.asked != now) {
    d.asked = now;
    d.answer = d.schedule->latest_at_or_before(now - rule.grace, d.zone);
  }
  if (!d.answer) {
    ev.status = Status::kFresh;
    ev.reason = fmt::format("{}; no deadline has passed yet", change.phrase);
    return;
  }
  const std::string grace =
      rule.grace.count() > 0 ? fmt::format(" (+{} grace)", core::format_age(rule.grace)) : "";
  const std::string deadline = format_local(*d.answer, d.zone);
  if (change.at >= *d.answer) {
    ev.status = Status::kFresh;
    ev.reason = fmt::format("{}, since the deadline {}", change.phrase, deadline);
  } else {
    ev.status = rule.missed;
    ev.reason =
        fmt::format("{}; expected a change since {}{}", change.phrase, deadline, grace);
  }
}

}  // namespace

int deciding_observation(std::span<const Observation> observations) {
  int best = -1;
  for (std::size_t i = 0; i < observations.size(); ++i) {
    const auto& o = observations[i];
    if (!o.ok() || !o.changed_at) continue;
    if (best < 0 || *o.changed_at > *observations[best].changed_at) best = static_cast<int>(i);
  }
  return best;
}

Evaluation evaluate(const model::Policy& policy, std::span<const Observation> observations,
                    core::TimePoint now, const date::time_zone* tz) {
  Evaluation ev;
  ev.policy = policy.name;
  ev.status = Status::kUnknown;

  const int decider = deciding_observation(observations);
  if (decider < 0) {
    if (observations.empty()) {
      ev.reason = "no data yet";
      return ev;
    }
    // Successful readings that cannot tell a change time explain more than failures do.
    const Observation* silent = nullptr;
    const Observation* failed = nullptr;
    for (const auto& o : observations) {
      if (o.ok()) {
        if (!silent || (o.row_count == 0 && silent->row_count != 0)) silent = &o;
      } else if (!failed || o.observed_at > failed->observed_at) {
        failed = &o;
      }
    }
    if (silent) {
      ev.signal = silent->signal;
      if (silent->row_count == 0)
        ev.reason = "table is empty";
      else if (!silent->evidence.empty())
        ev.reason = fmt::format("no change time yet: {}", silent->evidence);
      else
        ev.reason = fmt::format("{} cannot tell when the data last changed", silent->signal);
      return ev;
    }
    ev.signal = failed->signal;
    ev.error = failed->error;
    ev.reason = fmt::format("could not read: {}", failed->error);
    return ev;
  }

  const Observation& o = observations[decider];
  ev.signal = o.signal;
  ev.changed_at = o.changed_at;
  const Change change = describe_change(*o.changed_at, now);
  ev.age = change.age;
  std::visit(
      [&](const auto& rule) {
        using R = std::decay_t<decltype(rule)>;
        if constexpr (std::is_same_v<R, model::CalendarRule>)
          judge(rule, change, now, tz, ev);
        else if constexpr (std::is_same_v<R, model::ThresholdRule>)
          judge(rule, change, ev);
        else
          judge(rule, change, now, tz, ev);
      },
      policy.rule);
  return ev;
}

}  // namespace freshwatch::policy
