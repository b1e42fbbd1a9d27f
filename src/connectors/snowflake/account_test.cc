#include "connectors/snowflake/account.h"

#include <gtest/gtest.h>

namespace freshwatch::connectors::snowflake {
namespace {

struct Case {
  const char* input;
  const char* host;
  const char* jwt;
};

TEST(Account, DocumentedForms) {
  const Case cases[] = {
      {"myorg-myaccount", "myorg-myaccount.snowflakecomputing.com", "MYORG-MYACCOUNT"},
      {"MyOrg-My_Account", "myorg-my_account.snowflakecomputing.com", "MYORG-MY_ACCOUNT"},
      {"myorg-myaccount.privatelink", "myorg-myaccount.privatelink.snowflakecomputing.com", "MYORG-MYACCOUNT"},
      {"xy12345", "xy12345.snowflakecomputing.com", "XY12345"},
      {"xy12345.us-east-2.aws", "xy12345.us-east-2.aws.snowflakecomputing.com", "XY12345"},
      {"xy12345.us-east-1.privatelink", "xy12345.us-east-1.privatelink.snowflakecomputing.com", "XY12345"},
      {"xy12345-abcdef.global", "xy12345-abcdef.global.snowflakecomputing.com", "XY12345"},
      {"https://myorg-myaccount.snowflakecomputing.com/", "myorg-myaccount.snowflakecomputing.com", "MYORG-MYACCOUNT"},
      {" xy12345.eu-central-1.snowflakecomputing.com ", "xy12345.eu-central-1.snowflakecomputing.com", "XY12345"},
  };
  for (const auto& c : cases) {
    auto a = parse_account(c.input);
    ASSERT_TRUE(a) << c.input << ": " << a.error().message;
    EXPECT_EQ(a->host, c.host) << c.input;
    EXPECT_EQ(a->jwt_account, c.jwt) << c.input;
  }
}

TEST(Account, RejectsWhatIsNotAnIdentifier) {
  for (const char* bad : {"", "   ", "my org", "-abc", "abc.", "a..b", "acct;drop", "1abc"}) {
    auto a = parse_account(bad);
    EXPECT_FALSE(a) << bad;
    if (!a) {
      EXPECT_EQ(a.error().code, ErrorCode::kInvalidArgument);
    }
  }
}

TEST(Account, UserIsUpperCased) { EXPECT_EQ(jwt_user("freshwatch_svc"), "FRESHWATCH_SVC"); }

}  // namespace
}  // namespace freshwatch::connectors::snowflake
