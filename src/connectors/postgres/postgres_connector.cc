#include "connectors/postgres/postgres_connector.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <span>
#include <thread>

#include "connectors/postgres/connection.h"
#include "connectors/postgres/signals.h"
#include "connectors/worker_pool.h"
#include "core/log.h"
#include "core/time.h"
#include "model/selector.h"

namespace freshwatch::connectors {
namespace {

using namespace postgres;

// Every relation a user can have data in, with its change counters (those behind
// pg_stat_user_tables, read directly so the view's joins are skipped) summed over partitions.
// Partitions themselves are folded into their root; system schemas are left out.
constexpr std::string_view kDiscoverySql = R"sql(
with rels as (
  select c.oid, n.nspname, c.relname, c.relkind, c.relispartition,
         case when c.relispartition then pg_partition_root(c.oid) else c.oid end as root
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'f', 'v', 'm')
    and n.nspname <> 'information_schema'
    and n.nspname not like 'pg\_%'
), counted as (
  select root,
         sum(pg_stat_get_tuples_inserted(oid) + pg_stat_get_tuples_updated(oid) +
             pg_stat_get_tuples_deleted(oid))::int8 as changes,
         sum(pg_stat_get_live_tuples(oid))::int8 as live,
         sum(pg_stat_get_dead_tuples(oid))::int8 as dead
  from rels
  where relkind in ('r', 'm')
  group by root
)
select r.nspname, r.relname, r.relkind, s.changes, s.live, s.dead
from rels r
left join counted s on s.root = r.oid
where not r.relispartition
order by 1, 2)sql";

struct Table {
  std::string schema;
  std::string name;
  char relkind = 'r';
  std::optional<std::int64_t> changes;
  std::optional<std::int64_t> live;
  std::optional<std::int64_t> dead;
  std::string qualified;  // schema.name, for globs and messages
  std::string sql_name;   // "schema"."name"
  std::string key;
  Selection::Table read;  // override, loaded_at_field and filter; query or metadata
};

bool has_data(const Table& t) { return t.relkind == 'r' || t.relkind == 'p' || t.relkind == 'm'; }

model::AssetKind kind_of(char relkind) {
  return relkind == 'v' || relkind == 'm' ? model::AssetKind::kView : model::AssetKind::kTable;
}

std::string_view describe(char relkind) {
  switch (relkind) {
    case 'p': return "partitioned table";
    case 'f': return "foreign table";
    case 'v': return "view";
    case 'm': return "materialized view";
    default: return "table";
  }
}

int connect_timeout_seconds(core::Duration timeout) {
  auto s = std::chrono::ceil<std::chrono::seconds>(timeout).count();
  return static_cast<int>(std::clamp<std::int64_t>(s, 2, 30));
}

Error query_failure(std::string_view what, const QueryError& e, const Endpoint& where,
                    int timeout_seconds) {
  if (e.cancelled) return {ErrorCode::kCancelled, fmt::format("{}: stopped", what)};
  if (e.sqlstate == "57014")
    return {ErrorCode::kTimeout,
            fmt::format("{} on {}:{} took longer than {} s (statement timeout); raise the "
                        "connection's timeout",
                        what, where.host, where.port, timeout_seconds)};
  if (e.connection_lost)
    return {ErrorCode::kUnavailable,
            fmt::format("{}: lost the connection to {}:{}: {}", what, where.host, where.port,
                        core::redact_dsn(e.message))};
  if (e.sqlstate == "42501")
    return {ErrorCode::kPermissionDenied,
            fmt::format("{}: permission denied: {}", what, core::redact_dsn(e.message))};
  return {ErrorCode::kUnavailable, fmt::format("{}: {}", what, core::redact_dsn(e.message))};
}

}  // namespace

PostgresConnector::PostgresConnector(config::ConnectionConfig config, PostgresOptions options,
                                     Tuning tuning, const date::time_zone* naive_zone)
    : config_(std::move(config)),
      options_(std::move(options)),
      tuning_(tuning),
      naive_zone_(naive_zone) {}

