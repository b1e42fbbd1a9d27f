#include "connectors/looker/looker_connector.h"

#include <algorithm>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "connectors/identifiers.h"
#include "connectors/looker/api.h"
#include "connectors/looker/build.h"
#include "connectors/looker/content.h"
#include "connectors/looker/sql_tables.h"
#include "connectors/worker_pool.h"
#include "net/url.h"

namespace freshwatch::connectors {
namespace looker {
namespace {

// What each request asks for (fields=), and nothing more.
constexpr std::string_view kFolderFields =
    "id,name,parent_id,is_personal,is_personal_descendant,is_users_root";
constexpr std::string_view kDashboardListFields =
    "id,title,folder_id,deleted,last_accessed_at,last_viewed_at,view_count";
constexpr std::string_view kLookListFields =
    "id,title,folder_id,query_id,deleted,last_accessed_at,last_viewed_at,view_count";
#define FW_LOOKER_QUERY \
  "id,model,view,fields,pivots,fill_fields,filters,filter_expression,dynamic_fields"
constexpr std::string_view kDashboardFields =
    "id,title,folder_id,deleted,dashboard_filters(name,default_value),"
    "dashboard_elements(id,title,title_text,type,query_id,look_id,merge_result_id,"
    "query(" FW_LOOKER_QUERY "),look(id,title,query_id,query(" FW_LOOKER_QUERY
    ")),"
    "result_maker(query_id,merge_result_id,sql_query_id,query(" FW_LOOKER_QUERY
    "),"
    "filterables(listen(dashboard_filter_name,field))))";
#undef FW_LOOKER_QUERY
constexpr std::string_view kQueryFields = "id,model,view";
constexpr std::string_view kMergeFields = "id,source_queries(query_id)";
constexpr std::string_view kExploreFields =
    "id,name,model_name,connection_name,dialect_name,view_name,sql_table_name,"
    "joins(name,from,sql_table_name,required_joins,sql_on)";
constexpr std::string_view kConnectionFields = "name,dialect_name,database,schema,tmp_db_name,host";

std::string fields(std::string_view f) { return "fields=" + net::percent_encode(f); }

std::unexpected<Error> cancelled() {
  return fail(ErrorCode::kCancelled, "collection stopped on request");
}

std::string explore_key(std::string_view model, std::string_view explore) {
  return fmt::format("{}/{}", model, explore);
}

// One collection: what was read so far, and the per-run caches that make every explore,
// connection and query one request at most.
class Run {
 public:
  Run(Api& api, const config::ConnectionConfig& connection, const LookerOptions& options,
      const Tuning& tuning, const CollectContext& context)
      : api_(api),
        connection_(connection),
        options_(options),
        tuning_(tuning),
        context_(context),
        stop_(context.stop),
        now_(context.clock.now()),
        refusals_at_start_(api.refusals()) {
    if (context.state) state_ = *context.state;
  }

  Result<Collection> collect() {
    if (auto ok = read_lists(); !ok) return fail_run(ok.error());
    read_dashboards();
    if (auto ok = checkpoint(); !ok) return std::unexpected(ok.error());
    read_merges();
    plan_sources();
    read_query_defs();
    read_explores();
    read_connections();
    if (auto ok = checkpoint(); !ok) return std::unexpected(ok.error());
    trace();
    if (auto ok = checkpoint(); !ok) return std::unexpected(ok.error());

    BuildOptions build_options{connection_, options_.base_url, options_.warehouses,
                               options_.include_personal};
    Collection out = build(content_, build_options, now_, context_.known, context_.previous);
    out.warnings = std::move(warnings_);
    // Keep what a failed part of this run could not refresh; otherwise drop what is unused.
    if (partial_)
      for (const auto& [key, value] : state_) next_state_.try_emplace(key, value);
    out.state = std::move(next_state_);
    return out;
  }

 private:
  std::string where() const {
    return fmt::format("connection '{}' ({})", connection_.name, options_.base_url);
  }

  std::unexpected<Error> fail_run(const Error& e) const {
    if (stop_.stop_requested() || e.code == ErrorCode::kCancelled) return cancelled();
    return std::unexpected(e.with_context(where()));
  }

