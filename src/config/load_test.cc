#include "config/load.h"

#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/connector.h"
#include "connectors/dbt/dbt_cloud.h"
#include "connectors/dbt/dbt_connector.h"
#include "connectors/mysql/mysql_connector.h"
#include "connectors/postgres/postgres_connector.h"
#include "connectors/sqlite/sqlite_connector.h"
#include "support/process.h"

namespace freshwatch::config {
namespace {

using connectors::PostgresOptions;
using connectors::SqliteOptions;
using connectors::dbt::DbtCloudOptions;
using connectors::dbt::DbtOptions;
using connectors::mysql::MysqlOptions;

// The loader reads each connection type's keys through the registered types.
[[maybe_unused]] const bool kRegistered = (connectors::register_all(), true);

// A connection's options as its type read them.
template <typename T>
const T& options_of(const ConnectionConfig& c) {
  static const T none{};
  const T* o = c.options_as<T>();
  EXPECT_NE(o, nullptr) << "connection '" << c.name << "' has no options of the expected type";
  return o ? *o : none;
}
const PostgresOptions& postgres_of(const ConnectionConfig& c) { return options_of<PostgresOptions>(c); }
const MysqlOptions& mysql_of(const ConnectionConfig& c) { return options_of<MysqlOptions>(c); }
const SqliteOptions& sqlite_of(const ConnectionConfig& c) { return options_of<SqliteOptions>(c); }

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPath = "/srv/fw/freshwatch.yml";

using Env = std::map<std::string, std::string>;

LoadOptions with_env(Env env) {
  LoadOptions options;
  options.getenv = [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return options;
}

LoadResult load(std::string_view yaml, Env env = {}, const std::string& path = kPath) {
  return load_string(yaml, path, with_env(std::move(env)));
}

// "line:column: message (hint)"
std::string brief(const Diagnostic& d) {
  std::string out = fmt::format("{}:{}: {}", d.location.line, d.location.column, d.message);
  if (!d.hint.empty()) out += fmt::format(" ({})", d.hint);
  return out;
}

std::vector<std::string> briefs(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.problems) out.push_back(brief(d));
  return out;
}

std::string all_text(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.problems) out += d.to_string() + "\n";
  return out;
}

void write_file(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// ---------------------------------------------------------------------------------------------
// A YAML snippet and the exact diagnostics it produces.

struct DiagnosticCase {
  const char* name;
  const char* yaml;
  std::vector<std::string> expected;
};

const DiagnosticCase kDiagnosticCases[] = {
    {"unknown_top",
     "timezon: UTC\n",
     {"1:1: unknown key 'timezon' in the top level (did you mean 'timezone'?)"}},
    {"unknown_store",
     "store: {sqllite: x.db}\n",
     {"1:9: unknown key 'sqllite' in store (did you mean 'sqlite'?)"}},
    {"unknown_server",
     "server:\n  listen: 127.0.0.1:8080\n  max_body: 1MiB\n",
     {"3:3: unknown key 'max_body' in server (server takes: listen, request_timeout, "
      "max_body_bytes, session_ttl, cookie_secure, threads)"}},
    {"unknown_connection",
     "connections:\n  - name: a\n    type: postgres\n    dsn: host=x\n    schedual: \"* * * * "
     "*\"\n",
     {"5:5: unknown key 'schedual' in a postgres connection (did you mean 'schedule'?)"}},
    {"unknown_other_type_key",
     "connections:\n  - name: a\n    type: sqlite\n    path: a.db\n    dsn: host=x\n",
     {"5:5: unknown key 'dsn' in a sqlite connection (dsn is a key of mysql or postgres "
      "connections; sqlite connections take path, attach, include, exclude, loaded_at_field, "
      "filter, naive_timezone, tables)"}},
    {"unknown_table",
     "connections:\n  - name: a\n    type: sqlite\n    path: a.db\n    tables:\n      - match: "
     "main.orders\n        loaded_at: x\n",
     {"7:9: unknown key 'loaded_at' in a table (a table takes: match, loaded_at_field, filter, "
      "owner, tags)"}},
    {"unknown_policy",
     "policies:\n  - select: \"tag:daily\"\n    warn_afer: 1h\n",
     {"3:5: unknown key 'warn_afer' in a policy (did you mean 'warn_after'?)"}},
    {"unknown_threshold",
     "policies:\n  - select: \"tag:daily\"\n    warn_after: {cont: 1, period: hour}\n",
     {"3:18: unknown key 'cont' in warn_after (did you mean 'count'?)"}},
    {"unknown_deadline",
     "policies:\n  - select: \"tag:daily\"\n    deadline: {cron: \"0 6 * * *\", timezon: UTC}\n",
     {"3:35: unknown key 'timezon' in deadline (did you mean 'timezone'?)"}},
    {"unknown_calendar",
     "default_policy:\n  calendar: {warn_days: 2}\n",
     {"2:14: unknown key 'warn_days' in calendar (calendar takes: warn_after_days, "
      "error_after_days)"}},
    {"unknown_far",
     "connections:\n  - name: a\n    type: dbt\n    artifacts: target\n    colour: blue\n",
     {"5:5: unknown key 'colour' in a dbt connection (a dbt connection takes: name, type, "
      "schedule, jitter, timeout, retries, retry_backoff, owner, tags, artifacts)"}},
    {"dbt_cloud_missing",
     "connections:\n  - {name: c, type: dbt_cloud, account_id: 12}\n",
     {"2:5: connection 'c' needs job_id (account_id: 12345, job_id: 67890, token: "
      "${DBT_CLOUD_TOKEN} (a service token))",
      "2:5: connection 'c' needs token (account_id: 12345, job_id: 67890, token: "
      "${DBT_CLOUD_TOKEN} (a service token))"}},
    {"dbt_cloud_bad_values",
     "connections:\n  - {name: c, type: dbt_cloud, account_id: acme, job_id: 7, token: t, "
     "base_url: cloud.getdbt.com}\n",
     {"2:44: account_id: expected a number, not 'acme' (copy it from the dbt Cloud URL: "
      ".../deploy/<account_id>/projects/.../jobs/<job_id>)",
      "2:81: base_url: 'cloud.getdbt.com' is not an http(s) URL (write https://cloud.getdbt.com "
      "or your region's access URL)"}},
    {"duplicate_key",
     "timezone: UTC\ntimezone: Europe/Berlin\n",
     {"2:1: key 'timezone' appears twice in the top level (the first is at line 1, column 1; keep "
      "one)"}},
    {"duplicate_connection",
     "connections:\n  - {name: a, type: sqlite, path: a.db}\n  - {name: a, type: sqlite, path: "
     "b.db}\n",
     {"3:12: name: connection 'a' is defined twice (the first is at line 2; names must be "
      "unique)"}},
    {"bad_name",
     "connections:\n  - {name: My DB, type: sqlite, path: a.db}\n",
     {"2:12: name: 'My DB' may use only a-z, 0-9, _ and - (the name starts every asset key, as in "
      "warehouse:analytics.public.orders)"}},
    {"missing_name_type",
     "connections:\n  - path: a.db\n",
     {"2:5: a connection needs a name (name: warehouse; use a-z, 0-9, _ and -, as the name starts "
      "every asset key)",
      "2:5: a connection needs a type (type: dbt, dbt_cloud, looker, mysql, postgres, snowflake or "
      "sqlite)"}},
    {"missing_required",
     "connections:\n  - {name: pg, type: postgres}\n  - {name: my, type: mysql}\n  - {name: lite, "
     "type: sqlite}\n  - {type: dbt}\n",
     {"2:5: connection 'pg' needs dsn (dsn: ${WAREHOUSE_DSN}, a libpq keyword string or "
      "postgresql:// URI)",
      "3:5: connection 'my' needs dsn (dsn: ${MYSQL_DSN}, as mysql://user:password@host:3306/db)",
      "4:5: connection 'lite' needs path (path: warehouse.db, relative to the configuration file's "
      "folder)",
      "5:5: a connection needs a name (name: warehouse; use a-z, 0-9, _ and -, as the name starts "
      "every asset key)",
      "5:5: a dbt connection needs artifacts (artifacts: target, the folder holding "
      "manifest.json)"}},
    {"unknown_type",
     "connections:\n  - {name: a, type: postgress, dsn: host=x}\n  - {name: b, type: oracle}\n",
     {"2:21: type: unknown connection type 'postgress' (did you mean 'postgres'?)",
      "3:21: type: unknown connection type 'oracle' (types: dbt, dbt_cloud, looker, mysql, "
      "postgres, snowflake, sqlite)"}},
    {"wrong_types",
     "connections:\n  - name: a\n    type: postgres\n    dsn: [host=x]\n    include: public.*\n    "
     "exclude: [{a: b}]\n    tags: daily\n    retries: many\n    concurrency: 0\n    owner: {team: "
     "x}\n",
     {"4:10: dsn: expected a string, not a list",
      "5:14: include: expected a list of globs, not a single value (write include: [\"public.*\"])",
      "6:15: exclude: expected a glob in the list, not a mapping (write exclude: "
      "[\"public.tmp_*\"])",
      "7:11: tags: expected a list of tags, not a single value (write tags: [daily, finance])",
      "8:14: retries: expected a whole number, not 'many'",
      "9:18: concurrency: 0 is out of range (use 1 to 256)",
      "10:12: owner: expected a string, not a mapping"}},
    {"bad_enum",
     "connections:\n  - {name: a, type: postgres, dsn: host=x, mode: meta}\n",
     {"2:50: mode: 'meta' is not one of metadata, query"}},
    {"query_needs_field",
     "connections:\n  - {name: a, type: mysql, dsn: \"mysql://h/db\", mode: query}\n",
     {"2:55: mode: query mode needs loaded_at_field (add loaded_at_field: _loaded_at, the column "
      "holding each row's load time, here or under tables)"}},
    {"metadata_with_field",
     "connections:\n  - {name: a, type: postgres, dsn: host=x, mode: metadata, loaded_at_field: "
     "_loaded_at}\n",
     {"2:77: loaded_at_field: read only in query mode (remove it, or set mode: query)"}},
    {"bad_dsn",
     "connections:\n  - {name: a, type: postgres, dsn: localhost}\n  - {name: b, type: mysql, dsn: "
     "\"postgresql://u:hunter2@h/db\"}\n",
     {"2:36: dsn: 'localhost' is not a postgres connection string (write "
      "postgresql://user@host:5432/db or 'host=... dbname=... user=...')",
      "3:33: dsn: 'postgresql://u:***@h/db' is not a mysql connection string (write "
      "mysql://user:password@host:3306/db)"}},
    {"bad_durations",
     "connections:\n  - name: a\n    type: sqlite\n    path: a.db\n    timeout: 0s\n    jitter: "
     "soon\n    retry_backoff: 5 minutes\nstore: {observation_retention: 1y}\n",
     {"5:14: timeout: '0s' must be more than zero (write a number and a unit: 90s, 30m, 12h, 1d, "
      "2w)",
      "6:13: jitter: 'soon' is not a duration (write a number and a unit: 90s, 30m, 12h, 1d, 2w, "
      "or combined as 1h30m)",
      "7:20: retry_backoff: '5 minutes' is not a duration (write a number and a unit: 90s, 30m, "
      "12h, 1d, 2w, or combined as 1h30m)",
      "8:32: observation_retention: '1y' is not a duration (write a number and a unit: 90s, 30m, "
      "12h, 1d, 2w, or combined as 1h30m)"}},
    {"bad_zones",
     "timezone: Europe/Berln\nnaive_timezone: Mars/Olympus\n",
     {"1:11: timezone: unknown time zone 'Europe/Berln' (did you mean 'Europe/Berlin'?)",
      "2:17: naive_timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as UTC or "
      "Europe/Berlin)"}},
    {"bad_cron",
     "connections:\n  - {name: a, type: sqlite, path: a.db, schedule: \"*/15 * * *\"}\n",
     {"2:51: schedule: cron '*/15 * * *': expected 5 fields (minute hour day-of-month month "
      "day-of-week), found 4 (for example \"*/15 * * * *\" for every 15 minutes, \"0 6 * * 1-5\" "
      "for weekdays at 06:00)"}},
    {"bad_deadline_cron",
     "policies:\n  - select: \"tag:daily\"\n    deadline: {cron: \"0 25 * * *\"}\n",
     {"3:22: cron: cron '0 25 * * *': hour: 25 is out of range 0-23 (for example \"*/15 * * * *\" "
      "for every 15 minutes, \"0 6 * * 1-5\" for weekdays at 06:00)"}},
    {"cron_shortcut_accepted",
     "connections:\n  - {name: a, type: sqlite, path: a.db, schedule: \"@hourly\"}\n",
     {}},
    {"empty_list_items",
     "connections:\n  -\n  - name: b\n    type: sqlite\n    path: b.db\n    tags:\n      - x\n"
     "      -\n    tables:\n      -\npolicies:\n  -\n",
     {"2:3: connections: expected a connection (a mapping with name, type, ...), not nothing",
      "8:7: tags: expected a tag in the list, not nothing (write tags: [daily, finance])",
      "10:7: a table: expected a mapping of keys (match, loaded_at_field, filter, owner, tags), not "
      "nothing",
      "12:3: a policy: expected a mapping of keys (select, name, warn_after, error_after, deadline, "
      "calendar), not nothing"}},
    {"bad_server",
     "server:\n  listen: localhost\n  max_body_bytes: lots\n  request_timeout: 0s\n",
     {"2:11: listen: 'localhost' is not HOST:PORT (write 127.0.0.1:8080, 0.0.0.0:8080 or "
      "[::1]:8080; port 0 picks a free one)",
      "3:19: max_body_bytes: 'lots' is not a size (write a number of bytes more than zero, or with "
      "a unit: 512KiB, 1MiB, 10MB)",
      "4:20: request_timeout: '0s' must be more than zero (write a number and a unit: 90s, 30m, "
      "12h, 1d, 2w)"}},
    {"bad_server_cookie_and_threads",
     "server:\n  cookie_secure: yes\n  threads: 0\n",
     {"2:18: cookie_secure: expected true or false, not 'yes'",
      "3:12: threads: 0 is out of range (use 1 to 256)"}},
    {"bad_selector",
     "policies:\n  - select: \"tag:\"\n    warn_after: 1h\n  - select: \"kind:cube\"\n    "
     "warn_after: 1h\n",
     {"2:13: select: selector 'tag:' names nothing after the colon (selectors: a key glob such as "
      "'warehouse:analytics.finance.*', or tag:NAME, owner:NAME, connection:NAME, kind:KIND)",
      "4:13: select: selector 'kind:cube': unknown kind 'cube'; kinds are table, view, schema, "
      "database, source, model, seed, snapshot, exposure, dashboard, tile (selectors: a key glob "
      "such as 'warehouse:analytics.finance.*', or tag:NAME, owner:NAME, connection:NAME, "
      "kind:KIND)"}},
    {"no_select",
     "policies:\n  - warn_after: 1h\n",
     {"2:5: a policy needs select (select: \"warehouse:analytics.finance.*\", or tag:NAME, "
      "owner:NAME, connection:NAME, kind:KIND)"}},
    {"no_rule",
     "policies:\n  - select: \"tag:daily\"\n",
     {"2:5: a policy has no rule (add warn_after/error_after, deadline, or calendar)"}},
    {"two_rules",
     "policies:\n  - select: \"tag:daily\"\n    warn_after: 1h\n    deadline: {cron: \"0 6 * * "
     "*\"}\n",
     {"4:5: a policy has two rules, warn_after/error_after and deadline (keep one; a policy is "
      "either warn_after/error_after, deadline, or calendar)"}},
    {"two_rules_checked",
     "policies:\n  - select: \"tag:daily\"\n    calendar: {warn_after_days: 0}\n    warn_after: "
     "{count: 1, period: week}\n",
     {"3:33: warn_after_days: 0 is out of range (use 1 to 100000)",
      "4:5: a policy has two rules, calendar and warn_after/error_after (keep one; a policy is "
      "either warn_after/error_after, deadline, or calendar)",
      "4:36: period: 'week' is not one of minute, hour, day"}},
    {"threshold_order",
     "policies:\n  - select: \"tag:daily\"\n    warn_after: 2d\n    error_after: {count: 1, "
     "period: day}\n",
     {"3:17: warn_after: must be shorter than error_after (otherwise the asset never shows warn; "
      "drop warn_after or shorten it)"}},
    {"threshold_incomplete",
     "policies:\n  - select: \"tag:daily\"\n    error_after: {count: 2}\n",
     {"3:18: error_after: needs count and period (write error_after: {count: 12, period: hour} "
      "with period minute, hour or day, or error_after: 12h)"}},
    {"deadline_needs_cron",
     "policies:\n  - select: \"tag:daily\"\n    deadline: {grace: 30m, missed: red}\n",
     {"3:15: deadline: needs cron (cron: \"0 6 * * 1-5\" means weekdays at 06:00 in the deadline's "
      "timezone)",
      "3:36: missed: 'red' is not one of warn, error"}},
    {"calendar_order",
     "default_policy:\n  calendar: {warn_after_days: 7, error_after_days: 7}\n",
     {"2:52: calendar: error_after_days (7) must be more than warn_after_days (7) (the defaults "
      "are warn_after_days: 1 and error_after_days: 101)"}},
    {"default_policy_no_rule",
     "default_policy: {}\n",
     {"1:17: default_policy has no rule (add warn_after/error_after, deadline, or calendar)"}},
    {"not_a_list",
     "connections: {name: a}\npolicies: \"tag:daily\"\n",
     {"1:14: connections: expected a list of connections, not a mapping (write each as a list "
      "item: - name: warehouse)",
      "2:11: policies: expected a list of policies, not a single value (write each as a list item: "
      "- select: \"tag:daily\")"}},
    {"not_a_mapping",
     "store: freshwatch.db\n",
     {"1:8: store: expected a mapping of keys (sqlite, observation_retention), not a single "
      "value"}},
    {"top_is_list",
     "- timezone: UTC\n",
     {"1:1: the top level: expected a mapping of keys (timezone, naive_timezone, store, server, "
      "default_policy, connections, policies, alerts), not a list"}},
    {"syntax",
     "connections: [a\npolicies: []\n",
     {"2:9: YAML syntax error: end of sequence flow not found (check the indentation, quotes and "
      "brackets here)"}},
    {"empty",
     "# nothing here\n",
     {"0:0: the configuration is empty (start from examples/freshwatch.yml; it needs at least "
      "connections)"}},
    {"env_unset",
     "timezone: ${TZ_NAME}\n",
     {"1:11: timezone: environment variable TZ_NAME is not set (set it, or give a default: "
      "${TZ_NAME:-VALUE})"}},
    {"env_bad_reference",
     "timezone: \"${1TZ}\"\n",
     {"1:12: timezone: '${1TZ}' is not a variable reference (write ${NAME} or ${NAME:-default} "
      "with a name of letters, digits and _, ${file:PATH}, or $${ for a literal ${)"}},
    {"env_unclosed",
     "timezone: \"${TZ\"\n",
     {"1:12: timezone: '${' without a closing '}' (write ${NAME}, or $${ for a literal ${)"}},
    {"secret_file_missing",
     "connections:\n  - {name: a, type: postgres, dsn: \"${file:secrets/none}\"}\n",
     {"2:37: dsn: cannot read secret file /srv/fw/secrets/none: no such file (${file:PATH} reads "
      "PATH, relative to the configuration file's folder)"}},
    {"many_problems",
     "timezon: UTC\nconnections:\n  - name: a\n    type: sqlite\n  - name: b\n    type: postgres\n "
     "   dsn: host=x\n    mode: fast\npolicies:\n  - select: \"tag:daily\"\n",
     {"1:1: unknown key 'timezon' in the top level (did you mean 'timezone'?)",
      "3:5: connection 'a' needs path (path: warehouse.db, relative to the configuration file's "
      "folder)",
      "8:11: mode: 'fast' is not one of metadata, query",
      "10:5: a policy has no rule (add warn_after/error_after, deadline, or calendar)"}},
};

class Diagnostics : public ::testing::TestWithParam<DiagnosticCase> {};

TEST_P(Diagnostics, ReportsExactlyThese) {
  const auto& c = GetParam();
  auto r = load(c.yaml);
  EXPECT_EQ(briefs(r), c.expected) << c.yaml;
  for (const auto& d : r.problems) EXPECT_EQ(d.location.file, kPath);
}

INSTANTIATE_TEST_SUITE_P(Config, Diagnostics, ::testing::ValuesIn(kDiagnosticCases),
                         [](const auto& info) { return std::string(info.param.name); });

// ---------------------------------------------------------------------------------------------
// Valid configurations.

constexpr const char* kIssueExample = R"(timezone: Europe/Berlin
store: {sqlite: freshwatch.db}
connections:
  - name: warehouse
    type: postgres                 # or mysql, sqlite
    dsn: ${WAREHOUSE_DSN}          # libpq keyword string or URI
    schedule: "*/15 * * * *"
    include: ["public.*", "finance.*"]   # globs over schema.table
    exclude: ["public.tmp_*"]
    loaded_at_field: _loaded_at    # query mode; leave it out for metadata mode
policies:
  - select: "warehouse:analytics.finance.*"   # keys are connection:database.schema.table
    warn_after: {count: 12, period: hour}
    error_after: {count: 1, period: day}
  - select: "tag:daily"
    deadline: {cron: "0 6 * * 1-5", timezone: Europe/Berlin, grace: 30m}
)";

TEST(Load, IssueExampleLoadsAsWritten) {
  auto r = load(kIssueExample, {{"WAREHOUSE_DSN", "host=db.internal dbname=analytics"}});
  ASSERT_TRUE(r.ok()) << all_text(r);
  const Config& c = r.config;
  EXPECT_EQ(c.path, kPath);
  EXPECT_EQ(c.timezone, "Europe/Berlin");
  EXPECT_EQ(c.naive_timezone, "UTC");
  EXPECT_EQ(c.store.sqlite, "/srv/fw/freshwatch.db");
  EXPECT_EQ(c.store.observation_retention, std::chrono::days(400));

  ASSERT_EQ(c.connections.size(), 1u);
  const ConnectionConfig& w = c.connections[0];
  EXPECT_EQ(w.name, "warehouse");
  EXPECT_EQ(w.type, "postgres");
  EXPECT_EQ(postgres_of(w).dsn, "host=db.internal dbname=analytics");
  EXPECT_EQ(w.schedule, "*/15 * * * *");
  EXPECT_THAT(postgres_of(w).selection.include, ElementsAre("public.*", "finance.*"));
  EXPECT_THAT(postgres_of(w).selection.exclude, ElementsAre("public.tmp_*"));
  EXPECT_EQ(postgres_of(w).selection.loaded_at_field, "_loaded_at");
  EXPECT_EQ(postgres_of(w).mode, PostgresOptions::Mode::kPerTable);  // per table: query where a loaded_at_field applies
  EXPECT_EQ(postgres_of(w).selection.naive_timezone, "UTC");
  EXPECT_EQ(w.location.line, 4);
  EXPECT_EQ(w.location.column, 5);

  ASSERT_EQ(c.policies.size(), 2u);
  const PolicyConfig& finance = c.policies[0];
  EXPECT_EQ(finance.select.kind, model::Selector::Kind::kKeyGlob);
  EXPECT_EQ(finance.select.pattern, "warehouse:analytics.finance.*");
  EXPECT_EQ(finance.policy.name, "warehouse:analytics.finance.*");
  EXPECT_EQ(finance.policy.origin, "/srv/fw/freshwatch.yml:12:5");
  EXPECT_EQ(finance.policy.rule, model::Rule(model::ThresholdRule{12h, 24h}));

  const PolicyConfig& daily = c.policies[1];
  EXPECT_EQ(daily.select.kind, model::Selector::Kind::kTag);
  EXPECT_EQ(daily.select.pattern, "daily");
  EXPECT_EQ(daily.policy.rule,
            model::Rule(model::DeadlineRule{"0 6 * * 1-5", "Europe/Berlin", 30min}));
  EXPECT_EQ(c.default_policy, (model::Policy{"default", model::CalendarRule{}, "built-in"}));
}

TEST(Load, EveryKeyOfEveryType) {
  constexpr const char* yaml = R"(
timezone: America/New_York
naive_timezone: Europe/Paris
store:
  sqlite: /var/lib/freshwatch/fw.db
  observation_retention: 90d
server:
  listen: 0.0.0.0:9090
  request_timeout: 10s
  max_body_bytes: 2MiB
  session_ttl: 12h
  cookie_secure: true
  threads: 6
default_policy:
  calendar: {warn_after_days: 2, error_after_days: 30}
connections:
  - name: pg
    type: postgres
    dsn: postgresql://fw@db:5432/analytics
    mode: metadata
    schedule: "0 * * * *"
    jitter: 0s
    timeout: 2m
    retries: 5
    retry_backoff: 1m
    include: [public.*]
    exclude: []
    owner: data-eng
    tags: [core, pii]
    concurrency: 8
    naive_timezone: Asia/Tokyo
  - name: my
    type: mysql
    dsn: mysql://fw:pw@mysql:3306/shop
    loaded_at_field: updated_at
    filter: deleted = 0
    tables:
      - match: shop.orders
        loaded_at_field: created_at
        filter: "status <> 'draft'"
        owner: sales
        tags: [hourly]
      - match: shop.tmp_*
  - name: lite
    type: sqlite
    path: data/warehouse.db
    tables: [{match: main.events, loaded_at_field: ts}]
  - name: dbt_prod
    type: dbt
    artifacts: ../dbt/target
policies:
  - select: "owner:sales"
    name: sales hourly
    warn_after: 2h
  - select: "connection:lite"
    error_after: {count: 3, period: minute}
  - select: "kind:model"
    deadline: {cron: "30 7 * * *", missed: warn}
  - select: "key:pg:analytics.public.orders"
    calendar: {}
)";
  auto r = load(yaml);
  ASSERT_TRUE(r.ok()) << all_text(r);
  const Config& c = r.config;
  EXPECT_EQ(c.timezone, "America/New_York");
  EXPECT_EQ(c.naive_timezone, "Europe/Paris");
  EXPECT_EQ(c.store.sqlite, "/var/lib/freshwatch/fw.db");
  EXPECT_EQ(c.store.observation_retention, std::chrono::days(90));
  EXPECT_EQ(c.server.listen, "0.0.0.0:9090");
  EXPECT_EQ(c.server.request_timeout, 10s);
  EXPECT_EQ(c.server.max_body_bytes, 2u << 20);
  EXPECT_EQ(c.server.session_ttl, 12h);
  EXPECT_TRUE(c.server.cookie_secure);
  EXPECT_EQ(c.server.threads, 6);
  EXPECT_EQ(c.default_policy.name, "default");
  EXPECT_EQ(c.default_policy.origin, "/srv/fw/freshwatch.yml:15:3");
  EXPECT_EQ(c.default_policy.rule, model::Rule(model::CalendarRule{2, 30}));

