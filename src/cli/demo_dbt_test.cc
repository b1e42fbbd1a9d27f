#include "cli/demo_dbt.h"

#include <fstream>

#include <gtest/gtest.h>

#include "cli/common.h"
#include "cli/report.h"
#include "cli/why_report.h"
#include "connectors/dbt/artifacts.h"
#include "core/time.h"
#include "support/process.h"

namespace freshwatch::cli {
namespace {

// The demo's dbt project over its warehouse: a newcomer sees lineage from the warehouse's tables
// to the revenue dashboard, and the stale tables at its root.
TEST(DemoDbt, LineageAndRootCauses) {
  testing::TempDir dir;
  DemoOptions o;
  o.dir = dir.path();
  o.now = *core::parse_timestamp("2024-05-10T12:00:00Z");
  const auto tables = plan_demo_tables(o);
  ASSERT_TRUE(write_demo_warehouse(o, tables));
  ASSERT_TRUE(write_demo_dbt(o, tables));
  {
    std::ofstream f(dir / "freshwatch.yml");
    f << demo_config(o);
  }
  // The artifacts are valid dbt artifacts.
  const auto files = demo_dbt_artifacts(o, tables);
  auto manifest = connectors::dbt::parse_manifest(files.manifest);
  ASSERT_TRUE(manifest) << manifest.error().message;
  EXPECT_EQ(manifest->nodes.size(), 11u);
  ASSERT_TRUE(connectors::dbt::parse_run_results(files.run_results));
  ASSERT_TRUE(connectors::dbt::parse_freshness(files.sources));

  auto config = load_config((dir / "freshwatch.yml").string());
  ASSERT_TRUE(config);
  core::FakeClock clock(o.now);
  auto runtime = wire(std::move(*config), clock, StoreUse::kNone);
  ASSERT_TRUE(runtime) << runtime.error().message;
  auto& engine = *(*runtime)->engine;
  ASSERT_TRUE(engine.collect_once());
  const auto snap = engine.evaluate_at(o.now);
  for (const auto& c : snap.connections) EXPECT_EQ(c.error, "") << c.name;

  // The dbt source is the warehouse's table: one asset, two signals.
  const auto* invoices = snap.find("dbt:source.shop.sales.invoices");
  ASSERT_NE(invoices, nullptr);
  EXPECT_EQ(invoices->asset->key, "demo:sales.invoices");
  EXPECT_EQ(invoices->observations.size(), 2u);
  EXPECT_EQ(invoices->evaluation.status, model::Status::kError);

  const auto* dashboard = snap.find("dbt:exposure.shop.revenue_dashboard");
  ASSERT_NE(dashboard, nullptr);
  EXPECT_EQ(dashboard->asset->url, "https://bi.example.com/dashboards/revenue");
  // Judged on its data time, the oldest data flowing into it: its models ran within the hour,
  // but from tables loaded days ago, so the dashboard is not fresh (it was "fresh, impacted"
  // when judged on its models' runs alone).
  EXPECT_EQ(dashboard->evaluation.status, model::Status::kWarn);
  EXPECT_EQ(dashboard->evaluation.signal, "data_time");
  EXPECT_EQ(dashboard->data_time_from, "demo:staging.stg_payments");
  EXPECT_EQ(dashboard->data_time, *core::parse_timestamp("2024-05-02T06:20:45Z"));
  EXPECT_EQ(dashboard->evaluation.reason,
            "changed 8 d 5 h ago (8 calendar days ago); warn from 1 day, error from 101 days; "
            "oldest data from demo:staging.stg_payments");
  ASSERT_FALSE(dashboard->observations.empty());
  EXPECT_EQ(dashboard->observations[0].evidence,
            "oldest input: demo:staging.stg_payments, changed 2024-05-02T06:20:45Z");
  EXPECT_EQ(dashboard->observations[1].signal, "dbt_upstream") << "its own signal, beside";
  EXPECT_TRUE(dashboard->impacted);
  EXPECT_EQ(dashboard->root_causes,
            (std::vector<std::string>{"demo:sales.invoices", "demo:staging.stg_customers",
                                      "demo:staging.stg_payments"}));

  auto why = render_why(snap, "dbt:exposure.shop.revenue_dashboard", false);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("impacted: 3 root causes upstream"), std::string::npos) << *why;
  EXPECT_NE(why->find("root cause 1: demo:sales.invoices is error"), std::string::npos) << *why;
  EXPECT_NE(why->find("\u2190 dbt:model.shop.stg_invoices"), std::string::npos) << *why;
  auto unknown = render_why(snap, "dbt:nope", false);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  auto own = render_why(snap, "demo:sales.invoices", false);
  ASSERT_TRUE(own);
  EXPECT_NE(own->find("this asset is the root cause of its own status"), std::string::npos) << *own;
}

// Truncated artifacts after a good run: the dbt connection says so, in the snapshot and in
// `check`'s reports, and the last good state is kept and judged.
TEST(DemoDbt, TruncatedManifestIsAWarningOnTheConnectionAndTheLastStateIsServed) {
  testing::TempDir dir;
  DemoOptions o;
  o.dir = dir.path();
  o.now = *core::parse_timestamp("2024-05-10T12:00:00Z");
  const auto tables = plan_demo_tables(o);
  ASSERT_TRUE(write_demo_warehouse(o, tables));
  ASSERT_TRUE(write_demo_dbt(o, tables));
  {
    std::ofstream f(dir / "freshwatch.yml");
    f << demo_config(o);
  }
  auto config = load_config((dir / "freshwatch.yml").string());
  ASSERT_TRUE(config);
  core::FakeClock clock(o.now);
  auto runtime = wire(std::move(*config), clock, StoreUse::kNone);
  ASSERT_TRUE(runtime) << runtime.error().message;
  auto& engine = *(*runtime)->engine;
  ASSERT_TRUE(engine.collect_once());
  auto dbt_of = [](const model::Snapshot& s) {
    for (const auto& c : s.connections)
      if (c.name == kDemoDbtConnection) return c;
    ADD_FAILURE() << "no dbt connection";
    return model::ConnectionState{};
  };
  const auto good = engine.evaluate_at(clock.now());
  EXPECT_TRUE(dbt_of(good).warnings.empty()) << dbt_of(good).warnings.front();
  const auto* dashboard = good.find("dbt:exposure.shop.revenue_dashboard");
  ASSERT_NE(dashboard, nullptr);
  const auto good_status = dashboard->evaluation.status;

  const auto manifest = dir / "dbt" / "target" / "manifest.json";
  const auto size = std::filesystem::file_size(manifest);
  std::filesystem::resize_file(manifest, size / 2);
  clock.advance(std::chrono::minutes(15));
  ASSERT_TRUE(engine.collect_once()) << "stale artifacts are not a failed run";
  const auto stale = engine.evaluate_at(clock.now());
  const auto dbt = dbt_of(stale);
  EXPECT_EQ(dbt.error, "");
  ASSERT_FALSE(dbt.warnings.empty());
  EXPECT_TRUE(dbt.warnings[0].starts_with("stale artifacts: manifest.json is not valid JSON"))
      << dbt.warnings[0];
  EXPECT_NE(dbt.warnings[0].find("serving the state read at 2024-05-10T12:00:00Z"),
            std::string::npos)
      << dbt.warnings[0];
  // The previous good state is still there and judged.
  dashboard = stale.find("dbt:exposure.shop.revenue_dashboard");
  ASSERT_NE(dashboard, nullptr);
  EXPECT_EQ(dashboard->evaluation.status, good_status);
  EXPECT_EQ(dashboard->evaluation.error, "");
  // `check` shows it in both formats.
  const auto rows = select_leaves(stale, std::nullopt);
  EXPECT_NE(render_json(stale, rows, model::Status::kError, true)
                .find(R"("warnings": ["stale artifacts: manifest.json is not valid JSON)"),
            std::string::npos);
  EXPECT_NE(render_table(stale, rows, false)
                .find("connection dbt warning: stale artifacts: manifest.json is not valid JSON"),
            std::string::npos);
}

}  // namespace
}  // namespace freshwatch::cli
