// Resolving what a query reads into relations, on SqlTables written by hand (what the SQL reader
// returns), and the trace cache's encoding.
#include "connectors/looker/lineage.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/time.h"

namespace freshwatch::connectors::looker {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TableRef ref(std::vector<std::string> parts, std::vector<bool> quoted = {}, std::string alias = {},
             std::string via = {}) {
  if (quoted.empty()) quoted.assign(parts.size(), false);
  return {std::move(parts), std::move(quoted), std::move(alias), std::move(via)};
}

const LookerConnection kSnow{.name = "snow",
                             .dialect_name = "snowflake",
                             .database = "analytics",
                             .schema = "public",
                             .tmp_db_name = "LOOKER_SCRATCH"};

TEST(LookerLineage, SnowflakeNamesFoldUnlessQuotedAndTakeTheConnectionsDefaults) {
  SqlTables read;
  read.tables = {ref({"orders"}, {}, "orders"),
                 ref({"RAW", "Customers"}, {true, true}, "customers"),
                 ref({"raw", "order_lines"}, {}, "", "order_facts"), ref({"other_db", "s", "t"})};
  Trace t = resolve(read, kSnow);
  EXPECT_EQ(t.connection, "snow");
  EXPECT_THAT(t.tables, ElementsAre(TracedTable{"ANALYTICS.PUBLIC.ORDERS", "view orders"},
                                    TracedTable{"ANALYTICS.RAW.Customers", "view customers"},
                                    TracedTable{"ANALYTICS.RAW.ORDER_LINES", "view order_facts"},
                                    TracedTable{"OTHER_DB.S.T", ""}));
  EXPECT_THAT(t.notes, IsEmpty());
  EXPECT_FALSE(t.explore_level);
}

TEST(LookerLineage, PostgresMySqlAndBigQuery) {
  SqlTables read;
  read.tables = {ref({"Flights"}), ref({"public", "aircraft"}, {false, false}, "aircraft")};
  LookerConnection pg{
      .name = "faa", .dialect_name = "postgres", .database = "faa", .schema = "public"};
  EXPECT_THAT(resolve(read, pg).tables,
              ElementsAre(TracedTable{"faa.public.flights", ""},
                          TracedTable{"faa.public.aircraft", "view aircraft"}));

  LookerConnection my{.name = "legacy", .dialect_name = "mysql", .database = "legacy_db"};
  read.tables = {ref({"events"}), ref({"other", "Users"})};
  EXPECT_THAT(resolve(read, my).tables,
              ElementsAre(TracedTable{"legacy_db.events", ""}, TracedTable{"other.Users", ""}));

  // BigQuery: the project is the connection's host, the dataset its database; a backquoted
  // `project.dataset.table` is one identifier holding three parts.
  LookerConnection bq{.name = "bq",
                      .dialect_name = "bigquery_standard_sql",
                      .database = "sales",
                      .host = "my-project"};
  read.tables = {ref({"orders"}), ref({"other-project.raw.Events"}, {true})};
  EXPECT_THAT(resolve(read, bq).tables, ElementsAre(TracedTable{"my-project.sales.orders", ""},
                                                    TracedTable{"other-project.raw.Events", ""}));
}

// Looker's dialect names go through the shared identity rules (connectors/identifiers.h):
// every MySQL-family dialect names "db.table", Trino (here under its old name) folds to lower
// case, and an unknown dialect keeps names as written.
TEST(LookerLineage, LookerDialectNamesUseTheSharedIdentityRules) {
  SqlTables read;
  read.tables = {ref({"Orders"})};
  for (const char* mysql : {"mysql_8", "amazonaurora", "googlecloudsql", "MariaDB"}) {
    LookerConnection c{.name = "shop", .dialect_name = mysql, .database = "shop"};
    const Trace t = resolve(read, c);
    EXPECT_THAT(t.tables, ElementsAre(TracedTable{"shop.Orders", ""})) << mysql;
    EXPECT_THAT(t.notes, IsEmpty()) << mysql << ": no schema is missing";
  }
  LookerConnection trino{
      .name = "lake", .dialect_name = "prestosql", .database = "Lake", .schema = "Raw"};
  EXPECT_THAT(resolve(read, trino).tables, ElementsAre(TracedTable{"lake.raw.orders", ""}));
  LookerConnection other{.name = "v", .dialect_name = "vertica", .database = "Db", .schema = "S"};
  EXPECT_THAT(resolve(read, other).tables, ElementsAre(TracedTable{"Db.S.Orders", ""}));
}

TEST(LookerLineage, PersistentDerivedTablesAreLinkedByTheirView) {
  SqlTables read;
  read.tables = {ref({"LOOKER_SCRATCH", "LR$5PYSF1586211411658_user_facts"}, {}, "user_facts"),
                 ref({"looker_scratch", "lr$9z_order_facts"}),
                 ref({"PUBLIC", "LR$NOT_A_PDT"})};  // not in the scratch schema
  Trace t = resolve(read, kSnow);
  EXPECT_THAT(t.pdts, ElementsAre(TracedPdt{"user_facts",
                                            "LOOKER_SCRATCH.LR$5PYSF1586211411658_user_facts"},
                                  TracedPdt{"order_facts", "looker_scratch.lr$9z_order_facts"}));
  EXPECT_THAT(t.tables, ElementsAre(TracedTable{"ANALYTICS.PUBLIC.LR$NOT_A_PDT", ""}));
  ASSERT_EQ(t.notes.size(), 1u);
  EXPECT_THAT(t.notes[0], HasSubstr("persistent derived table of view user_facts"));
  EXPECT_THAT(t.notes[0], HasSubstr("not traced"));
}

TEST(LookerLineage, WhatCouldNotBeReadOrResolvedIsSaid) {
  SqlTables read;
  read.tables = {ref({"orders"})};
  read.problems = {"a table function (TABLE(GENERATOR(...))) is not a table"};
  Trace t = resolve(read, kSnow);
  ASSERT_EQ(t.notes.size(), 1u);
  EXPECT_THAT(t.notes[0], HasSubstr("could not be read"));
  EXPECT_THAT(t.notes[0], HasSubstr("GENERATOR"));

  // The Looker connection could not be read: names without database and schema stay short.
  LookerConnection partial{.name = "snow", .dialect_name = "snowflake"};
  Trace p = resolve(read, partial, "HTTP 403");
  EXPECT_THAT(p.tables, ElementsAre(TracedTable{"ORDERS", ""}));
  EXPECT_THAT(p.notes[0], HasSubstr("'snow' could not be read (HTTP 403)"));

  // A connection without a default schema.
  LookerConnection no_schema{.name = "snow", .dialect_name = "snowflake", .database = "analytics"};
  read.problems.clear();
  Trace n = resolve(read, no_schema);
  EXPECT_THAT(n.notes, ElementsAre(HasSubstr("orders is named without a schema")));
}

TEST(LookerLineage, ExploreLevelNamesTheBaseViewAndJoinsWithTheirOwnTable) {
  Explore x{.model = "ecommerce",
            .name = "orders",
            .connection_name = "snow",
            .dialect_name = "snowflake",
            .view_name = "orders",
            .sql_table_name = "PUBLIC.ORDERS AS orders",
            .joins = {{"customers", "", ""},
                      {"returned_orders", "orders", ""},
                      {"shipments", "", "LOGISTICS.SHIPMENTS"}}};
  Trace t = explore_level(x, kSnow, "HTTP 403 on run/sql: no see_sql");
  EXPECT_TRUE(t.explore_level);
  EXPECT_THAT(t.tables, ElementsAre(TracedTable{"ANALYTICS.PUBLIC.ORDERS", "explore-level"},
                                    TracedTable{"ANALYTICS.LOGISTICS.SHIPMENTS", "explore-level"}));
  ASSERT_GE(t.notes.size(), 2u);
  EXPECT_THAT(t.notes[0], HasSubstr("explore-level (HTTP 403 on run/sql: no see_sql)"));
  EXPECT_THAT(t.notes[0], HasSubstr("ecommerce/orders"));
  EXPECT_THAT(t.notes[1], HasSubstr("customers, returned_orders (view orders)"));

  // A derived base view: nothing guessed.
  x.sql_table_name.clear();
  x.joins.clear();
  Trace d = explore_level(x, kSnow, "no see_sql");
  EXPECT_THAT(d.tables, IsEmpty());
  EXPECT_THAT(d.notes[1], HasSubstr("names no sql_table_name"));

  // What the reader cannot read is said.
  x.sql_table_name = "{{ _user_attributes['schema'] }}.orders";
  Trace u = explore_level(x, kSnow, "no see_sql");
  EXPECT_THAT(u.tables, IsEmpty());
  EXPECT_THAT(u.notes[1], HasSubstr("could not be read"));
}

TEST(LookerLineage, CachedTracesRoundTrip) {
  CachedTrace t;
  t.model = "ecommerce";
  t.explore = "orders";
  t.fingerprint = "0123456789abcdef";
  t.traced_at = *core::parse_timestamp("2026-11-26T10:00:00Z");
  t.read.tables = {ref({"RAW", "Customers"}, {true, true}, "customers"),
                   ref({"raw", "order_lines"}, {}, "", "order_facts")};
  t.read.ctes = {"order_facts"};
  t.read.problems = {"VALUES is not a table"};
  const std::string json = encode(t);
  auto back = decode_trace(json);
  ASSERT_TRUE(back) << json;
  EXPECT_EQ(back->model, "ecommerce");
  EXPECT_EQ(back->fingerprint, t.fingerprint);
  EXPECT_EQ(back->traced_at, t.traced_at);
  EXPECT_FALSE(back->explore_level);
  EXPECT_EQ(back->read.tables, t.read.tables);
  EXPECT_EQ(back->read.ctes, t.read.ctes);
  EXPECT_EQ(back->read.problems, t.read.problems);
  EXPECT_EQ(encode(*back), json);

  t.explore_level = true;
  t.refused = "HTTP 403";
  t.read = {};
  auto refused = decode_trace(encode(t));
  ASSERT_TRUE(refused);
  EXPECT_TRUE(refused->explore_level);
  EXPECT_EQ(refused->refused, "HTTP 403");

  EXPECT_FALSE(decode_trace(""));
  EXPECT_FALSE(decode_trace("{\"model\":\"m\"}"));
  EXPECT_FALSE(decode_trace("not json"));

  MergeQuery m{.id = "9001", .query_ids = {"201", "207"}};
  auto merge = decode_merge(encode_merge(m));
  ASSERT_TRUE(merge);
  EXPECT_EQ(merge->query_ids, m.query_ids);
  EXPECT_FALSE(decode_merge("[]"));
}

TEST(LookerLineage, ACachedTraceIsUsedUntilItsExploreChangesOrItIsOld) {
  CachedTrace t;
  t.fingerprint = "aa";
  t.traced_at = *core::parse_timestamp("2026-11-26T10:00:00Z");
  Explore x;
  x.fingerprint = "aa";
  const auto day = std::chrono::hours(24);
  EXPECT_TRUE(still_valid(t, x, t.traced_at + std::chrono::hours(23), day));
  EXPECT_FALSE(still_valid(t, x, t.traced_at + day, day));
  EXPECT_FALSE(still_valid(t, x, t.traced_at - std::chrono::hours(1), day)) << "from the future";
  x.fingerprint = "bb";
  EXPECT_FALSE(still_valid(t, x, t.traced_at, day));
}

}  // namespace
}  // namespace freshwatch::connectors::looker
