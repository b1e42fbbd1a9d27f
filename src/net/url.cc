#include "net/url.h"

#include <arpa/inet.h>

#include <algorithm>
#include <memory>

#include <curl/curl.h>

#include "core/log.h"

namespace freshwatch::net {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A URL part, or empty when the URL has none.
std::string part(CURLU* url, CURLUPart which) {
  char* value = nullptr;
  if (curl_url_get(url, which, &value, 0) != CURLUE_OK || !value) return {};
  std::string out(value);
  curl_free(value);
  return out;
}

}  // namespace

Result<UrlParts> parse_url(std::string_view text) {
  std::unique_ptr<CURLU, void (*)(CURLU*)> url(curl_url(), &curl_url_cleanup);
  if (!url) return fail(ErrorCode::kInternal, "cannot parse URLs (curl_url)");
  const std::string copy(text);
  if (curl_url_set(url.get(), CURLUPART_URL, copy.c_str(), 0) != CURLUE_OK)
    return fail(ErrorCode::kInvalidArgument, "'{}' is not a valid URL", core::redact_secrets(text));
  UrlParts parts;
  parts.scheme = lower(part(url.get(), CURLUPART_SCHEME));
  if (parts.scheme != "http" && parts.scheme != "https")
    return fail(ErrorCode::kInvalidArgument, "'{}' is not an http:// or https:// URL",
                core::redact_secrets(text));
  parts.host = lower(part(url.get(), CURLUPART_HOST));
  if (parts.host.size() >= 2 && parts.host.front() == '[' && parts.host.back() == ']')
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  parts.has_userinfo =
      !part(url.get(), CURLUPART_USER).empty() || !part(url.get(), CURLUPART_PASSWORD).empty();
  return parts;
}

std::string percent_encode(std::string_view text) {
  if (text.empty()) return {};
  char* escaped = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
  if (!escaped) throw std::bad_alloc();
  std::string out(escaped);
  curl_free(escaped);
  return out;
}

bool is_loopback_host(std::string_view host) {
  std::string h = lower(host);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.ends_with('.')) h.pop_back();
  if (h == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  // Zone ids ("fe80::1%eth0") are never loopback.
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

Result<void> check_credentials_transport(const UrlParts& url, bool sends_credentials) {
  if (!sends_credentials || url.scheme != "http" || is_loopback_host(url.host)) return {};
  return fail(ErrorCode::kInvalidArgument,
              "refusing to send credentials over plain http to {}; use https:// (plain http is "
              "allowed only to loopback addresses)",
              url.host);
}

}  // namespace freshwatch::net
