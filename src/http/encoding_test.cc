#include "http/encoding.h"
#include "net/url.h"

#include <gtest/gtest.h>

namespace freshwatch::http {
namespace {

TEST(Encoding, GzipRoundTrips) {
  std::string text(10000, 'a');
  std::string gz = gzip(text);
  EXPECT_LT(gz.size(), text.size());
  EXPECT_EQ(gunzip(gz), text);
}

TEST(Encoding, PercentEncodingRoundTripsKeysAndIds) {
  EXPECT_EQ(net::percent_encode("wh:db.public.\"Odd\"/name@17 x"),
            "wh%3Adb.public.%22Odd%22%2Fname%4017%20x");
  EXPECT_EQ(net::percent_encode("A-z_0.9~"), "A-z_0.9~");
  const std::string bytes("\xc3\xa9\x00\xff%+", 6);
  EXPECT_EQ(net::percent_encode(bytes), "%C3%A9%00%FF%25%2B");
  std::string back;
  ASSERT_TRUE(percent_decode(net::percent_encode(bytes), back, false));
  EXPECT_EQ(back, bytes);
}

TEST(Encoding, AcceptEncoding) {
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("br"));
  EXPECT_FALSE(accepts_gzip(""));
}

TEST(Encoding, EtagMatchingIsWeakAndListAware) {
  std::string tag = make_etag("body");
  EXPECT_EQ(tag.front(), '"');
  EXPECT_NE(tag, make_etag("other"));
  EXPECT_NE(tag, make_etag("body", "-gz"));
  EXPECT_TRUE(etag_matches(tag, tag));
  EXPECT_TRUE(etag_matches("\"x\", W/" + tag, tag));
  EXPECT_TRUE(etag_matches("*", tag));
  EXPECT_FALSE(etag_matches("\"x\"", tag));
  EXPECT_TRUE(etag_matches(make_etag("body", "-gz"), tag, make_etag("body", "-gz")));
}

TEST(Encoding, PercentDecodingAndQueries) {
  std::string out;
  EXPECT_TRUE(percent_decode("wh%3Adb.public.orders", out, false));
  EXPECT_EQ(out, "wh:db.public.orders");
  EXPECT_FALSE(percent_decode("bad%2", out, false));
  EXPECT_FALSE(percent_decode("bad%zz", out, false));
  auto q = parse_query("status=warn%2Cerror&q=a+b&flag&empty=");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0].second, "warn,error");
  EXPECT_EQ(q[1].second, "a b");
  EXPECT_EQ(q[2].first, "flag");
}

TEST(Encoding, Base64UrlRoundTrips) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "\xff\x00\x10"}) {
    std::string back;
    ASSERT_TRUE(base64url_decode(base64url(s), back));
    EXPECT_EQ(back, s);
  }
  std::string back;
  EXPECT_FALSE(base64url_decode("a+b/", back));
}

TEST(Encoding, CookieValue) {
  EXPECT_EQ(cookie_value("a=1; fw_session=xyz; b=2", "fw_session"), "xyz");
  EXPECT_EQ(cookie_value("fw_session_other=1", "fw_session"), "");
  EXPECT_EQ(cookie_value("", "fw_session"), "");
}

}  // namespace
}  // namespace freshwatch::http