Result<std::unique_ptr<PostgresConnector>> PostgresConnector::create(
    const config::ConnectionConfig& config, PostgresOptions options, Tuning tuning) {
  const std::string where = fmt::format("connection '{}'", config.name);
  if (options.dsn.empty())
    return fail(ErrorCode::kInvalidArgument,
                "{}: dsn is empty; set it to a libpq string such as 'host=db.example.com "
                "dbname=analytics user=freshwatch password=${{PGPASSWORD}}'",
                where);
  if (auto e = parse_endpoint(options.dsn); !e)
    return std::unexpected(e.error().with_context(where));
  auto zone = core::find_zone(options.selection.naive_timezone);
  if (!zone) return std::unexpected(zone.error().with_context(where + ": naive_timezone"));
  return std::unique_ptr<PostgresConnector>(
      new PostgresConnector(config, std::move(options), tuning, *zone));
}

Result<Collection> PostgresConnector::collect(const CollectContext& context) {
  const std::stop_token stop = context.stop;
  const int timeout_seconds = static_cast<int>(
      std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(config_.timeout).count()));
  const ConnectSettings settings{
      options_.dsn, connect_timeout_seconds(config_.timeout),
      static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(config_.timeout).count())};
  auto opened = Connection::open(settings, stop);
  if (!opened) return std::unexpected(opened.error());
  std::unique_ptr<Connection> main = std::move(*opened);
  const Endpoint& endpoint = main->endpoint();

  auto info = main->query(
      "select current_database(), current_user, current_setting('track_commit_timestamp')", stop);
  if (!info) return std::unexpected(query_failure("reading the server's settings", info.error(), endpoint, timeout_seconds));
  const std::string database(info->text(0, 0));
  const std::string user(info->text(0, 1));
  const bool commit_timestamps_on = info->text(0, 2) == "on";

  auto listed = main->query(kDiscoverySql, stop);
  if (!listed) return std::unexpected(query_failure("listing tables", listed.error(), endpoint, timeout_seconds));

  const Selection& selection = options_.selection;
  const ReadMode mode = options_.mode == PostgresOptions::Mode::kMetadata ? ReadMode::kMetadata
                        : options_.mode == PostgresOptions::Mode::kQuery  ? ReadMode::kQuery
                                                                          : ReadMode::kPerTable;
  const std::string& conn = config_.name;
  std::vector<Table> tables;
  tables.reserve(listed->size());
  for (int r = 0; r < listed->size(); ++r) {
    Table t;
    t.schema = listed->text(r, 0);
    t.name = listed->text(r, 1);
    t.qualified = fmt::format("{}.{}", t.schema, t.name);
    if (!selection.includes(t.qualified)) continue;
    t.relkind = listed->text(r, 2).empty() ? 'r' : listed->text(r, 2)[0];
    if (!listed->is_null(r, 3)) t.changes = listed->integer(r, 3);
    if (!listed->is_null(r, 4)) t.live = listed->integer(r, 4);
    if (!listed->is_null(r, 5)) t.dead = listed->integer(r, 5);
    t.sql_name = quote_ident(t.schema) + "." + quote_ident(t.name);
    t.key = model::make_key(conn, fmt::format("{}.{}", database, t.qualified));
    t.read = selection.table(t.qualified, mode);
    tables.push_back(std::move(t));
  }

  Collection out;
  auto base_asset = [&](std::string key, std::string name, model::AssetKind kind,
                        std::string parent) {
    model::Asset a;
    a.key = std::move(key);
    a.name = std::move(name);
    a.kind = kind;
    a.parent = std::move(parent);
    a.connection = conn;
    a.owner = config_.owner;
    a.tags = config_.tags;
    return a;
  };
  const std::string db_key = model::make_key(conn, database);
  out.assets.push_back(base_asset(conn, conn, model::AssetKind::kConnection, ""));
  {
    auto db = base_asset(db_key, database, model::AssetKind::kDatabase, conn);
    db.description = fmt::format("PostgreSQL database on {}:{}", endpoint.host, endpoint.port);
    out.assets.push_back(std::move(db));
  }
  std::set<std::string> schemas_seen;
  for (const auto& t : tables) {
    const std::string schema_key = model::make_key(conn, fmt::format("{}.{}", database, t.schema));
    if (schemas_seen.insert(t.schema).second) {
      auto s = base_asset(schema_key, t.schema, model::AssetKind::kSchema, db_key);
      s.relation = fmt::format("{}.{}", database, t.schema);
      out.assets.push_back(std::move(s));
    }
    auto a = base_asset(t.key, t.name, kind_of(t.relkind), schema_key);
    a.description = std::string(describe(t.relkind));
    a.relation = fmt::format("{}.{}", database, t.qualified);
    selection.apply_override(t.read, a.owner, a.tags);
    out.assets.push_back(std::move(a));
  }

  // Metadata signal: counters (already read) and, for small tables, newest commit timestamps.
  std::vector<const Table*> metadata_tables;
  std::vector<const Table*> query_tables;
  for (const auto& t : tables) {
    if (t.read.query)
      query_tables.push_back(&t);
    else if (has_data(t))
      metadata_tables.push_back(&t);
  }

  auto previous_of = [&](const Table& t) -> const model::Observation* {
    const model::Observation* a = context.previous.find(t.key, kStatsSignal);
    const model::Observation* b = context.previous.find(t.key, kCommitSignal);
    return !a ? b : !b ? a : (b->observed_at > a->observed_at ? b : a);
  };
  // A commit timestamp can only tell something new where the counters moved, where they are
  // seen for the first time or were reset, or where the time of the last change is unknown;
  // for a table that sat still since a known change, it would be read for nothing.
  auto commit_timestamp_useful = [&](const Table& t) {
    const model::Observation* p = previous_of(t);
    if (!p || !p->changed_at) return true;
    auto before = parse_marker(p->marker);
    return !before || *before != t.changes.value_or(0);
  };

  std::map<const Table*, core::TimePoint> newest_commit;
  std::map<const Table*, std::string> commit_notes;
  const auto max_rows = tuning_.commit_timestamp_max_rows;
  if (commit_timestamps_on && max_rows != 0) {
    std::vector<const Table*> eligible;
    for (const Table* t : metadata_tables) {
      const std::int64_t rows = t->live.value_or(0) + t->dead.value_or(0);
      if (rows == 0 || !commit_timestamp_useful(*t)) continue;  // no rows: nothing to read
      if (max_rows < 0 || rows <= max_rows)
        eligible.push_back(t);
      else
        commit_notes[t] = fmt::format(
            "commit timestamps are read only for tables of at most {} rows", max_rows);
    }
    auto read_batch = [&](std::span<const Table* const> batch) -> std::optional<QueryError> {
      std::string sql;
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (i) sql += "\nunion all ";
        sql += fmt::format(
            "select {}, extract(epoch from max(pg_xact_commit_timestamp(xmin)))::text from {}", i,
            batch[i]->sql_name);
      }
      auto rows = main->query(sql, stop);
      if (!rows) return rows.error();
      for (int r = 0; r < rows->size(); ++r) {
        if (rows->is_null(r, 1)) continue;
        auto micros = parse_epoch_micros(rows->text(r, 1));
        const auto index = static_cast<std::size_t>(rows->integer(r, 0));
        if (micros && index < batch.size())
          newest_commit[batch[index]] = core::TimePoint(core::Duration(*micros));
      }
      return std::nullopt;
    };
    const std::size_t step = static_cast<std::size_t>(std::max(1, tuning_.commit_timestamp_batch));
    for (std::size_t i = 0; i < eligible.size(); i += step) {
      std::span<const Table* const> batch(eligible.data() + i, std::min(step, eligible.size() - i));
      auto e = read_batch(batch);
      if (!e) continue;
      if (e->cancelled) return fail(ErrorCode::kCancelled, "collection of '{}' stopped", conn);
      if (e->connection_lost) return std::unexpected(query_failure("reading commit timestamps", *e, endpoint, timeout_seconds));
      // One table of the batch failed (permission, lock timeout): read them one by one, so
      // only that table goes without.
      for (const Table* t : batch) {
        auto single = read_batch(std::span<const Table* const>(&t, 1));
        if (single && single->cancelled)
          return fail(ErrorCode::kCancelled, "collection of '{}' stopped", conn);
        if (single) commit_notes[t] = fmt::format("commit timestamp not read: {}", single->message);
      }
    }
  } else if (!commit_timestamps_on) {
    for (const Table* t : metadata_tables)
      commit_notes[t] = "track_commit_timestamp is off, so no commit timestamps";
  }

  const core::TimePoint now = context.clock.now();
  for (const Table* t : metadata_tables) {
    MetadataReading reading;
    reading.asset_key = t->key;
    reading.now = now;
    reading.changes = t->changes.value_or(0);
    reading.live_rows = t->live;
    if (auto it = newest_commit.find(t); it != newest_commit.end()) reading.newest_commit = it->second;
    if (auto it = commit_notes.find(t); it != commit_notes.end()) reading.commit_note = it->second;
    reading.previous = previous_of(*t);
    out.observations.push_back(decide_metadata(reading));
  }

  // Query signal: max(loaded_at_field) per table on a small pool of connections.
  std::vector<model::Observation> results(query_tables.size());
  std::atomic<bool> cancelled{false};
  // Reads table i on connection c; false when c can serve no more.
  auto read = [&](Connection& c, std::size_t i) -> bool {
    const Table& t = *query_tables[i];
    const std::string& field = t.read.loaded_at_field;
    const std::string& filter = t.read.filter;
    model::Observation& o = results[i];
    o.asset_key = t.key;
    o.signal = field.empty() ? "max(?)" : fmt::format("max({})", field);
    o.observed_at = context.clock.now();
    if (field.empty()) {
      o.error = "query mode needs loaded_at_field for this table (set it on the connection or in "
                "its `tables:` entry)";
      return true;
    }
    const std::string column = column_sql(field);
    std::string sql = fmt::format(
        "select extract(epoch from max({0}))::text, pg_typeof(max({0}))::text from {1}", column,
        t.sql_name);
    if (!filter.empty()) sql += fmt::format(" where ({})", filter);
    if (t.relkind != 'v') o.row_count = t.live;
    auto rows = c.query(sql, stop);
    o.observed_at = context.clock.now();
    const std::string where = filter.empty() ? "" : fmt::format(" where {}", filter);
    if (!rows) {
      if (rows.error().cancelled) {
        cancelled = true;
        return false;
      }
      o.error = table_error(rows.error().sqlstate, rows.error().message,
                            TableQuery{t.qualified, field, filter, user, timeout_seconds});
      return !rows.error().connection_lost;  // a lost connection ends this worker only
    }
    if (rows->size() == 0 || rows->is_null(0, 0)) {
      o.evidence = fmt::format("max({}){} is null: {}", field, where,
                               filter.empty() ? "the table has no rows with a value"
                                              : "no rows match the filter");
      return true;
    }
    const std::string type(rows->text(0, 1));
    auto at = loaded_at_instant(rows->text(0, 0), type, naive_zone_);
    if (!at) {
      o.error = fmt::format("{}: {}", t.qualified, at.error().message);
      return true;
    }
    o.changed_at = *at;
    o.evidence = fmt::format("max({}){} = {}", field, where, core::format_timestamp(*at));
    if (type == "timestamp without time zone")
      o.evidence += fmt::format(" (timestamp without time zone, read in {})", naive_zone_->name());
    else if (type == "date")
      o.evidence += fmt::format(" (a date, taken as midnight in {})", naive_zone_->name());
    return true;
  };
  if (!query_tables.empty()) {
    // Worker 0 reads on the main connection; each other worker opens its own, and one that
    // cannot connect just does not help.
    const std::size_t workers = std::min<std::size_t>(
        static_cast<std::size_t>(std::max(selection.concurrency, 1)), query_tables.size());
    std::vector<Connection*> connections(workers, nullptr);
    connections[0] = main.get();
    std::atomic<std::size_t> missing{0};
    run_pool(
        query_tables.size(), selection.concurrency, stop,
        [&](std::size_t worker) -> std::shared_ptr<void> {
          auto c = Connection::open(settings, stop);
          if (!c) {
            ++missing;
            return nullptr;
          }
          std::shared_ptr<Connection> held(std::move(*c));
          connections[worker] = held.get();
          return held;
        },
        [&](std::size_t worker, std::size_t i) { return read(*connections[worker], i); });
    if (missing)
      out.warnings.push_back(fmt::format(
          "only {} of {} connections opened for query mode; tables were read more slowly",
          workers - missing, workers));
    // A worker whose connection was lost leaves its claimed table with an error; tables never
    // reached (every connection lost) are told so.
    for (std::size_t i = 0; i < results.size(); ++i)
      if (results[i].asset_key.empty()) {
        results[i].asset_key = query_tables[i]->key;
        results[i].signal = fmt::format("max({})", query_tables[i]->read.loaded_at_field);
        results[i].observed_at = context.clock.now();
        results[i].error = fmt::format("{} was not read: the connection to {}:{} was lost",
                                       query_tables[i]->qualified, endpoint.host, endpoint.port);
      }
  }
  if (cancelled || stop.stop_requested())
    return fail(ErrorCode::kCancelled, "collection of '{}' stopped", conn);
  for (auto& o : results) out.observations.push_back(std::move(o));
  return out;
}

