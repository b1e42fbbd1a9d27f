#include "connectors/looker/sql_tables.h"

#include <gtest/gtest.h>

#include <string>

namespace freshwatch::connectors::looker {
namespace {

// A table as the tests write it: dotted parts with quoted parts in [brackets], then via.
struct Expected {
  std::string name;
  std::string via = "";
  std::string alias = "";
};

std::string render(const TableRef& t) {
  std::string out;
  for (std::size_t i = 0; i < t.parts.size(); ++i) {
    if (i) out += '.';
    out += t.quoted[i] ? "[" + t.parts[i] + "]" : t.parts[i];
  }
  return out;
}

struct Case {
  std::string label;
  Dialect dialect;
  std::string sql;
  std::vector<Expected> tables;
  std::vector<std::string> ctes = {};
  std::size_t problems = 0;
};

void check(const Case& c) {
  SCOPED_TRACE(c.label);
  const SqlTables got = tables_in_sql(c.sql, c.dialect);
  ASSERT_EQ(got.tables.size(), c.tables.size()) << [&] {
    std::string all;
    for (const auto& t : got.tables) all += render(t) + " via " + t.via + "; ";
    return all;
  }();
  for (std::size_t i = 0; i < c.tables.size(); ++i) {
    EXPECT_EQ(render(got.tables[i]), c.tables[i].name);
    EXPECT_EQ(got.tables[i].via, c.tables[i].via) << c.tables[i].name;
    if (!c.tables[i].alias.empty()) EXPECT_EQ(got.tables[i].alias, c.tables[i].alias);
  }
  EXPECT_EQ(got.ctes, c.ctes);
  EXPECT_EQ(got.problems.size(), c.problems) << [&] {
    std::string all;
    for (const auto& p : got.problems) all += p + "; ";
    return all;
  }();
}

TEST(TablesInSql, LookerGeneratedSql) {
  const Case cases[] = {
      {"postgres explore with only the needed join", Dialect::kPostgres,
       R"(-- Looker Query Context '{"user_id":7,"history_slug":"a1b2","instance_slug":"x"}'
SELECT
    orders."status" AS "orders.status",
    COUNT(DISTINCT users."id") AS "users.count"
FROM public.prod_orders AS orders
LEFT JOIN public.users AS users ON orders."user_id" = users."id"
WHERE (orders."created_at") >= (TIMESTAMP '2026-11-01')
GROUP BY
    1
ORDER BY
    2 DESC
FETCH NEXT 500 ROWS ONLY)",
       {{"public.prod_orders", "", "orders"}, {"public.users", "", "users"}}},
      {"native derived table as a CTE, main query reads it and a base table", Dialect::kPostgres,
       R"(-- generate derived table order_facts
WITH order_facts AS (SELECT
    orders.user_id  AS user_id,
    COUNT(*) AS lifetime_orders
FROM public.orders  AS orders
GROUP BY
    1)
SELECT
    users.state  AS "users.state",
    AVG(order_facts.lifetime_orders) AS "order_facts.average_lifetime_orders"
FROM public.users  AS users
LEFT JOIN order_facts ON users.id = order_facts.user_id
GROUP BY
    1
ORDER BY
    2 DESC
LIMIT 500)",
       {{"public.orders", "order_facts"}, {"public.users", ""}},
       {"order_facts"}},
      {"a derived table reading another", Dialect::kRedshift,
       R"(WITH user_facts AS (SELECT user_id, MIN(created_at) AS first_order
  FROM public.orders GROUP BY 1)
  , cohort AS (SELECT DATE_TRUNC('month', uf.first_order) AS cohort_month, uf.user_id
  FROM user_facts AS uf JOIN public.users u ON u.id = uf.user_id)
SELECT cohort.cohort_month, COUNT(*) FROM cohort GROUP BY 1)",
       {{"public.orders", "user_facts"}, {"public.users", "cohort", "u"}},
       {"user_facts", "cohort"}},
      {"a persistent derived table is a normal table", Dialect::kSnowflake,
       R"(SELECT
    orders_facts."LIFETIME_VALUE" AS "orders_facts.lifetime_value"
FROM looker_scratch.LR$ABC123_orders_facts AS orders_facts
LIMIT 500)",
       {{"looker_scratch.LR$ABC123_orders_facts", "", "orders_facts"}}},
      {"quoted Snowflake names keep their case and report quoting", Dialect::kSnowflake,
       R"(SELECT COUNT(*) AS "orders.count"
FROM "ANALYTICS"."PUBLIC"."Orders" AS "orders"
INNER JOIN analytics.public.customers AS customers ON "orders"."CUSTOMER_ID" = customers.id
QUALIFY ROW_NUMBER() OVER (PARTITION BY customers.id ORDER BY 1) = 1)",
       {{"[ANALYTICS].[PUBLIC].[Orders]", "", "orders"},
        {"analytics.public.customers", "", "customers"}}},
      {"BigQuery: one pair of backticks around project.dataset.table", Dialect::kBigQuery,
       R"(SELECT
    orders.status  AS orders_status,
    COUNT(*) AS orders_count
FROM `my-project.dataset.orders` AS orders
CROSS JOIN UNNEST(orders.items) AS item
LEFT JOIN `my-project`.dataset.`users` users ON users.id = orders.user_id
LEFT JOIN my-project.dataset.refunds AS refunds ON refunds.order_id = orders.id
WHERE orders.note != "it's FROM nowhere" # a comment FROM x
GROUP BY 1
LIMIT 500)",
       {{"[my-project].[dataset].[orders]", "", "orders"},
        {"[my-project].dataset.[users]", "", "users"},
        {"my-project.dataset.refunds", "", "refunds"}},
       {},
       1},
      {"MySQL backticks and double-quoted strings", Dialect::kMySql,
       R"(SELECT `orders`.`status` AS `orders.status`, "FROM x" AS label
FROM `shop`.`orders` AS `orders`
STRAIGHT_JOIN shop.users users ON users.id = orders.user_id)",
       {{"[shop].[orders]", "", "orders"}, {"shop.users", "", "users"}}},
  };
  for (const auto& c : cases) check(c);
}

