#include "alerts/incident.h"

#include <gtest/gtest.h>

namespace freshwatch::alerts {
namespace {

TEST(Incident, KindNames) {
  EXPECT_EQ(to_string(IncidentKind::kStale), "stale");
  EXPECT_EQ(to_string(IncidentKind::kUnknown), "unknown");
}

TEST(Incident, EventNamesAreTheWebhooksEvents) {
  EXPECT_EQ(to_string(EventType::kOpened), "incident.opened");
  EXPECT_EQ(to_string(EventType::kUpdated), "incident.updated");
  EXPECT_EQ(to_string(EventType::kResolved), "incident.resolved");
  EXPECT_EQ(to_string(EventType::kReminder), "incident.reminder");
}

}  // namespace
}  // namespace freshwatch::alerts
