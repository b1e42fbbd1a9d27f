#include "net/url.h"

#include <gtest/gtest.h>

namespace freshwatch::net {
namespace {

TEST(LoopbackHost, Table) {
  struct Case {
    std::string_view host;
    bool loopback;
  };
  const Case cases[] = {
      {"127.0.0.1", true},
      {"127.255.0.9", true},
      {"localhost", true},
      {"LOCALHOST", true},
      {"localhost.", true},
      {"::1", true},
      {"[::1]", true},
      {"::ffff:127.0.0.1", true},
      {"128.0.0.1", false},
      {"126.255.255.255", false},
      {"10.0.0.1", false},
      {"192.0.2.1", false},
      {"0.0.0.0", false},
      {"::", false},
      {"::ffff:10.0.0.1", false},
      {"localhost.example.com", false},
      {"127.0.0.1.nip.io", false},
      {"example.com", false},
      {"", false},
  };
  for (const auto& c : cases) EXPECT_EQ(is_loopback_host(c.host), c.loopback) << c.host;
}

TEST(ParseUrl, SchemeHostAndUserinfo) {
  auto u = parse_url("HTTPS://Acct.Snowflakecomputing.com:443/api?x=1");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "acct.snowflakecomputing.com");
  EXPECT_FALSE(u->has_userinfo);
  u = parse_url("http://[::1]:8080/");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  u = parse_url("http://user:SECRET@127.0.0.1/");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->has_userinfo);

  for (std::string_view bad :
       {"ftp://host/file?token=SECRET", "file:///etc/passwd", "no scheme?token=SECRET", ""}) {
    auto r = parse_url(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message.find("SECRET"), std::string::npos) << r.error().message;
  }
}

TEST(CredentialsTransport, PlainHttpOnlyToLoopback) {
  auto check = [](std::string_view url, bool credentials) {
    auto parts = parse_url(url);
    EXPECT_TRUE(parts) << url;
    return check_credentials_transport(*parts, credentials);
  };
  EXPECT_TRUE(check("https://192.0.2.1/", true));
  EXPECT_TRUE(check("http://192.0.2.1/", false));
  EXPECT_TRUE(check("http://127.0.0.1:8080/", true));
  EXPECT_TRUE(check("http://localhost/", true));
  EXPECT_TRUE(check("http://[::1]/", true));
  auto refused = check("http://192.0.2.1/hook", true);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message,
            "refusing to send credentials over plain http to 192.0.2.1; use https:// (plain http "
            "is allowed only to loopback addresses)");
  EXPECT_FALSE(check("http://hooks.example.com/", true));
}

}  // namespace
}  // namespace freshwatch::net
