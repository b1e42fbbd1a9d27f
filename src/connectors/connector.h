// Connector: the only code that talks to a source system. collect() returns plain values
// (assets with their place in the hierarchy, lineage edges, observations of when data last
// changed); it never decides status. One connector instance serves one configured connection.
//
// Failure: collect() returns an Error when the whole connection failed (refused, bad
// credentials, timeout); the engine then marks the connection's assets `unknown` with that
// error and retries with backoff. A failure confined to one table is reported as an
// Observation whose `error` is set, and the other tables carry on.
//
// Thread contract: the engine never calls collect() on one instance from two threads at once,
// but different connectors run concurrently. collect() should return promptly once
// `context.stop` is requested (shutdown or timeout).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "config/section.h"
#include "core/clock.h"
#include "core/result.h"
#include "model/asset.h"
#include "model/observation.h"

namespace freshwatch::connectors {

// The latest earlier observation of each (asset, signal), so signals that compare state
// between runs (modification counters, row counts) can tell whether data changed. The engine
// hands on its own latest observations of each asset (shared, not copied).
class PreviousObservations {
 public:
  // Every observation of `observations` must be of `asset_key`, one per signal.
  void add(std::string asset_key, model::Observations observations);
  // One observation; it replaces an older one of the same asset and signal.
  void add(const model::Observation& observation);
  const model::Observation* find(std::string_view asset_key, std::string_view signal) const;
  bool empty() const { return by_asset_.empty(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, model::Observations, Hash, std::equal_to<>> by_asset_;
};

// Small values a connector keeps between runs, such as caches of what it looked up (a BI query
// traced to its tables); the engine keeps them in the store with the connection. Keys and
// values are the connector's own.
using ConnectorState = std::map<std::string, std::string, std::less<>>;

struct Collection {
  std::vector<model::Asset> assets;  // containers (connection, database, schema) included
  std::vector<model::Edge> edges;
  std::vector<model::Observation> observations;
  std::vector<std::string> warnings;  // understood but worth telling (e.g. an unknown version)
  // When set, replaces the connection's state (CollectContext::state) after a successful run.
  std::optional<ConnectorState> state;
};

// What a connection's last successful run reported, as the engine holds it: its assets (shared
// with the engine, not copied) and its edges.
struct KnownCollection {
  std::vector<model::AssetPtr> assets;
  std::vector<model::Edge> edges;
};

struct CollectContext {
  const core::Clock& clock;
  const PreviousObservations& previous;
  std::stop_token stop;
  // What the connection's last successful run reported (assets and edges), so a connector
  // that cannot read one part of its source this time (a dashboard answering 500) keeps that
  // part as it was rather than dropping it. Null before the first run.
  const KnownCollection* known = nullptr;
  // The state the connection's last successful run returned; null when there is none.
  const ConnectorState* state = nullptr;
};

class Connector {
 public:
  virtual ~Connector() = default;
  virtual Result<Collection> collect(const CollectContext& context) = 0;
};

// The asset that stands for a connection itself: the root of the hierarchy of what it reports,
// carrying the connection's owner and tags.
model::Asset connection_asset(const config::ConnectionConfig& connection);

using Factory =
    std::function<Result<std::unique_ptr<Connector>>(const config::ConnectionConfig&)>;

// The registry of connector types. A type lives in its own folder under connectors/: its
// options struct, its key declarations and parser (config::ConnectionType, which makes it known
// to the loader, `validate` and the documentation), and its factory. Its folder's CMakeLists.txt
// declares it with freshwatch_connector(NAME ...), which makes register_all() call its
// `register_NAME()`; nothing outside the folder changes.
void register_type(config::ConnectionType type, Factory factory);

// The same with typed options: `parse` reads the type's keys into Options, `make` builds the
// connector from the common keys and those options.
template <typename Options>
void register_type(
    config::ConnectionType type, std::function<Options(config::Section&)> parse,
    std::function<Result<std::unique_ptr<Connector>>(const config::ConnectionConfig&,
                                                     const Options&)>
        make) {
  type.parse = [parse = std::move(parse)](config::Section& s) { return std::any(parse(s)); };
  const std::string name = type.name;
  register_type(std::move(type),
                [make = std::move(make), name](const config::ConnectionConfig& c)
                    -> Result<std::unique_ptr<Connector>> {
                  const Options* options = c.options_as<Options>();
                  if (!options)
                    return fail(ErrorCode::kInvalidArgument,
                                "connection '{}': its {} settings were not read", c.name, name);
                  return make(c, *options);
                });
}

// A type's name or alias (mariadb) is known.
bool has_type(std::string_view type);
Result<std::unique_ptr<Connector>> create(const config::ConnectionConfig& connection);

// Registers every built-in type (postgres, mysql, sqlite, dbt, ...). Idempotent. Test binaries
// link a variant that also registers the test-only types.
void register_all();

}  // namespace freshwatch::connectors
