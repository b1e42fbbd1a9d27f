#include "engine/snapshot_builder.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace freshwatch::engine {
namespace {

using namespace std::chrono_literals;
using model::AssetKind;
using model::Status;

core::TimePoint at(std::string_view text) { return *core::parse_timestamp(text); }

model::Asset asset(std::string key, AssetKind kind, std::string parent, std::string connection) {
  model::Asset a;
  a.key = key;
  a.name = key.substr(key.find_last_of(":.") + 1);
  a.kind = kind;
  a.parent = std::move(parent);
  a.connection = std::move(connection);
  return a;
}

model::Observation obs(std::string key, std::string signal, std::optional<core::TimePoint> changed,
                       std::string error = "") {
  model::Observation o;
  o.asset_key = std::move(key);
  o.signal = std::move(signal);
  o.changed_at = changed;
  o.error = std::move(error);
  return o;
}

// A stand-in policy: fresh under an hour, warn under a day, error beyond; decided by the
// newest signal.
model::Evaluation judge(const model::Asset&, std::span<const model::Observation> observations,
                        core::TimePoint now) {
  model::Evaluation e;
  e.policy = "test";
  const model::Observation* best = nullptr;
  for (const auto& o : observations) {
    if (!o.ok()) {
      e.error = o.error;
      continue;
    }
    if (o.changed_at && (!best || *o.changed_at > *best->changed_at)) best = &o;
  }
  if (!best) return e;
  e.signal = best->signal;
  e.changed_at = best->changed_at;
  e.age = now - *best->changed_at;
  e.status = *e.age < 1h ? Status::kFresh : *e.age < 24h ? Status::kWarn : Status::kError;
  return e;
}

struct Fixture {
  core::TimePoint now = at("2024-05-10T12:00:00Z");
  std::vector<model::Asset> assets;
  ObservationsByAsset observations;
  std::vector<model::ConnectionState> connections;
  model::HistoryTable history{date::sys_days(date::year{2024} / 5 / 10) - date::days(299), 300};

