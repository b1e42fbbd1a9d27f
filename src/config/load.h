// Loading and validating freshwatch.yml.
//
// load() reads the file, substitutes ${ENV_VAR} and file references for secrets, and checks
// every key; it reports every problem at once, each with file:line:column and a hint, and
// unknown keys get a "did you mean". Secrets never appear in a Diagnostic.
//
// Thread contract: pure apart from reading the file and the environment.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace freshwatch::config {

struct Diagnostic {
  Location location;
  std::string message;
  std::string hint;  // may be empty

  // "freshwatch.yml:12:5: error: message (hint)"
  std::string to_string() const;
};

struct LoadResult {
  Config config;
  std::vector<Diagnostic> problems;  // empty when the configuration is valid
  bool ok() const { return problems.empty(); }
};

LoadResult load_file(const std::string& path);
// `path` names the text in messages and anchors relative paths.
LoadResult load_string(std::string_view yaml, const std::string& path);

}  // namespace freshwatch::config
