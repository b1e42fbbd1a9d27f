// Api: the router and handlers of freshwatch's HTTP API (docs/openapi.yaml), independent of the
// network. The server turns each HTTP request into a Request, calls handle(), and writes the
// Response; tests call handle() directly.
//
// Snapshots reach the Api in one of two ways. publish() hands it each new snapshot: it builds
// the snapshot's view (name and staleness orders, parent links, search text, lineage adjacency
// and graph; about a second at 100,000 assets) on the caller's thread and then swaps it in, so
// requests are served from the previous view meanwhile and never wait for an index.
// `freshwatch serve` calls publish() from a ViewBuilder's thread, which always builds the newest
// snapshot handed to it. An Api built with a SnapshotSource instead pulls: a request that meets
// a snapshot the Api has no view of yet publishes it itself, on its own path (tests,
// benchmarks, stand-ins). /readyz says ready once a view is servable.
//
// Responses are serialised once per snapshot, gzip-compressed once, and kept with a strong ETag
// in bounded caches keyed by the normalised query (one for the routes all clients share, one
// for single assets' detail and history); a new view starts with empty caches. That holds for
// the summary, asset list pages, tree, asset detail and history, and the Statuspage-compatible
// v2 documents (an asset's lineage neighbourhood is rendered per request from the view). The
// list, summary, tree and v2 routes read only the snapshot; the detail and history routes also
// read bounded rows of the store as of the snapshot (the intervals of its history window, the
// daily rollup of the days asked for), never raw observations. A container's detail embeds at
// most `children_limit` children (GET /api/v1/assets?parent=... lists them all). The incident
// routes and the Atom feed read only the store, uncached, and acknowledge and snooze write to
// it.
//
// Thread contract: handle() may be called from any number of threads at once, and publish()
// from any thread meanwhile (views are built one at a time; the last published one is served).
// The Api borrows the store and the clock, which must outlive it; a ViewBuilder borrows its Api.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
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

// Where a pulling Api gets the current snapshot; returns null until the first one is published.
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
  // Per snapshot, for the shared routes and again for one asset's detail and history.
  std::size_t max_cached_bodies = 512;
  SignInLimits sign_in_limits;          // failed POST /api/v1/session before 429
  PolicyLookup policy_for;
  // The web UI's files, sorted by path; the ones built into the binary when unset.
  std::optional<std::span<const EmbeddedFile>> web_files;
};

class Api {
 public:
  // `snapshots` may be empty: the Api then serves what publish() hands it.
  Api(ApiOptions options, SnapshotSource snapshots, store::Store& store, const core::Clock& clock);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  Response handle(const Request& request);
  // Builds the view of `snapshot` and serves it from then on. Blocks for the build.
  void publish(std::shared_ptr<const model::Snapshot> snapshot);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Publishes snapshots to an Api on a thread of its own: hand() returns at once, and the thread
// builds the newest snapshot handed, skipping those superseded while it was building (each
// snapshot holds the whole state). For Engine::on_publish, whose callbacks must be quick.
//
// `after_publish`, when set, runs on that thread after each view is swapped in, once the
// previous view (often the last holder of the previous snapshot) has been let go.
//
// Thread contract: hand() may be called from any thread; the destructor stops the thread after
// the build under way, and must not race with hand().
class ViewBuilder {
 public:
  explicit ViewBuilder(Api& api, std::function<void()> after_publish = {});
  ~ViewBuilder();
  ViewBuilder(const ViewBuilder&) = delete;
  ViewBuilder& operator=(const ViewBuilder&) = delete;

  void hand(std::shared_ptr<const model::Snapshot> snapshot);
  // Snapshots published to the Api so far (tests wait on it).
  std::uint64_t published() const;
  // Waits (real time) until `count` snapshots were published; false on timeout.
  bool wait_for_published(std::uint64_t count, std::chrono::milliseconds timeout) const;

 private:
  void run(std::stop_token stop);

  Api& api_;
  const std::function<void()> after_publish_;
  mutable std::mutex mutex_;
  mutable std::condition_variable_any changed_;
  std::shared_ptr<const model::Snapshot> pending_;  // GUARDED_BY(mutex_)
  std::uint64_t published_ = 0;                     // GUARDED_BY(mutex_)
  std::jthread thread_;                             // last: starts after the members above
};

}  // namespace freshwatch::http
