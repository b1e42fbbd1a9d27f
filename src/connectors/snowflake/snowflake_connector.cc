#include "connectors/snowflake/snowflake_connector.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "connectors/snowflake/account.h"
#include "connectors/snowflake/cells.h"
#include "connectors/snowflake/identifiers.h"
#include "connectors/snowflake/signals.h"
#include "connectors/worker_pool.h"
#include "core/time.h"
#include "model/selector.h"

namespace freshwatch::connectors::snowflake {
namespace {

using core::TimePoint;

constexpr std::string_view kAccountUsageNote =
    "from SNOWFLAKE.ACCOUNT_USAGE.TABLES, which Snowflake documents as up to 90 minutes behind";
const std::set<std::string, std::less<>> kSystemDatabases = {"SNOWFLAKE", "SNOWFLAKE_SAMPLE_DATA"};

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool has_wildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

// Runs task(i) for i in [0, n) on up to `workers` threads (the caller's among them).
std::optional<std::string> cell(const ResultSet&, const Row& row, int column) {
  if (column < 0 || static_cast<std::size_t>(column) >= row.size()) return std::nullopt;
  return row[static_cast<std::size_t>(column)];
}

std::optional<TimePoint> time_cell(const ResultSet& rs, const Row& row, int column) {
  auto text = cell(rs, row, column);
  if (!text) return std::nullopt;
  const Column& c = rs.columns[static_cast<std::size_t>(column)];
  if (c.type == "timestamp_tz") {
    auto z = decode_timestamp_tz(*text);
    if (!z) return std::nullopt;
    return z->instant;
  }
  Result<TimePoint> t = c.type == "timestamp_ntz" ? decode_timestamp_ntz(*text, nullptr)
                        : c.type == "text"        ? core::parse_timestamp(*text)
                                                  : decode_epoch_seconds(*text);
  if (!t) return std::nullopt;
  return *t;
}

std::optional<std::int64_t> int_cell(const ResultSet& rs, const Row& row, int column) {
  auto text = cell(rs, row, column);
  if (!text) return std::nullopt;
  auto v = decode_integer(*text);
  if (!v) return std::nullopt;
  return *v;
}

struct Plan {  // one max() query
  std::size_t asset;  // index into Collection::assets
  std::string database, schema, name, field, filter;
};

class SnowflakeConnector final : public Connector {
 public:
  SnowflakeConnector(config::ConnectionConfig connection, SnowflakeOptions options,
                     ClientOptions client, const date::time_zone* naive_zone, Sleeper sleeper)
      : connection_(std::move(connection)),
        options_(std::move(options)),
        selection_(options_.selection),
        client_options_(std::move(client)),
        naive_zone_(naive_zone),
        sleeper_(std::move(sleeper)) {}

