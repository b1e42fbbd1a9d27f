#include "http/auth.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"

namespace freshwatch::http {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<store::Store> sqlite_memory_store() {
  return store::open_sqlite({.path = ":memory:"}).value();
}

core::TimePoint at(const char*) {
  return std::chrono::time_point_cast<core::Duration>(date::sys_days(date::year(2026) / 11 / 26) +
                                                      std::chrono::hours(10));
}

TEST(Auth, PasswordsAreArgon2idAndVerify) {
  auto hash = hash_password("s3cret", PasswordCost::kMinimal);
  ASSERT_TRUE(hash) << hash.error().message;
  EXPECT_TRUE(hash->starts_with("$argon2id$"));
  EXPECT_TRUE(verify_password(*hash, "s3cret"));
  EXPECT_FALSE(verify_password(*hash, "S3cret"));
  EXPECT_FALSE(verify_password("garbage", "s3cret"));
}

TEST(Auth, Sha256Hex) {
  EXPECT_EQ(sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Auth, AddUserRejectsEmptyNamesAndPasswords) {
  auto store_ptr = sqlite_memory_store();
  store::Store& store = *store_ptr;
  EXPECT_FALSE(add_user(store, "", "x", PasswordCost::kMinimal));
  EXPECT_FALSE(add_user(store, "demo", "", PasswordCost::kMinimal));
  ASSERT_TRUE(add_user(store, "demo", "demo", PasswordCost::kMinimal));
  auto user = store.find_user("demo");
  ASSERT_TRUE(user && *user);
  EXPECT_NE((*user)->password_hash, "demo");
}

TEST(Auth, TokensAreStoredOnlyAsTheirHash) {
  auto store_ptr = sqlite_memory_store();
  store::Store& store = *store_ptr;
  core::FakeClock clock(at("now"));
  auto token = create_token(store, "ci", clock);
  ASSERT_TRUE(token);
  EXPECT_TRUE(token->starts_with("fw_"));
  EXPECT_GE(token->size(), 40u);
  auto tokens = store.list_tokens().value();
  ASSERT_EQ(tokens.size(), 1u);
  const auto* stored = &tokens[0];
  EXPECT_EQ(stored->token_hash, sha256_hex(*token));
  EXPECT_EQ(stored->token_hash.find(token->substr(3)), std::string::npos);
  EXPECT_NE(*token, *create_token(store, "ci", clock));
  EXPECT_FALSE(create_token(store, "", clock));
}

TEST(Auth, SessionsExpireAndEndOnSignOut) {
  auto store_ptr = sqlite_memory_store();
  store::Store& store = *store_ptr;
  core::FakeClock clock(at("now"));
  ASSERT_TRUE(add_user(store, "demo", "pw", PasswordCost::kMinimal));
  Authenticator auth(store, clock, 1h);
  EXPECT_FALSE(auth.sign_in("demo", "wrong"));
  EXPECT_FALSE(auth.sign_in("nobody", "pw"));
  auto session = auth.sign_in("demo", "pw");
  ASSERT_TRUE(session);
  std::string cookie = "fw_session=" + session->cookie_value;
  auto who = auth.authenticate(cookie, "");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->name, "demo");
  EXPECT_EQ(who->method, AuthMethod::kSession);
  EXPECT_TRUE(authorize(*who, Permission::kRead));

  clock.advance(61min);
  EXPECT_FALSE(auth.authenticate(cookie, "")) << "expired sessions must not authenticate";

  clock.set(at("now"));
  auto second = auth.sign_in("demo", "pw");
  std::string cookie2 = "fw_session=" + second->cookie_value;
  ASSERT_TRUE(auth.authenticate(cookie2, ""));
  auth.sign_out(cookie2);
  EXPECT_FALSE(auth.authenticate(cookie2, "")) << "sign-out must take effect at once";
}

TEST(Auth, BearerTokensAuthenticateAndAreCached) {
  auto store_ptr = sqlite_memory_store();
  store::Store& store = *store_ptr;
  core::FakeClock clock(at("now"));
  auto token = create_token(store, "ci", clock);
  Authenticator auth(store, clock, 1h);
  auto who = auth.authenticate("", "Bearer " + *token);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->name, "ci");
  EXPECT_EQ(who->method, AuthMethod::kToken);
  // Revoked in the store, the token still authenticates from the cache: the store is not read.
  ASSERT_TRUE(store.delete_token("ci").value());
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(auth.authenticate("", "Bearer " + *token))
        << "repeated requests must not read the store";
  clock.advance(31s);
  EXPECT_FALSE(auth.authenticate("", "Bearer " + *token)) << "the cache is short-lived";
  EXPECT_FALSE(auth.authenticate("", "Bearer fw_wrong"));
  EXPECT_FALSE(auth.authenticate("", "Bearer " + token->substr(3)));
  EXPECT_FALSE(auth.authenticate("", "Basic abc"));
}

}  // namespace
}  // namespace freshwatch::http
