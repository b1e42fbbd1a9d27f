#include "connectors/looker/content.h"

#include <cstdint>

#include <fmt/format.h>
#include <simdjson.h>

#include "connectors/looker/json_fields.h"
#include "core/json.h"
#include "core/time.h"

namespace freshwatch::connectors::looker {
namespace {

namespace dom = simdjson::dom;
using simdjson::SUCCESS;

using json::array;
using json::flag;
using json::object;
using json::strings;
using json::text;

std::optional<core::TimePoint> time(dom::element e, std::string_view key) {
  const std::string t = text(e, key);
  if (t.empty()) return std::nullopt;
  auto parsed = core::parse_timestamp(t);
  if (!parsed) return std::nullopt;
  return *parsed;
}

model::Usage usage(dom::element e) {
  model::Usage u;
  u.last_accessed_at = time(e, "last_accessed_at");
  u.last_viewed_at = time(e, "last_viewed_at");
  std::int64_t n = 0;
  if (e.at_key("view_count").get_int64().get(n) == SUCCESS) u.view_count = n;
  return u;
}

// Parses `json` and hands its root to `read`; simdjson's errors become kParse.
template <typename F>
auto with_root(std::string_view json, std::string_view what, F read)
    -> Result<decltype(read(std::declval<dom::element>()))> {
  dom::parser parser;
  dom::element root;
  const simdjson::padded_string padded(json);
  if (auto error = parser.parse(padded).get(root); error != SUCCESS)
    return fail(ErrorCode::kParse, "Looker's answer to {} is not JSON ({})", what,
                simdjson::error_message(error));
  return read(root);
}

template <typename T, typename F>
Result<std::vector<T>> each(std::string_view json, std::string_view what, F read) {
  dom::parser parser;
  dom::element root;
  const simdjson::padded_string padded(json);
  if (auto error = parser.parse(padded).get(root); error != SUCCESS)
    return fail(ErrorCode::kParse, "Looker's answer to {} is not JSON ({})", what,
                simdjson::error_message(error));
  dom::array items;
  if (root.get_array().get(items) != SUCCESS)
    return fail(ErrorCode::kParse, "Looker's answer to {} is not a list", what);
  std::vector<T> out;
  for (dom::element item : items)
    if (item.type() == dom::element_type::OBJECT) out.push_back(read(item));
  return out;
}

QueryDef query_def(dom::element q) {
  QueryDef d;
  d.id = text(q, "id");
  d.model = text(q, "model");
  d.explore = text(q, "view");
  d.fields = strings(q, "fields");
  d.pivots = strings(q, "pivots");
  d.fill_fields = strings(q, "fill_fields");
  if (auto filters = object(q, "filters")) {
    dom::object o;
    if (filters->get_object().get(o) == SUCCESS)
      for (auto [key, value] : o) {
        std::string_view s;
        if (value.get_string().get(s) == SUCCESS) d.filters.emplace_back(key, s);
      }
  }
  d.filter_expression = text(q, "filter_expression");
  d.dynamic_fields = text(q, "dynamic_fields");
  return d;
}

Element element(dom::element e) {
  Element x;
  x.id = text(e, "id");
  x.title = text(e, "title");
  if (x.title.empty()) x.title = text(e, "title_text");
  x.type = text(e, "type");
  x.query_id = text(e, "query_id");
  x.look_id = text(e, "look_id");
  x.merge_result_id = text(e, "merge_result_id");
  if (auto q = object(e, "query")) x.query = query_def(*q);
  if (auto look = object(e, "look")) {
    x.look_title = text(*look, "title");
    if (x.look_id.empty()) x.look_id = text(*look, "id");
    if (auto q = object(*look, "query")) x.look_query = query_def(*q);
    if (x.look_query && x.look_query->id.empty()) x.look_query->id = text(*look, "query_id");
  }
  if (auto rm = object(e, "result_maker")) {
    if (!x.query)
      if (auto q = object(*rm, "query")) x.query = query_def(*q);
    if (x.query_id.empty() && x.look_id.empty()) x.query_id = text(*rm, "query_id");
    if (x.merge_result_id.empty()) x.merge_result_id = text(*rm, "merge_result_id");
    x.sql_query_id = text(*rm, "sql_query_id");
    for (dom::element f : array(*rm, "filterables"))
      for (dom::element l : array(f, "listen")) {
        Listen listen{text(l, "dashboard_filter_name"), text(l, "field")};
        if (!listen.filter.empty() && !listen.field.empty()) x.listens.push_back(std::move(listen));
      }
  }
  if (x.query && x.query->id.empty()) x.query->id = x.query_id;
  if (x.query_id.empty() && x.query) x.query_id = x.query->id;
  return x;
}

void append_list(std::string& out, std::string_view key, const std::vector<std::string>& items) {
  if (items.empty()) return;
  out += fmt::format(",{}:{}", core::json_string(key), json::string_list(items));
}

}  // namespace

Result<AccessToken> parse_access_token(std::string_view json) {
  auto token = with_root(json, "POST /login", [](dom::element root) {
    AccessToken t;
    t.access_token = text(root, "access_token");
    std::int64_t s = 0;
    if (root.at_key("expires_in").get_int64().get(s) == SUCCESS)
      t.expires_in = std::chrono::seconds(s);
    return t;
  });
  if (token && token->access_token.empty())
    return fail(ErrorCode::kParse, "Looker's answer to POST /login has no access_token");
  return token;
}

Result<std::vector<Folder>> parse_folders(std::string_view json) {
  return each<Folder>(json, "GET /folders", [](dom::element f) {
    return Folder{.id = text(f, "id"),
                  .name = text(f, "name"),
                  .parent_id = text(f, "parent_id"),
                  .personal = flag(f, "is_personal") || flag(f, "is_personal_descendant"),
                  .users_root = flag(f, "is_users_root")};
  });
}

Result<std::vector<DashboardSummary>> parse_dashboard_summaries(std::string_view json) {
  return each<DashboardSummary>(json, "GET /dashboards/search", [](dom::element d) {
    return DashboardSummary{.id = text(d, "id"),
                            .title = text(d, "title"),
                            .folder_id = text(d, "folder_id"),
                            .deleted = flag(d, "deleted"),
                            .usage = usage(d)};
  });
}

Result<Dashboard> parse_dashboard(std::string_view json) {
  auto d = with_root(json, "GET /dashboards/{id}", [](dom::element root) {
    Dashboard d;
    if (root.type() != dom::element_type::OBJECT) return d;
    d.id = text(root, "id");
    d.title = text(root, "title");
    d.folder_id = text(root, "folder_id");
    d.deleted = flag(root, "deleted");
    for (dom::element e : array(root, "dashboard_elements")) d.elements.push_back(element(e));
    for (dom::element f : array(root, "dashboard_filters"))
      d.filters.push_back({text(f, "name"), text(f, "default_value")});
    return d;
  });
  if (d && d->id.empty()) return fail(ErrorCode::kParse, "Looker sent a dashboard without an id");
  return d;
}

Result<std::vector<Look>> parse_looks(std::string_view json) {
  return each<Look>(json, "GET /looks/search", [](dom::element l) {
    return Look{.id = text(l, "id"),
                .title = text(l, "title"),
                .folder_id = text(l, "folder_id"),
                .query_id = text(l, "query_id"),
                .deleted = flag(l, "deleted"),
                .usage = usage(l)};
  });
}

Result<QueryDef> parse_query(std::string_view json) {
  auto q = with_root(json, "GET /queries/{id}", [](dom::element root) { return query_def(root); });
  if (q && (q->model.empty() || q->explore.empty()))
    return fail(ErrorCode::kParse, "Looker sent query {} without its model and explore", q->id);
  return q;
}

Result<MergeQuery> parse_merge_query(std::string_view json) {
  return with_root(json, "GET /merge_queries/{id}", [](dom::element root) {
    MergeQuery m;
    m.id = text(root, "id");
    for (dom::element s : array(root, "source_queries")) {
      std::string id = text(s, "query_id");
      if (!id.empty()) m.query_ids.push_back(std::move(id));
    }
    return m;
  });
}

Result<Explore> parse_explore(std::string_view json) {
  auto e = with_root(json, "GET /lookml_models/{model}/explores/{explore}", [&](dom::element root) {
    Explore x;
    x.model = text(root, "model_name");
    x.name = text(root, "name");
    x.connection_name = text(root, "connection_name");
    x.dialect_name = text(root, "dialect_name");
    x.view_name = text(root, "view_name");
    x.sql_table_name = text(root, "sql_table_name");
    for (dom::element j : array(root, "joins"))
      x.joins.push_back({text(j, "name"), text(j, "from"), text(j, "sql_table_name")});
    x.fingerprint = fingerprint(json);
    return x;
  });
  if (e && e->connection_name.empty())
    return fail(ErrorCode::kParse, "Looker sent explore {} without its connection_name", e->name);
  return e;
}

Result<LookerConnection> parse_connection(std::string_view json) {
  return with_root(json, "GET /connections/{name}", [](dom::element root) {
    LookerConnection c;
    c.name = text(root, "name");
    c.dialect_name = text(root, "dialect_name");
    if (c.dialect_name.empty())
      if (auto dialect = object(root, "dialect")) c.dialect_name = text(*dialect, "name");
    c.database = text(root, "database");
    c.schema = text(root, "schema");
    c.tmp_db_name = text(root, "tmp_db_name");
    c.host = text(root, "host");
    return c;
  });
}

std::string error_message(std::string_view body) {
  auto m = with_root(body, "a request", [](dom::element root) { return text(root, "message"); });
  if (m && !m->empty()) return *m;
  std::string start(body.substr(0, 200));
  for (char& c : start)
    if (c == '\n' || c == '\r') c = ' ';
  return start;
}

std::string inline_query_body(const QueryDef& q,
                              const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string out = fmt::format("{{\"model\":{},\"view\":{}", core::json_string(q.model),
                                core::json_string(q.explore));
  append_list(out, "fields", q.fields);
  append_list(out, "pivots", q.pivots);
  append_list(out, "fill_fields", q.fill_fields);
  std::vector<std::pair<std::string, std::string>> filters = q.filters;
  for (const auto& [field, value] : extra) {
    bool replaced = false;
    for (auto& f : filters)
      if (f.first == field) f.second = value, replaced = true;
    if (!replaced) filters.emplace_back(field, value);
  }
  if (!filters.empty()) {
    out += ",\"filters\":{";
    for (std::size_t i = 0; i < filters.size(); ++i)
      out += fmt::format("{}{}:{}", i ? "," : "", core::json_string(filters[i].first),
                         core::json_string(filters[i].second));
    out += '}';
  }
  if (!q.filter_expression.empty())
    out += fmt::format(",\"filter_expression\":{}", core::json_string(q.filter_expression));
  if (!q.dynamic_fields.empty())
    out += fmt::format(",\"dynamic_fields\":{}", core::json_string(q.dynamic_fields));
  out += '}';
  return out;
}

std::string fingerprint(std::string_view text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

}  // namespace freshwatch::connectors::looker