  ASSERT_EQ(c.connections.size(), 4u);
  const auto& pg = c.connections[0];
  EXPECT_EQ(postgres_of(pg).dsn, "postgresql://fw@db:5432/analytics");
  EXPECT_EQ(postgres_of(pg).mode, PostgresOptions::Mode::kMetadata);
  EXPECT_EQ(pg.schedule, "0 * * * *");
  EXPECT_EQ(pg.jitter, 0s);
  EXPECT_EQ(pg.timeout, 2min);
  EXPECT_EQ(pg.retries, 5);
  EXPECT_EQ(pg.retry_backoff, 1min);
  EXPECT_THAT(postgres_of(pg).selection.include, ElementsAre("public.*"));
  EXPECT_TRUE(postgres_of(pg).selection.exclude.empty());
  EXPECT_EQ(pg.owner, "data-eng");
  EXPECT_THAT(pg.tags, ElementsAre("core", "pii"));
  EXPECT_EQ(postgres_of(pg).selection.concurrency, 8);
  EXPECT_EQ(postgres_of(pg).selection.naive_timezone, "Asia/Tokyo");

  const auto& my = c.connections[1];
  EXPECT_EQ(my.type, "mysql");
  EXPECT_EQ(mysql_of(my).mode, MysqlOptions::Mode::kPerTable);
  EXPECT_EQ(mysql_of(my).selection.loaded_at_field, "updated_at");
  EXPECT_EQ(mysql_of(my).selection.filter, "deleted = 0");
  EXPECT_EQ(mysql_of(my).selection.naive_timezone, "Europe/Paris");  // the top-level default
  EXPECT_EQ(my.schedule, "*/15 * * * *");
  EXPECT_EQ(my.timeout, 5min);
  EXPECT_EQ(mysql_of(my).selection.concurrency, 4);
  ASSERT_EQ(mysql_of(my).selection.tables.size(), 2u);
  EXPECT_EQ(mysql_of(my).selection.tables[0].match, "shop.orders");
  EXPECT_EQ(mysql_of(my).selection.tables[0].loaded_at_field, "created_at");
  EXPECT_EQ(mysql_of(my).selection.tables[0].filter, "status <> 'draft'");
  EXPECT_EQ(mysql_of(my).selection.tables[0].owner, "sales");
  EXPECT_THAT(mysql_of(my).selection.tables[0].tags, ElementsAre("hourly"));
  EXPECT_EQ(mysql_of(my).selection.tables[0].location.line, 38);
  EXPECT_EQ(mysql_of(my).selection.tables[1].match, "shop.tmp_*");
  EXPECT_TRUE(mysql_of(my).selection.tables[1].loaded_at_field.empty());

