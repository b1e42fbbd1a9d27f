#include "cli/demo_looker.h"

#include <algorithm>
#include <charconv>
#include <random>

#include <fmt/format.h>

#include "core/time.h"
#include "http/encoding.h"
#include "http/json_writer.h"

namespace freshwatch::cli {
namespace {

using namespace std::chrono_literals;

// A view a query reads: its alias in the SQL and the demo table behind it ("schema.name"). The
// first view of a query is its explore's base view; the others are joined on `<view>.order_id`.
struct View {
  std::string alias, table;
};

// `"schema"."name"` as Looker writes a view's sql_table_name on a PostgreSQL connection; a table
// in the connection's default schema (main) is written without it.
std::string quoted(const std::string& table) {
  const auto dot = table.find('.');
  if (table.substr(0, dot) == "main") return fmt::format("\"{}\"", table.substr(dot + 1));
  return fmt::format("\"{}\".\"{}\"", table.substr(0, dot), table.substr(dot + 1));
}

// The SQL Looker generates for `fields` over `views` (base view first), the way it writes it:
// one alias per view, only the joins the query needs, measures aggregated, dimensions grouped.
// With `derived`, the base view is a derived table over `views[0]`, as a common table
// expression named after it.
std::string generate_sql(const std::vector<std::string>& fields, const std::vector<View>& views,
                         const std::string& derived = {}) {
  std::string sql;
  const std::string base = derived.empty() ? views[0].alias : derived;
  if (!derived.empty())
    sql += fmt::format(
        "WITH {0} AS (SELECT {1}.id, {1}.amount, {1}._loaded_at FROM {2} AS {1}\n"
        "  WHERE {1}.id % 3 = 0)\n",
        derived, views[0].alias, quoted(views[0].table));
  sql += "SELECT\n";
  std::vector<std::string> dimensions;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& f = fields[i];
    const auto dot = f.find('.');
    const std::string alias = f.substr(0, dot), name = f.substr(dot + 1);
    std::string column;
    if (name == "count")
      column = fmt::format("COUNT(DISTINCT {}.id)", alias);
    else if (name.starts_with("total_"))
      column = fmt::format("COALESCE(SUM({}.{}), 0)", alias, name.substr(6));
    else {
      column = fmt::format("{}.{}", alias, name);
      dimensions.push_back(std::to_string(i + 1));
    }
    sql += fmt::format("    {}  AS \"{}\"{}\n", column, f, i + 1 < fields.size() ? "," : "");
  }
  if (derived.empty())
    sql += fmt::format("FROM {} AS {}\n", quoted(views[0].table), views[0].alias);
  else
    sql += fmt::format("FROM {0} AS {0}\n", derived);
  for (std::size_t i = 1; i < views.size(); ++i)
    sql += fmt::format("LEFT JOIN {} AS {} ON {}.order_id = {}.id\n", quoted(views[i].table),
                       views[i].alias, views[i].alias, base);
  if (!dimensions.empty()) {
    std::string group;
    for (const auto& d : dimensions) group += (group.empty() ? "" : ",") + d;
    sql += fmt::format("GROUP BY {}\nORDER BY 1 DESC\n", group);
  }
  sql += "LIMIT 500";
  return sql;
}

std::string name_of(const std::string& table) { return table.substr(table.find('.') + 1); }

bool readable(const DemoTable& t) {
  return t.column == DemoColumn::kText || t.column == DemoColumn::kEpoch;
}

// Looker's error body.
http::Response looker_error(int status, std::string_view message) {
  http::JsonWriter w;
  w.begin_object()
      .key("message").string(message)
      .key("documentation_url").string("https://cloud.google.com/looker/docs/r/api/support")
      .end_object();
  http::Response r;
  r.status = status;
  r.set_body(w.take(), "application/json");
  return r;
}

http::Response json(std::string body) {
  http::Response r;
  r.set_body(std::move(body), "application/json");
  return r;
}

void write_time(http::JsonWriter& w, std::string_view key,
                const std::optional<core::TimePoint>& t) {
  w.key(key);
  if (t)
    w.string(core::format_timestamp(*t));
  else
    w.null();
}

void write_usage(http::JsonWriter& w, const model::Usage& u) {
  write_time(w, "last_accessed_at", u.last_accessed_at);
  write_time(w, "last_viewed_at", u.last_viewed_at);
  w.key("view_count");
  if (u.view_count)
    w.number(*u.view_count);
  else
    w.null();
}

void write_query(http::JsonWriter& w, const DemoLookerQuery& q) {
  w.begin_object()
      .key("id").string(q.id)
      .key("model").string(kDemoLookerModel)
      .key("view").string(q.explore)
      .key("fields").begin_array();
  for (const auto& f : q.fields) w.string(f);
  w.end_array()
      .key("pivots").null()
      .key("fill_fields").null()
      .key("filters").null()
      .key("filter_expression").null()
      .key("dynamic_fields").null()
      .key("limit").string("500")
      .end_object();
}

std::string html(std::string_view text) {
  std::string out;
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += ch;
    }
  }
  return out;
}

