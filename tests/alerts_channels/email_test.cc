// The email channel against the SMTP test server on loopback (support/smtp_test_server.h): it
// upgrades with STARTTLS when told to (and refuses a server without it), authenticates, and
// sends one multipart/alternative message with a text and an HTML part; SMTP replies become
// outcomes (5xx permanent).
#include <gtest/gtest.h>

#include "alerts/channels/channel.h"
#include "core/time.h"
#include "support/process.h"
#include "support/smtp_test_server.h"

namespace freshwatch::alerts::channels {
namespace {

using config::ChannelConfig;
using config::ChannelType;
using testing::SmtpServerOptions;
using testing::SmtpTestServer;

Notification sample() {
  Notification n;
  n.delivery_id = "warehouse:raw.orders@1700000000000000/1/mail";
  n.url = "https://fw.example.com/assets/warehouse%3Araw.orders";
  n.incident.id = "warehouse:raw.orders@1700000000000000";
  n.incident.root = {.key = "warehouse:raw.orders",
                     .name = "raw.orders <prod>",
                     .owner = "data-eng",
                     .reason = "last changed 3 d ago",
                     .status = model::Status::kError};
  n.incident.impacted = {"dbt:model.orders"};
  n.incident.opened_at = *core::parse_timestamp("2023-11-14T22:13:20Z");
  n.event = {.incident_id = n.incident.id,
             .type = EventType::kOpened,
             .at = n.incident.opened_at,
             .status = model::Status::kError,
             .impacted_count = 1};
  return n;
}

class EmailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certs_ = testing::make_test_certificates(dir_.path());
    if (!certs_.error.empty()) GTEST_SKIP() << certs_.error;
  }

  ChannelConfig mail(std::string url) {
    return {.name = "mail",
            .type = ChannelType::kEmail,
            .url = std::move(url),
            .starttls = true,
            .username = "fw",
            .password = "pa55word",
            .from = "freshwatch@example.com",
            .to = {"data@example.com", "oncall@example.com"},
            .ca_file = certs_.ca.string()};
  }

  testing::TempDir dir_;
  testing::TestCertificates certs_;
  core::FakeClock clock_{*core::parse_timestamp("2023-11-14T22:13:25Z")};
};

TEST_F(EmailTest, SendsOneAlternativeMessageAfterStartTlsAndAuth) {
  SmtpTestServer server(
      {.tls = &certs_, .require_tls = true, .username = "fw", .password = "pa55word"});
  auto channel = make_channel(mail(server.url()), {.clock = &clock_});
  ASSERT_TRUE(channel) << channel.error().message;
  auto outcome = (*channel)->deliver(sample());
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_TRUE(outcome->delivered());
  EXPECT_EQ(outcome->status, 250);

  auto messages = server.messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& m = messages[0];
  EXPECT_TRUE(m.tls);
  EXPECT_EQ(m.user, "fw");
  EXPECT_EQ(m.from, "freshwatch@example.com");
  EXPECT_EQ(m.to, (std::vector<std::string>{"data@example.com", "oncall@example.com"}));
  EXPECT_NE(m.data.find("Subject: [freshwatch] Opened: raw.orders <prod> is error"),
            std::string::npos)
      << m.data;
  EXPECT_NE(m.data.find("From: freshwatch@example.com\r\n"), std::string::npos);
  EXPECT_NE(m.data.find("To: data@example.com, oncall@example.com\r\n"), std::string::npos);
  EXPECT_NE(m.data.find("Date: Tue, 14 Nov 2023 22:13:25 +0000\r\n"), std::string::npos);
  EXPECT_NE(m.data.find("Message-ID: <warehouse=3Araw=2Eorders=40"), std::string::npos);
  EXPECT_TRUE(m.data.starts_with("Content-Type: multipart/alternative; boundary=")) << m.data;
  EXPECT_NE(m.data.find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
  EXPECT_NE(m.data.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  EXPECT_LT(m.data.find("text/plain"), m.data.find("text/html"))
      << "HTML is the preferred, last part";
  EXPECT_NE(m.data.find("raw.orders &lt;prod&gt;"), std::string::npos) << "HTML is escaped";
  EXPECT_NE(m.data.find("dbt:model.orders"), std::string::npos);
  EXPECT_EQ(m.data.find("=0A"), std::string::npos) << "text lines end in CRLF, not encoded LFs";
  EXPECT_NE(m.data.find("\r\nStatus: error\r\n"), std::string::npos);
}

TEST_F(EmailTest, NonAsciiSubjectIsEncoded) {
  SmtpTestServer server({.tls = &certs_, .username = "fw", .password = "pa55word"});
  auto channel = make_channel(mail(server.url()), {});
  ASSERT_TRUE(channel);
  Notification n = sample();
  n.incident.root.name = "ventes_journali\u00e8res";
  ASSERT_TRUE((*channel)->deliver(n));
  auto messages = server.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages[0].data.find("Subject: =?UTF-8?B?"), std::string::npos) << messages[0].data;
}

TEST_F(EmailTest, StartTlsRequiredFailsWhenTheServerDoesNotOfferIt) {
  SmtpTestServer server({});
  auto channel = make_channel(mail(server.url()), {});
  ASSERT_TRUE(channel);
  auto outcome = (*channel)->deliver(sample());
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().message.find("STARTTLS"), std::string::npos) << outcome.error().message;
  EXPECT_EQ(outcome.error().message.find("pa55word"), std::string::npos);
  EXPECT_TRUE(server.messages().empty());
}

TEST_F(EmailTest, WrongPasswordIsPermanentAndRejectedRecipientToo) {
  SmtpTestServer server(
      {.tls = &certs_, .require_tls = true, .username = "fw", .password = "other"});
  auto channel = make_channel(mail(server.url()), {});
  ASSERT_TRUE(channel);
  auto outcome = (*channel)->deliver(sample());
  if (outcome) {
    EXPECT_EQ(outcome->status, 535);
    EXPECT_TRUE(outcome->permanent);
  } else {
    ADD_FAILURE() << outcome.error().message;
  }

  SmtpTestServer rejecting({.tls = &certs_,
                            .username = "fw",
                            .password = "pa55word",
                            .reject_rcpt = "550 5.1.1 no such user"});
  auto second = make_channel(mail(rejecting.url()), {});
  ASSERT_TRUE(second);
  auto rejected = (*second)->deliver(sample());
  ASSERT_TRUE(rejected) << rejected.error().message;
  EXPECT_EQ(rejected->status, 550);
  EXPECT_TRUE(rejected->permanent);
  EXPECT_TRUE(rejecting.messages().empty());
}

TEST_F(EmailTest, FactoryRefusesPlainTextPasswordsToRemoteHosts) {
  ChannelConfig config = mail("smtp://mail.example.com:587");
  config.starttls = false;
  auto refused = make_channel(config, {});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("plain text"), std::string::npos);
  config.url = "smtps://mail.example.com";
  EXPECT_TRUE(make_channel(config, {}));
  config.url = "http://mail.example.com";
  EXPECT_FALSE(make_channel(config, {}));
  config.to.clear();
  EXPECT_FALSE(make_channel(config, {}));
}

}  // namespace
}  // namespace freshwatch::alerts::channels
