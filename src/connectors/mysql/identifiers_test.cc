#include "connectors/mysql/identifiers.h"

#include <gtest/gtest.h>

namespace freshwatch::connectors::mysql {
namespace {

TEST(MysqlIdentifiers, QuoteIdentifierDoublesBackticks) {
  EXPECT_EQ(quote_identifier("orders"), "`orders`");
  EXPECT_EQ(quote_identifier("we`ird"), "`we``ird`");
  EXPECT_EQ(quote_identifier("a.b"), "`a.b`");
  EXPECT_EQ(quote_identifier(""), "``");
}

TEST(MysqlIdentifiers, QuoteStringEscapes) {
  EXPECT_EQ(quote_string("shop"), "'shop'");
  EXPECT_EQ(quote_string("o'neil\\"), "'o''neil\\\\'");
  EXPECT_EQ(quote_string(std::string_view("a\0b", 3)), "'a\\0b'");
}

TEST(MysqlIdentifiers, RelationFollowsLowerCaseTableNames) {
  EXPECT_EQ(relation_name("Sales", "BigOrders", 0), "Sales.BigOrders");
  EXPECT_EQ(relation_name("Sales", "BigOrders", 1), "sales.bigorders");
  EXPECT_EQ(relation_name("Sales", "BigOrders", 2), "sales.bigorders");
}

}  // namespace
}  // namespace freshwatch::connectors::mysql