  model::Snapshot build(int days = 90, const date::time_zone* zone = nullptr) {
    SnapshotInputs in;
    in.now = now;
    in.zone = zone;
    in.version = 7;
    in.history_days = days;
    const auto shared = model::share_assets(assets);
    in.assets = shared;
    in.observations = &observations;
    in.connections = connections;
    in.history = &history;
    in.evaluate = judge;
    return build_snapshot(in);
  }
};

Fixture warehouse() {
  Fixture f;
  f.assets = {
      asset("wh", AssetKind::kConnection, "", "wh"),
      asset("wh:main", AssetKind::kSchema, "wh", "wh"),
      asset("wh:main.c_old", AssetKind::kTable, "wh:main", "wh"),
      asset("wh:main.a_new", AssetKind::kTable, "wh:main", "wh"),
      asset("wh:main.b_mid", AssetKind::kTable, "wh:main", "wh"),
      asset("wh:main.d_none", AssetKind::kTable, "wh:main", "wh"),
      asset("lake", AssetKind::kConnection, "", "lake"),
      asset("lake:x.t", AssetKind::kTable, "lake", "lake"),
  };
  f.observations["wh:main.a_new"] = {obs("wh:main.a_new", "max(_loaded_at)", f.now - 10min)};
  f.observations["wh:main.b_mid"] = {obs("wh:main.b_mid", "max(_loaded_at)", f.now - 3h)};
  f.observations["wh:main.c_old"] = {obs("wh:main.c_old", "max(_loaded_at)", f.now - 72h)};
  f.observations["lake:x.t"] = {obs("lake:x.t", "s", f.now - 1min)};
  f.connections = {{.name = "wh", .type = "sqlite"}, {.name = "lake", .type = "sqlite"}};
  return f;
}

TEST(BuildSnapshot, LeavesJudgedContainersTakeTheWorstAndCount) {
  auto f = warehouse();
  const auto snap = f.build();
  EXPECT_EQ(snap.version, 7u);
  EXPECT_EQ(snap.generated_at, f.now);
  ASSERT_EQ(snap.assets.size(), 8u);
  EXPECT_TRUE(std::is_sorted(snap.assets.begin(), snap.assets.end(),
                             [](auto& a, auto& b) { return a.asset->key < b.asset->key; }));

  struct Row {
    const char* key;
    Status status;
    std::array<std::uint32_t, 4> counts;  // fresh, warn, error, unknown
  };
  const Row rows[] = {
      {"wh:main.a_new", Status::kFresh, {1, 0, 0, 0}},
      {"wh:main.b_mid", Status::kWarn, {0, 1, 0, 0}},
      {"wh:main.c_old", Status::kError, {0, 0, 1, 0}},
      {"wh:main.d_none", Status::kUnknown, {0, 0, 0, 1}},
      {"wh:main", Status::kError, {1, 1, 1, 1}},
      {"wh", Status::kError, {1, 1, 1, 1}},
      {"lake", Status::kFresh, {1, 0, 0, 0}},
  };
  for (const auto& row : rows) {
    const auto* s = snap.find(row.key);
    ASSERT_NE(s, nullptr) << row.key;
    EXPECT_EQ(s->evaluation.status, row.status) << row.key;
    EXPECT_EQ(s->counts.by_status, row.counts) << row.key;
  }
  EXPECT_EQ(snap.find("wh:main")->evaluation.reason, "1 error, 1 warn, 1 unknown of 4");
  EXPECT_EQ(snap.find("lake")->evaluation.reason, "all 1 fresh");
  EXPECT_EQ(snap.summary.by_status, (std::array<std::uint32_t, 4>{2, 1, 1, 1}));

  // Roots and children by name.
  ASSERT_EQ(snap.roots.size(), 2u);
  EXPECT_EQ(snap.assets[snap.roots[0]].asset->key, "lake");
  const auto& schema = *snap.find("wh:main");
  ASSERT_EQ(schema.children.size(), 4u);
  EXPECT_EQ(snap.assets[schema.children[0]].asset->name, "a_new");
  EXPECT_EQ(snap.assets[schema.children[3]].asset->name, "d_none");
  // Connection states count their leaves.
  EXPECT_EQ(snap.connections[0].asset_count, 4u);
  EXPECT_EQ(snap.connections[1].asset_count, 1u);
}

TEST(BuildSnapshot, FailedConnectionTurnsItsAssetsUnknownAndSparesOthers) {
  auto f = warehouse();
  f.connections[0].error = "cannot open SQLite database 'x.db': file is not a database";
  const auto snap = f.build();
  for (const char* key : {"wh:main.a_new", "wh:main.b_mid", "wh:main.c_old"}) {
    const auto& e = snap.find(key)->evaluation;
    EXPECT_EQ(e.status, Status::kUnknown) << key;
    EXPECT_EQ(e.error, f.connections[0].error) << key;
    EXPECT_NE(e.reason.find("collection failed"), std::string::npos);
    EXPECT_TRUE(e.changed_at) << "the last known change time stays visible";
  }
  EXPECT_EQ(snap.find("wh")->evaluation.status, Status::kUnknown);
  EXPECT_EQ(snap.find("lake:x.t")->evaluation.status, Status::kFresh);
}

TEST(BuildSnapshot, DecidingObservationComesFirst) {
  auto f = warehouse();
  f.observations["wh:main.a_new"] = {obs("wh:main.a_new", "older", f.now - 5h),
                                     obs("wh:main.a_new", "newer", f.now - 5min)};
  const auto snap = f.build();
  const auto& s = *snap.find("wh:main.a_new");
  EXPECT_EQ(s.evaluation.signal, "newer");
  ASSERT_EQ(s.observations.size(), 2u);
  EXPECT_EQ(s.observations[0].signal, "newer");
}

TEST(BuildSnapshot, SnapshotsShareTheObservationsTheyDoNotReorder) {
  auto f = warehouse();
  f.observations["wh:main.a_new"] = {obs("wh:main.a_new", "older", f.now - 5h),
                                     obs("wh:main.a_new", "newer", f.now - 5min)};
  const auto first = f.build();
  const auto second = f.build();
  const auto& kept = f.observations["wh:main.b_mid"];
  ASSERT_FALSE(kept.empty());
  EXPECT_EQ(&first.find("wh:main.b_mid")->observations[0], &kept[0]) << "shared with the input";
  EXPECT_EQ(&second.find("wh:main.b_mid")->observations[0], &kept[0]);
  // Reordered (the deciding signal first): an own copy; the input keeps its order.
  EXPECT_EQ(first.find("wh:main.a_new")->observations[0].signal, "newer");
  EXPECT_EQ(f.observations["wh:main.a_new"][0].signal, "older");
}

TEST(BuildSnapshot, HistoryHasOneCellPerDayAndMarksDaysWithoutData) {
  auto f = warehouse();
  const auto today = date::sys_days(date::year{2024} / 5 / 10);
  f.history.at("wh:main.a_new", today - date::days(3)) = {Status::kWarn, true};
  f.history.at("wh:main.a_new", today - date::days(200)) = {Status::kError, true};
  f.history.at("wh:main.a_new", today) = {Status::kError, true};
  const auto snap = f.build(10);
  const auto h = snap.history(*snap.find("wh:main.a_new"));
  ASSERT_EQ(h.size(), 10u);
  EXPECT_EQ(snap.today, today);
  for (int d = 0; d < 10; ++d) {
    SCOPED_TRACE(d);
    if (d == 6) {
      EXPECT_TRUE(h[d].has_data);
      EXPECT_EQ(h[d].worst, Status::kWarn);
    } else if (d < 9) {
      EXPECT_FALSE(h[d].has_data);
    }
  }
  // Today: the stored worst (error earlier today) wins over the current fresh.
  EXPECT_TRUE(h.back().has_data);
  EXPECT_EQ(h.back().worst, Status::kError);
  // Without a stored cell, today shows the current status.
  EXPECT_EQ(snap.history(*snap.find("wh:main.b_mid")).back().worst, Status::kWarn);
  EXPECT_FALSE(snap.history(*snap.find("wh:main.b_mid"))[0].has_data);
  // Containers aggregate their children's days when nothing is stored for them.
  const auto schema = snap.history(*snap.find("wh:main"));
  EXPECT_TRUE(schema[6].has_data);
  EXPECT_EQ(schema[6].worst, Status::kWarn);
  EXPECT_FALSE(schema[5].has_data);
  EXPECT_EQ(snap.history(*snap.find("wh"))[6].worst, Status::kWarn);
}

TEST(BuildSnapshot, TodayFollowsTheConfiguredTimeZone) {
  auto zone = core::find_zone("Europe/Berlin");
  ASSERT_TRUE(zone);
  struct Case {
    const char* now;
    date::sys_days berlin;
  };
  const Case cases[] = {
      {"2024-05-10T21:59:59Z", date::year{2024} / 5 / 10},
      {"2024-05-10T22:00:00Z", date::year{2024} / 5 / 11},  // midnight CEST
      {"2024-01-10T22:59:59Z", date::year{2024} / 1 / 10},
      {"2024-01-10T23:00:00Z", date::year{2024} / 1 / 11},  // midnight CET
  };
  for (const auto& c : cases) {
    EXPECT_EQ(local_day(at(c.now), *zone), c.berlin) << c.now;
  }
  EXPECT_EQ(local_day(at("2024-05-10T23:00:00Z"), nullptr), date::year{2024} / 5 / 10);
}

TEST(BuildSnapshot, ParentCyclesAndOrphansDoNotHang) {
  Fixture f;
  f.assets = {asset("a:x", AssetKind::kFolder, "a:y", "a"), asset("a:y", AssetKind::kFolder, "a:x", "a"),
              asset("a:orphan", AssetKind::kTable, "a:missing", "a")};
  const auto snap = f.build(3);
  EXPECT_EQ(snap.assets.size(), 3u);
  ASSERT_NE(snap.find("a:orphan"), nullptr);
  EXPECT_EQ(snap.find("a:orphan")->evaluation.status, Status::kUnknown);
  EXPECT_EQ(snap.summary.total(), 1u);
  bool orphan_is_root = false;
  for (auto r : snap.roots) orphan_is_root |= snap.assets[r].asset->key == "a:orphan";
  EXPECT_TRUE(orphan_is_root);
}

TEST(BuildSnapshot, EmptyInputs) {
  Fixture f;
  const auto snap = f.build();
  EXPECT_TRUE(snap.assets.empty());
  EXPECT_EQ(snap.summary.total(), 0u);
}

// A dbt project over the warehouse: the dbt source is the warehouse's table, which carries both
// signals; lineage through it names the stale table as the root cause of the exposure.
TEST(BuildSnapshot, IdentityMergingAndLineage) {
  Fixture f;
  auto table = asset("wh:main.orders", AssetKind::kTable, "wh:main", "wh");
  table.relation = "main.orders";
  auto source = asset("dbt:source.shop.raw.orders", AssetKind::kSource, "dbt:shop/shop/models", "dbt");
  source.relation = "main.orders";
  source.owner = "data-eng";
  auto stg = asset("dbt:model.shop.stg_orders", AssetKind::kModel, "dbt:shop/shop/models", "dbt");
  auto exposure = asset("dbt:exposure.shop.revenue", AssetKind::kExposure, "dbt:shop/shop/models", "dbt");
  f.assets = {asset("wh", AssetKind::kConnection, "", "wh"),
              asset("wh:main", AssetKind::kSchema, "wh", "wh"),
              table,
              asset("dbt", AssetKind::kConnection, "", "dbt"),
              asset("dbt:shop/shop/models", AssetKind::kFolder, "dbt", "dbt"),
              source,
              stg,
              exposure};
  f.observations["wh:main.orders"] = {obs("wh:main.orders", "max(_loaded_at)", f.now - 30h)};
  f.observations["dbt:source.shop.raw.orders"] = {
      obs("dbt:source.shop.raw.orders", "dbt_source_freshness", f.now - 31h)};
  f.observations["dbt:model.shop.stg_orders"] = {obs("dbt:model.shop.stg_orders", "dbt_run", f.now - 2h)};
  f.observations["dbt:exposure.shop.revenue"] = {obs("dbt:exposure.shop.revenue", "dbt_upstream", f.now - 2h)};
  f.connections = {{.name = "wh", .type = "sqlite"}, {.name = "dbt", .type = "dbt"}};
  std::vector<model::Edge> edges = {{"dbt:source.shop.raw.orders", "dbt:model.shop.stg_orders"},
                                    {"dbt:model.shop.stg_orders", "dbt:exposure.shop.revenue"}};
  SnapshotInputs in;
  in.now = f.now;
  const auto shared = model::share_assets(f.assets);
  in.assets = shared;
  in.observations = &f.observations;
  in.connections = f.connections;
  in.edges = edges;
  in.evaluate = judge;
  auto snap = build_snapshot(in);

  EXPECT_EQ(snap.assets.size(), 7u);  // the source merged into the table
  const auto* t = snap.find("wh:main.orders");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(snap.find("dbt:source.shop.raw.orders"), t);  // the alias resolves
  EXPECT_EQ(t->asset->owner, "data-eng");
  ASSERT_EQ(t->observations.size(), 2u);  // both signals
  EXPECT_EQ(t->observations[1].asset_key, "wh:main.orders");
  EXPECT_EQ(t->evaluation.signal, "max(_loaded_at)");  // the newer one decided
  EXPECT_EQ(t->evaluation.status, Status::kError);
  // The dbt folder still lists the table.
  const auto* folder = snap.find("dbt:shop/shop/models");
  ASSERT_NE(folder, nullptr);
  bool listed = false;
  for (auto c : folder->children) listed |= snap.assets[c].asset->key == "wh:main.orders";
  EXPECT_TRUE(listed);
  EXPECT_EQ(folder->evaluation.status, Status::kError);
  // Edges use the table's key; impact and root causes follow them.
  EXPECT_EQ(snap.edges[0], (model::Edge{"wh:main.orders", "dbt:model.shop.stg_orders"}));
  const auto* revenue = snap.find("dbt:exposure.shop.revenue");
  // The exposure is judged on its data time: its model ran 2 h ago, but from the table loaded
  // 30 h ago. (Judged on its own 2 h old signal it was warn here, and the demo's dashboard was
  // "fresh, impacted": the wrong answer for a consumer that shows 30 h old data.)
  EXPECT_EQ(revenue->evaluation.status, Status::kError);
  EXPECT_EQ(revenue->evaluation.signal, "data_time");
  EXPECT_EQ(revenue->data_time, f.now - 30h);
  EXPECT_EQ(revenue->data_time_from, "wh:main.orders");
  EXPECT_EQ(snap.find("dbt:model.shop.stg_orders")->evaluation.status, Status::kWarn)
      << "a model keeps its own status";
  EXPECT_EQ(snap.find("dbt:model.shop.stg_orders")->data_time, f.now - 30h);
  EXPECT_TRUE(revenue->impacted);
  EXPECT_EQ(revenue->root_causes, std::vector<std::string>{"wh:main.orders"});
  EXPECT_FALSE(t->impacted);
  EXPECT_EQ(snap.summary.total(), 3u);

  // A layout made once gives, at a later moment, the same snapshot as a build that makes its
  // own (the engine reuses one between collection runs).
  const auto layout = make_layout(shared, edges, &f.observations);
  for (auto later : {f.now, f.now + 20h}) {
    in.now = later;
    in.layout = nullptr;
    const auto fresh = build_snapshot(in);
    in.layout = layout.get();
    const auto reused = build_snapshot(in);
    ASSERT_EQ(reused.assets.size(), fresh.assets.size());
    for (std::size_t i = 0; i < fresh.assets.size(); ++i) {
      const auto& a = fresh.assets[i];
      const auto& b = reused.assets[i];
      EXPECT_EQ(a.asset->key, b.asset->key);
      EXPECT_EQ(a.evaluation, b.evaluation) << a.asset->key;
      EXPECT_EQ(a.observations, b.observations) << a.asset->key;
      EXPECT_EQ(a.counts.by_status, b.counts.by_status);
      EXPECT_EQ(a.children, b.children);
      EXPECT_EQ(a.impacted, b.impacted);
      EXPECT_EQ(a.root_causes, b.root_causes);
      EXPECT_EQ(a.data_time, b.data_time);
      EXPECT_EQ(a.data_time_from, b.data_time_from);
    }
    EXPECT_EQ(reused.roots, fresh.roots);
    EXPECT_EQ(reused.edges, fresh.edges);
    EXPECT_EQ(reused.aliases, fresh.aliases);
    EXPECT_EQ(reused.summary.by_status, fresh.summary.by_status);
  }
  EXPECT_EQ(layout->nodes.size(), 7u);
}

TEST(ContainerReason, Phrases) {
  model::StatusCounts c;
  EXPECT_EQ(container_reason(c), "nothing collected below");
  c[Status::kFresh] = 3;
  EXPECT_EQ(container_reason(c), "all 3 fresh");
  c[Status::kError] = 2;
  EXPECT_EQ(container_reason(c), "2 error of 5");
}

}  // namespace
}  // namespace freshwatch::engine

