#include <fmt/format.h>

#include "config/section.h"

namespace freshwatch::config {

std::string key_table(std::span<const KeySpec> keys) {
  std::string out = "| Key | Type | Default | Meaning |\n|---|---|---|---|\n";
  for (const auto& k : keys) {
    std::string type(k.type);
    if (k.required) type += ", required";
    if (k.secret) type += ", secret";
    const std::string name = fmt::format("`{}`", k.name);
    for (std::string_view cell : {std::string_view(name), std::string_view(type), k.default_value,
                                  k.help})
      out += cell.empty() ? std::string("| ") : fmt::format("| {} ", cell);
    out += "|\n";
  }
  return out;
}

}  // namespace freshwatch::config
