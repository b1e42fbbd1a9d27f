#include "http/api.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <deque>
#include <limits>
#include <span>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include <simdjson.h>

#include "alerts/incident.h"
#include "core/log.h"
#include "core/time.h"
#include "core/utf8.h"
#include "http/auth.h"
#include "http/encoding.h"
#include "http/json_writer.h"
#include "http/static_files.h"
#include "lineage/root_paths.h"
#include "net/url.h"

namespace freshwatch::http {
namespace {

using model::AssetState;
using model::Snapshot;
using model::Status;

constexpr std::uint32_t kNone = UINT32_MAX;
constexpr std::size_t kHistoryDays = 90;
constexpr std::size_t kDefaultLimit = 100;
constexpr std::size_t kMaxLimit = 1000;
constexpr std::size_t kMaxUnusedDays = 3650;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kProblemJson = "application/problem+json";

// ---------------------------------------------------------------------------------------------
// Small helpers

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c += 32;
  return out;
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    std::size_t comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out.push_back(',');
    out += s;
  }
  return out;
}

std::string_view title_for(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
  }
  return "Error";
}

Response problem(int status, std::string_view detail) {
  JsonWriter w(128 + detail.size());
  w.begin_object()
      .key("type").string("about:blank")
      .key("title").string(title_for(status))
      .key("status").number(status)
      .key("detail").string(detail)
      .end_object();
  Response r;
  r.status = status;
  r.set_body(w.take(), std::string(kProblemJson));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response json_response(std::string body) {
  Response r;
  r.set_body(std::move(body), std::string(kJson));
  r.headers.emplace_back("Cache-Control", "private, no-cache");
  return r;
}

void write_time(JsonWriter& w, const std::optional<core::TimePoint>& t) {
  if (t) {
    w.string(core::format_timestamp(*t));
  } else {
    w.null();
  }
}

void write_counts(JsonWriter& w, const model::StatusCounts& c) {
  w.begin_object()
      .key("fresh").number(c[Status::kFresh])
      .key("warn").number(c[Status::kWarn])
      .key("error").number(c[Status::kError])
      .key("unknown").number(c[Status::kUnknown])
      .key("total").number(c.total())
      .end_object();
}

std::optional<core::Duration> age_of(const Snapshot& snap, const AssetState& s) {
  if (s.evaluation.age) return s.evaluation.age;
  if (s.evaluation.changed_at) return snap.generated_at - *s.evaluation.changed_at;
  return std::nullopt;
}

std::int64_t seconds(core::Duration d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

// ---------------------------------------------------------------------------------------------
// A cached, shared body: plain and gzip forms with their ETags.

struct CachedBody {
  std::string content_type;
  std::string plain;
  std::string gz;  // empty when gzip would not help
  std::string etag;
  std::string gz_etag;
};

std::shared_ptr<const CachedBody> make_cached(std::string body, std::string_view type) {
  auto c = std::make_shared<CachedBody>();
  c->content_type = std::string(type);
  c->etag = make_etag(body);
  if (body.size() >= 256) {
    c->gz = gzip(body, 6);
    if (c->gz.size() + 64 >= body.size()) {
      c->gz.clear();
    } else {
      c->gz_etag = make_etag(body, "-gz");
    }
  }
  c->plain = std::move(body);
  return c;
}

// Serves a shared body: 304 when If-None-Match matches, gzip when accepted.
Response serve_shared(const Request& req, std::shared_ptr<const void> owner, std::string_view type,
                      std::string_view plain, std::string_view gz, std::string_view etag,
                      std::string_view gz_etag, std::string_view cache_control) {
  Response r;
  r.headers.emplace_back("Cache-Control", std::string(cache_control));
  r.headers.emplace_back("Vary", "Accept-Encoding");
  if (!req.if_none_match.empty() && etag_matches(req.if_none_match, etag, gz_etag)) {
    r.status = 304;
    bool use_gz = !gz.empty() && accepts_gzip(req.accept_encoding);
    r.headers.emplace_back("ETag", std::string(use_gz ? gz_etag : etag));
    return r;
  }
  r.content_type = std::string(type);
  r.owner = std::move(owner);
  if (!gz.empty() && accepts_gzip(req.accept_encoding)) {
    r.body = gz;
    r.headers.emplace_back("Content-Encoding", "gzip");
    r.headers.emplace_back("ETag", std::string(gz_etag));
  } else {
    r.body = plain;
    r.headers.emplace_back("ETag", std::string(etag));
  }
  return r;
}

Response serve_cached(const Request& req, const std::shared_ptr<const CachedBody>& c) {
  return serve_shared(req, c, c->content_type, c->plain, c->gz, c->etag, c->gz_etag,
                      "private, no-cache");
}

// ---------------------------------------------------------------------------------------------
// View: what the handlers derive from one snapshot, built once per snapshot.

enum class SortOrder { kName, kNameDesc, kStaleness, kStalenessDesc };

// Adjacency lists in one block (compressed sparse rows): the neighbours of asset i are
// items[offsets[i] .. offsets[i + 1]).
struct Adjacency {
  std::vector<std::uint32_t> offsets, items;
  std::span<const std::uint32_t> operator[](std::uint32_t i) const {
    return {items.data() + offsets[i], items.data() + offsets[i + 1]};
  }
};

struct View {
  std::shared_ptr<const Snapshot> snap;
  std::vector<std::uint32_t> parent;  // index of each asset's parent, or kNone
  std::vector<std::uint32_t> by_name;       // (name, key)
  std::vector<std::uint32_t> by_staleness;  // age desc, unknown last, then key
  std::vector<std::uint32_t> rank_name, rank_staleness;
  std::size_t known_count = 0;  // assets with a known age: a prefix of by_staleness
  // Lower-case "key\nname\nowner\ntag\ntag" of asset i at haystack_text[haystack_at[i] ..
  // haystack_at[i + 1]).
  std::string haystack_text;
  std::vector<std::uint32_t> haystack_at;
  Adjacency upstream, downstream;
  std::uint32_t impacted = 0;

  // The snapshot's lineage graph (root paths, edge labels), built when the view is published;
  // its first nodes are the snapshot's assets, in snapshot order.
  const lineage::Graph& graph() const {
    std::call_once(graph_once_, [this] { graph_ = lineage::snapshot_graph(*snap); });
    return graph_;
  }

  // Serialised bodies by normalised query, each cache bounded by ApiOptions::max_cached_bodies
  // (cleared when full). One asset's detail and history have their own, so pages of 100,000
  // assets being read do not push out the lists and documents every client shares.
  struct BodyCache {
    std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<const CachedBody>> bodies;  // GUARDED_BY(mutex)
  };
  BodyCache shared_cache, asset_cache;

  std::uint32_t index_of(const AssetState* s) const {
    return static_cast<std::uint32_t>(s - snap->assets.data());
  }
  std::uint32_t find(std::string_view key) const {
    const AssetState* s = snap->find(key);
    return s ? index_of(s) : kNone;
  }
  std::string_view haystack(std::uint32_t i) const {
    return std::string_view(haystack_text).substr(haystack_at[i], haystack_at[i + 1] - haystack_at[i]);
  }

 private:
  mutable std::once_flag graph_once_;
  mutable lineage::Graph graph_;
};

// The string fields `names` of a JSON object body, in that order (empty when absent; other
// fields are ignored), or why the body is not such an object.
std::expected<std::vector<std::optional<std::string>>, std::string> string_fields(
    std::string_view body, std::initializer_list<std::string_view> names) {
  std::vector<std::optional<std::string>> out(names.size());
  try {
    simdjson::padded_string padded(body);
    simdjson::ondemand::parser parser;
    auto doc = parser.iterate(padded);
    for (auto field : doc.get_object()) {
      const std::string_view key = field.unescaped_key();
      auto at = std::find(names.begin(), names.end(), key);
      if (at != names.end())
        out[static_cast<std::size_t>(at - names.begin())] =
            std::string(std::string_view(field.value().get_string()));
    }
  } catch (const simdjson::simdjson_error& e) {
    return std::unexpected(std::string(e.what()));
  }
  return out;
}

// "<encoded id>[<suffix>]" split into the id (still percent-encoded) and the suffix it ends
// with, or "" when it ends with none of them: ids may hold '/' (sent as %2F).
std::pair<std::string_view, std::string_view> split_subresource(
    std::string_view rest, std::initializer_list<std::string_view> suffixes) {
  for (std::string_view suffix : suffixes)
    if (rest.ends_with(suffix)) return {rest.substr(0, rest.size() - suffix.size()), suffix};
  return {rest, {}};
}

bool unknown_for_staleness(const Snapshot& snap, const AssetState& s) {
  return s.evaluation.status == Status::kUnknown || !age_of(snap, s);
}

// The first eight bytes of `s`, big-endian, so integer order is byte order.
std::uint64_t prefix_key(std::string_view s) {
  std::uint64_t k = 0;
  for (std::size_t b = 0; b < 8; ++b)
    k = (k << 8) | (b < s.size() ? static_cast<unsigned char>(s[b]) : 0u);
  return k;
}

// Built once per snapshot, before the snapshot is served (Api::publish); at 100,000 assets it
// still delays the snapshot's arrival, so it avoids string comparisons and per-asset
// allocations: parents come from the children lists, orders are sorted on compact keys, the
// search text and the lineage adjacency are single blocks.
std::shared_ptr<View> build_view(std::shared_ptr<const Snapshot> snap) {
  auto v = std::make_shared<View>();
  v->snap = std::move(snap);
  const Snapshot& s = *v->snap;
  const std::size_t n = s.assets.size();
  const auto n32 = static_cast<std::uint32_t>(n);

  v->parent.assign(n, kNone);
  for (std::uint32_t i = 0; i < n32; ++i)
    for (std::uint32_t c : s.assets[i].children)
      if (c < n32 && s.assets[c].asset->parent == s.assets[i].asset->key) v->parent[c] = i;
  for (std::uint32_t i = 0; i < n32; ++i)  // assets their parent does not list
    if (v->parent[i] == kNone && !s.assets[i].asset->parent.empty())
      v->parent[i] = v->find(s.assets[i].asset->parent);

  std::size_t text_size = 0;
  for (const auto& st : s.assets) {
    const auto& a = *st.asset;
    text_size += a.key.size() + a.name.size() + a.owner.size() + 2;
    for (const auto& t : a.tags) text_size += t.size() + 1;
  }
  v->haystack_text.reserve(text_size);
  v->haystack_at.resize(n + 1);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& a = *s.assets[i].asset;
    std::string& h = v->haystack_text;
    v->haystack_at[i] = static_cast<std::uint32_t>(h.size());
    h += a.key;
    h += '\n';
    h += a.name;
    h += '\n';
    h += a.owner;
    for (const auto& t : a.tags) {
      h += '\n';
      h += t;
    }
    if (s.assets[i].impacted) ++v->impacted;
  }
  for (char& c : v->haystack_text)
    if (c >= 'A' && c <= 'Z') c += 32;
  v->haystack_at[n] = static_cast<std::uint32_t>(v->haystack_text.size());

  // Name order: ties on name keep key order, which is index order.
  struct NameKey {
    std::uint64_t prefix;
    std::uint32_t index;
  };
  std::vector<NameKey> names(n);
  for (std::uint32_t i = 0; i < n32; ++i) names[i] = {prefix_key(s.assets[i].asset->name), i};
  std::sort(names.begin(), names.end(), [&](const NameKey& x, const NameKey& y) {
    if (x.prefix != y.prefix) return x.prefix < y.prefix;
    const std::string& a = s.assets[x.index].asset->name;
    const std::string& b = s.assets[y.index].asset->name;
    if (a.size() > 8 || b.size() > 8) {
      int c = std::string_view(a).substr(std::min<std::size_t>(8, a.size()))
                  .compare(std::string_view(b).substr(std::min<std::size_t>(8, b.size())));
      if (c != 0) return c < 0;
    }
    return x.index < y.index;
  });
  v->by_name.resize(n);
  for (std::size_t r = 0; r < n; ++r) v->by_name[r] = names[r].index;

  // Staleness order: oldest data first, assets without a known age last, ties in key order.
  std::vector<std::pair<std::int64_t, std::uint32_t>> stale(n);
  for (std::uint32_t i = 0; i < n32; ++i) {
    const AssetState& st = s.assets[i];
    std::int64_t key = std::numeric_limits<std::int64_t>::max();
    if (!unknown_for_staleness(s, st)) {
      key = -age_of(s, st)->count();
      ++v->known_count;
    }
    stale[i] = {key, i};
  }
  std::sort(stale.begin(), stale.end());
  v->by_staleness.resize(n);
  for (std::size_t r = 0; r < n; ++r) v->by_staleness[r] = stale[r].second;

  v->rank_name.resize(n);
  v->rank_staleness.resize(n);
  for (std::uint32_t r = 0; r < n32; ++r) {
    v->rank_name[v->by_name[r]] = r;
    v->rank_staleness[v->by_staleness[r]] = r;
  }

  std::vector<std::pair<std::uint32_t, std::uint32_t>> links;  // (upstream, downstream)
  links.reserve(s.edges.size());
  for (const auto& e : s.edges) {
    std::uint32_t up = v->find(e.upstream), down = v->find(e.downstream);
    if (up != kNone && down != kNone) links.emplace_back(up, down);
  }
  auto build = [&](Adjacency& adj, bool forward) {
    adj.offsets.assign(n + 1, 0);
    for (const auto& [up, down] : links) ++adj.offsets[(forward ? up : down) + 1];
    for (std::size_t i = 0; i < n; ++i) adj.offsets[i + 1] += adj.offsets[i];
    adj.items.resize(links.size());
    std::vector<std::uint32_t> next(adj.offsets.begin(), adj.offsets.end() - 1);
    for (const auto& [up, down] : links) adj.items[next[forward ? up : down]++] = forward ? down : up;
  };
  build(v->downstream, true);
  build(v->upstream, false);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Rendering of shared shapes

void write_history(JsonWriter& w, std::span<const model::DayStatus> h) {
  w.begin_array();
  std::size_t have = std::min(h.size(), kHistoryDays);
  for (std::size_t i = have; i < kHistoryDays; ++i) w.null();
  for (std::size_t i = h.size() - have; i < h.size(); ++i) {
    if (h[i].has_data) {
      w.string(model::to_string(h[i].worst));
    } else {
      w.null();
    }
  }
  w.end_array();
}

// Usage, for dashboards and Looks (every field null when the BI tool said nothing); null for
// other kinds.
void write_usage(JsonWriter& w, const model::Asset& a) {
  if (!model::has_usage(a.kind)) {
    w.null();
    return;
  }
  const model::Usage usage = a.usage.value_or(model::Usage{});
  w.begin_object();
  w.key("last_accessed_at");
  write_time(w, usage.last_accessed_at);
  w.key("last_viewed_at");
  write_time(w, usage.last_viewed_at);
  w.key("view_count");
  if (usage.view_count) w.number(*usage.view_count); else w.null();
  w.end_object();
}

// The fields of AssetSummary, inside an object the caller opened.
void write_summary_fields(JsonWriter& w, const View& v, std::uint32_t i) {
  const Snapshot& snap = *v.snap;
  const AssetState& s = snap.assets[i];
  const auto& a = *s.asset;
  const auto& e = s.evaluation;
  w.key("key").string(a.key);
  w.key("name").string(a.name);
  w.key("kind").string(model::to_string(a.kind));
  w.key("parent").string_or_null(a.parent);
  w.key("connection").string(a.connection);
  w.key("owner").string_or_null(a.owner);
  w.key("tags").begin_array();
  for (const auto& t : a.tags) w.string(t);
  w.end_array();
  w.key("status").string(model::to_string(e.status));
  w.key("changed_at");
  write_time(w, e.changed_at);
  w.key("age_seconds");
  if (auto age = age_of(snap, s)) {
    w.number(seconds(*age));
  } else {
    w.null();
  }
  w.key("signal").string_or_null(e.signal);
  w.key("policy").string_or_null(e.policy);
  w.key("reason").string_or_null(e.reason);
  w.key("error").string_or_null(e.error);
  w.key("impacted").boolean(s.impacted);
  w.key("data_time");
  write_time(w, s.data_time);
  w.key("data_time_from").string_or_null(s.data_time_from);
  w.key("usage");
  write_usage(w, a);
  w.key("counts");
  write_counts(w, s.counts);
  w.key("history");
  write_history(w, snap.history(i));
}

void write_summary(JsonWriter& w, const View& v, std::uint32_t i) {
  w.begin_object();
  write_summary_fields(w, v, i);
  w.end_object();
}

std::string summary_message(const model::StatusCounts& c) {
  if (c.total() == 0) return "No assets yet";
  const std::uint32_t attention = c.total() - c[Status::kFresh];
  if (attention == 0) return "All data fresh";
  // In the status page's words: error is "stale", warn is "late".
  std::string parts;
  auto add = [&parts](std::uint32_t n, std::string_view what) {
    if (n) parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", n, what);
  };
  add(c[Status::kError], "stale");
  add(c[Status::kWarn], "late");
  add(c[Status::kUnknown], "without data");
  return fmt::format("{} asset{} need{} attention: {}", attention, attention == 1 ? "" : "s",
                     attention == 1 ? "s" : "", parts);
}

Status overall_status(const model::StatusCounts& c) {
  if (c.total() == 0) return Status::kUnknown;
  Status out = Status::kFresh;
  for (Status s : model::kAllStatuses)
    if (c[s]) out = model::worst(out, s);
  return out;
}

void write_summary_document(JsonWriter& w, const View& v) {
  const Snapshot& s = *v.snap;
  w.begin_object();
  w.key("generated_at").string(core::format_timestamp(s.generated_at));
  w.key("version").number(static_cast<std::uint64_t>(s.version));
  w.key("timezone").string(s.timezone);
  w.key("overall").string(model::to_string(overall_status(s.summary)));
  w.key("message").string(summary_message(s.summary));
  w.key("counts");
  write_counts(w, s.summary);
  w.key("impacted").number(v.impacted);
  w.key("connections").begin_array();
  for (const auto& c : s.connections) {
    w.begin_object();
    w.key("name").string(c.name);
    w.key("type").string(c.type);
    w.key("last_run");
    write_time(w, c.last_run);
    w.key("last_success");
    write_time(w, c.last_success);
    w.key("next_run");
    write_time(w, c.next_run);
    w.key("error").string_or_null(c.error);
    w.key("asset_count").number(c.asset_count);
    w.key("warnings").begin_array();
    for (const auto& warning : c.warnings) w.string(warning);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_tree_node(JsonWriter& w, const View& v, std::uint32_t i) {
  const AssetState& s = v.snap->assets[i];
  w.begin_object();
  w.key("key").string(s.asset->key);
  w.key("name").string(s.asset->name);
  w.key("kind").string(model::to_string(s.asset->kind));
  w.key("status").string(model::to_string(s.evaluation.status));
  w.key("counts");
  write_counts(w, s.counts);
  w.key("children").begin_array();
  for (std::uint32_t c : s.children)
    if (c < v.snap->assets.size() && model::is_container(v.snap->assets[c].asset->kind))
      write_tree_node(w, v, c);
  w.end_array();
  w.end_object();
}

// ---------------------------------------------------------------------------------------------
// Statuspage-compatible v2

std::string_view statuspage_status(Status s) {
  switch (s) {
    case Status::kFresh: return "operational";
    case Status::kWarn: return "degraded_performance";
    case Status::kError: return "major_outage";
    case Status::kUnknown: return "under_maintenance";
  }
  return "under_maintenance";
}

std::string_view group_status(const AssetState& s) {
  const auto& c = s.counts;
  if (c[Status::kError] && c[Status::kError] < c.total()) return "partial_outage";
  return statuspage_status(s.evaluation.status);
}

void write_v2_page_fields(JsonWriter& w, const ApiOptions& o, std::string_view time_zone,
                          core::TimePoint updated_at) {
  w.key("page").begin_object();
  w.key("id").string("freshwatch");
  w.key("name").string(o.page_name);
  w.key("url").string(o.page_url);
  w.key("time_zone").string(time_zone);
  w.key("updated_at").string(core::format_timestamp(updated_at));
  w.end_object();
}

void write_v2_page(JsonWriter& w, const View& v, const ApiOptions& o) {
  write_v2_page_fields(w, o, v.snap->timezone, v.snap->generated_at);
}

void write_v2_status(JsonWriter& w, const View& v) {
  const auto& c = v.snap->summary;
  std::string_view indicator = "none", description = "All Systems Operational";
  if (c[Status::kError]) {
    indicator = "major";
    description = "Major Service Outage";
  } else if (c[Status::kWarn] || c[Status::kUnknown]) {
    indicator = "minor";
    description = "Minor Service Outage";
  }
  w.key("status").begin_object();
  w.key("indicator").string(indicator);
  w.key("description").string(description);
  w.end_object();
}

// The components of the v2 documents. Connections are Statuspage groups; their components
// are the containers that hold assets directly (schemas, folders, databases without schemas)
// and the assets that are not fresh, most severe first, at most kV2AssetLimit in all. So the
// documents grow with the number of schemas, not of tables.
constexpr std::size_t kV2AssetLimit = 100;

struct V2Layout {
  struct Group {
    std::uint32_t root;
    std::vector<std::uint32_t> containers;  // in tree order
    std::vector<std::uint32_t> assets;      // listed assets that are not fresh, most severe first
  };
  std::vector<Group> groups;
  std::vector<std::uint32_t> worst;  // per asset: its most severe leaf (itself for a leaf), or kNone
  std::size_t not_fresh = 0;         // leaves that are not fresh
  std::size_t listed = 0;
};

// Most severe status first; within one, the stalest first (staleness order).
bool more_severe(const View& v, std::uint32_t x, std::uint32_t y) {
  int sx = model::severity(v.snap->assets[x].evaluation.status);
  int sy = model::severity(v.snap->assets[y].evaluation.status);
  if (sx != sy) return sx > sy;
  return v.rank_staleness[x] < v.rank_staleness[y];
}

V2Layout v2_layout(const View& v) {
  const Snapshot& s = *v.snap;
  const std::size_t n = s.assets.size();
  V2Layout out;
  out.worst.assign(n, kNone);
  std::vector<std::uint32_t> group_of(n, kNone);  // index into out.groups
  // Depth first from each root, children before parents for `worst`.
  std::vector<std::pair<std::uint32_t, bool>> stack;
  for (std::uint32_t root : s.roots) {
    if (root >= n) continue;
    auto g = static_cast<std::uint32_t>(out.groups.size());
    out.groups.push_back({root, {}, {}});
    stack.emplace_back(root, false);
    while (!stack.empty()) {
      auto [i, done] = stack.back();
      stack.pop_back();
      const AssetState& a = s.assets[i];
      if (!model::is_container(a.asset->kind)) {
        out.worst[i] = i;
        group_of[i] = g;
        continue;
      }
      if (done) {
        for (std::uint32_t c : a.children)
          if (c < n && out.worst[c] != kNone &&
              (out.worst[i] == kNone || more_severe(v, out.worst[c], out.worst[i])))
            out.worst[i] = out.worst[c];
        continue;
      }
      if (i != root) {
        bool holds_assets = false;
        for (std::uint32_t c : a.children)
          holds_assets = holds_assets || (c < n && !model::is_container(s.assets[c].asset->kind));
        if (holds_assets) out.groups[g].containers.push_back(i);
      }
      stack.emplace_back(i, true);
      for (auto c = a.children.rbegin(); c != a.children.rend(); ++c)
        if (*c < n) stack.emplace_back(*c, false);
    }
  }
  // Assets that are not fresh, most severe first.
  for (Status st : {Status::kError, Status::kWarn, Status::kUnknown}) {
    for (std::uint32_t i : v.by_staleness) {
      const AssetState& a = s.assets[i];
      if (a.evaluation.status != st || model::is_container(a.asset->kind)) continue;
      ++out.not_fresh;
      if (out.listed < kV2AssetLimit && group_of[i] != kNone) {
        out.groups[group_of[i]].assets.push_back(i);
        ++out.listed;
      }
    }
  }
  return out;
}

void write_v2_components(JsonWriter& w, const View& v, const V2Layout& layout) {
  const Snapshot& s = *v.snap;
  std::string now = core::format_timestamp(s.generated_at);
  int position = 1;
  auto common = [&](const AssetState& a, std::string_view status, std::string_view name) {
    w.key("id").string(a.asset->key);
    w.key("name").string(name);
    w.key("status").string(status);
    w.key("created_at").string(now);
    w.key("updated_at");
    if (a.evaluation.changed_at) {
      write_time(w, a.evaluation.changed_at);
    } else {
      w.string(now);
    }
    w.key("position").number(position++);
    w.key("description").string_or_null(a.asset->description);
    w.key("showcase").boolean(false);
    w.key("start_date").null();
    w.key("page_id").string("freshwatch");
    w.key("only_show_if_degraded").boolean(false);
  };
  // The key without its connection: "analytics.public" for "warehouse:analytics.public".
  auto short_name = [](std::string_view key) {
    if (auto colon = key.find(':'); colon != std::string_view::npos) return key.substr(colon + 1);
    return key;
  };
  auto freshness = [&](std::uint32_t i) {
    const AssetState& a = s.assets[i];
    w.key("freshness").begin_object();
    w.key("kind").string(model::to_string(a.asset->kind));
    w.key("status").string(model::to_string(a.evaluation.status));
    w.key("changed_at");
    write_time(w, a.evaluation.changed_at);
    w.key("age_seconds");
    if (auto age = age_of(s, a)) {
      w.number(seconds(*age));
    } else {
      w.null();
    }
    w.key("reason").string_or_null(a.evaluation.reason);
    w.key("counts");
    write_counts(w, a.counts);
    w.key("worst");
    std::uint32_t worst = layout.worst[i];
    if (worst == kNone || worst == i) {
      w.null();
    } else {
      const AssetState& b = s.assets[worst];
      w.begin_object();
      w.key("key").string(b.asset->key);
      w.key("name").string(b.asset->name);
      w.key("status").string(model::to_string(b.evaluation.status));
      w.key("age_seconds");
      if (auto age = age_of(s, b)) {
        w.number(seconds(*age));
      } else {
        w.null();
      }
      w.end_object();
    }
    w.end_object();
  };
  w.key("components").begin_array();
  for (const auto& g : layout.groups) {
    const AssetState& root = s.assets[g.root];
    w.begin_object();
    common(root, group_status(root), root.asset->name);
    w.key("group_id").null();
    w.key("group").boolean(true);
    w.key("components").begin_array();
    for (std::uint32_t c : g.containers) w.string(s.assets[c].asset->key);
    for (std::uint32_t l : g.assets) w.string(s.assets[l].asset->key);
    w.end_array();
    freshness(g.root);
    w.end_object();
    for (std::uint32_t c : g.containers) {
      const AssetState& a = s.assets[c];
      w.begin_object();
      common(a, group_status(a), short_name(a.asset->key));
      w.key("group_id").string(root.asset->key);
      w.key("group").boolean(false);
      freshness(c);
      w.end_object();
    }
    for (std::uint32_t l : g.assets) {
      const AssetState& a = s.assets[l];
      w.begin_object();
      common(a, statuspage_status(a.evaluation.status), short_name(a.asset->key));
      w.key("group_id").string(root.asset->key);
      w.key("group").boolean(false);
      freshness(l);
      w.end_object();
    }
  }
  w.end_array();
  // How many assets are not fresh and how many of them are listed above.
  w.key("freshness_assets").begin_object();
  w.key("not_fresh").number(static_cast<std::uint64_t>(layout.not_fresh));
  w.key("listed").number(static_cast<std::uint64_t>(layout.listed));
  w.key("limit").number(static_cast<std::uint64_t>(kV2AssetLimit));
  w.key("all").string("/api/v1/assets?status=error,warn,unknown&leaves=true&sort=staleness");
  w.end_object();
}

// ---------------------------------------------------------------------------------------------
// Asset list query

struct ListQuery {
  std::vector<Status> statuses;
  std::vector<std::string> connections, owners, tags;
  std::vector<model::AssetKind> kinds;
  std::string q;  // lower-case
  std::string parent, under;
  bool leaves = false;
  std::optional<bool> impacted;  // only assets with (true) or without (false) stale upstream
  std::optional<int> unused_days;  // only dashboards and Looks nobody opened in that many days
  SortOrder sort = SortOrder::kName;
  std::size_t limit = kDefaultLimit;
  std::size_t offset = 0;

  // A canonical form: equal for queries that select the same page.
  std::string normalised() const {
    std::string key = "assets";
    std::vector<std::string> st;
    for (Status s : statuses) st.emplace_back(model::to_string(s));
    std::vector<std::string> kd;
    for (auto k : kinds) kd.emplace_back(model::to_string(k));
    auto sorted = [](std::vector<std::string> v) {
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      return join(v);
    };
    key += "\x1fs=" + sorted(st) + "\x1f" "c=" + sorted(connections) + "\x1fo=" + sorted(owners) +
           "\x1ft=" + sorted(tags) + "\x1fk=" + sorted(kd) + "\x1fq=" + q + "\x1fp=" + parent +
           "\x1fu=" + under + "\x1fl=" + (leaves ? "1" : "0") +
           "\x1fi=" + (impacted ? (*impacted ? "1" : "0") : "") +
           "\x1fud=" + (unused_days ? std::to_string(*unused_days) : "") +
           "\x1fsort=" + std::to_string(static_cast<int>(sort)) +
           "\x1fn=" + std::to_string(limit) + "\x1f@=" + std::to_string(offset);
    return key;
  }
};

bool parse_size(std::string_view text, std::size_t& out) {
  if (text.empty()) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size();
}

std::string encode_cursor(std::uint64_t version, std::size_t offset) {
  return base64url(fmt::format("v{}:{}", version, offset));
}

// The offset a cursor names. Cursors stay usable across snapshots (the offset is applied to
// the new ordering).
bool decode_cursor(std::string_view cursor, std::size_t& offset) {
  std::string raw;
  if (!base64url_decode(cursor, raw) || raw.empty() || raw[0] != 'v') return false;
  std::size_t colon = raw.find(':');
  if (colon == std::string::npos) return false;
  return parse_size(std::string_view(raw).substr(colon + 1), offset);
}

// Parses the query; on a bad parameter returns a problem response.
std::optional<Response> parse_list_query(std::string_view query, ListQuery& out) {
  for (auto& [k, v] : parse_query(query)) {
    if (k == "status") {
      for (const auto& s : split_list(v)) {
        auto st = model::parse_status(s);
        if (!st)
          return problem(400, fmt::format("unknown status '{}' in 'status'; use fresh, warn, "
                                          "error or unknown, separated by commas", s));
        out.statuses.push_back(*st);
      }
    } else if (k == "connection") {
      for (auto& s : split_list(v)) out.connections.push_back(std::move(s));
    } else if (k == "owner") {
      for (auto& s : split_list(v)) out.owners.push_back(std::move(s));
    } else if (k == "tag") {
      for (auto& s : split_list(v)) out.tags.push_back(std::move(s));
    } else if (k == "kind") {
      for (const auto& s : split_list(v)) {
        auto kind = model::parse_asset_kind(s);
        if (!kind)
          return problem(400, fmt::format("unknown kind '{}' in 'kind'; use for example table, "
                                          "view, model, dashboard or schema", s));
        out.kinds.push_back(*kind);
      }
    } else if (k == "q") {
      out.q = lower(v);
      while (!out.q.empty() && out.q.back() == ' ') out.q.pop_back();
      while (!out.q.empty() && out.q.front() == ' ') out.q.erase(out.q.begin());
    } else if (k == "parent") {
      out.parent = v;
    } else if (k == "under") {
      out.under = v;
    } else if (k == "leaves") {
      if (v == "true" || v == "1" || v.empty()) {
        out.leaves = true;
      } else if (v == "false" || v == "0") {
        out.leaves = false;
      } else {
        return problem(400, fmt::format("'leaves' must be true or false, not '{}'", v));
      }
    } else if (k == "impacted") {
      if (v == "true" || v == "1") {
        out.impacted = true;
      } else if (v == "false" || v == "0") {
        out.impacted = false;
      } else if (!v.empty()) {
        return problem(400, fmt::format("'impacted' must be true or false, not '{}'", v));
      }
    } else if (k == "unused_days") {
      std::size_t n = 0;
      if (!parse_size(v, n) || n < 1 || n > kMaxUnusedDays)
        return problem(400, fmt::format("'unused_days' must be a whole number of days from 1 to "
                                        "{}, not '{}'", kMaxUnusedDays, v));
      out.unused_days = static_cast<int>(n);
    } else if (k == "sort") {
      if (v == "name") out.sort = SortOrder::kName;
      else if (v == "-name") out.sort = SortOrder::kNameDesc;
      else if (v == "staleness") out.sort = SortOrder::kStaleness;
      else if (v == "-staleness") out.sort = SortOrder::kStalenessDesc;
      else
        return problem(400, fmt::format("unknown sort '{}'; use staleness, -staleness, name or "
                                        "-name", v));
    } else if (k == "limit") {
      std::size_t n = 0;
      if (!parse_size(v, n) || n < 1 || n > kMaxLimit)
        return problem(400, fmt::format("'limit' must be a whole number from 1 to {}, not '{}'",
                                        kMaxLimit, v));
      out.limit = n;
    } else if (k == "cursor") {
      if (!v.empty() && !decode_cursor(v, out.offset))
        return problem(400, "'cursor' is not one this server issued; start again without it");
    }
    // Other parameters (cache busters and the like) are ignored.
  }
  return std::nullopt;
}

bool contains(const std::vector<std::string>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

bool matches(const View& v, const ListQuery& q, std::uint32_t i, std::uint32_t under) {
  const AssetState& s = v.snap->assets[i];
  const auto& a = *s.asset;
  if (q.leaves && model::is_container(a.kind)) return false;
  if (q.impacted && s.impacted != *q.impacted) return false;
  if (q.unused_days) {
    if (!model::has_usage(a.kind)) return false;
    const auto& opened = a.usage ? a.usage->last_accessed_at : std::nullopt;
    if (opened && *opened >= v.snap->generated_at - std::chrono::days(*q.unused_days)) return false;
  }
  if (!q.statuses.empty() &&
      std::find(q.statuses.begin(), q.statuses.end(), s.evaluation.status) == q.statuses.end())
    return false;
  if (!q.connections.empty() && !contains(q.connections, a.connection)) return false;
  if (!q.owners.empty() && !contains(q.owners, a.owner)) return false;
  if (!q.kinds.empty() && std::find(q.kinds.begin(), q.kinds.end(), a.kind) == q.kinds.end())
    return false;
  if (!q.tags.empty()) {
    bool any = false;
    for (const auto& t : a.tags) any = any || contains(q.tags, t);
    if (!any) return false;
  }
  if (under != kNone) {
    std::uint32_t p = v.parent[i];
    int guard = 0;
    while (p != kNone && p != under && ++guard < 64) p = v.parent[p];
    if (p != under) return false;
  }
  if (!q.q.empty() && v.haystack(i).find(q.q) == std::string_view::npos) return false;
  return true;
}

// The assets `q` selects, in its order; `parent` and `under` are the indexes its keys name
// (kNone: no such filter).
std::vector<std::uint32_t> list_hits(const View& v, const ListQuery& q, std::uint32_t parent,
                                     std::uint32_t under) {
  const Snapshot& s = *v.snap;
  std::vector<std::uint32_t> hits;
  const bool by_name = q.sort == SortOrder::kName || q.sort == SortOrder::kNameDesc;
  const auto& rank = by_name ? v.rank_name : v.rank_staleness;
  if (parent != kNone) {
    for (std::uint32_t c : s.assets[parent].children)
      if (c < s.assets.size() && matches(v, q, c, under)) hits.push_back(c);
    std::sort(hits.begin(), hits.end(),
              [&](std::uint32_t x, std::uint32_t y) { return rank[x] < rank[y]; });
  } else {
    const auto& order = by_name ? v.by_name : v.by_staleness;
    hits.reserve(std::min<std::size_t>(order.size(), 4096));
    for (std::uint32_t i : order)
      if (matches(v, q, i, under)) hits.push_back(i);
  }
  if (q.sort == SortOrder::kNameDesc) {
    std::reverse(hits.begin(), hits.end());
  } else if (q.sort == SortOrder::kStalenessDesc) {
    // Freshest first; assets without a known age stay last.
    auto known_end = std::stable_partition(hits.begin(), hits.end(), [&](std::uint32_t i) {
      return v.rank_staleness[i] < v.known_count;
    });
    std::reverse(hits.begin(), known_end);
  }
  return hits;
}

// ---------------------------------------------------------------------------------------------
// Incidents (docs/alerts.md): /api/v1 shapes, the Statuspage-compatible v2 ones and the Atom feed

constexpr std::size_t kV2IncidentLimit = 50;
constexpr std::size_t kFeedEntryLimit = 50;
// Incidents whose events the feed looks at: open ones first, then the newest opened.
constexpr std::size_t kFeedIncidentLimit = 200;

// The status page's words: error is "stale", warn is "late".
std::string_view status_words(Status s) {
  switch (s) {
    case Status::kFresh: return "fresh";
    case Status::kWarn: return "late";
    case Status::kError: return "stale";
    case Status::kUnknown: return "without data";
  }
  return "without data";
}

// The worst status the root held over the incident's timeline (its latest when there is none).
Status worst_status(const alerts::Incident& incident,
                    std::span<const store::StoredEvent> timeline) {
  Status worst = incident.resolved_at ? Status::kFresh : incident.root.status;
  for (const auto& e : timeline) worst = model::worst(worst, e.event.status);
  if (worst == Status::kFresh)
    worst = incident.kind == alerts::IncidentKind::kUnknown ? Status::kUnknown : Status::kWarn;
  return worst;
}

std::string incident_name(const alerts::Incident& incident,
                          std::span<const store::StoredEvent> timeline) {
  return fmt::format("{} is {}", incident.root.name,
                     status_words(worst_status(incident, timeline)));
}

// One sentence about an event: the body of a Statuspage update and the summary of a feed entry.
std::string event_sentence(const alerts::Incident& incident, const alerts::IncidentEvent& e) {
  const auto& root = incident.root;
  if (e.type == alerts::EventType::kResolved)
    return fmt::format("{} ({}) is fresh again.", root.name, root.key);
  std::string impact;
  if (e.impacted_count)
    impact = fmt::format("; {} asset{} downstream impacted", e.impacted_count,
                         e.impacted_count == 1 ? "" : "s");
  return fmt::format("{} ({}) is {}{}.", root.name, root.key, status_words(e.status), impact);
}

// A feed entry's title.
std::string event_title(const alerts::Incident& incident, const alerts::IncidentEvent& e) {
  switch (e.type) {
    case alerts::EventType::kOpened:
      return fmt::format("Opened: {} is {}", incident.root.name, status_words(e.status));
    case alerts::EventType::kUpdated:
      return fmt::format("Updated: {} is {}", incident.root.name, status_words(e.status));
    case alerts::EventType::kReminder:
      return fmt::format("Still open: {} is {}", incident.root.name, status_words(e.status));
    case alerts::EventType::kResolved:
      return fmt::format("Resolved: {} is fresh again", incident.root.name);
  }
  return incident.root.name;
}

// The root's asset page: absolute under ApiOptions::page_url, else relative to the server.
std::string asset_page(const ApiOptions& o, std::string_view key) {
  std::string_view base = o.page_url;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return fmt::format("{}/assets/{}", base, net::percent_encode(key));
}

// The fields of Incident, inside an object the caller opened.
void write_incident_fields(JsonWriter& w, const alerts::Incident& incident) {
  w.key("id").string(incident.id);
  w.key("kind").string(alerts::to_string(incident.kind));
  w.key("status").string(incident.open() ? "open" : "resolved");
  const auto& root = incident.root;
  w.key("root").begin_object();
  w.key("key").string(root.key);
  w.key("name").string(root.name);
  w.key("status").string(model::to_string(root.status));
  w.key("changed_at");
  write_time(w, root.changed_at);
  w.key("reason").string(root.reason);
  w.key("owner").string_or_null(root.owner);
  w.end_object();
  w.key("impacted").begin_object();
  w.key("count").number(static_cast<std::uint64_t>(incident.impacted.size()));
  w.key("keys").begin_array();
  for (const auto& k : incident.impacted) w.string(k);
  w.end_array();
  w.end_object();
  w.key("opened_at").string(core::format_timestamp(incident.opened_at));
  w.key("resolved_at");
  write_time(w, incident.resolved_at);
  w.key("acknowledged_at");
  write_time(w, incident.acknowledged_at);
  w.key("snoozed_until");
  write_time(w, incident.snoozed_until);
  w.key("last_notified_at");
  write_time(w, incident.last_notified_at);
}

void write_incident(JsonWriter& w, const alerts::Incident& incident) {
  w.begin_object();
  write_incident_fields(w, incident);
  w.end_object();
}

// IncidentDetail: the incident, its timeline, then every delivery attempt (oldest first) and
// the deliveries still pending, each as the attempt still to come: `attempt` is its number,
// `at` when it was queued and `next_attempt_at` when it is due.
void write_incident_detail(JsonWriter& w, const store::IncidentDetail& d) {
  w.begin_object();
  write_incident_fields(w, d.incident);
  w.key("timeline").begin_array();
  for (const auto& e : d.timeline) {
    w.begin_object();
    w.key("sequence").number(e.sequence);
    w.key("type").string(alerts::to_string(e.event.type));
    w.key("at").string(core::format_timestamp(e.event.at));
    w.key("status").string(model::to_string(e.event.status));
    w.key("impacted_count").number(static_cast<std::uint64_t>(e.event.impacted_count));
    w.end_object();
  }
  w.end_array();
  w.key("deliveries").begin_array();
  for (const auto& a : d.deliveries) {
    w.begin_object();
    w.key("delivery_id").string(a.delivery_id);
    w.key("channel").string(a.channel);
    w.key("attempt").number(a.attempt);
    w.key("at").string(core::format_timestamp(a.result.at));
    w.key("outcome").string(a.result.outcome == store::DeliveryOutcome::kDelivered ? "delivered"
                                                                                   : "failed");
    w.key("http_status");
    if (a.result.http_status)
      w.number(*a.result.http_status);
    else
      w.null();
    w.key("error").string_or_null(a.result.error);
    w.key("next_attempt_at");
    write_time(w, a.next_attempt_at);
    w.end_object();
  }
  for (const auto& p : d.pending) {
    w.begin_object();
    w.key("delivery_id").string(p.notification.delivery_id);
    w.key("channel").string(p.notification.channel);
    w.key("attempt").number(p.attempts + 1);
    w.key("at").string(core::format_timestamp(p.created_at));
    w.key("outcome").string("pending");
    w.key("http_status").null();
    w.key("error").null();
    w.key("next_attempt_at").string(core::format_timestamp(p.next_attempt_at));
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

// Statuspage's incident status as of `at`: resolved, identified (acknowledged by then) or
// investigating.
std::string_view v2_incident_status(const alerts::Incident& incident, core::TimePoint at) {
  if (incident.resolved_at && *incident.resolved_at <= at) return "resolved";
  if (incident.acknowledged_at && *incident.acknowledged_at <= at) return "identified";
  return "investigating";
}

void write_v2_incident(JsonWriter& w, const store::IncidentDetail& d, const ApiOptions& o) {
  const alerts::Incident& incident = d.incident;
  core::TimePoint updated = incident.opened_at;
  for (const auto& e : d.timeline) updated = std::max(updated, e.event.at);
  for (const auto& t : {incident.resolved_at, incident.acknowledged_at})
    if (t) updated = std::max(updated, *t);
  const core::TimePoint latest = core::TimePoint::max();
  w.begin_object();
  w.key("id").string(incident.id);
  w.key("name").string(incident_name(incident, d.timeline));
  w.key("status").string(v2_incident_status(incident, latest));
  w.key("impact").string(worst_status(incident, d.timeline) == Status::kError ? "major" : "minor");
  w.key("created_at").string(core::format_timestamp(incident.opened_at));
  w.key("updated_at").string(core::format_timestamp(updated));
  w.key("resolved_at");
  write_time(w, incident.resolved_at);
  w.key("shortlink");
  if (o.page_url.empty())
    w.null();
  else
    w.string(asset_page(o, incident.root.key));
  w.key("incident_updates").begin_array();
  for (auto e = d.timeline.rbegin(); e != d.timeline.rend(); ++e) {
    w.begin_object();
    w.key("id").string(fmt::format("{}/{}", incident.id, e->sequence));
    w.key("status").string(e->event.type == alerts::EventType::kResolved
                               ? std::string_view("resolved")
                               : v2_incident_status(incident, e->event.at));
    w.key("body").string(event_sentence(incident, e->event));
    w.key("created_at").string(core::format_timestamp(e->event.at));
    w.end_object();
  }
  w.end_array();
  w.key("components").begin_array();
  w.begin_object();
  w.key("id").string(incident.root.key);
  w.key("name").string(incident.root.name);
  w.key("status").string(statuspage_status(incident.root.status));
  w.end_object();
  w.end_array();
  w.key("freshness");
  write_incident(w, incident);
  w.end_object();
}

// Parses the query of GET /api/v1/incidents; on a bad parameter returns a problem response.
std::optional<Response> parse_incident_filter(std::string_view query, store::IncidentFilter& out) {
  for (auto& [k, v] : parse_query(query)) {
    if (k == "state") {
      if (v == "open")
        out.state = store::IncidentState::kOpen;
      else if (v == "resolved")
        out.state = store::IncidentState::kResolved;
      else if (v == "any" || v.empty())
        out.state = store::IncidentState::kAny;
      else
        return problem(400, fmt::format("unknown state '{}'; use open, resolved or any", v));
    } else if (k == "status") {
      auto st = model::parse_status(v);
      if (!st)
        return problem(400, fmt::format("unknown status '{}' in 'status'; use fresh, warn, "
                                        "error or unknown",
                                        v));
      out.status = *st;
    } else if (k == "owner") {
      out.owner = v;
    } else if (k == "connection") {
      out.connection = v;
    } else if (k == "limit") {
      std::size_t n = 0;
      if (!parse_size(v, n) || n < 1 || n > kMaxLimit)
        return problem(400, fmt::format("'limit' must be a whole number from 1 to {}, not '{}'",
                                        kMaxLimit, v));
      out.limit = n;
    }
    // Other parameters are ignored, as on /api/v1/assets.
  }
  return std::nullopt;
}

// Appends `text` as XML 1.0 character data or attribute value: '&', '<', '>', '"' and '\''
// become entities; well-formed UTF-8 passes; ill-formed bytes, and the code points XML 1.0
// does not allow (controls other than tab, newline and carriage return, U+FFFE, U+FFFF),
// become U+FFFD. The one XML escaper (the feed is the only XML freshwatch writes).
void append_xml(std::string& out, std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const auto sequence = core::utf8_sequence(text, i);
      // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML characters either.
      const bool xml_char = sequence.valid && !(c == 0xEF && text.substr(i, 3) >= "\xEF\xBF\xBE");
      if (xml_char)
        out.append(text, i, sequence.length);
      else
        out += core::kReplacementCharacter;
      i += sequence.length;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
          out += core::kReplacementCharacter;
        else
          out.push_back(static_cast<char>(c));
    }
    ++i;
  }
}

std::string xml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  append_xml(out, text);
  return out;
}

struct FeedEntry {
  const store::IncidentDetail* incident;
  const store::StoredEvent* event;
};

// Atom 1.0 (RFC 4287): one entry per incident event, newest first, at most kFeedEntryLimit.
std::string atom_feed(std::span<const store::IncidentDetail> incidents, const ApiOptions& o,
                      core::TimePoint now) {
  std::vector<FeedEntry> entries;
  for (const auto& d : incidents)
    for (const auto& e : d.timeline) entries.push_back({&d, &e});
  std::sort(entries.begin(), entries.end(), [](const FeedEntry& x, const FeedEntry& y) {
    if (x.event->event.at != y.event->event.at) return x.event->event.at > y.event->event.at;
    if (x.incident->incident.id != y.incident->incident.id)
      return x.incident->incident.id < y.incident->incident.id;
    return x.event->sequence > y.event->sequence;
  });
  if (entries.size() > kFeedEntryLimit) entries.resize(kFeedEntryLimit);

  std::string_view base = o.page_url;
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  const core::TimePoint updated = entries.empty() ? now : entries.front().event->event.at;
  std::string out;
  out.reserve(1024 + entries.size() * 1024);
  out += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  out += "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  out += fmt::format("  <id>{}</id>\n", xml(base.empty() ? std::string("urn:freshwatch:incidents")
                                                         : fmt::format("{}/feed.atom", base)));
  out += fmt::format("  <title>{}</title>\n", xml(fmt::format("{}: incidents", o.page_name)));
  out += fmt::format("  <updated>{}</updated>\n", core::format_timestamp(updated));
  out += fmt::format("  <author><name>{}</name></author>\n", xml(o.page_name));
  out += "  <generator>freshwatch</generator>\n";
  if (!base.empty()) {
    out += fmt::format("  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
                       xml(fmt::format("{}/feed.atom", base)));
    out += fmt::format("  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
                       xml(fmt::format("{}/", base)));
  }
  for (const auto& [d, e] : entries) {
    const alerts::Incident& incident = d->incident;
    const std::string at = core::format_timestamp(e->event.at);
    out += "  <entry>\n";
    out += fmt::format("    <id>urn:freshwatch:incident:{}:{}</id>\n",
                       xml(net::percent_encode(incident.id)), e->sequence);
    out += fmt::format("    <title>{}</title>\n", xml(event_title(incident, e->event)));
    out += fmt::format("    <updated>{}</updated>\n", at);
    out += fmt::format("    <published>{}</published>\n", at);
    out += fmt::format("    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
                       xml(asset_page(o, incident.root.key)));
    out += fmt::format("    <category term=\"{}\"/>\n", xml(alerts::to_string(e->event.type)));
    std::string summary = event_sentence(incident, e->event);
    if (!incident.root.reason.empty() && e->event.type != alerts::EventType::kResolved)
      summary += fmt::format(" {}", incident.root.reason);
    if (!incident.root.owner.empty()) summary += fmt::format(" Owner: {}.", incident.root.owner);
    out += fmt::format("    <summary type=\"text\">{}</summary>\n", xml(summary));
    out += "  </entry>\n";
  }
  out += "</feed>\n";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Routing helpers

struct Target {
  std::string_view path;
  std::string_view query;
};

Target split_target(std::string_view target) {
  std::size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::string query_param(std::string_view query, std::string_view name) {
  for (auto& [k, v] : parse_query(query))
    if (k == name) return v;
  return {};
}

bool has_query_param(std::string_view query, std::string_view name) {
  for (auto& [k, v] : parse_query(query))
    if (k == name) return true;
  return false;
}

Response method_not_allowed(std::string_view allow) {
  Response r = problem(405, fmt::format("this route accepts {}", allow));
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

bool is_get(std::string_view m) { return m == "GET" || m == "HEAD"; }

constexpr std::string_view kUiMissingPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>freshwatch</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">
<h1>freshwatch</h1>
<p>The web UI was not built into this binary. Run <code>make build</code> (it builds the UI with
npm, then the binary) and start freshwatch again.</p>
<p>The API works without it: see <a href="/api/v1/openapi.yaml">/api/v1/openapi.yaml</a>.</p>
</body></html>
)";

// A path for a build output (script, style sheet, image, font) that is missing, as opposed to a
// client-side route, which may contain dots too ("/assets/warehouse:analytics.public.orders",
// even "/assets/bi:folder.report.js"). Build outputs live under kBuildFilesPrefix or at the top
// level ("/favicon.svg"); every deeper path outside it is a route.
bool looks_like_static_file(std::string_view path) {
  std::size_t slash = path.rfind('/');
  if (slash != 0 && !path.starts_with(kBuildFilesPrefix)) return false;
  std::size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || dot < slash) return path.starts_with(kBuildFilesPrefix);
  static constexpr std::string_view kExtensions[] = {
      ".js", ".mjs", ".css", ".map", ".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp", ".ico",
      ".woff", ".woff2", ".ttf", ".json", ".webmanifest", ".txt", ".wasm", ".html"};
  std::string_view ext = path.substr(dot);
  return path.starts_with(kBuildFilesPrefix) ||
         std::find(std::begin(kExtensions), std::end(kExtensions), ext) != std::end(kExtensions);
}

Response serve_file(const Request& req, const EmbeddedFile& f, std::string_view cache_control) {
  return serve_shared(req, nullptr, f.content_type, f.data, f.gzip, f.etag, f.gzip_etag,
                      cache_control);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

void Response::set_body(std::string text, std::string type) {
  auto owned = std::make_shared<const std::string>(std::move(text));
  body = *owned;
  owner = std::move(owned);
  content_type = std::move(type);
}

std::string_view Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() != name.size()) continue;
    bool eq = true;
    for (std::size_t i = 0; i < k.size() && eq; ++i)
      eq = (k[i] | 0x20) == (name[i] | 0x20);
    if (eq) return v;
  }
  return {};
}

struct Api::Impl {
  ApiOptions options;
  SnapshotSource snapshots;
  store::Store& store;
  const core::Clock& clock;
  Authenticator auth;
  SignInLimiter sign_in_limiter;

  std::mutex view_mutex;
  std::shared_ptr<View> view;  // GUARDED_BY(view_mutex)
  std::mutex build_mutex;      // one view is built at a time

  Impl(ApiOptions o, SnapshotSource s, store::Store& st, const core::Clock& c)
      : options(std::move(o)), snapshots(std::move(s)), store(st), clock(c),
        auth(st, c, options.session_ttl), sign_in_limiter(options.sign_in_limits, c) {}

  std::shared_ptr<View> latest_view() {
    std::lock_guard lock(view_mutex);
    return view;
  }

  // Builds the view of `snap` (unless it is the one served) and serves it; returns it.
  std::shared_ptr<View> publish(std::shared_ptr<const Snapshot> snap) {
    std::lock_guard build(build_mutex);
    if (auto served = latest_view(); served && served->snap == snap) return served;
    auto fresh = build_view(std::move(snap));
    fresh->graph();  // root paths and edge labels: built here too, not on a request's path
    std::lock_guard lock(view_mutex);
    view = fresh;
    return fresh;
  }

  // The view to serve: the last published, or, pulling, the view of the source's snapshot.
  std::shared_ptr<View> current_view() {
    if (!snapshots) return latest_view();
    auto snap = snapshots();
    if (!snap) return nullptr;
    if (auto served = latest_view(); served && served->snap == snap) return served;
    return publish(std::move(snap));
  }

  // The cached body for `key`, made by `make` on a miss. `make` may return std::nullopt (a body
  // that must not be shared, such as one missing what the store failed to give): then nothing
  // is cached and null is returned.
  template <typename Make>
  std::shared_ptr<const CachedBody> cached_if(View::BodyCache& cache, const std::string& key,
                                              Make&& make) {
    {
      std::lock_guard lock(cache.mutex);
      auto it = cache.bodies.find(key);
      if (it != cache.bodies.end()) return it->second;
    }
    std::optional<std::string> text = make();
    if (!text) return nullptr;
    auto body = make_cached(std::move(*text), kJson);
    std::lock_guard lock(cache.mutex);
    if (cache.bodies.size() >= options.max_cached_bodies) cache.bodies.clear();
    auto [it, inserted] = cache.bodies.emplace(key, body);
    return it->second;
  }
  template <typename Make>
  std::shared_ptr<const CachedBody> cached(View& v, const std::string& key, Make&& make) {
    return cached_if(v.shared_cache, key, [&] { return std::optional<std::string>(make()); });
  }

  Response not_ready() {
    Response r = problem(503, "no snapshot yet: the first collection is still running; try "
                              "again in a moment");
    r.headers.emplace_back("Retry-After", "5");
    return r;
  }

  Response handle(const Request& req);
  Response handle_api(const Request& req, const Target& t, const Principal& who);
  Response handle_incidents(const Request& req, const Target& t, const Principal& who);
  Response feed(const Request& req);
  // The incidents `filter` selects, each with its timeline and deliveries.
  Result<std::vector<store::IncidentDetail>> incident_details(const store::IncidentFilter& filter);
  Response store_failed(std::string_view what, const Error& error);
  Response handle_session(const Request& req, const std::optional<Principal>& who);
  Response handle_static(const Request& req, std::string_view path);
  Response list_assets(const Request& req, View& v, std::string_view query);
  Response asset_detail(const Request& req, View& v, std::uint32_t i, std::string_view query);
  // The detail body; `complete` is cleared when the store could not give the intervals.
  std::string asset_detail_body(View& v, std::uint32_t i, std::size_t children_limit,
                                bool& complete);
  Response asset_history(const Request& req, View& v, std::uint32_t i, std::string_view query);
  Response asset_lineage(View& v, std::uint32_t i, std::string_view query);
};

Api::Api(ApiOptions options, SnapshotSource snapshots, store::Store& store,
         const core::Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(snapshots), store, clock)) {}