namespace {

bool is_postgres_dsn(std::string_view dsn) {
  return dsn.starts_with("postgres://") || dsn.starts_with("postgresql://") ||
         dsn.find('=') != std::string_view::npos;
}

std::vector<config::KeySpec> postgres_keys() {
  std::vector<config::KeySpec> keys = {
      {"dsn", "string", true, true, "",
       "A libpq keyword string (`host=db dbname=analytics user=freshwatch`) or URI "
       "(`postgresql://freshwatch@db:5432/analytics`)",
       "${WAREHOUSE_DSN}"},
  };
  for (auto& k : selection_keys({})) keys.push_back(k);
  return keys;
}

PostgresOptions parse_postgres(config::Section& s) {
  PostgresOptions o;
  o.dsn = read_dsn(s, "postgres", is_postgres_dsn,
                   "write postgresql://user@host:5432/db or 'host=... dbname=... user=...'");
  std::string mode;
  o.selection = parse_selection(s, {}, &mode);
  o.mode = mode == "metadata" ? PostgresOptions::Mode::kMetadata
           : mode == "query"  ? PostgresOptions::Mode::kQuery
                              : PostgresOptions::Mode::kPerTable;
  return o;
}

}  // namespace

void register_postgres() {
  register_type<PostgresOptions>(
      {.name = "postgres",
       .title = "PostgreSQL",
       .keys = postgres_keys(),
       .required_hint = "dsn: ${WAREHOUSE_DSN}, a libpq keyword string or postgresql:// URI"},
      parse_postgres,
      [](const config::ConnectionConfig& c,
         const PostgresOptions& o) -> Result<std::unique_ptr<Connector>> {
        auto made = PostgresConnector::create(c, o);
        if (!made) return std::unexpected(made.error());
        return std::unique_ptr<Connector>(std::move(*made));
      });
}

}  // namespace freshwatch::connectors
