// The decoders of Looker API 4.0 answers, on hand-written bodies shaped as the specification
// says and on a real dashboard export (../shared/testdata/looker/gzr_examples).
#include "connectors/looker/content.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/time.h"

namespace freshwatch::connectors::looker {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(LookerContent, AccessToken) {
  auto t = parse_access_token(R"({"access_token":"abc","token_type":"Bearer","expires_in":3600,"refresh_token":null})");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->access_token, "abc");
  EXPECT_EQ(t->expires_in, std::chrono::seconds(3600));
  EXPECT_FALSE(parse_access_token(R"({"token_type":"Bearer","expires_in":3600})"));
  EXPECT_FALSE(parse_access_token("<html>"));
}

TEST(LookerContent, FoldersWithStringOrIntegerIds) {
  // API 4.0 sends strings; 3.1 (spectacles' recordings) sent integers.
  auto f = parse_folders(R"([
    {"name":"Shared","parent_id":null,"id":"1","is_personal":false,"is_personal_descendant":false,"is_users_root":false},
    {"name":"Users","parent_id":null,"id":2,"is_users_root":true},
    {"name":"pytest","parent_id":8,"id":25,"is_personal":false,"is_personal_descendant":true}])");
  ASSERT_TRUE(f);
  ASSERT_EQ(f->size(), 3u);
  EXPECT_EQ((*f)[0].id, "1");
  EXPECT_EQ((*f)[0].parent_id, "");
  EXPECT_FALSE((*f)[0].personal);
  EXPECT_TRUE((*f)[1].users_root);
  EXPECT_EQ((*f)[2].id, "25");
  EXPECT_EQ((*f)[2].parent_id, "8");
  EXPECT_TRUE((*f)[2].personal);
  EXPECT_FALSE(parse_folders(R"({"message":"Not found"})"));
}

TEST(LookerContent, DashboardListWithUsage) {
  auto d = parse_dashboard_summaries(R"([{"id":"7","title":"Sales","folder_id":"13","deleted":false,
    "view_count":120,"last_viewed_at":"2026-11-26T07:15:00.000+00:00","last_accessed_at":null}])");
  ASSERT_TRUE(d);
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].usage.view_count, 120);
  EXPECT_EQ((*d)[0].usage.last_viewed_at, core::parse_timestamp("2026-11-26T07:15:00Z").value());
  EXPECT_FALSE((*d)[0].usage.last_accessed_at);
}

TEST(LookerContent, DashboardElementsOfEveryKind) {
  auto d = parse_dashboard(R"({"id":"7","title":"Sales","folder_id":"13","deleted":false,
    "dashboard_filters":[{"name":"Region","default_value":"EMEA"}],
    "dashboard_elements":[
      {"id":"71","type":"vis","title":"By status","query_id":"201",
       "query":{"id":"201","model":"ecommerce","view":"orders","fields":["orders.status"],"filters":{"orders.status":"-NULL"}},
       "result_maker":{"query_id":"201","filterables":[{"listen":[{"dashboard_filter_name":"Region","field":"customers.region"}]}]}},
      {"id":"73","type":"text","title":null,"title_text":"Read me"},
      {"id":"74","type":"vis","title":null,"look_id":"31","look":{"id":"31","title":"Customer orders","query_id":"202",
       "query":{"id":"202","model":"ecommerce","view":"orders"}}},
      {"id":"75","type":"vis","title":"Merged","merge_result_id":null,"result_maker":{"merge_result_id":"9001"}},
      {"id":"76","type":"vis","title":"Runner","result_maker":{"sql_query_id":"abc"}},
      {"id":"77","type":"vis","title":"Via result maker","result_maker":{"query_id":"205","query":{"id":"205","model":"m","view":"v"}}}]})");
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_EQ(d->elements.size(), 6u);
  EXPECT_THAT(d->filters, ElementsAre(::testing::Field(&DashboardFilter::default_value, "EMEA")));
  const Element& q = d->elements[0];
  ASSERT_TRUE(q.query);
  EXPECT_EQ(q.query->model, "ecommerce");
  EXPECT_EQ(q.query->explore, "orders");
  EXPECT_THAT(q.query->filters, ElementsAre(Pair("orders.status", "-NULL")));
  ASSERT_EQ(q.listens.size(), 1u);
  EXPECT_EQ(q.listens[0].field, "customers.region");
  EXPECT_EQ(d->elements[1].title, "Read me");
  EXPECT_EQ(d->elements[1].type, "text");
  EXPECT_EQ(d->elements[2].look_title, "Customer orders");
  ASSERT_TRUE(d->elements[2].look_query);
  EXPECT_EQ(d->elements[2].look_query->id, "202");
  EXPECT_EQ(d->elements[3].merge_result_id, "9001");
  EXPECT_EQ(d->elements[4].sql_query_id, "abc");
  EXPECT_EQ(d->elements[5].query_id, "205");
  ASSERT_TRUE(d->elements[5].query);
  EXPECT_EQ(d->elements[5].query->explore, "v");
}

