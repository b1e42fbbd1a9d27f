// net::HttpClient: the one HTTP(S) client of freshwatch (libcurl with OpenSSL). Every outbound
// HTTP call goes through it — Snowflake's SQL API, dbt Cloud, and the BI, alert channel and
// orchestrator integrations — so they share one set of rules for connections, TLS, proxies,
// retries, cancellation and secrets. Callers build a Request, get back a Response (status,
// headers, body) and map the status to their own errors; only transport failures are Errors.
//
// One client per configured connection (or alert channel). It owns a pool of curl handles; each
// handle keeps its open connections between requests (HTTP keep-alive), and a CURLSH share lets
// all of them use one DNS cache and one TLS session cache. Successive requests therefore reuse
// one connection; requests made at the same time take one handle each, and the pool keeps every
// handle it made (so at most the peak concurrency) until the client is destroyed.
//
// Behaviour:
//  - Timeouts: `connect_timeout` bounds connecting (TCP and the TLS handshake), `timeout` one
//    whole attempt (a Request may set its own); either one passing is kTimeout.
//  - TLS: the server's certificate and host name are always verified; `ca_file` (a PEM bundle)
//    replaces the system's trust store, for a private certificate authority. A failed
//    verification is kUnavailable, with a hint about ca_file.
//  - Proxies: libcurl reads http_proxy, https_proxy (or HTTPS_PROXY), all_proxy and no_proxy
//    from the environment for each request; the client never sets or disables a proxy itself.
//  - Credentials: a request sends credentials when its `sends_credentials` or the options' is
//    set, when it has an Authorization or Proxy-Authorization header, or when its URL has a
//    userinfo. Such a request to plain http:// is refused before any connection is attempted
//    unless the host is loopback (127.0.0.0/8, ::1, localhost), see url.h; its redirects (when
//    `follow_redirects`) may go to https:// only. curl never forwards the Authorization header
//    to another host on a redirect.
//  - Retries: 429, 503 and 504 are tried again up to `retry.max_attempts` attempts in all,
//    waiting as retry.h decides (Retry-After in seconds or as an HTTP-date, plus jitter; else
//    exponential backoff with full jitter and a cap) through the injected Sleeper. After the
//    last attempt (or when Retry-After asks for more than `retry.max_retry_after`) the last
//    response is returned as it is, with `attempts` saying how many were made. A request's
//    `on_retry` may change it before each new attempt. Any method is retried: these statuses
//    say the server did not handle the request.
//  - Cancellation: a stop request on the token passed to send() aborts a transfer at once (the
//    transfer loop is woken, and curl's progress callback aborts too) and ends a wait between
//    attempts; the result is kCancelled.
//  - Errors: cannot resolve, connect or complete TLS, connection reset → kUnavailable; a timeout
//    → kTimeout; stopped → kCancelled; a URL that is not http(s), or credentials refused over
//    plain http → kInvalidArgument. Messages name the `service` and the URL.
//  - Secrets: no Authorization value, token, password in a URL's userinfo or secret query
//    parameter (token=, access_token=, client_secret=, key=, sig=, ...) appears in an error
//    message or a log line the client writes: URLs and curl's own messages pass through
//    core::redact_secrets(). Requests are logged at debug level, retries at info.
//  - Bodies are sent as given and received whole, decompressed (Accept-Encoding: every
//    encoding curl supports).
//
// Thread contract: send() may be called from several threads at once (e.g. a connector's
// bounded worker pool); each call takes its own handle from the pool, and the share's DNS and
// TLS caches are locked by the client. The Sleeper and Request::on_retry are called on the
// calling thread. stats() may be read at any time. The client must outlive its calls.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "net/retry.h"
#include "net/sleeper.h"

namespace freshwatch::net {

struct Header {
  std::string name;
  std::string value;
};
using Headers = std::vector<Header>;

struct ClientOptions {
  std::string service = "the server";  // in messages: "cannot reach <service> at <url>"
  std::string ca_file;                 // PEM bundle trusted instead of the system's; empty: system
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // one whole attempt
  std::string user_agent = "freshwatch/0.1";
  bool sends_credentials = false;  // every request of this client carries a credential
  bool follow_redirects = false;
  int max_redirects = 5;
  std::string unresolved_hint;  // added when the host cannot be resolved: "check `account`"
  RetryPolicy retry;
  Sleeper sleeper;                     // waits between attempts; default real_sleeper()
  const core::Clock* clock = nullptr;  // for Retry-After dates; default the system clock
};

struct Request {
  std::string method = "GET";  // GET, POST, PUT, PATCH, DELETE, HEAD
  std::string url;
  Headers headers;
  std::string body;  // sent when not empty, or always for POST, PUT and PATCH
  std::optional<std::chrono::milliseconds> timeout;  // replaces ClientOptions::timeout
  bool sends_credentials = false;
  // The URL's path and query are themselves the credential (a Slack or Teams webhook): errors
  // and logs show the URL as scheme://host/***.
  bool url_is_secret = false;
  bool retry = true;  // false: one attempt whatever the answer
  // Called before attempt `attempt` (2, 3, ...) with the request to send.
  std::function<void(Request& request, int attempt)> on_retry;
};

struct Response {
  long status = 0;
  Headers headers;  // of the final response, as received, in order
  std::string body;
  int attempts = 1;

  // The first header of that name (case-insensitive).
  std::optional<std::string_view> header(std::string_view name) const;
};

class HttpClient {
 public:
  explicit HttpClient(ClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request`, retrying as described above. An Error only for transport failures,
  // refused requests and cancellation; any HTTP status is a Response.
  Result<Response> send(Request request, std::stop_token stop = {});

  struct Stats {
    std::int64_t attempts = 0;     // HTTP requests sent (every attempt)
    std::int64_t retries = 0;      // attempts after a 429/503/504
    std::int64_t connections = 0;  // new connections opened (TCP, with TLS when https)
  };
  Stats stats() const;

  const ClientOptions& options() const { return options_; }

 private:
  struct Handle;
  struct Shared;
  std::unique_ptr<Handle> acquire();
  void release(std::unique_ptr<Handle> handle);
  Result<Response> attempt(Handle& handle, const Request& request, bool sends_credentials,
                           std::stop_token stop);
  double draw();

  ClientOptions options_;
  std::unique_ptr<Shared> shared_;
  std::atomic<std::int64_t> attempts_{0}, retries_{0}, connections_{0};
};

}  // namespace freshwatch::net
