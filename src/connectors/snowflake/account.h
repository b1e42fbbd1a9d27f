// Snowflake account identifiers, in the forms Snowflake documents, and what the connector derives
// from them: the host of the SQL API and the account name that goes into a key-pair JWT.
//
//   myorg-myaccount                  organization and account name (the preferred form)
//   myorg-myaccount.privatelink      the same over private connectivity
//   xy12345                          a legacy account locator (AWS us-west-2)
//   xy12345.us-east-2.aws            a legacy locator with its region (and cloud)
//   xy12345.us-east-1.privatelink    a legacy locator over private connectivity
//   xy12345-abcdef.global            a global (replication) URL
// A full host ("myorg-myaccount.snowflakecomputing.com") or URL ("https://.../") is accepted
// too, and reduced to the identifier.
//
// Host: <identifier, lower case>.snowflakecomputing.com.
// JWT account: the identifier up to its first dot, upper-cased (so "MYORG-MYACCOUNT" and
// "XY12345"); for a .global identifier, up to its first hyphen. The org form keeps its hyphen.
// The dotted org form ("myorg.myaccount") that SQL commands use is not a connection identifier
// and would be read as a locator with a region; write it with a hyphen.
//
// Thread contract: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace freshwatch::connectors::snowflake {

struct Account {
  std::string identifier;   // "myorg-myaccount", "xy12345.us-east-2.aws" (lower case)
  std::string host;         // "myorg-myaccount.snowflakecomputing.com"
  std::string jwt_account;  // "MYORG-MYACCOUNT", "XY12345"
};

Result<Account> parse_account(std::string_view text);

// The name of a user as the JWT carries it (upper case).
std::string jwt_user(std::string_view user);

}  // namespace freshwatch::connectors::snowflake
