// freshwatch validate: report every configuration problem at once, with file:line:column.
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"

namespace freshwatch::cli {
namespace {

struct ValidateOptions {
  std::string config = "freshwatch.yml";
};

int run_validate(const ValidateOptions& o) {
  start_logging("warn");
  auto config = load_config(o.config);
  if (!config) return kExitUsage;
  fmt::print("{}: ok ({} connection{}, {} polic{})\n", o.config, config->connections.size(),
             config->connections.size() == 1 ? "" : "s", config->policies.size(),
             config->policies.size() == 1 ? "y" : "ies");
  return kExitOk;
}

}  // namespace

void add_validate(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ValidateOptions>();
  auto* cmd = app.add_subcommand(
      "validate", "Check the configuration and list every problem with file:line:column; exit 2 "
                  "on any problem");
  cmd->add_option("-c,--config", o->config, "configuration file")->capture_default_str();
  cmd->callback([o, &exit_code] { exit_code = run_validate(*o); });
}

}  // namespace freshwatch::cli
