// freshwatch why KEY: an asset's status and, when something upstream is stale, the sources to
// blame with the lineage path from each to the asset.
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/time.h"
#include "lineage/graph.h"

namespace freshwatch::cli {
namespace {

struct WhyOptions {
  std::string config = "freshwatch.yml";
  std::string key;
};

std::string describe(const model::AssetState& s) {
  std::string out = fmt::format("{} is {}", s.asset.key, model::to_string(s.evaluation.status));
  if (!s.evaluation.reason.empty()) out += fmt::format(": {}", s.evaluation.reason);
  if (!s.evaluation.error.empty() && s.evaluation.reason.find(s.evaluation.error) == std::string::npos)
    out += fmt::format(" ({})", s.evaluation.error);
  return out;
}

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
      if (s.asset.key.find(o.key) != std::string::npos && similar.size() < 200)
        similar += (similar.empty() ? "" : ", ") + s.asset.key;
    fmt::print(stderr, "freshwatch why: no asset '{}'{}\n", o.key,
               similar.empty() ? "; `freshwatch check` lists every key"
                               : fmt::format("; did you mean: {}", similar));
    return kExitUsage;
  }
  fmt::print("{}\n", describe(*asset));
  if (!asset->impacted) {
    bool has_upstream = false;
    for (const auto& e : snapshot->edges) has_upstream |= e.downstream == o.key;
    fmt::print("{}\n", has_upstream ? "nothing upstream of it is stale"
                                    : "no lineage is known for it (no upstream assets)");
    return kExitOk;
  }
  std::vector<std::string> keys;
  for (const auto& s : snapshot->assets) keys.push_back(s.asset.key);
  const lineage::Graph graph(keys, snapshot->edges);
  fmt::print("upstream, to blame:\n");
  for (const auto& cause : asset->root_causes) {
    const auto* c = snapshot->find(cause);
    fmt::print("  {}\n", c ? describe(*c) : cause);
    const auto path = graph.path(o.key, cause);
    if (path.size() > 1) {
      std::string chain;
      for (auto it = path.rbegin(); it != path.rend(); ++it)
        chain += (chain.empty() ? "" : " -> ") + *it;
      fmt::print("    via {}\n", chain);
    }
  }
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
