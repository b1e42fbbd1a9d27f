// The dbt connectors: type `dbt` reads a dbt target/ folder (`artifacts: PATH`), type
// `dbt_cloud` fetches the same artifacts of a job's latest successful run from dbt Cloud
// (dbt_cloud.h). Both turn them into assets, edges and observations through collection.h.
//
// Files read (in `artifacts`): manifest.json (required), run_results.json, sources.json and dbt
// 2's freshness.json (each optional). Parsed only when something changed: the local source
// compares each file's size and modification time, dbt Cloud the run's id and finish time;
// otherwise collect() returns the previous collection as it was.
//
// Bad input and the last good state: when the artifacts cannot be read (a missing
// manifest.json, invalid or truncated JSON, an artifact of the wrong kind, a dbt Cloud error) or
// describe an inconsistent project (a dependency cycle, a parent that is not in the manifest),
// collect() returns the last good collection with the problem first among its warnings
// ("stale artifacts: ...; serving the state read at ..."), so the assets keep their statuses
// and history; the problem is retried on every run. With no good collection yet, unreadable
// artifacts fail the connection (its assets turn unknown with the error) and an inconsistent
// manifest is served as far as it is consistent, with warnings. Results that name nodes the
// manifest does not have (a run_results.json from another project) are ignored with a warning.
//
// Re-reading in the background: collect() runs on the engine's collection worker thread, with
// no engine lock held (engine/engine.h), so while a changed manifest is read and parsed the
// engine keeps serving, and re-evaluating, the snapshot it has; a re-read that then fails keeps
// the last good collection as above (reread_test.cc). No thread of its own is needed. A run
// past the connection's `timeout` is asked to stop; reading a folder does not stop midway, and
// its result counts when it arrives.
//
// Memory: the manifest's text is given back page by page as the parse moves past it, and all
// the files' text is dropped before the collection is built, so a load holds at most the text,
// simdjson's index of it (4 bytes per token) and the nodes read so far. The last good
// collection is kept between runs, and collect() returns a copy of it.
//
// Thread contract: collect() is called by one thread at a time per instance.
#pragma once

#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "config/config.h"
#include "connectors/connector.h"
#include "core/result.h"

namespace freshwatch::connectors::dbt {

// One artifact's text with simdjson's padding after it; `size` is the JSON's length.
struct ArtifactText {
  std::string buffer;
  std::size_t size = 0;
  std::string_view json() const { return {buffer.data(), size}; }
  // Gives the memory of the whole pages among the first `bytes` back to the system; the text
  // reads as zeros there afterwards. For a parse that is past them (parse_manifest_padded's
  // read_past), so a large manifest's text and its parsed nodes are not both held in full.
  void release_front(std::size_t bytes);
};

struct RawArtifacts {
  ArtifactText manifest;
  std::optional<ArtifactText> run_results, sources, freshness;
};

// Where artifacts come from. version() is cheap and changes whenever fetch() would return
// something different.
class ArtifactSource {
 public:
  virtual ~ArtifactSource() = default;
  virtual Result<std::string> version(std::stop_token stop) = 0;
  // The artifacts of the version last returned by version().
  virtual Result<RawArtifacts> fetch(std::stop_token stop) = 0;
  virtual std::string describe() const = 0;  // "/srv/dbt/target", "dbt Cloud job 42"
};

// Reads a target/ folder.
std::unique_ptr<ArtifactSource> make_folder_source(std::string path);

// Reads one file with padding; kNotFound when absent.
Result<ArtifactText> read_artifact(const std::string& path);

// The connector over any ArtifactSource (used by both types and by tests).
std::unique_ptr<Connector> make_connector(const config::ConnectionConfig& connection,
                                          std::unique_ptr<ArtifactSource> source);

struct DbtOptions {
  std::string artifacts;  // the target/ folder
};

Result<std::unique_ptr<Connector>> make_dbt_connector(const config::ConnectionConfig& connection,
                                                     const DbtOptions& options);

}  // namespace freshwatch::connectors::dbt

namespace freshwatch::connectors {
// Registers the types "dbt" and "dbt_cloud".
void register_dbt();
}  // namespace freshwatch::connectors
