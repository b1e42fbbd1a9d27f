// Config: the typed form of freshwatch.yml. The loader (config/load.h) turns YAML into these
// values and reports every problem at once with file:line:column; components receive the part
// they need and never read YAML themselves.
//
// Thread contract: plain values.
#pragma once

#include <any>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "model/policy.h"
#include "model/selector.h"
#include "model/status.h"

namespace freshwatch::config {

using namespace std::chrono_literals;

struct Location {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
};

// One source of assets: the keys every connection takes, and the options its type read from
// the rest (config/section.h; each connector folder declares and parses its own keys).
struct ConnectionConfig {
  std::string name;
  std::string type;  // as registered: an alias (mariadb) is stored as its type (mysql)
  Location location;

  std::string schedule = "*/15 * * * *";  // cron, in the top-level timezone
  core::Duration jitter = std::chrono::seconds(30);    // random delay added to each run, at most
  core::Duration timeout = std::chrono::minutes(5);    // one run, as a whole
  int retries = 3;                                     // after a failed run, before the next slot
  core::Duration retry_backoff = std::chrono::seconds(30);  // first retry delay; doubles each time
  std::string owner;                 // given to every asset of the connection
  std::vector<std::string> tags;

  // The type's own options struct (PostgresOptions, DbtOptions, ...); empty when the type is
  // unknown or its keys had problems.
  std::any options;

  // The type's options, or nullptr when they are not of type T.
  template <typename T>
  const T* options_as() const {
    return std::any_cast<T>(&options);
  }
};

struct PolicyConfig {
  model::Selector select;
  model::Policy policy;
  Location location;
};

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  core::Duration request_timeout = std::chrono::seconds(30);
  std::size_t max_body_bytes = 1 << 20;
  core::Duration session_ttl = std::chrono::hours(24 * 7);
  bool cookie_secure = false;  // add Secure to the session cookie (set it behind TLS)
  int threads = 0;             // HTTP threads; 0: the hardware's concurrency, at least 2
};

struct StoreConfig {
  std::string sqlite = "freshwatch.db";  // relative to the config file's folder
  core::Duration observation_retention = std::chrono::days(400);
};

// alerts: where incidents are told (docs/configuration.md, docs/alerts.md).
enum class ChannelType { kSlack, kTeams, kWebhook, kPagerDuty, kEmail };

struct ChannelConfig {
  std::string name;
  ChannelType type = ChannelType::kWebhook;
  Location location;
  // Every type takes `url`: the webhook URL (slack, teams, webhook), the Events API endpoint
  // (pagerduty; default https://events.pagerduty.com/v2/enqueue), the SMTP server (email,
  // smtp://host:port or smtps://; `smtp` is its alias).
  std::string url;
  std::string secret;       // webhook: HMAC-SHA256 key of X-Freshwatch-Signature
  std::string routing_key;  // pagerduty: the integration's routing key
  // email
  bool starttls = true;
  std::string username, password, from;
  std::vector<std::string> to;
  std::string ca_file;  // TLS: trust this CA bundle in place of the system's
};

struct RouteConfig {
  model::Selector select;                       // as in policies
  std::vector<std::string> channels;            // names from alerts.channels
  model::Status min_status = model::Status::kWarn;  // warn, error, or unknown (anything not fresh)
  Location location;
};

struct SilenceConfig {
  model::Selector select;
  std::string cron;                    // when each window starts
  core::Duration duration{};           // how long it lasts
  std::string timezone;                // of the cron; empty: the top-level timezone
  Location location;
};

struct AlertsConfig {
  std::vector<ChannelConfig> channels;
  std::vector<RouteConfig> routes;
  core::Duration renotify_every = std::chrono::hours(4);  // 0: never remind
  core::Duration min_duration{};  // a status must hold this long to open or resolve an incident
  std::vector<SilenceConfig> silences;
  // The status page's address for links in notifications (alerts.public_url); empty: no links.
  std::string public_url;
};

struct Config {
  std::string path;        // the file this came from
  std::string timezone = "UTC";
  std::string naive_timezone = "UTC";  // how timestamps without a zone are read
  StoreConfig store;
  ServerConfig server;
  model::Policy default_policy{"default", model::CalendarRule{}, "built-in"};
  std::vector<ConnectionConfig> connections;
  std::vector<PolicyConfig> policies;
  AlertsConfig alerts;
};

}  // namespace freshwatch::config
