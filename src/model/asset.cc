#include "model/asset.h"

#include <array>
#include <utility>

namespace freshwatch::model {
namespace {

constexpr std::array<std::pair<AssetKind, std::string_view>, 16> kKindNames = {{
    {AssetKind::kConnection, "connection"},
    {AssetKind::kDatabase, "database"},
    {AssetKind::kSchema, "schema"},
    {AssetKind::kTable, "table"},
    {AssetKind::kView, "view"},
    {AssetKind::kProject, "project"},
    {AssetKind::kPackage, "package"},
    {AssetKind::kFolder, "folder"},
    {AssetKind::kSource, "source"},
    {AssetKind::kModel, "model"},
    {AssetKind::kSeed, "seed"},
    {AssetKind::kSnapshot, "snapshot"},
    {AssetKind::kExposure, "exposure"},
    {AssetKind::kDashboard, "dashboard"},
    {AssetKind::kTile, "tile"},
    {AssetKind::kLook, "look"},
}};

}  // namespace

std::string_view to_string(AssetKind kind) {
  for (auto [k, name] : kKindNames)
    if (k == kind) return name;
  return "table";
}

std::optional<AssetKind> parse_asset_kind(std::string_view text) {
  for (auto [k, name] : kKindNames)
    if (name == text) return k;
  return std::nullopt;
}

bool is_container(AssetKind kind) {
  switch (kind) {
    case AssetKind::kConnection:
    case AssetKind::kDatabase:
    case AssetKind::kSchema:
    case AssetKind::kProject:
    case AssetKind::kPackage:
    case AssetKind::kFolder:
    case AssetKind::kDashboard:
      return true;
    default:
      return false;
  }
}

bool is_consumer(AssetKind kind) {
  return kind == AssetKind::kTile || kind == AssetKind::kLook || kind == AssetKind::kExposure;
}

bool has_usage(AssetKind kind) {
  return kind == AssetKind::kDashboard || kind == AssetKind::kLook;
}

std::string make_key(std::string_view connection, std::string_view qualified) {
  if (qualified.empty()) return std::string(connection);
  std::string key;
  key.reserve(connection.size() + 1 + qualified.size());
  key.append(connection).append(":").append(qualified);
  return key;
}

std::string_view key_connection(std::string_view key) {
  return key.substr(0, key.find(':'));
}

std::vector<AssetPtr> share_assets(std::vector<Asset> assets) {
  std::vector<AssetPtr> out;
  out.reserve(assets.size());
  for (auto& a : assets) out.push_back(std::make_shared<const Asset>(std::move(a)));
  return out;
}

}  // namespace freshwatch::model