TEST(LookerContent, TheGzrExampleDashboard) {
  const auto file = std::filesystem::path(FRESHWATCH_TESTDATA_DIR) / "looker" / "gzr_examples" /
                    "Dashboard_17_FAA_KPIs.json";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "no " << file << " (../shared/testdata)";
  auto d = parse_dashboard(slurp(file));
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->id, "17");
  EXPECT_EQ(d->title, "FAA KPIs");
  EXPECT_EQ(d->folder_id, "5");
  ASSERT_EQ(d->elements.size(), 6u);
  EXPECT_EQ(d->elements[0].id, "58");
  EXPECT_EQ(d->elements[0].query_id, "138");
  ASSERT_TRUE(d->elements[0].query);
  EXPECT_EQ(d->elements[0].query->model, "aviation");
  EXPECT_EQ(d->elements[0].query->explore, "airports");
  // Look-based tiles: no title of their own, the Look's query inside.
  const Element& look = d->elements[4];
  EXPECT_EQ(look.title, "");
  EXPECT_EQ(look.look_id, "6");
  EXPECT_EQ(look.look_title, "Average Elevation");
  ASSERT_TRUE(look.look_query);
  EXPECT_EQ(look.look_query->id, "148");
  ASSERT_EQ(d->filters.size(), 2u);
  EXPECT_EQ(d->filters[0].default_value, "1 years");
}

TEST(LookerContent, LooksQueriesMergesExploresConnections) {
  auto looks = parse_looks(R"([{"id":"31","title":"Customer orders","folder_id":"12","query_id":"202","deleted":false,"view_count":7}])");
  ASSERT_TRUE(looks);
  EXPECT_EQ((*looks)[0].query_id, "202");
  EXPECT_EQ((*looks)[0].usage.view_count, 7);

  auto q = parse_query(R"({"id":"209","model":"legacy","view":"events"})");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->explore, "events");
  EXPECT_FALSE(parse_query(R"({"id":"209"})"));

  auto m = parse_merge_query(R"({"id":"9001","source_queries":[{"name":"a","query_id":"201"},{"name":"b","query_id":"207"}]})");
  ASSERT_TRUE(m);
  EXPECT_THAT(m->query_ids, ElementsAre("201", "207"));

  const std::string body = R"({"name":"orders","model_name":"ecommerce","connection_name":"snow",
    "dialect_name":"snowflake","view_name":"orders","sql_table_name":"PUBLIC.ORDERS AS orders",
    "joins":[{"name":"returned_orders","from":"orders","sql_table_name":null},{"name":"shipments","from":null,"sql_table_name":"LOGISTICS.SHIPMENTS"}]})";
  auto x = parse_explore(body);
  ASSERT_TRUE(x);
  EXPECT_EQ(x->connection_name, "snow");
  EXPECT_EQ(x->sql_table_name, "PUBLIC.ORDERS AS orders");
  ASSERT_EQ(x->joins.size(), 2u);
  EXPECT_EQ(x->joins[0].from, "orders");
  EXPECT_EQ(x->joins[1].sql_table_name, "LOGISTICS.SHIPMENTS");
  EXPECT_EQ(x->fingerprint, fingerprint(body));
  EXPECT_NE(parse_explore(body + " ")->fingerprint, x->fingerprint);
  EXPECT_FALSE(parse_explore(R"({"name":"orders"})"));

  auto c = parse_connection(R"({"name":"snow","dialect":{"name":"snowflake"},"database":"ANALYTICS","schema":"PUBLIC","tmp_db_name":"LOOKER_SCRATCH"})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->dialect_name, "snowflake");
  EXPECT_EQ(c->tmp_db_name, "LOOKER_SCRATCH");
}

TEST(LookerContent, ErrorMessages) {
  EXPECT_EQ(error_message(R"({"message":"Not found","documentation_url":"http://docs.looker.com/"})"), "Not found");
  EXPECT_EQ(error_message("Bad Gateway\n"), "Bad Gateway ");
}

TEST(LookerContent, InlineQueryBodyAddsTheFilterDefaults) {
  QueryDef q{.id = "201", .model = "ecommerce", .explore = "orders",
             .fields = {"orders.status", "orders.count"}, .filters = {{"orders.status", "-NULL"}}};
  EXPECT_EQ(inline_query_body(q, {{"customers.region", "EMEA"}, {"orders.status", "open"}}),
            R"({"model":"ecommerce","view":"orders","fields":["orders.status","orders.count"],)"
            R"("filters":{"orders.status":"open","customers.region":"EMEA"}})");
}

}  // namespace
}  // namespace freshwatch::connectors::looker