  // After each phase: stopped, or the credentials stopped working.
  Result<void> checkpoint() const {
    if (stop_.stop_requested()) return cancelled();
    if (api_.refusals() > refusals_at_start_)
      return fail_run({ErrorCode::kPermissionDenied,
                       "Looker refused the access token even after logging in again (HTTP 401); "
                       "check that the API user still exists and is enabled"});
    return {};
  }

  std::string cached(const std::string& key) const {
    auto it = state_.find(key);
    return it == state_.end() ? std::string() : it->second;
  }

  void keep(const std::string& key, std::string value) {
    std::lock_guard lock(mutex_);
    next_state_[key] = std::move(value);
  }

  void warn(std::string w) {
    std::lock_guard lock(mutex_);
    if (std::find(warnings_.begin(), warnings_.end(), w) == warnings_.end())
      warnings_.push_back(std::move(w));
  }

  // Runs `task` over `count` items, `concurrency` at a time.
  void pool(std::size_t count, const std::function<void(std::size_t)>& task) {
    run_pool(count, std::max(1, options_.concurrency), stop_, task);
  }

  Result<void> read_lists() {
    auto folders =
        api_.get_ok("/folders?" + fields(kFolderFields), "listing folders (GET /folders)", stop_);
    if (!folders) return std::unexpected(folders.error());
    auto parsed = parse_folders(*folders);
    if (!parsed) return std::unexpected(parsed.error());
    content_.folders = std::move(*parsed);
    excluded_ = excluded_folders(content_.folders, options_.include_personal);

    std::set<std::string> seen;
    auto dashboards = api_.pages(
        "/dashboards/search?deleted=false&sorts=id&" + fields(kDashboardListFields),
        "listing dashboards (GET /dashboards/search)", tuning_.page_size,
        [&](std::string_view body) -> Result<std::size_t> {
          auto page = parse_dashboard_summaries(body);
          if (!page) return std::unexpected(page.error());
          for (auto& d : *page)
            if (seen.insert(d.id).second && !d.deleted) content_.dashboards.push_back(std::move(d));
          return page->size();
        },
        stop_);
    if (!dashboards) return std::unexpected(dashboards.error());

    seen.clear();
    auto looks = api_.pages(
        "/looks/search?deleted=false&sorts=id&" + fields(kLookListFields),
        "listing Looks (GET /looks/search)", tuning_.page_size,
        [&](std::string_view body) -> Result<std::size_t> {
          auto page = parse_looks(body);
          if (!page) return std::unexpected(page.error());
          for (auto& l : *page)
            if (seen.insert(l.id).second && !l.deleted) content_.looks.push_back(std::move(l));
          return page->size();
        },
        stop_);
    if (!looks) return std::unexpected(looks.error());
    return {};
  }

  bool wanted(const std::string& folder_id) const {
    return folder_id.empty() || !excluded_.contains(folder_id);
  }

  void read_dashboards() {
    std::vector<const DashboardSummary*> todo;
    for (const auto& d : content_.dashboards)
      if (wanted(d.folder_id)) todo.push_back(&d);
    std::vector<std::optional<Result<Dashboard>>> results(todo.size());
    pool(todo.size(), [&](std::size_t i) {
      const std::string& id = todo[i]->id;
      auto body = api_.get_ok(
          fmt::format("/dashboards/{}?{}", net::percent_encode(id), fields(kDashboardFields)),
          fmt::format("reading dashboard {}", id), stop_);
      results[i] = body ? parse_dashboard(*body) : Result<Dashboard>(std::unexpected(body.error()));
    });
    for (std::size_t i = 0; i < todo.size(); ++i) {
      if (!results[i]) continue;  // stopped before it was read
      if (!*results[i]) {
        partial_ = true;
        warn(fmt::format("dashboard {} ('{}'): {}", todo[i]->id, todo[i]->title,
                         results[i]->error().message));
      }
      content_.details.emplace(todo[i]->id, std::move(*results[i]));
    }
  }

