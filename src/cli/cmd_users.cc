// freshwatch users add NAME [--password-stdin] [--config FILE]: adds a user of the private
// status page (or sets a new password for an existing one). The password is read from stdin
// with --password-stdin (one line), or prompted for twice without echo on a terminal. It is
// stored only as an argon2id hash.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "http/auth.h"

namespace freshwatch::cli {
namespace {

struct UsersAddOptions {
  std::string config = "freshwatch.yml";
  std::string name;
  bool password_stdin = false;
};

std::string read_line(std::istream& in) {
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// Reads a line from the terminal with echo turned off.
std::string prompt_hidden(const char* prompt) {
  fmt::print(stderr, "{}", prompt);
  std::fflush(stderr);
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string line = read_line(std::cin);
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  fmt::print(stderr, "\n");
  return line;
}

int run_users_add(const UsersAddOptions& o) {
  std::string password;
  if (o.password_stdin) {
    password = read_line(std::cin);
  } else if (isatty(STDIN_FILENO)) {
    password = prompt_hidden(fmt::format("Password for {}: ", o.name).c_str());
    if (prompt_hidden("Again: ") != password) {
      fmt::print(stderr, "freshwatch: the passwords differ; nothing was changed\n");
      return kExitUsage;
    }
  } else {
    fmt::print(stderr, "freshwatch: stdin is not a terminal; pass the password on stdin with "
                       "--password-stdin\n");
    return kExitUsage;
  }
  if (password.empty()) {
    fmt::print(stderr, "freshwatch: the password must not be empty\n");
    return kExitUsage;
  }
  auto config = load_config(o.config);
  if (!config) return kExitUsage;
  auto store = open_store(*config);
  if (!store) {
    fmt::print(stderr, "freshwatch: {}\n", store.error().message);
    return kExitUsage;
  }
  auto added = http::add_user(**store, o.name, password);
  if (!added) {
    fmt::print(stderr, "freshwatch: {}\n", added.error().message);
    return added.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailOn;
  }
  fmt::print(stderr, "user '{}' can now sign in\n", o.name);
  return kExitOk;
}

}  // namespace

void add_users(CLI::App& app, int& exit_code) {
  auto* users = app.add_subcommand("users", "Manage the users of the status page");
  users->require_subcommand(1);
  auto o = std::make_shared<UsersAddOptions>();
  auto* add = users->add_subcommand("add", "Add a user, or set a new password for one");
  add->add_option("NAME", o->name, "User name")->required();
  add->add_option("-c,--config", o->config, "Configuration file")->capture_default_str();
  add->add_flag("--password-stdin", o->password_stdin,
                "Read the password from stdin (one line) instead of prompting");
  add->callback([o, &exit_code] {
    start_logging("warn");
    exit_code = run_users_add(*o);
  });
}

}  // namespace freshwatch::cli