  const auto& lite = c.connections[2];
  EXPECT_EQ(sqlite_of(lite).path, "/srv/fw/data/warehouse.db");
  ASSERT_EQ(sqlite_of(lite).selection.tables.size(), 1u);
  EXPECT_EQ(sqlite_of(lite).selection.tables[0].loaded_at_field, "ts");

  const auto& dbt = c.connections[3];
  EXPECT_EQ(options_of<DbtOptions>(dbt).artifacts, "/srv/dbt/target");

  ASSERT_EQ(c.policies.size(), 4u);
  EXPECT_EQ(c.policies[0].policy.name, "sales hourly");
  EXPECT_EQ(c.policies[0].select.kind, model::Selector::Kind::kOwner);
  EXPECT_EQ(c.policies[0].policy.rule, model::Rule(model::ThresholdRule{2h, std::nullopt}));
  EXPECT_EQ(c.policies[1].policy.rule, model::Rule(model::ThresholdRule{std::nullopt, 3min}));
  // A deadline without a timezone is read in the top-level timezone.
  EXPECT_EQ(
      c.policies[2].policy.rule,
      model::Rule(model::DeadlineRule{"30 7 * * *", "America/New_York", 0s, model::Status::kWarn}));
  EXPECT_EQ(c.policies[3].select.kind, model::Selector::Kind::kKeyGlob);
  EXPECT_EQ(c.policies[3].policy.rule, model::Rule(model::CalendarRule{}));
}

