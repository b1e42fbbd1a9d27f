// Reading fields of a parsed JSON object leniently, for the decoders of Looker's answers
// (content.cc) and of what the connector keeps between runs (lineage.cc): an absent field, a
// null or one of another type reads as empty. And the one thing both write: a list of strings.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/json.h"

namespace freshwatch::connectors::looker::json {

// A string field; numbers (older APIs' integer ids) as their digits, booleans as true/false.
inline std::string text(simdjson::dom::element e, std::string_view key) {
  simdjson::dom::element v;
  if (e.at_key(key).get(v) != simdjson::SUCCESS) return {};
  std::string_view s;
  if (v.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  std::int64_t i = 0;
  if (v.get_int64().get(i) == simdjson::SUCCESS) return std::to_string(i);
  std::uint64_t u = 0;
  if (v.get_uint64().get(u) == simdjson::SUCCESS) return std::to_string(u);
  double d = 0;
  if (v.get_double().get(d) == simdjson::SUCCESS) return fmt::format("{}", d);
  bool b = false;
  if (v.get_bool().get(b) == simdjson::SUCCESS) return b ? "true" : "false";
  return {};
}

inline bool flag(simdjson::dom::element e, std::string_view key) {
  bool b = false;
  return e.at_key(key).get_bool().get(b) == simdjson::SUCCESS && b;
}

inline std::optional<simdjson::dom::element> object(simdjson::dom::element e,
                                                    std::string_view key) {
  simdjson::dom::element v;
  if (e.at_key(key).get(v) != simdjson::SUCCESS || v.type() != simdjson::dom::element_type::OBJECT)
    return std::nullopt;
  return v;
}

inline std::vector<simdjson::dom::element> array(simdjson::dom::element e, std::string_view key) {
  std::vector<simdjson::dom::element> out;
  simdjson::dom::array a;
  if (e.at_key(key).get_array().get(a) != simdjson::SUCCESS) return out;
  for (simdjson::dom::element x : a) out.push_back(x);
  return out;
}

// The strings of an array field; other items are skipped.
inline std::vector<std::string> strings(simdjson::dom::element e, std::string_view key) {
  std::vector<std::string> out;
  for (simdjson::dom::element x : array(e, key)) {
    std::string_view s;
    if (x.get_string().get(s) == simdjson::SUCCESS) out.emplace_back(s);
  }
  return out;
}

// ["a","b"]
inline std::string string_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    core::append_json_string(out, items[i]);
  }
  return out + "]";
}

}  // namespace freshwatch::connectors::looker::json
