// A client of the Looker API 4.0 over net::HttpClient (connection reuse, TLS with ca_file,
// proxies from the environment, retries of 429/503/504 honouring Retry-After, cancellation,
// redaction of secrets).
//
//   POST {base_url}/api/4.0/login   form body client_id=...&client_secret=...
//        → {"access_token", "expires_in"}; every other call sends
//          `Authorization: token <access_token>`.
// The token is renewed shortly before it expires (a tenth of its life, at most a minute,
// early), also between the attempts of a request that is being retried, and once after a 401
// (a token revoked or expired early); a second 401 is a credential error. Logins are
// serialised, so workers that all meet an expired token log in once.
//
// Errors, in plain words: credentials refused at login (Looker answers 404, or 400/401/403) →
// kPermissionDenied naming client_id; 401/403 on a call → kPermissionDenied; 404 → kNotFound;
// 429 after the retries and 5xx → kUnavailable; transport errors as net::HttpClient reports them
// (kUnavailable, kTimeout, kCancelled). No secret appears in an error.
//
// Thread contract: every method may be called from several threads at once (a connector's
// worker pool). The client must outlive its calls.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "net/http_client.h"

namespace freshwatch::connectors::looker {

struct ApiOptions {
  std::string base_url;  // https://mycompany.looker.com, without /api/4.0
  std::string client_id;
  std::string client_secret;
  std::string ca_file;
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
  net::RetryPolicy retry;
  net::Sleeper sleeper;  // default: real_sleeper()
};


class Api {
 public:
  Api(ApiOptions options, const core::Clock& clock);

  // `path` is relative to /api/4.0 and carries its query string ("/folders?fields=id,name").
  Result<net::Response> get(const std::string& path, std::stop_token stop,
                            std::string_view accept = "application/json");
  Result<net::Response> post_json(const std::string& path, std::string body, std::stop_token stop);

  // The body of a 2xx answer, or the status as an Error ("while <what>").
  Result<std::string> get_ok(const std::string& path, std::string_view what, std::stop_token stop);

  // Every page of a search endpoint: `path` with `&limit=N&offset=M` appended until a page
  // holds fewer than N items; `count` takes in each page and returns its item count (or its
  // decoding error).
  Result<void> pages(const std::string& path, std::string_view what, int page_size,
                     const std::function<Result<std::size_t>(std::string_view)>& count,
                     std::stop_token stop);

  // The Error for a non-2xx answer.
  static Error status_error(const net::Response& response, std::string_view what);

  // Requests refused even with a fresh token (a second 401): the credentials no longer work.
  int refusals() const { return refusals_.load(); }

 private:
  struct Token {
    std::string value;
    std::uint64_t generation = 0;
  };
  Result<Token> token(std::stop_token stop);
  Result<void> login_locked(std::stop_token stop);
  void invalidate(std::uint64_t generation);
  Result<net::Response> send(net::Request request, std::stop_token stop);

  ApiOptions options_;
  const core::Clock& clock_;
  std::string api_;  // base_url + "/api/4.0"
  net::HttpClient http_;
  std::mutex mutex_;  // guards the token; held while logging in
  std::string token_;
  core::TimePoint renew_at_{};
  std::uint64_t generation_ = 0;
  std::atomic<int> refusals_{0};
};

}  // namespace freshwatch::connectors::looker
