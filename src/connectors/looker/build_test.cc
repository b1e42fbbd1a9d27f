// From what was read to assets, edges and observations: keys, the hierarchy, what is left out,
// what a failed part keeps from the last run, and when an observation is said.
#include "connectors/looker/build.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/time.h"

namespace freshwatch::connectors::looker {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

const core::TimePoint kNow = *core::parse_timestamp("2026-11-26T10:00:00Z");

QueryDef def(std::string id) {
  return {.id = id, .model = "ecommerce", .explore = "orders", .fields = {"orders.count"}};
}

Element query_tile(std::string id, std::string query, std::string title = "Tile") {
  Element e;
  e.id = std::move(id);
  e.type = "vis";
  e.title = std::move(title);
  e.query_id = query;
  e.query = def(query);
  return e;
}

Trace trace(std::vector<TracedTable> tables, std::string connection = "snow") {
  Trace t;
  t.connection = std::move(connection);
  t.tables = std::move(tables);
  return t;
}

struct Fixture {
  Content content;
  BuildOptions options;

  Fixture() {
    options.connection.name = "lk";
    options.connection.owner = "bi";
    options.base_url = "https://acme.looker.com";
    options.warehouses = {{"snow", "snowflake"}};
    content.folders = {{"1", "Shared", "", false, false},
                       {"2", "Users", "", false, true},
                       {"3", "Ada", "2", true, false},
                       {"4", "Sales", "1", false, false},
                       {"5", "Below Ada", "3", false, false}};
    content.dashboards = {
        {.id = "7", .title = "Sales", .folder_id = "4", .usage = {.view_count = 3}},
        {.id = "8", .title = "Ada's", .folder_id = "5"}};
    Dashboard d{.id = "7", .title = "Sales", .folder_id = "4"};
    d.elements = {query_tile("71", "201", "Orders"), query_tile("72", "202", "")};
    d.elements.push_back(Element{.id = "73", .title = "Read me", .type = "text"});
    content.details.emplace("7", d);
    content.looks = {{.id = "31", .title = "Customers", .folder_id = "4", .query_id = "202"}};
    content.lineage["query:201"] = {trace({{"ANALYTICS.PUBLIC.ORDERS", "view orders"}}), {}};
    content.lineage["query:202"] = {trace({{"ANALYTICS.PUBLIC.ORDERS", "view orders"},
                                           {"ANALYTICS.RAW.Customers", "view customers"}}),
                                    {}};
  }

