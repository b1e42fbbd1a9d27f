#include "cli/common.h"

#include <filesystem>

#include <fmt/format.h>

#include "connectors/connector.h"
#include "core/cron.h"
#include "core/log.h"
#include "core/time.h"
#include "policy/evaluate.h"
#include "store/sqlite/sqlite_store.h"

namespace freshwatch::cli {
namespace {

std::string& log_level_override() {
  static std::string level;
  return level;
}

}  // namespace

void set_log_level(std::string level) { log_level_override() = std::move(level); }

void start_logging(std::string_view default_level) {
  const auto& level = log_level_override();
  core::init_logging(level.empty() ? default_level : std::string_view(level));
}

std::vector<config::Diagnostic> validate(const config::LoadResult& loaded) {
  auto problems = loaded.problems;
  if (!problems.empty()) return problems;
  connectors::register_all();
  // The loader has reported unknown types; what is left is what a connector refuses.
  for (const auto& c : loaded.config.connections) {
    if (auto connector = connectors::create(c); !connector)
      problems.push_back({c.location, connector.error().message, ""});
  }
  return problems;
}

std::optional<config::Config> load_config(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    fmt::print(stderr,
               "freshwatch: no configuration file '{}'; pass --config FILE, or run `freshwatch "
               "demo --dir demo` to generate an example\n",
               path);
    return std::nullopt;
  }
  connectors::register_all();  // the loader reads each connection type's keys
  auto loaded = config::load_file(path);
  auto problems = validate(loaded);
  if (problems.empty()) return std::move(loaded.config);
  for (const auto& p : problems) fmt::print(stderr, "{}\n", p.to_string());
  fmt::print(stderr, "{} problem{} in {}\n", problems.size(), problems.size() == 1 ? "" : "s",
             path);
  return std::nullopt;
}

std::shared_ptr<const policy::PolicySet> make_policies(const config::Config& config) {
  std::vector<policy::PolicySet::Entry> entries;
  for (const auto& p : config.policies) entries.push_back({p.select, p.policy});
  return std::make_shared<const policy::PolicySet>(std::move(entries), config.default_policy);
}

engine::Evaluator make_evaluator(std::shared_ptr<const policy::PolicySet> policies,
                                 const date::time_zone* tz) {
  return [policies = std::move(policies), tz](const model::Asset& asset,
                                              std::span<const model::Observation> observations,
                                              core::TimePoint now) {
    return policy::evaluate(policies->for_asset(asset), observations, now, tz);
  };
}

Result<engine::NextOccurrence> make_schedule(std::string_view cron, const date::time_zone* tz) {
  auto schedule = core::CronSchedule::parse(cron);
  if (!schedule) return std::unexpected(schedule.error());
  return engine::NextOccurrence(
      [schedule = *schedule, tz](core::TimePoint after) { return schedule.next_after(after, tz); });
}

Result<std::unique_ptr<store::Store>> open_store(const config::Config& config) {
  store::SqliteOptions options;
  options.path = config.store.sqlite;
  options.timezone = config.timezone;
  options.observation_retention = config.store.observation_retention;
  auto store = store::open_sqlite(options);
  if (!store)
    return std::unexpected(store.error().with_context(fmt::format("store '{}'", options.path)));
  return store;
}

Result<std::unique_ptr<Runtime>> wire(config::Config config, const core::Clock& clock,
                                      StoreUse store_use) {
  connectors::register_all();
  auto runtime = std::make_unique<Runtime>();
  auto zone = core::find_zone(config.timezone);
  if (!zone) return std::unexpected(zone.error());
  runtime->zone = *zone;

  std::vector<engine::ConnectionSetup> setups;
  for (const auto& c : config.connections) {
    auto connector = connectors::create(c);
    if (!connector) return std::unexpected(connector.error());
    auto schedule = make_schedule(c.schedule, runtime->zone);
    if (!schedule)
      return std::unexpected(schedule.error().with_context(fmt::format("connection '{}'", c.name)));
    setups.push_back({c.name, c.type, std::move(*connector), std::move(*schedule),
                      engine::ScheduleOptions::from(c)});
  }

  std::error_code ec;
  const bool store_exists = std::filesystem::exists(config.store.sqlite, ec);
  if (store_use == StoreUse::kReadWrite || (store_use == StoreUse::kIfPresent && store_exists)) {
    auto store = open_store(config);
    if (!store) return std::unexpected(store.error());
    runtime->store = std::move(*store);
  }
  runtime->policies = make_policies(config);
  if (store_use == StoreUse::kReadWrite) {
    auto alerts = alerts::AlertService::make(config, *runtime->store, clock);
    if (!alerts) return std::unexpected(alerts.error());
    runtime->alerts = std::move(*alerts);
  }
  engine::EngineOptions options;
  options.timezone = config.timezone;
  options.persist = store_use == StoreUse::kReadWrite;
  runtime->engine = std::make_unique<engine::Engine>(
      options, std::move(setups), runtime->store.get(),
      make_evaluator(runtime->policies, runtime->zone), clock);
  runtime->config = std::move(config);
  return runtime;
}

}  // namespace freshwatch::cli
