// freshwatch collect: collect every connection once and persist the runs in the store.
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/time.h"

namespace freshwatch::cli {
namespace {

struct CollectOptions {
  std::string config = "freshwatch.yml";
};

int run_collect(const CollectOptions& o) {
  start_logging("warn");
  auto config = load_config(o.config);
  if (!config) return kExitUsage;
  core::SystemClock clock;
  auto runtime = wire(std::move(*config), clock, StoreUse::kReadWrite);
  if (!runtime) {
    fmt::print(stderr, "freshwatch collect: {}\n", runtime.error().message);
    return kExitUsage;
  }
  auto& engine = *(*runtime)->engine;
  if (auto loaded = engine.load(); !loaded) {
    fmt::print(stderr, "freshwatch collect: {}\n", loaded.error().message);
    return kExitUsage;
  }
  const auto collected = engine.collect_once();
  const auto snapshot = engine.snapshot();
  for (const auto& c : snapshot->connections) {
    if (c.error.empty())
      fmt::print("{}: {} assets collected\n", c.name, c.asset_count);
    else
      fmt::print("{}: failed: {}\n", c.name, c.error);
  }
  fmt::print("stored in {}\n", (*runtime)->config.store.sqlite);
  return collected ? kExitOk : kExitFailOn;
}

}  // namespace

void add_collect(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CollectOptions>();
  auto* cmd = app.add_subcommand(
      "collect", "Collect every connection once and store the result; exit 1 when a connection "
                 "failed");
  cmd->add_option("-c,--config", o->config, "configuration file")->capture_default_str();
  cmd->callback([o, &exit_code] { exit_code = run_collect(*o); });
}

}  // namespace freshwatch::cli
