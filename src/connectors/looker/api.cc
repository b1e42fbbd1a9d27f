#include "connectors/looker/api.h"

#include <algorithm>

#include <fmt/format.h>

#include "connectors/looker/content.h"
#include "net/url.h"

namespace freshwatch::connectors::looker {
namespace {

net::ClientOptions http_options(const ApiOptions& o, const core::Clock& clock) {
  net::ClientOptions h;
  h.service = "Looker";
  h.ca_file = o.ca_file;
  h.timeout = o.request_timeout;
  h.connect_timeout =
      std::min<std::chrono::milliseconds>(o.request_timeout, std::chrono::seconds(10));
  h.user_agent = "freshwatch";
  h.sends_credentials = true;
  h.unresolved_hint = "check `base_url`";
  h.retry = o.retry;
  h.sleeper = o.sleeper;
  h.clock = &clock;
  return h;
}

}  // namespace


Api::Api(ApiOptions options, const core::Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      api_(options_.base_url + "/api/4.0"),
      http_(http_options(options_, clock)) {}

Error Api::status_error(const net::Response& r, std::string_view what) {
  const std::string message = error_message(r.body);
  if (r.status == 401)
    return {ErrorCode::kPermissionDenied,
            fmt::format("Looker refused the access token even after logging in again (HTTP 401 "
                        "while {}); check that the API user still exists and is enabled",
                        what)};
  if (r.status == 403)
    return {ErrorCode::kPermissionDenied,
            fmt::format("Looker refused the request (HTTP {}: {}) while {}; the API user's role "
                        "lacks a permission (see docs/connectors/looker.md)",
                        r.status, message, what)};
  if (r.status == 404)
    return {ErrorCode::kNotFound, fmt::format("Looker answered 404 Not Found while {}", what)};
  if (r.status == 429)
    return {ErrorCode::kUnavailable,
            fmt::format("Looker kept answering 429 Too Many Requests while {} ({} attempts)", what,
                        r.attempts)};
  return {ErrorCode::kUnavailable,
          fmt::format("Looker answered HTTP {} while {}: {}", r.status, what, message)};
}

Result<void> Api::login_locked(std::stop_token stop) {
  net::Request r;
  r.method = "POST";
  r.url = api_ + "/login";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
               {"Accept", "application/json"}};
  r.body = fmt::format("client_id={}&client_secret={}", net::percent_encode(options_.client_id),
                       net::percent_encode(options_.client_secret));
  r.sends_credentials = true;
  const core::TimePoint asked = clock_.now();
  auto response = http_.send(std::move(r), stop);
  if (!response) return std::unexpected(response.error().with_context("logging in to Looker"));
  if (response->status == 400 || response->status == 401 || response->status == 403 ||
      response->status == 404)
    return fail(ErrorCode::kPermissionDenied,
                "Looker refused the API credentials of client_id '{}' (HTTP {} from POST "
                "/api/4.0/login: {}); check client_id and client_secret (Admin > Users > Edit "
                "keys) and that base_url is the API host",
                options_.client_id, response->status, error_message(response->body));
  if (response->status < 200 || response->status >= 300)
    return std::unexpected(status_error(*response, "logging in"));
  auto token = parse_access_token(response->body);
  if (!token) return std::unexpected(token.error());
  token_ = token->access_token;
  ++generation_;
  // Renew a tenth of the token's life early, at most a minute.
  const core::Duration life = token->expires_in.count() > 0 ? core::Duration(token->expires_in)
                                                            : core::Duration(std::chrono::hours(1));
  renew_at_ = asked + life - std::min<core::Duration>(life / 10, std::chrono::minutes(1));
  return {};
}

Result<Api::Token> Api::token(std::stop_token stop) {
  std::lock_guard lock(mutex_);
  if (token_.empty() || clock_.now() >= renew_at_) {
    token_.clear();
    if (auto ok = login_locked(stop); !ok) return std::unexpected(ok.error());
  }
  return Token{token_, generation_};
}

void Api::invalidate(std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation == generation_) token_.clear();
}

Result<net::Response> Api::send(net::Request request, std::stop_token stop) {
  for (int round = 0;; ++round) {
    auto token = this->token(stop);
    if (!token) return std::unexpected(token.error());
    net::Request r = request;
    r.headers.push_back({"Authorization", "token " + token->value});
    r.sends_credentials = true;
    // A wait between attempts (Retry-After) may outlast the token.
    r.on_retry = [this, stop](net::Request& again, int) {
      auto fresh = this->token(stop);
      if (!fresh) return;
      for (auto& h : again.headers)
        if (h.name == "Authorization") h.value = "token " + fresh->value;
    };
    auto response = http_.send(std::move(r), stop);
    if (response && response->status == 401 && round > 0) ++refusals_;
    if (!response || response->status != 401 || round > 0) return response;
    invalidate(token->generation);
  }
}

Result<net::Response> Api::get(const std::string& path, std::stop_token stop,
                               std::string_view accept) {
  net::Request r;
  r.url = api_ + path;
  r.headers = {{"Accept", std::string(accept)}};
  return send(std::move(r), stop);
}

Result<net::Response> Api::post_json(const std::string& path, std::string body,
                                     std::stop_token stop) {
  net::Request r;
  r.method = "POST";
  r.url = api_ + path;
  r.headers = {{"Content-Type", "application/json"}, {"Accept", "text/plain, application/json"}};
  r.body = std::move(body);
  return send(std::move(r), stop);
}

Result<std::string> Api::get_ok(const std::string& path, std::string_view what,
                                std::stop_token stop) {
  auto r = get(path, stop);
  if (!r) return std::unexpected(r.error().with_context(fmt::format("while {}", what)));
  if (r->status < 200 || r->status >= 300) return std::unexpected(status_error(*r, what));
  return std::move(r->body);
}

Result<void> Api::pages(const std::string& path, std::string_view what, int page_size,
                        const std::function<Result<std::size_t>(std::string_view)>& count,
                        std::stop_token stop) {
  const char joiner = path.find('?') == std::string::npos ? '?' : '&';
  for (std::size_t offset = 0;;) {
    auto body = get_ok(fmt::format("{}{}limit={}&offset={}", path, joiner, page_size, offset),
                       fmt::format("{} (offset {})", what, offset), stop);
    if (!body) return std::unexpected(body.error());
    auto n = count(*body);
    if (!n) return std::unexpected(n.error());
    if (*n < static_cast<std::size_t>(page_size)) return {};
    offset += *n;
  }
}

}  // namespace freshwatch::connectors::looker