  // `known`: what the engine would hand on after a run that returned it.
  Collection run(const Collection* known = nullptr, const PreviousObservations& previous = {}) {
    std::optional<KnownCollection> held;
    if (known) held = KnownCollection{model::share_assets(known->assets), known->edges};
    return build(content, options, kNow, held ? &*held : nullptr, previous);
  }
};

const model::Asset* find(const Collection& c, const std::string& key) {
  for (const auto& a : c.assets)
    if (a.key == key) return &a;
  return nullptr;
}

std::vector<std::string> keys(const Collection& c) {
  std::vector<std::string> out;
  for (const auto& a : c.assets) out.push_back(a.key);
  return out;
}

std::vector<std::string> edges(const Collection& c) {
  std::vector<std::string> out;
  for (const auto& e : c.edges)
    out.push_back(e.upstream + " -> " + e.downstream + " (" + e.via + ")");
  return out;
}

TEST(LookerBuild, KeysHierarchyAndLineage) {
  Fixture f;
  Collection c = f.run();
  EXPECT_THAT(keys(c),
              UnorderedElementsAre("lk", "lk:folder/1", "lk:folder/4", "lk:dashboard/7",
                                   "lk:dashboard/7/tile/71", "lk:dashboard/7/tile/72", "lk:look/31",
                                   "lk:connection/snow", "lk:table/snow/ANALYTICS.PUBLIC.ORDERS",
                                   "lk:table/snow/ANALYTICS.RAW.Customers"));
  EXPECT_EQ(find(c, "lk")->url, "https://acme.looker.com");
  EXPECT_EQ(find(c, "lk:folder/4")->parent, "lk:folder/1");
  EXPECT_EQ(find(c, "lk:folder/1")->parent, "lk");
  const auto* d = find(c, "lk:dashboard/7");
  EXPECT_EQ(d->parent, "lk:folder/4");
  EXPECT_EQ(d->url, "https://acme.looker.com/dashboards/7");
  EXPECT_EQ(d->usage->view_count, 3);
  EXPECT_EQ(d->owner, "bi");
  EXPECT_EQ(find(c, "lk:dashboard/7/tile/72")->name, "orders query 202");
  EXPECT_EQ(find(c, "lk:look/31")->url, "https://acme.looker.com/looks/31");
  const auto* t = find(c, "lk:table/snow/ANALYTICS.RAW.Customers");
  EXPECT_EQ(t->relation, "ANALYTICS.RAW.Customers");
  EXPECT_EQ(t->name, "Customers");
  EXPECT_EQ(t->parent, "lk:connection/snow");
  EXPECT_EQ(find(c, "lk:connection/snow")->kind, model::AssetKind::kDatabase);
  EXPECT_THAT(
      edges(c),
      UnorderedElementsAre(
          "lk:table/snow/ANALYTICS.PUBLIC.ORDERS -> lk:dashboard/7/tile/71 (view orders)",
          "lk:table/snow/ANALYTICS.PUBLIC.ORDERS -> lk:dashboard/7/tile/72 (view orders)",
          "lk:table/snow/ANALYTICS.RAW.Customers -> lk:dashboard/7/tile/72 (view customers)",
          "lk:table/snow/ANALYTICS.PUBLIC.ORDERS -> lk:look/31 (view orders)",
          "lk:table/snow/ANALYTICS.RAW.Customers -> lk:look/31 (view customers)"));
  EXPECT_THAT(c.observations, IsEmpty()) << "exact lineage and no errors: nothing to say";
}

TEST(LookerBuild, PersonalContentIsIncludedOnlyWhenAsked) {
  EXPECT_THAT(excluded_folders(Fixture().content.folders, false),
              UnorderedElementsAre("2", "3", "5"));
  EXPECT_THAT(excluded_folders(Fixture().content.folders, true), IsEmpty());
  Fixture f;
  f.options.include_personal = true;
  f.content.details.emplace("8", Dashboard{.id = "8", .title = "Ada's", .folder_id = "5"});
  Collection c = f.run();
  EXPECT_EQ(find(c, "lk:dashboard/8")->parent, "lk:folder/5");
  EXPECT_EQ(find(c, "lk:folder/5")->parent, "lk:folder/3");
}

TEST(LookerBuild, ElementSources) {
  Dashboard d{.id = "7", .filters = {{"Region", "EMEA"}, {"Empty", ""}}};
  Element e = query_tile("71", "201");
  e.listens = {{"Region", "customers.region"}, {"Empty", "orders.status"}, {"Other", "x.y"}};
  Sources s = element_sources(d, e, {});
  ASSERT_EQ(s.sources.size(), 1u);
  EXPECT_THAT(s.sources[0].filters,
              ElementsAre(std::pair<std::string, std::string>("customers.region", "EMEA")));
  EXPECT_THAT(s.sources[0].key, HasSubstr("query:201;filters:"));
  e.listens.clear();
  EXPECT_EQ(element_sources(d, e, {}).sources[0].key, "query:201");

  Element look{.id = "74", .look_id = "31", .look_query = def("202")};
  EXPECT_EQ(element_sources(d, look, {}).sources[0].key, "query:202");

  std::map<std::string, Result<MergeQuery>> merges;
  merges.emplace("9001", MergeQuery{"9001", {"201", "207"}});
  merges.emplace("9002", fail(ErrorCode::kUnavailable, "HTTP 500"));
  Element merged{.id = "75", .merge_result_id = "9001"};
  Sources m = element_sources(d, merged, merges);
  ASSERT_EQ(m.sources.size(), 2u);
  EXPECT_EQ(m.sources[1].key, "query:207");
  merged.merge_result_id = "9002";
  EXPECT_THAT(element_sources(d, merged, merges).error, HasSubstr("HTTP 500"));

  EXPECT_FALSE(element_sources(d, Element{.id = "73", .type = "text"}, {}).data);
  EXPECT_TRUE(element_sources(d, Element{.id = "76", .sql_query_id = "x"}, {}).data);
}

TEST(LookerBuild, ADashboardThatCouldNotBeReadKeepsItsKnownTiles) {
  Fixture f;
  const Collection known = f.run();
  f.content.details.clear();
  f.content.details.emplace("7", fail(ErrorCode::kUnavailable, "Looker answered HTTP 500"));
  f.content.looks.clear();
  Collection c = f.run(&known);
  EXPECT_TRUE(find(c, "lk:dashboard/7/tile/71"));
  EXPECT_TRUE(find(c, "lk:dashboard/7/tile/72"));
  EXPECT_TRUE(find(c, "lk:table/snow/ANALYTICS.RAW.Customers"));
  EXPECT_EQ(c.edges.size(), 3u);
  ASSERT_EQ(c.observations.size(), 1u);
  EXPECT_EQ(c.observations[0].asset_key, "lk:dashboard/7");
  EXPECT_EQ(c.observations[0].signal, "looker");
  EXPECT_THAT(c.observations[0].error, HasSubstr("HTTP 500"));
  EXPECT_THAT(c.observations[0].error, HasSubstr("kept as last read"));
  EXPECT_EQ(c.observations[0].observed_at, kNow);

  // Once it is read again, its error is replaced by a clean observation, then nothing.
  PreviousObservations previous;
  previous.add(c.observations[0]);
  Fixture again;
  Collection fixed = again.run(&c, previous);
  ASSERT_EQ(fixed.observations.size(), 1u);
  EXPECT_TRUE(fixed.observations[0].ok());
  EXPECT_TRUE(fixed.observations[0].evidence.empty());
  PreviousObservations clean;
  clean.add(fixed.observations[0]);
  EXPECT_THAT(again.run(&fixed, clean).observations, IsEmpty());
}

TEST(LookerBuild, AQueryThatCouldNotBeTracedKeepsItsKnownLineage) {
  Fixture f;
  const Collection known = f.run();
  f.content.lineage["query:202"] = {std::nullopt, "could not read the SQL of query 202: HTTP 500"};
  Collection c = f.run(&known);
  EXPECT_EQ(edges(c), edges(known));
  std::vector<std::string> errors;
  for (const auto& o : c.observations) errors.push_back(o.asset_key + ": " + o.error);
  EXPECT_THAT(errors, UnorderedElementsAre(
                          "lk:dashboard/7/tile/72: could not read the SQL of query 202: HTTP 500",
                          "lk:look/31: could not read the SQL of query 202: HTTP 500"));
}

TEST(LookerBuild, NotesOnLineageThatIsNotExact) {
  Fixture f;
  Trace pdt = trace({{"ANALYTICS.PUBLIC.ORDERS", "view orders"}});
  pdt.pdts = {{"user_facts", "LOOKER_SCRATCH.LR$X_user_facts"}};
  pdt.notes = {"reads the persistent derived table of view user_facts"};
  f.content.lineage["query:201"] = {pdt, {}};
  f.content.lineage["query:202"] = {trace({{"legacy_db.events", "view events"}}, "legacy"), {}};
  Collection c = f.run();
  const auto* p = find(c, "lk:pdt/snow/user_facts");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, model::AssetKind::kView);
  EXPECT_TRUE(p->relation.empty());
  EXPECT_THAT(edges(c), ::testing::Contains(
                            "lk:pdt/snow/user_facts -> lk:dashboard/7/tile/71 (pdt user_facts)"));
  EXPECT_THAT(find(c, "lk:connection/legacy")->description, HasSubstr("no freshwatch connection"));
  std::map<std::string, std::string> evidence;
  for (const auto& o : c.observations) {
    EXPECT_TRUE(o.ok());
    EXPECT_FALSE(o.changed_at);
    evidence[o.asset_key] = o.evidence;
  }
  EXPECT_THAT(evidence["lk:dashboard/7/tile/71"], HasSubstr("persistent derived table"));
  EXPECT_THAT(evidence["lk:look/31"],
              HasSubstr("no configured connection monitors: legacy_db.events (Looker connection "
                        "'legacy' is not in `warehouses:`)"));
}