TEST(Load, MariadbIsAnAliasOfMysql) {
  auto r = load("connections:\n  - {name: m, type: mariadb, dsn: 'mariadb://fw@db/shop', "
                "ssl_mode: verify_identity, ssl_ca: ca.pem}\n");
  ASSERT_TRUE(r.ok()) << all_text(r);
  EXPECT_EQ(r.config.connections[0].type, "mysql");
  EXPECT_EQ(mysql_of(r.config.connections[0]).dsn, "mariadb://fw@db/shop");
  EXPECT_EQ(mysql_of(r.config.connections[0]).ssl_mode, connectors::mysql::SslMode::kVerifyIdentity);
  EXPECT_EQ(mysql_of(r.config.connections[0]).ssl_ca, "/srv/fw/ca.pem");
  EXPECT_EQ(briefs(load("connections:\n  - {name: m, type: mariadb, dsn: 'mysql://h/db', "
                        "ssl_mode: on}\n")),
            std::vector<std::string>{"2:61: ssl_mode: 'on' is not one of preferred, disabled, "
                                     "required, verify_ca, verify_identity"});
}

TEST(Load, WarehouseKeysBelongToWarehouses) {
  EXPECT_EQ(briefs(load("connections:\n  - {name: d, type: dbt, artifacts: t, include: [x]}\n")),
            std::vector<std::string>{
                "2:40: unknown key 'include' in a dbt connection (include is a key of mysql, "
                "postgres, snowflake or sqlite connections; dbt connections take artifacts)"});
}

