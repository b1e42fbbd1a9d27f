// Policy evaluation: the verdict on one asset from its latest observations, a policy and the
// current time. Pure: no I/O, no clock; the same inputs always give the same Evaluation.
//
// Which observation decides:
//   - none at all                       -> unknown, "no data yet" (never fresh);
//   - every observation failed          -> unknown, naming the most recent error;
//   - successful ones, none with a change time (an empty table, a change counter seen for the
//     first time)                       -> unknown, saying why ("table is empty", or the
//                                          observation's evidence);
//   - otherwise the successful observation with the latest changed_at decides (its signal is
//     named); failed signals beside it do not change the verdict.
// A change time in the future (clock skew between systems) is judged as age 0 and the reason
// says so.
//
// How each rule judges (docs/policies.md has examples):
//   CalendarRule  calendar days between the change and now in `tz` (UTC when null):
//                 >= error_after_days -> error, >= warn_after_days -> warn, else fresh.
//   ThresholdRule dbt semantics: age > error_after -> error, else age > warn_after -> warn,
//                 else fresh; either limit may be absent.
//   DeadlineRule  o = the latest occurrence of the cron schedule (in the rule's own zone) with
//                 o + grace <= now: fresh when the data changed at or after o, else the rule's
//                 `missed` status. Before any deadline has passed, data counts as fresh. A cron
//                 expression or zone that cannot be read gives unknown with the error.
//
// Thread contract: evaluate() may be called from any number of threads at once (parsed cron
// schedules are cached per thread).
#pragma once

#include <span>

#include <date/tz.h>

#include "core/clock.h"
#include "model/observation.h"
#include "model/policy.h"

namespace freshwatch::policy {

model::Evaluation evaluate(const model::Policy& policy,
                           std::span<const model::Observation> observations, core::TimePoint now,
                           const date::time_zone* tz);

// The index of the observation that decides (see above), or -1 when none carries a change time.
int deciding_observation(std::span<const model::Observation> observations);

}  // namespace freshwatch::policy
