#include "cli/demo_warehouse.h"

#include "cli/demo_dbt.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/cron.h"
#include "core/time.h"
#include "model/asset.h"
#include "store/rollup.h"

namespace freshwatch::cli {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// splitmix64: a deterministic stream of numbers from a seed, the same on every platform.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
double unit(std::uint64_t x) { return static_cast<double>(mix(x) >> 11) * 0x1.0p-53; }

enum class Age { kToday, kSinceDeadline, kHours, kDays, kNone };

struct Spec {
  const char* schema;
  const char* name;
  DemoColumn column;
  Age age;
  double amount;  // hours or days
};

// The demo warehouse. Sales is judged by thresholds (warn after 6 h, error after 2 d), finance
// by a deadline (daily 06:00 Europe/Berlin, 30 min grace), everything else by the calendar.
constexpr Spec kSpecs[] = {
    {"main", "etl_runs", DemoColumn::kText, Age::kToday, 0},
    {"main", "audit_log", DemoColumn::kText, Age::kDays, 5},
    {"sales", "orders", DemoColumn::kText, Age::kToday, 0},
    {"sales", "order_items", DemoColumn::kText, Age::kToday, 0},
    {"sales", "payments", DemoColumn::kText, Age::kHours, 1},
    {"sales", "customers", DemoColumn::kText, Age::kHours, 3},
    {"sales", "carts", DemoColumn::kText, Age::kHours, 9},
    {"sales", "refunds", DemoColumn::kText, Age::kHours, 30},
    {"sales", "invoices", DemoColumn::kText, Age::kDays, 4},
    {"sales", "shipments", DemoColumn::kText, Age::kToday, 0},
    {"sales", "subscriptions", DemoColumn::kText, Age::kDays, 12},
    {"sales", "discounts", DemoColumn::kNone, Age::kNone, 0},
    {"marketing", "campaigns", DemoColumn::kText, Age::kToday, 0},
    {"marketing", "ad_spend", DemoColumn::kText, Age::kDays, 2},
    {"marketing", "email_events", DemoColumn::kText, Age::kToday, 0},
    {"marketing", "web_sessions", DemoColumn::kText, Age::kToday, 0},
    {"marketing", "newsletter_signups", DemoColumn::kText, Age::kToday, 0},
    {"marketing", "leads", DemoColumn::kText, Age::kDays, 15},
    {"marketing", "social_posts", DemoColumn::kText, Age::kDays, 60},
    {"marketing", "attribution", DemoColumn::kText, Age::kDays, 130},
    {"marketing", "utm_codes", DemoColumn::kNone, Age::kNone, 0},
    {"finance", "gl_entries", DemoColumn::kText, Age::kSinceDeadline, 0},
    {"finance", "budgets", DemoColumn::kText, Age::kSinceDeadline, 0},
    {"finance", "ledger_balances", DemoColumn::kText, Age::kDays, 2},
    {"finance", "payroll_summary", DemoColumn::kText, Age::kDays, 40},
    {"finance", "fx_rates", DemoColumn::kGarbage, Age::kNone, 0},
    {"ops", "tickets", DemoColumn::kEpoch, Age::kToday, 0},
    {"ops", "jobs", DemoColumn::kEpoch, Age::kToday, 0},
    {"ops", "incidents", DemoColumn::kEpoch, Age::kDays, 1},
    {"ops", "deployments", DemoColumn::kEpoch, Age::kDays, 3},
    {"ops", "sla_breaches", DemoColumn::kEpoch, Age::kDays, 25},
    {"ops", "inventory_snapshots", DemoColumn::kEpoch, Age::kDays, 110},
    {"ops", "lookup_countries", DemoColumn::kNone, Age::kNone, 0},
    {"staging", "raw_orders", DemoColumn::kText, Age::kToday, 0},
    {"staging", "raw_events", DemoColumn::kText, Age::kToday, 0},
    {"staging", "stg_customers", DemoColumn::kText, Age::kDays, 1},
    {"staging", "stg_payments", DemoColumn::kText, Age::kDays, 8},
    {"staging", "old_backfill", DemoColumn::kText, Age::kDays, 200},
    {"staging", "tmp_import", DemoColumn::kNone, Age::kNone, 0},
    {"staging", "v_orders_enriched", DemoColumn::kBrokenView, Age::kNone, 0},
};

const date::time_zone* zone_or_utc(const std::string& name) {
  auto z = core::find_zone(name);
  return z ? *z : *core::find_zone("UTC");
}

std::string sql_time(core::TimePoint t) {
  return date::format("%Y-%m-%d %H:%M:%S", std::chrono::floor<std::chrono::seconds>(t));
}

Result<void> exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return fail(ErrorCode::kUnavailable, "demo warehouse: {}", text);
  }
  return {};
}

