#include "net/http_client.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <random>

#include <curl/curl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/log.h"
#include "net/url.h"

namespace freshwatch::net {
namespace {

// The URL as errors and logs show it: secrets redacted, and only scheme and host when the URL
// itself is the credential.
std::string shown_url(const Request& request) {
  if (!request.url_is_secret) return core::redact_secrets(request.url);
  const auto scheme = request.url.find("://");
  const auto path =
      scheme == std::string::npos ? std::string::npos : request.url.find('/', scheme + 3);
  return (path == std::string::npos ? request.url : request.url.substr(0, path)) + "/***";
}

void init_curl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool has_credential_header(const Headers& headers) {
  return std::any_of(headers.begin(), headers.end(), [](const Header& h) {
    return iequals(h.name, "Authorization") || iequals(h.name, "Proxy-Authorization");
  });
}

// What curl's callbacks write into during one attempt.
struct Transfer {
  Response* response;
  std::stop_token stop;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<Transfer*>(user)->response->body.append(data, size * n);
  return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto& headers = static_cast<Transfer*>(user)->response->headers;
  const std::string_view line(data, size * n);
  // A new status line starts a new response (a redirect, 100 Continue): keep only the last.
  if (line.starts_with("HTTP/")) {
    headers.clear();
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    headers.push_back(
        {std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
  }
  return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Transfer*>(user)->stop.stop_requested() ? 1 : 0;
}

bool is_tls_failure(CURLcode rc) {
  switch (rc) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED: return true;
    default: return false;
  }
}

}  // namespace

std::optional<std::string_view> Response::header(std::string_view name) const {
  for (const auto& h : headers)
    if (iequals(h.name, name)) return h.value;
  return std::nullopt;
}

// One curl easy handle with the multi handle that runs its transfers. The multi handle keeps
// the connections the easy handle opened, so the next transfer on this pair reuses them.
struct HttpClient::Handle {
  CURL* easy = nullptr;
  CURLM* multi = nullptr;
  std::array<char, CURL_ERROR_SIZE> error{};

  Handle() : easy(curl_easy_init()), multi(curl_multi_init()) {}
  ~Handle() {
    if (multi) curl_multi_cleanup(multi);
    if (easy) curl_easy_cleanup(easy);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
};

struct HttpClient::Shared {
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;
  std::mutex mutex;
  std::vector<std::unique_ptr<Handle>> idle;       // guarded by mutex
  std::mt19937_64 random{std::random_device{}()};  // guarded by mutex

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Shared*>(user)->locks[data].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Shared*>(user)->locks[data].unlock();
  }

