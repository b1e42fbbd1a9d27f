// Server: freshwatch's HTTP server (Boost.Beast's parser over Asio). HTTP/1.1 with keep-alive;
// every request is answered by one handler: freshwatch's Api (api.h), which the Server then
// owns, or any Handler given to it (a local stand-in of another service's API, for the demo and
// tests).
//
// Threads: `threads` I/O threads, each running its own io_context with the connections it was
// given (no locks or strands between them), and one listener thread that accepts every pending
// connection when woken and hands them to the I/O threads in turn. A connection stays on its
// thread; a handler runs on it and holds up that thread's other connections while it runs (the
// Api's cached routes take microseconds; its first request after a new snapshot builds indexes).
// A response is written as one gather write of its header and body, with TCP_NODELAY.
//
// Limits: request headers and bodies are bounded (431 / 413), a connection waiting for a
// request is closed after `idle_timeout`, and a request must arrive within `request_timeout`
// (and its answer be written within it). Each connection keeps one deadline, which a timer per
// I/O thread checks every min(idle_timeout, request_timeout) / 8 (5 ms to 1 s): no timer is
// armed per request. stop() is graceful: the listener closes, idle connections close, requests
// already being read or answered are finished (with "Connection: close"), then the threads end.
//
// Thread contract: start() and stop() are called from one controlling thread; stop() blocks
// until the server has stopped and may be called more than once. The Server borrows the store
// and the clock, which must outlive it. A Handler is called from the server's I/O threads,
// several at once; it must be safe for that and outlive the Server.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "config/config.h"
#include "core/clock.h"
#include "core/result.h"
#include "http/api.h"
#include "store/store.h"

namespace freshwatch::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free port
  int threads = 2;  // I/O threads (at least 1), besides the listener's
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1 << 20;
  core::Duration request_timeout = std::chrono::seconds(30);
  core::Duration idle_timeout = std::chrono::seconds(75);
  // How long stop() lets in-flight requests finish before closing their connections.
  core::Duration shutdown_grace = std::chrono::seconds(10);
  ApiOptions api;
  // What the log lines call this server ("serving <name> on http://..."); empty for freshwatch's.
  std::string name;

  // Options from the `server:` section of freshwatch.yml (threads 0: the hardware's
  // concurrency, at least 2).
  static ServerOptions from_config(const config::ServerConfig& config);
};

// Answers one request; `options.api` is not used by a Server built with one.
using Handler = std::function<Response(const Request&)>;

class Server {
 public:
  // Serves freshwatch's Api, built from `options.api` and owned by the Server.
  Server(ServerOptions options, SnapshotSource snapshots, store::Store& store,
         const core::Clock& clock);
  // Serves `handler`.
  Server(ServerOptions options, Handler handler);
  ~Server();  // stops
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving; returns the bound port. kInvalidArgument for a listen address
  // that cannot be read, kUnavailable when the address cannot be bound.
  Result<int> start();
  void stop();

  int port() const;
  // The Api this Server was built with; only for a Server built from a snapshot source.
  Api& api();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "127.0.0.1:8080", "[::1]:8080", ":8080" (all interfaces), "localhost:0".
Result<std::pair<std::string, int>> parse_listen(std::string_view listen);

// Blocks until SIGINT or SIGTERM arrives (for `freshwatch serve`); returns the signal number.
int wait_for_termination_signal();

}  // namespace freshwatch::http
