#include "connectors/looker/build.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace freshwatch::connectors::looker {
namespace {

std::string source_key(const std::string& query_id,
                       const std::vector<std::pair<std::string, std::string>>& filters) {
  if (filters.empty()) return "query:" + query_id;
  std::string canonical;
  for (const auto& [field, value] : filters) canonical += field + '\n' + value + '\n';
  return fmt::format("query:{};filters:{}", query_id, fingerprint(canonical));
}

// The defaults of the dashboard filters the element listens to, by field.
std::vector<std::pair<std::string, std::string>> defaults(const Dashboard& d, const Element& e) {
  std::map<std::string, std::string> by_field;
  for (const auto& l : e.listens)
    for (const auto& f : d.filters)
      if (f.name == l.filter && !f.default_value.empty()) by_field[l.field] = f.default_value;
  return {by_field.begin(), by_field.end()};
}

Source query_source(std::string query_id, std::optional<QueryDef> def,
                    std::vector<std::pair<std::string, std::string>> filters) {
  // Filters only change the SQL of a query whose definition can be sent again.
  if (!def) filters.clear();
  Source s;
  s.key = source_key(query_id, filters);
  s.query_id = std::move(query_id);
  s.def = std::move(def);
  s.filters = std::move(filters);
  return s;
}

class Builder {
 public:
  Builder(const Content& content, const BuildOptions& options, core::TimePoint now,
          const KnownCollection* known, const PreviousObservations& previous)
      : content_(content), options_(options), now_(now), known_(known), previous_(previous) {
    conn_ = options.connection.name;
    base_ = options.base_url;
    if (known_)
      for (std::size_t i = 0; i < known_->assets.size(); ++i)
        known_index_.emplace(known_->assets[i]->key, i);
  }

  Collection run() {
    out_.assets.push_back(connection_asset(options_.connection));
    out_.assets.back().url = base_;
    emitted_.insert(conn_);
    add_folders();
    for (const auto& summary : content_.dashboards) add_dashboard(summary);
    for (const auto& look : content_.looks) add_look(look);
    return std::move(out_);
  }

 private:
  model::Asset asset(std::string key, std::string name, model::AssetKind kind,
                     std::string parent) const {
    model::Asset a;
    a.key = std::move(key);
    a.name = std::move(name);
    a.kind = kind;
    a.parent = std::move(parent);
    a.connection = conn_;
    a.owner = options_.connection.owner;
    a.tags = options_.connection.tags;
    return a;
  }

  void emit(model::Asset a) {
    if (emitted_.insert(a.key).second) out_.assets.push_back(std::move(a));
  }

  std::string folder_key(const std::string& id) const {
    return id.empty() || !folders_.contains(id) ? conn_ : model::make_key(conn_, "folder/" + id);
  }

  void add_folders() {
    excluded_ = excluded_folders(content_.folders, options_.include_personal);
    for (const auto& f : content_.folders)
      if (!excluded_.contains(f.id) && !f.id.empty()) folders_.insert(f.id);
    for (const auto& f : content_.folders) {
      if (!folders_.contains(f.id)) continue;
      auto a = asset(model::make_key(conn_, "folder/" + f.id), f.name.empty() ? f.id : f.name,
                     model::AssetKind::kFolder, folder_key(f.parent_id));
      a.url = fmt::format("{}/folders/{}", base_, f.id);
      emit(std::move(a));
    }
  }

  bool left_out(const std::string& folder_id) const {
    return !folder_id.empty() && excluded_.contains(folder_id);
  }

  void add_dashboard(const DashboardSummary& summary) {
    if (summary.deleted || left_out(summary.folder_id)) return;
    auto detail = content_.details.find(summary.id);
    const std::string key = model::make_key(conn_, "dashboard/" + summary.id);
    if (detail != content_.details.end() && detail->second && detail->second->deleted) return;
    auto a = asset(key, summary.title.empty() ? "Dashboard " + summary.id : summary.title,
                   model::AssetKind::kDashboard, folder_key(summary.folder_id));
    a.url = fmt::format("{}/dashboards/{}", base_, summary.id);
    a.usage = summary.usage;
    emit(std::move(a));

    if (detail == content_.details.end() || !detail->second) {
      const std::string why = detail == content_.details.end() ? std::string("it was not read")
                                                               : detail->second.error().message;
      observe(key,
              fmt::format("could not read dashboard {} from Looker: {}; its tiles and their "
                          "lineage are kept as last read",
                          summary.id, why),
              {});
      keep_known_children(key);
      return;
    }
    observe(key, {}, {});
    const Dashboard& d = *detail->second;
    for (const auto& e : d.elements) add_tile(d, e, key);
  }

