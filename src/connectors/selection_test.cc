#include "connectors/selection.h"

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/worker_pool.h"

namespace freshwatch::connectors {
namespace {

using ::testing::ElementsAre;

Selection warehouse() {
  Selection s;
  s.include = {"public.*", "finance.*"};
  s.exclude = {"public.tmp_*"};
  s.loaded_at_field = "_loaded_at";
  s.filter = "region = 'eu'";
  s.tables = {{.match = "finance.ledger", .loaded_at_field = "booked_at", .owner = "finance",
               .tags = {"money", "daily"}},
              {.match = "finance.*", .filter = "true"},
              {.match = "public.events", .filter = "kind <> 'test'"}};
  return s;
}

TEST(Selection, IncludeThenExclude) {
  const Selection s = warehouse();
  EXPECT_TRUE(s.includes("public.orders"));
  EXPECT_FALSE(s.includes("public.tmp_scratch"));
  EXPECT_TRUE(s.includes("finance.ledger"));
  EXPECT_FALSE(s.includes("other.t"));
  EXPECT_TRUE(Selection{}.includes("anything.at_all"));
}

TEST(Selection, IgnoreCaseForSystemsThatFoldNames) {
  Selection s;
  s.include = {"raw.stripe.*"};
  EXPECT_FALSE(s.includes("RAW.STRIPE.CHARGES"));
  s.ignore_case = true;
  EXPECT_TRUE(s.includes("RAW.STRIPE.CHARGES"));
}

// One rule for every warehouse: which field and filter a table gets, and whether it is read by
// query, in each mode.
TEST(Selection, FieldFilterAndModePerTable) {
  struct Case {
    std::string table;
    ReadMode mode;
    std::string field;
    std::string filter;
    bool query;
  };
  const Case cases[] = {
      {"public.orders", ReadMode::kPerTable, "_loaded_at", "region = 'eu'", true},
      {"public.orders", ReadMode::kMetadata, "", "region = 'eu'", false},
      {"public.orders", ReadMode::kQuery, "_loaded_at", "region = 'eu'", true},
      // The first matching entry wins; its field holds even in metadata mode.
      {"finance.ledger", ReadMode::kMetadata, "booked_at", "region = 'eu'", true},
      {"finance.cash", ReadMode::kPerTable, "_loaded_at", "true", true},
      {"public.events", ReadMode::kMetadata, "", "kind <> 'test'", false},
  };
  const Selection s = warehouse();
  for (const auto& c : cases) {
    const auto t = s.table(c.table, c.mode);
    EXPECT_EQ(t.loaded_at_field, c.field) << c.table;
    EXPECT_EQ(t.filter, c.filter) << c.table;
    EXPECT_EQ(t.query, c.query) << c.table;
  }

  Selection no_field;
  EXPECT_FALSE(no_field.table("public.orders", ReadMode::kPerTable).query);
  const auto missing = no_field.table("public.orders", ReadMode::kQuery);
  EXPECT_TRUE(missing.query) << "query mode reads every table, so a missing field is an error";
  EXPECT_TRUE(missing.loaded_at_field.empty());
}

TEST(Selection, OverrideSetsOwnerAndAddsTags) {
  const Selection s = warehouse();
  std::string owner = "data-eng";
  std::vector<std::string> tags = {"pg", "daily"};
  s.apply_override(s.table("finance.ledger", ReadMode::kPerTable), owner, tags);
  EXPECT_EQ(owner, "finance");
  EXPECT_THAT(tags, ElementsAre("pg", "daily", "money"));

  owner = "data-eng";
  s.apply_override(s.table("public.orders", ReadMode::kPerTable), owner, tags);
  EXPECT_EQ(owner, "data-eng");
}

TEST(WorkerPool, EveryItemOnceWithinTheBound) {
  std::mutex mutex;
  std::multiset<std::size_t> seen;
  std::set<std::thread::id> threads;
  std::atomic<int> running{0}, most{0};
  run_pool(50, 3, {}, [&](std::size_t i) {
    const int now = ++running;
    for (int m = most; now > m && !most.compare_exchange_weak(m, now);) {
    }
    std::this_thread::yield();
    {
      std::lock_guard lock(mutex);
      seen.insert(i);
      threads.insert(std::this_thread::get_id());
    }
    --running;
  });
  EXPECT_EQ(seen.size(), 50u);
  for (std::size_t i = 0; i < 50; ++i) EXPECT_EQ(seen.count(i), 1u) << i;
  EXPECT_LE(most.load(), 3);
  EXPECT_LE(threads.size(), 3u);
}

TEST(WorkerPool, AWorkerThatCannotStartOrGoOnLeavesItsShareToOthers) {
  std::mutex mutex;
  std::multiset<std::size_t> seen;
  std::atomic<int> started{0};
  run_pool(
      20, 3, {},
      [&](std::size_t worker) -> std::shared_ptr<void> {
        ++started;
        if (worker == 1) return nullptr;  // cannot connect
        return std::make_shared<int>(0);
      },
      [&](std::size_t worker, std::size_t i) {
        EXPECT_NE(worker, 1u);
        std::lock_guard lock(mutex);
        seen.insert(i);
        return worker != 2 || seen.size() > 10;  // worker 2 loses its connection early
      });
  EXPECT_EQ(started.load(), 2) << "workers 1 and 2 start on threads of their own";
  EXPECT_EQ(seen.size(), 20u);
  for (std::size_t i = 0; i < 20; ++i) EXPECT_EQ(seen.count(i), 1u) << i;
}

TEST(WorkerPool, StopsTakingItemsOnceStopped) {
  std::stop_source stop;
  std::atomic<int> done{0};
  run_pool(100, 1, stop.get_token(), [&](std::size_t) {
    if (++done == 5) stop.request_stop();
  });
  EXPECT_EQ(done.load(), 5);
}

}  // namespace
}  // namespace freshwatch::connectors
