// Key-pair authentication for the Snowflake SQL API: reading the user's RSA private key (PKCS#8
// PEM, unencrypted or encrypted with a passphrase; PKCS#1 "RSA PRIVATE KEY" too), the public
// key's fingerprint as Snowflake shows it (RSA_PUBLIC_KEY_FP), and the RS256 JWT each request
// carries:
//   header  {"alg":"RS256","typ":"JWT"}
//   payload {"iss":"<ACCOUNT>.<USER>.SHA256:<fingerprint>","sub":"<ACCOUNT>.<USER>",
//            "iat":<now>,"exp":<now + lifetime>}    (lifetime at most one hour)
// ACCOUNT is Account::jwt_account, USER upper-cased (see account.h).
//
// Errors never contain the passphrase or key material.
//
// Thread contract: a PrivateKey is immutable once loaded and may be shared between threads;
// the functions are pure apart from OpenSSL's own thread-safe state.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace freshwatch::connectors::snowflake {

using PrivateKey = std::shared_ptr<EVP_PKEY>;

// `pem` is the file's content; `passphrase` empty for an unencrypted key.
Result<PrivateKey> load_private_key(std::string_view pem, std::string_view passphrase);
Result<PrivateKey> load_private_key_file(const std::string& path, std::string_view passphrase);

// "SHA256:" + base64 of the SHA-256 of the DER-encoded public key (SubjectPublicKeyInfo).
std::string public_key_fingerprint(const PrivateKey& key);

struct JwtClaims {
  std::string account;  // Account::jwt_account
  std::string user;     // as configured; upper-cased here
  core::TimePoint issued_at{};
  std::chrono::seconds lifetime{std::chrono::minutes(59)};
};

Result<std::string> build_jwt(const PrivateKey& key, const JwtClaims& claims);

// URL-safe base64 without padding (RFC 7515), and its inverse (empty on bad input).
std::string base64url_encode(std::string_view bytes);
std::string base64url_decode(std::string_view text);

}  // namespace freshwatch::connectors::snowflake