// What a link to the content (<base_url>/dashboards/3) opens: a page saying what it is.
http::Response web_page(const DemoLookerContent& c, std::string_view kind, std::string_view id) {
  std::string title, items;
  if (kind == "dashboards") {
    if (const auto* d = c.dashboard(id)) {
      title = "Dashboard: " + d->title;
      for (const auto& t : d->tiles) {
        std::string name = t.title;
        if (t.kind == DemoTileKind::kLook)
          if (const auto* l = c.look(t.ref)) name = "Look: " + l->title;
        items += "<li>" + html(name) + "</li>";
      }
    }
  } else if (kind == "looks") {
    if (const auto* l = c.look(id)) title = "Look: " + l->title;
  } else if (kind == "folders") {
    for (const auto& f : c.folders)
      if (f.id == id) title = "Folder: " + f.name;
  }
  if (title.empty()) return looker_error(404, "Not found");
  http::Response r;
  r.set_body(fmt::format("<!doctype html><meta charset=utf-8><title>{0}</title><h1>{0}</h1>"
                         "<ul>{1}</ul><p>Served by <code>freshwatch demo</code>: a stand-in of the "
                         "Looker API over the demo warehouse, not a Looker instance.</p>",
                         html(title), items),
             "text/html; charset=utf-8");
  return r;
}

}  // namespace

