// A client of the Snowflake SQL API v2 over HTTPS, through net::HttpClient (net/http_client.h:
// connection reuse, TLS, proxies from the environment, retries, cancellation, redaction):
//   POST /api/v2/statements?requestId=UUID         submit; 200 with the first partition, or 202
//                                                   (code 333334) with a statementHandle
//   GET  /api/v2/statements/HANDLE[?partition=N]    poll a running statement / fetch partition N
//   POST /api/v2/statements/HANDLE/cancel           cancel
// Authentication: a key-pair JWT (made fresh for each statement, see jwt.h), or an OAuth or
// programmatic access token, with X-Snowflake-Authorization-Token-Type KEYPAIR_JWT, OAUTH or
// PROGRAMMATIC_ACCESS_TOKEN.
//
// Behaviour:
//  - 202: polled with backoff (250 ms doubling to 5 s) until done, the statement timeout (sent
//    as the API's `timeout` and enforced here too, after a grace of min(1 min, the timeout))
//    or a stop request;
//    on the last two the statement is cancelled on the server.
//  - 429, 503 and 504: retried by net::HttpClient up to `max_retries` times, after the wait a
//    Retry-After header asks for (plus jitter), else with full jitter (a random wait up to
//    min(cap, base * 2^attempt)); a resubmitted statement keeps its requestId and adds
//    retry=true, so Snowflake runs it once. Still answered after the last retry: kUnavailable.
//  - Partitions: every partition after the first is fetched and the rows joined in order.
//  - 401/403 are credential errors (kPermissionDenied, is_connection_error() true); failures
//    to connect or verify TLS are kUnavailable (with a hint about ca_file); 422 carries Snowflake's
//    own message, error code and SQL state (kNotFound for "does not exist or not authorized", else
//    kInvalidArgument); 408 and the client-side deadline are kTimeout; a stop request is
//    kCancelled.
// No token, key or passphrase appears in an error or a log line.
//
// Thread contract: execute() may be called from several threads at once; they share one
// net::HttpClient, whose handle pool keeps the connections between statements of this client.
// The sleeper is called from those threads.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <stop_token>
#include <string>
#include <string_view>

#include "connectors/snowflake/cells.h"
#include "connectors/snowflake/jwt.h"
#include "core/clock.h"
#include "core/result.h"
#include "net/http_client.h"
#include "net/sleeper.h"

namespace freshwatch::connectors::snowflake {

enum class AuthKind { kKeyPair, kOAuth, kProgrammaticAccessToken };

struct ClientOptions {
  std::string base_url;  // "https://myorg-acct.snowflakecomputing.com" or "https://127.0.0.1:PORT"
  std::string ca_file;   // a PEM bundle to trust instead of the system's; empty: system
  AuthKind auth = AuthKind::kKeyPair;
  PrivateKey key;           // key pair
  std::string jwt_account;  // key pair
  std::string user;         // key pair
  std::string token;        // OAuth / programmatic access token
  std::string role;
  std::string warehouse;
  std::chrono::seconds statement_timeout{std::chrono::minutes(10)};
  std::chrono::seconds connect_timeout{std::chrono::seconds(30)};
  int max_retries = 5;
  core::Duration retry_base = std::chrono::milliseconds(500);
  core::Duration retry_cap = std::chrono::seconds(30);
  core::Duration poll_first = std::chrono::milliseconds(250);
  core::Duration poll_max = std::chrono::seconds(5);
  std::string user_agent = "freshwatch/0.1";
};

// Waits between polls and retries (net/sleeper.h); tests pass one that advances a FakeClock.
using Sleeper = net::Sleeper;
using net::real_sleeper;

// True for errors that concern the whole connection (the credentials) rather than one
// statement.
bool is_connection_error(const Error& error);

class SqlApiClient {
 public:
  SqlApiClient(ClientOptions options, const core::Clock& clock, Sleeper sleeper);
  ~SqlApiClient();
  SqlApiClient(const SqlApiClient&) = delete;
  SqlApiClient& operator=(const SqlApiClient&) = delete;

  // Runs one statement (with `database` as its context when not empty) and returns every row.
  Result<ResultSet> execute(std::string_view sql, std::string_view database, std::stop_token stop);

  // For tests: how many HTTP requests were retried after 429/503/504.
  int retries() const;

 private:
  Result<std::string> authorization() const;
  net::Request request(std::string_view method, std::string_view path, std::string body) const;
  Result<net::Response> send(net::Request request, std::stop_token stop);
  Error error_from(const net::Response& response) const;
  std::string new_request_id();

  ClientOptions options_;
  const core::Clock& clock_;
  Sleeper sleeper_;
  net::HttpClient http_;
  std::mutex mutex_;
  std::mt19937_64 random_;  // guarded by mutex_
};

}  // namespace freshwatch::connectors::snowflake
