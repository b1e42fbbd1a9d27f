// UTF-8 well-formedness, the one reading behind every text freshwatch writes for others to parse
// (JSON through core/json.h, the Atom feed's XML): a sequence is well-formed per the Unicode
// Standard's table 3-7; anything else is replaced by U+FFFD, one per maximal ill-formed subpart
// (the Unicode Standard's recommended practice, as the WHATWG decoder does).
//
// Thread contract: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace freshwatch::core {

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

struct Utf8Sequence {
  std::size_t length = 1;  // bytes of the sequence, or of its maximal ill-formed subpart
  bool valid = false;
};

// The UTF-8 sequence that starts with the byte s[i] >= 0x80.
Utf8Sequence utf8_sequence(std::string_view s, std::size_t i);

}  // namespace freshwatch::core
