#include "connectors/mysql/dsn.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace freshwatch::connectors::mysql {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MysqlDsn, ParsesEveryPart) {
  auto dsn = parse_dsn("mysql://reader:s3cret@db.example.com:3307/shop");
  ASSERT_TRUE(dsn) << dsn.error().message;
  EXPECT_EQ(dsn->user, "reader");
  EXPECT_EQ(dsn->password, "s3cret");
  EXPECT_EQ(dsn->host, "db.example.com");
  EXPECT_EQ(dsn->port, 3307u);
  EXPECT_EQ(dsn->database, "shop");
  EXPECT_EQ(dsn->ssl_mode, SslMode::kPreferred);  // TLS whenever the server offers it
}

TEST(MysqlDsn, AcceptsMariadbSchemeAndDefaults) {
  auto dsn = parse_dsn("MariaDB://reader@127.0.0.1");
  ASSERT_TRUE(dsn) << dsn.error().message;
  EXPECT_EQ(dsn->user, "reader");
  EXPECT_EQ(dsn->password, "");
  EXPECT_EQ(dsn->host, "127.0.0.1");
  EXPECT_EQ(dsn->port, 3306u);
  EXPECT_EQ(dsn->database, "");
  auto bare = parse_dsn("mysql://");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->host, "localhost");
}

TEST(MysqlDsn, PercentDecodesUserPasswordHostAndDatabase) {
  auto dsn = parse_dsn("mysql://us%40er:p%40ss%2Fw%3Ard%25@h%2Dost:1/my%20db");
  ASSERT_TRUE(dsn) << dsn.error().message;
  EXPECT_EQ(dsn->user, "us@er");
  EXPECT_EQ(dsn->password, "p@ss/w:rd%");
  EXPECT_EQ(dsn->host, "h-ost");
  EXPECT_EQ(dsn->database, "my db");
}

TEST(MysqlDsn, PasswordMayHoldAnUnescapedAt) {
  auto dsn = parse_dsn("mysql://u:a@b@host/db");
  ASSERT_TRUE(dsn) << dsn.error().message;
  EXPECT_EQ(dsn->password, "a@b");
  EXPECT_EQ(dsn->host, "host");
}

TEST(MysqlDsn, BracketedIpv6Host) {
  auto dsn = parse_dsn("mysql://u:p@[::1]:3310/db");
  ASSERT_TRUE(dsn) << dsn.error().message;
  EXPECT_EQ(dsn->host, "::1");
  EXPECT_EQ(dsn->port, 3310u);
  EXPECT_EQ(dsn->describe(), "u@[::1]:3310/db");
}

TEST(MysqlDsn, Parameters) {
  auto dsn = parse_dsn(
      "mysql://u:p@h/db?ssl-mode=VERIFY_IDENTITY&ssl-ca=%2Fetc%2Fca.pem&ssl_cert=c&ssl-key=k");
  ASSERT_TRUE(dsn) << dsn.error().message;
  EXPECT_EQ(dsn->ssl_mode, SslMode::kVerifyIdentity);
  EXPECT_EQ(dsn->ssl_ca, "/etc/ca.pem");
  EXPECT_EQ(dsn->ssl_cert, "c");
  EXPECT_EQ(dsn->ssl_key, "k");
  auto sock = parse_dsn("mysql://u@localhost/db?socket=%2Ftmp%2Fmy.sock");
  ASSERT_TRUE(sock);
  EXPECT_EQ(sock->socket, "/tmp/my.sock");
  EXPECT_EQ(sock->describe(), "u@/tmp/my.sock/db");
}

TEST(MysqlDsn, DescribeNeverShowsThePassword) {
  auto dsn = parse_dsn("mysql://u:hunter2@h:3306/db");
  ASSERT_TRUE(dsn);
  EXPECT_EQ(dsn->describe(), "u@h:3306/db");
}

struct BadDsn {
  const char* text;
  const char* message;
};

class MysqlDsnErrors : public ::testing::TestWithParam<BadDsn> {};

TEST_P(MysqlDsnErrors, SayWhatIsWrongWithoutThePassword) {
  auto dsn = parse_dsn(GetParam().text);
  ASSERT_FALSE(dsn);
  EXPECT_EQ(dsn.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(dsn.error().message, HasSubstr(GetParam().message));
  EXPECT_THAT(dsn.error().message, Not(HasSubstr("hunter2")));
}

INSTANTIATE_TEST_SUITE_P(
    All, MysqlDsnErrors,
    ::testing::Values(BadDsn{"u:hunter2@host/db", "no scheme"},
                      BadDsn{"postgres://u:hunter2@host/db", "not mysql:// or mariadb://"},
                      BadDsn{"mysql://u:hunter2@host:99999/db", "port '99999'"},
                      BadDsn{"mysql://u:hunter2@host:abc/db", "port 'abc'"},
                      BadDsn{"mysql://u:hunter2%zz@host/db", "password has a bad %-escape"},
                      BadDsn{"mysql://u:hunter2@host/db/extra", "more than one part"},
                      BadDsn{"mysql://u:hunter2@host/db?sslmode=maybe", "ssl-mode 'maybe'"},
                      BadDsn{"mysql://u:hunter2@host/db?colour=blue", "unknown dsn parameter 'colour'"},
                      BadDsn{"mysql://u:hunter2@host/db?ssl-mode=verify-ca", "need ssl-ca"},
                      BadDsn{"mysql://u:hunter2@[::1/db", "without ']'"}));

}  // namespace
}  // namespace freshwatch::connectors::mysql
