// The bodies alert channels send, one pure builder per receiver, each to its vendor's published
// format (docs/alerts.md says what each one carries):
//  - Slack incoming webhook: Block Kit (header, the root's fields, its impact, a button to the
//    asset page when the notification has a url) with a plain `text` fallback;
//  - Microsoft Teams workflow webhook: a `message` whose one attachment is an Adaptive Card;
//  - PagerDuty Events API v2: `trigger` for opened, updated and reminder, `resolve` for
//    resolved, with dedup_key = the incident id, so PagerDuty folds them into one alert;
//  - the generic webhook: freshwatch's own JSON, signed with HMAC-SHA256 (webhook_signature);
//  - email: a subject, a text and an HTML part (the channel makes the MIME message).
// Every string goes through core::append_json_string, so the output is valid JSON whatever the
// names and reasons hold.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "alerts/incident.h"
#include "core/clock.h"

namespace freshwatch::alerts::channels {

// Impacted assets named by the chat channels (Slack, Teams); the rest are counted.
inline constexpr std::size_t kImpactedShown = 5;
// PagerDuty's limit for payload.summary.
inline constexpr std::size_t kPagerDutySummaryMax = 1024;

// One line for a person: "[freshwatch] Stale: raw.orders is error (loaded 3 d ago), 12 impacted".
std::string summary_line(const Notification& notification);

std::string slack_payload(const Notification& notification);
std::string teams_payload(const Notification& notification);
std::string pagerduty_payload(const Notification& notification, std::string_view routing_key);
// `sent_at` is the moment of this attempt (the body's sent_at and the signature's time).
std::string webhook_payload(const Notification& notification, core::TimePoint sent_at);

// An email's words: a one-line subject, a plain-text part and an HTML part with the same facts
// (and the link to the asset page when there is one).
struct EmailContent {
  std::string subject, text, html;
};
EmailContent email_content(const Notification& notification);

// PagerDuty's severity for a root status: error → critical, warn → warning, unknown → error
// (a source that cannot be read is an outage of the check itself), fresh → info.
std::string_view pagerduty_severity(model::Status status);

// The X-Freshwatch-Signature value: "t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<unix seconds>.<body>" under `secret`>".
std::string webhook_signature(std::string_view secret, std::int64_t unix_seconds,
                              std::string_view body);

}  // namespace freshwatch::alerts::channels
