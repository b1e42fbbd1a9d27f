// Logging: spdlog, configured once by the CLI. Components log through these free functions so
// the sink (stderr text, JSON lines) is chosen in one place. Messages never contain secrets:
// connection strings are passed through redact_dsn() before they are logged.
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

}  // namespace freshwatch::core
