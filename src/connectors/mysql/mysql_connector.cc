#include "connectors/mysql/mysql_connector.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <fmt/format.h>

#include "connectors/mysql/dsn.h"
#include "connectors/mysql/identifiers.h"
#include "connectors/mysql/update_time.h"
#include "connectors/worker_pool.h"
#include "core/time.h"
#include "model/selector.h"

namespace freshwatch::connectors::mysql {
namespace {

using core::TimePoint;

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

// The libmariadb thread-local state, set up and torn down with each worker thread.
struct ThreadScope {
  ThreadScope() { mysql_thread_init(); }
  ~ThreadScope() { mysql_thread_end(); }
};


bool has_wildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

std::optional<std::int64_t> to_int64(const char* text) {
  if (!text) return std::nullopt;
  std::string_view s(text);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// information_schema times, read in the session's time zone, which is UTC. Zero dates are
// treated as absent.
std::optional<TimePoint> to_utc_time(const char* text) {
  if (!text) return std::nullopt;
  auto t = core::parse_timestamp(text);
  if (!t) return std::nullopt;
  return *t;
}

// Connects to host:port over TCP and returns 0 or the errno that stopped it.
int probe_tcp(const std::string& host, unsigned port, unsigned timeout_secs) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found)
    return EHOSTUNREACH;
  int err = 0;
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    err = 0;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      err = errno;
      if (err == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        int ready = poll(&p, 1, static_cast<int>(std::min(timeout_secs, 30u) * 1000));
        socklen_t len = sizeof err;
        if (ready <= 0) err = ETIMEDOUT;
        else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      }
    }
    close(fd);
    if (err == 0) break;
  }
  freeaddrinfo(found);
  return err;
}

// One open session: a MYSQL handle with the session settings every query relies on.
class Session {
 public:
  Session() = default;
  Session(Session&& other) noexcept : mysql_(std::exchange(other.mysql_, nullptr)) {}
  Session& operator=(Session&&) = delete;
  ~Session() {
    if (mysql_) mysql_close(mysql_);
  }

