#include "core/json.h"

#include <cstdint>
#include <random>

#include <gtest/gtest.h>
#include <simdjson.h>

namespace freshwatch::core {
namespace {

TEST(JsonString, QuotesAndEscapes) {
  EXPECT_EQ(json_string(""), "\"\"");
  EXPECT_EQ(json_string("plain"), "\"plain\"");
  EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_string("line\nnext\r\ttab"), "\"line\\nnext\\r\\ttab\"");
  EXPECT_EQ(json_string(std::string_view("\x01", 1)), "\"\\u0001\"");
  EXPECT_EQ(json_string("ümlaut"), "\"ümlaut\"");
}

#define FFFD "\xEF\xBF\xBD"

struct Case {
  const char* what;
  std::string_view in;
  std::string_view out;  // without the quotes
};

// Every byte sequence the Unicode Standard calls ill-formed becomes U+FFFD, one per maximal
// subpart; well-formed UTF-8 passes through.
TEST(JsonString, ValidUtf8PassesAndInvalidBytesBecomeReplacementCharacters) {
  using namespace std::string_view_literals;
  const Case cases[] = {
      {"ASCII and DEL", "az~\x7F"sv, "az~\x7F"sv},
      {"other control characters", "\b\f\x1F\x00"sv, "\\b\\f\\u001f\\u0000"sv},
      {"two bytes: U+0080, U+00FC", "\xC2\x80\xC3\xBC"sv, "\xC2\x80\xC3\xBC"sv},
      {"three bytes: U+0800, U+20AC, U+D7FF, U+E000, U+FFFF",
       "\xE0\xA0\x80\xE2\x82\xAC\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF"sv,
       "\xE0\xA0\x80\xE2\x82\xAC\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF"sv},
      {"four bytes: U+10000, U+1D11E, U+10FFFF",
       "\xF0\x90\x80\x80\xF0\x9D\x84\x9E\xF4\x8F\xBF\xBF"sv,
       "\xF0\x90\x80\x80\xF0\x9D\x84\x9E\xF4\x8F\xBF\xBF"sv},
      {"the replacement character itself", FFFD ""sv, FFFD ""sv},
      {"overlong '/' in two bytes", "\xC0\xAF"sv, FFFD FFFD ""sv},
      {"overlong U+007F in two bytes", "\xC1\xBF"sv, FFFD FFFD ""sv},
      {"overlong '/' in three bytes", "\xE0\x80\xAF"sv, FFFD FFFD FFFD ""sv},
      {"overlong U+07FF in three bytes", "\xE0\x9F\xBF"sv, FFFD FFFD FFFD ""sv},
      {"overlong '/' in four bytes", "\xF0\x80\x80\xAF"sv, FFFD FFFD FFFD FFFD ""sv},
      {"overlong U+FFFF in four bytes", "\xF0\x8F\xBF\xBF"sv, FFFD FFFD FFFD FFFD ""sv},
      {"surrogate U+D800 encoded in UTF-8", "\xED\xA0\x80"sv, FFFD FFFD FFFD ""sv},
      {"surrogate U+DFFF encoded in UTF-8", "\xED\xBF\xBF"sv, FFFD FFFD FFFD ""sv},
      {"a surrogate pair encoded in UTF-8", "\xED\xA0\xBD\xED\xB2\xA9"sv,
       FFFD FFFD FFFD FFFD FFFD FFFD ""sv},
      {"above U+10FFFF", "\xF4\x90\x80\x80"sv, FFFD FFFD FFFD FFFD ""sv},
      {"F5 and above never start a sequence", "\xF5\x80\x80\x80"sv, FFFD FFFD FFFD FFFD ""sv},
      {"FE FF", "\xFE\xFF"sv, FFFD FFFD ""sv},
      {"a stray continuation byte", "a\x80z"sv, "a" FFFD "z"sv},
      {"continuation bytes after a complete sequence", "\xC3\xBC\xBC\xBF"sv,
       "\xC3\xBC" FFFD FFFD ""sv},
      {"two bytes cut short at the end", "ab\xC3"sv, "ab" FFFD ""sv},
      {"three bytes cut short at the end", "ab\xE2\x82"sv, "ab" FFFD ""sv},
      {"four bytes cut short at the end", "ab\xF0\x9D\x84"sv, "ab" FFFD ""sv},
      {"cut short before ASCII", "\xE2\x82z\xF0\x9Dz"sv, FFFD "z" FFFD "z"sv},
      {"cut short before a quote", "\xE2\"\xC3\\"sv, FFFD "\\\"" FFFD "\\\\"sv},
      {"cut short before another sequence", "\xE2\xC3\xBC"sv, FFFD "\xC3\xBC"sv},
      {"a table name from a Latin-1 database", "caf\xE9s"sv, "caf" FFFD "s"sv},
      {"bytes from a warehouse error message", "relation \"t\xFF\xFE\" does not exist"sv,
       "relation \\\"t" FFFD FFFD "\\\" does not exist"sv},
  };
  for (const auto& c : cases)
    EXPECT_EQ(json_string(c.in), "\"" + std::string(c.out) + "\"") << c.what;
}

TEST(JsonString, EveryByteFrom0x80OnAloneIsReplaced) {
  for (int b = 0x80; b <= 0xFF; ++b) {
    const char byte = static_cast<char>(b);
    EXPECT_EQ(json_string(std::string_view(&byte, 1)), "\"" FFFD "\"") << std::hex << b;
  }
}

TEST(JsonString, AppendsToWhatIsThere) {
  std::string out = "[";
  append_json_string(out, "a\xFF");
  out += ",";
  append_json_string(out, "b");
  EXPECT_EQ(out, "[\"a" FFFD "\",\"b\"");
}

// A strict parser (simdjson validates UTF-8) accepts whatever the escaper writes, and gives
// back any input that was valid UTF-8 unchanged: every string of one or two bytes, and
// pseudo-random longer ones made mostly of bytes from 0x80 on.
TEST(JsonString, ParsesStrictlyForAnyInput) {
  simdjson::dom::parser parser;
  auto check = [&](std::string_view in) {
    const std::string json = json_string(in);
    std::string_view parsed;
    ASSERT_EQ(parser.parse(json).get_string().get(parsed), simdjson::SUCCESS) << json;
    if (simdjson::validate_utf8(in.data(), in.size())) {
      ASSERT_EQ(parsed, in) << json;
    } else {
      ASSERT_NE(parsed.find(FFFD), std::string_view::npos) << json;
    }
  };
  std::string in;
  for (int a = 0; a < 256; ++a) {
    in.assign(1, static_cast<char>(a));
    check(in);
    for (int b = 0; b < 256; ++b) {
      in.assign({static_cast<char>(a), static_cast<char>(b)});
      check(in);
    }
  }
  std::mt19937 random(20261126);
  std::uniform_int_distribution<int> length(1, 12), high(0x80, 0xFF), any(0, 0xFF);
  for (int i = 0; i < 50'000; ++i) {
    in.clear();
    for (int n = length(random); n > 0; --n)
      in.push_back(static_cast<char>(any(random) < 0x40 ? any(random) : high(random)));
    check(in);
  }
}

}  // namespace
}  // namespace freshwatch::core
