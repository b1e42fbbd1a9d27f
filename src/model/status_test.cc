#include "model/status.h"

#include <gtest/gtest.h>

#include "model/asset.h"

namespace freshwatch::model {
namespace {

TEST(Status, RoundTripsItsName) {
  for (Status s : kAllStatuses) EXPECT_EQ(parse_status(to_string(s)), s);
  EXPECT_EQ(parse_status("green"), std::nullopt);
}

TEST(Status, WorstOrdersFreshUnknownWarnError) {
  EXPECT_EQ(worst(Status::kFresh, Status::kUnknown), Status::kUnknown);
  EXPECT_EQ(worst(Status::kUnknown, Status::kWarn), Status::kWarn);
  EXPECT_EQ(worst(Status::kError, Status::kWarn), Status::kError);
  EXPECT_EQ(worst(Status::kFresh, Status::kFresh), Status::kFresh);
}

TEST(AssetKey, ConnectionAndQualifiedName) {
  EXPECT_EQ(make_key("warehouse", "analytics.public.orders"), "warehouse:analytics.public.orders");
  EXPECT_EQ(make_key("warehouse", ""), "warehouse");
  EXPECT_EQ(key_connection("warehouse:analytics.public.orders"), "warehouse");
  EXPECT_EQ(key_connection("warehouse"), "warehouse");
}

TEST(AssetKind, RoundTripsItsName) {
  EXPECT_EQ(parse_asset_kind("model"), AssetKind::kModel);
  EXPECT_EQ(to_string(AssetKind::kDashboard), "dashboard");
  EXPECT_TRUE(is_container(AssetKind::kSchema));
  EXPECT_FALSE(is_container(AssetKind::kTable));
}

TEST(AssetKind, ConsumersAreTilesLooksAndExposures) {
  for (auto kind : {AssetKind::kTile, AssetKind::kLook, AssetKind::kExposure}) {
    EXPECT_TRUE(is_consumer(kind)) << to_string(kind);
    EXPECT_FALSE(is_container(kind)) << to_string(kind);
  }
  for (auto kind : {AssetKind::kTable, AssetKind::kView, AssetKind::kSource, AssetKind::kModel,
                    AssetKind::kDashboard, AssetKind::kFolder})
    EXPECT_FALSE(is_consumer(kind)) << to_string(kind);
}

}  // namespace
}  // namespace freshwatch::model
