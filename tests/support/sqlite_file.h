// Test support: SQLite files written directly, as another program would (a warehouse for the
// SQLite connector to read, or a store file to tamper with).
//
// Thread contract: plain functions; each call opens and closes its own connection.
#pragma once

#include <filesystem>
#include <string>

namespace freshwatch::testing {

// Runs `sql` (one or more statements) on the file at `path`, creating it when missing. Reports
// a test failure with SQLite's message when a statement fails.
void sqlite_exec(const std::filesystem::path& path, const std::string& sql);

}  // namespace freshwatch::testing
