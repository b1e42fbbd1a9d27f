#include "policy/policy_set.h"

#include <gtest/gtest.h>

namespace freshwatch::policy {
namespace {

model::Asset asset(std::string key, std::vector<std::string> tags = {}, std::string owner = "",
                   model::AssetKind kind = model::AssetKind::kTable) {
  model::Asset a;
  a.key = std::move(key);
  a.connection = std::string(model::key_connection(a.key));
  a.tags = std::move(tags);
  a.owner = std::move(owner);
  a.kind = kind;
  return a;
}

PolicySet::Entry entry(std::string_view selector, std::string name) {
  auto s = model::parse_selector(selector);
  EXPECT_TRUE(s) << selector;
  return {*s, model::Policy{std::move(name), model::ThresholdRule{}, "freshwatch.yml"}};
}

TEST(PolicySet, MostSpecificSelectorWins) {
  const PolicySet set(
      {
          entry("connection:warehouse", "by-connection"),
          entry("kind:view", "by-kind"),
          entry("owner:finance", "by-owner"),
          entry("tag:daily", "by-tag"),
          entry("warehouse:*", "short-glob"),
          entry("warehouse:analytics.finance.*", "long-glob"),
          entry("warehouse:analytics.finance.ledger", "exact"),
          entry("tag:hourly", "by-tag-2"),
          entry("tag:daily", "by-tag-duplicate"),
          entry("warehouse:analytics.finance.ledger", "exact-duplicate"),
          entry("lake:*", "lake-glob"),
      },
      model::Policy{"default", model::CalendarRule{}, "built-in"});

  const model::Policy own{"dbt", model::ThresholdRule{}, "dbt sources.json"};
  const struct {
    model::Asset asset;
    const model::Policy* own;
    const char* want;
  } cases[] = {
      {asset("warehouse:analytics.finance.ledger", {"daily"}, "finance"), nullptr, "exact"},
      {asset("warehouse:analytics.finance.orders", {"daily"}, "finance"), nullptr, "long-glob"},
      {asset("warehouse:analytics.public.orders", {"daily"}, "finance"), nullptr, "short-glob"},
      // Tag beats owner, owner beats kind, kind beats connection; equal tags: first declared.
      {asset("other:x", {"hourly", "daily"}, "finance"), nullptr, "by-tag"},
      {asset("other:x", {"hourly"}, "finance"), nullptr, "by-tag-2"},
      {asset("other:x", {}, "finance", model::AssetKind::kView), nullptr, "by-owner"},
      {asset("other:x", {}, "", model::AssetKind::kView), nullptr, "by-kind"},
      {asset("lake:x", {}, ""), nullptr, "lake-glob"},
      // No selector matches: the asset's own policy, else the default.
      {asset("other:x"), &own, "dbt"},
      {asset("other:x"), nullptr, "default"},
      // A selector beats the asset's own policy.
      {asset("warehouse:analytics.finance.orders"), &own, "long-glob"},
  };
  for (const auto& c : cases) {
    model::Asset a = c.asset;
    if (c.own) a.policy = *c.own;
    EXPECT_EQ(set.for_asset(a).name, c.want) << c.asset.key;
  }
}

TEST(PolicySet, ConnectionSelectorMatchesTheAssetsConnection) {
  const PolicySet set({entry("connection:warehouse", "wh")},
                      model::Policy{"default", model::CalendarRule{}, "built-in"});
  EXPECT_EQ(set.for_asset(asset("warehouse:a.b.c")).name, "wh");
  EXPECT_EQ(set.for_asset(asset("lake:a.b.c")).name, "default");
}

TEST(PolicySet, EmptySetUsesTheBuiltInDefault) {
  const PolicySet set;
  const auto& p = set.for_asset(asset("warehouse:a"));
  EXPECT_EQ(p.name, "default");
  EXPECT_TRUE(std::holds_alternative<model::CalendarRule>(p.rule));
  EXPECT_TRUE(set.entries().empty());
}

TEST(PolicySet, ReferencesStayValidAfterMove) {
  PolicySet a({entry("warehouse:*", "wh")}, model::Policy{"default", model::CalendarRule{}, ""});
  PolicySet b = std::move(a);
  EXPECT_EQ(b.for_asset(asset("warehouse:x")).name, "wh");
  EXPECT_EQ(&b.for_asset(asset("warehouse:x")), &b.entries()[0].policy);
}

}  // namespace
}  // namespace freshwatch::policy
