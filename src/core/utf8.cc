#include "core/utf8.h"

namespace freshwatch::core {

Utf8Sequence utf8_sequence(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  std::size_t continuation = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    continuation = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    continuation = 2;
    if (lead == 0xE0) low = 0xA0;   // below: overlong
    if (lead == 0xED) high = 0x9F;  // above: UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    continuation = 3;
    if (lead == 0xF0) low = 0x90;   // below: overlong
    if (lead == 0xF4) high = 0x8F;  // above: beyond U+10FFFF
  } else {
    return {};  // a continuation byte on its own, C0, C1 or F5..FF
  }
  for (std::size_t n = 1; n <= continuation; ++n) {
    if (i + n >= s.size()) return {n, false};
    const auto byte = static_cast<unsigned char>(s[i + n]);
    if (byte < low || byte > high) return {n, false};
    low = 0x80;
    high = 0xBF;
  }
  return {continuation + 1, true};
}

}  // namespace freshwatch::core
