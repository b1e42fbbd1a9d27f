// JSON string literals: the one escaper behind every JSON text freshwatch writes (HTTP bodies
// through http::JsonWriter, the CLI's reports, the store's tag arrays, request bodies and token
// claims of the connectors).
//
// The output is valid JSON (RFC 8259) whatever the input bytes, which may come from a
// warehouse's table names or a driver's error messages:
//   - '"', '\' and the control characters U+0000..U+001F are escaped (\n, \t, ..., \u00XX);
//   - well-formed UTF-8 (the Unicode Standard's table 3-7) passes through unchanged;
//   - anything else (a stray continuation byte, a lead byte that is never valid: C0, C1,
//     F5..FF, an overlong form, an encoded surrogate, a code point above U+10FFFF, a sequence
//     cut short) is replaced by U+FFFD, one per maximal ill-formed subpart (the Unicode
//     Standard's recommended practice, as the WHATWG decoder does).
//
// Thread contract: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace freshwatch::core {

// Appends `text` to `out` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

// `text` as a JSON string literal, quotes included.
std::string json_string(std::string_view text);

}  // namespace freshwatch::core
