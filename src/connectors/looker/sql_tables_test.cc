#include "connectors/looker/sql_tables.h"

#include <gtest/gtest.h>

#include <cstdint>
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
    if (!c.tables[i].alias.empty()) {
      EXPECT_EQ(got.tables[i].alias, c.tables[i].alias) << c.tables[i].name;
    }
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
      {"postgres simple explore query", Dialect::kPostgres,
       R"(-- Looker Query Context '{"user_id":7,"history_slug":"a1b2","instance_slug":"x"}'
SELECT
    orders."status" AS "orders.status",
    COUNT(*) AS "orders.count"
FROM public.orders AS orders
GROUP BY
    1
ORDER BY
    2 DESC
FETCH NEXT 500 ROWS ONLY)",
       {{"public.orders", "", "orders"}}},
      // The explore joins users, products, inventory_items, distribution_centers and
      // order_items; this query's fields need only two of them, and Looker writes only those.
      {"postgres explore with five joins defined, two needed", Dialect::kPostgres,
       R"(-- Looker Query Context '{"user_id":7,"history_slug":"c3d4","instance_slug":"x"}'
SELECT
    users."state" AS "users.state",
    products."category" AS "products.category",
    COUNT(DISTINCT orders."id") AS "orders.count"
FROM public.prod_orders AS orders
LEFT JOIN public.users AS users ON orders."user_id" = users."id"
LEFT JOIN public.products AS products ON orders."product_id" = products."id"
WHERE (orders."created_at") >= (TIMESTAMP '2026-11-01')
GROUP BY
    1,
    2
ORDER BY
    3 DESC
FETCH NEXT 500 ROWS ONLY)",
       {{"public.prod_orders", "", "orders"},
        {"public.users", "", "users"},
        {"public.products", "", "products"}}},
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
        {"my-project.dataset.refunds", "", "refunds"}}},
      {"BigQuery derived table as a CTE over a PDT in the scratch dataset", Dialect::kBigQuery,
       R"(-- Looker Query Context '{"user_id":3,"history_slug":"e5f6","instance_slug":"x"}'
-- use existing user_order_facts in looker_scratch.LR$ABC123_user_order_facts
WITH monthly AS (SELECT DATE_TRUNC(created_at, MONTH) AS month, SUM(sale_price) AS revenue
  FROM `my-project.thelook.order_items` GROUP BY 1)
SELECT
    monthly.month  AS monthly_month,
    user_order_facts.lifetime_orders  AS user_order_facts_lifetime_orders
FROM monthly
LEFT JOIN `my-project.looker_scratch.LR$ABC123_user_order_facts` AS user_order_facts
  ON TRUE
LIMIT 500)",
       {{"[my-project].[thelook].[order_items]", "monthly"},
        {"[my-project].[looker_scratch].[LR$ABC123_user_order_facts]", "", "user_order_facts"}},
       {"monthly"}},
      {"MySQL backticks and double-quoted strings", Dialect::kMySql,
       R"(SELECT `orders`.`status` AS `orders.status`, "FROM x" AS label
FROM `shop`.`orders` AS `orders`
STRAIGHT_JOIN shop.users users ON users.id = orders.user_id)",
       {{"[shop].[orders]", "", "orders"}, {"shop.users", "", "users"}}},
      {"MySQL derived table as an inline subquery", Dialect::kMySql,
       R"(SELECT
    user_facts.lifetime_orders  AS `user_facts.lifetime_orders`,
    COUNT(*) AS `users.count`
FROM shop.users  AS users
LEFT JOIN (SELECT user_id, COUNT(*) AS lifetime_orders
  FROM shop.orders WHERE status <> 'it\'s cancelled' GROUP BY 1) AS user_facts
  ON users.id = user_facts.user_id
GROUP BY
    1
ORDER BY
    2 DESC
LIMIT 500)",
       {{"shop.users", "", "users"}, {"shop.orders"}}},
      // A merged-results tile runs each source query on its own (possibly on another
      // connection); each is read alone and the tile reads the union.
      {"merged results: source query 1 (Snowflake)", Dialect::kSnowflake,
       R"(SELECT "ORDERS"."REGION" AS "orders.region", SUM("ORDERS"."AMOUNT") AS "orders.total"
FROM "ANALYTICS"."SALES"."ORDERS" AS "ORDERS"
GROUP BY 1
ORDER BY 2 DESC
LIMIT 500)",
       {{"[ANALYTICS].[SALES].[ORDERS]", "", "ORDERS"}}},
      {"merged results: source query 2 (PostgreSQL)", Dialect::kPostgres,
       R"(SELECT targets.region AS "targets.region", SUM(targets.goal) AS "targets.total_goal"
FROM finance.region_targets AS targets
GROUP BY 1
ORDER BY 2 DESC
LIMIT 500)",
       {{"finance.region_targets", "", "targets"}}},
      {"Databricks reads backticks and backslash escapes", dialect_of("databricks"),
       R"(SELECT `orders`.`status` FROM `main`.`sales`.`orders` AS `orders`
WHERE `orders`.`note` <> 'it\'s' AND `orders`.`tag` <> "x FROM y")",
       {{"[main].[sales].[orders]", "", "orders"}}},
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
      {"FLATTEN, row generators and VALUES read no table", Dialect::kSnowflake,
       R"(SELECT * FROM db.s.events e, LATERAL FLATTEN(input => e.payload) f,
  TABLE(GENERATOR(ROWCOUNT => 10)) g
JOIN (VALUES (1, 'a'), (2, 'b')) AS v (n, l) ON v.n = 1)",
       {{"db.s.events", "", "e"}}},
      {"UNNEST, generate_series, WITH ORDINALITY", Dialect::kPostgres,
       R"(SELECT * FROM s.t, UNNEST(t.tags) WITH ORDINALITY AS u(tag, n),
  generate_series(1, 10) AS g(i) CROSS JOIN LATERAL jsonb_each(t.doc) AS j
  , (VALUES (1)) v, s.u)",
       {{"s.t"}, {"s.u"}}},
      {"other table functions may read tables unseen; their arguments are still read",
       Dialect::kSnowflake,
       R"(SELECT * FROM TABLE(RESULT_SCAN(LAST_QUERY_ID())) r
JOIN TABLE(db.s.my_udtf((SELECT MAX(id) FROM db.s.ids))) x ON TRUE)",
       {{"db.s.ids"}},
       {},
       2},
      {"distinct by parts and via", Dialect::kPostgres,
       "WITH c AS (SELECT * FROM t JOIN t ON TRUE) SELECT * FROM t, t x, c",
       {{"t", "c"}, {"t", ""}},
       {"c"}},
      {"a non-recursive CTE named like the table it reads", Dialect::kPostgres,
       "WITH orders AS (SELECT * FROM orders) SELECT * FROM orders",
       {{"orders", "orders"}},
       {"orders"}},
      {"Snowflake: without RECURSIVE a CTE's own name in its body is the table",
       Dialect::kSnowflake, "WITH orders AS (SELECT * FROM orders) SELECT * FROM orders",
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
      {"a name with an empty part", Dialect::kBigQuery, "SELECT * FROM `p..t`, ``, ok",
       {{"ok"}}, {}, 2},
      {"empty", Dialect::kPostgres, "", {}},
      {"only punctuation", Dialect::kOther, ")))(((,,,;;;", {}, {}, 2},
  };
  for (const auto& c : cases) check(c);
}

