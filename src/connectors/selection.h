// What every warehouse connector (postgres, mysql, sqlite, snowflake) shares about choosing
// tables and how to read them: include/exclude globs, `tables:` overrides, `loaded_at_field`,
// `filter`, `mode`, `concurrency` and `naive_timezone`. Their keys are declared once here
// (selection_keys) and read once (parse_selection); every connector asks a Selection, so one
// rule decides, for every connector alike:
//
//   A table is read by query (max(loaded_at_field)) when a loaded_at_field applies to it: its
//   `tables:` entry's, else the connection's. `mode: metadata` sets the connection's aside
//   (written together they are a configuration error) but never a table's own; `mode: query`
//   reads every table by query, so a table without a field is an error on that table. Without
//   `mode` (and always for a system without a metadata signal, SQLite) each table follows its
//   field. The first `tables:` entry whose glob matches applies: its owner, filter and field
//   replace the connection's, its tags are added.
//
// Thread contract: plain values; a Selection is read-only after parsing and may be shared.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/section.h"

namespace freshwatch::connectors {

// The generic reading of `mode`; each connector keeps its own enum and maps onto this.
enum class ReadMode { kPerTable, kMetadata, kQuery };

struct TableOverride {
  std::string match;  // glob over the connector's qualified name (schema.table, DB.SCHEMA.TABLE)
  std::string loaded_at_field;
  std::string filter;
  std::string owner;
  std::vector<std::string> tags;
  config::Location location;
};

struct Selection {
  std::vector<std::string> include;  // empty: everything
  std::vector<std::string> exclude;
  std::string loaded_at_field;
  std::string filter;
  int concurrency = 4;
  std::string naive_timezone = "UTC";
  std::vector<TableOverride> tables;
  bool ignore_case = false;  // globs match without regard to case (Snowflake)

  // What one table gets.
  struct Table {
    const TableOverride* override = nullptr;
    std::string loaded_at_field;  // empty: the metadata signal (or, by query, an error)
    std::string filter;
    bool query = false;           // read by query
  };

  bool includes(std::string_view qualified) const;
  Table table(std::string_view qualified, ReadMode mode) const;
  // The connection's owner and tags with the table's override applied.
  void apply_override(const Table& table, std::string& owner, std::vector<std::string>& tags) const;
  bool matches(std::string_view glob, std::string_view text) const;
};

// Which of the shared keys a connector takes.
struct SelectionKeys {
  bool mode = true;         // `mode` with these values (first: the default's description)
  std::vector<std::string_view> modes = {"metadata", "query"};
  bool concurrency = true;
  // Keys documented differently by this connector (its own wording of `mode`), by name.
  std::vector<config::KeySpec> replace = {};
};

// The shared keys, for a connector's own key table, and the keys of one `tables:` item.
std::vector<config::KeySpec> selection_keys(const SelectionKeys& which);
std::span<const config::KeySpec> table_keys();

// Reads `dsn`, reporting an empty value and one that `accepts` refuses (with `hint`).
std::string read_dsn(config::Section& section, std::string_view type,
                     bool (*accepts)(std::string_view dsn), std::string_view hint);

// Reads the shared keys; `mode` is returned as written (empty when absent) for the connector to
// map onto its enum. Checks that mode and loaded_at_field agree.
Selection parse_selection(config::Section& section, const SelectionKeys& which,
                          std::string* mode = nullptr);

}  // namespace freshwatch::connectors
