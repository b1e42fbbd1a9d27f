#include "connectors/snowflake/identifiers.h"

#include <cctype>

namespace freshwatch::connectors::snowflake {
namespace {

bool is_unquoted_identifier(std::string_view s) {
  if (s.empty()) return false;
  const unsigned char first = static_cast<unsigned char>(s.front());
  if (!std::isalpha(first) && first != '_') return false;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '_' && c != '$') return false;
  }
  return true;
}

// Reads a quoted identifier starting at s[i] == '"'; returns the index after the closing quote.
std::optional<std::size_t> read_quoted(std::string_view s, std::size_t i, std::string* out) {
  ++i;
  while (i < s.size()) {
    if (s[i] == '"') {
      if (i + 1 < s.size() && s[i + 1] == '"') {
        *out += '"';
        i += 2;
        continue;
      }
      return i + 1;
    }
    *out += s[i++];
  }
  return std::nullopt;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::string normalize_identifier(std::string_view written) {
  const std::string w = trim(written);
  if (w.size() >= 2 && w.front() == '"') {
    std::string out;
    auto end = read_quoted(w, 0, &out);
    if (end && *end == w.size()) return out;
    return w;
  }
  if (!is_unquoted_identifier(w)) return w;
  std::string out = w;
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::vector<std::string>> split_qualified(std::string_view written) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  const std::string s = trim(written);
  while (true) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i < s.size() && s[i] == '"') {
      std::string part;
      auto end = read_quoted(s, i, &part);
      if (!end) return std::nullopt;
      parts.push_back(std::move(part));
      i = *end;
      while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    } else {
      std::size_t dot = s.find('.', i);
      std::string_view raw = std::string_view(s).substr(i, dot == std::string::npos ? std::string::npos : dot - i);
      if (raw.find('"') != std::string_view::npos) return std::nullopt;
      parts.push_back(normalize_identifier(raw));
      i = dot == std::string::npos ? s.size() : dot;
    }
    if (i >= s.size()) break;
    if (s[i] != '.') return std::nullopt;
    ++i;
  }
  for (const auto& p : parts)
    if (p.empty()) return std::nullopt;
  return parts;
}

std::string normalize_relation(std::string_view written) {
  auto parts = split_qualified(written);
  if (!parts) return {};
  std::string out;
  for (std::size_t i = 0; i < parts->size(); ++i) {
    if (i) out += '.';
    out += (*parts)[i];
  }
  return out;
}

std::string catalog_relation(std::string_view database, std::string_view schema,
                             std::string_view name) {
  std::string out;
  out.reserve(database.size() + schema.size() + name.size() + 2);
  out.append(database).append(".").append(schema).append(".").append(name);
  return out;
}

std::string quote_identifier(std::string_view stored) {
  std::string out = "\"";
  for (char c : stored) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string quote_string(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += c == '\'' ? '\'' : '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace freshwatch::connectors::snowflake