TEST(Load, DbtCloudTokenNeverTravelsInPlainText) {
  EXPECT_EQ(briefs(load("connections:\n  - {name: c, type: dbt_cloud, account_id: 1, job_id: 2, "
                        "token: t, base_url: 'http://cloud.example.com'}\n")),
            std::vector<std::string>{
                "2:78: base_url: refusing to send credentials over plain http to "
                "cloud.example.com; use https:// (plain http is allowed only to loopback "
                "addresses) (the service token would cross the network unencrypted)"});
  EXPECT_TRUE(load("connections:\n  - {name: c, type: dbt_cloud, account_id: 1, job_id: 2, "
                   "token: t, base_url: 'http://127.0.0.1:8080'}\n")
                  .ok());
}

TEST(Load, DbtCloudKeys) {
  auto r = load(R"(
connections:
  - name: cloud
    type: dbt_cloud
    account_id: 12345
    job_id: "678"
    token: ${FW_TEST_DBT_CLOUD_TOKEN}
    base_url: https://emea.dbt.com/
  - {name: plain, type: dbt_cloud, account_id: 1, job_id: 2, token: t}
)", {{"FW_TEST_DBT_CLOUD_TOKEN", "dbtc_secret"}});
  ASSERT_TRUE(r.ok()) << all_text(r);
  const auto& c = options_of<DbtCloudOptions>(r.config.connections[0]);
  EXPECT_EQ(c.account_id, "12345");
  EXPECT_EQ(c.job_id, "678");
  EXPECT_EQ(c.token, "dbtc_secret");
  EXPECT_EQ(c.base_url, "https://emea.dbt.com");
  EXPECT_EQ(options_of<DbtCloudOptions>(r.config.connections[1]).base_url, "https://cloud.getdbt.com");
}

TEST(Load, EmptyMappingGivesTheDefaults) {
  auto r = load("{}\n");
  ASSERT_TRUE(r.ok()) << all_text(r);
  const Config& c = r.config;
  EXPECT_EQ(c.timezone, "UTC");
  EXPECT_EQ(c.store.sqlite, "/srv/fw/freshwatch.db");
  EXPECT_EQ(c.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.server.max_body_bytes, 1u << 20);
  EXPECT_FALSE(c.server.cookie_secure);
  EXPECT_EQ(c.server.threads, 0) << "0: the hardware's concurrency";
  EXPECT_EQ(c.default_policy, (model::Policy{"default", model::CalendarRule{}, "built-in"}));
  EXPECT_TRUE(c.connections.empty());
  EXPECT_TRUE(c.policies.empty());
}

TEST(Load, ConnectionDefaults) {
  auto r = load("connections:\n  - {name: w, type: postgres, dsn: 'host=x'}\n");
  ASSERT_TRUE(r.ok()) << all_text(r);
  const auto& w = r.config.connections[0];
  ConnectionConfig defaults;
  EXPECT_EQ(w.schedule, defaults.schedule);
  EXPECT_EQ(w.jitter, defaults.jitter);
  EXPECT_EQ(w.timeout, defaults.timeout);
  EXPECT_EQ(w.retries, defaults.retries);
  EXPECT_EQ(w.retry_backoff, defaults.retry_backoff);
  EXPECT_EQ(postgres_of(w).selection.concurrency, connectors::Selection{}.concurrency);
  EXPECT_EQ(postgres_of(w).mode, PostgresOptions::Mode::kPerTable);
  EXPECT_EQ(postgres_of(w).selection.naive_timezone, "UTC");
}

TEST(Load, TopLevelNaiveTimezoneReachesEveryConnectionWhateverTheKeyOrder) {
  auto r = load(R"(connections:
  - {name: a, type: sqlite, path: a.db}
  - {name: b, type: sqlite, path: b.db, naive_timezone: Asia/Tokyo}
naive_timezone: Europe/Berlin
)");
  ASSERT_TRUE(r.ok()) << all_text(r);
  EXPECT_EQ(sqlite_of(r.config.connections[0]).selection.naive_timezone, "Europe/Berlin");
  EXPECT_EQ(sqlite_of(r.config.connections[1]).selection.naive_timezone, "Asia/Tokyo");
}

TEST(Load, EmptyValuesCountAsAbsent) {
  auto r =
      load("timezone:\nconnections:\n  - name: a\n    type: sqlite\n    path: a.db\n    tags:\n");
  ASSERT_TRUE(r.ok()) << all_text(r);
  EXPECT_EQ(r.config.timezone, "UTC");
  EXPECT_TRUE(r.config.connections[0].tags.empty());
}

TEST(Load, ThresholdsInEveryPeriodAndAsDurations) {
  struct Case {
    const char* value;
    core::Duration expected;
  };
  for (const auto& [value, expected] : std::vector<Case>{{"{count: 5, period: minute}", 5min},
                                                         {"{count: 12, period: hour}", 12h},
                                                         {"{count: 2, period: day}", 48h},
                                                         {"90m", 90min},
                                                         {"1h30m", 90min},
                                                         {"1w", std::chrono::weeks(1)}}) {
    auto r = load(fmt::format("policies:\n  - select: x\n    error_after: {}\n", value));
    ASSERT_TRUE(r.ok()) << value << "\n" << all_text(r);
    EXPECT_EQ(r.config.policies[0].policy.rule,
              model::Rule(model::ThresholdRule{std::nullopt, expected}))
        << value;
  }
}

TEST(Load, SizesWithUnits) {
  for (const auto& [text, bytes] : std::vector<std::pair<std::string, std::size_t>>{
           {"1000", 1000}, {"512KiB", 512 << 10}, {"3MB", 3'000'000}, {"1GiB", 1u << 30}}) {
    auto r = load("server: {max_body_bytes: " + text + "}\n");
    ASSERT_TRUE(r.ok()) << text << "\n" << all_text(r);
    EXPECT_EQ(r.config.server.max_body_bytes, bytes) << text;
  }
}