TEST(TablesInSql, ProblemsAreCapped) {
  std::string sql = "SELECT * FROM t";
  for (int i = 0; i < 1000; ++i) sql += ", f" + std::to_string(i) + "()";
  const SqlTables got = tables_in_sql(sql, Dialect::kPostgres);
  EXPECT_EQ(got.tables.size(), 1u);
  EXPECT_EQ(got.problems.size(), 21u);
  EXPECT_EQ(got.problems.back(), "more problems than these; the others are not listed");
}

TEST(TablesInSql, ManyDistinctTablesAreListedOnce) {
  std::string sql = "SELECT * FROM t0";
  for (int i = 1; i < 20000; ++i) sql += ", t" + std::to_string(i % 10000);
  EXPECT_EQ(tables_in_sql(sql, Dialect::kOther).tables.size(), 10000u);
}

// Not a fuzzer, but the same promise: any bytes give a result, never a crash or a hang.
TEST(TablesInSql, ArbitraryBytesGiveAResult) {
  const std::string alphabet = "SELECT FROM JOIN WITH AS ( ) , ; . ' \" ` $ $$ -- /* */ # \n a b";
  std::uint32_t state = 12345;
  auto rand = [&] { return state = state * 1664525u + 1013904223u; };
  for (int round = 0; round < 2000; ++round) {
    std::string sql;
    const int n = static_cast<int>(rand() % 60);
    for (int i = 0; i < n; ++i) {
      if (rand() % 4 == 0)
        sql += static_cast<char>(rand() % 256);
      else
        sql += alphabet.substr(rand() % alphabet.size(), 1 + rand() % 6);
    }
    for (Dialect d : {Dialect::kPostgres, Dialect::kRedshift, Dialect::kSnowflake,
                      Dialect::kBigQuery, Dialect::kMySql, Dialect::kOther}) {
      const SqlTables got = tables_in_sql(sql, d);
      EXPECT_LE(got.problems.size(), 21u);
    }
  }
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
  EXPECT_EQ(dialect_of("databricks"), Dialect::kMySql);
  EXPECT_EQ(dialect_of("spark"), Dialect::kMySql);
  EXPECT_EQ(dialect_of("trino"), Dialect::kOther);
  EXPECT_EQ(dialect_of(""), Dialect::kOther);
}

}  // namespace
}  // namespace freshwatch::connectors::looker