  Result<Collection> collect(const CollectContext& context) override {
    // One client for the connector's life, so its connections are reused from run to run.
    if (!client_ || client_clock_ != &context.clock) {
      client_ = std::make_unique<SqlApiClient>(client_options_, context.clock, sleeper_);
      client_clock_ = &context.clock;
    }
    SqlApiClient& client = *client_;
    seen_.clear();
    const TimePoint now = context.clock.now();
    Collection out;
    out.assets.push_back(connection_asset(connection_));
    std::vector<Plan> plans;
    if (options_.mode == SnowflakeOptions::Mode::kAccountUsage) {
      auto rs = read_tables(client, "", context);
      if (!rs) return fail_collect(context, rs.error());
      std::optional<Result<ResultSet>> dynamic;
      if (has_dynamic(*rs)) dynamic = client.execute("SHOW DYNAMIC TABLES IN ACCOUNT", "", context.stop);
      if (dynamic && !*dynamic)
        out.warnings.push_back(fmt::format("{}: SHOW DYNAMIC TABLES failed: {}", where(),
                                           dynamic->error().message));
      add_tables(*rs, context, now, out, plans, dynamic && *dynamic ? &**dynamic : nullptr, true,
                 dynamic && !*dynamic ? dynamic->error().message : std::string());
    } else {
      auto databases = list_databases(client, context);
      if (!databases) return fail_collect(context, databases.error());
      std::vector<Result<ResultSet>> results(databases->size(), fail(ErrorCode::kInternal, "not run"));
      std::vector<std::optional<Result<ResultSet>>> dynamics(databases->size());
      run_pool(databases->size(), selection_.concurrency, context.stop, [&](std::size_t i) {
        if (context.stop.stop_requested()) return;
        results[i] = read_tables(client, (*databases)[i], context);
        if (results[i] && has_dynamic(*results[i]))
          dynamics[i] = client.execute(
              fmt::format("SHOW DYNAMIC TABLES IN DATABASE {}", quote_identifier((*databases)[i])), "",
              context.stop);
      });
      if (context.stop.stop_requested()) return cancelled();
      std::size_t failed = 0;
      std::optional<Error> reach_error;
      for (std::size_t i = 0; i < databases->size(); ++i) {
        if (results[i]) continue;
        ++failed;
        const Error& e = results[i].error();
        if (is_connection_error(e)) return fail_collect(context, e);
        if (e.code == ErrorCode::kUnavailable) reach_error = e;
      }
      if (failed && failed == databases->size() && reach_error) return fail_collect(context, *reach_error);
      for (std::size_t i = 0; i < databases->size(); ++i) {
        const std::string& db = (*databases)[i];
        if (!results[i]) {
          add_database(out, db);
          const std::string key = model::make_key(connection_.name, db);
          model::Observation o{.asset_key = key, .observed_at = now,
                               .signal = std::string(kInformationSchemaSignal)};
          o.error = fmt::format("database {}: {}", db, results[i].error().message);
          out.observations.push_back(o);
          out.warnings.push_back(fmt::format("{}: {}", where(), o.error));
          continue;
        }
        const ResultSet* dyn = dynamics[i] && *dynamics[i] ? &**dynamics[i] : nullptr;
        if (dynamics[i] && !*dynamics[i])
          out.warnings.push_back(fmt::format("{}: SHOW DYNAMIC TABLES in {} failed: {}", where(), db,
                                             dynamics[i]->error().message));
        add_tables(*results[i], context, now, out, plans, dyn, false,
                   dynamics[i] && !*dynamics[i] ? dynamics[i]->error().message : std::string());
      }
    }
    if (context.stop.stop_requested()) return cancelled();
    run_queries(client, context, plans, out, now);
    if (context.stop.stop_requested()) return cancelled();
    return out;
  }

 private:
  std::string where() const { return fmt::format("connection '{}'", connection_.name); }

  static std::unexpected<Error> cancelled() {
    return fail(ErrorCode::kCancelled, "collection stopped on request");
  }

  std::unexpected<Error> fail_collect(const CollectContext& context, const Error& e) const {
    if (context.stop.stop_requested() || e.code == ErrorCode::kCancelled) return cancelled();
    return std::unexpected(e.with_context(fmt::format("{} ({})", where(), client_options_.base_url)));
  }

  bool database_wanted(const std::string& db) const {
    if (selection_.include.empty()) return !kSystemDatabases.contains(db);
    // Names given without wildcards are taken even when they are system databases.
    for (const auto& p : selection_.include) {
      const std::string first = upper(p.substr(0, p.find('.')));
      if (!has_wildcard(first)) {
        if (first == upper(db)) return true;
      } else if (!kSystemDatabases.contains(db) &&
                 (p.find('.') == std::string::npos || model::glob_match(first, upper(db)))) {
        return true;
      }
    }
    return false;
  }

  Result<std::vector<std::string>> list_databases(SqlApiClient& client, const CollectContext& context) {
    std::vector<std::string> out;
    if (!options_.databases.empty()) {
      for (const auto& d : options_.databases) out.push_back(normalize_identifier(d));
      return out;
    }
    auto rs = client.execute("SHOW TERSE DATABASES", "", context.stop);
    if (!rs) return std::unexpected(rs.error().with_context("listing databases (SHOW TERSE DATABASES)"));
    const int name = rs->column("name");
    if (name < 0) return fail(ErrorCode::kParse, "SHOW TERSE DATABASES returned no name column");
    for (const auto& row : rs->rows)
      if (auto n = cell(*rs, row, name); n && database_wanted(*n)) out.push_back(*n);
    return out;
  }

