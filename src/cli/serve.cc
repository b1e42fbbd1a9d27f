// freshwatch serve: the scheduler loop over every connection, the store, and the HTTP server.
#include <signal.h>

#include <memory>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/memory.h"

#include "http/server.h"

namespace freshwatch::cli {
namespace {

struct ServeOptions {
  std::string config = "freshwatch.yml";
  std::string listen;
};

int run_serve(const ServeOptions& o) {
  start_logging("info");
  block_termination_signals();
  auto config = load_config(o.config);
  if (!config) return kExitUsage;
  core::SystemClock clock;
  auto runtime = wire(std::move(*config), clock, StoreUse::kReadWrite);
  if (!runtime) {
    fmt::print(stderr, "freshwatch serve: {}\n", runtime.error().message);
    return kExitUsage;
  }
  return serve_until_signal(**runtime, o.listen, clock);
}

}  // namespace

void block_termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int serve_until_signal(Runtime& runtime, const std::string& listen, const core::Clock& clock,
                       const std::function<void(const std::string&)>& on_listening) {
  auto& engine = *runtime.engine;
  // Every published snapshot updates the incidents; a sender thread delivers their notices.
  std::jthread sender;
  if (runtime.alerts) {
    auto& alerts = *runtime.alerts;
    if (auto loaded = alerts.load(); !loaded) {
      spdlog::error("cannot read the incidents from the store: {}", loaded.error().message);
      return kExitUsage;
    }
    engine.on_publish([&alerts](const std::shared_ptr<const model::Snapshot>& snapshot) {
      if (auto observed = alerts.observe(*snapshot); !observed)
        spdlog::warn("incidents not updated: {}", observed.error().message);
    });
    sender = std::jthread([&alerts](std::stop_token stop) { alerts.run(stop); });
  }
  // The HTTP server serves the views a ViewBuilder publishes: each snapshot's indexes are built
  // on the builder's thread, off the engine's publishing thread and off requests' paths, and
  // /readyz says 503 until the first one is built.
  auto options = http::ServerOptions::from_config(runtime.config.server);
  if (!listen.empty()) options.listen = listen;
  // The asset page shows the policy the evaluator picked (make_evaluator: the same for_asset()).
  options.api.policy_for = [policies = runtime.policies](const model::Asset& asset) {
    return std::optional<model::Policy>(policies->for_asset(asset));
  };
  http::Server server(options, nullptr, *runtime.store, clock);
  // Once a new view is in, what the previous snapshot held goes back to the system.
  http::ViewBuilder views(server.api(), core::return_free_memory);
  engine.on_publish([&views](const std::shared_ptr<const model::Snapshot>& snapshot) {
    views.hand(snapshot);
  });

  if (auto loaded = engine.load(); !loaded) {
    spdlog::error("cannot read the store: {}", loaded.error().message);
    return kExitUsage;
  }
  std::jthread loop([&engine](std::stop_token stop) { engine.run(stop); });
  spdlog::info("watching {} connection{}; store {}", runtime.config.connections.size(),
               runtime.config.connections.size() == 1 ? "" : "s", runtime.config.store.sqlite);

  auto port = server.start();
  if (!port) {
    spdlog::error("cannot serve on {}: {}", options.listen, port.error().message);
    loop.request_stop();
    return kExitUsage;
  }
  auto bound = http::parse_listen(options.listen);
  const std::string address =
      fmt::format("{}:{}", bound && !bound->first.empty() ? bound->first : "0.0.0.0", *port);
  if (on_listening) on_listening(address);

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal = 0;
  sigwait(&set, &signal);
  spdlog::info("received {}; stopping", signal == SIGINT ? "SIGINT" : "SIGTERM");
  server.stop();
  loop.request_stop();
  loop.join();
  if (sender.joinable()) {
    sender.request_stop();
    sender.join();
  }
  spdlog::info("stopped");
  return kExitOk;
}

void add_serve(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand(
      "serve", "Collect on every connection's schedule, keep history in the store and serve the "
               "status page and API until SIGTERM or SIGINT");
  cmd->add_option("-c,--config", o->config, "configuration file")->capture_default_str();
  cmd->add_option("-l,--listen", o->listen, "HOST:PORT to serve on (default: server.listen)");
  cmd->callback([o, &exit_code] { exit_code = run_serve(*o); });
}

}  // namespace freshwatch::cli
