// MySQL/MariaDB connection strings: `mysql://user:password@host:port/database?param=value`
// (also `mariadb://`). User, password, host and database are percent-decoded; the port
// defaults to 3306; host `localhost` means the local Unix socket, as in every MySQL client.
// Parameters: ssl-mode=disabled|required|verify-ca|verify-identity, ssl-ca, ssl-cert,
// ssl-key (file paths), socket (a Unix socket path; the host is then ignored).
//
// Parse errors say which part is wrong and never repeat the password.
//
// Thread contract: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace freshwatch::connectors::mysql {

// kPreferred: TLS whenever the server offers it, without checking its certificate.
enum class SslMode { kPreferred, kDisabled, kRequired, kVerifyCa, kVerifyIdentity };

struct Dsn {
  std::string user;
  std::string password;
  std::string host = "localhost";
  unsigned port = 3306;
  std::string database;  // empty: none given
  std::string socket;
  SslMode ssl_mode = SslMode::kPreferred;
  std::string ssl_ca;
  std::string ssl_cert;
  std::string ssl_key;

  // "user@host:port/database", for messages; never the password.
  std::string describe() const;
};

Result<Dsn> parse_dsn(std::string_view text);

}  // namespace freshwatch::connectors::mysql
