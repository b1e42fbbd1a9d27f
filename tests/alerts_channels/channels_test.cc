// The HTTP alert channels against an in-process server on loopback (support/http_test_server.h):
// what each one sends (method, content type, the vendor's documented fields, the webhook's
// signature recomputed here), and how answers become outcomes: a 429's Retry-After is waited
// for through the injected sleeper, a 400 is permanent, a 500 retryable, and the receiver's
// answer comes back without the channel's secrets.
#include "alerts/channels/channel.h"

#include <mutex>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <simdjson.h>

#include "core/time.h"
#include "support/http_test_server.h"
#include "support/process.h"

namespace freshwatch::alerts::channels {
namespace {

using namespace std::chrono_literals;
using config::ChannelConfig;
using config::ChannelType;
using testing::HttpTestServer;
using testing::ServerReply;
using testing::ServerRequest;

core::TimePoint at(std::string_view text) { return *core::parse_timestamp(text); }

Notification sample(EventType type = EventType::kOpened) {
  Notification n;
  n.delivery_id = "warehouse:raw.orders@1700000000000000/1/ch";
  n.channel = "ch";
  n.url = "https://fw.example.com/assets/warehouse%3Araw.orders";
  n.incident.id = "warehouse:raw.orders@1700000000000000";
  n.incident.root = {.key = "warehouse:raw.orders",
                     .name = "raw.orders",
                     .owner = "data-eng",
                     .reason = "last changed 3 d ago",
                     .status = model::Status::kError,
                     .changed_at = at("2023-11-11T22:13:20Z")};
  n.incident.impacted = {"dbt:model.orders", "looker:dashboard.sales"};
  n.incident.opened_at = at("2023-11-14T22:13:20Z");
  n.event = {.incident_id = n.incident.id,
             .type = type,
             .at = n.incident.opened_at,
             .status = model::Status::kError,
             .impacted_count = 2};
  if (type == EventType::kResolved) n.incident.resolved_at = at("2023-11-15T08:00:00Z");
  return n;
}

std::string hmac_hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  std::string hex;
  for (unsigned i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

class ChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
      unsetenv(name);
  }

  ChannelOptions options() {
    return {.clock = &clock_, .sleeper = [this](core::Duration d, std::stop_token) {
              std::lock_guard lock(mutex_);
              waits_.push_back(d);
              clock_.advance(d);
              return true;
            }};
  }

  std::unique_ptr<Channel> make(ChannelConfig config) {
    auto channel = make_channel(config, options());
    EXPECT_TRUE(channel) << channel.error().message;
    return std::move(*channel);
  }

  simdjson::dom::element parse(const std::string& body) {
    auto result = parser_.parse(simdjson::padded_string(body));
    EXPECT_FALSE(result.error()) << body;
    return result.value();
  }

  static std::string str(simdjson::dom::element e) { return std::string(e.get_string().value()); }

