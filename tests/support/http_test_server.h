// An in-process HTTP/1.1 server on 127.0.0.1 (bound to port 0), plain or TLS, for tests of
// HTTP clients: a handler decides each answer; the server records every request and counts
// the TCP connections it accepted, and can answer late or stall in the middle of a body.
// Keep-alive follows the client's request, as a real server's does.
//
// Thread contract: one thread per connection calls the handler, so a handler that keeps state
// locks it. requests() and connections() may be read from any thread. The destructor closes
// every connection (ending stalls and delays) and joins the threads.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace freshwatch::testing {

struct ServerRequest {
  std::string method;
  std::string target;  // as sent: "/path?q", or "http://host/path" through a proxy
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int connection = 0;  // which accepted TCP connection carried it, from 0

  // The first header of that name (case-insensitive), or empty.
  std::string header(std::string_view name) const;
};

struct ServerReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // before answering
  // Sends the headers (announcing the whole body) and this many bytes of the body, then holds
  // the connection open without sending more until the server is destroyed.
  std::optional<std::size_t> stall_after;
};

// A throwaway certificate authority and a server certificate it signed, for 127.0.0.1 and
// localhost, made with openssl in `dir`. `error` says what failed (openssl missing, ...).
struct TestCertificates {
  std::filesystem::path ca;    // PEM, to trust as ca_file
  std::filesystem::path cert;  // the server's
  std::filesystem::path key;
  std::string error;
};
TestCertificates make_test_certificates(const std::filesystem::path& dir);

class HttpTestServer {
 public:
  using Handler = std::function<ServerReply(const ServerRequest&)>;

  // TLS with `tls`'s certificate and key when given.
  explicit HttpTestServer(Handler handler, const TestCertificates* tls = nullptr);
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  int port() const;
  // "http://127.0.0.1:PORT" (or https) followed by `path`.
  std::string url(std::string_view path = "/") const;
  int connections() const;
  std::vector<ServerRequest> requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace freshwatch::testing