TEST(Load, RelativePathsAreAnchoredAtTheConfigurationFolder) {
  auto r = load(R"(store: {sqlite: state/fw.db}
connections:
  - {name: a, type: sqlite, path: ./a.db}
  - {name: b, type: sqlite, path: /data/b.db}
  - {name: c, type: sqlite, path: ":memory:"}
  - {name: d, type: dbt, artifacts: ../project/target}
)",
                {}, "/etc/freshwatch/prod.yml");
  ASSERT_TRUE(r.ok()) << all_text(r);
  EXPECT_EQ(r.config.store.sqlite, "/etc/freshwatch/state/fw.db");
  EXPECT_EQ(sqlite_of(r.config.connections[0]).path, "/etc/freshwatch/a.db");
  EXPECT_EQ(sqlite_of(r.config.connections[1]).path, "/data/b.db");
  EXPECT_EQ(sqlite_of(r.config.connections[2]).path, ":memory:");
  EXPECT_EQ(options_of<DbtOptions>(r.config.connections[3]).artifacts, "/etc/project/target");
}

TEST(Load, SqliteAttachNamesSchemasAndAnchorsTheirFiles) {
  auto r = load(R"(connections:
  - name: a
    type: sqlite
    path: main.db
    attach: {sales: schemas/sales.db, ops: /data/ops.db}
)",
                {}, "/etc/freshwatch/prod.yml");
  ASSERT_TRUE(r.ok()) << all_text(r);
  const std::map<std::string, std::string> expected = {{"ops", "/data/ops.db"},
                                                       {"sales", "/etc/freshwatch/schemas/sales.db"}};
  EXPECT_EQ(sqlite_of(r.config.connections[0]).attach, expected);

  auto bad = load(R"(connections:
  - {name: a, type: sqlite, path: main.db, attach: [x.db]}
  - {name: b, type: sqlite, path: main.db, attach: {main: x.db}}
)",
                  {}, "/etc/freshwatch/prod.yml");
  EXPECT_EQ(bad.problems.size(), 2u) << all_text(bad);
}

TEST(Load, RelativeConfigurationPathIsAnchoredAtTheWorkingFolder) {
  auto r = load("{}\n", {}, "freshwatch.yml");
  ASSERT_TRUE(r.ok()) << all_text(r);
  EXPECT_EQ(r.config.store.sqlite,
            (std::filesystem::current_path() / "freshwatch.db").lexically_normal().string());
}

TEST(Load, DiagnosticsComeInFileOrder) {
  auto r = load(R"(policies:
  - select: "tag:x"
connections:
  - {name: a, type: sqlite}
timezon: UTC
)");
  std::vector<int> lines;
  for (const auto& d : r.problems) lines.push_back(d.location.line);
  EXPECT_THAT(lines, ElementsAre(2, 4, 5));
}

TEST(Diagnostic, ToStringNamesFileLineColumnAndHint) {
  Diagnostic d{{"fw.yml", 12, 5}, "unknown key 'timezon'", "did you mean 'timezone'?"};
  EXPECT_EQ(d.to_string(), "fw.yml:12:5: error: unknown key 'timezon' (did you mean 'timezone'?)");
  Diagnostic no_position{{"fw.yml", 0, 0}, "no configuration", ""};
  EXPECT_EQ(no_position.to_string(), "fw.yml: error: no configuration");
}

// ---------------------------------------------------------------------------------------------
// Environment variables and secret files.

TEST(Substitution, EnvironmentVariablesDefaultsAndLiterals) {
  auto r = load(R"(timezone: ${TZ_NAME}
naive_timezone: ${NAIVE:-Asia/Tokyo}
server:
  listen: "${HOST:-127.0.0.1}:${PORT}"
connections:
  - name: a
    type: sqlite
    path: ${DATA}/a.db
    filter: "note <> '$${literal}'"
    owner: ${EMPTY:-nobody}
    tags: ["${TAG}", fixed]
)",
                {{"TZ_NAME", "Europe/Berlin"},
                 {"PORT", "9000"},
                 {"DATA", "/data"},
                 {"EMPTY", ""},
                 {"TAG", "nightly"}});
  ASSERT_TRUE(r.ok()) << all_text(r);
  EXPECT_EQ(r.config.timezone, "Europe/Berlin");
  EXPECT_EQ(r.config.naive_timezone, "Asia/Tokyo");
  EXPECT_EQ(r.config.server.listen, "127.0.0.1:9000");
  const auto& a = r.config.connections[0];
  EXPECT_EQ(sqlite_of(a).path, "/data/a.db");
  EXPECT_EQ(sqlite_of(a).selection.filter, "note <> '${literal}'");
  EXPECT_EQ(a.owner, "nobody");
  EXPECT_THAT(a.tags, ElementsAre("nightly", "fixed"));
}

TEST(Substitution, SetButEmptyVariableWithoutDefaultIsEmpty) {
  auto r = load("connections:\n  - {name: a, type: sqlite, path: a.db, filter: \"${F}\"}\n",
                {{"F", ""}});
  ASSERT_TRUE(r.ok()) << all_text(r);
  EXPECT_EQ(sqlite_of(r.config.connections[0]).selection.filter, "");
}

TEST(Substitution, EveryUnsetVariableIsReportedAtItsPosition) {
  auto r = load(
      "connections:\n  - name: a\n    type: postgres\n    dsn: \"host=${H} password=${PW}\"\n");
  EXPECT_THAT(briefs(r),
              ElementsAre("4:16: dsn: environment variable H is not set (set it, or give a "
                          "default: ${H:-VALUE})",
                          "4:30: dsn: environment variable PW is not set (set it, or give a "
                          "default: ${PW:-VALUE})"));
}

TEST(Substitution, RepeatedReferenceIsLocatedEachTime) {
  auto r = load("server:\n  listen: \"${X}:${X}\"\n");
  EXPECT_THAT(briefs(r), ElementsAre(HasSubstr("2:12: listen: environment variable X"),
                                     HasSubstr("2:17: listen: environment variable X")));
}

TEST(Substitution, SecretFilesRelativeAndAbsoluteWithTrailingNewlineTrimmed) {
  testing::TempDir dir;
  write_file(dir / "secrets/pg_dsn", "postgresql://fw:s3cret@db/analytics\n");
  write_file(dir / "mysql_dsn", "mysql://fw:pw@db/shop\r\n\n");
  const std::string absolute = (dir / "mysql_dsn").string();
  const std::string yaml = fmt::format(R"(connections:
  - name: pg
    type: postgres
    dsn: ${{file:secrets/pg_dsn}}
  - name: my
    type: mysql
    dsn: ${{file:{}}}
)",
                                       absolute);
  write_file(dir / "freshwatch.yml", yaml);
  auto r = load_file((dir / "freshwatch.yml").string(), with_env({}));
  ASSERT_TRUE(r.ok()) << all_text(r);
  EXPECT_EQ(postgres_of(r.config.connections[0]).dsn, "postgresql://fw:s3cret@db/analytics");
  EXPECT_EQ(mysql_of(r.config.connections[1]).dsn, "mysql://fw:pw@db/shop");
}

TEST(Substitution, UnreadableSecretFileIsReported) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "folder");
  const std::string yaml =
      "connections:\n  - {name: a, type: postgres, dsn: \"${file:folder}\"}\n"
      "  - {name: b, type: postgres, dsn: \"${file:}\"}\n";
  auto r = load(yaml, {}, (dir / "fw.yml").string());
  EXPECT_THAT(briefs(r),
              ElementsAre(HasSubstr(fmt::format("2:37: dsn: cannot read secret file {}: it is a "
                                                "folder",
                                                (dir / "folder").string())),
                          HasSubstr("3:37: dsn: '${file:}' names no file")));
}

