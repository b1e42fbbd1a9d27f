#include "http/json_writer.h"

#include <gtest/gtest.h>

namespace freshwatch::http {
namespace {

TEST(JsonWriter, WritesNestedValuesWithCommas) {
  JsonWriter w;
  w.begin_object().key("a").number(1).key("b").begin_array().string("x").null().boolean(true)
      .end_array().key("c").begin_object().end_object().key("d").number(2.5).end_object();
  EXPECT_EQ(w.str(), R"({"a":1,"b":["x",null,true],"c":{},"d":2.5})");
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  JsonWriter w;
  w.string(std::string("a\"b\\c\nd\te\x01", 10));
  EXPECT_EQ(w.str(), "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
}

TEST(JsonWriter, KeepsValidUtf8AndReplacesInvalidBytes) {
  JsonWriter w;
  w.begin_array().string("gr\xC3\xBC\xC3\x9F \xE2\x82\xAC").string("bad\xFF\xC3").end_array();
  EXPECT_EQ(w.str(), "[\"gr\xC3\xBC\xC3\x9F \xE2\x82\xAC\",\"bad\xEF\xBF\xBD\xEF\xBF\xBD\"]");
}

TEST(JsonWriter, EmptyOptionalTextIsNull) {
  JsonWriter w;
  w.begin_object().key("x").string_or_null("").key("y").string_or_null("v").end_object();
  EXPECT_EQ(w.str(), R"({"x":null,"y":"v"})");
}

}  // namespace
}  // namespace freshwatch::http
