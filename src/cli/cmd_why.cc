// freshwatch why KEY: collect once, then print the path from the asset to each root cause of
// its staleness, with each hop's status and age.
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/why_report.h"

namespace freshwatch::cli {
namespace {

struct WhyOptions {
  std::string config = "freshwatch.yml";
  std::string key;
};

int run_why(const WhyOptions& o) {
  start_logging("warn");
  auto config = load_config(o.config);
  if (!config) return kExitUsage;
  core::SystemClock clock;
  auto runtime = wire(std::move(*config), clock, StoreUse::kIfPresent);
  if (!runtime) {
    fmt::print(stderr, "freshwatch why: {}\n", runtime.error().message);
    return kExitUsage;
  }
  auto& engine = *(*runtime)->engine;
  if (auto loaded = engine.load(); !loaded)
    fmt::print(stderr, "freshwatch why: the store could not be read ({}); carrying on\n",
               loaded.error().message);
  if (auto collected = engine.collect_once(); !collected)
    fmt::print(stderr, "freshwatch why: collection failed: {}\n", collected.error().message);
  const model::Snapshot snapshot = engine.evaluate_at(clock.now());
  const bool color = ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  auto text = render_why(snapshot, o.key, color);
  if (!text) {
    fmt::print(stderr, "freshwatch why: {}\n", text.error().message);
    return kExitUsage;
  }
  fmt::print("{}", *text);
  return kExitOk;
}

}  // namespace

void add_why(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<WhyOptions>();
  auto* cmd = app.add_subcommand(
      "why", "Collect once and show why an asset is stale: the path to each root cause upstream");
  cmd->add_option("key", o->key, "the asset's key, e.g. dbt:exposure.shop.revenue")->required();
  cmd->add_option("-c,--config", o->config, "configuration file")->capture_default_str();
  cmd->callback([o, &exit_code] { exit_code = run_why(*o); });
}

}  // namespace freshwatch::cli