namespace freshwatch::engine {
namespace {

TEST(BuildSnapshot, LineageMarksImpactAndRootCauses) {
  auto f = warehouse();
  // c_old (error) feeds a_new (fresh), which feeds lake:x.t.
  std::vector<model::Edge> edges = {{"wh:main.c_old", "wh:main.a_new"},
                                    {"wh:main.a_new", "lake:x.t"}};
  SnapshotInputs in;
  in.now = f.now;
  const auto shared = model::share_assets(f.assets);
  in.assets = shared;
  in.observations = &f.observations;
  in.connections = f.connections;
  in.edges = edges;
  in.evaluate = judge;
  const auto snap = build_snapshot(in);
  EXPECT_FALSE(snap.find("wh:main.c_old")->impacted);
  EXPECT_TRUE(snap.find("wh:main.a_new")->impacted);
  EXPECT_EQ(snap.find("wh:main.a_new")->evaluation.status, Status::kFresh) << "own status kept";
  EXPECT_TRUE(snap.find("lake:x.t")->impacted);
  EXPECT_EQ(snap.find("lake:x.t")->root_causes, std::vector<std::string>{"wh:main.c_old"});
  EXPECT_FALSE(snap.find("wh:main.b_mid")->impacted);
  EXPECT_EQ(snap.edges.size(), 2u);
}

}  // namespace
}  // namespace freshwatch::engine

