// freshwatch check: collect once, evaluate (as of --as-of when given), print a table or JSON,
// and exit 1 when any selected asset is at or above --fail-on.
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/report.h"
#include "core/time.h"

namespace freshwatch::cli {
namespace {

struct CheckOptions {
  std::string config = "freshwatch.yml";
  std::optional<std::string> select;
  std::string format = "table";
  std::string fail_on = "error";
  std::string as_of;
};

int run_check(const CheckOptions& o) {
  start_logging("warn");
  std::optional<model::Selector> select;
  if (o.select) {
    auto s = model::parse_selector(*o.select);
    if (!s) {
      fmt::print(stderr, "freshwatch check: --select: {}\n", s.error().message);
      return kExitUsage;
    }
    select = *s;
  }
  std::optional<core::TimePoint> as_of;
  if (!o.as_of.empty()) {
    auto t = core::parse_timestamp(o.as_of);
    if (!t) {
      fmt::print(stderr, "freshwatch check: --as-of: {} (write 2024-05-01T06:00:00Z)\n",
                 t.error().message);
      return kExitUsage;
    }
    as_of = *t;
  }
  const auto fail_on = *model::parse_status(o.fail_on);

  auto config = load_config(o.config);
  if (!config) return kExitUsage;
  core::SystemClock clock;
  auto runtime = wire(std::move(*config), clock, StoreUse::kIfPresent);
  if (!runtime) {
    fmt::print(stderr, "freshwatch check: {}\n", runtime.error().message);
    return kExitUsage;
  }
  auto& engine = *(*runtime)->engine;
  if (auto loaded = engine.load(); !loaded)
    fmt::print(stderr, "freshwatch check: the store could not be read ({}); carrying on\n",
               loaded.error().message);
  if (auto collected = engine.collect_once(); !collected)
    fmt::print(stderr, "freshwatch check: collection failed: {}\n", collected.error().message);

  const model::Snapshot snapshot = engine.evaluate_at(as_of.value_or(clock.now()));
  const auto rows = select_leaves(snapshot, select);
  const bool failed = std::any_of(rows.begin(), rows.end(), [&](const auto* s) {
    return at_or_above(s->evaluation.status, fail_on);
  });
  if (o.format == "json") {
    fmt::print("{}", render_json(snapshot, rows, fail_on, failed));
  } else {
    const bool color = ::isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
    fmt::print("{}", render_table(snapshot, rows, color));
  }
  return failed ? kExitFailOn : kExitOk;
}

}  // namespace

void add_check(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand(
      "check", "Collect once, judge every asset and print the result; exit 1 when something is "
               "at or above --fail-on");
  cmd->add_option("-c,--config", o->config, "configuration file")->capture_default_str();
  cmd->add_option("-s,--select", o->select,
                  "only these assets: a key glob, tag:NAME, owner:NAME, connection:NAME, kind:KIND");
  cmd->add_option("-f,--format", o->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd->add_option("--fail-on", o->fail_on,
                  "exit 1 when an asset is at or above: warn, error, or unknown (anything not fresh)")
      ->check(CLI::IsMember({"warn", "error", "unknown"}))
      ->capture_default_str();
  cmd->add_option("--as-of", o->as_of, "judge as if it were this time (ISO 8601)");
  cmd->callback([o, &exit_code] { exit_code = run_check(*o); });
}

}  // namespace freshwatch::cli