Api::~Api() = default;

void Api::publish(std::shared_ptr<const model::Snapshot> snapshot) {
  if (snapshot) impl_->publish(std::move(snapshot));
}

ViewBuilder::ViewBuilder(Api& api, std::function<void()> after_publish)
    : api_(api),
      after_publish_(std::move(after_publish)),
      thread_([this](std::stop_token stop) { run(stop); }) {}

ViewBuilder::~ViewBuilder() {
  thread_.request_stop();
  changed_.notify_all();
}

void ViewBuilder::hand(std::shared_ptr<const model::Snapshot> snapshot) {
  {
    std::lock_guard lock(mutex_);
    pending_ = std::move(snapshot);
  }
  changed_.notify_all();
}

std::uint64_t ViewBuilder::published() const {
  std::lock_guard lock(mutex_);
  return published_;
}

bool ViewBuilder::wait_for_published(std::uint64_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return published_ >= count; });
}

void ViewBuilder::run(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (changed_.wait(lock, stop, [&] { return pending_ != nullptr; })) {
    auto snapshot = std::move(pending_);
    pending_ = nullptr;
    lock.unlock();
    try {
      api_.publish(std::move(snapshot));
      if (after_publish_) after_publish_();
    } catch (const std::exception& e) {
      spdlog::error("building the HTTP view of a snapshot failed: {}", e.what());
    }
    lock.lock();
    ++published_;
    changed_.notify_all();
  }
}

