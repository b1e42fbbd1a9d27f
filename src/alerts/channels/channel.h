// Channel: one configured alert receiver (alerts.channels in freshwatch.yml) that tells one
// Notification. The HTTP channels (slack, teams, webhook, pagerduty) build their body with
// payloads.h and post it through their own net::HttpClient, which retries 429/503/504 in place
// (honouring Retry-After) before an answer comes back here; email sends one SMTP message
// (email_channel.h), its outcome's status being the SMTP reply code.
//
// A delivery either reached the receiver and got an answer (a DeliveryOutcome, whatever the
// status) or did not (an Error: cannot connect, TLS, timeout, cancelled). The caller (the
// sender of the outbox) decides what to do next from `delivered`, `permanent` and `retry_after`;
// a channel never waits between deliveries and keeps no state between them but its client's
// connections. Every delivery carries the notification's delivery_id (the webhook's `id` and
// X-Freshwatch-Delivery, PagerDuty's dedup_key is the incident id), so a repeat after an unknown
// outcome is recognised by the receiver.
//
// Secrets: the answer kept in the outcome is cut to kAnswerMax bytes and passed through
// core::redact_secrets(), and the channel's own secrets (webhook secret, routing key, the
// webhook URL's path for Slack and Teams, whose URL is the credential) are replaced by "***".
//
// Thread contract: deliver() may be called from several threads at once; a Channel must
// outlive its calls.
#pragma once

#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "alerts/incident.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/result.h"
#include "net/retry.h"
#include "net/sleeper.h"

namespace freshwatch::alerts::channels {

inline constexpr std::size_t kAnswerMax = 1024;
inline constexpr std::string_view kPagerDutyDefaultUrl = "https://events.pagerduty.com/v2/enqueue";

struct DeliveryOutcome {
  long status = 0;     // the receiver's HTTP status (email: the SMTP reply code)
  std::string answer;  // its body, cut and redacted
  int attempts = 1;    // HTTP attempts made, retries of 429/503/504 included
  // The receiver refused this notification and will refuse it again: a 4xx other than 408 and
  // 429, or a redirect (webhook URLs do not move). Otherwise a failure is worth retrying later.
  bool permanent = false;
  // The wait a 429 or 503 asked for when it was longer than the client waits in place.
  std::optional<core::Duration> retry_after;

  bool delivered() const { return status >= 200 && status < 300; }
  bool retryable() const { return !delivered() && !permanent; }
};

// Classifies an HTTP status as DeliveryOutcome::permanent says.
bool is_permanent_status(long status);

class Channel {
 public:
  virtual ~Channel() = default;
  virtual const std::string& name() const = 0;
  virtual config::ChannelType type() const = 0;
  virtual Result<DeliveryOutcome> deliver(const Notification& notification,
                                          std::stop_token stop = {}) = 0;
};

// What channels share but the configuration does not say: time and waiting (injected so tests
// control them) and the in-place retry policy of their HTTP clients.
struct ChannelOptions {
  const core::Clock* clock = nullptr;  // default: the system clock
  net::Sleeper sleeper;                // default: net::real_sleeper()
  net::RetryPolicy retry{.max_attempts = 3, .max_retry_after = std::chrono::seconds(60)};
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

// The channel `config` describes. kInvalidArgument when a required key is missing (url for
// slack, teams and webhook; routing_key for pagerduty; url, from and to for email) or an email
// channel would send its password in plain text (email_channel.h).
Result<std::unique_ptr<Channel>> make_channel(const config::ChannelConfig& config,
                                              ChannelOptions options = {});

}  // namespace freshwatch::alerts::channels
