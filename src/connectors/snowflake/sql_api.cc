#include "core/json.h"
#include "connectors/snowflake/sql_api.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include <curl/curl.h>

#include <fmt/format.h>

namespace freshwatch::connectors::snowflake {
namespace {

constexpr std::string_view kRunningCode = "333334";
constexpr auto kRequestTimeout = std::chrono::seconds(120);
constexpr auto kCancelTimeout = std::chrono::seconds(10);

void init_curl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

using core::json_string;

std::size_t write_body(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* stop = static_cast<std::stop_token*>(user);
  return stop->stop_requested() ? 1 : 0;
}

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

}  // namespace

Sleeper real_sleeper() {
  return [](core::Duration d, std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    return !cv.wait_for(lock, stop, d, [] { return false; }) && !stop.stop_requested();
  };
}

bool is_connection_error(const Error& error) { return error.code == ErrorCode::kPermissionDenied; }

struct SqlApiClient::Response {
  long status = 0;
  std::string body;
};

// One curl handle, used for every request of one statement.
class SqlApiClient::Call {
 public:
  Call(const ClientOptions& options) : options_(options) {
    init_curl();
    curl_ = curl_easy_init();
  }
  ~Call() {
    if (curl_) curl_easy_cleanup(curl_);
  }
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  Result<Response> send(std::string_view method, const std::string& path, const std::string& body,
                        const std::string& authorization, std::stop_token stop,
                        std::chrono::seconds timeout = kRequestTimeout) {
    if (!curl_) return fail(ErrorCode::kInternal, "could not start an HTTP client");
    curl_easy_reset(curl_);
    Response response;
    const std::string url = options_.base_url + path;
    curl_slist* headers = nullptr;
    const std::string token_type =
        options_.auth == AuthKind::kKeyPair ? "KEYPAIR_JWT"
        : options_.auth == AuthKind::kOAuth ? "OAUTH"
                                            : "PROGRAMMATIC_ACCESS_TOKEN";
    const std::string auth_header = "Authorization: Bearer " + authorization;
    const std::string type_header = "X-Snowflake-Authorization-Token-Type: " + token_type;
    headers = curl_slist_append(headers, auth_header.c_str());
    headers = curl_slist_append(headers, type_header.c_str());
    headers = curl_slist_append(headers, "Accept: application/json");
    if (method == "POST") headers = curl_slist_append(headers, "Content-Type: application/json");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(headers,
                                                                            &curl_slist_free_all);
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl_, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "https");
    if (!options_.ca_file.empty()) curl_easy_setopt(curl_, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &write_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, &stop);
    if (method == "POST") {
      curl_easy_setopt(curl_, CURLOPT_POST, 1L);
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    const CURLcode rc = curl_easy_perform(curl_);
    if (rc == CURLE_ABORTED_BY_CALLBACK)
      return fail(ErrorCode::kCancelled, "the statement was stopped on request");
    if (rc != CURLE_OK) return std::unexpected(transport_error(rc));
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }

 private:
  Error transport_error(CURLcode rc) const {
    const std::string what = fmt::format("{} ({})", curl_easy_strerror(rc), options_.base_url);
    switch (rc) {
      case CURLE_COULDNT_RESOLVE_HOST:
        return {ErrorCode::kUnavailable,
                fmt::format("cannot resolve the Snowflake host: {}; check `account` (or `host`)", what)};
      case CURLE_OPERATION_TIMEDOUT:
        return {ErrorCode::kTimeout, fmt::format("Snowflake did not answer in time: {}", what)};
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CONNECT_ERROR:
        return {ErrorCode::kUnavailable,
                fmt::format("TLS with Snowflake failed: {}; for a private certificate authority "
                            "set ca_file",
                            what)};
      default:
        return {ErrorCode::kUnavailable, fmt::format("cannot reach Snowflake: {}", what)};
    }
  }

  const ClientOptions& options_;
  CURL* curl_ = nullptr;
};

SqlApiClient::SqlApiClient(ClientOptions options, const core::Clock& clock, Sleeper sleeper)
    : options_(std::move(options)),
      clock_(clock),
      sleeper_(sleeper ? std::move(sleeper) : real_sleeper()),
      random_(std::random_device{}()) {}

SqlApiClient::~SqlApiClient() = default;

int SqlApiClient::retries() const {
  std::lock_guard lock(mutex_);
  return retries_;
}

core::Duration SqlApiClient::jitter(core::Duration upper) {
  std::lock_guard lock(mutex_);
  ++retries_;
  if (upper.count() <= 0) return core::Duration(0);
  std::uniform_int_distribution<core::Duration::rep> pick(0, upper.count());
  return core::Duration(pick(random_));
}

std::string SqlApiClient::new_request_id() {
  std::lock_guard lock(mutex_);
  const std::uint64_t a = random_(), b = random_();
  // RFC 4122 version 4.
  return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", static_cast<std::uint32_t>(a >> 32),
                     static_cast<std::uint32_t>((a >> 16) & 0xffff),
                     static_cast<std::uint32_t>(a & 0xfff),
                     static_cast<std::uint32_t>(0x8000 | ((b >> 48) & 0x3fff)),
                     b & 0xffffffffffffULL);
}