Response Api::handle(const Request& request) {
  try {
    return impl_->handle(request);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} failed: {}", request.method, request.target, e.what());
    return problem(500, "the server failed to answer; the error is in its log");
  }
}

Response Api::Impl::handle(const Request& req) {
  Target t = split_target(req.target);
  if (t.path == "/healthz") {
    Response r;
    r.set_body("ok\n", "text/plain; charset=utf-8");
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }
  if (t.path == "/readyz") {
    Response r;
    bool ready = current_view() != nullptr;
    r.status = ready ? 200 : 503;
    r.set_body(ready ? "ready\n" : "no snapshot yet\n", "text/plain; charset=utf-8");
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }
  const bool is_feed = t.path == "/feed.atom";
  if (!t.path.starts_with("/api/") && t.path != "/api" && !is_feed) {
    if (!is_get(req.method)) return method_not_allowed("GET, HEAD");
    return handle_static(req, t.path);
  }
  if (t.path == "/api/v1/session" && req.method == "POST") return handle_session(req, std::nullopt);

  auto who = auth.authenticate(req.cookie, req.authorization);
  if (!who || !authorize(*who, Permission::kRead)) {
    Response r = problem(401, "sign in first (POST /api/v1/session) or send an API token as "
                              "'Authorization: Bearer fw_...' (freshwatch tokens create)");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"freshwatch\"");
    return r;
  }
  if (is_feed) {
    if (!is_get(req.method)) return method_not_allowed("GET, HEAD");
    return feed(req);
  }
  if (t.path == "/api/v1/session") return handle_session(req, who);
  return handle_api(req, t, *who);
}