TEST(TablesInSql, Grammar) {
  const Case cases[] = {
      {"several CTEs, RECURSIVE, column lists; CTE names are never tables", Dialect::kPostgres,
       R"(WITH RECURSIVE tree (id, parent) AS (
  SELECT id, parent FROM public.nodes WHERE parent IS NULL
  UNION ALL SELECT n.id, n.parent FROM public.nodes n JOIN tree ON n.parent = tree.id),
 leaves AS MATERIALIZED (SELECT * FROM tree)
SELECT * FROM leaves, tree)",
       {{"public.nodes", "tree"}},
       {"tree", "leaves"}},
      {"subqueries in FROM, JOIN, WHERE EXISTS/IN and the SELECT list", Dialect::kPostgres,
       R"(SELECT (SELECT MAX(x) FROM s.a) AS m,
  t.*
FROM (SELECT * FROM (SELECT * FROM s.b) AS inner_b) outer_b
JOIN LATERAL (SELECT * FROM s.c WHERE c.id = outer_b.id) c ON TRUE
WHERE EXISTS (SELECT 1 FROM s.d WHERE d.id IN (SELECT id FROM s.e))
  AND outer_b.id NOT IN (SELECT id FROM s.f)
  , s.g t)",
       {{"s.a"}, {"s.b"}, {"s.c"}, {"s.d"}, {"s.e"}, {"s.f"}}},
      {"every JOIN form and comma joins", Dialect::kOther,
       R"(SELECT * FROM a, b AS bb, c cc
  INNER JOIN d ON d.x = cc.x
  LEFT OUTER JOIN e USING (x)
  RIGHT JOIN f ON TRUE
  FULL OUTER JOIN g ON TRUE
  CROSS JOIN h
  NATURAL JOIN i, j
  JOIN (k JOIN l ON k.x = l.x) ON TRUE
WHERE a.x IN (1, 2, 3))",
       {{"a"}, {"b", "", "bb"}, {"c", "", "cc"}, {"d"}, {"e"}, {"f"}, {"g"}, {"h"}, {"i"},
        {"j"}, {"k"}, {"l"}}},
      {"FROM inside EXTRACT, SUBSTRING, TRIM and IS DISTINCT FROM", Dialect::kPostgres,
       R"(SELECT EXTRACT(YEAR FROM o.created_at), SUBSTRING(o.code FROM 2 FOR 3),
  TRIM(BOTH ' ' FROM o.name), SUBSTRING((SELECT code FROM s.codes LIMIT 1) FROM 1)
FROM s.orders o WHERE o.a IS DISTINCT FROM o.b AND o.c IS NOT DISTINCT FROM o.d)",
       {{"s.codes"}, {"s.orders"}}},
      {"UNION, INTERSECT, EXCEPT; QUALIFY and LIMIT", Dialect::kSnowflake,
       R"((SELECT id FROM a.x) UNION ALL (SELECT id FROM a.y) INTERSECT SELECT id FROM a.z
EXCEPT SELECT id FROM a.w QUALIFY 1 = 1 LIMIT 10)",
       {{"a.x"}, {"a.y"}, {"a.z"}, {"a.w"}}},
      {"comments and strings hide FROM", Dialect::kPostgres,
       "SELECT 'FROM fake1', 'it''s FROM fake2', E'\\' FROM fake3', $$ FROM fake4 $$,\n"
       "  $fn$ FROM fake5 $fn$ /* FROM fake6 */ -- FROM fake7\nFROM real_one",
       {{"real_one"}}},
      {"table functions, FLATTEN, VALUES are not tables", Dialect::kSnowflake,
       R"(SELECT * FROM db.s.events e, LATERAL FLATTEN(input => e.payload) f,
  TABLE(GENERATOR(ROWCOUNT => 10)) g
JOIN (VALUES (1, 'a'), (2, 'b')) AS v (n, l) ON v.n = 1)",
       {{"db.s.events", "", "e"}},
       {},
       3},
      {"distinct by parts and via", Dialect::kPostgres,
       "WITH c AS (SELECT * FROM t JOIN t ON TRUE) SELECT * FROM t, t x, c",
       {{"t", "c"}, {"t", ""}},
       {"c"}},
      {"a non-recursive CTE named like the table it reads", Dialect::kPostgres,
       "WITH orders AS (SELECT * FROM orders) SELECT * FROM orders",
       {{"orders", "orders"}},
       {"orders"}},
      {"statements separated by semicolons", Dialect::kMySql,
       "SELECT * FROM a; SELECT * FROM b;", {{"a"}, {"b"}}},
  };
  for (const auto& c : cases) check(c);
}