  static Result<Session> open(const Dsn& dsn, std::chrono::seconds timeout) {
    init_library();
    Session s;
    s.mysql_ = mysql_init(nullptr);
    if (!s.mysql_) return fail(ErrorCode::kInternal, "out of memory opening a MySQL connection");
    unsigned secs = static_cast<unsigned>(std::clamp<std::int64_t>(timeout.count(), 1, 86'400));
    unsigned zero = 0;
    mysql_options(s.mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &secs);
    mysql_options(s.mysql_, MYSQL_OPT_READ_TIMEOUT, &secs);
    mysql_options(s.mysql_, MYSQL_OPT_WRITE_TIMEOUT, &secs);
    mysql_options(s.mysql_, MYSQL_OPT_LOCAL_INFILE, &zero);
    mysql_options(s.mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_options(s.mysql_, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
    if (dsn.ssl_mode != SslMode::kDisabled) {
      // Preferred asks for TLS and goes on without it when the server offers none; the others
      // refuse such a server. Only verify_identity has libmariadb check the certificate (3.4
      // would by default, which a server's self-signed certificate fails).
      my_bool enforce = dsn.ssl_mode == SslMode::kPreferred ? 0 : 1;
      mysql_options(s.mysql_, MYSQL_OPT_SSL_ENFORCE, &enforce);
      my_bool verify = dsn.ssl_mode == SslMode::kVerifyIdentity ? 1 : 0;
      mysql_options(s.mysql_, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
      auto opt = [](const std::string& v) { return v.empty() ? nullptr : v.c_str(); };
      mysql_ssl_set(s.mysql_, opt(dsn.ssl_key), opt(dsn.ssl_cert), opt(dsn.ssl_ca), nullptr,
                    nullptr);
    }
    if (!mysql_real_connect(s.mysql_, dsn.socket.empty() ? dsn.host.c_str() : nullptr,
                            dsn.user.empty() ? nullptr : dsn.user.c_str(),
                            dsn.password.c_str(),
                            dsn.database.empty() ? nullptr : dsn.database.c_str(), dsn.port,
                            dsn.socket.empty() ? nullptr : dsn.socket.c_str(), 0)) {
      return std::unexpected(connect_error(s.mysql_, dsn, secs));
    }
    // libmariadb may carry on in plain text when the server offers no TLS; the modes beyond
    // preferred must not.
    if (dsn.ssl_mode != SslMode::kPreferred && dsn.ssl_mode != SslMode::kDisabled &&
        !mysql_get_ssl_cipher(s.mysql_))
      return fail(ErrorCode::kUnavailable,
                  "{} does not offer TLS, which ssl_mode requires; enable TLS on the server "
                  "(ssl_cert and ssl_key) or set ssl_mode: preferred",
                  dsn.describe());
    return s;
  }

  MYSQL* get() const { return mysql_; }

  // Runs `sql` and returns its whole result (null for statements without one).
  Result<std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)>> query(std::string_view sql) {
    using Ptr = std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)>;
    if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return std::unexpected(last_error());
    MYSQL_RES* res = mysql_store_result(mysql_);
    if (!res && mysql_field_count(mysql_) != 0) return std::unexpected(last_error());
    return Ptr(res, &mysql_free_result);
  }

  unsigned last_errno() const { return mysql_errno(mysql_); }

  Error last_error() const {
    unsigned code = mysql_errno(mysql_);
    ErrorCode kind = ErrorCode::kUnavailable;
    if (code == CR_SERVER_LOST || code == CR_SERVER_GONE_ERROR) {
      std::string_view msg = mysql_error(mysql_);
      kind = msg.find("110") != std::string_view::npos ||
                     msg.find("timed out") != std::string_view::npos ||
                     msg.find("timeout") != std::string_view::npos
                 ? ErrorCode::kTimeout
                 : ErrorCode::kUnavailable;
    } else if (code == ER_BAD_FIELD_ERROR || code == ER_NO_SUCH_TABLE) {
      kind = ErrorCode::kNotFound;
    } else if (code == ER_PARSE_ERROR) {
      kind = ErrorCode::kInvalidArgument;
    } else if (code == ER_TABLEACCESS_DENIED_ERROR || code == ER_COLUMNACCESS_DENIED_ERROR ||
               code == ER_DBACCESS_DENIED_ERROR) {
      kind = ErrorCode::kPermissionDenied;
    }
    return Error{kind, fmt::format("{} (MySQL error {})", mysql_error(mysql_), code)};
  }

 private:
  static Error connect_error(MYSQL* mysql, const Dsn& dsn, unsigned timeout_secs) {
    unsigned code = mysql_errno(mysql);
    std::string_view msg = mysql_error(mysql);
    const std::string where = dsn.describe();
    auto contains = [&](std::string_view s) { return msg.find(s) != std::string_view::npos; };
    switch (code) {
      case ER_ACCESS_DENIED_ERROR:
      case ER_ACCESS_DENIED_NO_PASSWORD_ERROR:
        return {ErrorCode::kPermissionDenied,
                fmt::format("MySQL at {} refused the credentials of user '{}': check the user "
                            "name and password in the dsn ({})",
                            where, dsn.user, msg)};
      case ER_DBACCESS_DENIED_ERROR:
        return {ErrorCode::kPermissionDenied,
                fmt::format("user '{}' may not use database '{}' on {} ({})", dsn.user,
                            dsn.database, where, msg)};
      case ER_BAD_DB_ERROR:
        return {ErrorCode::kNotFound,
                fmt::format("database '{}' does not exist on {}; check the dsn's path",
                            dsn.database, where)};
      case CR_UNKNOWN_HOST:
        return {ErrorCode::kUnavailable,
                fmt::format("cannot resolve the MySQL host '{}' ({})", dsn.host, msg)};
      default:
        break;
    }
    auto refused = [&] {
      return Error{ErrorCode::kUnavailable,
                   fmt::format("connection refused by {}: is the MySQL server running and the "
                               "port right?",
                               where)};
    };
    auto timed_out = [&] {
      return Error{ErrorCode::kTimeout,
                   fmt::format("no answer from MySQL at {} within {} s (the connection's "
                               "timeout); is it a MySQL server, and reachable? ({})",
                               where, timeout_secs, msg)};
    };
    if ((code == CR_CONN_HOST_ERROR || code == CR_CONNECTION_ERROR) && contains("(115)") &&
        dsn.socket.empty()) {
      // libmariadb connects without blocking and reports only "in progress"; ask the system
      // what really happened.
      int err = probe_tcp(dsn.host, dsn.port, timeout_secs);
      if (err == ECONNREFUSED) return refused();
      if (err == ETIMEDOUT) return timed_out();
      if (err != 0)
        return {ErrorCode::kUnavailable,
                fmt::format("cannot connect to MySQL at {}: {}", where, std::strerror(err))};
    }
    if (contains("(111)") || contains("refused")) return refused();
    if (contains("(110)") || contains("timed out") || contains("timeout") ||
        code == CR_SERVER_LOST)
      return timed_out();
    return {ErrorCode::kUnavailable,
            fmt::format("cannot connect to MySQL at {}: {} (error {})", where, msg, code)};
  }

  MYSQL* mysql_ = nullptr;
};

// Cancels the session's I/O when a stop is requested, so a blocked query returns at once.
class CancelOnStop {
 public:
  CancelOnStop(std::stop_token token, MYSQL* mysql)
      : callback_(std::move(token), [mysql] { mariadb_cancel(mysql); }) {}

 private:
  std::stop_callback<std::function<void()>> callback_;
};

struct TablePlan {
  std::size_t asset_index = 0;  // into Collection::assets
  std::string schema;
  std::string name;
  std::string field;   // loaded_at_field; empty in metadata mode
  std::string filter;
};

// How a per-table query failure reads on the asset page.
std::string table_error(const Error& error, const TablePlan& plan, std::string_view filter) {
  if (error.code == ErrorCode::kInvalidArgument && !filter.empty())
    return fmt::format("the query failed; check the filter `{}`: {}", filter, error.message);
  if (error.code == ErrorCode::kNotFound)
    return fmt::format("{}.{} has no column `{}` or no longer exists: {}", plan.schema, plan.name,
                       plan.field, error.message);
  return fmt::format("reading max(`{}`) failed: {}", plan.field, error.message);
}

class MysqlConnector final : public Connector {
 public:
  MysqlConnector(config::ConnectionConfig connection, MysqlOptions options, Dsn dsn,
                 const date::time_zone* naive_zone)
      : connection_(std::move(connection)),
        options_(std::move(options)),
        selection_(options_.selection),
        dsn_(std::move(dsn)),
        naive_zone_(naive_zone) {}

  Result<Collection> collect(const CollectContext& context) override {
    if (context.stop.stop_requested()) return cancelled();
    auto timeout = std::chrono::ceil<std::chrono::seconds>(connection_.timeout);
    auto session = Session::open(dsn_, timeout);
    if (!session) return std::unexpected(session.error().with_context(where()));
    if (context.stop.stop_requested()) return cancelled();
    CancelOnStop cancel(context.stop, session->get());

    // MySQL 8 serves cached statistics unless told not to; MariaDB has no such variable.
    (void)session->query("SET SESSION information_schema_stats_expiry = 0");

    auto server = read_server(*session);
    if (!server) return fail_or_cancel(context, server.error());

    auto rows = session->query(discovery_sql());
    if (!rows) return fail_or_cancel(context, rows.error());

    Collection out;
    const TimePoint now = context.clock.now();
    out.assets.push_back(connection_asset(connection_));
    std::vector<TablePlan> queries;
    std::set<std::string, std::less<>> schemas_seen;
    while (MYSQL_ROW row = mysql_fetch_row(rows->get())) {
      TableMetadata table;
      table.schema = row[0] ? row[0] : "";
      table.name = row[1] ? row[1] : "";
      std::string qualified = table.schema + "." + table.name;
      if (!selection_.includes(qualified)) continue;
      table.is_view = row[2] && std::string_view(row[2]) == "VIEW";
      table.engine = row[3] ? row[3] : "";
      table.table_rows = to_int64(row[4]);
      table.create_time = to_utc_time(row[5]);
      table.update_time = to_utc_time(row[6]);

      if (schemas_seen.insert(table.schema).second) {
        out.assets.push_back(model::Asset{.key = model::make_key(connection_.name, table.schema),
                                          .name = table.schema,
                                          .kind = model::AssetKind::kDatabase,
                                          .parent = connection_.name,
                                          .connection = connection_.name,
                                          .owner = connection_.owner,
                                          .tags = connection_.tags});
      }
      const Selection::Table read = selection_.table(qualified, read_mode());
      model::Asset asset{.key = model::make_key(connection_.name, qualified),
                         .name = table.name,
                         .kind = table.is_view ? model::AssetKind::kView : model::AssetKind::kTable,
                         .parent = model::make_key(connection_.name, table.schema),
                         .connection = connection_.name,
                         .owner = connection_.owner,
                         .tags = connection_.tags,
                         .relation = relation_name(table.schema, table.name,
                                                  server->lower_case_table_names)};
      selection_.apply_override(read, asset.owner, asset.tags);
      const std::string& field = read.loaded_at_field;
      const bool query_mode = read.query;
      out.assets.push_back(std::move(asset));
      const std::size_t index = out.assets.size() - 1;
      const std::string& key = out.assets.back().key;
      if (!query_mode) {
        out.observations.push_back(observe_update_time(
            table, key, now, server->started, context.previous.find(key, kUpdateTimeSignal)));
      } else if (field.empty()) {
        model::Observation o{.asset_key = key, .observed_at = now, .signal = "max(?)"};
        o.error = "query mode needs loaded_at_field for this table (set it on the connection or "
                  "in its `tables:` entry)";
        out.observations.push_back(std::move(o));
      } else {
        queries.push_back(TablePlan{index, table.schema, table.name, field, read.filter});
      }
    }
    rows->reset();
    if (context.stop.stop_requested()) return cancelled();

    if (!queries.empty()) run_queries(context, *session, queries, out, now);
    if (context.stop.stop_requested()) return cancelled();
    return out;
  }

 private:
  struct ServerInfo {
    int lower_case_table_names = 0;
    TimePoint started{};
  };

  std::string where() const { return fmt::format("connection '{}'", connection_.name); }

  static std::unexpected<Error> cancelled() {
    return fail(ErrorCode::kCancelled, "collection stopped on request");
  }

  std::unexpected<Error> fail_or_cancel(const CollectContext& context, const Error& error) const {
    if (context.stop.stop_requested()) return cancelled();
    return std::unexpected(error.with_context(fmt::format("{}: {}", where(), dsn_.describe())));
  }

  Result<ServerInfo> read_server(Session& session) const {
    auto res = session.query("SELECT @@lower_case_table_names, UTC_TIMESTAMP(6)");
    if (!res) return std::unexpected(res.error());
    MYSQL_ROW row = mysql_fetch_row(res->get());
    if (!row) return fail(ErrorCode::kParse, "the server returned no settings");
    ServerInfo info;
    info.lower_case_table_names = static_cast<int>(to_int64(row[0]).value_or(0));
    auto server_now = to_utc_time(row[1]);
    auto status = session.query("SHOW GLOBAL STATUS LIKE 'Uptime'");
    if (!status) return std::unexpected(status.error());
    MYSQL_ROW up = mysql_fetch_row(status->get());
    auto uptime = up ? to_int64(up[1]) : std::nullopt;
    if (!server_now || !uptime)
      return fail(ErrorCode::kParse, "could not read the server's clock and uptime");
    info.started = *server_now - std::chrono::seconds(*uptime);
    return info;
  }

  // One query for every table of every candidate database. The globs are applied again to each
  // row; the WHERE clause only narrows what the server reads.
  std::string discovery_sql() const {
    std::string sql =
        "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_ROWS, CREATE_TIME, "
        "UPDATE_TIME FROM information_schema.TABLES WHERE TABLE_TYPE IN ('BASE TABLE', 'VIEW', "
        "'SYSTEM VERSIONED') AND ";
    std::vector<std::string> schemas;
    if (selection_.include.empty() && !dsn_.database.empty()) {
      schemas.push_back(dsn_.database);
    } else if (!selection_.include.empty()) {
      for (const auto& pattern : selection_.include) {
        auto dot = pattern.find('.');
        std::string schema = pattern.substr(0, dot);
        if (dot == std::string::npos || has_wildcard(schema)) {
          schemas.clear();
          break;
        }
        if (std::find(schemas.begin(), schemas.end(), schema) == schemas.end())
          schemas.push_back(schema);
      }
    }
    if (schemas.empty()) {
      sql += "TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')";
    } else {
      sql += "TABLE_SCHEMA IN (";
      for (std::size_t i = 0; i < schemas.size(); ++i) {
        if (i) sql += ", ";
        sql += quote_string(schemas[i]);
      }
      sql += ")";
    }
    sql += " ORDER BY BINARY TABLE_SCHEMA, BINARY TABLE_NAME";
    return sql;
  }

  ReadMode read_mode() const {
    switch (options_.mode) {
      case MysqlOptions::Mode::kMetadata: return ReadMode::kMetadata;
      case MysqlOptions::Mode::kQuery: return ReadMode::kQuery;
      case MysqlOptions::Mode::kPerTable: break;
    }
    return ReadMode::kPerTable;
  }

  // Runs the max() queries on up to `concurrency` sessions; the first worker reuses the
  // discovery session. A worker that cannot connect leaves its share to the others.
  void run_queries(const CollectContext& context, Session& first, std::vector<TablePlan>& plans,
                   Collection& out, TimePoint now) const {
    const std::size_t workers = std::clamp<std::size_t>(
        static_cast<std::size_t>(std::max(selection_.concurrency, 1)), 1, plans.size());
    std::vector<model::Observation> results(plans.size());
    std::vector<char> done(plans.size(), 0);  // one writer per slot
    std::vector<Session*> sessions(workers, nullptr);
    sessions[0] = &first;
    std::vector<std::string> connect_errors(workers);
    // A worker's own session, opened and closed on its thread (libmariadb's thread rules).
    struct WorkerSession {
      ThreadScope scope;
      std::optional<Session> session;
      std::optional<CancelOnStop> cancel;
    };
    run_pool(
        plans.size(), selection_.concurrency, context.stop,
        [&](std::size_t w) -> std::shared_ptr<void> {
          auto held = std::make_shared<WorkerSession>();
          auto session =
              Session::open(dsn_, std::chrono::ceil<std::chrono::seconds>(connection_.timeout));
          if (!session) {
            connect_errors[w] = session.error().message;
            return nullptr;
          }
          held->session.emplace(std::move(*session));
          held->cancel.emplace(context.stop, held->session->get());
          sessions[w] = &*held->session;
          return held;
        },
        [&](std::size_t w, std::size_t i) {
          results[i] = query_table(*sessions[w], plans[i], out.assets[plans[i].asset_index].key, now);
          done[i] = 1;
          return true;
        });
    for (std::size_t i = 0; i < plans.size(); ++i) {
      if (!done[i]) continue;  // only when stopped
      out.observations.push_back(std::move(results[i]));
    }
    for (const auto& e : connect_errors)
      if (!e.empty())
        out.warnings.push_back(fmt::format("{}: an extra connection for parallel queries failed: {}",
                                           where(), e));
  }

  model::Observation query_table(Session& session, const TablePlan& plan, const std::string& key,
                                 TimePoint now) const {
    model::Observation o{.asset_key = key, .observed_at = now,
                         .signal = fmt::format("max({})", plan.field)};
    std::string sql = fmt::format("SELECT MAX({}) FROM {}.{}", quote_identifier(plan.field),
                                  quote_identifier(plan.schema), quote_identifier(plan.name));
    if (!plan.filter.empty()) sql += fmt::format(" WHERE ({})", plan.filter);
    auto res = session.query(sql);
    if (!res) {
      o.error = table_error(res.error(), plan, plan.filter);
      return o;
    }
    MYSQL_RES* result = res->get();
    MYSQL_ROW row = result ? mysql_fetch_row(result) : nullptr;
    const std::string what = plan.filter.empty()
                                 ? fmt::format("max({})", plan.field)
                                 : fmt::format("max({}) where {}", plan.field, plan.filter);
    if (!row || !row[0]) {
      o.evidence = plan.filter.empty() ? fmt::format("{} is NULL: the table has no rows with a "
                                                     "value in {}",
                                                     what, plan.field)
                                       : fmt::format("{} is NULL: no rows match", what);
      return o;
    }
    const MYSQL_FIELD* field = mysql_fetch_field_direct(result, 0);
    const std::string_view text = row[0];
    switch (field->type) {
      case MYSQL_TYPE_TIMESTAMP:
      case MYSQL_TYPE_TIMESTAMP2: {
        auto t = core::parse_timestamp(text);
        if (!t) {
          o.error = fmt::format("{} = '{}' is not a usable time (a zero date?)", what, text);
          return o;
        }
        o.changed_at = *t;
        o.evidence = fmt::format("{} = {} (TIMESTAMP, stored in UTC)", what,
                                 core::format_timestamp(*t));
        return o;
      }
      case MYSQL_TYPE_DATETIME:
      case MYSQL_TYPE_DATETIME2:
      case MYSQL_TYPE_DATE:
      case MYSQL_TYPE_NEWDATE: {
        auto t = core::parse_timestamp(text, naive_zone_);
        if (!t) {
          o.error = fmt::format("{} = '{}' is not a usable time (a zero date?)", what, text);
          return o;
        }
        o.changed_at = *t;
        o.evidence = fmt::format("{} = {} ({} without a time zone, read in {})", what, text,
                                 field->type == MYSQL_TYPE_DATE || field->type == MYSQL_TYPE_NEWDATE
                                     ? "DATE"
                                     : "DATETIME",
                                 naive_zone_->name());
        return o;
      }
      case MYSQL_TYPE_STRING:
      case MYSQL_TYPE_VAR_STRING:
      case MYSQL_TYPE_VARCHAR:
      case MYSQL_TYPE_BLOB: {
        auto t = core::parse_timestamp(text, naive_zone_);
        if (!t) {
          o.error = fmt::format("{}: {}", what, t.error().message);
          return o;
        }
        o.changed_at = *t;
        o.evidence = fmt::format("{} = '{}' (text, read as ISO 8601; without a zone in {})", what,
                                 text, naive_zone_->name());
        return o;
      }
      default:
        o.error = fmt::format(
            "{} is not a date or time column (MySQL type {}); loaded_at_field must name a "
            "TIMESTAMP, DATETIME, DATE or ISO 8601 text column",
            plan.field, static_cast<int>(field->type));
        return o;
    }
  }

  config::ConnectionConfig connection_;
  MysqlOptions options_;
  const Selection& selection_;  // options_.selection
  Dsn dsn_;
  const date::time_zone* naive_zone_;
};

}  // namespace

Result<std::unique_ptr<Connector>> make_connector(const config::ConnectionConfig& connection,
                                                  const MysqlOptions& options) {
  auto context = [&](const Error& e) {
    return e.with_context(fmt::format("connection '{}'", connection.name));
  };
  if (options.dsn.empty())
    return fail(ErrorCode::kInvalidArgument,
                "connection '{}': a mysql connection needs a dsn such as "
                "mysql://user:password@host:3306/database",
                connection.name);
  auto dsn = parse_dsn(options.dsn);
  if (!dsn) return std::unexpected(context(dsn.error()));
  if (options.ssl_mode) dsn->ssl_mode = *options.ssl_mode;
  if ((dsn->ssl_mode == SslMode::kVerifyCa || dsn->ssl_mode == SslMode::kVerifyIdentity) &&
      dsn->ssl_ca.empty() && !options.ssl_ca.empty())
    dsn->ssl_ca = options.ssl_ca;
  auto zone = core::find_zone(options.selection.naive_timezone);
  if (!zone) return std::unexpected(context(zone.error()));
  return std::make_unique<MysqlConnector>(connection, options, std::move(*dsn), *zone);
}

namespace {

bool is_mysql_dsn(std::string_view dsn) {
  return dsn.starts_with("mysql://") || dsn.starts_with("mariadb://");
}

std::vector<config::KeySpec> mysql_keys() {
  std::vector<config::KeySpec> keys = {
      {"dsn", "string", true, true, "",
       "`mysql://user:password@host:3306/database` (`mariadb://` works too)", "${MYSQL_DSN}"},
      {"ssl_mode", "`preferred`, `disabled`, `required`, `verify_ca` or `verify_identity`", false,
       false, "`preferred`",
       "TLS to the server: `preferred` encrypts when the server offers TLS, `required` refuses a "
       "server without it, `verify_ca` and `verify_identity` also check its certificate against "
       "`ssl_ca` (and its name)",
       "required"},
      {"ssl_ca", "path", false, false, "none",
       "A PEM file of certificate authorities for `verify_ca` and `verify_identity`", "ca.pem"},
  };
  for (auto& k : selection_keys({})) keys.push_back(k);
  return keys;
}

MysqlOptions parse_mysql(config::Section& s) {
  MysqlOptions o;
  o.dsn = read_dsn(s, "mysql", is_mysql_dsn,
                   "write mysql://user:password@host:3306/db");
  o.ssl_mode = s.choice<SslMode>("ssl_mode", {{"preferred", SslMode::kPreferred},
                                               {"disabled", SslMode::kDisabled},
                                               {"required", SslMode::kRequired},
                                               {"verify_ca", SslMode::kVerifyCa},
                                               {"verify_identity", SslMode::kVerifyIdentity}});
  if (auto v = s.path("ssl_ca")) o.ssl_ca = *v;
  std::string mode;
  o.selection = parse_selection(s, {}, &mode);
  o.mode = mode == "metadata" ? MysqlOptions::Mode::kMetadata
           : mode == "query"  ? MysqlOptions::Mode::kQuery
                              : MysqlOptions::Mode::kPerTable;
  return o;
}

}  // namespace

}  // namespace freshwatch::connectors::mysql

namespace freshwatch::connectors {

void register_mysql() {
  register_type<mysql::MysqlOptions>(
      {.name = "mysql",
       .aliases = {"mariadb"},
       .title = "MySQL and MariaDB",
       .keys = mysql::mysql_keys(),
       .required_hint = "dsn: ${MYSQL_DSN}, as mysql://user:password@host:3306/db"},
      mysql::parse_mysql, mysql::make_connector);
}

}  // namespace freshwatch::connectors
