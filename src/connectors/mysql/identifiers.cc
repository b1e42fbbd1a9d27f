#include "connectors/mysql/identifiers.h"

#include <cctype>

namespace freshwatch::connectors::mysql {

std::string quote_identifier(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out.push_back('`');
  for (char c : name) {
    if (c == '`') out.push_back('`');
    out.push_back(c);
  }
  out.push_back('`');
  return out;
}

std::string quote_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('\'');
  for (char c : text) {
    switch (c) {
      case '\'': out += "''"; break;
      case '\\': out += "\\\\"; break;
      case '\0': out += "\\0"; break;
      default: out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

std::string relation_name(std::string_view database, std::string_view table,
                          int lower_case_table_names) {
  std::string out;
  out.reserve(database.size() + 1 + table.size());
  out.append(database).append(".").append(table);
  if (lower_case_table_names != 0)
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace freshwatch::connectors::mysql