  core::FakeClock clock_{at("2023-11-14T22:13:25Z")};
  std::mutex mutex_;
  std::vector<core::Duration> waits_;
  simdjson::dom::parser parser_;
};

TEST_F(ChannelTest, WebhookPostsSignedJson) {
  HttpTestServer server([](const ServerRequest&) { return ServerReply{.status = 204}; });
  auto channel = make({.name = "hooks",
                       .type = ChannelType::kWebhook,
                       .url = server.url("/fw"),
                       .secret = "whsec_123"});
  auto outcome = channel->deliver(sample());
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_TRUE(outcome->delivered());
  EXPECT_EQ(outcome->status, 204);

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const ServerRequest& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/fw");
  EXPECT_EQ(r.header("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(r.header("X-Freshwatch-Event"), "incident.opened");
  EXPECT_EQ(r.header("X-Freshwatch-Delivery"), "warehouse:raw.orders@1700000000000000/1/ch");
  // 2023-11-14T22:13:25Z
  std::string expected_t = "1700000005";
  EXPECT_EQ(
      r.header("X-Freshwatch-Signature"),
      fmt::format("t={},v1={}", expected_t, hmac_hex("whsec_123", expected_t + "." + r.body)));
  auto doc = parse(r.body);
  EXPECT_EQ(str(doc["event"]), "incident.opened");
  EXPECT_EQ(str(doc["id"]), "warehouse:raw.orders@1700000000000000/1/ch");
  EXPECT_EQ(str(doc["sent_at"]), "2023-11-14T22:13:25Z");
  EXPECT_EQ(str(doc["incident"]["root"]["key"]), "warehouse:raw.orders");
  EXPECT_EQ(doc["incident"]["impacted"]["count"].get_uint64().value(), 2u);
}

TEST_F(ChannelTest, WebhookRetryAfter429IsSignedAgainWithTheSameId) {
  std::mutex m;
  int calls = 0;
  HttpTestServer server([&](const ServerRequest&) {
    std::lock_guard lock(m);
    if (calls++ == 0) return ServerReply{.status = 429, .headers = {{"Retry-After", "7"}}};
    return ServerReply{.status = 200, .body = "ok"};
  });
  auto channel = make(
      {.name = "hooks", .type = ChannelType::kWebhook, .url = server.url("/fw"), .secret = "k"});
  auto outcome = channel->deliver(sample());
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_TRUE(outcome->delivered());
  EXPECT_EQ(outcome->attempts, 2);
  ASSERT_EQ(waits_.size(), 1u);
  EXPECT_GE(waits_[0], 7s);

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  auto first = parse(requests[0].body);
  std::string first_id = str(first["id"]);
  auto second = parse(requests[1].body);
  EXPECT_EQ(str(second["id"]), first_id);
  EXPECT_NE(requests[0].header("X-Freshwatch-Signature"),
            requests[1].header("X-Freshwatch-Signature"));
  std::string sig = requests[1].header("X-Freshwatch-Signature");
  std::string t = sig.substr(2, sig.find(',') - 2);
  EXPECT_GE(std::stoll(t), 1700000012);
  EXPECT_EQ(sig, fmt::format("t={},v1={}", t, hmac_hex("k", t + "." + requests[1].body)));
}

TEST_F(ChannelTest, A429AskingForLongerThanTheClientWaitsIsRetryableWithItsDelay) {
  HttpTestServer server([](const ServerRequest&) {
    return ServerReply{.status = 429, .headers = {{"Retry-After", "3600"}}, .body = "slow down"};
  });
  auto channel = make({.name = "hooks", .type = ChannelType::kWebhook, .url = server.url("/")});
  auto outcome = channel->deliver(sample());
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->delivered());
  EXPECT_TRUE(outcome->retryable());
  ASSERT_TRUE(outcome->retry_after);
  EXPECT_EQ(*outcome->retry_after, 3600s);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(ChannelTest, A400IsPermanentAndA500Retryable) {
  std::mutex m;
  int status = 400;
  HttpTestServer server([&](const ServerRequest&) {
    std::lock_guard lock(m);
    return ServerReply{.status = status, .body = "invalid_payload"};
  });
  auto channel = make({.name = "slack",
                       .type = ChannelType::kSlack,
                       .url = server.url("/services/T000/B000/XXXXSECRET")});
  auto bad = channel->deliver(sample());
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_TRUE(bad->permanent);
  EXPECT_FALSE(bad->retryable());
  EXPECT_EQ(bad->answer, "invalid_payload");

  {
    std::lock_guard lock(m);
    status = 500;
  }
  auto failed = channel->deliver(sample());
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500);
  EXPECT_FALSE(failed->permanent);
  EXPECT_TRUE(failed->retryable());
  EXPECT_EQ(failed->attempts, 1) << "a 500 is left to the sender's backoff";

  EXPECT_TRUE(is_permanent_status(404));
  EXPECT_FALSE(is_permanent_status(408));
  EXPECT_FALSE(is_permanent_status(429));
  EXPECT_FALSE(is_permanent_status(503));
}

TEST_F(ChannelTest, SlackPostsBlockKit) {
  HttpTestServer server(
      [](const ServerRequest&) { return ServerReply{.status = 200, .body = "ok"}; });
  auto channel = make({.name = "data-team",
                       .type = ChannelType::kSlack,
                       .url = server.url("/services/T000/B000/XXXX")});
  auto outcome = channel->deliver(sample());
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_TRUE(outcome->delivered());
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/services/T000/B000/XXXX");
  EXPECT_EQ(requests[0].header("Content-Type"), "application/json; charset=utf-8");
  auto doc = parse(requests[0].body);
  EXPECT_NE(str(doc["text"]).find("raw.orders is error"), std::string::npos);
  EXPECT_EQ(str(doc["blocks"].at(0)["type"]), "header");
  EXPECT_EQ(str(doc["blocks"].at(3)["elements"].at(0)["url"]),
            "https://fw.example.com/assets/warehouse%3Araw.orders");
}

TEST_F(ChannelTest, TeamsPostsAnAdaptiveCard) {
  HttpTestServer server([](const ServerRequest&) { return ServerReply{.status = 202}; });
  auto channel = make({.name = "teams",
                       .type = ChannelType::kTeams,
                       .url = server.url("/workflows/abc/triggers/manual/paths/invoke?sig=S1G")});
  auto outcome = channel->deliver(sample());
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->status, 202);
  EXPECT_TRUE(outcome->delivered());
  auto doc = parse(server.requests().at(0).body);
  EXPECT_EQ(str(doc["type"]), "message");
  EXPECT_EQ(str(doc["attachments"].at(0)["contentType"]),
            "application/vnd.microsoft.card.adaptive");
  EXPECT_EQ(str(doc["attachments"].at(0)["content"]["type"]), "AdaptiveCard");
}

TEST_F(ChannelTest, PagerDutyOverTlsTriggersAndResolves) {
  testing::TempDir dir;
  auto certs = testing::make_test_certificates(dir.path());
  if (!certs.error.empty()) GTEST_SKIP() << certs.error;
  HttpTestServer server(
      [](const ServerRequest&) {
        // As PagerDuty answers; the routing key is echoed to check it never comes back.
        return ServerReply{
            .status = 202,
            .headers = {{"Content-Type", "application/json"}},
            .body =
                R"({"status":"success","message":"Event processed for R0UTING-KEY","dedup_key":"x"})"};
      },
      &certs);
  auto channel = make({.name = "oncall",
                       .type = ChannelType::kPagerDuty,
                       .url = server.url("/v2/enqueue"),
                       .routing_key = "R0UTING-KEY",
                       .ca_file = certs.ca.string()});
  auto trigger = channel->deliver(sample());
  ASSERT_TRUE(trigger) << trigger.error().message;
  EXPECT_EQ(trigger->status, 202);
  EXPECT_EQ(trigger->answer.find("R0UTING-KEY"), std::string::npos) << trigger->answer;
  auto resolve = channel->deliver(sample(EventType::kResolved));
  ASSERT_TRUE(resolve) << resolve.error().message;

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/v2/enqueue");
  EXPECT_EQ(requests[0].header("Content-Type"), "application/json; charset=utf-8");
  auto t = parse(requests[0].body);
  EXPECT_EQ(str(t["routing_key"]), "R0UTING-KEY");
  EXPECT_EQ(str(t["event_action"]), "trigger");
  EXPECT_EQ(str(t["dedup_key"]), "warehouse:raw.orders@1700000000000000");
  EXPECT_EQ(str(t["payload"]["severity"]), "critical");
  EXPECT_EQ(str(t["payload"]["source"]), "warehouse:raw.orders");
  auto r = parse(requests[1].body);
  EXPECT_EQ(str(r["event_action"]), "resolve");
  EXPECT_EQ(str(r["dedup_key"]), "warehouse:raw.orders@1700000000000000");
}

TEST_F(ChannelTest, TransportFailureIsAnErrorWithoutTheWebhookPath) {
  int port;
  {
    HttpTestServer server([](const ServerRequest&) { return ServerReply{}; });
    port = server.port();
  }
  auto channel = make({.name = "slack",
                       .type = ChannelType::kSlack,
                       .url = fmt::format("http://127.0.0.1:{}/services/T0/B0/SECRETPATH", port)});
  auto outcome = channel->deliver(sample());
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(outcome.error().message.find("SECRETPATH"), std::string::npos)
      << outcome.error().message;
}

TEST_F(ChannelTest, FactoryChecksRequiredKeysAndDefaultsPagerDutysUrl) {
  auto no_url = make_channel({.name = "s", .type = ChannelType::kSlack}, options());
  ASSERT_FALSE(no_url);
  EXPECT_EQ(no_url.error().code, ErrorCode::kInvalidArgument);
  auto no_key = make_channel({.name = "p", .type = ChannelType::kPagerDuty}, options());
  ASSERT_FALSE(no_key);
  EXPECT_NE(no_key.error().message.find("routing_key"), std::string::npos);
  auto pd =
      make_channel({.name = "p", .type = ChannelType::kPagerDuty, .routing_key = "k"}, options());
  ASSERT_TRUE(pd);
  EXPECT_EQ((*pd)->name(), "p");
  EXPECT_EQ((*pd)->type(), ChannelType::kPagerDuty);
}

}  // namespace
}  // namespace freshwatch::alerts::channels
