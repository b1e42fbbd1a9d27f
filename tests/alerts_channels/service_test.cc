// The alert service end to end over the real SQLite store and a webhook receiver on loopback:
// a stale root opens one incident and one notification naming its impact; the same snapshot
// again sends nothing; a receiver that fails gets the same delivery id again after a restart;
// a fresh root sends one resolve.
#include "alerts/service.h"

#include <mutex>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "alerts/test_util.h"
#include "store/sqlite/sqlite_store.h"
#include "support/http_test_server.h"
#include "support/process.h"

namespace freshwatch::alerts {
namespace {

using namespace std::chrono_literals;
using ::freshwatch::testing::HttpTestServer;
using ::freshwatch::testing::ServerReply;
using ::freshwatch::testing::ServerRequest;
using model::Status;

struct Receiver {
  std::mutex mutex;
  int fail_next = 0;  // answer 500 to that many requests
  std::vector<std::string> bodies;
  HttpTestServer server{[this](const ServerRequest& r) {
    std::lock_guard lock(mutex);
    if (fail_next > 0) {
      --fail_next;
      return ServerReply{.status = 500, .body = "busy"};
    }
    bodies.push_back(r.body);
    return ServerReply{.status = 200, .body = "ok"};
  }};
};

std::string field(const std::string& body, const char* a, const char* b = nullptr) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(body);
  simdjson::dom::element v = doc[a];
  if (b) v = v[b];
  if (v.is_string()) return std::string(std::string_view(v));
  return simdjson::to_string(v);
}

class AlertServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.timezone = "UTC";
    config::ChannelConfig hooks;
    hooks.name = "hooks";
    hooks.type = config::ChannelType::kWebhook;
    hooks.url = receiver_.server.url("/hook");
    hooks.secret = "s3cret";
    config_.alerts.channels = {hooks};
    config_.alerts.routes = {{.select = *model::parse_selector("*"), .channels = {"hooks"}}};
    config_.alerts.renotify_every = {};
    config_.alerts.public_url = "https://fw.example.com/";
    store_ = open();
  }
  std::unique_ptr<store::Store> open() {
    auto s = store::open_sqlite({.path = (dir_ / "freshwatch.db").string()});
    EXPECT_TRUE(s) << s.error().message;
    return std::move(*s);
  }
  std::unique_ptr<AlertService> service() {
    ServiceOptions options;
    options.retry_base = 1min;
    channels::ChannelOptions channel_options;
    channel_options.sleeper = [](core::Duration, std::stop_token) { return true; };
    auto s = AlertService::make(config_, *store_, clock_, options, channel_options);
    EXPECT_TRUE(s) << s.error().message;
    EXPECT_TRUE((*s)->load());
    return std::move(*s);
  }
  static model::Snapshot stale() {
    return testing::snapshot({{.key = "w:raw.orders", .status = Status::kError},
                              {.key = "d:fct_orders",
                               .status = Status::kWarn,
                               .causes = {"w:raw.orders"},
                               .kind = model::AssetKind::kModel}});
  }
  static model::Snapshot fresh() {
    return testing::snapshot(
        {{.key = "w:raw.orders"}, {.key = "d:fct_orders", .kind = model::AssetKind::kModel}});
  }

  ::freshwatch::testing::TempDir dir_;
  core::FakeClock clock_{testing::kT0};
  config::Config config_;
  Receiver receiver_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(AlertServiceTest, OneNotificationPerCauseAndOneResolveWithTheImpactNamed) {
  auto alerts = service();
  ASSERT_TRUE(alerts->observe(stale()));
  alerts->deliver_due({});
  ASSERT_EQ(receiver_.bodies.size(), 1u);
  const std::string opened = receiver_.bodies[0];
  EXPECT_EQ(field(opened, "event"), "incident.opened");
  EXPECT_EQ(field(opened, "incident", "root"), field(opened, "incident", "root"));
  EXPECT_NE(opened.find("\"d:fct_orders\""), std::string::npos) << opened;
  EXPECT_NE(opened.find("https://fw.example.com/assets/w%3Araw.orders"), std::string::npos)
      << opened;

  // The same state again tells nothing new.
  clock_.advance(5min);
  ASSERT_TRUE(alerts->observe(stale()));
  alerts->deliver_due({});
  EXPECT_EQ(receiver_.bodies.size(), 1u);

  clock_.advance(5min);
  ASSERT_TRUE(alerts->observe(fresh()));
  alerts->deliver_due({});
  ASSERT_EQ(receiver_.bodies.size(), 2u);
  EXPECT_EQ(field(receiver_.bodies[1], "event"), "incident.resolved");
  EXPECT_EQ(field(receiver_.bodies[1], "incident", "id"), field(opened, "incident", "id"));

  auto stored = store_->incidents({});
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_FALSE((*stored)[0].open());
}

