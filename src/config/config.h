// Config: the typed form of freshwatch.yml. The loader (config/load.h) turns YAML into these
// values and reports every problem at once with file:line:column; components receive the part
// they need and never read YAML themselves.
//
// Thread contract: plain values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "model/policy.h"
#include "model/selector.h"

namespace freshwatch::config {

using namespace std::chrono_literals;

struct Location {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
};

// Per-table settings inside a connection (`tables:`), matched by a glob over schema.table.
struct TableConfig {
  std::string match;            // "public.orders", "finance.*"
  std::string loaded_at_field;  // overrides the connection's
  std::string filter;           // SQL boolean expression added as WHERE
  std::string owner;
  std::vector<std::string> tags;
  Location location;
};

// One source of assets. Common keys first, then each type's own; docs/configuration.md lists
// which type takes which key.
struct ConnectionConfig {
  std::string name;
  std::string type;  // postgres | mysql | sqlite | dbt | ...
  Location location;

  std::string schedule = "*/15 * * * *";  // cron, in the top-level timezone
  core::Duration jitter = std::chrono::seconds(30);    // random delay added to each run, at most
  core::Duration timeout = std::chrono::minutes(5);    // one run, as a whole
  int retries = 3;                                     // after a failed run, before the next slot
  core::Duration retry_backoff = std::chrono::seconds(30);  // first retry delay; doubles each time

  std::vector<std::string> include;  // globs over schema.table; empty = everything
  std::vector<std::string> exclude;
  std::string owner;                 // given to every asset of the connection
  std::vector<std::string> tags;

  // SQL warehouses (postgres, mysql, sqlite).
  std::string dsn;   // postgres: libpq keyword string or URI; mysql: mysql://user:pass@host:port/db
  std::string path;  // sqlite: the database file
  // sqlite: further database files attached read-only under a schema name ({sales: sales.db});
  // their tables are discovered as <schema>.<table> beside main.<table>.
  std::map<std::string, std::string> attach;
  std::string mode;  // "metadata" or "query"; default: query when loaded_at_field is set
  std::string loaded_at_field;  // query mode: max(loaded_at_field) per table
  std::string filter;           // query mode: WHERE clause added to every table's query
  int concurrency = 4;          // query mode: tables read at once
  std::string naive_timezone = "UTC";  // how timestamps without a zone are read (top-level default)
  std::vector<TableConfig> tables;

  // dbt: a target/ folder holding manifest.json, run_results.json, sources.json.
  std::string artifacts;

  // ---- snowflake (docs/connectors/snowflake.md) ----------------------------------------------
  // `mode` above is information_schema (default), account_usage or query.
  std::string account;                 // myorg-myaccount, xy12345.us-east-2.aws
  std::string host;                    // instead of account's host: private connectivity, tests
  std::string user;
  std::string private_key_file;        // PKCS#8 PEM; key-pair authentication
  std::string private_key_passphrase;  // secret; for an encrypted key
  std::string token;                   // secret; OAuth or programmatic access token
  std::string token_type;              // oauth | programmatic_access_token
  std::string role;
  std::string warehouse;
  std::vector<std::string> databases;  // empty: every database the role can see
  std::string ca_file;                 // PEM bundle to trust instead of the system's
  core::Duration statement_timeout = std::chrono::minutes(10);
  // dbt_cloud: the artifacts of a job's latest successful run, through the Administrative API v2.
  std::string account_id;
  std::string job_id;
  // `token` (above) is the service token, a secret.
  std::string base_url = "https://cloud.getdbt.com";
};

struct PolicyConfig {
  model::Selector select;
  model::Policy policy;
  Location location;
};

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  core::Duration request_timeout = std::chrono::seconds(30);
  std::size_t max_body_bytes = 1 << 20;
  core::Duration session_ttl = std::chrono::hours(24 * 7);
  bool cookie_secure = false;  // add Secure to the session cookie (set it behind TLS)
  int threads = 0;             // HTTP threads; 0: the hardware's concurrency, at least 2
};

struct StoreConfig {
  std::string sqlite = "freshwatch.db";  // relative to the config file's folder
  core::Duration observation_retention = std::chrono::days(400);
};

struct Config {
  std::string path;        // the file this came from
  std::string timezone = "UTC";
  std::string naive_timezone = "UTC";  // how timestamps without a zone are read
  StoreConfig store;
  ServerConfig server;
  model::Policy default_policy{"default", model::CalendarRule{}, "built-in"};
  std::vector<ConnectionConfig> connections;
  std::vector<PolicyConfig> policies;
};

}  // namespace freshwatch::config
