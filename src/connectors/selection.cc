#include "connectors/selection.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "model/selector.h"

namespace freshwatch::connectors {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

const config::KeySpec kTableKeys[] = {
    {"match", "glob", true, false, "", "`public.orders`, `finance.*`", "public.orders"},
    {"loaded_at_field", "string", false, false, "the connection's",
     "The load-time column of these tables", "created_at"},
    {"filter", "string", false, false, "the connection's", "SQL condition for these tables",
     "\"status <> 'draft'\""},
    {"owner", "string", false, false, "the connection's", "Owner of these tables", "sales"},
    {"tags", "list of strings", false, false, "none", "Tags for these tables", "[daily]"},
};

}  // namespace

bool Selection::matches(std::string_view glob, std::string_view text) const {
  if (!ignore_case) return model::glob_match(glob, text);
  return model::glob_match(upper(glob), upper(text));
}

bool Selection::includes(std::string_view qualified) const {
  auto any = [&](const std::vector<std::string>& globs) {
    return std::any_of(globs.begin(), globs.end(),
                       [&](const std::string& g) { return matches(g, qualified); });
  };
  return (include.empty() || any(include)) && !any(exclude);
}

Selection::Table Selection::table(std::string_view qualified, ReadMode mode) const {
  Table t;
  for (const auto& o : tables)
    if (matches(o.match, qualified)) {
      t.override = &o;
      break;
    }
  t.loaded_at_field = mode == ReadMode::kMetadata ? std::string() : loaded_at_field;
  t.filter = filter;
  if (t.override && !t.override->loaded_at_field.empty())
    t.loaded_at_field = t.override->loaded_at_field;
  if (t.override && !t.override->filter.empty()) t.filter = t.override->filter;
  t.query = mode == ReadMode::kQuery || !t.loaded_at_field.empty();
  return t;
}

void Selection::apply_override(const Table& table, std::string& owner,
                               std::vector<std::string>& tags) const {
  if (!table.override) return;
  if (!table.override->owner.empty()) owner = table.override->owner;
  for (const auto& tag : table.override->tags)
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
}

std::vector<config::KeySpec> selection_keys(const SelectionKeys& which) {
  std::vector<config::KeySpec> keys = {
      {"include", "list of globs", false, false, "everything",
       "Tables to watch, as globs over `schema.table`", "[\"public.*\"]"},
      {"exclude", "list of globs", false, false, "nothing",
       "Tables to leave out, even when included", "[\"public.tmp_*\"]"},
  };
  if (which.mode)
    keys.push_back(
        {"mode", "`metadata` or `query`", false, false,
         "per table: `query` for a table with a `loaded_at_field` (its own or the connection's), "
         "else `metadata`",
         "`metadata` reads every table's change signal from the catalog in one query and needs "
         "no timestamp column; `query` reads `max(loaded_at_field)` per table",
         "metadata"});
  keys.push_back({"loaded_at_field", "string", false, false, "none",
                  "Query mode: the column that holds each row's load time", "_loaded_at"});
  keys.push_back({"filter", "string", false, false, "none",
                  "Query mode: an SQL condition added as `WHERE` to every table's query",
                  "\"deleted_at IS NULL\""});
  if (which.concurrency)
    keys.push_back({"concurrency", "whole number, 1 to 256", false, false, "`4`",
                    "Query mode: tables read at once", "4"});
  keys.push_back({"naive_timezone", "time zone", false, false, "the top-level `naive_timezone`",
                  "How this server's timestamps without an offset are read", "UTC"});
  keys.push_back({"tables", "list", false, false, "none",
                  "Per-table settings, see [`tables`](#tables)", "[{match: public.orders}]"});
  for (auto& k : keys)
    for (const auto& r : which.replace)
      if (k.name == r.name) k = r;
  return keys;
}

std::string read_dsn(config::Section& s, std::string_view type,
                     bool (*accepts)(std::string_view dsn), std::string_view hint) {
  auto dsn = s.scalar("dsn");
  if (!dsn) return {};
  if (dsn->value.empty())
    s.problem("dsn", "dsn: empty value",
              dsn->shown.empty() ? "give a connection string"
                                 : fmt::format("{} expanded to nothing", dsn->shown));
  else if (!accepts(dsn->value))
    s.problem("dsn", fmt::format("dsn: '{}' is not a {} connection string", dsn->shown, type),
              std::string(hint));
  return dsn->value;
}

Selection parse_selection(config::Section& s, const SelectionKeys& which, std::string* mode) {
  Selection out;
  out.naive_timezone = s.naive_timezone();
  if (auto v = s.strings("include", "globs", "a glob", "[\"public.*\"]")) out.include = *v;
  if (auto v = s.strings("exclude", "globs", "a glob", "[\"public.tmp_*\"]")) out.exclude = *v;
  if (auto v = s.string("loaded_at_field", true)) out.loaded_at_field = *v;
  if (auto v = s.string("filter", true)) out.filter = *v;
  if (auto n = s.integer("concurrency", 1, 256)) out.concurrency = static_cast<int>(*n);
  if (auto z = s.zone("naive_timezone")) out.naive_timezone = *z;
  for (auto& item : s.items("tables", kTableKeys, "a table",
                            "match: public.orders, a glob over schema.table")) {
    TableOverride t;
    t.location = item.location();
    if (auto v = item.string("match")) t.match = *v;
    if (auto v = item.string("loaded_at_field", true)) t.loaded_at_field = *v;
    if (auto v = item.string("filter", true)) t.filter = *v;
    if (auto v = item.string("owner", true)) t.owner = *v;
    if (auto v = item.strings("tags", "tags", "a tag", "[daily, finance]")) t.tags = *v;
    out.tables.push_back(std::move(t));
  }

  std::string written;
  if (which.mode)
    if (auto v = s.choice("mode", which.modes)) written = *v;
  if (mode) *mode = written;
  bool field_anywhere = !out.loaded_at_field.empty();
  for (const auto& t : out.tables) field_anywhere |= !t.loaded_at_field.empty();
  if (written == "metadata" && !out.loaded_at_field.empty())
    s.problem("loaded_at_field", "loaded_at_field: read only in query mode",
              "remove it, or set mode: query");
  if (written == "query" && !field_anywhere)
    s.problem("mode", "mode: query mode needs loaded_at_field",
              "add loaded_at_field: _loaded_at, the column holding each row's load time, here or "
              "under tables");
  return out;
}

std::span<const config::KeySpec> table_keys() { return kTableKeys; }

}  // namespace freshwatch::connectors