  void add_tile(const Dashboard& d, const Element& e, const std::string& dashboard_key) {
    Sources sources = element_sources(d, e, content_.merges);
    if (!sources.data || e.id.empty()) return;
    std::string name = e.title;
    if (name.empty()) name = e.look_title;
    if (name.empty() && e.query) name = fmt::format("{} query {}", e.query->explore, e.query->id);
    if (name.empty() && !e.merge_result_id.empty())
      name = fmt::format("Merged results {}", e.merge_result_id);
    if (name.empty()) name = "Tile " + e.id;
    const std::string key = fmt::format("{}/tile/{}", dashboard_key, e.id);
    auto a = asset(key, std::move(name), model::AssetKind::kTile, dashboard_key);
    a.url = fmt::format("{}/dashboards/{}", base_, d.id);
    emit(std::move(a));
    add_lineage(key, sources);
  }

  void add_look(const Look& look) {
    if (look.deleted || left_out(look.folder_id) || look.id.empty()) return;
    const std::string key = model::make_key(conn_, "look/" + look.id);
    auto a = asset(key, look.title.empty() ? "Look " + look.id : look.title,
                   model::AssetKind::kLook, folder_key(look.folder_id));
    a.url = fmt::format("{}/looks/{}", base_, look.id);
    a.usage = look.usage;
    emit(std::move(a));
    add_lineage(key, look_sources(look));
  }

  // Edges into `consumer` from every table its queries read.
  void add_lineage(const std::string& consumer, const Sources& sources) {
    std::vector<std::string> errors, notes = sources.notes;
    if (!sources.error.empty()) errors.push_back(sources.error);
    // Tables no configured connection monitors, by Looker connection.
    std::map<std::string, std::vector<std::string>> unmonitored;
    for (const auto& s : sources.sources) {
      auto it = content_.lineage.find(s.key);
      if (it == content_.lineage.end()) {
        errors.push_back(fmt::format("query {} was not traced", s.query_id));
        continue;
      }
      if (!it->second.trace) {
        errors.push_back(it->second.error);
        continue;
      }
      const Trace& t = *it->second.trace;
      for (const auto& n : t.notes)
        if (std::find(notes.begin(), notes.end(), n) == notes.end()) notes.push_back(n);
      const bool monitored = options_.warehouses.contains(t.connection);
      for (const auto& table : t.tables) {
        const std::string tk = table_asset(t.connection, table.relation);
        add_edge({tk, consumer, table.via});
        if (!monitored) {
          auto& list = unmonitored[t.connection];
          if (std::find(list.begin(), list.end(), table.relation) == list.end())
            list.push_back(table.relation);
        }
      }
      for (const auto& pdt : t.pdts)
        add_edge({pdt_asset(t.connection, pdt), consumer, "pdt " + pdt.view});
    }
    for (const auto& [looker_connection, tables] : unmonitored)
      notes.push_back(
          fmt::format("reads tables no configured connection monitors: {} (Looker "
                      "connection '{}' is not in `warehouses:`)",
                      fmt::join(tables, ", "), looker_connection));
    if (!errors.empty()) keep_known_edges(consumer);
    observe(consumer, fmt::format("{}", fmt::join(errors, "; ")),
            fmt::format("{}", fmt::join(notes, "; ")));
  }

  void add_edge(model::Edge e) {
    if (edges_.insert(e.upstream + '\n' + e.downstream + '\n' + e.via).second)
      out_.edges.push_back(std::move(e));
  }

  std::string container(const std::string& looker_connection) {
    const std::string key = model::make_key(conn_, "connection/" + looker_connection);
    if (!emitted_.contains(key)) {
      auto a = asset(key, looker_connection, model::AssetKind::kDatabase, conn_);
      auto w = options_.warehouses.find(looker_connection);
      a.description =
          w == options_.warehouses.end()
              ? fmt::format(
                    "The tables Looker reads through its connection '{}'; no freshwatch "
                    "connection is mapped to it in `warehouses:`",
                    looker_connection)
              : fmt::format(
                    "The tables Looker reads through its connection '{}', monitored by "
                    "the freshwatch connection '{}'",
                    looker_connection, w->second);
      emit(std::move(a));
    }
    return key;
  }

  std::string table_asset(const std::string& looker_connection, const std::string& relation) {
    const std::string key =
        model::make_key(conn_, fmt::format("table/{}/{}", looker_connection, relation));
    if (!emitted_.contains(key)) {
      const auto dot = relation.rfind('.');
      auto a = asset(key, dot == std::string::npos ? relation : relation.substr(dot + 1),
                     model::AssetKind::kTable, container(looker_connection));
      a.relation = relation;
      a.referenced = true;
      emit(std::move(a));
    }
    return key;
  }

  std::string pdt_asset(const std::string& looker_connection, const TracedPdt& pdt) {
    const std::string key =
        model::make_key(conn_, fmt::format("pdt/{}/{}", looker_connection, pdt.view));
    if (!emitted_.contains(key)) {
      auto a = asset(key, pdt.view, model::AssetKind::kView, container(looker_connection));
      a.description = fmt::format(
          "The persistent derived table of view {}, which Looker builds in its scratch schema "
          "(last seen as {}) and renames on every rebuild",
          pdt.view, pdt.table);
      emit(std::move(a));
    }
    return key;
  }

