// freshwatch why KEY: an asset's status and, when something upstream is stale, the sources to
// blame with the lineage path from each to the asset.
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/why_report.h"
#include "core/time.h"

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
  (void)engine.load();
  if (auto collected = engine.collect_once(); !collected)
    fmt::print(stderr, "freshwatch why: collection failed: {}\n", collected.error().message);
  const auto snapshot = engine.snapshot();
  const auto* asset = snapshot ? snapshot->find(o.key) : nullptr;
  if (!asset) {
    std::string similar;
    for (const auto& s : snapshot ? snapshot->assets : std::vector<model::AssetState>{})
      if (s.asset->key.find(o.key) != std::string::npos && similar.size() < 200)
        similar += (similar.empty() ? "" : ", ") + s.asset->key;
    fmt::print(stderr, "freshwatch why: no asset '{}'{}\n", o.key,
               similar.empty() ? "; `freshwatch check` lists every key"
                               : fmt::format("; did you mean: {}", similar));
    return kExitUsage;
  }
  // The path to each root cause, with every hop's status and age.
  const bool color = ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  auto text = render_why(*snapshot, o.key, color);
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
      "why", "Explain an asset's status: its reason and the stale upstream sources to blame");
  cmd->add_option("-c,--config", o->config, "configuration file")->capture_default_str();
  cmd->add_option("key", o->key, "asset key, e.g. warehouse:analytics.public.orders")->required();
  cmd->callback([o, &exit_code] { exit_code = run_why(*o); });
}

}  // namespace freshwatch::cli