const DemoLookerQuery* DemoLookerContent::query(std::string_view id) const {
  for (const auto& q : queries)
    if (q.id == id) return &q;
  return nullptr;
}
const DemoLookerLook* DemoLookerContent::look(std::string_view id) const {
  for (const auto& l : looks)
    if (l.id == id) return &l;
  return nullptr;
}
const DemoLookerMerge* DemoLookerContent::merge(std::string_view id) const {
  for (const auto& m : merges)
    if (m.id == id) return &m;
  return nullptr;
}
const DemoLookerDashboard* DemoLookerContent::dashboard(std::string_view id) const {
  for (const auto& d : dashboards)
    if (d.id == id) return &d;
  return nullptr;
}
const DemoLookerExplore* DemoLookerContent::explore(std::string_view name) const {
  for (const auto& e : explores)
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<std::string> DemoLookerContent::tables_of(const DemoLookerDashboard& d) const {
  std::vector<std::string> out;
  auto add = [&](const std::string& query_id) {
    if (const auto* q = query(query_id)) out.insert(out.end(), q->tables.begin(), q->tables.end());
  };
  for (const auto& t : d.tiles) {
    switch (t.kind) {
      case DemoTileKind::kQuery: add(t.ref); break;
      case DemoTileKind::kLook:
        if (const auto* l = look(t.ref)) add(l->query_id);
        break;
      case DemoTileKind::kMerge:
        if (const auto* m = merge(t.ref))
          for (const auto& id : m->query_ids) add(id);
        break;
      case DemoTileKind::kText: break;
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

DemoLookerContent plan_demo_looker(const DemoOptions& o, const std::vector<DemoTable>& tables) {
  DemoLookerContent c;
  // The stale dashboard's table: the finance table loaded longest ago (its payroll summary).
  const DemoTable* oldest = nullptr;
  for (const auto& t : tables)
    if (t.schema == "finance" && readable(t) && (!oldest || t.changed_at < oldest->changed_at))
      oldest = &t;
  c.stale_table = oldest ? oldest->schema + "." + oldest->name : "finance.payroll_summary";
  const std::string stale = name_of(c.stale_table);

  c.folders = {
      {"1", "Shared", ""},
      {"2", "Sales", "1"},
      {"3", "EMEA", "2"},
      {"4", "Finance", "1"},
      {"5", "Operations", "1"},
      {"6", "Users", "", false, true},
      {"7", "Demo User", "6", true, false},
  };
  c.explores = {
      {"orders", "sales.orders",
       {{"order_items", "${order_items.order_id} = ${orders.id}"},
        {"shipments", "${shipments.order_id} = ${orders.id}"}}},
      {"emea_orders", "", {{"order_items", "${order_items.order_id} = ${emea_orders.id}"}}},
      {"web_sessions", "marketing.web_sessions", {}},
      {"campaigns", "marketing.campaigns",
       {{"email_events", "${email_events.order_id} = ${campaigns.id}"},
        {"newsletter_signups", "${newsletter_signups.order_id} = ${campaigns.id}"}}},
      {"finance", "finance.gl_entries",
       {{stale, fmt::format("${{{0}.order_id}} = ${{gl_entries.id}}", stale)}}},
      {"ops", "ops.tickets",
       {{"jobs", "${jobs.order_id} = ${tickets.id}"},
        {"etl_runs", "${etl_runs.order_id} = ${tickets.id}"}}},
  };

  auto query = [&](std::string id, std::string explore, std::vector<std::string> fields,
                   std::vector<View> views, std::string derived = {}) {
    DemoLookerQuery q{std::move(id), std::move(explore), std::move(fields), {}, {}};
    q.sql = generate_sql(q.fields, views, derived);
    for (const auto& v : views) q.tables.push_back(v.table);
    c.queries.push_back(std::move(q));
  };
  const View orders{"orders", "sales.orders"}, items{"order_items", "sales.order_items"},
      shipments{"shipments", "sales.shipments"};
  const View gl{"gl_entries", "finance.gl_entries"}, payroll{stale, c.stale_table};
  const View tickets{"tickets", "ops.tickets"}, campaigns{"campaigns", "marketing.campaigns"};
  query("11", "orders", {"orders.created_date", "orders.count", "order_items.total_amount"},
        {orders, items});
  query("12", "orders", {"shipments.shipped_date", "shipments.count"}, {orders, shipments});
  query("13", "orders", {"orders.id", "orders.total_amount"}, {orders});
  query("21", "emea_orders", {"emea_orders.created_date", "order_items.count"},
        {orders, items}, "emea_orders");
  query("22", "orders", {"orders.created_date", "orders.count"}, {orders});
  query("23", "web_sessions", {"web_sessions.session_date", "web_sessions.count"},
        {{"web_sessions", "marketing.web_sessions"}});
  query("24", "orders", {"orders.country", "shipments.count"}, {orders, shipments});
  query("31", "finance",
        {"gl_entries.month", fmt::format("{}.total_amount", stale), "gl_entries.total_amount"},
        {gl, payroll});
  query("32", "finance", {"gl_entries.posted_date", "gl_entries.total_amount"}, {gl});
  query("33", "finance",
        {fmt::format("{}.department", stale), fmt::format("{}.total_amount", stale)},
        {gl, payroll});
  query("41", "ops", {"tickets.created_date", "tickets.count"}, {tickets});
  query("42", "ops", {"jobs.status", "jobs.count"}, {tickets, {"jobs", "ops.jobs"}});
  query("43", "ops", {"etl_runs.finished_date", "etl_runs.count"},
        {tickets, {"etl_runs", "main.etl_runs"}});
  query("51", "campaigns", {"campaigns.name", "campaigns.count"}, {campaigns});
  query("52", "campaigns", {"campaigns.name", "newsletter_signups.count"},
        {campaigns, {"newsletter_signups", "marketing.newsletter_signups"}});
  query("53", "campaigns", {"email_events.sent_date", "email_events.count"},
        {campaigns, {"email_events", "marketing.email_events"}});
  query("61", "orders", {"orders.created_date", "orders.total_amount"}, {orders});

  auto ago = [&](core::Duration d) {
    return std::optional<core::TimePoint>(std::chrono::floor<std::chrono::seconds>(o.now - d));
  };
  auto used = [&](std::int64_t views, core::Duration viewed) {
    return model::Usage{ago(viewed - 1min), ago(viewed), views};
  };
  c.looks = {
      {"1", "Top orders this week", "2", "13", used(312, 5h)},
      {"2", "Email events by day", "1", "53", used(57, 26h)},
      {"3", "Payroll by department", "4", "33", used(88, 3 * 24h)},
      {"4", "My order check", "7", "61", used(4, 9 * 24h)},
  };
  c.merges = {{"1", {"22", "23"}}};
  using K = DemoTileKind;
  c.dashboards = {
      {"1", "Sales Overview", "2", used(1240, 2h),
       {{"101", "Orders by day", K::kQuery, "11"},
        {"102", "Shipments by day", K::kQuery, "12"},
        {"103", "", K::kLook, "1"},
        {"104", "How to read this dashboard", K::kText,
         "Orders and shipments since midnight; the top orders come from a saved Look."}}},
      {"2", "EMEA Orders", "3", used(410, 20h),
       {{"201", "EMEA order volume", K::kQuery, "21"},
        {"202", "Orders vs. web sessions", K::kMerge, "1"},
        {"203", "EMEA shipments by country", K::kQuery, "24"}}},
      {"3", "Finance Close", "4", used(96, 2 * 24h),
       {{"301", "Payroll vs. ledger", K::kQuery, "31"},
        {"302", "General ledger by day", K::kQuery, "32"},
        {"303", "", K::kLook, "3"},
        {"304", "Month-end checklist", K::kText,
         "Check the payroll summary and the ledger before closing the month."}}},
      {"4", "Operations Pulse", "5", used(760, 30min),
       {{"401", "Tickets by day", K::kQuery, "41"},
        {"402", "Jobs by status", K::kQuery, "42"},
        {"403", "ETL runs", K::kQuery, "43"}}},
      {"5", "Campaign Performance", "1", used(3, 75 * 24h),
       {{"501", "Campaigns", K::kQuery, "51"},
        {"502", "Newsletter signups by campaign", K::kQuery, "52"},
        {"503", "", K::kLook, "2"}}},
      {"6", "Scratch: my orders", "7", used(2, 9 * 24h),
       {{"601", "My orders", K::kQuery, "61"}, {"602", "Notes", K::kText, "Work in progress."}}},
  };
  c.stale_dashboard_id = "3";
  c.unused_dashboard_id = "5";
  return c;
}

std::vector<DemoConsumer> demo_looker_consumers(const DemoLookerContent& c) {
  auto personal = [&](std::string id) {
    for (int steps = 0; !id.empty() && steps <= static_cast<int>(c.folders.size()); ++steps) {
      auto f = std::find_if(c.folders.begin(), c.folders.end(),
                            [&](const DemoLookerFolder& x) { return x.id == id; });
      if (f == c.folders.end()) return false;
      if (f->personal || f->users_root) return true;
      id = f->parent_id;
    }
    return false;
  };
  auto consumer = [](std::string key, std::string name, model::AssetKind kind, std::string parent,
                     std::vector<std::string> inputs) {
    DemoConsumer out;
    out.asset.key = std::move(key);
    out.asset.name = std::move(name);
    out.asset.kind = kind;
    out.asset.parent = std::move(parent);
    out.asset.connection = kDemoLookerConnection;
    out.inputs = std::move(inputs);
    return out;
  };
  std::vector<DemoConsumer> out;
  for (const auto& d : c.dashboards) {
    if (personal(d.folder_id)) continue;
    const std::string key = model::make_key(kDemoLookerConnection, "dashboard/" + d.id);
    for (const auto& t : d.tiles) {
      if (t.kind == DemoTileKind::kText) continue;
      DemoLookerDashboard one{d.id, d.title, d.folder_id, d.usage, {t}};
      std::string name = t.title;
      if (name.empty() && t.kind == DemoTileKind::kLook)
        if (const auto* l = c.look(t.ref)) name = l->title;
      out.push_back(consumer(key + "/tile/" + t.id, std::move(name), model::AssetKind::kTile, key,
                             c.tables_of(one)));
    }
  }
  for (const auto& l : c.looks) {
    if (personal(l.folder_id)) continue;
    const auto* q = c.query(l.query_id);
    out.push_back(consumer(model::make_key(kDemoLookerConnection, "look/" + l.id), l.title,
                           model::AssetKind::kLook,
                           model::make_key(kDemoLookerConnection, "folder/" + l.folder_id),
                           q ? q->tables : std::vector<std::string>{}));
  }
  return out;
}

DemoLookerApi::DemoLookerApi(DemoLookerContent content) : content_(std::move(content)) {}

int DemoLookerApi::logins() const {
  std::lock_guard lock(mutex_);
  return logins_;
}

http::Response DemoLookerApi::handle(const http::Request& r) {
  constexpr std::string_view kPrefix = "/api/4.0";
  std::string_view target = r.target;
  std::string_view path = target.substr(0, target.find('?'));
  const auto params = http::parse_query(
      target.find('?') == std::string_view::npos ? "" : target.substr(target.find('?') + 1));
  auto param = [&](std::string_view name) -> std::string {
    for (const auto& [k, v] : params)
      if (k == name) return v;
    return {};
  };
  if (!path.starts_with(kPrefix)) {
    // Links to the content, as the connector makes them.
    const auto slash = path.find('/', 1);
    if ((r.method == "GET" || r.method == "HEAD") && slash != std::string_view::npos &&
        path.find('/', slash + 1) == std::string_view::npos)
      return web_page(content_, path.substr(1, slash - 1), path.substr(slash + 1));
    return looker_error(404, "Not found");
  }
  path.remove_prefix(kPrefix.size());
  // Path segments, decoded.
  std::vector<std::string> seg;
  for (std::size_t at = 1; at <= path.size();) {
    const auto slash = path.find('/', at);
    std::string part;
    if (!http::percent_decode(path.substr(at, slash - at), part, false))
      return looker_error(400, "Malformed path");
    seg.push_back(std::move(part));
    if (slash == std::string_view::npos) break;
    at = slash + 1;
  }
  const bool get = r.method == "GET" || r.method == "HEAD";

  if (r.method == "POST" && seg.size() == 1 && seg[0] == "login") {
    if (!r.content_type.starts_with("application/x-www-form-urlencoded"))
      return looker_error(400, "Expected a form body with client_id and client_secret");
    std::string id, secret;
    for (const auto& [k, v] : http::parse_query(r.body)) {
      if (k == "client_id") id = v;
      if (k == "client_secret") secret = v;
    }
    if (id != kDemoLookerClientId || secret != kDemoLookerClientSecret)
      return looker_error(404, "Not found");
    std::random_device device;
    std::string token = fmt::format("demo-{:08x}{:08x}", device(), device());
    {
      std::lock_guard lock(mutex_);
      ++logins_;
      tokens_.insert(token);
    }
    http::JsonWriter w;
    w.begin_object()
        .key("access_token").string(token)
        .key("token_type").string("Bearer")
        .key("expires_in").number(3600)
        .key("refresh_token").null()
        .end_object();
    return json(w.take());
  }
  {
    std::string_view auth = r.authorization;
    bool ok = auth.starts_with("token ");
    if (ok) {
      std::lock_guard lock(mutex_);
      ok = tokens_.contains(std::string(auth.substr(6)));
    }
    if (!ok) return looker_error(401, "Requires authentication.");
  }
  if (!get) return looker_error(404, "Not found");

  const auto& c = content_;
  http::JsonWriter w;
  auto page = [&](std::size_t total, const auto& write_item) {
    std::size_t limit = 0, offset = 0;
    const std::string l = param("limit"), off = param("offset");
    std::from_chars(l.data(), l.data() + l.size(), limit);
    std::from_chars(off.data(), off.data() + off.size(), offset);
    // Nothing here is soft-deleted: deleted=true lists nothing.
    if (param("deleted") == "true") total = 0;
    w.begin_array();
    for (std::size_t i = offset; i < total && (limit == 0 || i < offset + limit); ++i)
      write_item(i);
    w.end_array();
    return json(w.take());
  };

  if (seg.size() == 1 && seg[0] == "folders") {
    w.begin_array();
    for (const auto& f : c.folders) {
      w.begin_object()
          .key("id").string(f.id)
          .key("name").string(f.name)
          .key("parent_id").string_or_null(f.parent_id)
          .key("is_personal").boolean(f.personal)
          .key("is_personal_descendant").boolean(false)
          .key("is_users_root").boolean(f.users_root)
          .key("is_shared_root").boolean(f.id == "1")
          .key("is_embed").boolean(false)
          .key("child_count").number(static_cast<std::int64_t>(std::count_if(
              c.folders.begin(), c.folders.end(),
              [&](const DemoLookerFolder& x) { return x.parent_id == f.id; })));
      w.end_object();
    }
    w.end_array();
    return json(w.take());
  }
  if (seg.size() == 2 && seg[0] == "dashboards" && seg[1] == "search")
    return page(c.dashboards.size(), [&](std::size_t i) {
      const auto& d = c.dashboards[i];
      w.begin_object()
          .key("id").string(d.id)
          .key("title").string(d.title)
          .key("folder_id").string(d.folder_id)
          .key("deleted").boolean(false);
      write_usage(w, d.usage);
      w.end_object();
    });
  if (seg.size() == 2 && seg[0] == "looks" && seg[1] == "search")
    return page(c.looks.size(), [&](std::size_t i) {
      const auto& l = c.looks[i];
      w.begin_object()
          .key("id").string(l.id)
          .key("title").string(l.title)
          .key("folder_id").string(l.folder_id)
          .key("query_id").string(l.query_id)
          .key("deleted").boolean(false);
      write_usage(w, l.usage);
      w.end_object();
    });
  if (seg.size() == 2 && seg[0] == "dashboards") {
    const auto* d = c.dashboard(seg[1]);
    if (!d) return looker_error(404, "Not found");
    w.begin_object()
        .key("id").string(d->id)
        .key("title").string(d->title)
        .key("folder_id").string(d->folder_id)
        .key("deleted").boolean(false)
        .key("dashboard_filters").begin_array().end_array()
        .key("dashboard_elements").begin_array();
    for (const auto& t : d->tiles) {
      w.begin_object()
          .key("id").string(t.id)
          .key("dashboard_id").string(d->id)
          .key("title").string_or_null(t.kind == DemoTileKind::kText ? "" : t.title)
          .key("title_text").string_or_null(t.kind == DemoTileKind::kText ? t.title : "")
          .key("type").string(t.kind == DemoTileKind::kText ? "text" : "vis");
      const DemoLookerQuery* q = nullptr;
      const DemoLookerLook* look = nullptr;
      if (t.kind == DemoTileKind::kQuery) q = c.query(t.ref);
      if (t.kind == DemoTileKind::kLook) look = c.look(t.ref);
      w.key("query_id").string_or_null(q ? q->id : "");
      w.key("look_id").string_or_null(look ? look->id : "");
      w.key("merge_result_id").string_or_null(t.kind == DemoTileKind::kMerge ? t.ref : "");
      w.key("body_text").string_or_null(t.kind == DemoTileKind::kText ? t.ref : "");
      w.key("query");
      if (q)
        write_query(w, *q);
      else
        w.null();
      w.key("look");
      if (look) {
        w.begin_object()
            .key("id").string(look->id)
            .key("title").string(look->title)
            .key("query_id").string(look->query_id)
            .key("query");
        if (const auto* lq = c.query(look->query_id))
          write_query(w, *lq);
        else
          w.null();
        w.end_object();
      } else {
        w.null();
      }
      w.key("result_maker");
      if (t.kind == DemoTileKind::kText) {
        w.null();
      } else {
        w.begin_object()
            .key("query_id").string_or_null(q ? q->id : look ? look->query_id : "")
            .key("merge_result_id").string_or_null(t.kind == DemoTileKind::kMerge ? t.ref : "")
            .key("sql_query_id").null()
            .key("filterables").begin_array().end_array()
            .end_object();
      }
      w.end_object();
    }
    w.end_array().end_object();
    return json(w.take());
  }
  if (seg.size() == 2 && seg[0] == "queries") {
    const auto* q = c.query(seg[1]);
    if (!q) return looker_error(404, "Not found");
    write_query(w, *q);
    return json(w.take());
  }
  if (seg.size() == 4 && seg[0] == "queries" && seg[2] == "run" && seg[3] == "sql") {
    const auto* q = c.query(seg[1]);
    if (!q) return looker_error(404, "Not found");
    http::Response out;
    out.set_body(q->sql, "text/plain");
    return out;
  }
  if (seg.size() == 2 && seg[0] == "merge_queries") {
    const auto* m = c.merge(seg[1]);
    if (!m) return looker_error(404, "Not found");
    w.begin_object().key("id").string(m->id).key("source_queries").begin_array();
    for (const auto& id : m->query_ids)
      w.begin_object().key("query_id").string(id).key("name").string("Query " + id).end_object();
    w.end_array().end_object();
    return json(w.take());
  }
  if (seg.size() == 4 && seg[0] == "lookml_models" && seg[2] == "explores") {
    const auto* x = seg[1] == kDemoLookerModel ? c.explore(seg[3]) : nullptr;
    if (!x) return looker_error(404, "Not found");
    w.begin_object()
        .key("id").string(fmt::format("{}::{}", seg[1], x->name))
        .key("name").string(x->name)
        .key("model_name").string(seg[1])
        .key("connection_name").string(kDemoLookerWarehouse)
        .key("dialect_name").string(c.dialect)
        .key("view_name").string(x->name)
        .key("sql_table_name")
        .string_or_null(x->sql_table_name.empty()
                            ? ""
                            : fmt::format("{} AS {}", quoted(x->sql_table_name), x->name))
        .key("joins").begin_array();
    for (const auto& j : x->joins)
      w.begin_object()
          .key("name").string(j.name)
          .key("from").null()
          .key("sql_on").string(j.sql_on)
          .key("type").string("left_outer")
          .key("relationship").string("many_to_one")
          .key("sql_table_name").null()
          .key("required_joins").null()
          .end_object();
    w.end_array().end_object();
    return json(w.take());
  }
  if (seg.size() == 2 && seg[0] == "connections") {
    if (seg[1] != kDemoLookerWarehouse) return looker_error(404, "Not found");
    w.begin_object()
        .key("name").string(kDemoLookerWarehouse)
        .key("dialect_name").string(c.dialect)
        .key("host").string("127.0.0.1")
        .key("database").string(c.database)
        .key("schema").string(c.schema)
        .key("tmp_db_name").string(c.tmp_db_name)
        .key("pdts_enabled").boolean(true)
        .end_object();
    return json(w.take());
  }
  return looker_error(404, "Not found");
}

DemoBiConfig demo_looker_config(std::string_view base_url) {
  DemoBiConfig out;
  out.connection = fmt::format(R"(  # The BI layer: Looker content over the warehouse, served by `freshwatch demo` itself (a
  # stand-in of the Looker API on this machine, on a new port each start, only while it runs).
  # Each tile is linked to the warehouse tables its query reads.
  - name: {}
    type: looker
    base_url: {}
    client_id: {}
    client_secret: {}
    warehouses: {{{}: {}}}
    schedule: "*/5 * * * *"
    jitter: 5s
    owner: bi-team
)",
                               kDemoLookerConnection, base_url, kDemoLookerClientId,
                               kDemoLookerClientSecret, kDemoLookerWarehouse, kDemoConnection);
  out.policies = fmt::format(R"(  # Looker tiles and Looks, judged on the oldest data they show: a day old is late, a month
  # is broken.
  - select: "connection:{}"
    warn_after: {{count: 1, period: day}}
    error_after: {{count: 30, period: day}}
)",
                             kDemoLookerConnection);
  return out;
}

}  // namespace freshwatch::cli
