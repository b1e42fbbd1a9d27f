// What the Looker connector reads from the Looker API 4.0, as plain values, and the pure
// decoders of the API's JSON answers into them (tested on fixtures, among them a real dashboard
// export). Ids are strings, as API 4.0 sends them; the decoders also accept the integers older
// instances send. A field Looker leaves out or sends as null reads as empty.
//
// Thread contract: plain values and pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "model/asset.h"

namespace freshwatch::connectors::looker {

// POST /login.
struct AccessToken {
  std::string access_token;
  std::chrono::seconds expires_in{0};
};

// GET /folders: the whole tree at once.
struct Folder {
  std::string id;
  std::string name;
  std::string parent_id;  // empty at the root
  bool personal = false;  // is_personal or is_personal_descendant
  bool users_root = false;
};

// A saved query (Query); its definition never changes once it has an id.
struct QueryDef {
  std::string id;
  std::string model;
  std::string explore;  // the Query's `view`
  std::vector<std::string> fields, pivots, fill_fields;
  std::vector<std::pair<std::string, std::string>> filters;  // field -> Looker filter expression
  std::string filter_expression;
  std::string dynamic_fields;

  bool operator==(const QueryDef&) const = default;
};

// A dashboard filter applied to one of the tile's fields (result_maker.filterables[].listen[]).
struct Listen {
  std::string filter;  // the dashboard filter's name
  std::string field;
};

// A dashboard element (tile).
struct Element {
  std::string id;
  std::string title;              // title, else title_text
  std::string type;               // vis, text, button, ...
  std::optional<QueryDef> query;  // query, else result_maker.query
  std::string query_id;
  std::string look_id;
  std::string look_title;
  std::optional<QueryDef> look_query;
  std::string merge_result_id;
  std::string sql_query_id;  // SQL Runner tiles
  std::vector<Listen> listens;
};

struct DashboardFilter {
  std::string name;
  std::string default_value;
};

// One row of search_dashboards.
struct DashboardSummary {
  std::string id;
  std::string title;
  std::string folder_id;
  bool deleted = false;
  model::Usage usage;
};

// GET /dashboards/{id}.
struct Dashboard {
  std::string id;
  std::string title;
  std::string folder_id;
  bool deleted = false;
  std::vector<Element> elements;
  std::vector<DashboardFilter> filters;
};

// One row of search_looks.
struct Look {
  std::string id;
  std::string title;
  std::string folder_id;
  std::string query_id;
  bool deleted = false;
  model::Usage usage;
};

// GET /merge_queries/{id}: the saved queries whose results it merges.
struct MergeQuery {
  std::string id;
  std::vector<std::string> query_ids;
};

struct Join {
  std::string name;            // the join's alias in SQL
  std::string from;            // the view joined, when it differs from name
  std::string sql_table_name;  // a join-level override; rarely set
};

// GET /lookml_models/{model}/explores/{explore}.
struct Explore {
  std::string model;
  std::string name;
  std::string connection_name;
  std::string dialect_name;
  std::string view_name;       // the base view
  std::string sql_table_name;  // the base view's table, possibly "table AS alias"
  std::vector<Join> joins;
  // Changes whenever the answer does (FNV-1a of the body), so a query's trace is redone when
  // the explore behind it changed.
  std::string fingerprint;
};

// GET /connections/{name}.
struct LookerConnection {
  std::string name;
  std::string dialect_name;
  std::string database;
  std::string schema;
  std::string tmp_db_name;  // the scratch schema holding persistent derived tables
  std::string host;         // BigQuery: the project
};

Result<AccessToken> parse_access_token(std::string_view json);
Result<std::vector<Folder>> parse_folders(std::string_view json);
Result<std::vector<DashboardSummary>> parse_dashboard_summaries(std::string_view json);
Result<Dashboard> parse_dashboard(std::string_view json);
Result<std::vector<Look>> parse_looks(std::string_view json);
Result<QueryDef> parse_query(std::string_view json);
Result<MergeQuery> parse_merge_query(std::string_view json);
Result<Explore> parse_explore(std::string_view json);
Result<LookerConnection> parse_connection(std::string_view json);
// The `message` of a Looker error body ({"message": ..., "documentation_url": ...}), or the
// body's start when it is not one.
std::string error_message(std::string_view body);

// The JSON body of POST /queries/run/sql: the query's definition with `extra` filters added
// (replacing the query's own filter on the same field).
std::string inline_query_body(const QueryDef& query,
                              const std::vector<std::pair<std::string, std::string>>& extra);

// 16 hex digits of FNV-1a 64.
std::string fingerprint(std::string_view text);

}  // namespace freshwatch::connectors::looker
