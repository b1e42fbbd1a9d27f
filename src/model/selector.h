// Selector: picks assets, for policies (`select:` in the configuration) and for the CLI's
// `--select`. Forms:
//   "warehouse:analytics.finance.*"   a glob over asset keys (* any run of characters, ? one)
//   "key:warehouse:analytics.*"       the same, explicitly
//   "tag:daily"                       assets with this tag
//   "owner:data-eng"                  assets with this owner
//   "connection:warehouse"            assets reported by this connection
//   "kind:model"                      assets of this kind
// When several policies select an asset, the most specific wins: an exact key, then a key glob
// (more literal characters first), then tag, owner, kind, connection; ties go to the one
// declared first.
//
// Thread contract: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "model/asset.h"

namespace freshwatch::model {

struct Selector {
  enum class Kind { kKeyGlob, kTag, kOwner, kConnection, kAssetKind };
  Kind kind = Kind::kKeyGlob;
  std::string pattern;
  std::string text;  // as written, for messages

  bool operator==(const Selector&) const = default;
};

Result<Selector> parse_selector(std::string_view text);

bool matches(const Selector& selector, const Asset& asset);

// Larger is more specific. Comparable across selector kinds.
int specificity(const Selector& selector);

// Shell-style glob: '*' matches any run of characters (dots included), '?' exactly one.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace freshwatch::model