TEST_F(AlertServiceTest, NothingIsJudgedBeforeEveryConnectionHasRunOnce) {
  auto alerts = service();
  auto snap = stale();
  snap.connections = {{.name = "w", .last_run = testing::kT0}, {.name = "d"}};
  ASSERT_TRUE(alerts->observe(snap));
  alerts->deliver_due({});
  EXPECT_TRUE(receiver_.bodies.empty());
  EXPECT_TRUE(store_->open_incidents()->empty());
  snap.connections[1].last_run = testing::kT0;
  ASSERT_TRUE(alerts->observe(snap));
  alerts->deliver_due({});
  EXPECT_EQ(receiver_.bodies.size(), 1u);
}

TEST_F(AlertServiceTest, ASilenceHoldsNoticesBackButTheIncidentIsRecorded) {
  // kT0 is midnight UTC: a window from midnight for two hours.
  config_.alerts.silences = {
      {.select = *model::parse_selector("w:*"), .cron = "0 0 * * *", .duration = 2h}};
  auto alerts = service();
  ASSERT_TRUE(alerts->observe(stale()));
  alerts->deliver_due({});
  EXPECT_TRUE(receiver_.bodies.empty());
  EXPECT_EQ(store_->open_incidents()->size(), 1u);
}

TEST_F(AlertServiceTest, ASnoozeDelaysRemindersAndAnAcknowledgementStopsThem) {
  config_.alerts.renotify_every = 1h;
  auto alerts = service();
  ASSERT_TRUE(alerts->observe(stale()));
  alerts->deliver_due({});
  ASSERT_EQ(receiver_.bodies.size(), 1u);
  const std::string id = field(receiver_.bodies[0], "incident", "id");
  ASSERT_TRUE(store_->snooze(id, clock_.now() + 3h));
  for (int hour = 1; hour <= 3; ++hour) {
    clock_.advance(1h);
    ASSERT_TRUE(alerts->observe(stale()));
    alerts->deliver_due({});
    EXPECT_EQ(receiver_.bodies.size(), hour < 3 ? 1u : 2u) << "hour " << hour;
  }
  // Held for three hours, then one reminder.
  ASSERT_EQ(receiver_.bodies.size(), 2u);
  EXPECT_EQ(field(receiver_.bodies[1], "event"), "incident.reminder");
  ASSERT_TRUE(store_->acknowledge(id, clock_.now()));
  for (int hour = 1; hour <= 3; ++hour) {
    clock_.advance(1h);
    ASSERT_TRUE(alerts->observe(stale()));
    alerts->deliver_due({});
  }
  EXPECT_EQ(receiver_.bodies.size(), 2u) << receiver_.bodies.back();
}

TEST_F(AlertServiceTest, AFailedDeliveryIsSentAgainAfterARestartWithTheSameId) {
  receiver_.fail_next = 1;
  {
    auto alerts = service();
    ASSERT_TRUE(alerts->observe(stale()));
    alerts->deliver_due({});
    EXPECT_TRUE(receiver_.bodies.empty());
  }  // the process ends with the delivery pending
  store_ = open();
  auto alerts = service();
  ASSERT_TRUE(alerts->observe(stale()));  // the restart opens nothing new
  alerts->deliver_due({});
  EXPECT_TRUE(receiver_.bodies.empty()) << "not due before its backoff";
  clock_.advance(2min);
  alerts->deliver_due({});
  ASSERT_EQ(receiver_.bodies.size(), 1u);
  EXPECT_EQ(field(receiver_.bodies[0], "event"), "incident.opened");
  clock_.advance(1h);
  alerts->deliver_due({});
  EXPECT_EQ(receiver_.bodies.size(), 1u) << "delivered once";

  auto open = store_->open_incidents();
  ASSERT_TRUE(open);
  ASSERT_EQ(open->size(), 1u);
  auto detail = store_->incident((*open)[0].id);
  ASSERT_TRUE(detail && *detail);
  EXPECT_EQ((*detail)->deliveries.size(), 2u);  // the 500, then the 200
  EXPECT_TRUE((*detail)->pending.empty());
}

}  // namespace
}  // namespace freshwatch::alerts
