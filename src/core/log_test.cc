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

}  // namespace
}  // namespace freshwatch::core