Response Api::Impl::handle_session(const Request& req, const std::optional<Principal>& who) {
  std::string base_cookie = fmt::format("; Path=/; HttpOnly; SameSite=Strict{}",
                                        options.secure_cookies || req.secure ? "; Secure" : "");
  if (req.method == "POST") {
    if (!req.content_type.empty() && req.content_type.find("json") == std::string_view::npos)
      return problem(415, "send the credentials as JSON: {\"username\": \"...\", \"password\": "
                          "\"...\"} with Content-Type: application/json");
    auto fields = string_fields(req.body, {"username", "password"});
    if (!fields)
      return problem(400, fmt::format("the body is not the expected JSON object {{\"username\": "
                                      "\"...\", \"password\": \"...\"}}: {}", fields.error()));
    std::string username = (*fields)[0].value_or(""), password = (*fields)[1].value_or("");
    if (username.empty() || password.empty())
      return problem(400, "both 'username' and 'password' are required");
    if (auto wait = sign_in_limiter.retry_after(username, req.client_address)) {
      auto secs = std::chrono::ceil<std::chrono::seconds>(*wait).count();
      Response r = problem(429, fmt::format("too many failed sign-ins for this user or from this "
                                            "address; try again in {}", core::format_age(*wait)));
      r.headers.emplace_back("Retry-After", std::to_string(std::max<std::int64_t>(1, secs)));
      return r;
    }
    auto session = auth.sign_in(username, password);
    if (!session) {
      if (session.error().code == ErrorCode::kPermissionDenied) {
        sign_in_limiter.failed(username, req.client_address);
        return problem(401, "unknown user or wrong password");
      }
      spdlog::error("sign-in failed: {}", session.error().message);
      return problem(500, "signing in failed on the server; the error is in its log");
    }
    sign_in_limiter.succeeded(username);
    Response r;
    r.status = 204;
    r.headers.emplace_back(
        "Set-Cookie", fmt::format("{}={}{}; Max-Age={}", kSessionCookie, session->cookie_value,
                                  base_cookie,
                                  std::chrono::duration_cast<std::chrono::seconds>(
                                      options.session_ttl).count()));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }
  if (req.method == "DELETE") {
    auth.sign_out(req.cookie);
    Response r;
    r.status = 204;
    r.headers.emplace_back("Set-Cookie",
                           fmt::format("{}={}; Max-Age=0", kSessionCookie, base_cookie));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }
  if (is_get(req.method)) {
    JsonWriter w;
    w.begin_object()
        .key("user").string(who->name)
        .key("role").string(who->role)
        .key("method").string(who->method == AuthMethod::kSession ? "session" : "token")
        .end_object();
    Response r = json_response(w.take());
    r.headers.back().second = "no-store";
    return r;
  }
  return method_not_allowed("GET, HEAD, POST, DELETE");
}

