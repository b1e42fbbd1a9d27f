// Authentication and authorisation of the private status page.
//
// - Users sign in with a password hashed with argon2id (libsodium's crypto_pwhash_str format).
// - A sign-in creates a session: a random 32-byte id sent to the browser as the cookie
//   `fw_session` (HttpOnly, SameSite=Strict, Path=/, Secure when served over TLS); the store
//   keeps only its SHA-256.
// - API tokens are "fw_" followed by 32 random bytes in base64url; the store keeps only their
//   SHA-256. They are sent as `Authorization: Bearer fw_...`.
// Every request resolves to an optional Principal; authorize() is the one place that decides
// what a principal may do (roles and single sign-on plug in there and in authenticate()).
//
// Thread contract: Authenticator is thread-safe; it keeps a short-lived in-memory cache of
// recent credentials so a request does not touch the store on the hot path. Sign-out removes
// the session from the cache at once.
#pragma once

#include <array>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace freshwatch::http {

inline constexpr std::string_view kSessionCookie = "fw_session";
inline constexpr std::string_view kTokenPrefix = "fw_";

// argon2id work factors. kInteractive is libsodium's recommendation for logins; kMinimal is for
// tests only.
enum class PasswordCost { kInteractive, kModerate, kMinimal };

Result<std::string> hash_password(std::string_view password,
                                  PasswordCost cost = PasswordCost::kInteractive);
bool verify_password(std::string_view hash, std::string_view password);

// SHA-256 of `data`, lower-case hex.
std::string sha256_hex(std::string_view data);
// `bytes` random bytes from the system's CSPRNG (randombytes_buf).
std::string random_bytes(std::size_t bytes);

// Adds user `name` with `password`, or sets a new password when the user exists.
Result<void> add_user(store::Store& store, std::string_view name, std::string_view password,
                      PasswordCost cost = PasswordCost::kInteractive);

// Creates an API token called `name`; returns the token, which is shown only this once.
Result<std::string> create_token(store::Store& store, std::string_view name);
Result<std::string> create_token(store::Store& store, std::string_view name,
                                 const core::Clock& clock);

enum class AuthMethod { kSession, kToken };

struct Principal {
  std::string name;           // user name, or the token's name
  std::string role = "admin";
  AuthMethod method = AuthMethod::kSession;
};

// What a request wants to do: read, or act on incidents (acknowledge, snooze). Every
// authenticated principal may do both today; roles will narrow this in authorize().
enum class Permission { kRead, kWrite };

bool authorize(const Principal& principal, Permission permission);

struct NewSession {
  std::string cookie_value;  // the raw id, base64url; never stored
  core::TimePoint expires_at{};
};

class Authenticator {
 public:
  Authenticator(store::Store& store, const core::Clock& clock, core::Duration session_ttl);

  // Resolves the credentials of a request: a Bearer token takes precedence over the cookie.
  // Store errors count as "not authenticated" and are logged.
  std::optional<Principal> authenticate(std::string_view cookie_header,
                                        std::string_view authorization);

  // Checks the password and creates a session. kPermissionDenied on bad credentials (the same
  // message whether the user exists or not).
  Result<NewSession> sign_in(std::string_view username, std::string_view password);
  // Ends the session named by the cookie header, if any.
  void sign_out(std::string_view cookie_header);

  core::Duration session_ttl() const { return session_ttl_; }

 private:
  struct CacheEntry {
    Principal principal;
    core::TimePoint valid_until{};  // min(cache expiry, session expiry)
  };
  // What the cache is keyed by: the kind of credential ('t' token, 's' session) and the
  // SHA-256 of its value, as bytes (no hex string is made on the hot path).
  struct CacheKey {
    std::array<unsigned char, 33> bytes{};
    bool operator==(const CacheKey&) const = default;
  };
  struct CacheKeyHash {
    std::size_t operator()(const CacheKey& k) const {
      std::size_t h;  // the digest is uniformly distributed: its first bytes are a hash
      std::memcpy(&h, k.bytes.data() + 1, sizeof h);
      return h ^ k.bytes[0];
    }
  };
  static CacheKey cache_key(char kind, std::string_view credential);

  std::optional<Principal> cached(const CacheKey& key);
  void remember(const CacheKey& key, const Principal& principal, core::TimePoint until);

  store::Store& store_;
  const core::Clock& clock_;
  core::Duration session_ttl_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // verified against when the user is unknown, to even out timing

  std::mutex mutex_;
  std::unordered_map<CacheKey, CacheEntry, CacheKeyHash> cache_;  // GUARDED_BY(mutex_)
};

}  // namespace freshwatch::http