Result<void> write_tables(const fs::path& file, const std::string& schema,
                          const std::vector<DemoTable>& tables, std::uint64_t seed) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(file.string() + suffix, ec);
  sqlite3* raw = nullptr;
  if (sqlite3_open(file.c_str(), &raw) != SQLITE_OK) {
    sqlite3_close(raw);
    return fail(ErrorCode::kUnavailable, "cannot create '{}'", file.string());
  }
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, sqlite3_close);
  if (auto r = exec(db.get(), "BEGIN"); !r) return r;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const auto& t = tables[i];
    if (t.schema != schema) continue;
    std::string create, insert;
    switch (t.column) {
      case DemoColumn::kText:
        create = fmt::format("CREATE TABLE {}(id INTEGER PRIMARY KEY, amount REAL, _loaded_at TEXT)", t.name);
        break;
      case DemoColumn::kEpoch:
        create = fmt::format("CREATE TABLE {}(id INTEGER PRIMARY KEY, amount REAL, _loaded_at INTEGER)", t.name);
        break;
      case DemoColumn::kNone:
        create = fmt::format("CREATE TABLE {}(id INTEGER PRIMARY KEY, code TEXT, label TEXT)", t.name);
        break;
      case DemoColumn::kGarbage:
        create = fmt::format("CREATE TABLE {}(id INTEGER PRIMARY KEY, amount REAL, updated_at TEXT)", t.name);
        break;
      case DemoColumn::kBrokenView:
        create = fmt::format(
            "CREATE TABLE {0}_source(id INTEGER PRIMARY KEY, _loaded_at TEXT);"
            "CREATE VIEW {0} AS SELECT * FROM {0}_source;"
            "DROP TABLE {0}_source",
            t.name);
        break;
    }
    if (auto r = exec(db.get(), create); !r) return r;
    if (t.column == DemoColumn::kBrokenView) continue;
    std::string values;
    for (int row = 0; row < t.rows; ++row) {
      const double amount = std::round(unit(seed ^ (i << 20) ^ static_cast<std::uint64_t>(row)) * 100000) / 100;
      const auto loaded = t.changed_at - std::chrono::minutes(37) * row;
      std::string stamp;
      switch (t.column) {
        case DemoColumn::kText: stamp = fmt::format("'{}'", sql_time(loaded)); break;
        case DemoColumn::kEpoch:
          stamp = fmt::format("{}", std::chrono::floor<std::chrono::seconds>(loaded).time_since_epoch().count());
          break;
        case DemoColumn::kNone: stamp = fmt::format("'label {}'", row); break;
        case DemoColumn::kGarbage: stamp = row % 3 ? fmt::format("'{}'", sql_time(loaded)) : "'n/a'"; break;
        case DemoColumn::kBrokenView: break;
      }
      if (!values.empty()) values += ",";
      if (t.column == DemoColumn::kNone)
        values += fmt::format("({}, 'C{:03}', {})", row + 1, row, stamp);
      else
        values += fmt::format("({}, {}, {})", row + 1, amount, stamp);
    }
    if (!values.empty())
      if (auto r = exec(db.get(), fmt::format("INSERT INTO {} VALUES {}", t.name, values)); !r) return r;
  }
  return exec(db.get(), "COMMIT");
}

// The moment `since_midnight` of wall-clock time into the local `day` (earliest on a repeat).
core::TimePoint local_time(const date::time_zone& zone, date::sys_days day,
                           core::Duration since_midnight) {
  const auto local = date::local_days(date::year_month_day(day)) + since_midnight;
  return std::chrono::time_point_cast<core::Duration>(
      date::zoned_time(&zone, local, date::choose::earliest).get_sys_time());
}

model::Asset demo_asset(const DemoTable& t) {
  model::Asset a;
  a.key = model::make_key(kDemoConnection, t.schema + "." + t.name);
  a.name = t.name;
  a.kind = t.column == DemoColumn::kBrokenView ? model::AssetKind::kView : model::AssetKind::kTable;
  a.parent = model::make_key(kDemoConnection, t.schema);
  a.connection = kDemoConnection;
  if (t.schema == "finance") a.tags = {"daily"};
  return a;
}

}  // namespace

