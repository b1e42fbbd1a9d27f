#include "connectors/connector.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace freshwatch::connectors {
namespace {

std::string previous_key(std::string_view asset_key, std::string_view signal) {
  std::string k;
  k.reserve(asset_key.size() + 1 + signal.size());
  k.append(asset_key).append("\n").append(signal);
  return k;
}

struct Registry {
  std::mutex mutex;
  std::map<std::string, Factory, std::less<>> factories;
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void PreviousObservations::add(const model::Observation& observation) {
  auto [it, inserted] =
      by_key_.try_emplace(previous_key(observation.asset_key, observation.signal), observation);
  if (!inserted && it->second.observed_at < observation.observed_at) it->second = observation;
}

const model::Observation* PreviousObservations::find(std::string_view asset_key,
                                                     std::string_view signal) const {
  auto it = by_key_.find(previous_key(asset_key, signal));
  return it == by_key_.end() ? nullptr : &it->second;
}

model::Asset connection_asset(const config::ConnectionConfig& connection) {
  return model::Asset{.key = model::make_key(connection.name, ""),
                      .name = connection.name,
                      .kind = model::AssetKind::kConnection,
                      .connection = connection.name,
                      .owner = connection.owner,
                      .tags = connection.tags};
}

void register_type(config::ConnectionType type, Factory factory) {
  auto& r = registry();
  {
    std::lock_guard lock(r.mutex);
    r.factories[type.name] = std::move(factory);
  }
  config::register_connection_type(std::move(type));  // which knows the aliases
}

bool has_type(std::string_view type) { return config::find_connection_type(type) != nullptr; }

Result<std::unique_ptr<Connector>> create(const config::ConnectionConfig& connection) {
  const config::ConnectionType* type = config::find_connection_type(connection.type);
  Factory factory;
  {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    auto it = type ? r.factories.find(type->name) : r.factories.end();
    if (it == r.factories.end())
      return fail(ErrorCode::kInvalidArgument, "connection '{}': unknown type '{}'",
                  connection.name, connection.type);
    factory = it->second;
  }
  return factory(connection);
}

}  // namespace freshwatch::connectors
