#include "connectors/dbt/collection.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "connectors/identifiers.h"
#include "core/time.h"
#include "lineage/graph.h"

namespace freshwatch::connectors::dbt {

namespace {

model::AssetKind kind_of(ResourceType type) {
  switch (type) {
    case ResourceType::kModel: return model::AssetKind::kModel;
    case ResourceType::kSeed: return model::AssetKind::kSeed;
    case ResourceType::kSnapshot: return model::AssetKind::kSnapshot;
    case ResourceType::kSource: return model::AssetKind::kSource;
    case ResourceType::kExposure: return model::AssetKind::kExposure;
  }
  return model::AssetKind::kModel;
}

std::string describe(const FreshnessCriteria& c) {
  auto part = [](std::string_view what, const std::optional<core::Duration>& d) {
    return d ? fmt::format("{} {}", what, core::format_age(*d)) : std::string();
  };
  std::string warn = part("warn after", c.warn_after), error = part("error after", c.error_after);
  if (warn.empty()) return error;
  if (error.empty()) return warn;
  return warn + ", " + error;
}

std::optional<core::TimePoint> generated_at(const Metadata& m) {
  if (m.generated_at.empty()) return std::nullopt;
  auto t = core::parse_timestamp(m.generated_at);
  if (!t) return std::nullopt;
  return *t;
}

std::string display_name(const Node& n) {
  if (n.type == ResourceType::kSource && !n.source_name.empty())
    return fmt::format("{}.{}", n.source_name, n.name);
  if (n.type == ResourceType::kExposure && !n.label.empty()) return n.label;
  return n.name;
}

}  // namespace

std::string project_name(const Manifest& manifest) {
  if (!manifest.metadata.project_name.empty()) return manifest.metadata.project_name;
  // Older manifests: installed packages live below the root project's folder.
  const Node* shortest = nullptr;
  for (const auto& n : manifest.nodes)
    if (!n.root_path.empty() && !n.package_name.empty() &&
        (!shortest || n.root_path.size() < shortest->root_path.size()))
      shortest = &n;
  if (shortest) return shortest->package_name;
  std::unordered_map<std::string_view, std::string_view> package_of;
  std::map<std::string_view, std::size_t> count;
  for (const auto& n : manifest.nodes) {
    package_of[n.unique_id] = n.package_name;
    if (!n.package_name.empty()) ++count[n.package_name];
  }
  std::set<std::string_view> used;  // packages some other package depends on
  for (const auto& n : manifest.nodes)
    for (const auto& d : n.depends_on)
      if (auto it = package_of.find(d); it != package_of.end() && it->second != n.package_name)
        used.insert(it->second);
  std::string_view best;
  std::size_t best_count = 0;
  for (int pass = 0; pass < 2 && best.empty(); ++pass)
    for (const auto& [package, c] : count)
      if ((pass == 1 || !used.contains(package)) && c > best_count) best = package, best_count = c;
  return best.empty() ? std::string("dbt") : std::string(best);
}

Built build_collection(const Artifacts& artifacts, const BuildOptions& options) {
  Built built;
  Collection& out = built.collection;
  const Manifest& manifest = artifacts.manifest;
  const std::string& conn = options.connection;
  const std::string& adapter = manifest.metadata.adapter_type;
  out.warnings = manifest.warnings;

  const std::string project = project_name(manifest);
  const std::string project_key = model::make_key(conn, project);
  out.assets.push_back(model::Asset{.key = conn,
                                    .name = conn,
                                    .kind = model::AssetKind::kConnection,
                                    .connection = conn,
                                    .owner = options.owner,
                                    .tags = options.tags});
  out.assets.push_back(model::Asset{.key = project_key,
                                    .name = project,
                                    .kind = model::AssetKind::kProject,
                                    .parent = conn,
                                    .connection = conn,
                                    .owner = options.owner,
                                    .tags = options.tags});

  // Containers: package, then one folder per directory level.
  std::unordered_set<std::string> containers;
  auto container = [&](const std::string& key, std::string name, model::AssetKind kind,
                       const std::string& parent) {
    if (!containers.insert(key).second) return;
    out.assets.push_back(model::Asset{.key = key,
                                      .name = std::move(name),
                                      .kind = kind,
                                      .parent = parent,
                                      .connection = conn,
                                      .owner = options.owner,
                                      .tags = options.tags});
  };
  // One parent per (package, folder of original_file_path), made once: most nodes share theirs.
  // The views are into the manifest's strings (and `project`), which outlive the build.
  std::unordered_map<std::string_view, std::unordered_map<std::string_view, std::string>> parents;
  auto parent_for = [&](const Node& n) -> const std::string& {
    const std::string& package = n.package_name.empty() ? project : n.package_name;
    std::string_view path = n.original_file_path;
    const auto last = path.rfind('/');
    const std::string_view folder = last == std::string_view::npos ? std::string_view() : path.substr(0, last);
    auto& of_package = parents[package];
    if (auto it = of_package.find(folder); it != of_package.end()) return it->second;
    std::string parent = fmt::format("{}/{}", project_key, package);
    container(parent, package, model::AssetKind::kPackage, project_key);
    for (auto slash = path.find('/'); slash != std::string_view::npos;
         slash = path.find('/', slash + 1)) {
      const std::string_view dir = path.substr(0, slash);
      if (dir.empty()) continue;
      std::string key = fmt::format("{}/{}/{}", project_key, package, dir);
      const auto at = dir.rfind('/');
      container(key, std::string(at == std::string_view::npos ? dir : dir.substr(at + 1)),
                model::AssetKind::kFolder, parent);
      parent = std::move(key);
    }
    return of_package.emplace(folder, std::move(parent)).first->second;
  };

  std::unordered_map<std::string_view, const Node*> by_id;
  by_id.reserve(manifest.nodes.size());
  for (const auto& n : manifest.nodes) by_id.emplace(n.unique_id, &n);

  // Each node's key, made once and copied where an asset or edge needs it; `keys` (the nodes'
  // keys in order, for the cycle check) and key_of (manifest.nodes index -> its key) share them.
  std::vector<std::string> keys;
  keys.reserve(manifest.nodes.size());
  std::vector<std::size_t> key_of(manifest.nodes.size(), 0);
  for (std::size_t i = 0; i < manifest.nodes.size(); ++i) {
    if (manifest.nodes[i].unique_id.empty()) continue;
    key_of[i] = keys.size();
    keys.push_back(model::make_key(conn, manifest.nodes[i].unique_id));
  }
  auto key_for = [&](const Node* n) -> const std::string& {
    return keys[key_of[static_cast<std::size_t>(n - manifest.nodes.data())]];
  };

  std::unordered_map<std::string_view, std::size_t> asset_of;  // unique_id -> out.assets index
  asset_of.reserve(manifest.nodes.size());
  out.assets.reserve(out.assets.size() + manifest.nodes.size() + 64);
  for (const auto& n : manifest.nodes) {
    if (n.unique_id.empty()) continue;
    const std::string& own_key = key_for(&n);
    model::Asset a;
    a.key = own_key;
    a.name = display_name(n);
    a.kind = kind_of(n.type);
    a.parent = parent_for(n);
    a.connection = conn;
    a.owner = n.owner.empty() ? options.owner : n.owner;
    a.tags = n.tags;
    for (const auto& t : options.tags)
      if (std::find(a.tags.begin(), a.tags.end(), t) == a.tags.end()) a.tags.push_back(t);
    a.description = n.description;
    a.url = n.url;
    if (n.type != ResourceType::kExposure && n.materialized != "ephemeral" && !n.identifier.empty())
      a.relation = normalize_relation(adapter, n.database, n.schema, n.identifier,
                                      Quoting{n.quote_database.has_value() ? n.quote_database
                                                                           : manifest.metadata.quote_database,
                                              n.quote_schema.has_value() ? n.quote_schema
                                                                         : manifest.metadata.quote_schema,
                                              n.quote_identifier.has_value()
                                                  ? n.quote_identifier
                                                  : manifest.metadata.quote_identifier});
    if (!n.freshness.empty())
      a.policy = model::Policy{
          .name = "dbt freshness",
          .rule = model::ThresholdRule{n.freshness.warn_after, n.freshness.error_after},
          .origin = fmt::format("dbt: {}", n.original_file_path.empty() ? "manifest.json"
                                                                         : n.original_file_path)};
    asset_of.emplace(n.unique_id, out.assets.size());
    out.assets.push_back(std::move(a));

    for (const auto& d : n.depends_on) {
      if (auto parent = by_id.find(d); parent != by_id.end()) {
        out.edges.push_back({key_for(parent->second), own_key});
      } else if (!d.starts_with("test.") && !d.starts_with("macro.") && !d.starts_with("metric.") &&
                 !d.starts_with("semantic_model.") && !d.starts_with("saved_query.") &&
                 !d.starts_with("operation.") && !d.starts_with("analysis.")) {
        built.problems.push_back(fmt::format(
            "{} depends on {}, which is not in manifest.json", n.unique_id, d));
      }
    }
  }

  // Cycles (dbt refuses them, so a manifest with one was not written by dbt as it is).
  {
    lineage::Graph graph(keys, out.edges);
    for (const auto& p : graph.problems())
      if (p.kind == lineage::Problem::Kind::kCycle)
        built.problems.push_back(fmt::format("dependency cycle in manifest.json: {}", p.message));
  }

  // Source freshness (sources.json, then dbt 2's freshness.json, which wins for the same node).
  std::unordered_map<std::string_view, std::optional<core::TimePoint>> best_change;
  std::unordered_map<std::string_view, std::size_t> freshness_of;  // unique_id -> observation
  auto take_freshness = [&](const FreshnessResults& results, std::string_view file) {
    const auto fallback_time = generated_at(results.metadata).value_or(options.now);
    std::size_t unknown = 0;
    for (const auto& w : results.warnings) out.warnings.push_back(w);
    for (const auto& r : results.results) {
      auto it = by_id.find(r.unique_id);
      if (it == by_id.end()) {
        ++unknown;
        continue;
      }
      model::Observation o;
      o.asset_key = key_for(it->second);
      o.signal = "dbt_source_freshness";
      o.observed_at = r.snapshotted_at.value_or(fallback_time);
      o.changed_at = r.max_loaded_at;
      const FreshnessCriteria& criteria = r.criteria.empty() ? it->second->freshness : r.criteria;
      if (r.status == "runtime error" || (!r.error.empty() && !r.max_loaded_at)) {
        o.error = fmt::format("dbt source freshness failed: {}",
                              r.error.empty() ? std::string("runtime error") : r.error);
      } else {
        o.evidence = fmt::format(
            "dbt source freshness ({}): {}; max({}) = {}{}", file, r.status.empty() ? "?" : r.status,
            it->second->loaded_at_field.empty() ? "loaded_at" : it->second->loaded_at_field,
            r.max_loaded_at ? core::format_timestamp(*r.max_loaded_at) : "null (never loaded)",
            criteria.empty() ? "" : "; " + describe(criteria));
      }
      best_change[it->second->unique_id] = r.max_loaded_at;
      // The node's own policy may come from the result when the manifest has none.
      if (!criteria.empty()) {
        model::Asset& asset = out.assets[asset_of.at(it->second->unique_id)];
        if (!asset.policy)
          asset.policy = model::Policy{
              .name = "dbt freshness",
              .rule = model::ThresholdRule{criteria.warn_after, criteria.error_after},
              .origin = fmt::format("dbt: {}", file)};
      }
      auto [same, added] = freshness_of.emplace(it->second->unique_id, out.observations.size());
      if (added) out.observations.push_back(std::move(o));
      else out.observations[same->second] = std::move(o);
    }
    if (unknown > 0)
      out.warnings.push_back(fmt::format(
          "{}: {} of {} results name nodes that are not in manifest.json (left from another "
          "project?); they were ignored",
          file, unknown, results.results.size()));
  };
  if (artifacts.sources) take_freshness(*artifacts.sources, "sources.json");
  if (artifacts.freshness) take_freshness(*artifacts.freshness, "freshness.json");

  // Last successful runs.
  if (artifacts.run_results) {
    const RunResults& rr = *artifacts.run_results;
    for (const auto& w : rr.warnings) out.warnings.push_back(w);
    const auto fallback_time = generated_at(rr.metadata).value_or(options.now);
    std::size_t unknown = 0;
    for (const auto& r : rr.results) {
      auto it = by_id.find(r.unique_id);
      if (it == by_id.end()) {
        if (!r.unique_id.starts_with("test.") && !r.unique_id.starts_with("operation.") &&
            !r.unique_id.starts_with("analysis."))
          ++unknown;
        continue;
      }
      const Node& n = *it->second;
      if (n.type != ResourceType::kModel && n.type != ResourceType::kSeed &&
          n.type != ResourceType::kSnapshot)
        continue;
      model::Observation o;
      o.asset_key = key_for(it->second);
      o.signal = "dbt_run";
      o.observed_at = r.completed_at.value_or(fallback_time);
      if (r.status == "success") {
        o.changed_at = r.completed_at.value_or(fallback_time);
        o.evidence = fmt::format("dbt run succeeded at {} ({:.1f} s)",
                                 core::format_timestamp(*o.changed_at), r.execution_time);
      } else {
        const model::Observation* before =
            options.previous ? options.previous->find(o.asset_key, "dbt_run") : nullptr;
        if (before && before->changed_at) o.changed_at = before->changed_at;
        o.evidence = fmt::format(
            "latest dbt run {}{}{}; {}", r.status.empty() ? "did not succeed" : r.status,
            r.message.empty() ? "" : ": ", r.message,
            o.changed_at ? fmt::format("last success at {}", core::format_timestamp(*o.changed_at))
                         : std::string("no earlier success known"));
      }
      if (o.changed_at) {
        auto& best = best_change[n.unique_id];
        if (!best || *best < *o.changed_at) best = o.changed_at;
      }
      out.observations.push_back(std::move(o));
    }
    if (unknown > 0)
      out.warnings.push_back(fmt::format(
          "run_results.json{}: {} of {} results name nodes that are not in manifest.json "
          "(left from another project?); they were ignored",
          rr.metadata.invocation_id.empty() || rr.metadata.invocation_id == manifest.metadata.invocation_id
              ? ""
              : fmt::format(" (invocation {}, manifest's {})", rr.metadata.invocation_id,
                            manifest.metadata.invocation_id.empty() ? "unknown" : manifest.metadata.invocation_id),
          unknown, rr.results.size()));
  }

  // Exposures: the oldest change among their direct inputs.
  for (const auto& n : manifest.nodes) {
    if (n.type != ResourceType::kExposure) continue;
    std::optional<core::TimePoint> oldest;
    std::string oldest_id;
    for (const auto& d : n.depends_on) {
      auto it = best_change.find(d);
      if (it == best_change.end() || !it->second) continue;
      if (!oldest || *it->second < *oldest) oldest = it->second, oldest_id = d;
    }
    if (!oldest) continue;
    model::Observation o;
    o.asset_key = key_for(&n);
    o.signal = "dbt_upstream";
    o.observed_at = options.now;
    o.changed_at = oldest;
    o.evidence = fmt::format("oldest input: {} changed at {}", oldest_id, core::format_timestamp(*oldest));
    out.observations.push_back(std::move(o));
  }

  for (const auto& p : built.problems) out.warnings.push_back(p);
  return built;
}

}  // namespace freshwatch::connectors::dbt