TEST(TablesInSql, BadInputGivesBestEffortAndAProblem) {
  const Case cases[] = {
      {"unterminated string", Dialect::kPostgres, "SELECT * FROM a WHERE x = 'oops FROM b",
       {{"a"}}, {}, 1},
      {"unterminated quoted identifier", Dialect::kSnowflake, R"(SELECT * FROM a, "b)", {{"a"}},
       {}, 1},
      {"unterminated comment", Dialect::kBigQuery, "SELECT * FROM a /* FROM b", {{"a"}}, {}, 1},
      {"unterminated dollar string", Dialect::kPostgres, "SELECT * FROM a, $$ FROM b", {{"a"}},
       {}, 1},
      {"a '(' never closed", Dialect::kPostgres, "SELECT * FROM (SELECT * FROM a", {{"a"}}, {},
       1},
      {"a ')' closing nothing", Dialect::kPostgres, "SELECT * FROM a) JOIN b ON TRUE",
       {{"a"}, {"b"}}, {}, 1},
      {"WITH without a body", Dialect::kPostgres, "WITH x AS SELECT 1", {}, {}, 1},
      {"empty", Dialect::kPostgres, "", {}},
      {"only punctuation", Dialect::kOther, ")))(((,,,;;;", {}, {}, 2},
  };
  for (const auto& c : cases) check(c);
}

TEST(TablesInSql, DeepNestingNeitherCrashesNorHangs) {
  std::string sql = "SELECT * FROM ";
  for (int i = 0; i < 100000; ++i) sql += "(SELECT * FROM ";
  sql += "t";
  const SqlTables got = tables_in_sql(sql, Dialect::kPostgres);
  EXPECT_TRUE(got.tables.empty());
  EXPECT_FALSE(got.problems.empty());

  std::string flat = "SELECT * FROM t WHERE ";
  for (int i = 0; i < 100; ++i) flat += "((((x)))) AND ";
  flat += "1 = 1";
  EXPECT_EQ(tables_in_sql(flat, Dialect::kPostgres).tables.size(), 1u);
}

TEST(DialectOf, AdapterNames) {
  EXPECT_EQ(dialect_of("postgres"), Dialect::kPostgres);
  EXPECT_EQ(dialect_of("redshift"), Dialect::kRedshift);
  EXPECT_EQ(dialect_of("snowflake"), Dialect::kSnowflake);
  EXPECT_EQ(dialect_of("bigquery"), Dialect::kBigQuery);
  EXPECT_EQ(dialect_of("mysql"), Dialect::kMySql);
  EXPECT_EQ(dialect_of("mariadb"), Dialect::kMySql);
  EXPECT_EQ(dialect_of("trino"), Dialect::kOther);
  EXPECT_EQ(dialect_of(""), Dialect::kOther);
}

}  // namespace
}  // namespace freshwatch::connectors::looker
