#include "connectors/snowflake/identifiers.h"

#include <gtest/gtest.h>

namespace freshwatch::connectors::snowflake {
namespace {

TEST(Identifiers, UnquotedFoldToUpperQuotedKeepCase) {
  EXPECT_EQ(normalize_identifier("orders"), "ORDERS");
  EXPECT_EQ(normalize_identifier("Orders"), "ORDERS");
  EXPECT_EQ(normalize_identifier("ORDERS"), "ORDERS");
  EXPECT_EQ(normalize_identifier("\"ORDERS\""), "ORDERS");
  EXPECT_EQ(normalize_identifier("\"Orders\""), "Orders");
  EXPECT_EQ(normalize_identifier("\"orders\""), "orders");
  EXPECT_EQ(normalize_identifier("_tmp$1"), "_TMP$1");
  EXPECT_EQ(normalize_identifier("\"a\"\"b\""), "a\"b");
  EXPECT_EQ(normalize_identifier("\"my table\""), "my table");
  // Not a valid unquoted identifier: it can only mean those characters.
  EXPECT_EQ(normalize_identifier("my-table"), "my-table");
}

TEST(Identifiers, RelationsAsDbtWritesThem) {
  EXPECT_EQ(normalize_relation("analytics.public.orders"), "ANALYTICS.PUBLIC.ORDERS");
  EXPECT_EQ(normalize_relation("\"ANALYTICS\".\"PUBLIC\".\"ORDERS\""), "ANALYTICS.PUBLIC.ORDERS");
  EXPECT_EQ(normalize_relation("\"ANALYTICS\".\"PUBLIC\".\"Orders\""), "ANALYTICS.PUBLIC.Orders");
  EXPECT_EQ(normalize_relation("analytics.\"Sales\".orders"), "ANALYTICS.Sales.ORDERS");
  EXPECT_EQ(normalize_relation("raw.\"a.b\".t"), "RAW.a.b.T");
  EXPECT_EQ(normalize_relation("raw.\"unclosed"), "");
  EXPECT_EQ(normalize_relation("raw..t"), "");
  // The same table as Snowflake reports it is the same relation.
  EXPECT_EQ(normalize_relation("analytics.public.orders"), catalog_relation("ANALYTICS", "PUBLIC", "ORDERS"));
  EXPECT_EQ(normalize_relation("analytics.public.\"Orders\""), catalog_relation("ANALYTICS", "PUBLIC", "Orders"));
  EXPECT_NE(normalize_relation("analytics.public.orders"), catalog_relation("ANALYTICS", "PUBLIC", "Orders"));
}

TEST(Identifiers, Quoting) {
  EXPECT_EQ(quote_identifier("Orders"), "\"Orders\"");
  EXPECT_EQ(quote_identifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(quote_string("it's"), "'it''s'");
  EXPECT_EQ(quote_string("a\\b"), "'a\\\\b'");
}

}  // namespace
}  // namespace freshwatch::connectors::snowflake
