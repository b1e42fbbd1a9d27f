#include "http/synthetic.h"

#include <algorithm>
#include <functional>
#include <unordered_map>

#include <fmt/format.h>

namespace freshwatch::http {

using model::Status;

void finish_snapshot(model::Snapshot& s) {
  std::sort(s.assets.begin(), s.assets.end(),
            [](const auto& a, const auto& b) { return a.asset->key < b.asset->key; });
  std::unordered_map<std::string_view, std::uint32_t> index;
  for (std::uint32_t i = 0; i < s.assets.size(); ++i) {
    index.emplace(s.assets[i].asset->key, i);
    s.assets[i].children.clear();
  }
  s.roots.clear();
  for (std::uint32_t i = 0; i < s.assets.size(); ++i) {
    const auto& parent = s.assets[i].asset->parent;
    auto it = parent.empty() ? index.end() : index.find(parent);
    if (it == index.end()) {
      s.roots.push_back(i);
    } else {
      s.assets[it->second].children.push_back(i);
    }
  }
  for (auto& a : s.assets)
    std::sort(a.children.begin(), a.children.end(), [&](std::uint32_t x, std::uint32_t y) {
      return s.assets[x].asset->name < s.assets[y].asset->name ||
             (s.assets[x].asset->name == s.assets[y].asset->name && x < y);
    });
  s.summary = {};
  std::function<void(std::uint32_t)> roll = [&](std::uint32_t i) {
    auto& a = s.assets[i];
    if (!model::is_container(a.asset->kind)) {
      a.counts = {};
      a.counts[a.evaluation.status] = 1;
      s.summary[a.evaluation.status] += 1;
      return;
    }
    a.counts = {};
    Status worst = Status::kFresh;
    bool any = false;
    for (std::uint32_t c : a.children) {
      roll(c);
      a.counts.add(s.assets[c].counts);
      worst = model::worst(worst, s.assets[c].evaluation.status);
      any = true;
    }
    a.evaluation.status = any ? worst : Status::kUnknown;
  };
  for (std::uint32_t r : s.roots) roll(r);
}

model::Snapshot synthetic_snapshot(std::size_t leaves, core::TimePoint now, std::uint64_t version) {
  using namespace std::chrono;
  model::Snapshot s;
  s.version = version;
  s.generated_at = now;
  s.timezone = "UTC";
  s.today = floor<date::days>(now);
  const std::size_t per_schema = 100;
  const std::size_t per_connection = 20'000;
  const std::size_t connections = std::max<std::size_t>(1, (leaves + per_connection - 1) / per_connection);
  static constexpr const char* kOwners[] = {"data-eng", "analytics", "finance", "growth", "ml"};
  static constexpr const char* kTags[] = {"daily", "hourly", "pii", "core", "finance", "marketing"};
  std::uint64_t rng = 0x9E3779B97F4A7C15ull;
  auto next = [&rng] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  s.assets.reserve(leaves + leaves / per_schema + 3 * connections);
  std::size_t made = 0;
  for (std::size_t c = 0; c < connections && made < leaves; ++c) {
    std::string conn = fmt::format("warehouse{}", c + 1);
    model::AssetState ca;
    ca.asset = std::make_shared<const model::Asset>(
        model::Asset{conn, conn, model::AssetKind::kConnection, "", conn});
    s.assets.push_back(ca);
    std::string db_key = model::make_key(conn, "analytics");
    model::AssetState db;
    db.asset = std::make_shared<const model::Asset>(
        model::Asset{db_key, "analytics", model::AssetKind::kDatabase, conn, conn});
    s.assets.push_back(db);
    model::ConnectionState cs;
    cs.name = conn;
    cs.type = "postgres";
    cs.last_run = now - minutes(3);
    cs.last_success = now - minutes(3);
    cs.next_run = now + minutes(12);
    for (std::size_t sc = 0; made < leaves && sc * per_schema < per_connection; ++sc) {
      std::string schema = fmt::format("schema_{:03}", sc);
      std::string schema_key = model::make_key(conn, "analytics." + schema);
      model::AssetState sa;
      sa.asset = std::make_shared<const model::Asset>(
          model::Asset{schema_key, schema, model::AssetKind::kSchema, db_key, conn});
      s.assets.push_back(sa);
      for (std::size_t t = 0; t < per_schema && made < leaves; ++t, ++made) {
        std::string table = fmt::format("table_{:03}", t);
        model::AssetState ta;
        model::Asset table_asset;
        table_asset.key = model::make_key(conn, fmt::format("analytics.{}.{}", schema, table));
        table_asset.name = table;
        table_asset.kind = t % 10 == 9 ? model::AssetKind::kView : model::AssetKind::kTable;
        table_asset.parent = schema_key;
        table_asset.connection = conn;
        table_asset.owner = kOwners[next() % 5];
        table_asset.tags = {kTags[next() % 6], kTags[next() % 6]};
        if (table_asset.tags[0] == table_asset.tags[1]) table_asset.tags.pop_back();
        table_asset.relation = fmt::format("analytics.{}.{}", schema, table);
        ta.asset = std::make_shared<const model::Asset>(std::move(table_asset));
        std::uint64_t roll = next() % 100;
        auto& e = ta.evaluation;
        e.policy = "default";
        e.signal = "pg_stat_user_tables";
        if (roll < 80) {
          e.status = Status::kFresh;
          e.changed_at = now - seconds(static_cast<long>(next() % 20'000));
          e.reason = "changed today";
        } else if (roll < 90) {
          e.status = Status::kWarn;
          e.changed_at = now - hours(24 + static_cast<long>(next() % 200));
          e.reason = "changed 2 d ago; warn after 1 d";
        } else if (roll < 95) {
          e.status = Status::kError;
          e.changed_at = now - days(101 + static_cast<long>(next() % 50));
          e.reason = "changed more than 100 d ago";
        } else {
          e.status = Status::kUnknown;
          e.error = "permission denied for table " + table;
          e.reason = "no reading";
        }
        if (e.changed_at) e.age = now - *e.changed_at;
        model::Observation o;
        o.asset_key = ta.asset->key;
        o.observed_at = now - minutes(3);
        o.changed_at = e.changed_at;
        o.signal = e.signal;
        o.evidence = "n_tup_ins+n_tup_upd+n_tup_del rose from 10 to 12";
        o.row_count = static_cast<std::int64_t>(next() % 1'000'000);
        o.error = e.error;
        ta.observations.push_back(o);
        if (t > 0 && t % 3 == 0) {
          s.edges.push_back({model::make_key(conn, fmt::format("analytics.{}.table_{:03}", schema, t - 1)),
                             ta.asset->key});
        }
        s.assets.push_back(std::move(ta));
        ++cs.asset_count;
      }
    }
    s.connections.push_back(cs);
  }
  finish_snapshot(s);
  // 90 days of bars for every table: mostly fresh, the first days partly without data.
  s.history_days = 90;
  s.history_cells.assign(s.assets.size() * 90, {});
  for (std::size_t i = 0; i < s.assets.size(); ++i) {
    if (model::is_container(s.assets[i].asset->kind)) continue;
    for (std::size_t d = 0; d < 90; ++d) {
      auto& cell = s.history_cells[i * 90 + d];
      cell.has_data = d >= 5 || (next() % 2);
      std::uint64_t r = next() % 100;
      cell.worst = r < 90 ? Status::kFresh : r < 96 ? Status::kWarn : r < 99 ? Status::kError
                                                                           : Status::kUnknown;
    }
  }
  // Impact: a downstream asset of a stale one.
  for (const auto& e : s.edges) {
    const auto* up = s.find(e.upstream);
    auto* down = const_cast<model::AssetState*>(s.find(e.downstream));
    if (up && down && (up->evaluation.status == Status::kWarn || up->evaluation.status == Status::kError)) {
      down->impacted = true;
      down->root_causes.push_back(e.upstream);
    }
  }
  return s;
}

}  // namespace freshwatch::http