TEST(LookerBuild, SoftDeletedAndMissingFoldersAndMergeErrors) {
  Fixture f;
  f.content.dashboards.push_back({.id = "9", .title = "Gone", .folder_id = "4", .deleted = true});
  f.content.dashboards.push_back({.id = "11", .title = "Orphan", .folder_id = "999"});
  f.content.details.emplace(
      "11", Dashboard{.id = "11",
                      .title = "Orphan",
                      .folder_id = "999",
                      .elements = {Element{.id = "111", .title = "M", .merge_result_id = "9002"}}});
  f.content.merges.emplace("9002", fail(ErrorCode::kUnavailable, "HTTP 500"));
  f.content.looks.push_back(
      {.id = "32", .title = "Gone", .folder_id = "4", .query_id = "201", .deleted = true});
  Collection c = f.run();
  EXPECT_FALSE(find(c, "lk:dashboard/9"));
  EXPECT_FALSE(find(c, "lk:look/32"));
  EXPECT_EQ(find(c, "lk:dashboard/11")->parent, "lk") << "a folder that is not listed";
  bool merge_error = false;
  for (const auto& o : c.observations)
    if (o.asset_key == "lk:dashboard/11/tile/111")
      merge_error =
          o.error.find("could not read merged results 9002: HTTP 500") != std::string::npos;
  EXPECT_TRUE(merge_error);
}

}  // namespace
}  // namespace freshwatch::connectors::looker
