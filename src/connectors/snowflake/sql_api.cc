#include "connectors/snowflake/sql_api.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/json.h"

namespace freshwatch::connectors::snowflake {
namespace {

constexpr std::string_view kRunningCode = "333334";
constexpr auto kRequestTimeout = std::chrono::seconds(120);
constexpr auto kCancelTimeout = std::chrono::seconds(10);

using core::json_string;

std::string_view reason_phrase(long status) {
  switch (status) {
    case 429: return "too many requests";
    case 503: return "service unavailable";
    case 504: return "gateway timeout";
    default: return "";
  }
}

std::string short_body(std::string_view body) {
  std::string out(body.substr(0, 200));
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

net::ClientOptions http_options(const ClientOptions& options, const core::Clock& clock,
                                const Sleeper& sleeper) {
  net::ClientOptions http;
  http.service = "Snowflake";
  http.ca_file = options.ca_file;
  http.connect_timeout = options.connect_timeout;
  http.timeout = kRequestTimeout;
  http.user_agent = options.user_agent;
  http.sends_credentials = true;
  http.unresolved_hint = "check `account` (or `host`)";
  http.retry.max_attempts = std::max(0, options.max_retries) + 1;
  http.retry.base = options.retry_base;
  http.retry.cap = options.retry_cap;
  http.sleeper = sleeper;
  http.clock = &clock;
  return http;
}

}  // namespace

bool is_connection_error(const Error& error) { return error.code == ErrorCode::kPermissionDenied; }

SqlApiClient::SqlApiClient(ClientOptions options, const core::Clock& clock, Sleeper sleeper)
    : options_(std::move(options)),
      clock_(clock),
      sleeper_(sleeper ? std::move(sleeper) : real_sleeper()),
      http_(http_options(options_, clock_, sleeper_)),
      random_(std::random_device{}()) {}

SqlApiClient::~SqlApiClient() = default;

int SqlApiClient::retries() const { return static_cast<int>(http_.stats().retries); }

std::string SqlApiClient::new_request_id() {
  std::lock_guard lock(mutex_);
  const std::uint64_t a = random_(), b = random_();
  // RFC 4122 version 4.
  return fmt::format(
      "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", static_cast<std::uint32_t>(a >> 32),
      static_cast<std::uint32_t>((a >> 16) & 0xffff), static_cast<std::uint32_t>(a & 0xfff),
      static_cast<std::uint32_t>(0x8000 | ((b >> 48) & 0x3fff)), b & 0xffffffffffffULL);
}

Result<std::string> SqlApiClient::authorization() const {
  if (options_.auth != AuthKind::kKeyPair) return options_.token;
  return build_jwt(options_.key, JwtClaims{options_.jwt_account, options_.user, clock_.now(),
                                           std::chrono::minutes(59)});
}

net::Request SqlApiClient::request(std::string_view method, std::string_view path,
                                   std::string body) const {
  net::Request r;
  r.method = std::string(method);
  r.url = options_.base_url + std::string(path);
  r.headers = {{"X-Snowflake-Authorization-Token-Type",
                options_.auth == AuthKind::kKeyPair ? "KEYPAIR_JWT"
                : options_.auth == AuthKind::kOAuth ? "OAUTH"
                                                    : "PROGRAMMATIC_ACCESS_TOKEN"},
               {"Accept", "application/json"}};
  if (method == "POST") r.headers.push_back({"Content-Type", "application/json"});
  r.body = std::move(body);
  r.sends_credentials = true;
  return r;
}

// One request with its credential; a 429/503/504 that outlasted the retries is an error.
Result<net::Response> SqlApiClient::send(net::Request request, std::stop_token stop) {
  auto auth = authorization();
  if (!auth) return std::unexpected(auth.error());
  request.headers.push_back({"Authorization", "Bearer " + *auth});
  auto response = http_.send(std::move(request), stop);
  if (!response || !net::is_retried_status(response->status)) return response;
  return fail(ErrorCode::kUnavailable,
              "Snowflake kept answering HTTP {} ({}) after {} retries; try again later or lower "
              "concurrency",
              response->status, reason_phrase(response->status), response->attempts - 1);
}

Result<ResultSet> SqlApiClient::execute(std::string_view sql, std::string_view database,
                                        std::stop_token stop) {
  const std::string request_id = new_request_id();
  std::string body = fmt::format(R"({{"statement":{},"timeout":{})", json_string(sql),
                                 options_.statement_timeout.count());
  if (!database.empty()) body += fmt::format(R"(,"database":{})", json_string(database));
  if (!options_.warehouse.empty())
    body += fmt::format(R"(,"warehouse":{})", json_string(options_.warehouse));
  if (!options_.role.empty()) body += fmt::format(R"(,"role":{})", json_string(options_.role));
  body += R"(,"parameters":{"query_tag":"freshwatch"}})";

  // Snowflake cancels at `timeout`; the client gives it a little grace before cancelling itself.
  const core::TimePoint deadline =
      clock_.now() + options_.statement_timeout +
      std::min<core::Duration>(std::chrono::minutes(1), options_.statement_timeout);
  std::string handle;

  auto cancel = [&] {
    if (handle.empty()) return;
    net::Request r = request("POST", fmt::format("/api/v2/statements/{}/cancel", handle), "{}");
    r.timeout = kCancelTimeout;
    r.retry = false;
    (void)send(std::move(r), std::stop_token());
  };
  auto stopped = [&]() -> std::unexpected<Error> {
    cancel();
    return fail(ErrorCode::kCancelled,
                "the statement was stopped on request (and cancelled in Snowflake)");
  };

  // The statement's submission: a resubmission after 429/503/504 says retry=true.
  net::Request submit =
      request("POST", fmt::format("/api/v2/statements?requestId={}", request_id), std::move(body));
  submit.on_retry = [](net::Request& r, int) {
    if (!r.url.ends_with("&retry=true")) r.url += "&retry=true";
  };
  auto response = send(std::move(submit), stop);
  core::Duration poll = options_.poll_first;
  while (true) {
    if (!response) {
      if (response.error().code == ErrorCode::kCancelled) return stopped();
      return std::unexpected(response.error());
    }
    if (response->status == 200) break;
    if (response->status != 202) return std::unexpected(error_from(*response));
    auto status = parse_status(response->body);
    if (!status || status->statement_handle.empty())
      return fail(ErrorCode::kParse, "Snowflake answered 202 without a statementHandle");
    handle = status->statement_handle;
    if (stop.stop_requested()) return stopped();
    if (clock_.now() >= deadline) {
      cancel();
      return fail(ErrorCode::kTimeout,
                  "the statement ran longer than statement_timeout ({} s) and was cancelled",
                  options_.statement_timeout.count());
    }
    if (!sleeper_(poll, stop)) return stopped();
    poll = std::min(poll * 2, options_.poll_max);
    response = send(request("GET", fmt::format("/api/v2/statements/{}", handle), ""), stop);
  }

  auto result = parse_result_set(response->body);
  if (!result) return std::unexpected(result.error());
  if (result->statement_handle.empty()) result->statement_handle = handle;
  for (std::size_t partition = 1; partition < result->partitions; ++partition) {
    if (stop.stop_requested()) return stopped();
    auto page = send(request("GET",
                             fmt::format("/api/v2/statements/{}?partition={}",
                                         result->statement_handle, partition),
                             ""),
                     stop);
    if (!page) {
      if (page.error().code == ErrorCode::kCancelled) return stopped();
      return std::unexpected(page.error().with_context(fmt::format("partition {}", partition)));
    }
    if (page->status != 200)
      return std::unexpected(
          error_from(*page).with_context(fmt::format("partition {}", partition)));
    auto rows = parse_result_set(page->body, true);
    if (!rows) return std::unexpected(rows.error());
    for (auto& row : rows->rows) {
      if (row.size() != result->columns.size())
        return fail(ErrorCode::kParse, "partition {} has rows of {} cells for {} columns",
                    partition, row.size(), result->columns.size());
      result->rows.push_back(std::move(row));
    }
  }
  return result;
}

Error SqlApiClient::error_from(const net::Response& response) const {
  auto status = parse_status(response.body);
  const std::string message =
      status && !status->message.empty() ? status->message : short_body(response.body);
  switch (response.status) {
    case 401:
    case 403: {
      std::string hint;
      if (options_.auth == AuthKind::kKeyPair)
        hint = fmt::format(
            "check account and user, and that the public key registered for the user (ALTER USER "
            "... SET RSA_PUBLIC_KEY; DESC USER shows RSA_PUBLIC_KEY_FP) is the one of "
            "private_key_file, whose fingerprint is {}",
            public_key_fingerprint(options_.key));
      else
        hint = "the token may have expired, or be of another kind than token_type says";
      return {ErrorCode::kPermissionDenied,
              fmt::format("Snowflake refused the credentials (HTTP {}: {}); {}", response.status,
                          message.empty() ? "no message" : message, hint)};
    }
    case 408:
      return {ErrorCode::kTimeout,
              fmt::format("the statement ran longer than statement_timeout ({} s) and Snowflake "
                          "cancelled it: {}",
                          options_.statement_timeout.count(), message)};
    case 422: {
      const std::string code = status ? status->code : "";
      const ErrorCode kind = code == "002003" ? ErrorCode::kNotFound : ErrorCode::kInvalidArgument;
      return {kind, fmt::format("{} (Snowflake error {}, SQL state {})", message,
                                code.empty() ? "?" : code,
                                status && !status->sql_state.empty() ? status->sql_state : "?")};
    }
    default:
      return {ErrorCode::kUnavailable,
              fmt::format("Snowflake answered HTTP {}: {}", response.status, message)};
  }
}

}  // namespace freshwatch::connectors::snowflake
