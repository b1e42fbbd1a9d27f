// The payload builders, read back with simdjson: each body is valid JSON with the fields its
// vendor documents, and the webhook signature is the HMAC-SHA256 libsodium computes.
#include "alerts/channels/payloads.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <sodium.h>

#include "core/time.h"

namespace freshwatch::alerts::channels {
namespace {

using namespace std::chrono_literals;

core::TimePoint at(std::string_view text) { return *core::parse_timestamp(text); }

Notification sample(EventType type = EventType::kOpened) {
  Notification n;
  n.delivery_id = "warehouse:raw.orders@1700000000000000/1/hooks";
  n.channel = "hooks";
  n.url = "https://fw.example.com/assets/warehouse%3Araw.orders";
  n.incident.id = "warehouse:raw.orders@1700000000000000";
  n.incident.kind = IncidentKind::kStale;
  n.incident.root = {.key = "warehouse:raw.orders",
                     .name = "raw.orders <\"prod\">",
                     .owner = "data-eng@example.com",
                     .reason = "last changed 3 d ago; policy allows 24 h",
                     .status = model::Status::kError,
                     .changed_at = at("2023-11-11T22:13:20Z")};
  for (int i = 0; i < 7; ++i) n.incident.impacted.push_back(fmt::format("dbt:model.m{}", i));
  n.incident.opened_at = at("2023-11-14T22:13:20Z");
  n.event = {.incident_id = n.incident.id,
             .type = type,
             .at = at("2023-11-14T22:13:20Z"),
             .status = model::Status::kError,
             .impacted_count = 7};
  if (type == EventType::kResolved) {
    n.incident.resolved_at = at("2023-11-15T08:00:00Z");
    n.event.status = model::Status::kFresh;
  }
  return n;
}

class PayloadTest : public ::testing::Test {
 protected:
  simdjson::dom::element parse(const std::string& body) {
    auto result = parser_.parse(simdjson::padded_string(body));
    EXPECT_FALSE(result.error()) << body;
    return result.value();
  }
  simdjson::dom::parser parser_;
};

std::string str(simdjson::dom::element e) { return std::string(e.get_string().value()); }

TEST_F(PayloadTest, WebhookCarriesTheDocumentedFields) {
  auto doc = parse(webhook_payload(sample(), at("2023-11-14T22:13:25Z")));
  EXPECT_EQ(str(doc["event"]), "incident.opened");
  EXPECT_EQ(str(doc["id"]), "warehouse:raw.orders@1700000000000000/1/hooks");
  EXPECT_EQ(str(doc["sent_at"]), "2023-11-14T22:13:25Z");
  auto incident = doc["incident"];
  EXPECT_EQ(str(incident["id"]), "warehouse:raw.orders@1700000000000000");
  EXPECT_EQ(str(incident["status"]), "open");
  EXPECT_EQ(str(incident["kind"]), "stale");
  EXPECT_EQ(str(incident["root"]["key"]), "warehouse:raw.orders");
  EXPECT_EQ(str(incident["root"]["name"]), "raw.orders <\"prod\">");
  EXPECT_EQ(str(incident["root"]["status"]), "error");
  EXPECT_EQ(str(incident["root"]["changed_at"]), "2023-11-11T22:13:20Z");
  EXPECT_EQ(str(incident["root"]["reason"]), "last changed 3 d ago; policy allows 24 h");
  EXPECT_EQ(str(incident["root"]["owner"]), "data-eng@example.com");
  EXPECT_EQ(incident["impacted"]["count"].get_uint64().value(), 7u);
  EXPECT_EQ(incident["impacted"]["keys"].get_array().size(), 7u);
  EXPECT_EQ(str(incident["opened_at"]), "2023-11-14T22:13:20Z");
  EXPECT_TRUE(incident["resolved_at"].is_null());
  EXPECT_EQ(str(incident["url"]), "https://fw.example.com/assets/warehouse%3Araw.orders");
}

TEST_F(PayloadTest, WebhookResolvedHasResolvedAtAndNullsForMissingValues) {
  Notification n = sample(EventType::kResolved);
  n.url.clear();
  n.incident.root.changed_at.reset();
  auto doc = parse(webhook_payload(n, at("2023-11-15T08:00:01Z")));
  EXPECT_EQ(str(doc["event"]), "incident.resolved");
  EXPECT_EQ(str(doc["incident"]["status"]), "resolved");
  EXPECT_EQ(str(doc["incident"]["resolved_at"]), "2023-11-15T08:00:00Z");
  EXPECT_TRUE(doc["incident"]["url"].is_null());
  EXPECT_TRUE(doc["incident"]["root"]["changed_at"].is_null());
}

TEST_F(PayloadTest, InvalidUtf8AndControlCharactersStayValidJson) {
  Notification n = sample();
  n.incident.root.name = "bad\xff\xfe name\n\t\x01";
  n.incident.root.reason = "driver said: \"\\x\"";
  parse(webhook_payload(n, at("2023-11-15T08:00:01Z")));
  parse(slack_payload(n));
  parse(teams_payload(n));
  parse(pagerduty_payload(n, "key"));
}

TEST_F(PayloadTest, SlackIsBlockKitWithFallbackTextAndButton) {
  auto doc = parse(slack_payload(sample()));
  EXPECT_NE(str(doc["text"]).find("raw.orders &lt;\"prod\"&gt;"), std::string::npos)
      << "fallback text escapes Slack's mrkdwn control characters";
  std::vector<simdjson::dom::element> list;
  simdjson::dom::array blocks = doc["blocks"].get_array().value();
  for (auto block : blocks) list.push_back(block);
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(str(list[0]["type"]), "header");
  EXPECT_EQ(str(list[0]["text"]["type"]), "plain_text");
  EXPECT_EQ(str(list[0]["text"]["text"]), "Opened: raw.orders <\"prod\"> is error");
  EXPECT_EQ(str(list[1]["type"]), "section");
  std::string fields;
  simdjson::dom::array field_list = list[1]["fields"].get_array().value();
  for (auto f : field_list) {
    EXPECT_EQ(str(f["type"]), "mrkdwn");
    fields += str(f["text"]) + "|";
  }
  EXPECT_NE(fields.find("*Status:*\nerror"), std::string::npos) << fields;
  EXPECT_NE(fields.find("*Owner:*\ndata-eng@example.com"), std::string::npos);
  EXPECT_NE(fields.find("*Reason:*\nlast changed 3 d ago"), std::string::npos);
  EXPECT_NE(fields.find("*Last changed:*\n2023-11-11T22:13:20Z"), std::string::npos);
  std::string impact = str(list[2]["text"]["text"]);
  EXPECT_NE(impact.find("*Impacted (7):*"), std::string::npos) << impact;
  EXPECT_NE(impact.find("`dbt:model.m4`"), std::string::npos);
  EXPECT_EQ(impact.find("m5"), std::string::npos) << "only the first five are named";
  EXPECT_NE(impact.find("and 2 more"), std::string::npos);
  EXPECT_EQ(str(list[3]["type"]), "actions");
  auto button = list[3]["elements"].at(0);
  EXPECT_EQ(str(button["type"]), "button");
  EXPECT_EQ(str(button["url"]), "https://fw.example.com/assets/warehouse%3Araw.orders");
}

TEST_F(PayloadTest, SlackWithoutUrlHasNoButton) {
  Notification n = sample();
  n.url.clear();
  n.incident.impacted.clear();
  n.event.impacted_count = 0;
  auto doc = parse(slack_payload(n));
  EXPECT_EQ(doc["blocks"].get_array().size(), 2u);
}

TEST_F(PayloadTest, TeamsIsAnAdaptiveCardAttachment) {
  auto doc = parse(teams_payload(sample()));
  EXPECT_EQ(str(doc["type"]), "message");
  auto attachment = doc["attachments"].at(0);
  EXPECT_EQ(str(attachment["contentType"]), "application/vnd.microsoft.card.adaptive");
  auto card = attachment["content"];
  EXPECT_EQ(str(card["type"]), "AdaptiveCard");
  EXPECT_EQ(str(card["$schema"]), "http://adaptivecards.io/schemas/adaptive-card.json");
  EXPECT_EQ(str(card["version"]), "1.4");
  simdjson::dom::array body = card["body"].get_array().value();
  EXPECT_EQ(str(body.at(0)["type"]), "TextBlock");
  EXPECT_EQ(str(body.at(0)["text"]), "Opened: raw.orders <\"prod\"> is error");
  EXPECT_EQ(str(body.at(2)["type"]), "FactSet");
  EXPECT_EQ(str(body.at(2)["facts"].at(0)["title"]), "Status");
  EXPECT_EQ(str(body.at(2)["facts"].at(0)["value"]), "error");
  auto action = card["actions"].at(0);
  EXPECT_EQ(str(action["type"]), "Action.OpenUrl");
  EXPECT_EQ(str(action["url"]), "https://fw.example.com/assets/warehouse%3Araw.orders");
}

TEST_F(PayloadTest, PagerDutyTriggerAndResolveShareTheDedupKey) {
  auto trigger = parse(pagerduty_payload(sample(), "R0UTING"));
  EXPECT_EQ(str(trigger["routing_key"]), "R0UTING");
  EXPECT_EQ(str(trigger["event_action"]), "trigger");
  EXPECT_EQ(str(trigger["dedup_key"]), "warehouse:raw.orders@1700000000000000");
  EXPECT_EQ(str(trigger["payload"]["severity"]), "critical");
  EXPECT_EQ(str(trigger["payload"]["source"]), "warehouse:raw.orders");
  EXPECT_EQ(str(trigger["payload"]["timestamp"]), "2023-11-14T22:13:20Z");
  EXPECT_NE(str(trigger["payload"]["summary"]).find("raw.orders"), std::string::npos);
  EXPECT_EQ(str(trigger["links"].at(0)["href"]),
            "https://fw.example.com/assets/warehouse%3Araw.orders");

  auto reminder = parse(pagerduty_payload(sample(EventType::kReminder), "R0UTING"));
  EXPECT_EQ(str(reminder["event_action"]), "trigger");

  auto resolve = parse(pagerduty_payload(sample(EventType::kResolved), "R0UTING"));
  EXPECT_EQ(str(resolve["event_action"]), "resolve");
  EXPECT_EQ(str(resolve["dedup_key"]), "warehouse:raw.orders@1700000000000000");
  EXPECT_EQ(str(resolve["routing_key"]), "R0UTING");
}

TEST_F(PayloadTest, PagerDutySeverityAndSummaryLimit) {
  EXPECT_EQ(pagerduty_severity(model::Status::kError), "critical");
  EXPECT_EQ(pagerduty_severity(model::Status::kWarn), "warning");
  EXPECT_EQ(pagerduty_severity(model::Status::kUnknown), "error");
  Notification n = sample();
  n.incident.root.reason = std::string(3000, 'x') + "\u00e9\u00e9";
  auto doc = parse(pagerduty_payload(n, "k"));
  EXPECT_LE(str(doc["payload"]["summary"]).size(), kPagerDutySummaryMax);
  n.event.status = model::Status::kWarn;
  EXPECT_EQ(str(parse(pagerduty_payload(n, "k"))["payload"]["severity"]), "warning");
}

TEST(EmailContent, TextAndHtmlCarryTheSameFactsAndHtmlIsEscaped) {
  EmailContent mail = email_content(sample());
  EXPECT_EQ(mail.subject, summary_line(sample()));
  EXPECT_NE(mail.text.find("Opened: raw.orders <\"prod\"> is error"), std::string::npos);
  EXPECT_NE(mail.text.find("  - dbt:model.m6"), std::string::npos) << "email lists every impacted";
  EXPECT_NE(mail.text.find("https://fw.example.com/assets/warehouse%3Araw.orders"),
            std::string::npos);
  EXPECT_NE(mail.html.find("raw.orders &lt;&quot;prod&quot;&gt; is error"), std::string::npos);
  EXPECT_EQ(mail.html.find("<\"prod\">"), std::string::npos);
  EXPECT_NE(mail.html.find("<a href=\"https://fw.example.com/assets/warehouse%3Araw.orders\">"),
            std::string::npos);
}

TEST(WebhookSignature, IsHmacSha256OfTimestampDotBody) {
  ASSERT_GE(sodium_init(), 0);
  std::string body = R"({"event":"incident.opened"})";
  std::string secret = "s3cret-of-any-length-longer-than-a-block-" + std::string(80, 'k');
  std::string message = "1700000005." + body;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  EXPECT_EQ(webhook_signature(secret, 1700000005, body), std::string("t=1700000005,v1=") + hex);
}

}  // namespace
}  // namespace freshwatch::alerts::channels
