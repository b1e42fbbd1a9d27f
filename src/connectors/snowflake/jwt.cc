#include "core/json.h"
#include "connectors/snowflake/jwt.h"

#include <cstring>
#include <fstream>
#include <vector>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fmt/format.h>

#include "connectors/snowflake/account.h"

namespace freshwatch::connectors::snowflake {
namespace {

struct Passphrase {
  std::string_view text;
  bool asked = false;
};

int passphrase_callback(char* buf, int size, int /*rwflag*/, void* user) {
  auto* p = static_cast<Passphrase*>(user);
  p->asked = true;
  if (p->text.empty() || static_cast<int>(p->text.size()) > size) return -1;
  std::memcpy(buf, p->text.data(), p->text.size());
  return static_cast<int>(p->text.size());
}

std::string openssl_reason() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown reason";
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : "unknown reason";
}

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                          static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

using core::json_string;

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string s = base64(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return s;
}

std::string base64url_decode(std::string_view text) {
  std::string s(text);
  for (char& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  while (s.size() % 4) s += '=';
  std::string out(s.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  if (n < 0) return {};
  std::size_t pad = 0;
  for (std::size_t i = s.size(); i > 0 && s[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

Result<PrivateKey> load_private_key(std::string_view pem, std::string_view passphrase) {
  ERR_clear_error();
  if (pem.find("-----BEGIN") == std::string_view::npos)
    return fail(ErrorCode::kInvalidArgument,
                "the private key file is not PEM (no -----BEGIN line); make it with openssl "
                "genrsa 2048 | openssl pkcs8 -topk8 -v2 aes-256-cbc -out rsa_key.p8");
  const bool encrypted = pem.find("ENCRYPTED") != std::string_view::npos;
  if (encrypted && passphrase.empty())
    return fail(ErrorCode::kInvalidArgument,
                "the private key is encrypted; set private_key_passphrase (from ${ENV} or "
                "${file:...})");
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                &BIO_free);
  if (!bio) return fail(ErrorCode::kInternal, "out of memory reading the private key");
  Passphrase p{passphrase};
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, &passphrase_callback, &p);
  if (!raw) {
    std::string reason = openssl_reason();
    if (encrypted)
      return fail(ErrorCode::kInvalidArgument,
                  "could not decrypt the private key ({}); is private_key_passphrase right?",
                  reason);
    return fail(ErrorCode::kInvalidArgument, "could not read the private key: {}", reason);
  }
  PrivateKey key(raw, &EVP_PKEY_free);
  if (EVP_PKEY_get_base_id(raw) != EVP_PKEY_RSA)
    return fail(ErrorCode::kInvalidArgument,
                "the private key is not an RSA key; Snowflake key-pair authentication needs RSA "
                "(2048 bits or more)");
  return key;
}

Result<PrivateKey> load_private_key_file(const std::string& path, std::string_view passphrase) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(ErrorCode::kInvalidArgument, "cannot read private_key_file {}: {}", path,
                std::strerror(errno));
  std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto key = load_private_key(pem, passphrase);
  if (!key) return std::unexpected(key.error().with_context(fmt::format("private_key_file {}", path)));
  return key;
}

std::string public_key_fingerprint(const PrivateKey& key) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key.get(), &der);
  if (len <= 0) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  EVP_Digest(der, static_cast<std::size_t>(len), digest, &digest_len, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  return "SHA256:" + base64(digest, digest_len);
}

Result<std::string> build_jwt(const PrivateKey& key, const JwtClaims& claims) {
  if (claims.lifetime <= std::chrono::seconds(0) || claims.lifetime > std::chrono::hours(1))
    return fail(ErrorCode::kInvalidArgument, "a Snowflake JWT lives at most one hour");
  const std::string fingerprint = public_key_fingerprint(key);
  if (fingerprint.empty()) return fail(ErrorCode::kInternal, "could not encode the public key");
  const std::string subject = claims.account + "." + jwt_user(claims.user);
  const auto iat = std::chrono::floor<std::chrono::seconds>(claims.issued_at).time_since_epoch().count();
  const auto exp = iat + claims.lifetime.count();
  const std::string header = R"({"alg":"RS256","typ":"JWT"})";
  const std::string payload =
      fmt::format(R"({{"iss":{},"sub":{},"iat":{},"exp":{}}})",
                  json_string(subject + "." + fingerprint), json_string(subject), iat, exp);
  const std::string signing_input = base64url_encode(header) + "." + base64url_encode(payload);

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::size_t sig_len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &sig_len,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1)
    return fail(ErrorCode::kInternal, "could not sign the JWT: {}", openssl_reason());
  std::string signature(sig_len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &sig_len,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1)
    return fail(ErrorCode::kInternal, "could not sign the JWT: {}", openssl_reason());
  signature.resize(sig_len);
  return signing_input + "." + base64url_encode(signature);
}

}  // namespace freshwatch::connectors::snowflake
