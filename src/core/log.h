// Logging: spdlog, configured once by the CLI. Components log through these free functions so
// the sink (stderr text, JSON lines) is chosen in one place. Messages never contain secrets:
// connection strings are passed through redact_dsn(), URLs, headers and anything else that may
// carry a credential through redact_secrets(), before they are logged or put into an Error.
//
// Thread contract: spdlog's default logger is thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace freshwatch::core {

// Sets the level ("debug", "info", "warn", "error") and the stderr format.
void init_logging(std::string_view level);

// Replaces passwords in libpq keyword strings and URIs ("password=...", "user:pass@host").
std::string redact_dsn(std::string_view dsn);

// Everything redact_dsn() hides, plus: the values of query parameters and JSON members whose
// names end in token, secret, password, passwd, pwd, key, sig, signature or credential
// ("?token=...", "&access_token=...", "client_secret=...", "key=...", "sig=...",
// "\"access_token\": \"...\""), Authorization / Proxy-Authorization header values (the scheme
// stays visible: "Authorization: Bearer ***"), Cookie and API key headers, bare
// "Bearer <token>" credentials, and the whole userinfo of http(s) URLs ("https://***@host"). Secrets become "***"; the rest of the text is kept.
std::string redact_secrets(std::string_view text);

}  // namespace freshwatch::core
