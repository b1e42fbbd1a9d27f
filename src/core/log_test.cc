#include "core/log.h"

#include <gtest/gtest.h>

namespace freshwatch::core {
namespace {

TEST(RedactDsn, HidesPasswordsInKeywordStringsAndUris) {
  EXPECT_EQ(redact_dsn("host=db user=app password=s3cret dbname=x"),
            "host=db user=app password=*** dbname=x");
  EXPECT_EQ(redact_dsn("host=db password = 'a b c' dbname=x"), "host=db password = *** dbname=x");
  EXPECT_EQ(redact_dsn("postgresql://app:s3cret@db:5432/x"), "postgresql://app:***@db:5432/x");
  EXPECT_EQ(redact_dsn("mysql://root@127.0.0.1/x"), "mysql://root@127.0.0.1/x");
}

struct RedactCase {
  std::string_view text;
  std::string_view redacted;
};

TEST(RedactSecrets, HidesCredentialsInUrlsHeadersAndBodies) {
  const RedactCase cases[] = {
      // Query parameters that carry secrets; the others stay readable.
      {"https://h/x?token=SECRET", "https://h/x?token=***"},
      {"https://h/x?a=1&access_token=SECRET&b=2", "https://h/x?a=1&access_token=***&b=2"},
      {"https://h/x?client_secret=SECRET#frag", "https://h/x?client_secret=***#frag"},
      {"https://h/x?key=SECRET&sig=SIG2&page=3", "https://h/x?key=***&sig=***&page=3"},
      {"https://h/x?api_key=SECRET", "https://h/x?api_key=***"},
      {"https://h/x?X-Amz-Signature=SECRET&X-Amz-Credential=C2",
       "https://h/x?X-Amz-Signature=***&X-Amz-Credential=***"},
      {"https://h/x?TOKEN=SECRET", "https://h/x?TOKEN=***"},
      {"https://h/api/v2/statements?requestId=0b1c&retry=true",
       "https://h/api/v2/statements?requestId=0b1c&retry=true"},
      {"GET https://h/runs/?job_definition_id=42&limit=1 failed",
       "GET https://h/runs/?job_definition_id=42&limit=1 failed"},
      // Userinfo of http(s) URLs, whole; a DSN keeps its user name.
      {"https://user:SECRET@h/x", "https://***@h/x"},
      {"http://SECRET@127.0.0.1:80/x", "http://***@127.0.0.1:80/x"},
      {"postgresql://app:SECRET@db/x", "postgresql://app:***@db/x"},
      // Headers.
      {"Authorization: Bearer SECRET", "Authorization: Bearer ***"},
      {"authorization: Token SECRET, then", "authorization: Token ***, then"},
      {"Authorization: SECRET", "Authorization: ***"},
      {"Proxy-Authorization: Basic U0VDUkVU", "Proxy-Authorization: Basic ***"},
      {"X-Snowflake-Authorization-Token-Type: KEYPAIR_JWT",
       "X-Snowflake-Authorization-Token-Type: KEYPAIR_JWT"},
      {"Cookie: session=SECRET; b=SECRET", "Cookie: ***"},
      {"X-Api-Key: SECRET", "X-Api-Key: ***"},
      {"sent Bearer eyJ.SECRET.x to h", "sent Bearer *** to h"},
      // JSON members, as an echoed error body may carry them.
      {R"({"access_token": "SECRET", "expires_in": 3600})",
       R"({"access_token": "***", "expires_in": 3600})"},
      {R"({"client_secret":"SECRET"})", R"({"client_secret":"***"})"},
      // What redact_dsn hides.
      {"host=db password=SECRET dbname=x", "host=db password=*** dbname=x"},
      // Nothing to hide.
      {"cannot reach dbt Cloud at https://cloud.getdbt.com: timeout",
       "cannot reach dbt Cloud at https://cloud.getdbt.com: timeout"},
  };
  for (const auto& c : cases) {
    const std::string out = redact_secrets(c.text);
    EXPECT_EQ(out, c.redacted) << c.text;
    EXPECT_EQ(out.find("SECRET"), std::string::npos) << c.text;
  }
}

}  // namespace
}  // namespace freshwatch::core