namespace freshwatch::engine {
namespace {

// A BI connection over the warehouse and dbt: folders, dashboards (containers) with tiles, a
// Look, and a dbt exposure, linked by lineage to the tables they read.
struct Bi {
  Fixture f;
  std::vector<model::Edge> edges;

  Bi() {
    f.assets = {asset("wh", AssetKind::kConnection, "", "wh"),
                asset("wh:s", AssetKind::kSchema, "wh", "wh"),
                asset("wh:s.raw", AssetKind::kTable, "wh:s", "wh"),
                asset("wh:s.orders", AssetKind::kTable, "wh:s", "wh"),
                asset("wh:s.fresh", AssetKind::kTable, "wh:s", "wh"),
                asset("wh:s.empty", AssetKind::kTable, "wh:s", "wh"),
                asset("lk", AssetKind::kConnection, "", "lk"),
                asset("lk:f", AssetKind::kFolder, "lk", "lk"),
                asset("lk:d", AssetKind::kDashboard, "lk:f", "lk"),
                asset("lk:d.t1", AssetKind::kTile, "lk:d", "lk"),
                asset("lk:d.t2", AssetKind::kTile, "lk:d", "lk"),
                asset("lk:d.t3", AssetKind::kTile, "lk:d", "lk"),
                asset("lk:d.t4", AssetKind::kTile, "lk:d", "lk"),
                asset("lk:look", AssetKind::kLook, "lk:f", "lk"),
                asset("lk:lonely", AssetKind::kLook, "lk:f", "lk")};
    f.observations["wh:s.raw"] = {obs("wh:s.raw", "max(_loaded_at)", f.now - 96h)};
    f.observations["wh:s.orders"] = {obs("wh:s.orders", "max(_loaded_at)", f.now - 30min)};
    f.observations["wh:s.fresh"] = {obs("wh:s.fresh", "max(_loaded_at)", f.now - 10min)};
    f.observations["wh:s.empty"] = {obs("wh:s.empty", "max(_loaded_at)", std::nullopt)};
    f.observations["lk:lonely"] = {obs("lk:lonely", "own", f.now - 2h)};
    f.connections = {{.name = "wh", .type = "sqlite"}, {.name = "lk", .type = "looker"}};
    edges = {{"wh:s.raw", "wh:s.orders"},  // orders is rebuilt from raw
             {"wh:s.orders", "lk:d.t1", "view orders"},
             {"wh:s.fresh", "lk:d.t2", "view fresh"},
             {"wh:s.empty", "lk:d.t3", "explore-level"},
             {"wh:s.fresh", "lk:d.t3", "explore-level"},
             {"wh:s.gone", "lk:d.t4"},
             {"wh:s.fresh", "lk:look"}};
  }

