#include "connectors/snowflake/jwt.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <simdjson.h>

namespace freshwatch::connectors::snowflake {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<EVP_PKEY> generate_rsa() {
  return std::shared_ptr<EVP_PKEY>(EVP_RSA_gen(2048), &EVP_PKEY_free);
}

std::string pkcs8_pem(EVP_PKEY* key, const char* passphrase = nullptr) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PKCS8PrivateKey(bio, key, passphrase ? EVP_aes_256_cbc() : nullptr, nullptr, 0,
                                nullptr, const_cast<char*>(passphrase));
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

std::string public_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

// Verifies an RS256 JWT with a public key given as PEM, as the server does.
bool verify_rs256(const std::string& jwt, const std::string& public_key_pem) {
  const auto last = jwt.rfind('.');
  const std::string input = jwt.substr(0, last);
  const std::string signature = base64url_decode(jwt.substr(last + 1));
  BIO* bio = BIO_new_mem_buf(public_key_pem.data(), static_cast<int>(public_key_pem.size()));
  EVP_PKEY* pub = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!pub) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pub) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pub);
  return ok;
}

class Jwt : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { key_ = generate_rsa(); }
  static void TearDownTestSuite() { key_.reset(); }
  static std::shared_ptr<EVP_PKEY> key_;
};
std::shared_ptr<EVP_PKEY> Jwt::key_;

TEST_F(Jwt, SignedTokenVerifiesWithThePublicKeyAndCarriesTheClaims) {
  auto key = load_private_key(pkcs8_pem(key_.get()), "");
  ASSERT_TRUE(key) << key.error().message;
  const core::TimePoint now = core::TimePoint(std::chrono::seconds(1'764'152'925));
  auto jwt = build_jwt(*key, JwtClaims{"MYORG-MYACCOUNT", "freshwatch", now, 59min});
  ASSERT_TRUE(jwt) << jwt.error().message;
  EXPECT_TRUE(verify_rs256(*jwt, public_pem(key_.get())));

  auto first = jwt->find('.');
  EXPECT_EQ(base64url_decode(jwt->substr(0, first)), R"({"alg":"RS256","typ":"JWT"})");
  const std::string payload = base64url_decode(jwt->substr(first + 1, jwt->rfind('.') - first - 1));
  simdjson::dom::parser parser;
  simdjson::dom::element claims = parser.parse(payload);
  const std::string fp = public_key_fingerprint(*key);
  EXPECT_EQ(std::string_view(claims["iss"]), "MYORG-MYACCOUNT.FRESHWATCH." + fp);
  EXPECT_EQ(std::string_view(claims["sub"]), "MYORG-MYACCOUNT.FRESHWATCH");
  EXPECT_EQ(int64_t(claims["iat"]), 1'764'152'925);
  EXPECT_EQ(int64_t(claims["exp"]), 1'764'152'925 + 59 * 60);

  // Tampering breaks the signature.
  std::string tampered = *jwt;
  tampered[first + 5] = tampered[first + 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_rs256(tampered, public_pem(key_.get())));
  // Another key does not verify it.
  auto other = generate_rsa();
  EXPECT_FALSE(verify_rs256(*jwt, public_pem(other.get())));
}

TEST_F(Jwt, FingerprintMatchesTheDocumentedOpensslCommand) {
  const auto dir = std::filesystem::temp_directory_path() / ("fw-jwt-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto pem = dir / "rsa_key.p8";
  std::ofstream(pem) << pkcs8_pem(key_.get());
  const std::string cmd = "openssl pkey -in " + pem.string() +
                          " -pubout -outform DER 2>/dev/null | openssl dgst -sha256 -binary | "
                          "openssl enc -base64";
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buf[256] = {};
  std::string out = fgets(buf, sizeof buf, pipe) ? buf : "";
  pclose(pipe);
  std::filesystem::remove_all(dir);
  if (out.empty()) GTEST_SKIP() << "the openssl command is not available";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  auto key = load_private_key(pkcs8_pem(key_.get()), "");
  ASSERT_TRUE(key);
  EXPECT_EQ(public_key_fingerprint(*key), "SHA256:" + out);
}

TEST_F(Jwt, EncryptedKeyNeedsTheRightPassphrase) {
  const std::string pem = pkcs8_pem(key_.get(), "correct horse");
  ASSERT_NE(pem.find("ENCRYPTED"), std::string::npos);
  auto ok = load_private_key(pem, "correct horse");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(public_key_fingerprint(*ok), public_key_fingerprint(*load_private_key(pkcs8_pem(key_.get()), "")));

  auto missing = load_private_key(pem, "");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("private_key_passphrase"), std::string::npos);

  auto wrong = load_private_key(pem, "hunter2-secret");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("passphrase"), std::string::npos);
  EXPECT_EQ(wrong.error().message.find("hunter2"), std::string::npos);
}

TEST_F(Jwt, RejectsWhatIsNotAnRsaPemKey) {
  EXPECT_FALSE(load_private_key("not a key", ""));
  EXPECT_FALSE(load_private_key("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", ""));
  std::shared_ptr<EVP_PKEY> ec(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  auto e = load_private_key(pkcs8_pem(ec.get()), "");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("RSA"), std::string::npos);
  EXPECT_FALSE(load_private_key_file("/nonexistent/rsa_key.p8", ""));
}

TEST_F(Jwt, LifetimeIsAtMostAnHour) {
  auto key = load_private_key(pkcs8_pem(key_.get()), "");
  ASSERT_TRUE(key);
  EXPECT_FALSE(build_jwt(*key, JwtClaims{"A", "U", core::TimePoint{}, 61min}));
  EXPECT_TRUE(build_jwt(*key, JwtClaims{"A", "U", core::TimePoint{}, 60min}));
}

TEST(Base64Url, RoundTrips) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "\xff\xfe\xfd"}) EXPECT_EQ(base64url_decode(base64url_encode(s)), s);
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

}  // namespace
}  // namespace freshwatch::connectors::snowflake
