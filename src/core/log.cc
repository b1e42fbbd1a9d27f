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

std::string redact_secrets(std::string_view text) {
  constexpr std::string_view kSecretName =
      "[A-Za-z0-9_.-]*(?:token|secret|password|passwd|pwd|key|sig|signature|credential)";
  static const std::regex query("([?&;]" + std::string(kSecretName) + "=)[^&#\\s\"']*",
                                std::regex::icase);
  static const std::regex json("(\"" + std::string(kSecretName) + "\"\\s*:\\s*\")[^\"]*",
                               std::regex::icase);
  static const std::regex authorization(
      R"(((?:proxy-)?authorization\s*:\s*(?:(?:bearer|basic|token|digest|negotiate)\s+)?)[^\s,;"']+)",
      std::regex::icase);
  static const std::regex header(
      R"(((?:set-)?cookie|x-api-key|api-key|private-token|x-auth-token)(\s*:\s*)[^\r\n]+)",
      std::regex::icase);
  static const std::regex bearer(R"((\bbearer\s+)[A-Za-z0-9._~+/=-]+)", std::regex::icase);
  static const std::regex http_userinfo(R"((\bhttps?://)[^/?#@\s]+@)", std::regex::icase);
  std::string out = std::regex_replace(std::string(text), query, "$1***");
  out = std::regex_replace(out, json, "$1***");
  out = std::regex_replace(out, authorization, "$1***");
  out = std::regex_replace(out, header, "$1$2***");
  out = std::regex_replace(out, bearer, "$1***");
  out = std::regex_replace(out, http_userinfo, "$1***@");
  return redact_dsn(out);
}

}  // namespace freshwatch::core
