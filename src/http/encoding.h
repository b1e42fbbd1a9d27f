// Byte-level helpers of the HTTP layer: gzip (zlib), strong ETags, percent-encoding and decoding,
// base64url, hex, and the parsing of Accept-Encoding and If-None-Match.
//
// Thread contract: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace freshwatch::http {

// gzip (RFC 1952) of `data` at the given zlib level.
std::string gzip(std::string_view data, int level = 6);
// Inflates a gzip stream (used by tests and clients); empty on error.
std::string gunzip(std::string_view data);

// A strong entity tag ("\"…\"") derived from the content (FNV-1a 64), with an optional suffix
// for another representation of the same content ("-gz").
std::string make_etag(std::string_view content, std::string_view suffix = "");

// True when If-None-Match (a list of tags, or "*") matches any of the given tags; weak
// comparison as RFC 9110 prescribes for If-None-Match.
bool etag_matches(std::string_view if_none_match, std::string_view etag,
                  std::string_view other_etag = "");

// True when Accept-Encoding allows gzip (present with a non-zero q, or "*").
bool accepts_gzip(std::string_view accept_encoding);

// Percent-decoding; `plus_is_space` for query strings. Returns false on a malformed escape.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space);


// Query string "a=1&b=x%20y" -> decoded pairs in order. Malformed escapes are kept literally.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

std::string base64url(std::string_view bytes);
// Empty optional-like result signalled by returning false.
bool base64url_decode(std::string_view text, std::string& out);

std::string hex(std::string_view bytes);

// The value of cookie `name` in a Cookie header, or empty.
std::string_view cookie_value(std::string_view cookie_header, std::string_view name);

}  // namespace freshwatch::http
