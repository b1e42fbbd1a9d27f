#include "http/auth.h"

#include <sodium.h>

#include <stdexcept>

#include "core/log.h"
#include "http/encoding.h"

namespace freshwatch::http {
namespace {

// Cached credentials are re-read from the store after this long (a revoked token stops
// working within this time; a signed-out session stops at once).
constexpr core::Duration kCacheTtl = std::chrono::seconds(30);
constexpr std::size_t kMaxCacheEntries = 10'000;

void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium could not be initialised");
}

const core::SystemClock& system_clock() {
  static const core::SystemClock clock;
  return clock;
}

}  // namespace

Result<std::string> hash_password(std::string_view password, PasswordCost cost) {
  ensure_sodium();
  unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  std::size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (cost == PasswordCost::kModerate) {
    ops = crypto_pwhash_OPSLIMIT_MODERATE;
    mem = crypto_pwhash_MEMLIMIT_MODERATE;
  } else if (cost == PasswordCost::kMinimal) {
    ops = crypto_pwhash_OPSLIMIT_MIN;
    mem = crypto_pwhash_MEMLIMIT_MIN;
  }
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return fail(ErrorCode::kInternal, "hashing the password failed: out of memory");
  return std::string(out);
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium();
  std::string h(hash);  // crypto_pwhash_str_verify wants a NUL-terminated string
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

std::string sha256_hex(std::string_view data) {
  ensure_sodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

Authenticator::CacheKey Authenticator::cache_key(char kind, std::string_view credential) {
  static_assert(sizeof(CacheKey::bytes) == 1 + crypto_hash_sha256_BYTES);
  ensure_sodium();
  CacheKey key;
  key.bytes[0] = static_cast<unsigned char>(kind);
  crypto_hash_sha256(key.bytes.data() + 1, reinterpret_cast<const unsigned char*>(credential.data()),
                     credential.size());
  return key;
}

namespace {

// The digest in a cache key as the store keeps it (lower-case hex).
std::string stored_hash(const auto& key) {
  return hex(std::string_view(reinterpret_cast<const char*>(key.bytes.data() + 1),
                              key.bytes.size() - 1));
}

}  // namespace

std::string random_bytes(std::size_t bytes) {
  ensure_sodium();
  std::string out(bytes, '\0');
  randombytes_buf(out.data(), out.size());
  return out;
}

Result<void> add_user(store::Store& store, std::string_view name, std::string_view password,
                      PasswordCost cost) {
  if (name.empty()) return fail(ErrorCode::kInvalidArgument, "a user name must not be empty");
  if (name.size() > 200) return fail(ErrorCode::kInvalidArgument, "a user name must be at most 200 characters");
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x20)
      return fail(ErrorCode::kInvalidArgument, "a user name must not contain control characters");
  if (password.empty()) return fail(ErrorCode::kInvalidArgument, "the password must not be empty");
  auto hash = hash_password(password, cost);
  if (!hash) return std::unexpected(hash.error());
  store::User user;
  user.name = std::string(name);
  user.password_hash = std::move(*hash);
  if (auto existing = store.find_user(name); existing && *existing) user.role = (*existing)->role;
  auto saved = store.put_user(user);
  if (!saved) return std::unexpected(saved.error().with_context("saving the user"));
  return {};
}

Result<std::string> create_token(store::Store& store, std::string_view name) {
  return create_token(store, name, system_clock());
}

Result<std::string> create_token(store::Store& store, std::string_view name,
                                 const core::Clock& clock) {
  if (name.empty()) return fail(ErrorCode::kInvalidArgument, "a token needs a name (--name)");
  std::string token = std::string(kTokenPrefix) + base64url(random_bytes(32));
  store::ApiToken record;
  record.name = std::string(name);
  record.token_hash = sha256_hex(token);
  record.created_at = clock.now();
  auto saved = store.put_token(record);
  if (!saved) return std::unexpected(saved.error().with_context("saving the token"));
  return token;
}

bool authorize(const Principal& principal, Permission permission) {
  switch (permission) {
    case Permission::kRead:
    case Permission::kWrite: return !principal.name.empty();
  }
  return false;
}

Authenticator::Authenticator(store::Store& store, const core::Clock& clock,
                             core::Duration session_ttl)
    : store_(store), clock_(clock), session_ttl_(session_ttl) {}

std::optional<Principal> Authenticator::cached(const CacheKey& key) {
  std::lock_guard lock(mutex_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return std::nullopt;
  if (it->second.valid_until <= clock_.now()) {
    cache_.erase(it);
    return std::nullopt;
  }
  return it->second.principal;
}

void Authenticator::remember(const CacheKey& key, const Principal& principal,
                             core::TimePoint until) {
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();
  cache_[key] = CacheEntry{principal, std::min(until, clock_.now() + kCacheTtl)};
}

std::optional<Principal> Authenticator::authenticate(std::string_view cookie_header,
                                                     std::string_view authorization) {
  if (authorization.size() > 7 &&
      (authorization.starts_with("Bearer ") || authorization.starts_with("bearer "))) {
    std::string_view token = authorization.substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (!token.starts_with(kTokenPrefix) || token.size() > 200) return std::nullopt;
    const CacheKey key = cache_key('t', token);
    if (auto p = cached(key)) return p;
    auto found = store_.find_token(stored_hash(key));
    if (!found) {
      spdlog::warn("checking an API token failed: {}", found.error().message);
      return std::nullopt;
    }
    if (!*found) return std::nullopt;
    Principal p{(*found)->name, "admin", AuthMethod::kToken};
    remember(key, p, core::TimePoint::max());
    return p;
  }
  std::string_view id = cookie_value(cookie_header, kSessionCookie);
  if (id.empty() || id.size() > 200) return std::nullopt;
  const CacheKey key = cache_key('s', id);
  if (auto p = cached(key)) return p;
  auto found = store_.find_session(stored_hash(key));
  if (!found) {
    spdlog::warn("checking a session failed: {}", found.error().message);
    return std::nullopt;
  }
  if (!*found || (*found)->expires_at <= clock_.now()) return std::nullopt;
  Principal p{(*found)->user, "admin", AuthMethod::kSession};
  if (auto user = store_.find_user(p.name); user && *user) {
    p.role = (*user)->role;
  } else if (user) {
    return std::nullopt;  // the user was removed
  }
  remember(key, p, (*found)->expires_at);
  return p;
}

Result<NewSession> Authenticator::sign_in(std::string_view username, std::string_view password) {
  auto user = store_.find_user(username);
  if (!user) return std::unexpected(user.error().with_context("looking up the user"));
  bool ok = false;
  if (*user) {
    ok = verify_password((*user)->password_hash, password);
  } else {
    std::call_once(dummy_once_, [this] {
      auto dummy = hash_password("freshwatch-dummy-password", PasswordCost::kInteractive);
      if (dummy) dummy_hash_ = std::move(*dummy);
    });
    if (!dummy_hash_.empty()) verify_password(dummy_hash_, password);
  }
  if (!ok) return fail(ErrorCode::kPermissionDenied, "unknown user or wrong password");
  NewSession session;
  session.cookie_value = base64url(random_bytes(32));
  session.expires_at = clock_.now() + session_ttl_;
  store::Session record{sha256_hex(session.cookie_value), std::string(username),
                        session.expires_at};
  auto saved = store_.put_session(record);
  if (!saved) return std::unexpected(saved.error().with_context("saving the session"));
  return session;
}

void Authenticator::sign_out(std::string_view cookie_header) {
  std::string_view id = cookie_value(cookie_header, kSessionCookie);
  if (id.empty()) return;
  const CacheKey key = cache_key('s', id);
  {
    std::lock_guard lock(mutex_);
    cache_.erase(key);
  }
  if (auto r = store_.delete_session(stored_hash(key)); !r)
    spdlog::warn("ending a session failed: {}", r.error().message);
}

}  // namespace freshwatch::http