// No secret value ever appears in a diagnostic, whichever key it lands in and whatever is wrong.
TEST(Secrets, NeverAppearInDiagnostics) {
  testing::TempDir dir;
  write_file(dir / "token", "tok-hunter2\n");
  const Env env = {{"SECRET", "hunter2"},
                   {"SECRET_DSN", "postgresql://fw:hunter2@db/x"},
                   {"SECRET_ZONE", "Europe/Berln-hunter2"}};
  constexpr const char* yaml = R"(timezone: ${SECRET_ZONE}
naive_timezone: ${file:token}
server:
  listen: ${SECRET}
  max_body_bytes: ${SECRET}
  session_ttl: ${SECRET}
connections:
  - name: ${SECRET}
    type: ${SECRET}
  - name: a
    type: mysql
    dsn: ${SECRET_DSN}
    mode: ${SECRET}
    retries: ${SECRET}
    schedule: ${SECRET}
    include: ["${SECRET}", {a: "${SECRET}"}]
  - name: b
    type: postgres
    dsn: "${SECRET}"
  - name: c
    type: mysql
    dsn: "postgresql://fw:hunter2@db/x"
  - name: d
    type: sqlite
    path: x.db
    dsn: "host=db password=hunter2"
policies:
  - select: "kind:${SECRET}"
    deadline: {cron: "${SECRET}", timezone: "${SECRET}", grace: "${SECRET}", missed: "${SECRET}"}
  - select: x
    calendar: {warn_after_days: "${SECRET}"}
)";
  auto r = load(yaml, env, (dir / "fw.yml").string());
  ASSERT_GE(r.problems.size(), 15u) << all_text(r);
  EXPECT_THAT(all_text(r), Not(HasSubstr("hunter2")));
  EXPECT_THAT(all_text(r), HasSubstr("'${SECRET_DSN}' is not a mysql connection string"));
  EXPECT_THAT(all_text(r), HasSubstr("'postgresql://fw:***@db/x' is not a mysql connection"));
}

TEST(Secrets, ADsnWrittenInlineIsRedactedWhenEchoed) {
  auto r = load(
      "connections:\n  - {name: a, type: mysql, dsn: 'user=fw password=hunter2 x'}\n"
      "  - {name: b, type: postgres, dsn: 'postgresql://fw:hunter2@h'}\n"
      "  - {name: c, type: mysql, dsn: 'pg://fw:hunter2@h'}\n");
  EXPECT_THAT(briefs(r),
              ElementsAre(HasSubstr("dsn: 'user=fw password=*** x' is not a mysql connection"),
                          HasSubstr("dsn: 'pg://fw:***@h' is not a mysql connection")));
}

// ---------------------------------------------------------------------------------------------
// Files.

// ---- alerts ------------------------------------------------------------------------------------

constexpr const char* kIssueAlerts = R"(
connections:
  - {name: warehouse, type: sqlite, path: w.db}
alerts:
  channels:
    - {name: data-team, type: slack, url: "${SLACK_WEBHOOK_URL}"}
    - {name: teams, type: teams, url: "${TEAMS_WORKFLOW_URL}"}
    - {name: hooks, type: webhook, url: "https://ops.example.com/fw", secret: "${WEBHOOK_SECRET}"}
    - {name: oncall, type: pagerduty, routing_key: "${PD_ROUTING_KEY}"}
    - {name: mail, type: email, smtp: "smtp://mail.example.com:587", starttls: true,
       username: "${SMTP_USER}", password: "${SMTP_PASSWORD}", from: "freshwatch@example.com",
       to: ["data@example.com"]}
  routes:
    - {select: "tag:critical", channels: [oncall], min_status: error}
    - {select: "*", channels: [data-team, hooks]}
  renotify_every: 4h
  min_duration: 0m
  silences:
    - {select: "warehouse:analytics.staging.*", cron: "0 2 * * *", duration: 2h, timezone: UTC}
)";

const Env kAlertsEnv = {{"SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/sl4ck"},
                        {"TEAMS_WORKFLOW_URL", "https://prod.logic.azure.com/workflows/t3ams"},
                        {"WEBHOOK_SECRET", "whsec-0123"},
                        {"PD_ROUTING_KEY", "pdkey-R0UTE"},
                        {"SMTP_USER", "fw"},
                        {"SMTP_PASSWORD", "smtp-s3cret"}};

TEST(Alerts, IssueExampleLoadsAsWritten) {
  auto r = load(kIssueAlerts, kAlertsEnv);
  ASSERT_TRUE(r.ok()) << all_text(r);
  const AlertsConfig& a = r.config.alerts;
  ASSERT_EQ(a.channels.size(), 5u);
  EXPECT_EQ(a.channels[0].name, "data-team");
  EXPECT_EQ(a.channels[0].type, ChannelType::kSlack);
  EXPECT_EQ(a.channels[0].url, "https://hooks.slack.com/services/T0/B0/sl4ck");
  EXPECT_EQ(a.channels[0].location.line, 6);
  EXPECT_EQ(a.channels[1].type, ChannelType::kTeams);
  EXPECT_EQ(a.channels[2].type, ChannelType::kWebhook);
  EXPECT_EQ(a.channels[2].secret, "whsec-0123");
  EXPECT_EQ(a.channels[3].type, ChannelType::kPagerDuty);
  EXPECT_EQ(a.channels[3].routing_key, "pdkey-R0UTE");
  EXPECT_EQ(a.channels[3].url, "https://events.pagerduty.com/v2/enqueue");
  const ChannelConfig& mail = a.channels[4];
  EXPECT_EQ(mail.type, ChannelType::kEmail);
  EXPECT_EQ(mail.url, "smtp://mail.example.com:587");
  EXPECT_TRUE(mail.starttls);
  EXPECT_EQ(mail.username, "fw");
  EXPECT_EQ(mail.password, "smtp-s3cret");
  EXPECT_EQ(mail.from, "freshwatch@example.com");
  EXPECT_THAT(mail.to, ElementsAre("data@example.com"));
  ASSERT_EQ(a.routes.size(), 2u);
  EXPECT_EQ(a.routes[0].select.text, "tag:critical");
  EXPECT_THAT(a.routes[0].channels, ElementsAre("oncall"));
  EXPECT_EQ(a.routes[0].min_status, model::Status::kError);
  EXPECT_THAT(a.routes[1].channels, ElementsAre("data-team", "hooks"));
  EXPECT_EQ(a.routes[1].min_status, model::Status::kWarn);
  EXPECT_EQ(a.renotify_every, 4h);
  EXPECT_EQ(a.min_duration, 0min);
  ASSERT_EQ(a.silences.size(), 1u);
  EXPECT_EQ(a.silences[0].select.text, "warehouse:analytics.staging.*");
  EXPECT_EQ(a.silences[0].cron, "0 2 * * *");
  EXPECT_EQ(a.silences[0].duration, 2h);
  EXPECT_EQ(a.silences[0].timezone, "UTC");
  EXPECT_TRUE(a.public_url.empty());
}

TEST(Alerts, DefaultsAndLocalUrls) {
  auto r = load(R"(
alerts:
  public_url: https://fw.example.com/
  channels:
    - {name: pd, type: pagerduty, routing_key: k, url: "http://127.0.0.1:9000/v2/enqueue"}
    - {name: hook, type: webhook, url: "http://localhost:8081/fw", secret: s}
    - {name: mail, type: email, url: "smtp://127.0.0.1:2525", starttls: false, username: u,
       password: p, from: a@b.c, to: [x@y.z], ca_file: certs/ca.pem}
)");
  ASSERT_TRUE(r.ok()) << all_text(r);
  const AlertsConfig& a = r.config.alerts;
  EXPECT_EQ(a.public_url, "https://fw.example.com");
  EXPECT_EQ(a.renotify_every, 4h);
  EXPECT_EQ(a.min_duration, 0s);
  ASSERT_EQ(a.channels.size(), 3u);
  EXPECT_EQ(a.channels[0].url, "http://127.0.0.1:9000/v2/enqueue");
  EXPECT_FALSE(a.channels[2].starttls);
  EXPECT_EQ(a.channels[2].ca_file, "/srv/fw/certs/ca.pem");
  EXPECT_TRUE(a.routes.empty());
  EXPECT_TRUE(load("alerts: {}\n").ok());
}