  void read_merges() {
    std::vector<std::string> todo;
    for (const auto& [id, d] : content_.details) {
      if (!d) continue;
      for (const auto& e : d->elements) {
        const std::string& m = e.merge_result_id;
        if (m.empty() || content_.merges.contains(m)) continue;
        const std::string key = "merge:" + m;
        if (auto known = decode_merge(cached(key))) {
          known->id = m;
          content_.merges.emplace(m, *known);
          keep(key, cached(key));
        } else {
          content_.merges.emplace(m, fail(ErrorCode::kInternal, "not read"));
          todo.push_back(m);
        }
      }
    }
    std::vector<Result<MergeQuery>> results(todo.size(), fail(ErrorCode::kCancelled, "not read"));
    pool(todo.size(), [&](std::size_t i) {
      auto body = api_.get_ok(
          fmt::format("/merge_queries/{}?{}", net::percent_encode(todo[i]), fields(kMergeFields)),
          fmt::format("reading merged results {}", todo[i]), stop_);
      results[i] =
          body ? parse_merge_query(*body) : Result<MergeQuery>(std::unexpected(body.error()));
    });
    for (std::size_t i = 0; i < todo.size(); ++i) {
      if (results[i])
        keep("merge:" + todo[i], encode_merge(*results[i]));
      else
        partial_ = true;
      content_.merges[todo[i]] = std::move(results[i]);
    }
  }

  void plan_sources() {
    auto add = [&](const Sources& s) {
      for (const auto& src : s.sources) sources_.try_emplace(src.key, src);
    };
    for (const auto& [id, d] : content_.details)
      if (d && !d->deleted)
        for (const auto& e : d->elements) add(element_sources(*d, e, content_.merges));
    for (const auto& l : content_.looks)
      if (wanted(l.folder_id)) add(look_sources(l));
  }

  // The model and explore of every query, from the dashboard, an earlier trace or the API.
  void read_query_defs() {
    std::vector<std::string> todo;
    for (const auto& [key, s] : sources_)
      if (s.def && !s.def->model.empty()) defs_.try_emplace(s.query_id, *s.def);
    for (const auto& [key, s] : sources_) {
      if (defs_.contains(s.query_id)) continue;
      if (auto c = decode_trace(cached("query:" + s.query_id))) {
        defs_.emplace(s.query_id,
                      QueryDef{.id = s.query_id, .model = c->model, .explore = c->explore});
      } else {
        defs_.emplace(s.query_id, fail(ErrorCode::kInternal, "not read"));
        todo.push_back(s.query_id);
      }
    }
    std::vector<Result<QueryDef>> results(todo.size(), fail(ErrorCode::kCancelled, "not read"));
    pool(todo.size(), [&](std::size_t i) {
      auto body =
          api_.get_ok(fmt::format("/queries/{}?{}", net::percent_encode(todo[i]), fields(kQueryFields)),
                      fmt::format("reading query {}", todo[i]), stop_);
      results[i] = body ? parse_query(*body) : Result<QueryDef>(std::unexpected(body.error()));
    });
    for (std::size_t i = 0; i < todo.size(); ++i) defs_[todo[i]] = std::move(results[i]);
  }

  void read_explores() {
    std::vector<std::pair<std::string, std::string>> todo;
    for (const auto& [id, def] : defs_) {
      if (!def) continue;
      const std::string key = explore_key(def->model, def->explore);
      if (explores_.contains(key)) continue;
      explores_.emplace(key, fail(ErrorCode::kInternal, "not read"));
      todo.emplace_back(def->model, def->explore);
    }
    std::vector<Result<Explore>> results(todo.size(), fail(ErrorCode::kCancelled, "not read"));
    pool(todo.size(), [&](std::size_t i) {
      const auto& [m, e] = todo[i];
      auto body = api_.get_ok(fmt::format("/lookml_models/{}/explores/{}?{}", net::percent_encode(m),
                                          net::percent_encode(e), fields(kExploreFields)),
                              fmt::format("reading explore {}", explore_key(m, e)), stop_);
      if (!body) {
        if (body.error().code == ErrorCode::kNotFound)
          results[i] = fail(ErrorCode::kNotFound,
                            "explore {} does not exist (HTTP 404): the query is broken in Looker, "
                            "or the API user's model set does not include model {}",
                            explore_key(m, e), m);
        else
          results[i] = std::unexpected(body.error());
        return;
      }
      auto x = parse_explore(*body);
      if (x) {
        x->model = m;
        x->name = e;
      }
      results[i] = std::move(x);
    });
    for (std::size_t i = 0; i < todo.size(); ++i)
      explores_[explore_key(todo[i].first, todo[i].second)] = std::move(results[i]);
  }

