// JSON text helpers for the few places that write small JSON documents by hand (CLI reports,
// request bodies, token claims). The HTTP layer has its own streaming writer for large bodies.
//
// Thread contract: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace freshwatch::core {

// `text` as a JSON string literal, quotes included, with every control character escaped.
std::string json_string(std::string_view text);

}  // namespace freshwatch::core
