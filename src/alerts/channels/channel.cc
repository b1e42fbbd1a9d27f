#include "alerts/channels/channel.h"

#include <chrono>

#include <fmt/format.h>

#include "alerts/channels/email_channel.h"
#include "alerts/channels/payloads.h"
#include "core/log.h"
#include "net/http_client.h"

namespace freshwatch::alerts::channels {
namespace {

using config::ChannelType;

std::string_view type_label(ChannelType type) {
  switch (type) {
    case ChannelType::kSlack: return "Slack";
    case ChannelType::kTeams: return "Microsoft Teams";
    case ChannelType::kWebhook: return "webhook";
    case ChannelType::kPagerDuty: return "PagerDuty";
    case ChannelType::kEmail: return "email";
  }
  return "channel";
}

void replace_all(std::string& text, std::string_view secret) {
  if (secret.empty()) return;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
    text.replace(at, secret.size(), "***");
}

// The path and query of a URL, which are the credential of Slack and Teams webhooks.
std::string url_path(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  auto path = url.find('/', scheme + 3);
  if (path == std::string_view::npos || path + 1 >= url.size()) return {};
  return std::string(url.substr(path + 1));
}

class HttpChannel final : public Channel {
 public:
  HttpChannel(const config::ChannelConfig& config, std::string url, ChannelOptions options)
      : config_(config),
        url_(std::move(url)),
        clock_(options.clock ? options.clock : &system_clock_),
        client_(net::ClientOptions{
            .service = fmt::format("{} channel {}", type_label(config.type), config.name),
            .ca_file = config.ca_file,
            .timeout = options.timeout,
            // Slack's and Teams' webhook URL and PagerDuty's routing key are credentials.
            .sends_credentials = config.type != ChannelType::kWebhook,
            .retry = options.retry,
            .sleeper = options.sleeper ? options.sleeper : net::real_sleeper(),
            .clock = clock_,
        }) {
    secrets_ = {config_.secret, config_.routing_key};
    if (config_.type == ChannelType::kSlack || config_.type == ChannelType::kTeams)
      secrets_.push_back(url_path(url_));
  }

  const std::string& name() const override { return config_.name; }
  ChannelType type() const override { return config_.type; }

  Result<DeliveryOutcome> deliver(const Notification& notification, std::stop_token stop) override {
    net::Request request;
    request.method = "POST";
    request.url = url_;
    request.url_is_secret =
        config_.type == ChannelType::kSlack || config_.type == ChannelType::kTeams;
    request.headers = {{"Content-Type", "application/json; charset=utf-8"},
                       {"Accept", "application/json, text/plain, */*"}};
    switch (config_.type) {
      case ChannelType::kSlack: request.body = slack_payload(notification); break;
      case ChannelType::kTeams: request.body = teams_payload(notification); break;
      case ChannelType::kPagerDuty:
        request.body = pagerduty_payload(notification, config_.routing_key);
        break;
      case ChannelType::kWebhook:
        request.headers.push_back(
            {"X-Freshwatch-Event", std::string(to_string(notification.event.type))});
        request.headers.push_back({"X-Freshwatch-Delivery", notification.delivery_id});
        sign(request, notification);
        // A retry is signed anew, so its timestamp is the moment it is sent.
        request.on_retry = [this, &notification](net::Request& r, int) { sign(r, notification); };
        break;
      case ChannelType::kEmail: return fail(ErrorCode::kInternal, "email is not an HTTP channel");
    }

    auto response = client_.send(std::move(request), stop);
    if (!response) {
      Error error = response.error();
      error.message = redact(error.message);
      return std::unexpected(error.with_context(
          fmt::format("delivering {} to channel {}", notification.delivery_id, config_.name)));
    }
    DeliveryOutcome outcome;
    outcome.status = response->status;
    outcome.attempts = response->attempts;
    outcome.permanent = is_permanent_status(response->status);
    outcome.answer = redact(response->body);
    if (outcome.answer.size() > kAnswerMax) {
      std::size_t end = kAnswerMax;
      while (end > 0 && (static_cast<unsigned char>(outcome.answer[end]) & 0xC0) == 0x80) --end;
      outcome.answer.resize(end);
      outcome.answer += "\u2026";
    }
    if (response->status == 429 || response->status == 503) {
      if (auto value = response->header("Retry-After"))
        outcome.retry_after = net::parse_retry_after(*value, clock_->now());
    }
    return outcome;
  }

 private:
  void sign(net::Request& request, const Notification& notification) const {
    auto now = std::chrono::floor<std::chrono::seconds>(clock_->now());
    request.body = webhook_payload(notification, now);
    std::erase_if(request.headers,
                  [](const net::Header& h) { return h.name == "X-Freshwatch-Signature"; });
    if (!config_.secret.empty()) {
      request.headers.push_back(
          {"X-Freshwatch-Signature",
           webhook_signature(config_.secret, now.time_since_epoch().count(), request.body)});
    }
  }

  std::string redact(std::string_view text) const {
    std::string out = core::redact_secrets(text);
    for (const auto& secret : secrets_) replace_all(out, secret);
    return out;
  }

  config::ChannelConfig config_;
  std::string url_;
  core::SystemClock system_clock_;
  const core::Clock* clock_;
  std::vector<std::string> secrets_;
  net::HttpClient client_;
};

}  // namespace

bool is_permanent_status(long status) {
  if (status >= 300 && status < 400) return true;
  return status >= 400 && status < 500 && status != 408 && status != 429;
}

Result<std::unique_ptr<Channel>> make_channel(const config::ChannelConfig& config,
                                              ChannelOptions options) {
  std::string url = config.url;
  switch (config.type) {
    case ChannelType::kSlack:
    case ChannelType::kTeams:
    case ChannelType::kWebhook:
      if (url.empty())
        return fail(ErrorCode::kInvalidArgument, "alert channel {}: `url` is required for type {}",
                    config.name, type_label(config.type));
      break;
    case ChannelType::kPagerDuty:
      if (config.routing_key.empty())
        return fail(ErrorCode::kInvalidArgument,
                    "alert channel {}: `routing_key` is required for type pagerduty (the "
                    "integration key of an Events API v2 integration)",
                    config.name);
      if (url.empty()) url = kPagerDutyDefaultUrl;
      break;
    case ChannelType::kEmail: return make_email_channel(config, std::move(options));
  }
  return std::make_unique<HttpChannel>(config, std::move(url), std::move(options));
}

}  // namespace freshwatch::alerts::channels