  void read_connections() {
    std::vector<std::string> todo;
    for (const auto& [key, x] : explores_)
      if (x && !connections_.contains(x->connection_name)) {
        connections_.emplace(x->connection_name, fail(ErrorCode::kInternal, "not read"));
        todo.push_back(x->connection_name);
      }
    std::vector<Result<LookerConnection>> results(todo.size(),
                                                  fail(ErrorCode::kCancelled, "not read"));
    pool(todo.size(), [&](std::size_t i) {
      auto body = api_.get_ok(
          fmt::format("/connections/{}?{}", net::percent_encode(todo[i]), fields(kConnectionFields)),
          fmt::format("reading Looker connection '{}'", todo[i]), stop_);
      results[i] =
          body ? parse_connection(*body) : Result<LookerConnection>(std::unexpected(body.error()));
    });
    for (std::size_t i = 0; i < todo.size(); ++i) {
      if (results[i]) {
        results[i]->name = todo[i];
      } else {
        warn(fmt::format("Looker connection '{}' could not be read: {}", todo[i],
                         results[i].error().message));
      }
      connections_[todo[i]] = std::move(results[i]);
    }
  }

  // A query to trace and what its trace needs.
  struct Job {
    const Source* source;
    const QueryDef* def;
    const Explore* explore;
    LookerConnection connection;
    std::string connection_problem;
  };

  void trace() {
    std::vector<Job> todo;
    for (const auto& [key, s] : sources_) {
      QueryLineage& out = content_.lineage[key];
      auto def = defs_.find(s.query_id);
      if (def == defs_.end() || !def->second) {
        out.error = fmt::format("could not read query {}: {}", s.query_id,
                                def == defs_.end() ? "not read" : def->second.error().message);
        continue;
      }
      auto x = explores_.find(explore_key(def->second->model, def->second->explore));
      if (x == explores_.end() || !x->second) {
        out.error = x == explores_.end() ? "its explore was not read" : x->second.error().message;
        continue;
      }
      Job job{&s, &*def->second, &*x->second, {}, {}};
      auto c = connections_.find(x->second->connection_name);
      if (c != connections_.end() && c->second) {
        job.connection = *c->second;
      } else {
        job.connection.name = x->second->connection_name;
        job.connection.dialect_name = x->second->dialect_name;
        job.connection_problem =
            c == connections_.end() ? std::string("not read") : c->second.error().message;
      }
      if (job.connection.dialect_name.empty())
        job.connection.dialect_name = x->second->dialect_name;
      if (auto entry = decode_trace(cached(key));
          entry && still_valid(*entry, *job.explore, now_, options_.retrace_after)) {
        keep(key, cached(key));
        out.trace = lineage_of(*entry, job);
        continue;
      }
      todo.push_back(std::move(job));
    }
    std::vector<QueryLineage> results(todo.size());
    pool(todo.size(), [&](std::size_t i) { results[i] = trace_one(todo[i]); });
    for (std::size_t i = 0; i < todo.size(); ++i) {
      if (!results[i].trace && results[i].error.empty()) results[i].error = "not traced";
      if (!results[i].trace) partial_ = true;
      content_.lineage[todo[i].source->key] = std::move(results[i]);
    }
  }

  Trace lineage_of(const CachedTrace& entry, const Job& job) const {
    if (entry.explore_level)
      return explore_level(*job.explore, job.connection, entry.refused, job.connection_problem);
    return resolve(entry.read, job.connection, job.connection_problem);
  }

  bool sql_refused(const std::string& model) {
    std::lock_guard lock(mutex_);
    return no_see_sql_.contains(model);
  }

