// freshwatch tokens create --name NAME [--config FILE]: creates an API token for
// `Authorization: Bearer`. Prints only the token on stdout, once; the store keeps its SHA-256.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "http/auth.h"

namespace freshwatch::cli {
namespace {

struct TokensCreateOptions {
  std::string config = "freshwatch.yml";
  std::string name;
};

int run_tokens_create(const TokensCreateOptions& o) {
  auto config = load_config(o.config);
  if (!config) return kExitUsage;
  auto store = open_store(*config);
  if (!store) {
    fmt::print(stderr, "freshwatch: {}\n", store.error().message);
    return kExitUsage;
  }
  auto token = http::create_token(**store, o.name);
  if (!token) {
    fmt::print(stderr, "freshwatch: {}\n", token.error().message);
    return token.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailOn;
  }
  fmt::print("{}\n", *token);
  fmt::print(stderr, "token '{}' created; it is shown only this once. Send it as "
                     "'Authorization: Bearer <token>'.\n", o.name);
  return kExitOk;
}

}  // namespace

void add_tokens(CLI::App& app, int& exit_code) {
  auto* tokens = app.add_subcommand("tokens", "Manage API tokens");
  tokens->require_subcommand(1);
  auto o = std::make_shared<TokensCreateOptions>();
  auto* create = tokens->add_subcommand("create", "Create an API token and print it");
  create->add_option("-n,--name", o->name, "What the token is for, e.g. 'grafana'")->required();
  create->add_option("-c,--config", o->config, "Configuration file")->capture_default_str();
  create->callback([o, &exit_code] {
    start_logging("warn");
    exit_code = run_tokens_create(*o);
  });
}

}  // namespace freshwatch::cli