  // The TABLES query, without the optional columns this account turned out to lack.
  std::string tables_sql(const std::string& database) const {
    std::lock_guard lock(mutex_);
    std::string columns = "TABLE_CATALOG, TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, CREATED, LAST_ALTERED, ROW_COUNT, BYTES";
    for (const auto& c : {"LAST_DDL", "IS_DYNAMIC"})
      if (!missing_columns_.contains(c)) columns += fmt::format(", {}", c);
    if (database.empty())
      return fmt::format("SELECT {} FROM SNOWFLAKE.ACCOUNT_USAGE.TABLES WHERE DELETED IS NULL AND "
                         "TABLE_SCHEMA <> 'INFORMATION_SCHEMA' ORDER BY 1, 2, 3",
                         columns);
    return fmt::format("SELECT {} FROM {}.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA <> "
                       "'INFORMATION_SCHEMA' ORDER BY 2, 3",
                       columns, quote_identifier(database));
  }

  Result<ResultSet> read_tables(SqlApiClient& client, const std::string& database,
                                const CollectContext& context) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto rs = client.execute(tables_sql(database), database, context.stop);
      if (rs || rs.error().code != ErrorCode::kInvalidArgument) return rs;
      bool dropped = false;
      for (const auto& c : {"LAST_DDL", "IS_DYNAMIC"}) {
        if (rs.error().message.find(fmt::format("invalid identifier '{}'", c)) != std::string::npos) {
          std::lock_guard lock(mutex_);
          missing_columns_.insert(c);
          dropped = true;
        }
      }
      if (!dropped) return rs;
    }
    return fail(ErrorCode::kInvalidArgument, "the TABLES view lacks the columns freshwatch reads");
  }

  static bool has_dynamic(const ResultSet& rs) {
    const int col = rs.column("IS_DYNAMIC");
    if (col < 0) return false;
    for (const auto& row : rs.rows)
      if (auto v = cell(rs, row, col); v && upper(*v) == "YES") return true;
    return false;
  }

  void add_database(Collection& out, const std::string& db) {
    const std::string key = model::make_key(connection_.name, db);
    if (!seen_.insert(key).second) return;
    out.assets.push_back(model::Asset{.key = key, .name = db, .kind = model::AssetKind::kDatabase,
                                      .parent = connection_.name, .connection = connection_.name,
                                      .owner = connection_.owner, .tags = connection_.tags});
  }

  void add_schema(Collection& out, const std::string& db, const std::string& schema) {
    add_database(out, db);
    const std::string key = model::make_key(connection_.name, db + "." + schema);
    if (!seen_.insert(key).second) return;
    out.assets.push_back(model::Asset{.key = key, .name = schema, .kind = model::AssetKind::kSchema,
                                      .parent = model::make_key(connection_.name, db),
                                      .connection = connection_.name, .owner = connection_.owner,
                                      .tags = connection_.tags});
  }