Response Api::Impl::handle_static(const Request& req, std::string_view path) {
  std::span<const EmbeddedFile> files = options.web_files ? *options.web_files : web_files();
  std::string decoded;
  if (!percent_decode(path, decoded, false)) decoded = path;
  if (files.empty()) {
    if (decoded != "/" && decoded != "/index.html" && looks_like_static_file(decoded))
      return problem(404, fmt::format("no file '{}'", decoded));
    static const auto page = std::make_shared<const CachedBody>(
        *make_cached(std::string(kUiMissingPage), "text/html; charset=utf-8"));
    return serve_shared(req, page, page->content_type, page->plain, page->gz, page->etag,
                        page->gz_etag, "no-cache");
  }
  if (decoded == "/") decoded = "/index.html";
  if (decoded.find("..") == std::string::npos) {
    if (const EmbeddedFile* f = find_file(files, decoded)) {
      bool hashed = decoded.starts_with(kBuildFilesPrefix);
      return serve_file(req, *f, hashed ? "public, max-age=31536000, immutable" : "no-cache");
    }
  }
  // Files that are not there stay 404 (a missing script must not be answered with HTML);
  // anything else is a client-side route of the single-page app.
  if (looks_like_static_file(decoded)) return problem(404, fmt::format("no file '{}'", decoded));
  const EmbeddedFile* index = find_file(files, "/index.html");
  if (!index) return problem(404, "the web UI has no index.html");
  return serve_file(req, *index, "no-cache");
}

