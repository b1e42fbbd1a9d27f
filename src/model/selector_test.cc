#include "model/selector.h"

#include <gtest/gtest.h>

namespace freshwatch::model {
namespace {

Asset orders() {
  Asset a;
  a.key = "warehouse:analytics.finance.orders";
  a.name = "orders";
  a.connection = "warehouse";
  a.owner = "data-eng";
  a.tags = {"daily", "pii"};
  return a;
}

TEST(GlobMatch, StarsAndQuestionMarks) {
  EXPECT_TRUE(glob_match("public.*", "public.orders"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("p?blic.*s", "public.orders"));
  EXPECT_TRUE(glob_match("*.tmp_*", "public.tmp_x"));
  EXPECT_FALSE(glob_match("public.*", "finance.orders"));
  EXPECT_FALSE(glob_match("public.orders", "public.orders2"));
  EXPECT_TRUE(glob_match("a*b*c", "axxbyyc"));
  EXPECT_FALSE(glob_match("a*b*c", "axxbyy"));
}

TEST(Selector, EveryFormMatches) {
  struct Case {
    const char* text;
    bool want;
  } cases[] = {
      {"warehouse:analytics.finance.*", true},
      {"warehouse:analytics.public.*", false},
      {"key:warehouse:*.orders", true},
      {"tag:daily", true},
      {"tag:weekly", false},
      {"owner:data-*", true},
      {"connection:warehouse", true},
      {"connection:lake", false},
      {"kind:table", true},
      {"kind:model", false},
  };
  for (const auto& c : cases) {
    auto s = parse_selector(c.text);
    ASSERT_TRUE(s) << c.text;
    EXPECT_EQ(matches(*s, orders()), c.want) << c.text;
  }
}

TEST(Selector, BadSelectorsAreExplained) {
  EXPECT_FALSE(parse_selector(""));
  EXPECT_FALSE(parse_selector("tag:"));
  auto bad = parse_selector("kind:tabel");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("unknown kind 'tabel'"), std::string::npos);
}

TEST(Selector, MoreSpecificSelectorsRankHigher) {
  auto rank = [](const char* text) { return specificity(*parse_selector(text)); };
  EXPECT_GT(rank("warehouse:analytics.finance.orders"), rank("warehouse:analytics.finance.*"));
  EXPECT_GT(rank("warehouse:analytics.finance.*"), rank("warehouse:*"));
  EXPECT_GT(rank("warehouse:*"), rank("tag:daily"));
  EXPECT_GT(rank("tag:daily"), rank("owner:x"));
  EXPECT_GT(rank("owner:x"), rank("kind:table"));
  EXPECT_GT(rank("kind:table"), rank("connection:warehouse"));
}

}  // namespace
}  // namespace freshwatch::model
