#include "connectors/sqlite/sqlite_connector.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "core/time.h"
#include "model/selector.h"

namespace freshwatch::connectors {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string quote_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string column_text(sqlite3_stmt* s, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

struct Prepared {
  Stmt stmt;
  std::string error;
};

Prepared prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(raw);
    return {nullptr, sqlite3_errmsg(db)};
  }
  return {Stmt(raw), {}};
}

struct TableInfo {
  std::string schema;
  std::string name;
  bool view = false;
};

class SqliteConnector final : public Connector {
 public:
  SqliteConnector(config::ConnectionConfig config, SqliteOptions options,
                  const date::time_zone* naive_zone)
      : config_(std::move(config)), options_(std::move(options)), naive_zone_(naive_zone) {}

  Result<Collection> collect(const CollectContext& context) override {
    auto db = open();
    if (!db) return std::unexpected(db.error());
    StopGuard guard(db->get(), context.stop);

    Collection out;
    const model::Asset connection = connection_asset(config_);
    out.assets.push_back(connection);

    auto schemas = list_schemas(db->get());
    if (!schemas) return std::unexpected(schemas.error());
    for (const auto& schema : *schemas) {
      if (context.stop.stop_requested())
        return fail(ErrorCode::kCancelled, "collection of '{}' was stopped", config_.name);
      auto tables = list_tables(db->get(), schema);
      if (!tables) return std::unexpected(tables.error());
      if (tables->empty()) continue;
      model::Asset s;
      s.key = model::make_key(config_.name, schema);
      s.name = schema;
      s.kind = model::AssetKind::kSchema;
      s.parent = connection.key;
      s.connection = config_.name;
      s.owner = config_.owner;
      out.assets.push_back(std::move(s));
      for (const auto& table : *tables) {
        if (context.stop.stop_requested())
          return fail(ErrorCode::kCancelled, "collection of '{}' was stopped", config_.name);
        read_table(db->get(), table, context, out);
      }
    }
    return out;
  }

 private:
  // Interrupts a running statement once stop is requested.
  class StopGuard {
   public:
    StopGuard(sqlite3* db, std::stop_token stop) : db_(db), stop_(std::move(stop)) {
      sqlite3_progress_handler(db_, 1000, &StopGuard::check, this);
    }
    ~StopGuard() { sqlite3_progress_handler(db_, 0, nullptr, nullptr); }

   private:
    static int check(void* self) {
      return static_cast<StopGuard*>(self)->stop_.stop_requested() ? 1 : 0;
    }
    sqlite3* db_;
    std::stop_token stop_;
  };

