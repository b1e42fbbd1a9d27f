// What the subcommands share: exit codes, loading the configuration (problems printed with
// file:line:column), and wiring connectors, store, policies and engine from a Config.
//
// Thread contract: called from main()'s thread; a Runtime is owned by one subcommand.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alerts/service.h"
#include "config/config.h"
#include "config/load.h"
#include "core/clock.h"
#include "core/result.h"
#include "engine/engine.h"
#include "policy/policy_set.h"
#include "store/store.h"

namespace freshwatch::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailOn = 1;  // something at or above --fail-on; a failed collection
inline constexpr int kExitUsage = 2;   // usage or configuration error

// The --log-level given on the command line (empty: each command's default).
void set_log_level(std::string level);
void start_logging(std::string_view default_level);

// Every problem of the configuration file, including those only the connector types find
// (an unknown naive_timezone, a mode the type does not have). Empty when it is valid.
std::vector<config::Diagnostic> validate(const config::LoadResult& loaded);

// Loads and validates `path`; on problems prints each to stderr and returns empty.
std::optional<config::Config> load_config(const std::string& path);

// Judges an asset with the policy the set picks for it, in `tz` (calendar days).
engine::Evaluator make_evaluator(std::shared_ptr<const policy::PolicySet> policies,
                                 const date::time_zone* tz);
std::shared_ptr<const policy::PolicySet> make_policies(const config::Config& config);

// A connection's cron schedule, read in `tz`.
Result<engine::NextOccurrence> make_schedule(std::string_view cron, const date::time_zone* tz);

enum class StoreUse {
  kNone,        // no store at all
  kIfPresent,   // read the store when its file exists, never write (`check`)
  kReadWrite,   // open or create it, persist every run
};

// Everything a command runs: the store (may be null), the policies and the engine over every
// configured connection. Members are destroyed engine first.
struct Runtime {
  config::Config config;
  const date::time_zone* zone = nullptr;
  std::unique_ptr<store::Store> store;
  std::shared_ptr<const policy::PolicySet> policies;
  // Incidents and their notifications, with a store that is written (serve, demo); declared
  // before the engine, whose snapshots it observes, so it outlives it.
  std::unique_ptr<alerts::AlertService> alerts;
  std::unique_ptr<engine::Engine> engine;
};

Result<std::unique_ptr<Runtime>> wire(config::Config config, const core::Clock& clock,
                                      StoreUse store_use);

Result<std::unique_ptr<store::Store>> open_store(const config::Config& config);

}  // namespace freshwatch::cli

namespace freshwatch::cli {

// Runs the scheduler loop (and the HTTP server, when this build has one) until SIGINT or
// SIGTERM; then stops gracefully: the server finishes its requests, in-flight collections are
// cancelled, and everything committed stays in the store. `listen` overrides server.listen.
// `on_listening` is called with the bound address once serving. Returns the exit code.
int serve_until_signal(Runtime& runtime, const std::string& listen, const core::Clock& clock,
                       const std::function<void(const std::string& address)>& on_listening = {});

// Blocks SIGINT and SIGTERM in the calling thread (and the threads it starts later), so
// serve_until_signal() can wait for them; call before starting any thread.
void block_termination_signals();

}  // namespace freshwatch::cli
