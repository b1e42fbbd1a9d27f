#include "connectors/connector.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace freshwatch::connectors {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, Factory, std::less<>> factories;
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void PreviousObservations::add(std::string asset_key, model::Observations observations) {
  by_asset_.insert_or_assign(std::move(asset_key), std::move(observations));
}

void PreviousObservations::add(const model::Observation& observation) {
  auto& list = by_asset_[observation.asset_key];
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].signal != observation.signal) continue;
    if (list[i].observed_at < observation.observed_at) list.edit()[i] = observation;
    return;
  }
  list.push_back(observation);
}

const model::Observation* PreviousObservations::find(std::string_view asset_key,
                                                     std::string_view signal) const {
  auto it = by_asset_.find(asset_key);
  if (it == by_asset_.end()) return nullptr;
  for (const auto& o : it->second)
    if (o.signal == signal) return &o;
  return nullptr;
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
