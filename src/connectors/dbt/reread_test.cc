// A changed manifest is re-read on the engine's collection worker while the engine keeps serving
// the snapshot it has; a re-read that is slow, then fails, leaves the previous state in place.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "connectors/dbt/artifacts.h"
#include "connectors/dbt/dbt_connector.h"
#include "connectors/dbt/test_files.h"
#include "core/time.h"
#include "engine/engine.h"

namespace freshwatch::connectors::dbt {
namespace {

using namespace std::chrono_literals;
using testing::kManifest;

// Artifacts whose fetch() can be held until the test lets it go.
class HeldSource final : public ArtifactSource {
 public:
  void set(std::string version, std::string_view manifest, bool hold) {
    std::lock_guard lock(mutex_);
    version_ = std::move(version);
    manifest_ = std::string(manifest);
    hold_ = hold;
  }
  void wait_until_fetching() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return fetching_; });
  }
  void let_go() {
    std::lock_guard lock(mutex_);
    hold_ = false;
    changed_.notify_all();
  }

  Result<std::string> version(std::stop_token) override {
    std::lock_guard lock(mutex_);
    return version_;
  }
  Result<RawArtifacts> fetch(std::stop_token) override {
    std::unique_lock lock(mutex_);
    fetching_ = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !hold_; });
    fetching_ = false;
    RawArtifacts raw;
    raw.manifest.buffer = manifest_;
    raw.manifest.size = manifest_.size();
    raw.manifest.buffer.append(kJsonPadding, '\0');
    return raw;
  }
  std::string describe() const override { return "held target/"; }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string version_;
  std::string manifest_;
  bool hold_ = false;
  bool fetching_ = false;
};

model::Evaluation fresh(const model::Asset&, std::span<const model::Observation>, core::TimePoint) {
  model::Evaluation e;
  e.status = model::Status::kFresh;
  e.policy = "test";
  return e;
}

const model::ConnectionState& connection(const model::Snapshot& snap) {
  return snap.connections.at(0);
}

TEST(DbtReread, ASlowThenFailedRereadKeepsServingThePreviousState) {
  core::FakeClock clock(*core::parse_timestamp("2024-05-01T00:00:00Z"));
  auto source = std::make_unique<HeldSource>();
  HeldSource& held = *source;
  held.set("1", kManifest, false);
  config::ConnectionConfig config;
  config.name = "dbt";
  config.type = "dbt";
  std::vector<engine::ConnectionSetup> setups;
  setups.push_back({"dbt", "dbt", make_connector(config, std::move(source)), engine::every(15min),
                    engine::ScheduleOptions{0s, 5min, 0, 1min}});
  std::deque<std::function<void()>> tasks;
  engine::Engine engine({}, std::move(setups), nullptr, fresh, clock,
                        [&](std::function<void()> task) { tasks.push_back(std::move(task)); });

  engine.tick();
  ASSERT_EQ(tasks.size(), 1u);
  tasks.front()();
  tasks.pop_front();
  const auto first = engine.snapshot();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(first->find("dbt:model.shop.a"), nullptr);
  EXPECT_TRUE(connection(*first).error.empty());

  // dbt rewrites the manifest; the re-read takes long and the file turns out cut short.
  const std::string text(kManifest);
  held.set("2", std::string_view(text).substr(0, text.size() / 2), true);
  clock.advance(15min);
  engine.tick();
  ASSERT_EQ(tasks.size(), 1u);
  std::thread worker(std::move(tasks.front()));
  tasks.pop_front();
  held.wait_until_fetching();

  // While the run is in flight the engine keeps serving (and re-evaluating) the previous state.
  clock.advance(1min);
  engine.tick();
  const auto during = engine.snapshot();
  ASSERT_NE(during, nullptr);
  const auto* model = during->find("dbt:model.shop.a");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->evaluation.status, model::Status::kFresh);
  EXPECT_TRUE(connection(*during).error.empty());
  EXPECT_EQ(during->assets.size(), first->assets.size());

  held.let_go();
  worker.join();
  const auto after = engine.snapshot();
  ASSERT_NE(after, nullptr);
  EXPECT_GT(after->version, during->version);
  const auto* kept = after->find("dbt:model.shop.a");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->evaluation.status, model::Status::kFresh);
  EXPECT_EQ(after->assets.size(), first->assets.size());
  EXPECT_TRUE(connection(*after).error.empty());
  ASSERT_FALSE(connection(*after).warnings.empty());
  EXPECT_TRUE(connection(*after).warnings[0].starts_with(
      "stale artifacts: manifest.json is not valid JSON"))
      << connection(*after).warnings[0];
}

}  // namespace
}  // namespace freshwatch::connectors::dbt
