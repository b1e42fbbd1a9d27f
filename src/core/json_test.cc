#include "core/json.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace freshwatch::core
