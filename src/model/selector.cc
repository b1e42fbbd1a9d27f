#include "model/selector.h"

#include <algorithm>

namespace freshwatch::model {
namespace {

struct Prefix {
  std::string_view text;
  Selector::Kind kind;
};
constexpr Prefix kPrefixes[] = {
    {"key:", Selector::Kind::kKeyGlob},       {"tag:", Selector::Kind::kTag},
    {"owner:", Selector::Kind::kOwner},       {"connection:", Selector::Kind::kConnection},
    {"kind:", Selector::Kind::kAssetKind},
};

}  // namespace

Result<Selector> parse_selector(std::string_view text) {
  if (text.empty())
    return fail(ErrorCode::kInvalidArgument,
                "empty selector; write a key glob such as 'warehouse:public.*' or tag:NAME, "
                "owner:NAME, connection:NAME, kind:KIND");
  Selector s{Selector::Kind::kKeyGlob, std::string(text), std::string(text)};
  for (const auto& p : kPrefixes) {
    if (text.starts_with(p.text)) {
      s.kind = p.kind;
      s.pattern = std::string(text.substr(p.text.size()));
      break;
    }
  }
  if (s.pattern.empty())
    return fail(ErrorCode::kInvalidArgument, "selector '{}' names nothing after the colon", text);
  if (s.kind == Selector::Kind::kAssetKind && !parse_asset_kind(s.pattern))
    return fail(ErrorCode::kInvalidArgument,
                "selector '{}': unknown kind '{}'; kinds are table, view, schema, database, "
                "source, model, seed, snapshot, exposure, dashboard, tile",
                text, s.pattern);
  return s;
}

bool matches(const Selector& selector, const Asset& asset) {
  switch (selector.kind) {
    case Selector::Kind::kKeyGlob:
      return glob_match(selector.pattern, asset.key);
    case Selector::Kind::kTag:
      return std::any_of(asset.tags.begin(), asset.tags.end(),
                         [&](const std::string& t) { return glob_match(selector.pattern, t); });
    case Selector::Kind::kOwner:
      return glob_match(selector.pattern, asset.owner);
    case Selector::Kind::kConnection:
      return glob_match(selector.pattern, asset.connection);
    case Selector::Kind::kAssetKind:
      return to_string(asset.kind) == selector.pattern;
  }
  return false;
}

int specificity(const Selector& selector) {
  switch (selector.kind) {
    case Selector::Kind::kKeyGlob: {
      const bool exact = selector.pattern.find_first_of("*?") == std::string::npos;
      const auto literal = std::count_if(selector.pattern.begin(), selector.pattern.end(),
                                         [](char c) { return c != '*' && c != '?'; });
      return exact ? 1'000'000 : 10'000 + static_cast<int>(literal);
    }
    case Selector::Kind::kTag: return 4000;
    case Selector::Kind::kOwner: return 3000;
    case Selector::Kind::kAssetKind: return 2000;
    case Selector::Kind::kConnection: return 1000;
  }
  return 0;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matcher with single-star backtracking: linear in practice, no recursion.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace freshwatch::model
