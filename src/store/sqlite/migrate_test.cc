#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/sqlite/db.h"
#include "store/sqlite/migrations.h"
#include "support/process.h"

namespace freshwatch::store::sqlite {
namespace {

using ::testing::HasSubstr;

class MigrateTest : public ::testing::Test {
 protected:
  std::unique_ptr<Db> open() {
    auto db = Db::open((dir_ / "m.db").string(), true);
    EXPECT_TRUE(db) << db.error().message;
    return db ? std::move(*db) : nullptr;
  }
  testing::TempDir dir_;
};

constexpr Migration kThree[] = {
    {1, "0001_a.sql", "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"},
    {2, "0002_b.sql", "CREATE TABLE b (y INTEGER); INSERT INTO b SELECT x + 1 FROM a;"},
    {3, "0003_c.sql", "ALTER TABLE b ADD COLUMN z TEXT NOT NULL DEFAULT 'z';"},
};

TEST_F(MigrateTest, AppliesEveryMigrationInOrder) {
  auto db = open();
  ASSERT_TRUE(migrate(*db, kThree));
  EXPECT_EQ(db->query_int("PRAGMA user_version"), 3);
  EXPECT_EQ(db->query_int("PRAGMA application_id"), kApplicationId);
  EXPECT_EQ(db->query_int("SELECT y FROM b"), 2);  // 0002 ran after 0001
  // Running again is a no-op.
  ASSERT_TRUE(migrate(*db, kThree));
  EXPECT_EQ(db->query_int("SELECT count(*) FROM b"), 1);
}

TEST_F(MigrateTest, UpgradesAnOlderDatabaseFromWhereItIs) {
  {
    auto db = open();
    ASSERT_TRUE(migrate(*db, std::span(kThree).first(1)));
    EXPECT_EQ(db->query_int("PRAGMA user_version"), 1);
    ASSERT_TRUE(db->exec("INSERT INTO a VALUES (10)"));
  }
  auto db = open();
  ASSERT_TRUE(migrate(*db, kThree));
  EXPECT_EQ(db->query_int("PRAGMA user_version"), 3);
  EXPECT_EQ(db->query_int("SELECT sum(y) FROM b"), 2 + 11);
}

TEST_F(MigrateTest, AFailingMigrationLeavesTheOnesBeforeItAndNothingOfItself) {
  constexpr Migration kBroken[] = {
      kThree[0],
      {2, "0002_broken.sql", "CREATE TABLE b (y INTEGER); INSERT INTO no_such_table VALUES (1);"},
  };
  auto db = open();
  auto result = migrate(*db, kBroken);
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("0002_broken.sql"));
  EXPECT_THAT(result.error().message, HasSubstr("no_such_table"));
  EXPECT_EQ(db->query_int("PRAGMA user_version"), 1);
  EXPECT_EQ(db->query_int("SELECT count(*) FROM sqlite_master WHERE name = 'b'"), 0);
  // Fixed in a later build, the upgrade carries on.
  ASSERT_TRUE(migrate(*db, kThree));
  EXPECT_EQ(db->query_int("PRAGMA user_version"), 3);
}

TEST_F(MigrateTest, RefusesANewerDatabase) {
  auto db = open();
  ASSERT_TRUE(migrate(*db, kThree));
  auto result = migrate(*db, std::span(kThree).first(2));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kConflict);
  EXPECT_THAT(result.error().message, HasSubstr("newer freshwatch (schema version 3; this "
                                                "version knows up to 2)"));
}

TEST_F(MigrateTest, RefusesAnotherApplicationsDatabase) {
  auto db = open();
  ASSERT_TRUE(db->exec("PRAGMA application_id = 42"));
  auto result = migrate(*db, kThree);
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("another application"));
}

TEST_F(MigrateTest, TheRealMigrationsAreNumberedFromOne) {
  auto all = migrations();
  ASSERT_FALSE(all.empty());
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].version, static_cast<int>(i + 1));
  auto db = open();
  ASSERT_TRUE(migrate(*db, all));
  EXPECT_EQ(db->query_int("PRAGMA user_version"), static_cast<std::int64_t>(all.size()));
}

}  // namespace
}  // namespace freshwatch::store::sqlite
