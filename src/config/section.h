// The seam between the configuration loader and the components that own their keys.
//
// A connection type (a connector) declares its keys once as KeySpecs and reads them from a
// Section into its own typed options struct; the loader owns YAML, substitution of ${...},
// file:line:column diagnostics, "did you mean" hints and required keys, so every type reports
// problems the same way. docs/configuration.md's per-type key tables are rendered from the
// KeySpecs (config/docs.h), and a test checks they match.
//
// Thread contract: a Section lives only during one load on one thread. The registry of
// connection types is written once at start-up (connectors::register_all()) and read-only after.
#pragma once

#include <any>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/clock.h"

namespace freshwatch::config {

// One key of a mapping, as documented: docs/configuration.md shows
//   | `name` | type[, required][, secret] | default | help |
// `type`, `default_value` and `help` are Markdown; `example` is a YAML value.
struct KeySpec {
  std::string_view name;
  std::string_view type;
  bool required = false;
  bool secret = false;  // shown redacted in every message
  std::string_view default_value;
  std::string_view help;
  std::string_view example;
};

// A scalar after substitution; `shown` is what a message may print (the text as written when it
// held a ${...} reference, redacted when the key is secret).
struct Scalar {
  std::string value;
  std::string shown;
};

template <typename E>
struct Choice {
  std::string_view name;
  E value;
};

// A mapping being read (a connection, or an item of a list inside it). Every getter returns
// nothing when the key is absent or its value is invalid; an invalid value has then been
// reported at its line and column. Unknown and duplicate keys were reported before the owner
// sees the Section.
class Section {
 public:
  struct Impl;
  explicit Section(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

  // "connection 'warehouse'", or "a postgres connection" before it has a name.
  const std::string& label() const;
  // Where the mapping starts.
  Location location() const;
  // Present with a value (an empty value counts as absent).
  bool has(std::string_view key) const;
  // A "did you mean" offered this key for a misspelt one, so its absence needs no second report.
  bool suggested(std::string_view key) const;

  std::optional<Scalar> scalar(std::string_view key);
  std::optional<std::string> string(std::string_view key, bool allow_empty = false);
  // A path, made absolute relative to the configuration file's folder.
  std::optional<std::string> path(std::string_view key);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
  std::optional<bool> boolean(std::string_view key);
  std::optional<core::Duration> duration(std::string_view key, bool allow_zero = false);
  std::optional<std::string> zone(std::string_view key);
  std::optional<std::string> choice(std::string_view key, std::span<const std::string_view> names);
  template <typename E>
  std::optional<E> choice(std::string_view key, std::initializer_list<Choice<E>> choices) {
    std::vector<std::string_view> names;
    for (const auto& c : choices) names.push_back(c.name);
    auto name = choice(key, names);
    if (!name) return std::nullopt;
    for (const auto& c : choices)
      if (c.name == *name) return c.value;
    return std::nullopt;
  }
  // A list of strings ("globs", each "a glob"); `example` is shown in hints.
  std::optional<std::vector<std::string>> strings(std::string_view key, std::string_view items,
                                                  std::string_view item, std::string_view example);
  // A mapping of names to strings ({sales: sales.db}); `value_is_path` resolves the values.
  std::optional<std::map<std::string, std::string>> names(std::string_view key,
                                                          std::string_view example,
                                                          bool value_is_path = false);
  // A list of mappings, each read with `keys` (unknown keys reported, required ones checked);
  // `what` names one item in messages ("a table").
  std::vector<Section> items(std::string_view key, std::span<const KeySpec> keys,
                             std::string_view what, std::string_view required_hint);

  // Reports a problem at the key's value (or the mapping when `key` is absent).
  void problem(std::string_view key, std::string message, std::string hint = {});
  void problem(std::string message, std::string hint = {});

  // The top-level defaults a connection inherits.
  const std::string& naive_timezone() const;

 private:
  std::shared_ptr<Impl> impl_;
};

// A type of connection as the loader sees it. `parse` reads the type's own keys (the common
// ones, name to tags, are read by the loader) into its options, held in ConnectionConfig.
struct ConnectionType {
  std::string name;                  // `type:` as written: postgres
  std::vector<std::string> aliases;  // mariadb for mysql
  std::string title;                 // heading in docs: "PostgreSQL"
  std::vector<KeySpec> keys;         // beyond the common ones
  std::string required_hint;         // shown when a required key is missing
  std::function<std::any(Section&)> parse;
  bool test_only = false;            // registered only in test binaries; not documented
};

// The registry of connection types; find() accepts names and aliases.
void register_connection_type(ConnectionType type);
const ConnectionType* find_connection_type(std::string_view name);
// Sorted by name; test-only types are left out unless asked for.
std::vector<const ConnectionType*> connection_types(bool with_test_only = true);

// The keys every connection takes.
std::span<const KeySpec> common_connection_keys();

// The Markdown table docs/configuration.md shows for `keys`:
//   | Key | Type | Default | Meaning |
std::string key_table(std::span<const KeySpec> keys);

}  // namespace freshwatch::config