Response Api::Impl::handle_api(const Request& req, const Target& t, const Principal& who) {
  std::string_view path = t.path;
  if (path == "/api/v1/incidents" || path.starts_with("/api/v1/incidents/") ||
      path == "/api/v2/incidents.json" || path == "/api/v2/incidents/unresolved.json")
    return handle_incidents(req, t, who);
  if (path == "/api/v1/openapi.yaml") {
    if (!is_get(req.method)) return method_not_allowed("GET, HEAD");
    const EmbeddedFile* f = openapi_document();
    if (!f) return problem(404, "the API description was not built into this binary");
    return serve_file(req, *f, "no-cache");
  }
  static constexpr std::string_view kKnown[] = {
      "/api/v1/summary", "/api/v1/assets", "/api/v1/tree", "/api/v2/summary.json",
      "/api/v2/status.json", "/api/v2/components.json"};
  bool known = std::find(std::begin(kKnown), std::end(kKnown), path) != std::end(kKnown) ||
               path.starts_with("/api/v1/assets/");
  if (!known)
    return problem(404, fmt::format("no route '{}'; the API is described at "
                                    "/api/v1/openapi.yaml", path));
  if (!is_get(req.method)) return method_not_allowed("GET, HEAD");

  auto view = current_view();
  if (!view) return not_ready();
  View& v = *view;

  if (path == "/api/v1/summary") {
    return serve_cached(req, cached(v, "summary", [&] {
      JsonWriter w(1024);
      write_summary_document(w, v);
      return w.take();
    }));
  }
  if (path == "/api/v1/assets") return list_assets(req, v, t.query);
  if (path == "/api/v1/tree") {
    return serve_cached(req, cached(v, "tree", [&] {
      JsonWriter w(64 * 1024);
      w.begin_object().key("nodes").begin_array();
      for (std::uint32_t r : v.snap->roots)
        if (r < v.snap->assets.size()) write_tree_node(w, v, r);
      w.end_array().end_object();
      return w.take();
    }));
  }
  if (path == "/api/v2/summary.json") {
    return serve_cached(req, cached(v, "v2summary", [&] {
      JsonWriter w(64 * 1024);
      w.begin_object();
      write_v2_page(w, v, options);
      write_v2_status(w, v);
      write_v2_components(w, v, v2_layout(v));
      w.key("incidents").begin_array().end_array();
      w.key("scheduled_maintenances").begin_array().end_array();
      w.key("freshness");
      write_summary_document(w, v);
      w.end_object();
      return w.take();
    }));
  }
  if (path == "/api/v2/status.json") {
    return serve_cached(req, cached(v, "v2status", [&] {
      JsonWriter w(512);
      w.begin_object();
      write_v2_page(w, v, options);
      write_v2_status(w, v);
      w.end_object();
      return w.take();
    }));
  }
  if (path == "/api/v2/components.json") {
    return serve_cached(req, cached(v, "v2components", [&] {
      JsonWriter w(64 * 1024);
      w.begin_object();
      write_v2_page(w, v, options);
      write_v2_components(w, v, v2_layout(v));
      w.end_object();
      return w.take();
    }));
  }

  // /api/v1/assets/{key}[/history|/lineage]; the key is percent-encoded and may hold '/'.
  auto [rest, sub] =
      split_subresource(path.substr(std::string_view("/api/v1/assets/").size()),
                        {"/history", "/lineage"});
  std::string key;
  if (rest.empty() || !percent_decode(rest, key, false))
    return problem(400, "the asset key in the path is empty or badly percent-encoded; encode "
                        "':' as %3A and '/' as %2F");
  std::uint32_t i = v.find(key);
  if (i == kNone)
    return problem(404, fmt::format("no asset '{}'; keys look like 'connection:schema.table' "
                                    "(see /api/v1/assets?q=...)", key));
  if (sub == "/history") return asset_history(req, v, i, t.query);
  if (sub == "/lineage") return asset_lineage(v, i, t.query);
  return asset_detail(req, v, i, t.query);
}

