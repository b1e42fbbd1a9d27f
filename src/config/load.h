// Loading and validating freshwatch.yml.
//
// load_file() reads the file, substitutes ${ENV_VAR}, ${ENV_VAR:-default} and ${file:PATH}
// references in scalar values, and checks every key; it reports every problem at once, each with
// file:line:column and a hint, and unknown keys get a "did you mean". Relative paths (store.sqlite,
// a sqlite connection's path, dbt artifacts, ${file:...}) are taken relative to the folder that
// holds the configuration file. Secrets never appear in a Diagnostic: values that came from a
// substitution are shown as written (`${WAREHOUSE_DSN}`), and connection strings are redacted.
// docs/configuration.md is the reference for every key.
//
// Thread contract: pure apart from reading the file, secret files and the environment (through
// LoadOptions::getenv, which defaults to the process environment).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace freshwatch::config {

struct Diagnostic {
  Location location;
  std::string message;
  std::string hint;  // may be empty

  // "freshwatch.yml:12:5: error: message (hint)"; "freshwatch.yml: error: ..." without a line.
  std::string to_string() const;
};

struct LoadResult {
  Config config;
  std::vector<Diagnostic> problems;  // empty when the configuration is valid; in file order
  bool ok() const { return problems.empty(); }
};

struct LoadOptions {
  // Looks up an environment variable; empty when unset. Null means the process environment.
  std::function<std::optional<std::string>(const std::string& name)> getenv;
};

LoadResult load_file(const std::string& path, const LoadOptions& options = {});
// `path` names the text in messages and anchors relative paths; the file itself is not read.
LoadResult load_string(std::string_view yaml, const std::string& path,
                       const LoadOptions& options = {});

}  // namespace freshwatch::config
