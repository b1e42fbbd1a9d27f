// Policy resolution and evaluation for 100,000 assets and 30 configured policies.
//
//   cmake --build build/release --target policy_bench
//   build/release/bench/policy/policy_bench
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "core/time.h"
#include "policy/evaluate.h"
#include "policy/policy_set.h"

namespace freshwatch::policy {
namespace {

constexpr int kAssets = 100'000;

std::vector<model::Asset> assets() {
  std::vector<model::Asset> out;
  std::mt19937 rng(1);
  const char* schemas[] = {"public", "finance", "marketing", "staging", "raw", "ops"};
  for (int i = 0; i < kAssets; ++i) {
    model::Asset a;
    a.connection = i % 3 ? "warehouse" : "lake";
    a.key = a.connection + ":analytics." + schemas[rng() % 6] + ".table_" + std::to_string(i);
    if (rng() % 10 == 0) a.tags = {"daily"};
    if (rng() % 7 == 0) a.owner = "team-" + std::to_string(rng() % 12);
    out.push_back(std::move(a));
  }
  return out;
}

PolicySet policies() {
  std::vector<PolicySet::Entry> entries;
  auto add = [&](std::string sel, model::Rule rule) {
    entries.push_back({*model::parse_selector(sel), model::Policy{sel, rule, "bench"}});
  };
  for (int i = 0; i < 10; ++i)
    add("warehouse:analytics.public.table_" + std::to_string(i * 997), model::CalendarRule{});
  add("warehouse:analytics.finance.*", model::ThresholdRule{std::chrono::hours(12), std::chrono::hours(24)});
  add("warehouse:analytics.marketing.*", model::ThresholdRule{std::chrono::hours(6), std::nullopt});
  add("lake:analytics.raw.*", model::ThresholdRule{std::nullopt, std::chrono::hours(48)});
  add("*.staging.*", model::CalendarRule{2, 30});
  add("tag:daily", model::DeadlineRule{"0 6 * * 1-5", "Europe/Berlin", std::chrono::minutes(30)});
  for (int i = 0; i < 12; ++i)
    add("owner:team-" + std::to_string(i), model::ThresholdRule{std::chrono::hours(i + 1), std::nullopt});
  add("connection:lake", model::CalendarRule{1, 60});
  add("kind:view", model::CalendarRule{});
  add("warehouse:analytics.ops.table_1*", model::CalendarRule{});
  add("warehouse:*.ops.*", model::CalendarRule{});
  return PolicySet(std::move(entries), model::Policy{"default", model::CalendarRule{}, "built-in"});
}

void BM_ResolvePolicies(benchmark::State& state) {
  const auto all = assets();
  const auto set = policies();
  for (auto _ : state)
    for (const auto& a : all) benchmark::DoNotOptimize(&set.for_asset(a));
  state.counters["policies"] = static_cast<double>(set.entries().size());
  state.SetItemsProcessed(state.iterations() * kAssets);
}
BENCHMARK(BM_ResolvePolicies)->Unit(benchmark::kMillisecond);

void BM_EvaluateAll(benchmark::State& state) {
  const auto all = assets();
  const auto set = policies();
  const auto now = *core::parse_timestamp("2026-11-23T12:00:00Z");
  const auto* tz = *core::find_zone("Europe/Berlin");
  std::vector<model::Observation> obs(kAssets);
  std::mt19937 rng(2);
  for (int i = 0; i < kAssets; ++i) {
    obs[i].signal = "max(_loaded_at)";
    obs[i].changed_at = now - std::chrono::minutes(rng() % (60 * 24 * 120));
  }
  for (auto _ : state)
    for (int i = 0; i < kAssets; ++i)
      benchmark::DoNotOptimize(evaluate(set.for_asset(all[i]), std::span(&obs[i], 1), now, tz));
  state.SetItemsProcessed(state.iterations() * kAssets);
}
BENCHMARK(BM_EvaluateAll)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace freshwatch::policy

BENCHMARK_MAIN();
