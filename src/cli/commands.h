// The subcommands of the freshwatch binary, one file each. Each registers itself on the CLI11
// app; its callback stores the process exit code (see common.h) in `exit_code`.
//
// Thread contract: called once, from main().
#pragma once

#include <CLI/CLI.hpp>

namespace freshwatch::cli {

void add_check(CLI::App& app, int& exit_code);
void add_collect(CLI::App& app, int& exit_code);
void add_validate(CLI::App& app, int& exit_code);
void add_serve(CLI::App& app, int& exit_code);
void add_demo(CLI::App& app, int& exit_code);
void add_why(CLI::App& app, int& exit_code);
void add_users(CLI::App& app, int& exit_code);
void add_tokens(CLI::App& app, int& exit_code);
void add_incidents(CLI::App& app, int& exit_code);

}  // namespace freshwatch::cli
