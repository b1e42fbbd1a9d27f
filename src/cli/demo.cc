// freshwatch demo: generates a demo warehouse, its dbt project and its configuration in DIR,
// starts the BI layer (a stand-in of the Looker API on a loopback port, serving Looker content
// over the warehouse, demo_looker.h) for as long as the command runs, backfills 90 days of
// synthetic history, creates the user demo/demo, then serves (or, with --no-serve, checks once
// and prints the table).
#include <sodium.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/demo_dbt.h"
#include "cli/demo_looker.h"
#include "cli/demo_warehouse.h"
#include "cli/report.h"
#include "http/server.h"

namespace freshwatch::cli {
namespace {

namespace fs = std::filesystem;

struct DemoCommandOptions {
  std::string dir = "demo";
  std::string listen;
  bool no_serve = false;
  std::uint64_t seed = 42;
};

Result<std::string> hash_password(std::string_view password) {
  if (sodium_init() < 0) return fail(ErrorCode::kInternal, "libsodium could not start");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return fail(ErrorCode::kInternal, "not enough memory to hash a password");
  return std::string(out);
}

int run_demo(const DemoCommandOptions& o) {
  start_logging(o.no_serve ? "warn" : "info");
  if (!o.no_serve) block_termination_signals();
  core::SystemClock clock;
  DemoOptions options;
  options.dir = fs::absolute(o.dir);
  options.seed = o.seed;
  options.now = clock.now();
  if (!o.listen.empty()) options.listen = o.listen;

  const auto tables = plan_demo_tables(options);
  if (auto written = write_demo_warehouse(options, tables); !written) {
    fmt::print(stderr, "freshwatch demo: {}\n", written.error().message);
    return kExitUsage;
  }
  if (auto written = write_demo_dbt(options, tables); !written) {
    fmt::print(stderr, "freshwatch demo: {}\n", written.error().message);
    return kExitUsage;
  }
  // The BI layer, on loopback only; it stops when the command ends, after the engine that reads it.
  DemoLookerApi looker(plan_demo_looker(options, tables));
  http::ServerOptions looker_options;
  looker_options.listen = "127.0.0.1:0";
  looker_options.threads = 2;
  looker_options.name = "the demo's Looker API stand-in";
  http::Server looker_server(looker_options,
                             [&looker](const http::Request& r) { return looker.handle(r); });
  auto looker_port = looker_server.start();
  if (!looker_port) {
    fmt::print(stderr, "freshwatch demo: cannot start the Looker API stand-in: {}\n",
               looker_port.error().message);
    return kExitUsage;
  }
  const std::string looker_url = fmt::format("http://127.0.0.1:{}", *looker_port);

  const auto config_path = options.dir / "freshwatch.yml";
  {
    std::ofstream f(config_path);
    f << demo_config(options, demo_looker_config(looker_url));
    if (!f) {
      fmt::print(stderr, "freshwatch demo: cannot write {}\n", config_path.string());
      return kExitUsage;
    }
  }
  // A fresh store each time: the warehouse's ages are relative to now.
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(options.dir / (std::string("freshwatch.db") + suffix), ec);

  auto config = load_config(config_path.string());
  if (!config) return kExitUsage;
  auto runtime = wire(std::move(*config), clock, StoreUse::kReadWrite);
  if (!runtime) {
    fmt::print(stderr, "freshwatch demo: {}\n", runtime.error().message);
    return kExitUsage;
  }
  auto& rt = **runtime;
  const auto bi_assets = demo_looker_consumers(looker.content());
  if (auto filled = backfill_demo_history(*rt.store, options, tables,
                                          make_evaluator(rt.policies, rt.zone), 90, bi_assets);
      !filled) {
    fmt::print(stderr, "freshwatch demo: {}\n", filled.error().message);
    return kExitUsage;
  }
  auto hash = hash_password("demo");
  if (!hash) {
    fmt::print(stderr, "freshwatch demo: {}\n", hash.error().message);
    return kExitUsage;
  }
  if (auto put = rt.store->put_user({"demo", *hash, "admin"}); !put) {
    fmt::print(stderr, "freshwatch demo: cannot create the demo user: {}\n", put.error().message);
    return kExitUsage;
  }
  fmt::print("demo warehouse: {} ({} tables), configuration: {}\n",
             (options.dir / "warehouse.db").string(), tables.size(), config_path.string());
  fmt::print("BI layer: Looker dashboards and Looks over the warehouse, from a stand-in of the "
             "Looker API on {} (this machine only, while the demo runs)\n",
             looker_url);

  if (o.no_serve) {
    if (auto loaded = rt.engine->load(); !loaded)
      fmt::print(stderr, "freshwatch demo: {}\n", loaded.error().message);
    (void)rt.engine->collect_once();
    const auto snapshot = rt.engine->snapshot();
    const auto rows = select_leaves(*snapshot, std::nullopt);
    const bool color = ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
    fmt::print("{}", render_table(*snapshot, rows, color));
    return kExitOk;
  }
  return serve_until_signal(rt, o.listen, clock, [](const std::string& address) {
    if (address.empty()) {
      fmt::print("collecting every 5 minutes; stop with Ctrl-C\n");
    } else {
      fmt::print("freshwatch demo is running: open http://{} and sign in as demo / demo "
                 "(Ctrl-C stops it)\n",
                 address);
    }
    std::fflush(stdout);
  });
}

}  // namespace

void add_demo(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DemoCommandOptions>();
  auto* cmd = app.add_subcommand(
      "demo", "Generate a demo warehouse with every status in DIR, then watch and serve it");
  cmd->add_option("-d,--dir", o->dir, "folder for warehouse.db, freshwatch.yml and the store")
      ->capture_default_str();
  cmd->add_option("-l,--listen", o->listen, "HOST:PORT to serve on (default 127.0.0.1:8080)");
  cmd->add_flag("--no-serve", o->no_serve, "check once, print the table and exit");
  cmd->add_option("--seed", o->seed, "seed of the generated data")->capture_default_str();
  cmd->callback([o, &exit_code] { exit_code = run_demo(*o); });
}

}  // namespace freshwatch::cli
