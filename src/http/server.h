// Server: freshwatch's HTTP server (Boost.Beast over Asio). HTTP/1.1 with keep-alive, served by
// a small pool of threads running one io_context; every request is answered by Api (api.h).
//
// Limits: request headers and bodies are bounded (431 / 413), a connection waiting for a
// request is closed after `idle_timeout`, and a request must arrive within `request_timeout`.
// stop() is graceful: the listener closes, idle connections close, requests already being read
// or answered are finished (with "Connection: close"), then the threads end.
//
// Thread contract: start() and stop() are called from one controlling thread; stop() blocks
// until the server has stopped and may be called more than once. The Server borrows the store
// and the clock, which must outlive it.
#pragma once

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
  int threads = 2;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1 << 20;
  core::Duration request_timeout = std::chrono::seconds(30);
  core::Duration idle_timeout = std::chrono::seconds(75);
  // How long stop() lets in-flight requests finish before closing their connections.
  core::Duration shutdown_grace = std::chrono::seconds(10);
  ApiOptions api;

  // Options from the `server:` section of freshwatch.yml (threads 0: the hardware's
  // concurrency, at least 2).
  static ServerOptions from_config(const config::ServerConfig& config);
};

class Server {
 public:
  Server(ServerOptions options, SnapshotSource snapshots, store::Store& store,
         const core::Clock& clock);
  ~Server();  // stops
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving; returns the bound port. kInvalidArgument for a listen address
  // that cannot be read, kUnavailable when the address cannot be bound.
  Result<int> start();
  void stop();

  int port() const;
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
