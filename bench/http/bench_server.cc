// http_bench_server: serves a synthetic snapshot of N leaf assets with freshwatch's HTTP server
// (an in-memory SQLite store with one API token), for load tests. Prints the token on the first
// line of stdout and "listening on PORT" on the second, then serves until SIGINT or SIGTERM.
//
//   http_bench_server --assets 10000 [--listen 127.0.0.1:0] [--threads 2] [--dump DIR]
//
// --dump DIR writes the bodies the benchmark requests (summary.json, assets.json, and their
// .gz forms) so nginx can serve the very same bytes as static files.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "core/log.h"
#include "http/api.h"
#include "http/auth.h"
#include "http/encoding.h"
#include "http/server.h"
#include "http/synthetic.h"
#include "store/sqlite/sqlite_store.h"

using namespace freshwatch;

int main(int argc, char** argv) {
  std::size_t assets = 10'000;
  std::string listen = "127.0.0.1:0";
  int threads = 2;
  std::string dump;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--assets") assets = std::stoul(value);
    else if (flag == "--listen") listen = value;
    else if (flag == "--threads") threads = std::stoi(value);
    else if (flag == "--dump") dump = value;
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  spdlog::set_level(spdlog::level::warn);
  core::SystemClock clock;
  auto snapshot =
      std::make_shared<const model::Snapshot>(http::synthetic_snapshot(assets, clock.now()));
  auto store = store::open_sqlite({.path = ":memory:"});
  if (!store) return 1;
  auto token = http::create_token(**store, "bench", clock);
  if (!token) return 1;

  http::ServerOptions options;
  options.listen = listen;
  options.threads = threads;
  // As `freshwatch serve` does: the view is built before the first request.
  http::Server server(options, nullptr, **store, clock);
  server.api().publish(snapshot);

  if (!dump.empty()) {
    std::filesystem::create_directories(dump);
    for (auto [target, file] : {std::pair{"/api/v1/summary", "summary.json"},
                                std::pair{"/api/v1/assets?limit=1000", "assets.json"}}) {
      http::Request req;
      req.method = "GET";
      req.target = target;
      std::string auth = "Bearer " + *token;
      req.authorization = auth;
      http::Response res = server.api().handle(req);
      std::ofstream(std::filesystem::path(dump) / file, std::ios::binary)
          .write(res.body.data(), static_cast<std::streamsize>(res.body.size()));
      req.accept_encoding = "gzip";
      http::Response gz = server.api().handle(req);
      std::ofstream(std::filesystem::path(dump) / (std::string(file) + ".gz"), std::ios::binary)
          .write(gz.body.data(), static_cast<std::streamsize>(gz.body.size()));
    }
  }

  auto port = server.start();
  if (!port) {
    std::cerr << port.error().message << "\n";
    return 1;
  }
  std::cout << *token << "\nlistening on " << *port << std::endl;
  http::wait_for_termination_signal();
  server.stop();
  return 0;
}
