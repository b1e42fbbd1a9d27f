// Policy: how fresh an asset must be. One of three rules:
//   CalendarRule  (the default) fresh when the data changed today in the configured time zone,
//                 warn when it last changed 1 to 100 calendar days ago, error when longer ago.
//   ThresholdRule dbt-style warn_after / error_after ages.
//   DeadlineRule  the data must have changed since the latest occurrence of a cron schedule in a
//                 time zone, plus a grace period ("weekdays 06:00 Europe/Berlin, 30 min grace").
// Policies attach to assets through selectors (see model/selector.h); evaluation lives in
// policy/ as a pure function.
//
// Thread contract: plain values.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "core/clock.h"
#include "model/status.h"

namespace freshwatch::model {

struct CalendarRule {
  int warn_after_days = 1;    // calendar days since the change at which the asset turns warn
  int error_after_days = 101; // ... and error ("longer ago than 100 days")
  bool operator==(const CalendarRule&) const = default;
};

struct ThresholdRule {
  std::optional<core::Duration> warn_after;
  std::optional<core::Duration> error_after;
  bool operator==(const ThresholdRule&) const = default;
};

struct DeadlineRule {
  std::string cron;             // five fields: minute hour day-of-month month day-of-week
  std::string timezone = "UTC"; // IANA zone the cron schedule is read in
  core::Duration grace{0};
  Status missed = Status::kError;  // the status when the deadline passed without a change
  bool operator==(const DeadlineRule&) const = default;
};

using Rule = std::variant<CalendarRule, ThresholdRule, DeadlineRule>;

struct Policy {
  std::string name;    // "default", or the selector it was configured under
  Rule rule = CalendarRule{};
  std::string origin;  // where it was defined: "freshwatch.yml:14:5", "dbt sources.json", "built-in"
  bool operator==(const Policy&) const = default;
};

// The verdict on one asset at one moment, and why.
struct Evaluation {
  Status status = Status::kUnknown;
  std::string policy;                        // name of the policy that judged
  std::string reason;                        // "changed 3 d ago; warn after 1 d"
  std::optional<core::TimePoint> changed_at; // the deciding change time
  std::optional<core::Duration> age;         // now - changed_at
  std::string signal;                        // the signal that decided
  std::string error;                         // the collection error behind an unknown status
  bool operator==(const Evaluation&) const = default;
};

}  // namespace freshwatch::model