  void add_tables(const ResultSet& rs, const CollectContext& context, TimePoint now, Collection& out,
                  std::vector<Plan>& plans, const ResultSet* dynamic, bool account_usage,
                  const std::string& dynamic_error = {}) {
    const int c_db = rs.column("TABLE_CATALOG"), c_schema = rs.column("TABLE_SCHEMA"),
              c_name = rs.column("TABLE_NAME"), c_type = rs.column("TABLE_TYPE"),
              c_created = rs.column("CREATED"), c_altered = rs.column("LAST_ALTERED"),
              c_ddl = rs.column("LAST_DDL"), c_rows = rs.column("ROW_COUNT"),
              c_bytes = rs.column("BYTES"), c_dynamic = rs.column("IS_DYNAMIC");
    // SHOW DYNAMIC TABLES: schema.name -> row
    std::map<std::string, const Row*> dyn_rows;
    int d_ts = -1, d_mode = -1, d_rows = -1;
    if (dynamic) {
      const int d_db = dynamic->column("database_name"), d_schema = dynamic->column("schema_name"),
                d_name = dynamic->column("name");
      d_ts = dynamic->column("data_timestamp"), d_mode = dynamic->column("refresh_mode");
      d_rows = dynamic->column("rows");
      for (const auto& row : dynamic->rows)
        dyn_rows[cell(*dynamic, row, d_db).value_or("") + "." + cell(*dynamic, row, d_schema).value_or("") +
                 "." + cell(*dynamic, row, d_name).value_or("")] = &row;
    }
    const std::string_view signal = account_usage ? kAccountUsageSignal : kInformationSchemaSignal;
    for (const auto& r : rs.rows) {
      TableRow t;
      t.database = cell(rs, r, c_db).value_or("");
      t.schema = cell(rs, r, c_schema).value_or("");
      t.name = cell(rs, r, c_name).value_or("");
      t.type = upper(cell(rs, r, c_type).value_or(""));
      const std::string qualified = t.database + "." + t.schema + "." + t.name;
      if (t.database.empty() || !selection_.includes(qualified)) continue;
      if (account_usage && kSystemDatabases.contains(t.database) && selection_.include.empty()) continue;
      t.is_dynamic = c_dynamic >= 0 && upper(cell(rs, r, c_dynamic).value_or("")) == "YES";
      t.created = time_cell(rs, r, c_created);
      t.last_altered = time_cell(rs, r, c_altered);
      t.has_last_ddl = c_ddl >= 0;
      t.last_ddl = time_cell(rs, r, c_ddl);
      t.row_count = int_cell(rs, r, c_rows);
      t.bytes = int_cell(rs, r, c_bytes);

      add_schema(out, t.database, t.schema);
      const Selection::Table read = selection_.table(
          qualified, options_.mode == SnowflakeOptions::Mode::kQuery ? ReadMode::kQuery
                                                                     : ReadMode::kPerTable);
      model::Asset asset{.key = model::make_key(connection_.name, qualified),
                         .name = t.name,
                         .kind = t.is_view() ? model::AssetKind::kView : model::AssetKind::kTable,
                         .parent = model::make_key(connection_.name, t.database + "." + t.schema),
                         .connection = connection_.name,
                         .owner = connection_.owner,
                         .tags = connection_.tags,
                         .relation = catalog_relation(t.database, t.schema, t.name)};
      if (t.is_dynamic) asset.description = "dynamic table";
      else if (t.type != "BASE TABLE" && t.type != "VIEW") asset.description = to_lower(t.type);
      selection_.apply_override(read, asset.owner, asset.tags);
      const std::string& field = read.loaded_at_field;
      if (!seen_.insert(asset.key).second) continue;
      out.assets.push_back(std::move(asset));
      const std::size_t index = out.assets.size() - 1;
      const std::string& key = out.assets.back().key;
      if (read.query) {
        if (field.empty()) {
          model::Observation o{.asset_key = key, .observed_at = now, .signal = "max(?)"};
          o.error = "query mode needs loaded_at_field for this table (set it on the connection or in its `tables:` entry)";
          out.observations.push_back(std::move(o));
        } else {
          plans.push_back(Plan{index, t.database, t.schema, t.name, field, read.filter});
        }
        continue;
      }
      if (t.type == "VIEW") {
        out.observations.push_back(observe_view(t, key, now, signal));
        continue;
      }
      if (t.is_dynamic) {
        auto it = dyn_rows.find(qualified);
        if (it != dyn_rows.end()) {
          out.observations.push_back(observe_dynamic_table(
              key, now, time_cell(*dynamic, *it->second, d_ts),
              cell(*dynamic, *it->second, d_mode).value_or(""), int_cell(*dynamic, *it->second, d_rows)));
          continue;
        }
      }
      std::string note = account_usage ? std::string(kAccountUsageNote) : std::string();
      if (t.is_dynamic) {
        const std::string why = dynamic_error.empty() ? "SHOW DYNAMIC TABLES did not list it"
                                                      : "SHOW DYNAMIC TABLES failed: " + dynamic_error;
        note = note.empty() ? fmt::format("dynamic table; {}; LAST_ALTERED moves on each refresh", why)
                            : fmt::format("{}; dynamic table: {}", note, why);
      }
      out.observations.push_back(observe_table(t, key, now, context.previous.find(key, signal),
                                               SignalOptions{signal, note}));
    }
  }

