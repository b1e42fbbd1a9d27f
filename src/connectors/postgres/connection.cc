#include "connectors/postgres/connection.h"

#include <poll.h>

#include <charconv>

#include "core/log.h"

namespace freshwatch::connectors::postgres {

std::int64_t Rows::integer(int row, int column) const {
  std::int64_t v = 0;
  auto t = text(row, column);
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

Result<Endpoint> parse_endpoint(std::string_view dsn) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(dsn).c_str(), &err);
  if (!options) {
    std::string message = err ? err : "out of memory";
    if (err) PQfreemem(err);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    return fail(ErrorCode::kInvalidArgument,
                "dsn is not a libpq connection string or URI: {}; write it as "
                "'host=... port=... dbname=... user=...' or postgresql://user@host:port/dbname",
                core::redact_dsn(message));
  }
  Endpoint e;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (!o->val) continue;
    std::string_view k = o->keyword;
    if (k == "host" || (k == "hostaddr" && e.host.empty())) e.host = o->val;
    if (k == "port") e.port = o->val;
    if (k == "dbname") e.database = o->val;
    if (k == "user") e.user = o->val;
  }
  PQconninfoFree(options);
  return e;
}

Result<std::unique_ptr<Connection>> Connection::open(const ConnectSettings& settings,
                                                     std::stop_token stop) {
  auto endpoint = parse_endpoint(settings.dsn);
  if (!endpoint) return std::unexpected(endpoint.error());
  if (stop.stop_requested()) return fail(ErrorCode::kCancelled, "stopped before connecting");

  // Our defaults come first; anything the DSN sets (expanded in place of dbname) overrides them.
  const std::string connect_timeout = std::to_string(settings.connect_timeout_seconds);
  const char* keywords[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* values[] = {connect_timeout.c_str(), "freshwatch", settings.dsn.c_str(), nullptr};

  std::unique_ptr<Connection> c(new Connection());
  c->conn_ = PQconnectStartParams(keywords, values, 1);
  if (!c->conn_) return fail(ErrorCode::kInternal, "out of memory starting a connection");

  auto fill_endpoint = [&] {
    c->endpoint_ = *endpoint;
    if (const char* h = PQhost(c->conn_); h && *h) c->endpoint_.host = h;
    if (const char* p = PQport(c->conn_); p && *p) c->endpoint_.port = p;
    if (const char* d = PQdb(c->conn_); d && *d) c->endpoint_.database = d;
    if (const char* u = PQuser(c->conn_); u && *u) c->endpoint_.user = u;
  };

  // libpq's asynchronous connect does not apply connect_timeout itself; the loop does.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(settings.connect_timeout_seconds);
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (PQstatus(c->conn_) != CONNECTION_BAD && state != PGRES_POLLING_OK &&
         state != PGRES_POLLING_FAILED) {
    if (stop.stop_requested()) return fail(ErrorCode::kCancelled, "stopped while connecting");
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::seconds(0)) {
      fill_endpoint();
      return std::unexpected(
          connect_error("timeout expired", c->endpoint_, settings.connect_timeout_seconds));
    }
    pollfd fd{PQsocket(c->conn_), static_cast<short>(state == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
    const int slice = static_cast<int>(std::min<std::int64_t>(
        100, std::chrono::duration_cast<std::chrono::milliseconds>(left).count() + 1));
    const int ready = poll(&fd, 1, slice);
    if (ready > 0 || fd.fd < 0) state = PQconnectPoll(c->conn_);
  }
  fill_endpoint();
  if (PQstatus(c->conn_) != CONNECTION_OK)
    return std::unexpected(connect_error(PQerrorMessage(c->conn_), c->endpoint_,
                                         settings.connect_timeout_seconds));

  c->cancel_ = PQgetCancel(c->conn_);
  if (settings.statement_timeout_ms > 0) {
    auto set = c->query(fmt::format("set statement_timeout = {}", settings.statement_timeout_ms),
                        stop);
    if (!set)
      return fail(ErrorCode::kUnavailable, "connected to {}:{} but could not set statement_timeout: {}",
                  c->endpoint_.host, c->endpoint_.port, core::redact_dsn(set.error().message));
  }
  return c;
}

Connection::~Connection() {
  if (cancel_) PQfreeCancel(cancel_);
  if (conn_) PQfinish(conn_);
}

std::expected<Rows, QueryError> Connection::query(std::string_view sql, std::stop_token stop) {
  if (stop.stop_requested()) return std::unexpected(QueryError{"57014", "stopped", true, false});
  if (!PQsendQuery(conn_, std::string(sql).c_str()))
    return std::unexpected(QueryError{"", PQerrorMessage(conn_), false, true});
  std::stop_callback cancel_on_stop(stop, [this] {
    char buffer[256];
    if (cancel_) PQcancel(cancel_, buffer, sizeof buffer);
  });
  PGresult* last = nullptr;
  std::optional<QueryError> error;
  while (PGresult* r = PQgetResult(conn_)) {
    const auto status = PQresultStatus(r);
    if (status == PGRES_FATAL_ERROR && !error) {
      const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
      error = QueryError{state ? state : "", primary ? primary : PQresultErrorMessage(r), false,
                         PQstatus(conn_) == CONNECTION_BAD};
    }
    if (last) PQclear(last);
    last = r;
  }
  if (!error && !last) error = QueryError{"", PQerrorMessage(conn_), false, PQstatus(conn_) == CONNECTION_BAD};
  if (error) {
    if (last) PQclear(last);
    if (PQstatus(conn_) == CONNECTION_BAD) error->connection_lost = true;
    error->cancelled = stop.stop_requested();
    return std::unexpected(*error);
  }
  return Rows(last);
}

}  // namespace freshwatch::connectors::postgres
