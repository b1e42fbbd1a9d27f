// Api: the router and handlers of freshwatch's HTTP API (docs/openapi.yaml), independent of the
// network. The server turns each HTTP request into a Request, calls handle(), and writes the
// Response; tests call handle() directly.
//
// Responses that many clients share (summary, asset list pages, tree, the Statuspage-compatible
// v2 documents) are serialised once per snapshot, gzip-compressed once, and kept with a strong
// ETag in a bounded cache keyed by the normalised query; a new snapshot replaces the cache.
// Those routes read only the snapshot. The asset detail and history routes also read the
// store (observations, intervals, day cells); the incident routes and the Atom feed read only
// the store, uncached, and acknowledge and snooze write to it.
//
// Thread contract: handle() may be called from any number of threads at once. The Api borrows
// the store and the clock, which must outlive it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <span>

#include "core/clock.h"
#include "http/rate_limit.h"
#include "http/static_files.h"
#include "model/policy.h"
#include "model/snapshot.h"
#include "store/store.h"

namespace freshwatch::http {

// Where handlers get the current snapshot; returns null until the first one is published.
using SnapshotSource = std::function<std::shared_ptr<const model::Snapshot>()>;
// The policy that judges an asset, for the asset page: the evaluation's own selection
// (policy::PolicySet::for_asset), so the page shows what judged. May be empty.
using PolicyLookup = std::function<std::optional<model::Policy>(const model::Asset&)>;

struct Request {
  std::string_view method;  // "GET", "HEAD", "POST", "DELETE", ...
  std::string_view target;  // path and query, as sent: "/api/v1/assets?status=warn"
  std::string_view body;
  std::string_view cookie;
  std::string_view authorization;
  std::string_view if_none_match;
  std::string_view accept_encoding;
  std::string_view content_type;
  bool secure = false;  // arrived over TLS
  std::string_view client_address;  // the peer's IP address; empty when not from the network
};

struct Response {
  int status = 200;
  std::string content_type;
  // The body is a view into memory kept alive by `owner` (a cached body, a static file, or a
  // string made for this response).
  std::shared_ptr<const void> owner;
  std::string_view body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type/Length

  void set_body(std::string text, std::string type);
  // The value of an extra header, or empty.
  std::string_view header(std::string_view name) const;
};

struct ApiOptions {
  core::Duration session_ttl = std::chrono::hours(24 * 7);
  bool secure_cookies = false;          // add Secure to the session cookie (behind TLS)
  std::string page_name = "freshwatch";  // Statuspage "page.name"
  std::string page_url;                 // Statuspage "page.url"
  std::size_t max_cached_bodies = 512;  // per snapshot
  SignInLimits sign_in_limits;          // failed POST /api/v1/session before 429
  PolicyLookup policy_for;
  // The web UI's files, sorted by path; the ones built into the binary when unset.
  std::optional<std::span<const EmbeddedFile>> web_files;
};

class Api {
 public:
  Api(ApiOptions options, SnapshotSource snapshots, store::Store& store, const core::Clock& clock);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  Response handle(const Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace freshwatch::http
