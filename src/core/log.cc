#include "core/log.h"

#include <regex>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace freshwatch::core {

void init_logging(std::string_view level) {
  auto logger = spdlog::stderr_color_mt("freshwatch");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
}

std::string redact_dsn(std::string_view dsn) {
  static const std::regex keyword(R"((password\s*=\s*)('[^']*'|\S+))", std::regex::icase);
  static const std::regex uri(R"((://[^:/@\s]*:)[^@\s]*@)");
  std::string out = std::regex_replace(std::string(dsn), keyword, "$1***");
  return std::regex_replace(out, uri, "$1***@");
}

}  // namespace freshwatch::core