Result<std::string> SqlApiClient::authorization() const {
  if (options_.auth != AuthKind::kKeyPair) return options_.token;
  return build_jwt(options_.key, JwtClaims{options_.jwt_account, options_.user, clock_.now(),
                                           std::chrono::minutes(59)});
}

Result<ResultSet> SqlApiClient::execute(std::string_view sql, std::string_view database,
                                        std::stop_token stop) {
  Call call(options_);
  const std::string request_id = new_request_id();
  std::string body = fmt::format(R"({{"statement":{},"timeout":{})", json_string(sql),
                                 options_.statement_timeout.count());
  if (!database.empty()) body += fmt::format(R"(,"database":{})", json_string(database));
  if (!options_.warehouse.empty()) body += fmt::format(R"(,"warehouse":{})", json_string(options_.warehouse));
  if (!options_.role.empty()) body += fmt::format(R"(,"role":{})", json_string(options_.role));
  body += R"(,"parameters":{"query_tag":"freshwatch"}})";

  // Snowflake cancels at `timeout`; the client gives it a little grace before cancelling itself.
  const core::TimePoint deadline =
      clock_.now() + options_.statement_timeout +
      std::min<core::Duration>(std::chrono::minutes(1), options_.statement_timeout);
  std::string handle;

  auto cancel = [&] {
    if (handle.empty()) return;
    auto auth = authorization();
    if (!auth) return;
    Call cancel_call(options_);
    (void)cancel_call.send("POST", fmt::format("/api/v2/statements/{}/cancel", handle), "{}", *auth,
                           std::stop_token(), kCancelTimeout);
  };
  auto stopped = [&]() -> std::unexpected<Error> {
    cancel();
    return fail(ErrorCode::kCancelled, "the statement was stopped on request (and cancelled in Snowflake)");
  };

  // One request, retried on 429/503/504 with full jitter.
  auto send = [&](std::string_view method, const std::function<std::string(bool)>& path,
                  const std::string& payload) -> Result<Response> {
    for (int attempt = 0;; ++attempt) {
      auto auth = authorization();
      if (!auth) return std::unexpected(auth.error());
      auto response = call.send(method, path(attempt > 0), payload, *auth, stop);
      if (!response) return response;
      const long status = response->status;
      if (status != 429 && status != 503 && status != 504) return response;
      if (attempt >= options_.max_retries)
        return fail(ErrorCode::kUnavailable,
                    "Snowflake kept answering HTTP {} ({}) after {} retries; try again later or "
                    "lower concurrency",
                    status, reason_phrase(status), options_.max_retries);
      const auto ceiling = std::min<core::Duration>(options_.retry_cap, options_.retry_base * (1LL << std::min(attempt, 20)));
      if (!sleeper_(jitter(ceiling), stop)) return fail(ErrorCode::kCancelled, "stopped on request");
    }
  };

  auto response = send("POST", [&](bool retry) {
    return fmt::format("/api/v2/statements?requestId={}{}", request_id, retry ? "&retry=true" : "");
  }, body);
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
    response = send("GET", [&](bool) { return fmt::format("/api/v2/statements/{}", handle); }, "");
  }

  auto result = parse_result_set(response->body);
  if (!result) return std::unexpected(result.error());
  if (result->statement_handle.empty()) result->statement_handle = handle;
  for (std::size_t partition = 1; partition < result->partitions; ++partition) {
    if (stop.stop_requested()) return stopped();
    auto page = send("GET", [&](bool) {
      return fmt::format("/api/v2/statements/{}?partition={}", result->statement_handle, partition);
    }, "");
    if (!page) {
      if (page.error().code == ErrorCode::kCancelled) return stopped();
      return std::unexpected(page.error().with_context(fmt::format("partition {}", partition)));
    }
    if (page->status != 200) return std::unexpected(error_from(*page).with_context(fmt::format("partition {}", partition)));
    auto rows = parse_result_set(page->body, true);
    if (!rows) return std::unexpected(rows.error());
    for (auto& row : rows->rows) {
      if (row.size() != result->columns.size())
        return fail(ErrorCode::kParse, "partition {} has rows of {} cells for {} columns", partition,
                    row.size(), result->columns.size());
      result->rows.push_back(std::move(row));
    }
  }
  return result;
}

Error SqlApiClient::error_from(const Response& response) const {
  auto status = parse_status(response.body);
  const std::string message = status && !status->message.empty() ? status->message : short_body(response.body);
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
