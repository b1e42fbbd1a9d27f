#include "connectors/snowflake/account.h"

#include <algorithm>
#include <cctype>

namespace freshwatch::connectors::snowflake {
namespace {

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

constexpr std::string_view kDomain = ".snowflakecomputing.com";

}  // namespace

Result<Account> parse_account(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  const std::string original(s);
  if (s.starts_with("https://")) s.remove_prefix(8);
  else if (s.starts_with("http://")) s.remove_prefix(7);
  if (auto slash = s.find('/'); slash != std::string_view::npos) s = s.substr(0, slash);
  std::string lowered = to_lower(s);
  std::string_view id = lowered;
  if (id.ends_with(kDomain)) id.remove_suffix(kDomain.size());
  if (id.empty())
    return fail(ErrorCode::kInvalidArgument,
                "account is empty; write the account identifier, such as myorg-myaccount or "
                "xy12345.us-east-2.aws");
  const bool chars_ok = std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (!chars_ok || !std::isalpha(static_cast<unsigned char>(id.front())) || id.back() == '.' ||
      id.back() == '-' || id.find("..") != std::string_view::npos)
    return fail(ErrorCode::kInvalidArgument,
                "account '{}' is not a Snowflake account identifier; write myorg-myaccount "
                "(organization and account name) or a legacy locator such as "
                "xy12345.us-east-2.aws",
                original);
  Account a;
  a.identifier = std::string(id);
  a.host = a.identifier + std::string(kDomain);
  std::string_view jwt = id;
  if (id.ends_with(".global")) {
    jwt = id.substr(0, id.find('-'));
  } else if (auto dot = id.find('.'); dot != std::string_view::npos) {
    jwt = id.substr(0, dot);
  }
  a.jwt_account = to_upper(jwt);
  return a;
}

std::string jwt_user(std::string_view user) { return to_upper(user); }

}  // namespace freshwatch::connectors::snowflake