  Shared() : share(curl_share_init()) {
    if (!share) return;
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Shared::lock);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Shared::unlock);
    curl_share_setopt(share, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~Shared() {
    idle.clear();  // every easy handle lets go of the share first
    if (share) curl_share_cleanup(share);
  }
};

HttpClient::HttpClient(ClientOptions options)
    : options_(std::move(options)), shared_((init_curl(), std::make_unique<Shared>())) {
  if (!options_.sleeper) options_.sleeper = real_sleeper();
}

HttpClient::~HttpClient() = default;

HttpClient::Stats HttpClient::stats() const {
  return {attempts_.load(), retries_.load(), connections_.load()};
}

std::unique_ptr<HttpClient::Handle> HttpClient::acquire() {
  {
    std::lock_guard lock(shared_->mutex);
    if (!shared_->idle.empty()) {
      auto handle = std::move(shared_->idle.back());
      shared_->idle.pop_back();
      return handle;
    }
  }
  auto handle = std::make_unique<Handle>();
  if (!handle->easy || !handle->multi) return nullptr;
  return handle;
}

void HttpClient::release(std::unique_ptr<Handle> handle) {
  std::lock_guard lock(shared_->mutex);
  shared_->idle.push_back(std::move(handle));
}

double HttpClient::draw() {
  std::lock_guard lock(shared_->mutex);
  return std::uniform_real_distribution<double>(0.0, 1.0)(shared_->random);
}

Result<Response> HttpClient::send(Request request, std::stop_token stop) {
  const bool sends_credentials = request.sends_credentials || options_.sends_credentials ||
                                 has_credential_header(request.headers);
  auto checked = [&]() -> Result<void> {
    auto url = parse_url(request.url);
    if (!url) return std::unexpected(url.error());
    return check_credentials_transport(*url, sends_credentials || url->has_userinfo);
  };
  if (auto ok = checked(); !ok) return std::unexpected(ok.error());
  auto cancelled = [&] {
    return fail(ErrorCode::kCancelled, "stopped on request while calling {} ({})", options_.service,
                shown_url(request));
  };
  if (stop.stop_requested()) return cancelled();

  std::unique_ptr<Handle> handle = acquire();
  if (!handle) return fail(ErrorCode::kInternal, "cannot start an HTTP client (curl_easy_init)");
  struct Release {
    HttpClient* client;
    std::unique_ptr<Handle>& handle;
    ~Release() { client->release(std::move(handle)); }
  } release{this, handle};

  static const core::SystemClock system_clock;
  const core::Clock& clock = options_.clock ? *options_.clock : system_clock;
  for (int attempt = 1;; ++attempt) {
    if (attempt > 1 && request.on_retry) {
      request.on_retry(request, attempt);
      if (auto ok = checked(); !ok) return std::unexpected(ok.error());
    }
    auto response = this->attempt(*handle, request, sends_credentials, stop);
    if (!response) return response;
    response->attempts = attempt;
    if (!request.retry) return response;
    const RetryDecision decision = decide_retry(response->status, response->header("Retry-After"),
                                                attempt, options_.retry, clock.now(), draw());
    if (!decision.retry) return response;
    ++retries_;
    spdlog::info("{}: HTTP {} from {}; attempt {} of {} in {}", options_.service, response->status,
                 shown_url(request), attempt + 1, options_.retry.max_attempts,
                 std::chrono::duration_cast<std::chrono::milliseconds>(decision.wait));
    if (!options_.sleeper(decision.wait, stop)) return cancelled();
  }
}

Result<Response> HttpClient::attempt(Handle& handle, const Request& request, bool sends_credentials,
                                     std::stop_token stop) {
  CURL* curl = handle.easy;
  curl_easy_reset(curl);
  Response response;
  Transfer transfer{&response, stop};
  handle.error[0] = '\0';

  curl_slist* list = nullptr;
  for (const auto& h : request.headers) {
    // curl sends "Name;" as a header with an empty value.
    const std::string line = h.value.empty() ? h.name + ";" : h.name + ": " + h.value;
    list = curl_slist_append(list, line.c_str());
  }
  list = curl_slist_append(list, "Expect:");
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(list, &curl_slist_free_all);

  const auto timeout = request.timeout.value_or(options_.timeout);
  curl_easy_setopt(curl, CURLOPT_SHARE, shared_->share);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::max<std::int64_t>(1, options_.connect_timeout.count())));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::max<std::int64_t>(1, timeout.count())));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (options_.follow_redirects) {
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, static_cast<long>(options_.max_redirects));
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, sends_credentials ? "https" : "http,https");
  }
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, handle.error.data());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);

  const std::string& method = request.method;
  const bool has_body =
      !request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (method == "GET" && !has_body) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    if (method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (has_body) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
  }

  ++attempts_;
  const auto started = std::chrono::steady_clock::now();
  CURLcode rc = CURLE_OK;
  bool stopped = false;
  if (CURLMcode mc = curl_multi_add_handle(handle.multi, curl); mc != CURLM_OK)
    return fail(ErrorCode::kInternal, "cannot start an HTTP request: {}", curl_multi_strerror(mc));
  {
    // Wakes the transfer loop below the moment a stop is requested.
    std::stop_callback wake(stop, [&handle] { curl_multi_wakeup(handle.multi); });
    int running = 1;
    while (true) {
      CURLMcode mc = curl_multi_perform(handle.multi, &running);
      if (mc == CURLM_OK && running > 0) {
        if (stop.stop_requested()) {
          stopped = true;
          break;
        }
        mc = curl_multi_poll(handle.multi, nullptr, 0, 1000, nullptr);
      }
      if (mc != CURLM_OK) {
        curl_multi_remove_handle(handle.multi, curl);
        return fail(ErrorCode::kInternal, "the HTTP request to {} failed: {}", options_.service,
                    curl_multi_strerror(mc));
      }
      if (running == 0) break;
    }
    if (!stopped) {
      int left = 0;
      while (CURLMsg* message = curl_multi_info_read(handle.multi, &left))
        if (message->msg == CURLMSG_DONE && message->easy_handle == curl) rc = message->data.result;
    }
  }
  // Removing an unfinished transfer closes its connection.
  curl_multi_remove_handle(handle.multi, curl);
  long connects = 0;
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
  connections_ += connects;

  const std::string url = shown_url(request);
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  if (stopped || rc == CURLE_ABORTED_BY_CALLBACK) {
    spdlog::debug("{}: {} {} stopped on request after {}", options_.service, method, url, elapsed);
    return fail(ErrorCode::kCancelled, "stopped on request while calling {} ({})", options_.service,
                url);
  }
  if (rc != CURLE_OK) {
    const std::string detail =
        core::redact_secrets(handle.error[0] ? handle.error.data() : curl_easy_strerror(rc));
    spdlog::debug("{}: {} {} failed after {}: {}", options_.service, method, url, elapsed, detail);
    curl_off_t connected = 0;
    curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connected);
    if (rc == CURLE_OPERATION_TIMEDOUT && connected == 0)
      return fail(ErrorCode::kTimeout, "cannot connect to {} within {} ms ({}: {})",
                  options_.service, std::min(options_.connect_timeout, timeout).count(), url,
                  detail);
    if (rc == CURLE_OPERATION_TIMEDOUT)
      return fail(ErrorCode::kTimeout, "{} did not answer within {} ms ({}: {})", options_.service,
                  timeout.count(), url, detail);
    if (rc == CURLE_COULDNT_RESOLVE_HOST) {
      auto parts = parse_url(request.url);
      return fail(ErrorCode::kUnavailable, "cannot resolve the host {} of {} ({}){}",
                  parts ? parts->host : "?", options_.service, detail,
                  options_.unresolved_hint.empty() ? "" : "; " + options_.unresolved_hint);
    }
    if (is_tls_failure(rc))
      return fail(ErrorCode::kUnavailable,
                  "TLS with {} failed ({}: {}); for a private certificate authority set ca_file",
                  options_.service, url, detail);
    if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL)
      return fail(ErrorCode::kInvalidArgument, "cannot call {} at {}: {}", options_.service, url,
                  detail);
    if (rc == CURLE_OUT_OF_MEMORY || rc == CURLE_BAD_FUNCTION_ARGUMENT || rc == CURLE_FAILED_INIT)
      return fail(ErrorCode::kInternal, "cannot call {} at {}: {}", options_.service, url, detail);
    return fail(ErrorCode::kUnavailable, "cannot reach {} at {}: {}", options_.service, url,
                detail);
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  spdlog::debug("{}: {} {} -> HTTP {} in {}", options_.service, method, url, response.status,
                elapsed);
  return response;
}

}  // namespace freshwatch::net