  Result<Db> open() {
    if (options_.path.empty())
      return fail(ErrorCode::kInvalidArgument,
                  "connection '{}': set `path` to the SQLite database file", config_.name);
    std::error_code ec;
    if (!std::filesystem::exists(options_.path, ec))
      return fail(ErrorCode::kNotFound, "SQLite database '{}' does not exist", options_.path);
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(options_.path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    Db db(raw);
    if (rc != SQLITE_OK)
      return fail(ErrorCode::kUnavailable, "cannot open SQLite database '{}': {}", options_.path,
                  raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
    sqlite3_busy_timeout(db.get(), 5000);
    for (const auto& [schema, file] : options_.attach) {
      if (!std::filesystem::exists(file, ec))
        return fail(ErrorCode::kNotFound, "SQLite database '{}' (attached as '{}') does not exist",
                    file, schema);
      const std::string sql = fmt::format("ATTACH DATABASE {} AS {}",
                                          quote_literal(file),
                                          quote_identifier(schema));
      char* message = nullptr;
      if (sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : "unknown error";
        sqlite3_free(message);
        return fail(ErrorCode::kUnavailable, "cannot attach '{}' as '{}': {}", file, schema, text);
      }
    }
    // Fails early on a file that is not a database at all.
    char* message = nullptr;
    if (sqlite3_exec(db.get(), "SELECT count(*) FROM sqlite_master", nullptr, nullptr, &message) !=
        SQLITE_OK) {
      std::string text = message ? message : "unknown error";
      sqlite3_free(message);
      return fail(ErrorCode::kUnavailable, "cannot read SQLite database '{}': {}", options_.path,
                  text);
    }
    return db;
  }

  Result<std::vector<std::string>> list_schemas(sqlite3* db) {
    auto p = prepare(db, "SELECT name FROM pragma_database_list ORDER BY seq");
    if (!p.stmt) return fail(ErrorCode::kUnavailable, "cannot list databases: {}", p.error);
    std::vector<std::string> names;
    int rc;
    while ((rc = sqlite3_step(p.stmt.get())) == SQLITE_ROW) {
      auto name = column_text(p.stmt.get(), 0);
      if (name != "temp") names.push_back(std::move(name));
    }
    if (rc != SQLITE_DONE)
      return fail(ErrorCode::kUnavailable, "cannot list databases: {}", sqlite3_errmsg(db));
    return names;
  }

  // One query per schema lists every table and view.
  Result<std::vector<TableInfo>> list_tables(sqlite3* db, const std::string& schema) {
    auto p = prepare(db, fmt::format("SELECT name, type FROM {}.sqlite_master WHERE type IN "
                                     "('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE "
                                     "'\\' ORDER BY name",
                                     quote_identifier(schema)));
    if (!p.stmt)
      return fail(ErrorCode::kUnavailable, "cannot list tables of '{}': {}", schema, p.error);
    std::vector<TableInfo> tables;
    int rc;
    while ((rc = sqlite3_step(p.stmt.get())) == SQLITE_ROW) {
      TableInfo t{schema, column_text(p.stmt.get(), 0), column_text(p.stmt.get(), 1) == "view"};
      if (options_.selection.includes(schema + "." + t.name)) tables.push_back(std::move(t));
    }
    if (rc != SQLITE_DONE)
      return fail(ErrorCode::kUnavailable, "cannot list tables of '{}': {}", schema,
                  sqlite3_errmsg(db));
    return tables;
  }

  // Column names of one table; an error for a broken view.
  Result<std::vector<std::string>> columns(sqlite3* db, const TableInfo& table) {
    auto p = prepare(db, "SELECT name FROM pragma_table_info(?1, ?2)");
    if (!p.stmt) return fail(ErrorCode::kParse, "{}", p.error);
    sqlite3_bind_text(p.stmt.get(), 1, table.name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(p.stmt.get(), 2, table.schema.c_str(), -1, SQLITE_TRANSIENT);
    std::vector<std::string> names;
    int rc;
    while ((rc = sqlite3_step(p.stmt.get())) == SQLITE_ROW)
      names.push_back(column_text(p.stmt.get(), 0));
    if (rc != SQLITE_DONE) return fail(ErrorCode::kParse, "{}", sqlite3_errmsg(db));
    return names;
  }

  void read_table(sqlite3* db, const TableInfo& table, const CollectContext& context,
                  Collection& out) {
    const std::string qualified = table.schema + "." + table.name;
    // SQLite keeps no change times: every table is read by query.
    const Selection::Table settings = options_.selection.table(qualified, ReadMode::kQuery);

    model::Asset asset;
    asset.key = model::make_key(config_.name, qualified);
    asset.name = table.name;
    asset.kind = table.view ? model::AssetKind::kView : model::AssetKind::kTable;
    asset.parent = model::make_key(config_.name, table.schema);
    asset.connection = config_.name;
    asset.owner = config_.owner;
    asset.tags = config_.tags;
    options_.selection.apply_override(settings, asset.owner, asset.tags);
    asset.relation = qualified;
    out.assets.push_back(asset);

    model::Observation o;
    o.asset_key = asset.key;
    o.observed_at = context.clock.now();
    const std::string& field = settings.loaded_at_field;
    o.signal = field.empty() ? "max(loaded_at_field)" : fmt::format("max({})", field);
    auto finish = [&](std::string error) {
      o.error = std::move(error);
      out.observations.push_back(std::move(o));
    };

    if (field.empty())
      return finish(
          "no loaded_at_field configured; SQLite keeps no change times, so set loaded_at_field "
          "on the connection or for this table under tables:");

    auto cols = columns(db, table);
    if (!cols) return finish(fmt::format("cannot read {}: {}", qualified, cols.error().message));
    const auto column = std::find_if(cols->begin(), cols->end(),
                                     [&](const std::string& c) { return iequals(c, field); });
    if (column == cols->end())
      return finish(fmt::format("no column {} in {}", field, qualified));

    std::string sql = fmt::format("SELECT max({}), count(*) FROM {}.{}", quote_identifier(*column),
                                  quote_identifier(table.schema), quote_identifier(table.name));
    if (!settings.filter.empty()) sql += fmt::format(" WHERE ({})", settings.filter);
    auto p = prepare(db, sql);
    if (!p.stmt) return finish(fmt::format("cannot read {}: {}", qualified, p.error));
    const int rc = sqlite3_step(p.stmt.get());
    if (rc != SQLITE_ROW) {
      if (rc == SQLITE_INTERRUPT) return finish("stopped before the read finished");
      return finish(fmt::format("cannot read {}: {}", qualified, sqlite3_errmsg(db)));
    }
    o.row_count = sqlite3_column_int64(p.stmt.get(), 1);
    const int type = sqlite3_column_type(p.stmt.get(), 0);
    if (type == SQLITE_NULL) {
      o.evidence = *o.row_count == 0 ? fmt::format("{} has no rows", qualified)
                                     : fmt::format("{} is NULL in every row", field);
      out.observations.push_back(std::move(o));
      return;
    }
    const std::string raw = column_text(p.stmt.get(), 0);
    auto at = parse_sqlite_timestamp(raw, type == SQLITE_INTEGER || type == SQLITE_FLOAT,
                                     naive_zone_);
    if (!at)
      return finish(fmt::format("cannot read max({}) = '{}' in {}: {}", field,
                                raw.substr(0, 64), qualified, at.error().message));
    o.changed_at = *at;
    o.evidence = fmt::format("max({}) = {} over {} rows", field, core::format_timestamp(*at),
                             *o.row_count);
    out.observations.push_back(std::move(o));
  }

  config::ConnectionConfig config_;
  SqliteOptions options_;
  const date::time_zone* naive_zone_;
};

}  // namespace

Result<core::TimePoint> parse_sqlite_timestamp(std::string_view text, bool numeric,
                                               const date::time_zone* naive_zone) {
  if (!numeric) return core::parse_timestamp(text, naive_zone);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return fail(ErrorCode::kParse, "'{}' is not a number", text);
  double micros = value * 1e6;                     // seconds
  if (std::fabs(value) >= 1e14) micros = value;    // microseconds
  else if (std::fabs(value) >= 1e11) micros = value * 1e3;  // milliseconds
  if (std::fabs(micros) > 1e17)
    return fail(ErrorCode::kParse, "{} is out of range for a unix timestamp", text);
  return core::TimePoint(core::Duration(static_cast<core::Duration::rep>(std::llround(micros))));
}

Result<std::unique_ptr<Connector>> make_sqlite_connector(const config::ConnectionConfig& config,
                                                         const SqliteOptions& options) {
  auto zone = core::find_zone(options.selection.naive_timezone);
  if (!zone)
    return std::unexpected(zone.error().with_context(fmt::format("connection '{}'", config.name)));
  return std::unique_ptr<Connector>(std::make_unique<SqliteConnector>(config, options, *zone));
}

namespace {

std::vector<config::KeySpec> sqlite_keys() {
  std::vector<config::KeySpec> keys = {
      {"path", "path", true, false, "", "The database file (schema `main`), opened read-only",
       "warehouse.db"},
      {"attach", "mapping", false, false, "none",
       "More database files attached read-only under a schema name: `{sales: sales.db}`; paths "
       "are relative to the configuration file's folder",
       "{sales: sales.db}"},
  };
  const SelectionKeys which{
      .mode = false,
      .concurrency = false,
      .replace = {{"loaded_at_field", "string", false, false, "none",
                   "The column that holds each row's load time", "_loaded_at"},
                  {"filter", "string", false, false, "none",
                   "An SQL condition added as `WHERE` to every table's query",
                   "\"deleted_at IS NULL\""},
                  {"naive_timezone", "time zone", false, false, "the top-level `naive_timezone`",
                   "How timestamps without an offset are read", "UTC"}}};
  for (auto& k : selection_keys(which)) keys.push_back(k);
  return keys;
}

SqliteOptions parse_sqlite(config::Section& s) {
  SqliteOptions o;
  if (auto v = s.path("path")) o.path = *v;
  if (auto attach = s.names("attach", "{sales: sales.db}, a schema name and its database file",
                            true)) {
    for (auto& [schema, file] : *attach) {
      if (schema == "main" || schema == "temp")
        s.problem("attach", fmt::format("attach: '{}' is reserved by SQLite", schema),
                  "choose another schema name");
      else
        o.attach[schema] = file;
    }
  }
  o.selection = parse_selection(s, {.mode = false, .concurrency = false});
  return o;
}

}  // namespace

void register_sqlite() {
  register_type<SqliteOptions>(
      {.name = "sqlite",
       .title = "SQLite",
       .keys = sqlite_keys(),
       .required_hint = "path: warehouse.db, relative to the configuration file's folder"},
      parse_sqlite, make_sqlite_connector);
}

}  // namespace freshwatch::connectors
