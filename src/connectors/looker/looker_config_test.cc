// The `looker` keys, read by the configuration loader with the same diagnostics as every type.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/load.h"
#include "connectors/connector.h"
#include "connectors/looker/looker_connector.h"

namespace freshwatch::connectors::looker {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

config::LoadResult load(std::string_view yaml) {
  register_all();
  return config::load_string(yaml, "/etc/fw/fw.yml");
}

std::vector<std::string> problems(std::string_view yaml) {
  std::vector<std::string> out;
  for (const auto& p : load(yaml).problems) out.push_back(p.to_string());
  return out;
}

TEST(LookerConfig, EveryKeyLoads) {
  auto r = load(R"(
connections:
  - name: looker
    type: looker
    base_url: https://acme.looker.com:19999/api/4.0/
    client_id: abc
    client_secret: def
    ca_file: certs/ca.pem
    warehouses: {snowflake_prod: snowflake, pg: warehouse}
    include_personal: true
    concurrency: 4
    retrace_after: 12h
)");
  for (const auto& p : r.problems) ADD_FAILURE() << p.to_string();
  ASSERT_EQ(r.config.connections.size(), 1u);
  const auto* o = r.config.connections[0].options_as<LookerOptions>();
  ASSERT_TRUE(o);
  EXPECT_EQ(o->base_url, "https://acme.looker.com:19999") << "/api/4.0 is the client's to add";
  EXPECT_EQ(o->client_id, "abc");
  EXPECT_EQ(o->client_secret, "def");
  EXPECT_EQ(o->ca_file, "/etc/fw/certs/ca.pem");
  EXPECT_EQ(o->warehouses.at("snowflake_prod"), "snowflake");
  EXPECT_TRUE(o->include_personal);
  EXPECT_EQ(o->concurrency, 4);
  EXPECT_EQ(o->retrace_after, std::chrono::hours(12));
  EXPECT_TRUE(create(r.config.connections[0]));
}

TEST(LookerConfig, Defaults) {
  auto r = load(
      "connections:\n  - {name: l, type: looker, base_url: 'https://a.looker.com', "
      "client_id: a, client_secret: b}\n");
  ASSERT_TRUE(r.ok());
  const auto* o = r.config.connections[0].options_as<LookerOptions>();
  EXPECT_FALSE(o->include_personal);
  EXPECT_EQ(o->concurrency, 8);
  EXPECT_EQ(o->retrace_after, std::chrono::hours(24));
  EXPECT_TRUE(o->warehouses.empty());
}

TEST(LookerConfig, ProblemsAreReported) {
  EXPECT_THAT(problems("connections:\n  - {name: l, type: looker, client_id: a}\n"),
              ElementsAre(HasSubstr("needs base_url"), HasSubstr("needs client_secret")));
  EXPECT_THAT(
      problems("connections:\n  - {name: l, type: looker, base_url: 'http://looker.acme.com', "
               "client_id: a, client_secret: b}\n"),
      ElementsAre(HasSubstr("refusing to send credentials over plain http")));
  // Plain http is fine to a loopback address (a local stand-in).
  EXPECT_TRUE(
      problems("connections:\n  - {name: l, type: looker, base_url: 'http://127.0.0.1:9999', "
               "client_id: a, client_secret: b}\n")
          .empty());
  EXPECT_THAT(
      problems("connections:\n  - {name: l, type: looker, base_url: 'looker.acme.com', "
               "client_id: a, client_secret: b, concurrency: 0, include_personal: maybe, "
               "warehouses: [a]}\n"),
      ElementsAre(HasSubstr("not an http(s) URL"), HasSubstr("concurrency: 0 is out of range"),
                  HasSubstr("include_personal: expected true or false"),
                  HasSubstr("warehouses: expected a mapping")));
  EXPECT_THAT(problems("connections:\n  - {name: l, type: looker, base_url: 'https://a.b', "
                       "client_id: a, client_secret: b, clientsecret: c}\n"),
              ElementsAre(HasSubstr("did you mean 'client_secret'")));
}

TEST(LookerConfig, TheSecretNeverAppearsInDiagnostics) {
  for (const auto& p :
       problems("connections:\n  - {name: l, type: looker, base_url: 'http://x.example', "
                "client_id: a, client_secret: hunter2, concurrency: lots}\n  - "
                "{name: m, type: looker, base_url: 'https://x', client_id: a, "
                "client_secret: [hunter3]}\n"))
    EXPECT_EQ(p.find("hunter"), std::string::npos) << p;
}

}  // namespace
}  // namespace freshwatch::connectors::looker