std::vector<DemoTable> plan_demo_tables(const DemoOptions& o) {
  const auto* zone = zone_or_utc(o.timezone);
  const auto local_midnight = store::day_start(store::local_day(o.now, *zone), *zone);
  const auto since_midnight = o.now - local_midnight;
  core::TimePoint deadline = o.now - 24h;
  if (auto cron = core::CronSchedule::parse("0 6 * * *"))
    if (auto d = cron->latest_at_or_before(o.now - 30min, zone_or_utc("Europe/Berlin"))) deadline = *d;

  std::vector<DemoTable> out;
  std::uint64_t i = 0;
  for (const auto& s : kSpecs) {
    ++i;
    const double u = unit(o.seed * 1000 + i);
    DemoTable t{s.schema, s.name, s.column, o.now, 0, s.schema == std::string_view("staging") ? 30 : 87};
    t.rows = 20 + static_cast<int>(mix(o.seed + i) % 100);
    using Micro = core::Duration;
    switch (s.age) {
      case Age::kToday: {
        auto age = std::chrono::duration_cast<Micro>(since_midnight * (0.1 + 0.7 * u));
        if (t.schema == "sales")
          age = std::min<Micro>(age, std::chrono::duration_cast<Micro>(1h + 4h * u));
        t.changed_at = o.now - age;
        break;
      }
      case Age::kSinceDeadline:
        // Loaded within the grace after the deadline, so it was never late today.
        t.changed_at = deadline + std::chrono::duration_cast<Micro>(
                                      std::min<Micro>(o.now - deadline, 25min) * (0.1 + 0.8 * u));
        break;
      case Age::kHours:
        t.changed_at = o.now - std::chrono::duration_cast<Micro>(std::chrono::duration<double, std::ratio<3600>>(s.amount * (0.95 + 0.1 * u)));
        break;
      case Age::kDays:
        t.changed_at = o.now - std::chrono::duration_cast<Micro>(std::chrono::duration<double, std::ratio<86400>>(s.amount + 0.3 * u));
        break;
      case Age::kNone:
        t.changed_at = o.now - std::chrono::duration_cast<Micro>(std::chrono::duration<double, std::ratio<86400>>(3 * u));
        break;
    }
    t.changed_at = std::chrono::floor<std::chrono::seconds>(t.changed_at);
    out.push_back(std::move(t));
  }
  return out;
}

Result<void> write_demo_warehouse(const DemoOptions& o, const std::vector<DemoTable>& tables) {
  std::error_code ec;
  fs::create_directories(o.dir / "schemas", ec);
  if (ec) return fail(ErrorCode::kUnavailable, "cannot create '{}': {}", (o.dir / "schemas").string(), ec.message());
  if (auto r = write_tables(o.dir / "warehouse.db", "main", tables, o.seed); !r) return r;
  for (auto schema : kDemoSchemas) {
    const std::string name(schema);
    if (auto r = write_tables(o.dir / "schemas" / (name + ".db"), name, tables, o.seed); !r) return r;
  }
  return {};
}

std::string demo_config(const DemoOptions& o, const DemoBiConfig& bi) {
  std::string attach;
  for (auto schema : kDemoSchemas) attach += fmt::format("      {0}: schemas/{0}.db\n", schema);
  return fmt::format(R"(# freshwatch demo, generated by `freshwatch demo`: a synthetic SQLite warehouse next to
# this file (warehouse.db and schemas/*.db). Run `freshwatch demo --dir <this folder>` again to
# regenerate it; `freshwatch check --config <this file>` judges it once (the looker connection
# only while `freshwatch demo` runs: it serves the Looker API that connection reads).
timezone: {timezone}
store:
  sqlite: freshwatch.db
server:
  listen: "{listen}"
connections:
  - name: {connection}
    type: sqlite
    path: warehouse.db
    attach:
{attach}    schedule: "*/5 * * * *"
    jitter: 5s
    loaded_at_field: _loaded_at
    owner: data-platform
    tables:
      - match: finance.fx_rates
        loaded_at_field: updated_at
        owner: finance
        tags: [daily]
      - match: finance.*
        owner: finance
        tags: [daily]
      - match: sales.*
        owner: revenue-analytics
{dbt}{bi}policies:
  # Sales tables load all day: warn after 6 hours, error after 2 days.
  - select: "{connection}:sales.*"
    warn_after: {{count: 6, period: hour}}
    error_after: {{count: 2, period: day}}
  # Finance loads once a night and must be in by 06:00 Berlin time (30 minutes' grace).
  - select: "tag:daily"
    deadline: {{cron: "0 6 * * *", timezone: Europe/Berlin, grace: 30m}}
{bi_policies}  # Everything else: the default calendar policy (fresh today, warn up to 100 days, then error).
)",
                     fmt::arg("timezone", o.timezone), fmt::arg("listen", o.listen),
                     fmt::arg("dbt", demo_dbt_connection()), fmt::arg("bi", bi.connection),
                     fmt::arg("bi_policies", bi.policies),
                     fmt::arg("connection", kDemoConnection), fmt::arg("attach", attach));
}

