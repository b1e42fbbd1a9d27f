// The decoders of Looker API 4.0 answers, on small bodies shaped as the API specification
// describes and on a real dashboard export (gzr) read from the shared test data when present.
#include "connectors/looker/content.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace freshwatch::connectors::looker {
namespace {

TEST(LookerContent, AccessTokenNeedsAToken) {
  auto t = parse_access_token(R"({"access_token":"abc","token_type":"Bearer","expires_in":3600})");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->access_token, "abc");
  EXPECT_EQ(t->expires_in, std::chrono::seconds(3600));
  EXPECT_FALSE(parse_access_token(R"({"expires_in":3600})"));
  EXPECT_FALSE(parse_access_token("not json"));
}

TEST(LookerContent, FoldersMarkPersonalOnes) {
  auto f = parse_folders(R"([{"id":"1","name":"Shared","parent_id":null},
    {"id":"12","name":"Sales","parent_id":"1"},
    {"id":"40","name":"Ann","parent_id":"2","is_personal":true},
    {"id":"41","name":"Drafts","parent_id":"40","is_personal_descendant":true},
    {"id":2,"name":"Users","is_users_root":true}])");
  ASSERT_TRUE(f) << f.error().message;
  ASSERT_EQ(f->size(), 5u);
  EXPECT_EQ((*f)[0].parent_id, "");
  EXPECT_EQ((*f)[1].parent_id, "1");
  EXPECT_FALSE((*f)[1].personal);
  EXPECT_TRUE((*f)[2].personal);
  EXPECT_TRUE((*f)[3].personal);
  EXPECT_EQ((*f)[4].id, "2");  // an older instance's integer id
  EXPECT_TRUE((*f)[4].users_root);
  EXPECT_FALSE(parse_folders(R"({"message":"x"})"));
}

TEST(LookerContent, DashboardElementsFindTheirQueries) {
  auto d = parse_dashboard(R"({"id":"7","title":"Sales","folder_id":"12","deleted":false,
    "dashboard_elements":[
      {"id":"33","title":"Revenue","type":"vis","query_id":"100",
       "query":{"id":"100","model":"shop","view":"orders","fields":["orders.total"],
                "filters":{"orders.status":"complete"}}},
      {"id":"34","title":null,"type":"vis","look_id":"5",
       "look":{"id":"5","title":"Weekly orders","query_id":"101",
               "query":{"model":"shop","view":"orders"}}},
      {"id":"35","type":"text","title_text":"Read me"},
      {"id":"36","type":"vis","result_maker":{"query_id":"102","merge_result_id":"m1",
        "filterables":[{"listen":[{"dashboard_filter_name":"Date","field":"orders.created_date"}]}],
        "query":{"id":"102","model":"shop","view":"users"}}}],
    "dashboard_filters":[{"name":"Date","default_value":"7 days"}]})");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->id, "7");
  ASSERT_EQ(d->elements.size(), 4u);
  const auto& e = d->elements;
  EXPECT_EQ(e[0].query_id, "100");
  ASSERT_TRUE(e[0].query);
  EXPECT_EQ(e[0].query->explore, "orders");
  EXPECT_EQ(e[1].title, "");
  EXPECT_EQ(e[1].look_title, "Weekly orders");
  ASSERT_TRUE(e[1].look_query);
  EXPECT_EQ(e[1].look_query->id, "101");
  EXPECT_EQ(e[2].type, "text");
  EXPECT_EQ(e[2].title, "Read me");
  EXPECT_EQ(e[3].query_id, "102");
  EXPECT_EQ(e[3].merge_result_id, "m1");
  ASSERT_EQ(e[3].listens.size(), 1u);
  EXPECT_EQ(e[3].listens[0].field, "orders.created_date");
  EXPECT_FALSE(parse_dashboard(R"({"title":"no id"})"));
}