  QueryLineage trace_one(const Job& job) {
    const Source& s = *job.source;
    CachedTrace entry{.model = job.def->model,
                      .explore = job.def->explore,
                      .fingerprint = job.explore->fingerprint,
                      .traced_at = now_};
    auto refuse = [&](std::string why) {
      entry.explore_level = true;
      entry.refused = std::move(why);
      warn(
          fmt::format("Looker refused the SQL of model {}'s queries, so their lineage is "
                      "explore-level; give the API user's role see_sql for exact lineage",
                      job.def->model));
      keep(s.key, encode(entry));
      return QueryLineage{lineage_of(entry, job), {}};
    };
    if (sql_refused(job.def->model))
      return refuse("Looker refused this model's SQL (HTTP 403): no see_sql");

    Result<net::Response> r =
        s.filters.empty()
            ? api_.get(fmt::format("/queries/{}/run/sql", net::percent_encode(s.query_id)), stop_,
                       "text/plain")
            : api_.post_json("/queries/run/sql", inline_query_body(*job.def, s.filters), stop_);
    if (!r)
      return {{},
              fmt::format("could not read the SQL of query {}: {}", s.query_id, r.error().message)};
    if (r->status == 403) {
      {
        std::lock_guard lock(mutex_);
        no_see_sql_.insert(job.def->model);
      }
      return refuse(fmt::format("Looker refused the query's SQL (HTTP 403: {}): no see_sql",
                                error_message(r->body)));
    }
    if (r->status < 200 || r->status >= 300)
      return {
          {},
          Api::status_error(*r, fmt::format("reading the SQL of query {}", s.query_id)).message};
    entry.read =
        tables_in_sql(r->body, dialect_of(dialect_for_looker(job.connection.dialect_name)));
    keep(s.key, encode(entry));
    return {lineage_of(entry, job), {}};
  }

  Api& api_;
  const config::ConnectionConfig& connection_;
  const LookerOptions& options_;
  const Tuning& tuning_;
  const CollectContext& context_;
  std::stop_token stop_;
  core::TimePoint now_;
  int refusals_at_start_;
  ConnectorState state_;

  Content content_;
  std::set<std::string> excluded_;
  std::map<std::string, Source> sources_;                        // by Source::key
  std::map<std::string, Result<QueryDef>> defs_;                 // by query id
  std::map<std::string, Result<Explore>> explores_;              // by model/explore
  std::map<std::string, Result<LookerConnection>> connections_;  // by Looker connection name
  bool partial_ = false;

  std::mutex mutex_;  // guards what workers add below
  ConnectorState next_state_;
  std::set<std::string> no_see_sql_;  // models whose SQL was refused
  std::vector<std::string> warnings_;
};

class LookerConnector final : public Connector {
 public:
  LookerConnector(config::ConnectionConfig connection, LookerOptions options, Tuning tuning)
      : connection_(std::move(connection)),
        options_(std::move(options)),
        tuning_(std::move(tuning)) {}

  Result<Collection> collect(const CollectContext& context) override {
    // One client for the connector's life: its connections and token serve the next run too.
    if (!api_ || api_clock_ != &context.clock) {
      api_ = std::make_unique<Api>(api_options(), context.clock);
      api_clock_ = &context.clock;
    }
    Run run(*api_, connection_, options_, tuning_, context);
    return run.collect();
  }

 private:
  ApiOptions api_options() const {
    ApiOptions a;
    a.base_url = options_.base_url;
    a.client_id = options_.client_id;
    a.client_secret = options_.client_secret;
    a.ca_file = options_.ca_file;
    const auto whole = std::chrono::duration_cast<std::chrono::milliseconds>(connection_.timeout);
    a.request_timeout = tuning_.request_timeout.count() > 0
                            ? tuning_.request_timeout
                            : std::clamp<std::chrono::milliseconds>(whole, std::chrono::seconds(1),
                                                                    std::chrono::seconds(60));
    a.retry.max_attempts = std::max(1, tuning_.max_attempts);
    a.retry.base = tuning_.retry_base;
    a.retry.cap = tuning_.retry_cap;
    a.sleeper = tuning_.sleeper ? tuning_.sleeper : net::real_sleeper();
    return a;
  }