Response Api::Impl::store_failed(std::string_view what, const Error& error) {
  spdlog::error("{} failed: {}", what, error.message);
  return problem(503, fmt::format("{} failed in the store; try again, and see the server's log if "
                                  "it persists",
                                  what));
}

Response Api::Impl::handle_incidents(const Request& req, const Target& t, const Principal& who) {
  std::string_view path = t.path;
  if (path == "/api/v1/incidents") {
    if (!is_get(req.method)) return method_not_allowed("GET, HEAD");
    store::IncidentFilter filter;
    if (auto bad = parse_incident_filter(t.query, filter)) return std::move(*bad);
    auto incidents = store.incidents(filter);
    if (!incidents) return store_failed("reading incidents", incidents.error());
    JsonWriter w(incidents->size() * 600 + 64);
    w.begin_object().key("items").begin_array();
    for (const auto& incident : *incidents) write_incident(w, incident);
    w.end_array().end_object();
    return json_response(w.take());
  }
  if (path == "/api/v2/incidents.json" || path == "/api/v2/incidents/unresolved.json") {
    if (!is_get(req.method)) return method_not_allowed("GET, HEAD");
    const bool unresolved = path == "/api/v2/incidents/unresolved.json";
    store::IncidentFilter filter;
    filter.state = unresolved ? store::IncidentState::kOpen : store::IncidentState::kAny;
    filter.limit = unresolved ? kMaxLimit : kV2IncidentLimit;
    auto details = incident_details(filter);
    if (!details) return store_failed("reading incidents", details.error());
    JsonWriter w(details->size() * 2048 + 512);
    w.begin_object();
    if (auto view = current_view()) {
      write_v2_page(w, *view, options);
    } else {
      write_v2_page_fields(w, options, "UTC", clock.now());
    }
    w.key("incidents").begin_array();
    for (const auto& d : *details) write_v2_incident(w, d, options);
    w.end_array();
    w.end_object();
    return json_response(w.take());
  }

  // /api/v1/incidents/{id}[/acknowledge|/snooze]; the id is percent-encoded.
  auto [rest, action] =
      split_subresource(path.substr(std::string_view("/api/v1/incidents/").size()),
                        {"/acknowledge", "/snooze"});
  std::string id;
  if (rest.empty() || !percent_decode(rest, id, false))
    return problem(400,
                   "the incident id in the path is empty or badly percent-encoded; encode "
                   "':' as %3A, '@' as %40 and '/' as %2F");
  auto no_such = [&] {
    return problem(404, fmt::format("no incident '{}'; the ids are in GET /api/v1/incidents", id));
  };
  if (action.empty()) {
    if (!is_get(req.method)) return method_not_allowed("GET, HEAD");
    auto detail = store.incident(id);
    if (!detail) return store_failed("reading the incident", detail.error());
    if (!*detail) return no_such();
    JsonWriter w(4096);
    write_incident_detail(w, **detail);
    return json_response(w.take());
  }

  if (req.method != "POST") return method_not_allowed("POST");
  if (!authorize(who, Permission::kWrite))
    return problem(403, "this user or token may read but not act on incidents");
  if (!req.content_type.empty() && req.content_type.find("json") == std::string_view::npos)
    return problem(415, "send the body as JSON with Content-Type: application/json");
  Result<void> done;
  if (action == "/acknowledge") {
    done = store.acknowledge(id, clock.now());
  } else {
    auto fields = string_fields(req.body, {"until"});
    if (!fields)
      return problem(400, fmt::format("the body is not the expected JSON object {{\"until\": "
                                      "\"2026-11-26T18:00:00Z\"}}: {}",
                                      fields.error()));
    const std::optional<std::string>& until_text = (*fields)[0];
    if (!until_text)
      return problem(400,
                     "'until' is required: the ISO 8601 UTC time before which no reminder "
                     "is sent, e.g. {\"until\": \"2026-11-26T18:00:00Z\"}");
    auto until = core::parse_timestamp(*until_text);
    if (!until)
      return problem(400, fmt::format("'until' is not an ISO 8601 time such as "
                                      "2026-11-26T18:00:00Z: {}",
                                      until.error().message));
    if (*until <= clock.now())
      return problem(400, fmt::format("'until' ({}) is not in the future; snooze until a later "
                                      "time",
                                      core::format_timestamp(*until)));
    done = store.snooze(id, *until);
  }
  if (!done) {
    if (done.error().code == ErrorCode::kNotFound) return no_such();
    return store_failed(
        action == "/acknowledge" ? "acknowledging the incident" : "snoozing the incident",
        done.error());
  }
  spdlog::info("incident {} {} by {}", id, action == "/acknowledge" ? "acknowledged" : "snoozed",
               who.name);
  auto detail = store.incident(id);
  if (!detail) return store_failed("reading the incident", detail.error());
  if (!*detail) return no_such();
  JsonWriter w(1024);
  write_incident(w, (*detail)->incident);
  Response r = json_response(w.take());
  r.headers.back().second = "no-store";
  return r;
}

Result<std::vector<store::IncidentDetail>> Api::Impl::incident_details(
    const store::IncidentFilter& filter) {
  auto incidents = store.incidents(filter);
  if (!incidents) return std::unexpected(incidents.error());
  std::vector<store::IncidentDetail> out;
  out.reserve(incidents->size());
  for (const auto& incident : *incidents) {
    auto detail = store.incident(incident.id);
    if (!detail) return std::unexpected(detail.error());
    if (*detail) out.push_back(std::move(**detail));  // gone since the list: resolved and pruned
  }
  return out;
}

Response Api::Impl::feed(const Request&) {
  store::IncidentFilter filter;
  filter.limit = kFeedIncidentLimit;
  auto details = incident_details(filter);
  if (!details) return store_failed("reading incidents", details.error());
  Response r;
  r.set_body(atom_feed(*details, options, clock.now()), "application/atom+xml; charset=utf-8");
  r.headers.emplace_back("Cache-Control", "private, no-cache");
  return r;
}

Response Api::Impl::list_assets(const Request& req, View& v, std::string_view query) {
  ListQuery q;
  if (auto bad = parse_list_query(query, q)) return std::move(*bad);
  std::uint32_t parent = kNone, under = kNone;
  if (!q.parent.empty()) {
    parent = v.find(q.parent);
    if (parent == kNone) return problem(404, fmt::format("no asset '{}' (parent)", q.parent));
  }
  if (!q.under.empty()) {
    under = v.find(q.under);
    if (under == kNone) return problem(404, fmt::format("no asset '{}' (under)", q.under));
  }
  auto body = cached(v, q.normalised(), [&] {
    const Snapshot& s = *v.snap;
    std::vector<std::uint32_t> hits = list_hits(v, q, parent, under);
    std::size_t begin = std::min(q.offset, hits.size());
    std::size_t end = std::min(begin + q.limit, hits.size());
    JsonWriter w((end - begin) * 900 + 128);
    w.begin_object().key("items").begin_array();
    for (std::size_t k = begin; k < end; ++k) write_summary(w, v, hits[k]);
    w.end_array();
    w.key("next_cursor");
    if (end < hits.size()) {
      w.string(encode_cursor(s.version, end));
    } else {
      w.null();
    }
    w.key("total").number(static_cast<std::uint64_t>(hits.size()));
    w.end_object();
    return w.take();
  });
  return serve_cached(req, body);
}

Response Api::Impl::asset_detail(const Request& req, View& v, std::uint32_t i,
                                  std::string_view query) {
  std::size_t children_limit = kDefaultLimit;
  if (has_query_param(query, "children_limit")) {
    std::string text = query_param(query, "children_limit");
    if (!parse_size(text, children_limit) || children_limit < 1 || children_limit > kMaxLimit)
      return problem(400, fmt::format("'children_limit' must be a whole number from 1 to {}, "
                                      "not '{}'", kMaxLimit, text));
  }
  std::string uncached;
  auto body = cached_if(v.asset_cache, fmt::format("detail\x1f{}\x1f{}", i, children_limit),
                        [&]() -> std::optional<std::string> {
                          bool complete = true;
                          std::string text = asset_detail_body(v, i, children_limit, complete);
                          if (complete) return text;
                          uncached = std::move(text);
                          return std::nullopt;
                        });
  if (!body) return json_response(std::move(uncached));
  return serve_cached(req, body);
}

