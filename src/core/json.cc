#include "core/json.h"

#include "core/utf8.h"

namespace freshwatch::core {
namespace {

constexpr char kHex[] = "0123456789abcdef";
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
        out.append(kReplacementCharacter);
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
