#include "config/load.h"

#include <fmt/format.h>

namespace freshwatch::config {

std::string Diagnostic::to_string() const {
  std::string out = fmt::format("{}:{}:{}: error: {}", location.file, location.line,
                                location.column, message);
  if (!hint.empty()) out += fmt::format(" ({})", hint);
  return out;
}

LoadResult load_file(const std::string& path) { return load_string("", path); }

LoadResult load_string(std::string_view, const std::string& path) {
  LoadResult r;
  r.config.path = path;
  r.problems.push_back({{path, 0, 0}, "configuration loading is not built yet", ""});
  return r;
}

}  // namespace freshwatch::config