TEST(Alerts, ProblemsAreReportedWhereTheyAre) {
  auto r = load(R"(alerts:
  channels:
    - {name: team, type: slak, url: "https://x.example.com"}
    - {name: hooks, type: webhook, url: "https://ops.example.com/fw"}
    - {name: hooks, type: slack, url: "https://hooks.slack.com/services/a"}
    - {name: pd, type: pagerduty}
    - {name: plain, type: slack, url: "http://hooks.example.com/services/T0/B0/tok"}
    - {name: s, type: slack, url: "https://a.example.com", secret: x}
    - {name: m, type: email, url: "smtp://mail.example.com", smtp: "smtp://other", from: a@b.c, to: [x@y.z]}
    - {name: m2, type: email, url: "smtp://mail.example.com:25", starttls: false, username: u, password: p, from: a@b.c, to: [x@y.z]}
    - {name: m3, type: email, url: "https://mail.example.com", from: a@b.c}
  routes:
    - {select: "*", channels: [hook, nobody]}
    - {select: "tag:", channels: [hooks], min_status: fresh}
    - {chanels: [hooks], select: "*"}
  renotify_every: soon
  silences:
    - {select: "*", cron: "0 25 * * *", duration: 0s, timezone: Mars/Olympus}
    - {select: "*"}
  public_url: "ftp://fw.example.com"
)");
  EXPECT_THAT(briefs(r),
              ElementsAre(
                  "3:26: type: unknown channel type 'slak' (did you mean 'slack'?)",
                  "4:7: channel 'hooks' needs secret (secret: \"${WEBHOOK_SECRET}\"; each request "
                  "is signed with it (X-Freshwatch-Signature))",
                  "5:14: name: channel 'hooks' is defined twice (the first is at line 4; names "
                  "must be unique)",
                  "6:7: channel 'pd' needs routing_key (routing_key: \"${PD_ROUTING_KEY}\", the "
                  "integration key of an Events API v2 integration)",
                  "7:39: url: refusing to send credentials over plain http to hooks.example.com; "
                  "use https:// (plain http is allowed only to loopback addresses) (the "
                  "channel's credentials would cross the network unencrypted)",
                  "8:60: unknown key 'secret' in a slack channel (secret is a key of webhook "
                  "channels; slack channels take name, type, url, ca_file)",
                  "9:62: smtp: is another name for url; give one of them (url is at line 9)",
                  "10:36: url: refusing to send the password in plain text to mail.example.com; "
                  "use starttls: true or smtps:// (plain smtp is allowed only to loopback "
                  "addresses)",
                  "11:7: channel 'm3' needs to (to: [data@example.com])",
                  "11:36: url: expected an smtp:// or smtps:// address (for example "
                  "smtp://mail.example.com:587 (STARTTLS) or smtps://mail.example.com:465)",
                  "13:32: channels: no channel named 'hook' (did you mean 'hooks'?)",
                  "13:38: channels: no channel named 'nobody' (channels: team, hooks, pd, plain, "
                  "s, m, m2, m3)",
                  "14:16: select: selector 'tag:' names nothing after the colon (selectors: a "
                  "key glob such as 'warehouse:analytics.finance.*', or tag:NAME, owner:NAME, "
                  "connection:NAME, kind:KIND)",
                  "14:55: min_status: 'fresh' is not one of warn, error, unknown",
                  "15:8: unknown key 'chanels' in a route (did you mean 'channels'?)",
                  "16:19: renotify_every: 'soon' is not a duration (write a number and a unit: "
                  "90s, 30m, 12h, 1d, 2w, or combined as 1h30m)",
                  "18:27: cron: cron '0 25 * * *': hour: 25 is out of range 0-23 (for example "
                  "\"*/15 * * * *\" for every 15 minutes, \"0 6 * * 1-5\" for weekdays at 06:00)",
                  "18:51: duration: '0s' must be more than zero (write a number and a unit: 90s, "
                  "30m, 12h, 1d, 2w)",
                  "18:65: timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as "
                  "UTC or Europe/Berlin)",
                  "19:7: a silence needs cron (cron: \"0 2 * * *\" starts a window every day at "
                  "02:00)",
                  "19:7: a silence needs duration (duration: 2h, how long each window lasts)",
                  "20:15: public_url: expected the status page's http:// or https:// address "
                  "(for example https://freshwatch.example.com; notifications link to its asset "
                  "pages)"));
}

TEST(Alerts, SecretsNeverAppearInDiagnostics) {
  Env env = kAlertsEnv;
  env["SLACK_WEBHOOK_URL"] = "http://hooks.example.com/services/T0/B0/sl4ck";
  auto r = load(R"(
alerts:
  channels:
    - {name: data-team, type: slack, url: "${SLACK_WEBHOOK_URL}"}
    - {name: hooks, type: webhook, url: "https://ops.example.com/fw", secret: ""}
    - {name: inline, type: teams, url: "ftp://t3ams-token@example.com/x"}
)",
                env);
  ASSERT_EQ(r.problems.size(), 3u) << all_text(r);
  const std::string text = all_text(r);
  EXPECT_THAT(text, HasSubstr("plain http to hooks.example.com"));
  for (const char* secret : {"sl4ck", "t3ams-token", "whsec"})
    EXPECT_THAT(text, Not(HasSubstr(secret)));
}

TEST(LoadFile, MissingFileSaysHowToCreateOne) {
  testing::TempDir dir;
  const std::string path = (dir / "freshwatch.yml").string();
  auto r = load_file(path);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].to_string(),
            fmt::format("{}: error: no configuration at {}; create one (see "
                        "examples/freshwatch.yml) or pass --config FILE",
                        path, path));
}

TEST(LoadFile, AFolderIsNotAConfiguration) {
  testing::TempDir dir;
  auto r = load_file(dir.path().string());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_THAT(r.problems[0].message, HasSubstr("is a folder"));
}

TEST(LoadFile, ReadsAndAnchorsAtTheFile) {
  testing::TempDir dir;
  write_file(dir / "conf/fw.yml", "connections:\n  - {name: a, type: sqlite, path: a.db}\n");
  auto r = load_file((dir / "conf/fw.yml").string());
  ASSERT_TRUE(r.ok()) << all_text(r);
  EXPECT_EQ(sqlite_of(r.config.connections[0]).path, (dir / "conf/a.db").string());
}

TEST(LoadFile, ShippedExampleIsValid) {
  const std::string path = std::string(FRESHWATCH_SOURCE_DIR) + "/examples/freshwatch.yml";
  auto r = load_file(path, with_env({{"WAREHOUSE_DSN", "postgresql://fw@localhost/analytics"},
                                     {"SHOP_DSN", "mysql://fw:pw@localhost:3306/shop"},
                                     {"SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/x"},
                                     {"WEBHOOK_SECRET", "whsec"}}));
  ASSERT_TRUE(r.ok()) << all_text(r);
  EXPECT_FALSE(r.config.connections.empty());
  EXPECT_FALSE(r.config.policies.empty());
  EXPECT_FALSE(r.config.alerts.channels.empty());
  EXPECT_FALSE(r.config.alerts.routes.empty());
}

}  // namespace
}  // namespace freshwatch::config
