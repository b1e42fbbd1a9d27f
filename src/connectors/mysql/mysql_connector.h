// The MySQL/MariaDB connector (type `mysql`), built on libmariadb.
//
// Configuration (MysqlOptions; keys declared in mysql_connector.cc): `dsn` is
// mysql://user:password@host:port/database or mariadb://... (see dsn.h). `ssl_mode` (or the
// dsn's ssl-mode) says how TLS is used: preferred (the default: encrypted whenever the server
// offers TLS, its certificate not checked), disabled, required, verify_ca, verify_identity. The
// shared keys are read by connectors/selection.h. `timeout` bounds connecting and every read. `include` /
// `exclude` are globs over "schema.table". When the dsn names a database and `include` is
// empty, only that database is discovered; otherwise every database the user can see except
// the system ones (mysql, information_schema, performance_schema, sys), filtered by the globs.
//
// Assets (MySQL calls a schema a database, so there is no separate schema level):
//   <conn>                 kind connection
//   <conn>:<db>            kind database, parent <conn>
//   <conn>:<db>.<table>    kind table or view, parent <conn>:<db>,
//                          relation "<db>.<table>", lower-cased when the server's
//                          lower_case_table_names is 1 or 2 (names compare case-insensitively)
// `tables:` entries: the first whose `match` glob fits "db.table" applies; its owner,
// loaded_at_field and filter replace the connection's, its tags are added.
//
// Modes, per table:
//   metadata  information_schema.TABLES.UPDATE_TIME, read for all tables in the same query
//             that discovers them (signal "information_schema.tables.update_time"; see
//             update_time.h for what a NULL means and how it is handled).
//   query     SELECT MAX(`loaded_at_field`) FROM `db`.`table` [WHERE filter] (signal
//             "max(<field>)"), `concurrency` connections at once. TIMESTAMP columns are read in
//             UTC (the session time_zone is '+00:00'); DATETIME and DATE are naive and read in
//             `naive_timezone`; text columns are parsed as ISO 8601.
//   A table is read in query mode when it has a loaded_at_field (its `tables:` entry's, or the
//   connection's unless `mode: metadata`), else in metadata mode; `mode: query` makes a table
//   without one an error.
//
// Failures: a connection that cannot be opened (refused, bad credentials, unknown database,
// timeout) fails the whole collect() with an Error in plain words; a query that fails for one
// table (a missing column, a bad filter) becomes that table's Observation::error.
//
// Thread contract: collect() is called by one thread at a time; it runs its own worker threads
// and joins them before returning. A stop request cancels the queries in flight (connecting
// itself is bounded by `timeout`). docs/connectors/mysql.md is the user's guide.
#pragma once

#include <memory>

#include "config/config.h"
#include "connectors/connector.h"
#include "connectors/mysql/dsn.h"
#include "connectors/selection.h"
#include "core/result.h"

namespace freshwatch::connectors {

namespace mysql {

struct MysqlOptions {
  enum class Mode { kPerTable, kMetadata, kQuery };
  std::string dsn;
  std::optional<SslMode> ssl_mode;  // the key; else the dsn's ssl-mode; else preferred
  std::string ssl_ca;
  Mode mode = Mode::kPerTable;
  Selection selection;
};

Result<std::unique_ptr<Connector>> make_connector(const config::ConnectionConfig& connection,
                                                  const MysqlOptions& options);

}  // namespace mysql

// Registers the type "mysql", with the alias "mariadb".
void register_mysql();

}  // namespace freshwatch::connectors
