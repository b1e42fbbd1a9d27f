// freshwatch: one binary; `freshwatch --help` lists the subcommands.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/memory.h"

int main(int argc, char** argv) {
  using namespace freshwatch;
  core::tune_allocator();
  CLI::App app{"freshwatch: is my data fresh, and if not, which source is to blame?"};
  app.set_version_flag("--version", std::string("freshwatch ") + FRESHWATCH_VERSION);
  app.require_subcommand(1);
  std::string log_level;
  app.add_option("--log-level", log_level,
                 "debug, info, warn or error; logs go to stderr (default: info for serve and "
                 "demo, warn otherwise)")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  app.parse_complete_callback([&] { cli::set_log_level(log_level); });
  int exit_code = cli::kExitOk;
  cli::add_check(app, exit_code);
  cli::add_collect(app, exit_code);
  cli::add_validate(app, exit_code);
  cli::add_serve(app, exit_code);
  cli::add_demo(app, exit_code);
  cli::add_why(app, exit_code);
  cli::add_users(app, exit_code);
  cli::add_tokens(app, exit_code);
  cli::add_incidents(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? cli::kExitOk : cli::kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "freshwatch: {}\n", e.what());
    return cli::kExitUsage;
  }
  return exit_code;
}
