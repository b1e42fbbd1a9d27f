// The Snowflake connector (type `snowflake`), over the SQL API v2 (sql_api.h).
//
// Configuration (SnowflakeOptions, keys declared in snowflake_connector.cc; docs/connectors/snowflake.md): `account` (or `host`
// with an optional `ca_file`), `user`, and either `private_key_file` (+ `private_key_passphrase`)
// for key-pair JWTs or `token` + `token_type` (oauth | programmatic_access_token); `role`,
// `warehouse`; `databases` (names as written in SQL: analytics means ANALYTICS); `include` /
// `exclude` globs over DATABASE.SCHEMA.TABLE, matched without regard to case; `tables:` entries
// (first match wins) for owner, tags, loaded_at_field and filter; `statement_timeout`;
// `concurrency` statements at once; `naive_timezone` for TIMESTAMP_NTZ and DATE values.
//
// Modes (`mode`):
//   information_schema (default)  one statement per database against
//       "<DB>".INFORMATION_SCHEMA.TABLES (signal "information_schema.tables.last_altered"),
//       needs a warehouse; the databases are `databases`, or SHOW TERSE DATABASES.
//   account_usage   one statement against SNOWFLAKE.ACCOUNT_USAGE.TABLES for the whole account
//       (signal "account_usage.tables.last_altered"); no per-database cost, but Snowflake
//       documents a latency of up to 90 minutes, which the evidence states.
//   query           every table read with SELECT MAX(loaded_at_field) [WHERE filter].
//   In the first two modes a table with a loaded_at_field (its own or the connection's) is read
//   in query mode too (signal "max(<field>)"). loaded_at_field is inserted as written, so it
//   may be a column (unquoted names are upper-cased by Snowflake) or an expression.
// What LAST_ALTERED, LAST_DDL, CREATED, ROW_COUNT and BYTES tell apart is in signals.h. Views
// have no data of their own (an observation without a change time says so); materialized views
// and external tables are read like tables; dynamic tables report DATA_TIMESTAMP from
// SHOW DYNAMIC TABLES (signal "dynamic_table.data_timestamp"), falling back to the table rules
// with the reason in the evidence.
//
// Assets: <conn> -> <conn>:<DB> -> <conn>:<DB>.<SCHEMA> -> <conn>:<DB>.<SCHEMA>.<TABLE>, names
// as Snowflake stores them, `relation` = DB.SCHEMA.TABLE (see identifiers.h).
//
// Failures: credentials refused (HTTP 401/403), or a server that cannot be reached for any
// statement, fail the whole collect(). A database whose statement fails (no privilege, dropped)
// is reported as an error observation on its database asset and a warning; the others carry
// on. A failed max() query is that table's error.
//
// Thread contract: collect() is called by one thread at a time; it runs up to `concurrency`
// worker threads and joins them before returning. A stop request cancels the statements in
// flight (POST .../cancel) and returns kCancelled.
#pragma once

#include <memory>

#include "config/config.h"
#include "connectors/connector.h"
#include "connectors/selection.h"
#include "connectors/snowflake/sql_api.h"
#include "core/result.h"

namespace freshwatch::connectors {

namespace snowflake {

struct SnowflakeOptions {
  enum class Mode { kInformationSchema, kAccountUsage, kQuery };
  std::string account;  // myorg-myaccount, xy12345.us-east-2.aws
  std::string host;     // instead of account's host: private connectivity, tests
  std::string user;
  std::string private_key_file;        // PKCS#8 PEM; key-pair authentication
  std::string private_key_passphrase;  // for an encrypted key
  std::string token;                   // OAuth or programmatic access token
  AuthKind token_type = AuthKind::kOAuth;
  std::string role;
  std::string warehouse;
  std::vector<std::string> databases;  // empty: every database the role can see
  std::string ca_file;                 // PEM bundle to trust instead of the system's
  core::Duration statement_timeout = std::chrono::minutes(10);
  Mode mode = Mode::kInformationSchema;
  Selection selection;  // globs over DATABASE.SCHEMA.TABLE, without regard to case
};

// What tests tune: waiting without sleeping, and the retry schedule.
struct ConnectorOptions {
  Sleeper sleeper;  // default: real_sleeper()
  int max_retries = 5;
  core::Duration retry_base = std::chrono::milliseconds(500);
  core::Duration retry_cap = std::chrono::seconds(30);
};

Result<std::unique_ptr<Connector>> make_connector(const config::ConnectionConfig& connection,
                                                  const SnowflakeOptions& options,
                                                  ConnectorOptions tuning = {});

}  // namespace snowflake

// Registers the type "snowflake".
void register_snowflake();

}  // namespace freshwatch::connectors
