#include "core/json.h"

namespace freshwatch::core {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

struct Utf8Sequence {
  std::size_t length = 1;  // bytes of the sequence, or of its maximal ill-formed subpart
  bool valid = false;
};

// The UTF-8 sequence that starts with the byte s[i] >= 0x80 (Unicode table 3-7).
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

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t copied = 0;  // text[copied, i) is appended unchanged when the run ends
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const auto sequence = utf8_sequence(text, i);
      if (!sequence.valid) {
        out.append(text, copied, i - copied);
        out.append(kReplacement);
        copied = i + sequence.length;
      }
      i += sequence.length;
      continue;
    }
    out.append(text, copied, i - copied);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default: {
        const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out.append(escaped, sizeof escaped);
      }
    }
    copied = ++i;
  }
  out.append(text, copied, text.size() - copied);
  out.push_back('"');
}

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_string(out, text);
  return out;
}

}  // namespace freshwatch::core