Result<void> backfill_demo_history(store::Store& store, const DemoOptions& o,
                                   const std::vector<DemoTable>& tables,
                                   const std::function<model::Evaluation(
                                       const model::Asset&, std::span<const model::Observation>,
                                       core::TimePoint)>& evaluate,
                                   int days, std::span<const DemoConsumer> consumers) {
  const auto* zone = zone_or_utc(o.timezone);
  const auto* berlin = zone_or_utc("Europe/Berlin");
  const auto today = store::local_day(o.now, *zone);
  const auto first_day = today - date::days(days);
  std::vector<model::Asset> assets;
  for (const auto& t : tables) assets.push_back(demo_asset(t));

  // Each readable table's load series ends at its actual newest load (changed_at): before it the
  // table loaded regularly, after it nothing more came. Sales loads every hour, finance once a
  // night shortly after 06:00 Berlin time, everything else just after local midnight. On a few
  // seeded days before the day of the last load a load is late or missing, so the history
  // shows some trouble; the last load's day and the day before are always regular, so today
  // agrees with now.
  enum class Cadence { kHourly, kNightly, kMidnight };
  auto cadence_of = [](const DemoTable& t) {
    if (t.schema == "sales") return Cadence::kHourly;
    if (t.schema == "finance") return Cadence::kNightly;
    return Cadence::kMidnight;
  };
  // The load of table i on `day` (a local day of the cadence's zone), or none when it failed.
  auto load_on = [&](std::size_t i, date::sys_days day, Cadence cadence,
                     bool regular) -> std::optional<core::TimePoint> {
    const auto key = o.seed * 7919 + i * 104729 +
                     static_cast<std::uint64_t>(day.time_since_epoch().count());
    const double u = regular ? 1.0 : unit(key);
    if (u < 0.03) return std::nullopt;
    const bool late = u < 0.10;
    switch (cadence) {
      case Cadence::kNightly:
        return local_time(*berlin, day, 6h + std::chrono::minutes(late ? 90 + mix(key) % 300
                                                                       : mix(key) % 25));
      case Cadence::kMidnight:
        return late ? local_time(*zone, day, std::chrono::minutes(120 + mix(key) % 600))
                    : store::day_start(day, *zone);
      case Cadence::kHourly: break;
    }
    return std::nullopt;
  };
  // When table i last changed as of `at`, in the synthetic series.
  auto changed_as_of = [&](std::size_t i, core::TimePoint at) -> std::optional<core::TimePoint> {
    const auto& t = tables[i];
    if (at >= t.changed_at) return t.changed_at;
    const Cadence cadence = cadence_of(t);
    const auto* z = cadence == Cadence::kNightly ? berlin : zone;
    const auto last_day = store::local_day(t.changed_at, *z);
    if (cadence == Cadence::kHourly) {
      // Hourly loads on the minute of the last one; a seeded outage of some hours on a few days.
      const auto hours = std::chrono::floor<std::chrono::hours>(t.changed_at - at) + 1h;
      core::TimePoint load = t.changed_at - hours;
      const auto day = store::local_day(load, *z);
      if (day < last_day) {
        const auto key = o.seed * 7919 + i * 104729 +
                         static_cast<std::uint64_t>(day.time_since_epoch().count());
        if (unit(key) < 0.08) {
          const auto outage_from = store::day_start(day, *z) + std::chrono::hours(mix(key) % 12);
          const auto outage_to = outage_from + std::chrono::hours(7 + mix(key >> 7) % 30);
          if (load >= outage_from && load < outage_to) load = outage_from;
        }
      }
      return load;
    }
    for (int back = 0; back < 40; ++back) {
      const auto day = store::local_day(at, *z) - date::days(back);
      if (auto load = load_on(i, day, cadence, day + date::days(1) >= last_day);
          load && *load <= at)
        return std::min(*load, t.changed_at);
    }
    return std::nullopt;
  };
  auto readable = [](const DemoTable& t) {
    return t.column == DemoColumn::kText || t.column == DemoColumn::kEpoch;
  };
  auto monitored_from = [&](const DemoTable& t) {
    return store::day_start(today - date::days(t.monitored_days), *zone);
  };
  auto status_at = [&](std::size_t i, core::TimePoint at) {
    if (!readable(tables[i])) return model::Status::kUnknown;
    model::Observation obs;
    obs.asset_key = assets[i].key;
    obs.observed_at = at;
    obs.signal = "max(_loaded_at)";
    obs.changed_at = changed_as_of(i, at);
    return evaluate(assets[i], std::span(&obs, 1), at).status;
  };

  // Consumers: the indexes of their inputs, and when the last of them began to be monitored.
  std::vector<std::vector<std::size_t>> inputs_of(consumers.size());
  std::vector<core::TimePoint> consumer_from(consumers.size());
  for (std::size_t c = 0; c < consumers.size(); ++c) {
    consumer_from[c] = store::day_start(first_day, *zone);
    for (const auto& input : consumers[c].inputs)
      for (std::size_t i = 0; i < tables.size(); ++i)
        if (tables[i].schema + "." + tables[i].name == input) {
          inputs_of[c].push_back(i);
          consumer_from[c] = std::max(consumer_from[c], monitored_from(tables[i]));
        }
  }
  auto consumer_status_at = [&](std::size_t c, core::TimePoint at) {
    std::optional<core::TimePoint> oldest;
    for (auto i : inputs_of[c]) {
      const auto changed = readable(tables[i]) ? changed_as_of(i, at) : std::nullopt;
      if (!changed) return model::Status::kUnknown;
      if (!oldest || *changed < *oldest) oldest = changed;
    }
    if (!oldest) return model::Status::kUnknown;
    model::Observation obs;
    obs.asset_key = consumers[c].asset.key;
    obs.observed_at = at;
    obs.signal = "data_time";
    obs.changed_at = oldest;
    return evaluate(consumers[c].asset, std::span(&obs, 1), at).status;
  };

  // One synthetic observation per table and past day, at the day's end, in one run.
  store::RunRecord run;
  run.connection = "synthetic demo history";
  for (auto day = first_day; day < today; day += date::days(1)) {
    const auto at = store::day_start(day + date::days(1), *zone) - 1min;
    for (std::size_t i = 0; i < tables.size(); ++i) {
      if (!readable(tables[i]) || at < monitored_from(tables[i])) continue;
      model::Observation obs;
      obs.asset_key = assets[i].key;
      obs.observed_at = at;
      obs.signal = "max(_loaded_at) (synthetic demo history)";
      obs.changed_at = changed_as_of(i, at);
      obs.evidence = obs.changed_at
                         ? fmt::format("synthetic demo history: max(_loaded_at) = {}",
                                       core::format_timestamp(*obs.changed_at))
                         : std::string("synthetic demo history: no load yet");
      run.observations.push_back(std::move(obs));
    }
  }
  if (!run.observations.empty()) {
    run.started_at = run.finished_at = run.observations.back().observed_at;
    if (auto saved = store.save_run(run); !saved)
      return std::unexpected(saved.error().with_context("writing demo history"));
  }

  // Statuses on an hourly grid (and at now), written only when they change: one transaction
  // per moment at which some table's status changed.
  std::vector<std::optional<model::Status>> held(tables.size()), held_consumer(consumers.size());
  std::vector<store::StatusRecord> records;
  const core::TimePoint begin =
      std::chrono::ceil<std::chrono::hours>(store::day_start(first_day, *zone));
  for (auto at = begin;; at += 1h) {
    const bool last = at >= o.now;
    if (last) at = o.now;
    records.clear();
    for (std::size_t i = 0; i < tables.size(); ++i) {
      if (at < monitored_from(tables[i])) continue;
      const auto status = status_at(i, at);
      if (held[i] == status && !last) continue;
      held[i] = status;
      records.push_back({assets[i].key, status, "synthetic demo history"});
    }
    for (std::size_t c = 0; c < consumers.size(); ++c) {
      if (at < consumer_from[c]) continue;
      const auto status = consumer_status_at(c, at);
      if (held_consumer[c] == status && !last) continue;
      held_consumer[c] = status;
      records.push_back({consumers[c].asset.key, status, "synthetic demo history"});
    }
    if (!records.empty())
      if (auto saved = store.record_statuses(records, at); !saved)
        return std::unexpected(saved.error().with_context("writing demo history"));
    if (last) break;
  }
  return {};
}

}  // namespace freshwatch::cli
