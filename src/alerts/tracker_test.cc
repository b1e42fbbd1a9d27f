#include "alerts/tracker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerts/test_util.h"
#include "lineage/propagate.h"
#include "lineage/root_paths.h"
#include "lineage/test_util.h"

namespace freshwatch::alerts {
namespace {

using namespace testing;  // NOLINT: the helpers of alerts/test_util.h
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr Status kFresh = Status::kFresh, kWarn = Status::kWarn, kError = Status::kError,
                 kUnknown = Status::kUnknown;

// One snapshot at a minute after kT0 and the events its step must produce.
struct Tick {
  int minute = 0;
  std::vector<AssetSpec> assets;
  std::vector<std::string> events;
};

struct Case {
  std::string name;
  TrackerOptions options;
  std::vector<Tick> ticks;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }


using std::chrono::hours;
using std::chrono::minutes;

// The usual shape: warehouse table w:a feeds dbt model d:m, which feeds exposure d:x.
std::vector<AssetSpec> chain(Status table, std::vector<std::string> model_causes = {"w:a"}) {
  const bool stale = table == kWarn || table == kError;
  return {
      {.key = "w:a", .status = table},
      {.key = "d:m", .status = stale ? table : kFresh, .causes = stale ? model_causes : std::vector<std::string>{},
       .kind = AssetKind::kModel},
      {.key = "d:x", .status = stale ? table : kFresh, .causes = stale ? model_causes : std::vector<std::string>{},
       .kind = AssetKind::kExposure, .data_time_from = "w:a"},
  };
}

const std::vector<Case> kCases = {
    {"fresh assets open nothing", {}, {{0, chain(kFresh), {}}}},
    {"a stale table opens one incident listing its impact",
     {},
     {{0, chain(kWarn), {"opened w:a warn 2"}}, {1, chain(kWarn), {}}}},
    {"worsening updates, improving short of fresh is silent",
     {},
     {{0, chain(kWarn), {"opened w:a warn 2"}},
      {1, chain(kError), {"updated w:a error 2"}},
      {2, chain(kWarn), {}},
      {3, chain(kError), {"updated w:a error 2"}}}},
    {"impact changes update",
     {},
     {{0, {{.key = "w:a", .status = kWarn}}, {"opened w:a warn 0"}},
      {1, chain(kWarn), {"updated w:a warn 2"}},
      {2, {{.key = "w:a", .status = kWarn}, {.key = "d:m", .status = kWarn, .causes = {"w:a"}, .kind = AssetKind::kModel}},
       {"updated w:a warn 1"}}}},
    {"fresh again resolves, stale again opens a new incident",
     {},
     {{0, chain(kError), {"opened w:a error 2"}},
      {5, chain(kFresh), {"resolved w:a fresh 2"}},
      {6, chain(kFresh), {}},
      {7, chain(kWarn), {"opened w:a warn 2"}}}},
    {"a status must hold min_duration to open",
     {.min_duration = minutes(10)},
     {{0, chain(kWarn), {}},
      {5, chain(kFresh), {}},
      {6, chain(kWarn), {}},
      {15, chain(kError), {}},
      {16, chain(kError), {"opened w:a error 2"}}}},
    {"fresh must hold min_duration to resolve",
     {.min_duration = minutes(10)},
     {{0, chain(kWarn), {}},
      {10, chain(kWarn), {"opened w:a warn 2"}},
      {11, chain(kFresh), {}},
      {15, chain(kWarn), {}},
      {16, chain(kFresh), {}},
      {25, chain(kFresh), {}},
      {26, chain(kFresh), {"resolved w:a fresh 2"}}}},
    {"worsening during min_duration is immediate once open",
     {.min_duration = minutes(10)},
     {{0, chain(kWarn), {}}, {10, chain(kWarn), {"opened w:a warn 2"}}, {11, chain(kError), {"updated w:a error 2"}}}},
    {"reminders every renotify_every",
     {.renotify_every = hours(4)},
     {{0, chain(kWarn), {"opened w:a warn 2"}},
      {239, chain(kWarn), {}},
      {240, chain(kWarn), {"reminder w:a warn 2"}},
      {300, chain(kError), {"updated w:a error 2"}},
      {479, chain(kError), {}},
      {540, chain(kError), {"reminder w:a error 2"}}}},
    {"zero renotify_every never reminds",
     {.renotify_every = {}},
     {{0, chain(kWarn), {"opened w:a warn 2"}}, {60 * 24 * 7, chain(kWarn), {}}}},
    {"unknown after a collection failure opens its own kind",
     {},
     {{0, {{.key = "w:a", .status = kUnknown, .error = "connection refused"},
           {.key = "t:t", .status = kUnknown, .kind = AssetKind::kTile, .data_time_from = "w:a", .data_time_known = false}},
       {"opened w:a unknown 1"}},
      {1, chain(kError), {"updated w:a error 2"}},
      {2, chain(kFresh), {"resolved w:a fresh 2"}}}},
    {"unknown without a collection error opens nothing",
     {},
     {{0, {{.key = "w:a", .status = kUnknown}}, {}}}},
    {"a stale root whose collection then fails stays open until fresh",
     {},
     {{0, chain(kWarn), {"opened w:a warn 2"}},
      {1, {{.key = "w:a", .status = kUnknown, .error = "timeout"}}, {"updated w:a unknown 0"}},
      {2, {{.key = "w:a", .status = kUnknown, .error = "timeout"}}, {}},
      {3, chain(kFresh), {"resolved w:a fresh 0"}}}},
    {"containers open incidents only where a read error comes from",
     {},
     {{0, {{.key = "w", .status = kError, .kind = AssetKind::kConnection},
           {.key = "w:db.s", .status = kError, .kind = AssetKind::kSchema, .parent = "w"},
           {.key = "l:d", .status = kError, .kind = AssetKind::kDashboard, .error = "dashboard not returned"}},
       {"opened l:d error 0"}}}},
    {"a failed connection is one incident, its assets and their consumers its impact",
     {},
     {{0, {{.key = "w", .status = kUnknown, .kind = AssetKind::kConnection, .error = "refused"},
           {.key = "w:db.s", .status = kUnknown, .kind = AssetKind::kSchema, .parent = "w", .error = "refused"},
           {.key = "w:db.s.a", .status = kUnknown, .parent = "w:db.s", .error = "refused"},
           {.key = "w:db.s.b", .status = kUnknown, .parent = "w:db.s", .error = "refused"},
           {.key = "l:t", .status = kUnknown, .kind = AssetKind::kTile, .data_time_from = "w:db.s.a",
            .data_time_known = false}},
       {"opened w unknown 3"}},
      {1, {{.key = "w", .status = kFresh, .kind = AssetKind::kConnection},
           {.key = "w:db.s", .status = kFresh, .kind = AssetKind::kSchema, .parent = "w"},
           {.key = "w:db.s.a", .status = kFresh, .parent = "w:db.s"},
           {.key = "w:db.s.b", .status = kFresh, .parent = "w:db.s"},
           {.key = "l:t", .status = kFresh, .kind = AssetKind::kTile, .data_time_from = "w:db.s.a"}},
       {"resolved w fresh 3"}}}},
    {"a consumer judged on another asset's data opens nothing of its own",
     {},
     {{0, {{.key = "w:a", .status = kFresh},
           {.key = "l:t", .status = kError, .kind = AssetKind::kTile, .data_time_from = "w:a"},
           {.key = "d:x", .status = kUnknown, .kind = AssetKind::kExposure, .error = "x",
            .data_time_from = "w:a"}},
       {}}}},
    {"a stale model whose own run is behind is a root; one behind a stale source is not",
     {},
     {{0, {{.key = "w:a", .status = kFresh}, {.key = "d:m", .status = kWarn, .kind = AssetKind::kModel}},
       {"opened d:m warn 0"}},
      {1, {{.key = "w:a", .status = kWarn}, {.key = "d:m", .status = kWarn, .causes = {"w:a"}, .kind = AssetKind::kModel}},
       {"opened w:a warn 1"}}}},
    {"stale members of a cycle are roots of each other",
     {},
     {{0, {{.key = "w:a", .status = kWarn, .causes = {"w:b"}}, {.key = "w:b", .status = kWarn, .causes = {"w:a"}}},
       {"opened w:a warn 1", "opened w:b warn 1"}}}},
    {"a root that leaves the snapshot resolves",
     {.min_duration = minutes(5)},
     {{0, chain(kWarn), {}},
      {5, chain(kWarn), {"opened w:a warn 2"}},
      {6, {}, {}},
      {11, {}, {"resolved w:a warn 2"}},
      {12, {}, {}}}},
};

class TrackerCase : public ::testing::TestWithParam<Case> {};

TEST_P(TrackerCase, Events) {
  const Case& c = GetParam();
  TrackerState state;
  for (const auto& tick : c.ticks) {
    auto result = step(state, snapshot(tick.assets), at_minute(tick.minute), c.options);
    EXPECT_EQ(describe(result.events), tick.events) << "at minute " << tick.minute;
    for (const auto& incident : result.next.open) EXPECT_TRUE(incident.open());
    state = std::move(result.next);
  }
}

INSTANTIATE_TEST_SUITE_P(Tracker, TrackerCase, ::testing::ValuesIn(kCases),
                         [](const auto& info) {
                           std::string name;
                           for (char ch : info.param.name) name += std::isalnum(ch) ? ch : '_';
                           return name;
                         });

TEST(Tracker, OpenedIncidentCarriesRootAndImpact) {
  const auto result = step({}, snapshot(chain(kError)), at_minute(0), {});
  ASSERT_THAT(result.changed, SizeIs(1));
  const Incident& incident = result.changed[0];
  EXPECT_EQ(incident.id, fmt::format("w:a@{}", at_minute(0).time_since_epoch().count()));
  EXPECT_EQ(incident.id, incident_id("w:a", at_minute(0)));
  EXPECT_EQ(incident.kind, IncidentKind::kStale);
  EXPECT_EQ(incident.root.key, "w:a");
  EXPECT_EQ(incident.root.name, "a");
  EXPECT_EQ(incident.root.owner, "data-eng");
  EXPECT_EQ(incident.root.reason, "error reason");
  EXPECT_EQ(incident.root.status, kError);
  EXPECT_EQ(incident.root.changed_at, kT0 - hours(30));
  EXPECT_THAT(incident.impacted, ElementsAre("d:m", "d:x"));
  EXPECT_EQ(incident.opened_at, at_minute(0));
  EXPECT_EQ(incident.last_notified_at, at_minute(0));
  EXPECT_FALSE(incident.resolved_at);
  EXPECT_THAT(result.next.open, SizeIs(1));
  EXPECT_THAT(result.next.pending, IsEmpty());
}

TEST(Tracker, SeveralRootsBehindOneDashboardEachListIt) {
  const std::vector<AssetSpec> assets = {
      {.key = "w:a", .status = kError},
      {.key = "w:b", .status = kWarn},
      {.key = "w:c", .status = kFresh},
      {.key = "l:dash", .status = kError, .kind = AssetKind::kDashboard, .parent = "l:folder"},
      {.key = "l:folder", .status = kError, .kind = AssetKind::kFolder},
      {.key = "l:t1", .status = kError, .causes = {"w:a"}, .kind = AssetKind::kTile, .parent = "l:dash",
       .data_time_from = "w:a"},
      {.key = "l:t2", .status = kWarn, .causes = {"w:b"}, .kind = AssetKind::kTile, .parent = "l:dash",
       .data_time_from = "w:b"},
      {.key = "l:t3", .status = kError, .causes = {"w:a", "w:b"}, .kind = AssetKind::kTile,
       .parent = "l:dash", .data_time_from = "w:a"},
      {.key = "l:t4", .status = kFresh, .kind = AssetKind::kTile, .parent = "l:dash", .data_time_from = "w:c"},
  };
  const auto result = step({}, snapshot(assets), at_minute(0), {});
  EXPECT_THAT(describe(result.events), ElementsAre("opened w:a error 3", "opened w:b warn 3"));
  ASSERT_THAT(result.changed, SizeIs(2));
  EXPECT_THAT(result.changed[0].impacted, ElementsAre("l:dash", "l:t1", "l:t3"));
  EXPECT_THAT(result.changed[1].impacted, ElementsAre("l:dash", "l:t2", "l:t3"));
}

TEST(Tracker, RootThatLeavesSaysWhy) {
  auto first = step({}, snapshot(chain(kWarn)), at_minute(0), {});
  auto second = step(first.next, snapshot({}), at_minute(1), {});
  ASSERT_THAT(second.changed, SizeIs(1));
  EXPECT_EQ(second.changed[0].root.reason, "no longer monitored");
  EXPECT_EQ(second.changed[0].resolved_at, at_minute(1));
  EXPECT_EQ(second.changed[0].id, first.changed[0].id);
  EXPECT_THAT(second.next.open, IsEmpty());
}

TEST(Tracker, PendingChangesAreKeptInTheState) {
  const TrackerOptions options{.min_duration = minutes(10)};
  auto first = step({}, snapshot(chain(kWarn)), at_minute(0), options);
  EXPECT_THAT(first.next.pending, ElementsAre(PendingChange{.key = "w:a", .status = kWarn, .since = at_minute(0)}));
  // The state is a plain value: a copy (as the store reads it back) continues the same way.
  TrackerState restored{.open = first.next.open, .pending = first.next.pending};
  auto second = step(restored, snapshot(chain(kError)), at_minute(10), options);
  EXPECT_THAT(describe(second.events), ElementsAre("opened w:a error 2"));
  EXPECT_THAT(second.next.pending, IsEmpty());
  auto third = step(second.next, snapshot(chain(kFresh)), at_minute(12), options);
  EXPECT_THAT(third.next.pending,
              ElementsAre(PendingChange{.key = "w:a", .status = kFresh, .since = at_minute(12)}));
  EXPECT_THAT(third.events, IsEmpty());
}

TEST(Tracker, AcknowledgeStopsReminders) {
  const TrackerOptions options{.renotify_every = hours(1)};
  auto opened = step({}, snapshot(chain(kWarn)), at_minute(0), options);
  TrackerState state = opened.next;
  const std::string id = opened.changed[0].id;
  auto acked = acknowledge(state, id, at_minute(10));
  ASSERT_TRUE(acked);
  EXPECT_EQ(acked->acknowledged_at, at_minute(10));
  auto later = step(state, snapshot(chain(kWarn)), at_minute(600), options);
  EXPECT_THAT(later.events, IsEmpty());
  // A worsening is still told.
  auto worse = step(later.next, snapshot(chain(kError)), at_minute(601), options);
  EXPECT_THAT(describe(worse.events), ElementsAre("updated w:a error 2"));
  EXPECT_EQ(worse.next.open[0].acknowledged_at, at_minute(10));
}

TEST(Tracker, SnoozeDelaysRemindersUntilItEnds) {
  const TrackerOptions options{.renotify_every = hours(1)};
  auto opened = step({}, snapshot(chain(kWarn)), at_minute(0), options);
  TrackerState state = opened.next;
  ASSERT_TRUE(snooze(state, opened.changed[0].id, at_minute(300)));
  for (int minute : {60, 120, 299}) {
    auto r = step(state, snapshot(chain(kWarn)), at_minute(minute), options);
    EXPECT_THAT(r.events, IsEmpty()) << minute;
    state = r.next;
  }
  auto due = step(state, snapshot(chain(kWarn)), at_minute(300), options);
  EXPECT_THAT(describe(due.events), ElementsAre("reminder w:a warn 2"));
  auto next = step(due.next, snapshot(chain(kWarn)), at_minute(330), options);
  EXPECT_THAT(next.events, IsEmpty());
  auto after = step(next.next, snapshot(chain(kWarn)), at_minute(360), options);
  EXPECT_THAT(describe(after.events), ElementsAre("reminder w:a warn 2"));
}

TEST(Tracker, AckAndSnoozeNeedAnOpenIncident) {
  TrackerState state;
  auto acked = acknowledge(state, "w:a@1", at_minute(0));
  ASSERT_FALSE(acked);
  EXPECT_EQ(acked.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(snooze(state, "w:a@1", at_minute(0)));
}

TEST(Tracker, ChangedHoldsSilentImprovements) {
  auto first = step({}, snapshot(chain(kError)), at_minute(0), {});
  auto second = step(first.next, snapshot(chain(kWarn)), at_minute(1), {});
  EXPECT_THAT(second.events, IsEmpty());
  ASSERT_THAT(second.changed, SizeIs(1));
  EXPECT_EQ(second.changed[0].root.status, kWarn);
  EXPECT_EQ(second.next.open[0].root.status, kWarn);
  auto third = step(second.next, snapshot(chain(kWarn)), at_minute(2), {});
  EXPECT_THAT(third.changed, IsEmpty());
}

}  // namespace
}  // namespace freshwatch::alerts

namespace freshwatch::alerts {
namespace {

using namespace testing;  // NOLINT

// The lineage facts as the engine's lineage pass derives them from edges and own statuses.
void derive_lineage(model::Snapshot& snap) {
  const lineage::Graph graph = lineage::snapshot_graph(snap);
  std::vector<Status> statuses;
  for (const auto& s : snap.assets) statuses.push_back(s.evaluation.status);
  const auto propagation = lineage::propagate(graph, statuses);
  for (std::uint32_t i = 0; i < snap.assets.size(); ++i) {
    snap.assets[i].impacted = propagation.impacted(i);
    snap.assets[i].root_causes.clear();
    for (auto node : propagation.root_causes(i)) snap.assets[i].root_causes.push_back(graph.key(node));
  }
}

TEST(Tracker, RootsAndImpactFromPropagatedLineage) {
  auto snap = snapshot({
      {.key = "w:a", .status = Status::kError},
      {.key = "w:b", .status = Status::kWarn},
      {.key = "w:c", .status = Status::kFresh},
      {.key = "d:m", .status = Status::kError, .kind = AssetKind::kModel},
      {.key = "d:x", .status = Status::kError, .kind = AssetKind::kExposure, .data_time_from = "w:a"},
      {.key = "l:dash", .status = Status::kError, .kind = AssetKind::kDashboard},
      {.key = "l:t1", .status = Status::kError, .kind = AssetKind::kTile, .parent = "l:dash", .data_time_from = "w:a"},
      {.key = "l:t2", .status = Status::kWarn, .kind = AssetKind::kTile, .parent = "l:dash", .data_time_from = "w:b"},
      {.key = "l:t3", .status = Status::kFresh, .kind = AssetKind::kTile, .parent = "l:dash", .data_time_from = "w:c"},
  });
  snap.edges = lineage::testing::edges("w:a>d:m d:m>d:x w:a>l:t1 w:b>l:t2 d:m>l:t3 w:c>l:t3");
  derive_lineage(snap);

  const auto result = step({}, snap, kT0, {});
  EXPECT_THAT(describe(result.events), ElementsAre("opened w:a error 5", "opened w:b warn 2"));
  ASSERT_THAT(result.changed, SizeIs(2));
  EXPECT_THAT(result.changed[0].impacted, ElementsAre("d:m", "d:x", "l:dash", "l:t1", "l:t3"));
  EXPECT_THAT(result.changed[1].impacted, ElementsAre("l:dash", "l:t2"));
}

}  // namespace
}  // namespace freshwatch::alerts
