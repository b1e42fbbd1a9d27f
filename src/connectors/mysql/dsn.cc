#include "connectors/mysql/dsn.h"

#include <charconv>
#include <optional>

namespace freshwatch::connectors::mysql {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

constexpr std::string_view kShape = "expected mysql://user:password@host:port/database";

}  // namespace

std::string Dsn::describe() const {
  std::string out = user.empty() ? std::string() : user + "@";
  if (!socket.empty()) {
    out += socket;
  } else {
    out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
    out += ":" + std::to_string(port);
  }
  if (!database.empty()) out += "/" + database;
  return out;
}

Result<Dsn> parse_dsn(std::string_view text) {
  std::string_view rest = text;
  auto scheme_end = rest.find("://");
  if (scheme_end == std::string_view::npos)
    return fail(ErrorCode::kInvalidArgument, "the dsn has no scheme; {}", kShape);
  std::string scheme = lower(rest.substr(0, scheme_end));
  if (scheme != "mysql" && scheme != "mariadb")
    return fail(ErrorCode::kInvalidArgument, "the dsn scheme '{}' is not mysql:// or mariadb://; {}",
                scheme, kShape);
  rest.remove_prefix(scheme_end + 3);

  Dsn dsn;
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view path;
  // The authority ends at the first '/' after the last '@' (a password may contain '/' only
  // percent-encoded, but be lenient with the user part).
  std::size_t at = rest.rfind('@');
  std::size_t slash = rest.find('/', at == std::string_view::npos ? 0 : at);
  if (slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    std::string_view user = userinfo, password;
    bool has_password = false;
    if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      password = userinfo.substr(colon + 1);
      has_password = true;
    }
    auto u = percent_decode(user);
    if (!u) return fail(ErrorCode::kInvalidArgument, "the dsn's user name has a bad %-escape");
    dsn.user = *u;
    if (has_password) {
      auto p = percent_decode(password);
      if (!p)
        return fail(ErrorCode::kInvalidArgument,
                    "the dsn's password has a bad %-escape (write % as %25)");
      dsn.password = *p;
    }
  }

  std::string_view host = rest, port;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos)
      return fail(ErrorCode::kInvalidArgument, "the dsn's host has '[' without ']'");
    std::string_view after = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return fail(ErrorCode::kInvalidArgument, "unexpected text after the host's ']' in the dsn");
      port = after.substr(1);
    }
  } else if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (!host.empty()) {
    auto h = percent_decode(host);
    if (!h) return fail(ErrorCode::kInvalidArgument, "the dsn's host has a bad %-escape");
    dsn.host = *h;
  }
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
      return fail(ErrorCode::kInvalidArgument, "the dsn's port '{}' is not a number from 1 to 65535",
                  port);
    dsn.port = value;
  }
  if (!path.empty()) {
    auto d = percent_decode(path);
    if (!d) return fail(ErrorCode::kInvalidArgument, "the dsn's database has a bad %-escape");
    if (d->find('/') != std::string::npos)
      return fail(ErrorCode::kInvalidArgument,
                  "the dsn's path '{}' has more than one part; name one database", *d);
    dsn.database = *d;
  }

  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key = lower(pair.substr(0, eq));
    for (char& c : key)
      if (c == '_') c = '-';
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!value)
      return fail(ErrorCode::kInvalidArgument, "the dsn parameter '{}' has a bad %-escape", key);
    if (key == "ssl-mode" || key == "sslmode") {
      std::string mode = lower(*value);
      for (char& c : mode)
        if (c == '_') c = '-';
      if (mode == "preferred") dsn.ssl_mode = SslMode::kPreferred;
      else if (mode == "disabled") dsn.ssl_mode = SslMode::kDisabled;
      else if (mode == "required") dsn.ssl_mode = SslMode::kRequired;
      else if (mode == "verify-ca") dsn.ssl_mode = SslMode::kVerifyCa;
      else if (mode == "verify-identity") dsn.ssl_mode = SslMode::kVerifyIdentity;
      else
        return fail(ErrorCode::kInvalidArgument,
                    "ssl-mode '{}' is not one of preferred, disabled, required, verify-ca, verify-identity",
                    *value);
    } else if (key == "ssl-ca") {
      dsn.ssl_ca = *value;
    } else if (key == "ssl-cert") {
      dsn.ssl_cert = *value;
    } else if (key == "ssl-key") {
      dsn.ssl_key = *value;
    } else if (key == "socket" || key == "unix-socket") {
      dsn.socket = *value;
    } else {
      return fail(ErrorCode::kInvalidArgument,
                  "unknown dsn parameter '{}'; known: ssl-mode, ssl-ca, ssl-cert, ssl-key, socket",
                  key);
    }
  }
  if ((dsn.ssl_mode == SslMode::kVerifyCa || dsn.ssl_mode == SslMode::kVerifyIdentity) &&
      dsn.ssl_ca.empty())
    return fail(ErrorCode::kInvalidArgument, "ssl-mode verify-ca and verify-identity need ssl-ca");
  return dsn;
}

}  // namespace freshwatch::connectors::mysql
