#include "connectors/identifiers.h"

#include <gtest/gtest.h>

#include <utility>

namespace freshwatch::connectors {
namespace {

struct Case {
  std::string_view adapter, database, schema, identifier;
  Quoting quoting;
  std::string_view expected;
};

TEST(NormalizeRelation, AdapterCaseRules) {
  const Case cases[] = {
      // Snowflake folds unquoted names to upper case; dbt-snowflake quotes nothing by default.
      {"snowflake", "analytics", "Public", "orders", {}, "ANALYTICS.PUBLIC.ORDERS"},
      {"snowflake", "analytics", "public", "Orders", {.identifier = true}, "ANALYTICS.PUBLIC.Orders"},
      // PostgreSQL: dbt quotes by default, so names are kept; unquoted ones fold to lower case.
      {"postgres", "Analytics", "public", "Orders", {}, "Analytics.public.Orders"},
      {"postgres", "Analytics", "public", "Orders", {false, false, false}, "analytics.public.orders"},
      // Redshift and the case-insensitive engines always fold to lower case.
      {"redshift", "DEV", "Public", "Orders", {true, true, true}, "dev.public.orders"},
      {"duckdb", "jaffle", "Main", "Customers", {}, "jaffle.main.customers"},
      {"databricks", "Hive", "Default", "T", {}, "hive.default.t"},
      {"presto", "Hive", "Web", "Events", {}, "hive.web.events"},
      {"hive", "", "Web", "Events", {}, "web.events"},
      // BigQuery is case-sensitive: kept.
      {"bigquery", "my-project", "Dataset", "Table", {}, "my-project.Dataset.Table"},
      // MySQL has no database level: schema.identifier, kept as written.
      {"mysql", "", "shop", "Orders", {}, "shop.Orders"},
      {"sqlite", "", "main", "orders", {}, "main.orders"},
      {"some_future_adapter", "A", "B", "C", {}, "A.B.C"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.adapter);
    EXPECT_EQ(normalize_relation(c.adapter, c.database, c.schema, c.identifier, c.quoting), c.expected);
  }
}

TEST(NormalizeIdentifier, Single) {
  EXPECT_EQ(normalize_identifier("snowflake", "stg_orders", std::nullopt), "STG_ORDERS");
  EXPECT_EQ(normalize_identifier("snowflake", "stg_orders", true), "stg_orders");
  EXPECT_EQ(normalize_identifier("postgres", "StgOrders", false), "stgorders");
}

TEST(DialectForLooker, MapsLookerDialectNamesOntoAdapters) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"postgres", "postgres"},
      {"postgres9_1", "postgres"},
      {"google_cloud_postgres", "postgres"},
      {"redshift", "redshift"},
      {"snowflake", "snowflake"},
      {"bigquery_standard_sql", "bigquery"},
      {"bigquery", "bigquery"},  // Legacy SQL
      {"BigQuery_Standard_SQL", "bigquery"},
      {"mysql", "mysql"},
      {"mysql_8", "mysql"},
      {"amazonaurora", "mysql"},
      {"mariadb", "mariadb"},
      {"databricks", "databricks"},
      {"spark_3", "spark"},
      {"hive2_3", "hive"},
      {"trino", "trino"},
      {"prestosql", "trino"},
      {"presto", "presto"},
      {"athena", "athena"},
      {"mssql_2016", "sqlserver"},
      {"mssqldw", "sqlserver"},
      {"vertica", ""},
      {"", ""},
  };
  for (const auto& [looker, adapter] : cases) {
    SCOPED_TRACE(looker);
    EXPECT_EQ(dialect_for_looker(looker), adapter);
  }
}

TEST(DialectForLooker, ItsAdapterFoldsNamesTheWayTheWarehouseDoes) {
  EXPECT_EQ(normalize_relation(dialect_for_looker("snowflake"), "analytics", "public", "orders",
                               {false, false, false}),
            "ANALYTICS.PUBLIC.ORDERS");
  EXPECT_EQ(normalize_relation(dialect_for_looker("spark_3"), "", "Web", "Events"), "web.events");
  EXPECT_EQ(normalize_relation(dialect_for_looker("bigquery_standard_sql"), "my-project", "Shop",
                               "Orders"),
            "my-project.Shop.Orders");
}

}  // namespace
}  // namespace freshwatch::connectors