  config::ConnectionConfig connection_;
  LookerOptions options_;
  Tuning tuning_;
  std::unique_ptr<Api> api_;
  const core::Clock* api_clock_ = nullptr;
};

std::vector<config::KeySpec> looker_keys() {
  return {
      {"base_url", "URL", true, false, "",
       "The Looker API host, as in `https://mycompany.looker.com` (or `...:19999` where the API "
       "has its own port); `/api/4.0` is added. Links to dashboards and Looks are made from it "
       "too. HTTPS, except to a loopback address",
       "https://mycompany.looker.com"},
      {"client_id", "string", true, false, "",
       "The client ID of the API user's API key (Admin > Users > Edit keys)",
       "${LOOKER_CLIENT_ID}"},
      {"client_secret", "string", true, true, "",
       "The client secret of that API key; give it as `${ENV}` or `${file:...}`",
       "${LOOKER_CLIENT_SECRET}"},
      {"ca_file", "path", false, false, "the system's",
       "A PEM file of certificate authorities to trust instead of the system's, for an instance "
       "behind a private CA",
       "ca.pem"},
      {"warehouses", "mapping of names", false, false, "none",
       "Looker connection name → the freshwatch connection that monitors its database, "
       "`{snowflake_prod: snowflake}`. Tables read through a Looker connection left out are "
       "still linked, and the tiles reading them say that nothing monitors them",
       "{snowflake_prod: snowflake}"},
      {"include_personal", "`true` or `false`", false, false, "`false`",
       "Also read the content of personal folders (under Users)", "false"},
      {"concurrency", "whole number, 1 to 64", false, false, "`8`",
       "Requests in flight at once (dashboards, explores, queries)", "8"},
      {"retrace_after", "duration", false, false, "`1d`",
       "How long a query's traced tables are kept before its SQL is asked for again (sooner when "
       "its explore changes)",
       "1d"},
  };
}

LookerOptions parse_looker(config::Section& s) {
  LookerOptions o;
  if (auto v = s.string("base_url")) {
    std::string url = *v;
    while (url.ends_with('/')) url.pop_back();
    for (std::string_view suffix : {"/api/4.0", "/api"})
      if (url.ends_with(suffix)) url.resize(url.size() - suffix.size());
    auto parts = net::parse_url(url);
    if (!url.starts_with("https://") && !url.starts_with("http://"))
      s.problem("base_url", fmt::format("base_url: '{}' is not an http(s) URL", *v),
                "write https://mycompany.looker.com, the host of the Looker API");
    else if (!parts)
      s.problem("base_url", fmt::format("base_url: {}", parts.error().message), "");
    else if (auto plain = net::check_credentials_transport(*parts, true); !plain)
      s.problem("base_url", fmt::format("base_url: {}", plain.error().message),
                "the client secret and access token would cross the network unencrypted");
    o.base_url = url;
  }
  if (auto v = s.string("client_id")) o.client_id = *v;
  if (auto v = s.string("client_secret")) o.client_secret = *v;
  if (auto v = s.path("ca_file")) o.ca_file = *v;
  if (auto v = s.names("warehouses", "{snowflake_prod: snowflake}")) o.warehouses = *v;
  if (auto v = s.boolean("include_personal")) o.include_personal = *v;
  if (auto v = s.integer("concurrency", 1, 64)) o.concurrency = static_cast<int>(*v);
  if (auto v = s.duration("retrace_after")) o.retrace_after = *v;
  return o;
}

}  // namespace

Result<std::unique_ptr<Connector>> make_connector(const config::ConnectionConfig& connection,
                                                  const LookerOptions& options, Tuning tuning) {
  if (options.base_url.empty() || options.client_id.empty() || options.client_secret.empty())
    return fail(ErrorCode::kInvalidArgument,
                "connection '{}': looker needs base_url, client_id and client_secret",
                connection.name);
  return std::make_unique<LookerConnector>(connection, options, std::move(tuning));
}

}  // namespace looker

void register_looker() {
  register_type<looker::LookerOptions>(
      {.name = "looker",
       .title = "Looker",
       .keys = looker::looker_keys(),
       .required_hint = "base_url: https://mycompany.looker.com, client_id and client_secret of "
                        "an API key"},
      looker::parse_looker, [](const config::ConnectionConfig& c, const looker::LookerOptions& o) {
        return looker::make_connector(c, o);
      });
}

}  // namespace freshwatch::connectors