TEST(LookerContent, UsageOfDashboardsAndLooks) {
  auto s = parse_dashboard_summaries(R"([{"id":"7","title":"Sales","folder_id":"12",
    "deleted":true,"last_accessed_at":"2026-11-30T10:00:00.000+00:00",
    "last_viewed_at":"2026-11-29T09:00:00Z","view_count":42}])");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->size(), 1u);
  EXPECT_TRUE((*s)[0].deleted);
  EXPECT_TRUE((*s)[0].usage.last_accessed_at);
  EXPECT_TRUE((*s)[0].usage.last_viewed_at);
  EXPECT_EQ((*s)[0].usage.view_count, 42);
  auto l = parse_looks(R"([{"id":5,"title":"Weekly orders","folder_id":"12","query_id":"101"}])");
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ((*l)[0].id, "5");
  EXPECT_FALSE((*l)[0].usage.view_count);
}

TEST(LookerContent, ErrorMessageOfALookerErrorBody) {
  EXPECT_EQ(error_message(R"({"message":"Not found","documentation_url":"x"})"), "Not found");
  EXPECT_EQ(error_message("<html>\nbad gateway"), "<html> bad gateway");
}

TEST(LookerContent, GzrDashboardExport) {
  const std::filesystem::path path = std::filesystem::path(FRESHWATCH_TESTDATA_DIR) /
                                     "looker/gzr_examples/Dashboard_17_FAA_KPIs.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no gzr example at " << path;
  std::ifstream in(path);
  std::stringstream body;
  body << in.rdbuf();
  auto d = parse_dashboard(body.str());
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->title, "FAA KPIs");
  ASSERT_EQ(d->elements.size(), 6u);
  EXPECT_EQ(d->elements[0].id, "58");
  EXPECT_EQ(d->elements[0].query_id, "138");
  EXPECT_EQ(d->elements[4].look_id, "6");  // a Look-based tile without a title of its own
  EXPECT_EQ(d->elements[4].title, "");
}

TEST(LookerContent, QueriesMergesExploresConnections) {
  auto q = parse_query(R"({"id":"209","model":"legacy","view":"events"})");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->explore, "events");
  EXPECT_FALSE(parse_query(R"({"id":"209"})"));

  auto m = parse_merge_query(
      R"({"id":"9001","source_queries":[{"name":"a","query_id":"201"},{"name":"b","query_id":"207"}]})");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->query_ids.size(), 2u);
  EXPECT_EQ(m->query_ids[1], "207");

  const std::string body = R"({"name":"orders","model_name":"ecommerce","connection_name":"snow",
    "dialect_name":"snowflake","view_name":"orders","sql_table_name":"PUBLIC.ORDERS AS orders",
    "joins":[{"name":"returned_orders","from":"orders","sql_table_name":null},
             {"name":"shipments","from":null,"sql_table_name":"LOGISTICS.SHIPMENTS"}]})";
  auto x = parse_explore(body);
  ASSERT_TRUE(x);
  EXPECT_EQ(x->connection_name, "snow");
  EXPECT_EQ(x->sql_table_name, "PUBLIC.ORDERS AS orders");
  ASSERT_EQ(x->joins.size(), 2u);
  EXPECT_EQ(x->joins[0].from, "orders");
  EXPECT_EQ(x->joins[1].sql_table_name, "LOGISTICS.SHIPMENTS");
  EXPECT_EQ(x->fingerprint, fingerprint(body));
  EXPECT_NE(parse_explore(body + " ")->fingerprint, x->fingerprint) << "any change to the answer";
  EXPECT_FALSE(parse_explore(R"({"name":"orders"})")) << "no connection_name";

  auto c = parse_connection(R"({"name":"snow","dialect":{"name":"snowflake"},"database":"ANALYTICS",
    "schema":"PUBLIC","tmp_db_name":"LOOKER_SCRATCH"})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->dialect_name, "snowflake") << "from the dialect object when dialect_name is absent";
  EXPECT_EQ(c->tmp_db_name, "LOOKER_SCRATCH");
}

TEST(LookerContent, InlineQueryBodyAddsTheFilterDefaults) {
  QueryDef q{.id = "201",
             .model = "ecommerce",
             .explore = "orders",
             .fields = {"orders.status", "orders.count"},
             .filters = {{"orders.status", "-NULL"}}};
  EXPECT_EQ(inline_query_body(q, {{"customers.region", "EMEA"}, {"orders.status", "open"}}),
            R"({"model":"ecommerce","view":"orders","fields":["orders.status","orders.count"],)"
            R"("filters":{"orders.status":"open","customers.region":"EMEA"}})");
}

}  // namespace
}  // namespace freshwatch::connectors::looker