  model::Snapshot build() {
    SnapshotInputs in;
    in.now = f.now;
    const auto shared = model::share_assets(f.assets);
  in.assets = shared;
    in.observations = &f.observations;
    in.connections = f.connections;
    in.edges = edges;
    in.evaluate = judge;
    return build_snapshot(in);
  }
};

TEST(BuildSnapshotDataTime, ConsumersAreJudgedOnTheOldestDataFlowingIntoThem) {
  Bi bi;
  const auto snap = bi.build();
  struct Row {
    const char* key;
    Status status;
    std::optional<core::Duration> data_age;  // now - data_time
    const char* from;
    const char* signal;
  };
  using std::nullopt;
  const Row rows[] = {
      // Tables keep their own status beside their data time.
      {"wh:s.raw", Status::kError, 96h, "wh:s.raw", "max(_loaded_at)"},
      {"wh:s.orders", Status::kFresh, 96h, "wh:s.raw", "max(_loaded_at)"},
      {"wh:s.fresh", Status::kFresh, 10min, "wh:s.fresh", "max(_loaded_at)"},
      {"wh:s.empty", Status::kUnknown, nullopt, "wh:s.empty", ""},
      // A tile over a table rebuilt half an hour ago from four-day-old data is error.
      {"lk:d.t1", Status::kError, 96h, "wh:s.raw", "data_time"},
      {"lk:d.t2", Status::kFresh, 10min, "wh:s.fresh", "data_time"},
      // An input without a data time: unknown, naming it.
      {"lk:d.t3", Status::kUnknown, nullopt, "wh:s.empty", ""},
      {"lk:d.t4", Status::kUnknown, nullopt, "wh:s.gone", ""},
      {"lk:look", Status::kFresh, 10min, "wh:s.fresh", "data_time"},
      // A consumer without inputs is judged on its own signal.
      {"lk:lonely", Status::kWarn, 2h, "lk:lonely", "own"},
      // Containers roll up their children: worst status, oldest data time.
      {"lk:d", Status::kError, 96h, "wh:s.raw", ""},
      {"lk:f", Status::kError, 96h, "wh:s.raw", ""},
      {"wh:s", Status::kError, 96h, "wh:s.raw", ""},
  };
  for (const auto& r : rows) {
    const auto* s = snap.find(r.key);
    ASSERT_NE(s, nullptr) << r.key;
    EXPECT_EQ(s->evaluation.status, r.status) << r.key << ": " << s->evaluation.reason;
    EXPECT_EQ(s->data_time, r.data_age ? std::optional(bi.f.now - *r.data_age) : nullopt) << r.key;
    EXPECT_EQ(s->data_time_from, r.from) << r.key;
    EXPECT_EQ(s->evaluation.signal, r.signal) << r.key;
  }
  const auto* t1 = snap.find("lk:d.t1");
  ASSERT_FALSE(t1->observations.empty());
  EXPECT_EQ(t1->observations[0].signal, "data_time");
  EXPECT_EQ(t1->observations[0].evidence, "oldest input: wh:s.raw, changed 2024-05-06T12:00:00Z");
  EXPECT_EQ(t1->evaluation.changed_at, bi.f.now - 96h);
  EXPECT_EQ(t1->evaluation.reason, "oldest data from wh:s.raw");
  EXPECT_EQ(snap.find("lk:d.t3")->evaluation.reason,
            "data time unknown: input wh:s.empty has no change time");
  EXPECT_EQ(snap.find("lk:d.t4")->evaluation.reason,
            "data time unknown: input wh:s.gone is not a known asset");
  EXPECT_EQ(snap.find("lk:d.t3")->evaluation.policy, "test");
  const auto* dashboard = snap.find("lk:d");
  EXPECT_EQ(dashboard->counts[Status::kError], 1u);
  EXPECT_EQ(dashboard->counts[Status::kFresh], 1u);
  EXPECT_EQ(dashboard->counts[Status::kUnknown], 2u);
  EXPECT_EQ(dashboard->evaluation.reason, "1 error, 2 unknown of 4");
  // Root causes stay where they are: the stale table at the root.
  EXPECT_EQ(t1->root_causes, std::vector<std::string>{"wh:s.raw"});
  EXPECT_TRUE(snap.find("wh:s.orders")->impacted);
  // Edges keep how they are known.
  bool labelled = false;
  for (const auto& e : snap.edges) labelled |= e.downstream == "lk:d.t1" && e.via == "view orders";
  EXPECT_TRUE(labelled);
}

TEST(BuildSnapshotDataTime, AFailedCollectionLeavesItsConsumersWithoutADataTime) {
  Bi bi;
  bi.f.connections[0].error = "connection refused";
  auto snap = bi.build();
  const auto* t2 = snap.find("lk:d.t2");
  EXPECT_EQ(t2->evaluation.status, Status::kUnknown);
  EXPECT_EQ(t2->data_time, std::nullopt);
  EXPECT_EQ(t2->evaluation.reason,
            "data time unknown: input wh:s.fresh has no change time (collection failed: "
            "connection refused)");
  EXPECT_EQ(snap.find("wh:s.fresh")->evaluation.status, Status::kUnknown);
  EXPECT_EQ(snap.find("wh:s.fresh")->data_time, std::nullopt);

  // The BI connection's own failure makes its consumers unknown with its error, data time kept.
  Bi down;
  down.f.connections[1].error = "401 Unauthorized";
  snap = down.build();
  t2 = snap.find("lk:d.t2");
  EXPECT_EQ(t2->evaluation.status, Status::kUnknown);
  EXPECT_EQ(t2->evaluation.error, "401 Unauthorized");
  EXPECT_EQ(t2->evaluation.reason, "collection failed: 401 Unauthorized");
  EXPECT_EQ(t2->data_time, down.f.now - 10min);
}

TEST(BuildSnapshotDataTime, AConsumersOwnSignalDecidesWhenItIsTheOldest) {
  Bi bi;
  bi.f.observations["lk:look"] = {obs("lk:look", "own", bi.f.now - 3h)};
  const auto snap = bi.build();
  const auto* look = snap.find("lk:look");
  EXPECT_EQ(look->data_time, bi.f.now - 3h);
  EXPECT_EQ(look->data_time_from, "lk:look");
  EXPECT_EQ(look->evaluation.signal, "own");
  EXPECT_EQ(look->evaluation.status, Status::kWarn);
}

TEST(BuildSnapshotDataTime, CyclesTakeTheOldestOverTheComponentAndTerminate) {
  Bi bi;
  bi.edges = {{"wh:s.orders", "wh:s.fresh"}, {"wh:s.fresh", "wh:s.orders"},
              {"wh:s.raw", "wh:s.orders"}, {"wh:s.fresh", "lk:look"}};
  const auto snap = bi.build();
  EXPECT_EQ(snap.find("wh:s.fresh")->data_time, bi.f.now - 96h);
  EXPECT_EQ(snap.find("wh:s.fresh")->data_time_from, "wh:s.raw");
  EXPECT_EQ(snap.find("lk:look")->evaluation.status, Status::kError);
  bi.edges = {{"wh:s.orders", "wh:s.fresh"}, {"wh:s.fresh", "wh:s.orders"},
              {"wh:s.fresh", "lk:look"}};
  const auto alone = bi.build();
  EXPECT_EQ(alone.find("lk:look")->data_time, bi.f.now - 30min);
  EXPECT_EQ(alone.find("lk:look")->data_time_from, "wh:s.orders");
}

TEST(BuildSnapshotDataTime, ADashboardItsSourceCouldNotReadIsUnknownWithItsErrorAndKeepsItsTiles) {
  Bi bi;
  bi.f.observations["lk:d"] = {
      obs("lk:d", "looker", std::nullopt, "could not read dashboard d: 500 Internal Server Error")};
  auto snap = bi.build();
  const auto* dashboard = snap.find("lk:d");
  // Unknown at least: its kept tiles may be worse (t1 is error), and they stay as last read.
  EXPECT_EQ(dashboard->evaluation.status, Status::kError);
  EXPECT_EQ(dashboard->evaluation.error, "could not read dashboard d: 500 Internal Server Error");
  EXPECT_EQ(dashboard->evaluation.reason, "1 error, 2 unknown of 4");
  EXPECT_EQ(dashboard->counts.total(), 4u);
  EXPECT_EQ(snap.find("lk:d.t2")->evaluation.status, Status::kFresh);

  // Over fresh tiles only, the failure shows as unknown, not fresh.
  bi.edges = {{"wh:s.fresh", "lk:d.t1"}, {"wh:s.fresh", "lk:d.t2"}, {"wh:s.fresh", "lk:d.t3"},
              {"wh:s.fresh", "lk:d.t4"}};
  snap = bi.build();
  EXPECT_EQ(snap.find("lk:d")->evaluation.status, Status::kUnknown);

  // A later reading without an error clears it.
  bi.f.observations["lk:d"] = {obs("lk:d", "looker", std::nullopt)};
  snap = bi.build();
  EXPECT_EQ(snap.find("lk:d")->evaluation.status, Status::kFresh);
  EXPECT_EQ(snap.find("lk:d")->evaluation.error, "");
}

TEST(BuildSnapshotDataTime, AConsumerNotReadAgainIsJudgedOnItsLastLineageAndSaysSo) {
  Bi bi;
  bi.f.observations["lk:d.t1"] = {
      obs("lk:d.t1", "looker", std::nullopt, "query 7 not traced: 503 Service Unavailable")};
  const auto snap = bi.build();
  const auto* t1 = snap.find("lk:d.t1");
  EXPECT_EQ(t1->evaluation.status, Status::kError);
  EXPECT_EQ(t1->evaluation.signal, "data_time");
  EXPECT_EQ(t1->evaluation.reason,
            "oldest data from wh:s.raw; lineage as last read (query 7 not traced: 503 Service "
            "Unavailable)");
  EXPECT_EQ(t1->data_time_from, "wh:s.raw");
}

}  // namespace
}  // namespace freshwatch::engine
