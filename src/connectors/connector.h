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
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "core/result.h"
#include "model/asset.h"
#include "model/observation.h"

namespace freshwatch::connectors {

// The latest earlier observation of each (asset, signal), so signals that compare state
// between runs (modification counters, row counts) can tell whether data changed.
class PreviousObservations {
 public:
  void add(const model::Observation& observation);
  const model::Observation* find(std::string_view asset_key, std::string_view signal) const;
  bool empty() const { return by_key_.empty(); }

 private:
  std::unordered_map<std::string, model::Observation> by_key_;  // asset_key '\n' signal
};

struct CollectContext {
  const core::Clock& clock;
  const PreviousObservations& previous;
  std::stop_token stop;
};

struct Collection {
  std::vector<model::Asset> assets;  // containers (connection, database, schema) included
  std::vector<model::Edge> edges;
  std::vector<model::Observation> observations;
  std::vector<std::string> warnings;  // understood but worth telling (e.g. an unknown version)
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

// The registry of connector types. Types are registered in one place,
// connectors/register_all.cc, which the CLI calls once at start-up.
void register_type(std::string type, Factory factory);
bool has_type(std::string_view type);
std::vector<std::string> registered_types();
Result<std::unique_ptr<Connector>> create(const config::ConnectionConfig& connection);

// Registers every built-in type (postgres, mysql, sqlite, dbt, ...). Idempotent.
void register_all();

}  // namespace freshwatch::connectors
