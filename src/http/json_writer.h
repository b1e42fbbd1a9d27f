// JsonWriter: a small, fast JSON writer appending to one std::string. Used for every response
// body; values are written in order, commas are placed automatically, and strings go through
// core::append_json_string (core/json.h), so the output is valid JSON whatever the bytes.
//
// Thread contract: one writer per thread; it owns nothing but its output string.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace freshwatch::http {

class JsonWriter {
 public:
  explicit JsonWriter(std::size_t reserve = 0) { out_.reserve(reserve); }

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // The next value is the member `name` of the current object.
  JsonWriter& key(std::string_view name);

  JsonWriter& string(std::string_view value);
  // A string, or null when empty (for optional texts).
  JsonWriter& string_or_null(std::string_view value);
  JsonWriter& number(std::int64_t value);
  JsonWriter& number(std::uint64_t value);
  JsonWriter& number(int value) { return number(static_cast<std::int64_t>(value)); }
  JsonWriter& number(unsigned value) { return number(static_cast<std::uint64_t>(value)); }
  JsonWriter& number(double value);
  JsonWriter& boolean(bool value);
  JsonWriter& null();
  // Inserts already-serialised JSON as one value.
  JsonWriter& raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void before_value();

  std::string out_;
  // One entry per open container: true while it has no element yet.
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace freshwatch::http
