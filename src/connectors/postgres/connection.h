// Connection: one libpq connection owned by one thread of the PostgreSQL connector. Connecting
// is asynchronous so a stop request or the connect deadline ends it promptly; a running query
// is cancelled (PQcancel) when the stop token is triggered.
//
// Thread contract: one thread uses a Connection at a time; the stop callback that cancels a
// query runs on whichever thread requests the stop (PQcancel is safe for that).
#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

#include <libpq-fe.h>

#include "connectors/postgres/signals.h"
#include "core/result.h"

namespace freshwatch::connectors::postgres {

struct ConnectSettings {
  std::string dsn;
  int connect_timeout_seconds = 10;
  int statement_timeout_ms = 0;  // 0: the server's default
};

// The rows of one successful query.
class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result, &PQclear) {}
  int size() const { return PQntuples(result_.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column); }
  std::string_view text(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
  }
  std::int64_t integer(int row, int column) const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

// A server's refusal: its SQLSTATE (empty for client-side failures) and message.
struct QueryError {
  std::string sqlstate;
  std::string message;
  bool cancelled = false;  // cancelled by a stop request
  bool connection_lost = false;
};

class Connection {
 public:
  // Connects and sets statement_timeout. Errors are in plain words (connect_error).
  static Result<std::unique_ptr<Connection>> open(const ConnectSettings& settings,
                                                  std::stop_token stop);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  std::expected<Rows, QueryError> query(std::string_view sql, std::stop_token stop);

  const Endpoint& endpoint() const { return endpoint_; }

 private:
  Connection() = default;

  PGconn* conn_ = nullptr;
  PGcancel* cancel_ = nullptr;
  Endpoint endpoint_;
};

// Where a DSN points (host, port, dbname, user), for messages; values libpq would default are
// left empty. Invalid DSNs give an error in plain words, without the password.
Result<Endpoint> parse_endpoint(std::string_view dsn);

}  // namespace freshwatch::connectors::postgres