std::string Api::Impl::asset_detail_body(View& v, std::uint32_t i, std::size_t children_limit,
                                         bool& complete) {
  const Snapshot& s = *v.snap;
  const AssetState& st = s.assets[i];
  JsonWriter w(8192);
  w.begin_object();
  w.key("asset").begin_object();
  write_summary_fields(w, v, i);
  w.key("description").string_or_null(st.asset->description);
  w.key("url").string_or_null(st.asset->url);
  w.end_object();

  w.key("policy").begin_object();
  std::optional<model::Policy> policy;
  if (options.policy_for) policy = options.policy_for(*st.asset);
  w.key("name").string_or_null(policy ? std::string_view(policy->name)
                                      : std::string_view(st.evaluation.policy));
  w.key("origin").string_or_null(policy ? std::string_view(policy->origin) : std::string_view());
  w.key("rule");
  if (!policy) {
    w.null();
  } else if (auto* cal = std::get_if<model::CalendarRule>(&policy->rule)) {
    w.begin_object().key("type").string("calendar")
        .key("warn_after_days").number(cal->warn_after_days)
        .key("error_after_days").number(cal->error_after_days).end_object();
  } else if (auto* th = std::get_if<model::ThresholdRule>(&policy->rule)) {
    w.begin_object().key("type").string("threshold").key("warn_after_seconds");
    if (th->warn_after) w.number(seconds(*th->warn_after)); else w.null();
    w.key("error_after_seconds");
    if (th->error_after) w.number(seconds(*th->error_after)); else w.null();
    w.end_object();
  } else if (auto* dl = std::get_if<model::DeadlineRule>(&policy->rule)) {
    w.begin_object().key("type").string("deadline").key("cron").string(dl->cron)
        .key("timezone").string(dl->timezone).key("grace_seconds").number(seconds(dl->grace))
        .end_object();
  }
  w.end_object();

  // The latest reading of each signal (from the snapshot), the deciding one first.
  w.key("observations").begin_array();
  bool decided_seen = false;
  for (const auto& o : st.observations) {
    bool decided = !decided_seen && !st.evaluation.signal.empty() && o.signal == st.evaluation.signal;
    decided_seen = decided_seen || decided;
    w.begin_object();
    w.key("signal").string(o.signal);
    w.key("observed_at").string(core::format_timestamp(o.observed_at));
    w.key("changed_at");
    write_time(w, o.changed_at);
    w.key("evidence").string_or_null(o.evidence);
    w.key("row_count");
    if (o.row_count) w.number(*o.row_count); else w.null();
    w.key("error").string_or_null(o.error);
    w.key("decided").boolean(decided);
    w.end_object();
  }
  w.end_array();

  // As of the snapshot: an interval begun after it is left out, one closed after it is open.
  w.key("intervals").begin_array();
  core::TimePoint to = s.generated_at + std::chrono::seconds(1);
  core::TimePoint from = s.generated_at - std::chrono::days(kHistoryDays);
  if (auto intervals = store.intervals(st.asset->key, from, to)) {
    for (const auto& in : *intervals) {
      if (in.from > s.generated_at) continue;
      w.begin_object();
      w.key("status").string(model::to_string(in.status));
      w.key("from").string(core::format_timestamp(in.from));
      w.key("to");
      write_time(w, in.to && *in.to <= s.generated_at ? in.to : std::nullopt);
      w.key("reason").string_or_null(in.reason);
      w.end_object();
    }
  } else {
    spdlog::warn("reading intervals of {} failed: {}", st.asset->key, intervals.error().message);
    complete = false;
  }
  w.end_array();

  w.key("ancestors").begin_array();
  std::vector<std::uint32_t> chain;
  for (std::uint32_t p = v.parent[i]; p != kNone && chain.size() < 64; p = v.parent[p])
    chain.push_back(p);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const auto& a = *s.assets[*it].asset;
    w.begin_object().key("key").string(a.key).key("name").string(a.name)
        .key("kind").string(model::to_string(a.kind)).end_object();
  }
  w.end_array();

  auto write_list = [&](std::string_view name, std::span<const std::uint32_t> items) {
    w.key(name).begin_array();
    for (std::uint32_t k : items)
      if (k < s.assets.size()) write_summary(w, v, k);
    w.end_array();
  };
  // The first page of the children, as GET /api/v1/assets?parent=KEY lists them (name order).
  ListQuery children_query;
  children_query.parent = st.asset->key;
  std::vector<std::uint32_t> children = list_hits(v, children_query, i, kNone);
  const std::size_t shown = std::min(children.size(), children_limit);
  write_list("children", std::span(children).first(shown));
  w.key("children_total").number(static_cast<std::uint64_t>(children.size()));
  w.key("children_next_cursor");
  if (shown < children.size()) {
    w.string(encode_cursor(s.version, shown));
  } else {
    w.null();
  }
  w.key("children_all").string(
      fmt::format("/api/v1/assets?parent={}", net::percent_encode(st.asset->key)));
  std::vector<std::uint32_t> causes;
  for (const auto& key : st.root_causes)
    if (std::uint32_t k = v.find(key); k != kNone) causes.push_back(k);
  write_list("root_causes", causes);
  // The path up to each of those root causes, in the same order.
  w.key("root_paths").begin_array();
  for (const auto& path : lineage::root_paths(s, v.graph(), st)) {
    if (v.find(path.root) == kNone) continue;
    w.begin_object().key("root").string(path.root).key("hops").begin_array();
    for (const auto& hop : path.hops) {
      w.begin_object().key("key").string(hop.key);
      if (hop.state) {
        w.key("name").string(hop.state->asset->name)
            .key("kind").string(model::to_string(hop.state->asset->kind))
            .key("status").string(model::to_string(hop.state->evaluation.status));
      } else {  // a key only an edge names
        w.key("name").string(hop.key).key("kind").string("table").key("status").string("unknown");
      }
      w.key("via").string_or_null(hop.via);
      w.end_object();
    }
    w.end_array().end_object();
  }
  w.end_array();
  write_list("upstream", v.upstream[i]);
  write_list("downstream", v.downstream[i]);
  w.end_object();
  return w.take();
}

Response Api::Impl::asset_history(const Request& req, View& v, std::uint32_t i,
                                   std::string_view query) {
  std::size_t days = kHistoryDays;
  if (has_query_param(query, "days")) {
    std::string text = query_param(query, "days");
    if (!parse_size(text, days) || days < 1 || days > 365)
      return problem(400, fmt::format("'days' must be a whole number from 1 to 365, not '{}'", text));
  }
  const Snapshot& s = *v.snap;
  const std::string& key = s.assets[i].asset->key;
  date::sys_days last = s.today;
  date::sys_days first = last - date::days(static_cast<int>(days) - 1);
  std::optional<Response> failed;
  auto body = cached_if(v.asset_cache, fmt::format("history\x1f{}\x1f{}", i, days),
                        [&]() -> std::optional<std::string> {
    auto fail = [&](const Error& error) -> std::optional<std::string> {
      spdlog::error("reading the history of {} failed: {}", key, error.message);
      failed = problem(503, "the history could not be read from the store; try again, and see "
                            "the server's log if it persists");
      return std::nullopt;
    };
    auto cells = store.history(key, first, last, s.generated_at);
    if (!cells) return fail(cells.error());
    auto changes = store.known_changes(key, first, last);
    if (!changes) return fail(changes.error());
    const date::time_zone* zone = nullptr;
    if (auto z = core::find_zone(s.timezone)) zone = *z;

    JsonWriter w(days * 120 + 128);
    w.begin_object();
    w.key("key").string(key);
    w.key("timezone").string(s.timezone);
    w.key("days").begin_array();
    std::size_t c = 0, k = 0;
    std::optional<core::TimePoint> latest_change;
    for (date::sys_days d = first; d <= last; d += date::days(1)) {
      while (c < cells->size() && (*cells)[c].day < d) ++c;
      const model::DayCell* cell =
          c < cells->size() && (*cells)[c].day == d ? &(*cells)[c] : nullptr;
      core::TimePoint end;
      if (d == last) {
        end = s.generated_at;
      } else if (zone) {
        auto local_next = date::local_days(date::year_month_day(d + date::days(1)));
        end = std::chrono::time_point_cast<core::Duration>(
            date::zoned_time(zone, local_next, date::choose::earliest).get_sys_time());
      } else {
        end = d + date::days(1);
      }
      // The newest change known by the day's end (today: by the snapshot). The steps only
      // grow, so one not yet due stops the walk.
      while (k < changes->size() && (*changes)[k].first <= d && (*changes)[k].second <= end)
        latest_change = (*changes)[k++].second;
      bool has = cell && cell->has_data;
      w.begin_object();
      w.key("date").string(date::format("%F", d));
      w.key("has_data").boolean(has);
      w.key("status");
      if (has) w.string(model::to_string(cell->worst)); else w.null();
      w.key("minutes").begin_object();
      for (Status st : model::kAllStatuses)
        w.key(model::to_string(st)).number(static_cast<unsigned>(
            cell ? cell->minutes[static_cast<std::size_t>(st)] : 0));
      w.end_object();
      w.key("age_seconds");
      if (has && latest_change) w.number(seconds(end - *latest_change)); else w.null();
      w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.take();
  });
  if (!body) return std::move(*failed);
  return serve_cached(req, body);
}

Response Api::Impl::asset_lineage(View& v, std::uint32_t i, std::string_view query) {
  std::size_t depth = 3;
  if (has_query_param(query, "depth")) {
    std::string text = query_param(query, "depth");
    if (!parse_size(text, depth) || depth < 1 || depth > 10)
      return problem(400, fmt::format("'depth' must be a whole number from 1 to 10, not '{}'", text));
  }
  std::vector<std::uint32_t> nodes = {i};
  std::unordered_set<std::uint32_t> seen = {i};
  for (const Adjacency* adjacency : {&v.upstream, &v.downstream}) {
    std::vector<std::uint32_t> frontier = {i};
    for (std::size_t level = 0; level < depth && !frontier.empty(); ++level) {
      std::vector<std::uint32_t> next;
      for (std::uint32_t n : frontier)
        for (std::uint32_t m : (*adjacency)[n])
          if (seen.insert(m).second) {
            nodes.push_back(m);
            next.push_back(m);
          }
      frontier = std::move(next);
    }
  }
  JsonWriter w(nodes.size() * 900 + 256);
  w.begin_object().key("nodes").begin_array();
  for (std::uint32_t n : nodes) write_summary(w, v, n);
  w.end_array().key("edges").begin_array();
  for (std::uint32_t n : nodes)
    for (std::uint32_t m : v.downstream[n])
      if (seen.count(m))
        w.begin_object().key("from").string(v.snap->assets[n].asset->key)
            .key("to").string(v.snap->assets[m].asset->key)
            .key("via").string_or_null(v.graph().via(n, m)).end_object();
  w.end_array().key("root_causes").begin_array();
  for (const auto& k : v.snap->assets[i].root_causes) w.string(k);
  w.end_array().end_object();
  return json_response(w.take());
}

}  // namespace freshwatch::http