  // An observation when there is something to say, or something said before to replace.
  void observe(const std::string& key, std::string error, std::string evidence) {
    if (error.empty() && evidence.empty()) {
      const auto* before = previous_.find(key, kSignal);
      if (!before || (before->ok() && before->evidence.empty())) return;
    }
    model::Observation o;
    o.asset_key = key;
    o.observed_at = now_;
    o.signal = std::string(kSignal);
    o.error = std::move(error);
    o.evidence = std::move(evidence);
    out_.observations.push_back(std::move(o));
  }

  // A known asset and the parents it needs, when not emitted this run.
  void keep_known_asset(const std::string& key) {
    std::string k = key;
    while (!k.empty() && !emitted_.contains(k)) {
      auto it = known_index_.find(k);
      if (it == known_index_.end()) return;
      const model::Asset& a = *known_->assets[it->second];
      emit(a);
      k = a.parent;
    }
  }

  void keep_known_edges(const std::string& consumer) {
    if (!known_) return;
    for (const auto& e : known_->edges)
      if (e.downstream == consumer) {
        keep_known_asset(e.upstream);
        if (emitted_.contains(e.upstream)) add_edge(e);
      }
  }

  void keep_known_children(const std::string& parent) {
    if (!known_) return;
    for (const auto& a : known_->assets)
      if (a->parent == parent && !emitted_.contains(a->key)) {
        emit(*a);
        keep_known_edges(a->key);
      }
  }

  const Content& content_;
  const BuildOptions& options_;
  core::TimePoint now_;
  const KnownCollection* known_;
  const PreviousObservations& previous_;
  std::string conn_, base_;
  Collection out_;
  std::unordered_set<std::string> emitted_, edges_;
  std::unordered_map<std::string, std::size_t> known_index_;
  std::set<std::string> excluded_, folders_;
};

}  // namespace

Sources element_sources(const Dashboard& dashboard, const Element& e,
                        const std::map<std::string, Result<MergeQuery>>& merges) {
  Sources out;
  if (!e.merge_result_id.empty()) {
    auto m = merges.find(e.merge_result_id);
    if (m == merges.end()) {
      out.error = fmt::format("merged results {} were not read", e.merge_result_id);
    } else if (!m->second) {
      out.error = fmt::format("could not read merged results {}: {}", e.merge_result_id,
                              m->second.error().message);
    } else {
      for (const auto& id : m->second->query_ids) out.sources.push_back(query_source(id, {}, {}));
      if (m->second->query_ids.empty())
        out.notes.push_back(
            fmt::format("merged results {} list no source query", e.merge_result_id));
    }
    return out;
  }
  if (!e.look_id.empty()) {
    std::string query_id = e.look_query ? e.look_query->id : std::string();
    if (query_id.empty()) query_id = e.query_id;
    if (query_id.empty()) {
      out.error = fmt::format("Look {} of this tile has no query", e.look_id);
      return out;
    }
    out.sources.push_back(query_source(query_id, e.look_query, defaults(dashboard, e)));
    return out;
  }
  if (!e.query_id.empty()) {
    out.sources.push_back(query_source(e.query_id, e.query, defaults(dashboard, e)));
    return out;
  }
  if (!e.sql_query_id.empty()) {
    out.notes.push_back("a SQL Runner tile: its SQL is not traced");
    return out;
  }
  out.data = false;  // text, button and other tiles without a query
  return out;
}

Sources look_sources(const Look& look) {
  Sources out;
  if (look.query_id.empty())
    out.error = fmt::format("Look {} has no query", look.id);
  else
    out.sources.push_back(query_source(look.query_id, {}, {}));
  return out;
}

std::set<std::string> excluded_folders(const std::vector<Folder>& folders, bool include_personal) {
  std::set<std::string> out;
  if (include_personal) return out;
  std::unordered_map<std::string, const Folder*> by_id;
  for (const auto& f : folders) by_id.emplace(f.id, &f);
  for (const auto& f : folders) {
    // Walk up; a cycle or a long chain stops at the folder count.
    const Folder* at = &f;
    for (std::size_t steps = 0; at && steps <= folders.size(); ++steps) {
      if (at->personal || at->users_root || out.contains(at->id)) {
        out.insert(f.id);
        break;
      }
      auto parent = by_id.find(at->parent_id);
      at = at->parent_id.empty() || parent == by_id.end() ? nullptr : parent->second;
    }
  }
  return out;
}

Collection build(const Content& content, const BuildOptions& options, core::TimePoint now,
                 const KnownCollection* known, const PreviousObservations& previous) {
  return Builder(content, options, now, known, previous).run();
}

}  // namespace freshwatch::connectors::looker