  static std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }

  void run_queries(SqlApiClient& client, const CollectContext& context, const std::vector<Plan>& plans,
                   Collection& out, TimePoint now) {
    std::vector<std::optional<model::Observation>> results(plans.size());
    run_pool(plans.size(), selection_.concurrency, context.stop, [&](std::size_t i) {
      if (context.stop.stop_requested()) return;
      const Plan& p = plans[i];
      model::Observation o{.asset_key = out.assets[p.asset].key, .observed_at = now,
                           .signal = fmt::format("max({})", p.field)};
      std::string sql = fmt::format("SELECT MAX({}) FROM {}.{}.{}", p.field, quote_identifier(p.database),
                                    quote_identifier(p.schema), quote_identifier(p.name));
      if (!p.filter.empty()) sql += fmt::format(" WHERE ({})", p.filter);
      const std::string what = p.filter.empty() ? fmt::format("max({})", p.field)
                                                : fmt::format("max({}) where {}", p.field, p.filter);
      auto rs = client.execute(sql, p.database, context.stop);
      if (!rs) {
        if (rs.error().code == ErrorCode::kCancelled) return;
        o.error = fmt::format("{}: {}", what, rs.error().message);
      } else if (rs->rows.empty() || rs->columns.empty() || !rs->rows[0][0]) {
        o.evidence = p.filter.empty() ? fmt::format("{} is NULL: the table has no rows with a value in {}", what, p.field)
                                      : fmt::format("{} is NULL: no rows match", what);
      } else {
        std::string how;
        auto t = decode_time_cell(*rs->rows[0][0], rs->columns[0], naive_zone_, &how);
        if (!t) {
          o.error = fmt::format("{}: {}", what, t.error().message);
        } else {
          o.changed_at = *t;
          o.evidence = fmt::format("{} = {} ({})", what, core::format_timestamp(*t), how);
        }
      }
      results[i] = std::move(o);
    });
    for (auto& r : results)
      if (r) out.observations.push_back(std::move(*r));
  }

  config::ConnectionConfig connection_;
  SnowflakeOptions options_;
  const Selection& selection_;  // options_.selection
  ClientOptions client_options_;
  const date::time_zone* naive_zone_;
  Sleeper sleeper_;
  std::unique_ptr<SqlApiClient> client_;
  const core::Clock* client_clock_ = nullptr;  // the clock client_ was made with
  std::set<std::string> seen_;  // asset keys added during the current collect()
  mutable std::mutex mutex_;
  std::set<std::string, std::less<>> missing_columns_;  // guarded by mutex_
};

}  // namespace

Result<std::unique_ptr<Connector>> make_connector(const config::ConnectionConfig& c,
                                                  const SnowflakeOptions& o,
                                                  ConnectorOptions options) {
  auto problem = [&](std::string message) {
    return fail(ErrorCode::kInvalidArgument, "connection '{}': {}", c.name, message);
  };
  ClientOptions client;
  if (!o.host.empty()) {
    std::string host = o.host;
    client.base_url = host.starts_with("https://") ? host : "https://" + host;
    while (client.base_url.ends_with("/")) client.base_url.pop_back();
  }
  if (!o.account.empty()) {
    auto account = parse_account(o.account);
    if (!account) return problem(account.error().message);
    client.jwt_account = account->jwt_account;
    if (client.base_url.empty()) client.base_url = "https://" + account->host;
  }
  if (client.base_url.empty()) return problem("a snowflake connection needs account (or host)");
  if (o.user.empty()) return problem("a snowflake connection needs user");
  client.user = o.user;
  if (!o.private_key_file.empty()) {
    if (o.account.empty())
      return problem("key-pair authentication needs account (the JWT names it), even with host");
    auto key = load_private_key_file(o.private_key_file, o.private_key_passphrase);
    if (!key) return problem(key.error().message);
    client.auth = AuthKind::kKeyPair;
    client.key = *key;
  } else if (!o.token.empty()) {
    client.auth = o.token_type;
    client.token = o.token;
  } else {
    return problem("a snowflake connection needs private_key_file or token");
  }
  client.role = o.role;
  client.warehouse = o.warehouse;
  client.ca_file = o.ca_file;
  client.statement_timeout = std::max(std::chrono::seconds(1),
                                      std::chrono::ceil<std::chrono::seconds>(o.statement_timeout));
  client.max_retries = options.max_retries;
  client.retry_base = options.retry_base;
  client.retry_cap = options.retry_cap;
  auto zone = core::find_zone(o.selection.naive_timezone);
  if (!zone) return problem(zone.error().message);
  SnowflakeOptions options_copy = o;
  options_copy.selection.ignore_case = true;  // Snowflake's names compare without regard to case
  return std::make_unique<SnowflakeConnector>(c, std::move(options_copy), std::move(client), *zone,
                                              options.sleeper ? options.sleeper : real_sleeper());
}


