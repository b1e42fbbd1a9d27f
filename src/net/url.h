// What net::HttpClient checks about a URL before it connects anywhere: that it is http(s), and
// that a request carrying credentials does not cross the network in plain text.
//
// Loopback hosts are 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) and `localhost`; plain http is
// allowed to them for local servers and test stand-ins.
//
// Thread contract: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace freshwatch::net {

struct UrlParts {
  std::string scheme;  // lower case: "http" or "https"
  std::string host;    // without IPv6 brackets
  bool has_userinfo = false;
};

// kInvalidArgument for a URL libcurl cannot read or whose scheme is not http or https; the
// message shows the URL redacted.
Result<UrlParts> parse_url(std::string_view url);

bool is_loopback_host(std::string_view host);

// `text` with every byte outside A-Z a-z 0-9 - . _ ~ written as %XX (RFC 3986 unreserved), for
// one path segment or query value (libcurl's curl_easy_escape).
std::string percent_encode(std::string_view text);

// kInvalidArgument ("refusing to send credentials over plain http to HOST; use https:// (plain
// http is allowed only to loopback addresses)") for a request that sends credentials over
// http:// to a host that is not loopback.
Result<void> check_credentials_transport(const UrlParts& url, bool sends_credentials);

}  // namespace freshwatch::net
