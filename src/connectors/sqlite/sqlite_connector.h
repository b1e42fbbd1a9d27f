// SQLite connector: reads when each table of a SQLite database last changed, in query mode:
// `SELECT max(loaded_at_field), count(*) FROM schema.table [WHERE filter]` per table. SQLite keeps
// no change times of its own, so there is no metadata mode.
//
// Configuration (SqliteOptions; keys declared in sqlite_connector.cc): `path` (the main database file, opened read-only),
// `attach` (more files attached read-only under a schema name), `include`/`exclude` (globs over
// schema.table, where schema is `main` or an attached name), `loaded_at_field`, `filter`,
// `naive_timezone`, and per-table overrides in `tables:`, read as every warehouse reads them
// (connectors/selection.h).
//
// Assets: the connection → schema → table/view, keyed "<connection>:<schema>.<table>".
// Timestamps may be stored as text (ISO 8601; without a zone they are read in naive_timezone)
// or as unix epoch numbers (seconds; milliseconds and microseconds are recognised by size).
// max() compares text as text, so a column should keep one text format throughout.
// A table without the timestamp column, a broken view or an unreadable value is reported as an
// observation with an error (the asset turns unknown); other tables carry on. A missing or
// unreadable database file fails the whole collection.
//
// Thread contract: one instance per connection; collect() is not called concurrently on one
// instance. Each collect() opens its own read-only handle, so a running collection never
// holds a lock between runs. Long queries are interrupted when context.stop is requested.
#pragma once

#include <map>
#include <memory>

#include "config/config.h"
#include "connectors/connector.h"
#include "connectors/selection.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/time.h"

namespace freshwatch::connectors {

struct SqliteOptions {
  std::string path;                           // the main database file
  std::map<std::string, std::string> attach;  // schema name -> database file, read-only
  Selection selection;                        // no mode: every table is read by query
};

Result<std::unique_ptr<Connector>> make_sqlite_connector(const config::ConnectionConfig& config,
                                                         const SqliteOptions& options);

// Reads a max(loaded_at) value: text as an ISO 8601 timestamp (naive ones in `naive_zone`),
// numbers as unix epoch seconds (values above 1e11 as milliseconds, above 1e14 as microseconds).
Result<core::TimePoint> parse_sqlite_timestamp(std::string_view text, bool numeric,
                                               const date::time_zone* naive_zone);

void register_sqlite();

}  // namespace freshwatch::connectors