namespace {

SelectionKeys snowflake_selection() {
  return {.modes = {"information_schema", "account_usage", "query"},
          .replace = {
              {"include", "list of globs", false, false, "everything",
               "Tables to watch, as globs over `DATABASE.SCHEMA.TABLE` (any case)",
               "[\"ANALYTICS.*\"]"},
              {"exclude", "list of globs", false, false, "nothing",
               "Tables to leave out, even when included", "[\"RAW.STRIPE.TMP_*\"]"},
              {"mode", "`information_schema`, `account_usage` or `query`", false, false,
               "`information_schema`",
               "`information_schema`: one query per database against "
               "`<DB>.INFORMATION_SCHEMA.TABLES` (current; uses the warehouse). `account_usage`: "
               "one query against `SNOWFLAKE.ACCOUNT_USAGE.TABLES` for the whole account (no "
               "per-database query, but up to 90 minutes behind). `query`: every table by "
               "`max(loaded_at_field)`. In the first two, a table with a `loaded_at_field` is "
               "read by query too",
               "information_schema"},
              {"loaded_at_field", "string", false, false, "none",
               "Query mode: the column (or SQL expression) that holds each row's load time, "
               "written as in SQL (`_loaded_at` means `_LOADED_AT`)",
               "_loaded_at"},
              {"concurrency", "whole number, 1 to 256", false, false, "`4`",
               "Statements in flight at once (databases, then `max()` queries)", "4"},
              {"naive_timezone", "time zone", false, false, "the top-level `naive_timezone`",
               "How `TIMESTAMP_NTZ` and `DATE` values are read in query mode", "UTC"},
          }};
}


std::vector<config::KeySpec> snowflake_keys() {
  std::vector<config::KeySpec> keys = {
      {"account", "string", false, false, "",
       "The account identifier: `myorg-myaccount` (preferred), `myorg-myaccount.privatelink`, or "
       "a legacy locator such as `xy12345` or `xy12345.us-east-2.aws`. Gives the host "
       "`<account>.snowflakecomputing.com` and the account named in key-pair JWTs. Required "
       "unless `host` is given with a token; key-pair authentication always needs it",
       "myorg-myaccount"},
      {"host", "string", false, false, "from `account`",
       "`HOST[:PORT]` to connect to instead (private connectivity, a proxy, tests); HTTPS only",
       "sf.internal:8443"},
      {"ca_file", "path", false, false, "the system's",
       "A PEM file of certificate authorities to trust instead of the system's, for `host` "
       "behind a private CA",
       "ca.pem"},
      {"user", "string", true, false, "",
       "The Snowflake user (upper-cased in JWTs, as Snowflake stores it)", "FRESHWATCH"},
      {"private_key_file", "path", false, false, "",
       "Key-pair authentication: the user's RSA private key, PKCS#8 PEM (`rsa_key.p8`), "
       "encrypted or not",
       "rsa_key.p8"},
      {"private_key_passphrase", "string", false, true, "",
       "The passphrase of an encrypted `private_key_file`; give it as `${ENV}` or `${file:...}`",
       "${SNOWFLAKE_KEY_PASSPHRASE}"},
      {"token", "string", false, true, "",
       "Instead of a key: an OAuth access token or a programmatic access token; give it as "
       "`${ENV}` or `${file:...}`",
       "${SNOWFLAKE_TOKEN}"},
      {"token_type", "`oauth` or `programmatic_access_token`", false, false, "`oauth`",
       "What `token` is (sent as `X-Snowflake-Authorization-Token-Type`)", "oauth"},
      {"role", "string", false, false, "the user's default role",
       "Role the statements run as (case-sensitive, as stored: `FRESHWATCH`)", "FRESHWATCH"},
      {"warehouse", "string", false, false, "the user's default warehouse",
       "Warehouse for the `INFORMATION_SCHEMA` and `max()` queries (case-sensitive, as stored)",
       "FRESHWATCH_WH"},
      {"databases", "list of strings", false, false,
       "every database the role sees, except `SNOWFLAKE` and `SNOWFLAKE_SAMPLE_DATA` (from `SHOW "
       "TERSE DATABASES`, narrowed by `include`)",
       "Databases to read, written as in SQL: `analytics` means `ANALYTICS`, `'\"Raw\"'` means "
       "`Raw`",
       "[analytics, raw]"},
      {"statement_timeout", "duration, at most `7d`", false, false, "`10m`",
       "Longest a statement may run; sent as the API's `timeout` and enforced by freshwatch too, "
       "then the statement is cancelled",
       "10m"},
  };
  for (auto& k : selection_keys(snowflake_selection())) keys.push_back(k);
  return keys;
}

SnowflakeOptions parse_snowflake(config::Section& s) {
  SnowflakeOptions o;
  if (auto v = s.string("account")) o.account = *v;
  if (auto v = s.string("host")) o.host = *v;
  if (auto v = s.string("user")) o.user = *v;
  if (auto v = s.path("private_key_file")) o.private_key_file = *v;
  if (auto v = s.string("private_key_passphrase")) o.private_key_passphrase = *v;
  if (auto v = s.string("token")) o.token = *v;
  if (auto v = s.choice<AuthKind>("token_type",
                                  {{"oauth", AuthKind::kOAuth},
                                   {"programmatic_access_token",
                                    AuthKind::kProgrammaticAccessToken}}))
    o.token_type = *v;
  if (auto v = s.string("role")) o.role = *v;
  if (auto v = s.string("warehouse")) o.warehouse = *v;
  if (auto v = s.strings("databases", "database names", "a database name", "[ANALYTICS, RAW]"))
    o.databases = *v;
  if (auto v = s.path("ca_file")) o.ca_file = *v;
  if (auto d = s.duration("statement_timeout")) {
    if (*d > std::chrono::days(7))
      s.problem("statement_timeout", "statement_timeout: at most 7d",
                "Snowflake's own limit is 604800 seconds");
    else
      o.statement_timeout = *d;
  }
  std::string mode;
  o.selection = parse_selection(s, snowflake_selection(), &mode);
  o.mode = mode == "account_usage" ? SnowflakeOptions::Mode::kAccountUsage
           : mode == "query"       ? SnowflakeOptions::Mode::kQuery
                                   : SnowflakeOptions::Mode::kInformationSchema;

  // Keys that only make sense together.
  const std::string& label = s.label();
  if (!s.has("account") && !s.has("host") && !s.suggested("account"))
    s.problem(fmt::format("{} needs account (or host)", label),
              "account: myorg-myaccount, the account identifier from the Snowflake URL");
  const bool key = s.has("private_key_file"), token = s.has("token");
  if (!key && !token && !s.suggested("private_key_file") && !s.suggested("token"))
    s.problem(fmt::format("{} needs private_key_file (key-pair) or token", label),
              "private_key_file: rsa_key.p8; see docs/connectors/snowflake.md for making the key");
  if (key && token)
    s.problem("token", "token: give private_key_file or token, not both",
              "key-pair authentication uses private_key_file; OAuth and programmatic access "
              "tokens use token and token_type");
  if (s.has("token_type") && !token)
    s.problem("token_type", "token_type: only with token",
              "remove it, or add token: ${SNOWFLAKE_TOKEN}");
  if (s.has("private_key_passphrase") && !key)
    s.problem("private_key_passphrase", "private_key_passphrase: only with private_key_file",
              "remove it, or add private_key_file");
  return o;
}

}  // namespace

}  // namespace freshwatch::connectors::snowflake

namespace freshwatch::connectors {

void register_snowflake() {
  register_type<snowflake::SnowflakeOptions>(
      {.name = "snowflake",
       .title = "Snowflake",
       .keys = snowflake::snowflake_keys(),
       .required_hint = "user: FRESHWATCH, the Snowflake user whose key or token is configured"},
      snowflake::parse_snowflake,
      [](const config::ConnectionConfig& c, const snowflake::SnowflakeOptions& o) {
        return snowflake::make_connector(c, o);
      });
}

}  // namespace freshwatch::connectors
