#include "connectors/looker/lineage.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <simdjson.h>

#include "connectors/identifiers.h"
#include "connectors/looker/json_fields.h"
#include "core/json.h"
#include "core/time.h"

namespace freshwatch::connectors::looker {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool same_name(std::string_view a, std::string_view b) { return upper(a) == upper(b); }

std::string written(const TableRef& t) {
  std::string out;
  for (std::size_t i = 0; i < t.parts.size(); ++i) {
    if (i) out += '.';
    out += t.parts[i];
  }
  return out;
}

// BigQuery writes `project.dataset.table` as one quoted identifier.
TableRef split_dotted(TableRef t) {
  TableRef out = t;
  out.parts.clear();
  out.quoted.clear();
  for (std::size_t i = 0; i < t.parts.size(); ++i) {
    const bool q = i < t.quoted.size() && t.quoted[i];
    std::string_view part = t.parts[i];
    std::size_t start = 0;
    while (true) {
      const auto dot = part.find('.', start);
      out.parts.emplace_back(part.substr(start, dot - start));
      out.quoted.push_back(q);
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
  }
  return out;
}

void add_note(std::vector<std::string>& notes, std::string note) {
  if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(std::move(note));
}

// How a Looker connection's dialect names and reads tables.
struct Rules {
  std::string_view adapter;  // connectors/identifiers.h's name; "" keeps names as written
  Dialect dialect;
  bool has_database;  // false for MySQL and MariaDB: "db.table"
};

Rules rules_for(std::string_view looker_dialect) {
  const std::string_view adapter = dialect_for_looker(looker_dialect);
  return {adapter, dialect_of(adapter), adapter != "mysql" && adapter != "mariadb"};
}

void add_table(Trace& trace, TracedTable table) {
  if (std::find(trace.tables.begin(), trace.tables.end(), table) == trace.tables.end())
    trace.tables.push_back(std::move(table));
}

}  // namespace

std::optional<std::string> pdt_view(const TableRef& table, const LookerConnection& connection) {
  if (table.parts.empty()) return std::nullopt;
  const std::string& name = table.parts.back();
  if (!upper(name).starts_with("LR$")) return std::nullopt;
  if (table.parts.size() >= 2 && !connection.tmp_db_name.empty() &&
      !same_name(table.parts[table.parts.size() - 2], connection.tmp_db_name))
    return std::nullopt;
  const auto underscore = name.find('_', 3);
  if (underscore == std::string::npos || underscore + 1 == name.size()) return name;
  return name.substr(underscore + 1);
}

Trace resolve(const SqlTables& read, const LookerConnection& connection,
              std::string_view connection_problem) {
  Trace trace;
  trace.connection = connection.name;
  const Rules rules = rules_for(connection.dialect_name);
  // Defaults a name written without database or schema takes.
  std::string default_database = connection.database, default_schema = connection.schema;
  if (rules.dialect == Dialect::kBigQuery) {
    default_database = connection.host;
    default_schema = connection.database;
  }
  if (!rules.has_database) default_schema = connection.database;

  for (const TableRef& ref : read.tables) {
    const TableRef t = rules.dialect == Dialect::kBigQuery ? split_dotted(ref) : ref;
    if (t.parts.empty()) continue;
    if (auto view = pdt_view(t, connection)) {
      TracedPdt pdt{*view, written(t)};
      if (std::find(trace.pdts.begin(), trace.pdts.end(), pdt) == trace.pdts.end())
        trace.pdts.push_back(std::move(pdt));
      continue;
    }
    const std::size_t n = t.parts.size();
    auto quoted = [&](std::size_t i) -> std::optional<bool> {
      return i < t.quoted.size() ? std::optional<bool>(t.quoted[i]) : std::nullopt;
    };
    std::string database, schema;
    Quoting quoting;
    quoting.identifier = quoted(n - 1);
    bool defaulted = false;
    if (rules.has_database) {
      if (n >= 3) {
        database = t.parts[n - 3];
        quoting.database = quoted(n - 3);
      } else {
        database = default_database;
        defaulted = true;
      }
    }
    if (n >= 2) {
      schema = t.parts[n - 2];
      quoting.schema = quoted(n - 2);
    } else {
      schema = default_schema;
      defaulted = true;
    }
    if (defaulted && !connection_problem.empty())
      add_note(trace.notes,
               fmt::format("the Looker connection '{}' could not be read ({}), so tables named "
                           "without a database or schema are linked without them",
                           connection.name, connection_problem));
    else if (defaulted && schema.empty())
      // (A missing database is not worth a note: when the warehouse names one, the table is
      // one no connection monitors, and that note names it.)
      add_note(trace.notes,
               fmt::format("{} is named without a schema and the Looker connection '{}' sets "
                           "none; it is linked as written",
                           written(t), connection.name));
    std::string via;
    if (!t.via.empty())
      via = "view " + t.via;
    else if (!t.alias.empty())
      via = "view " + t.alias;
    add_table(trace, {normalize_relation(rules.adapter, database, schema, t.parts[n - 1], quoting),
                      std::move(via)});
  }
  for (const auto& problem : read.problems)
    add_note(trace.notes, fmt::format("part of its SQL could not be read, so tables there are "
                                      "not linked: {}",
                                      problem));
  if (!trace.pdts.empty()) {
    std::vector<std::string> names;
    for (const auto& p : trace.pdts) names.push_back(fmt::format("{} ({})", p.view, p.table));
    add_note(trace.notes,
             fmt::format("reads the persistent derived table of view {}: Looker rebuilds it under "
                         "a new name each time, so it is linked by its view; the tables it is "
                         "built from are not traced",
                         fmt::join(names, ", ")));
  }
  return trace;
}

Trace explore_level(const Explore& explore, const LookerConnection& connection,
                    std::string_view why, std::string_view connection_problem) {
  const Rules rules =
      rules_for(connection.dialect_name.empty() ? explore.dialect_name : connection.dialect_name);
  SqlTables all;
  std::vector<std::string> notes;
  std::vector<std::string> unknown_joins;
  auto read = [&](const std::string& sql_table_name, const std::string& owner) {
    SqlTables found = tables_in_sql("SELECT * FROM " + sql_table_name, rules.dialect);
    if (found.tables.empty())
      notes.push_back(
          fmt::format("the sql_table_name of {} ('{}') could not be read, so it is "
                      "not linked",
                      owner, sql_table_name));
    for (auto& t : found.tables) all.tables.push_back(std::move(t));
  };
  const std::string label = fmt::format("{}/{}", explore.model, explore.name);
  if (!explore.sql_table_name.empty())
    read(explore.sql_table_name, "view " + explore.view_name);
  else
    notes.push_back(
        fmt::format("the base view {} of explore {} names no sql_table_name (a "
                    "derived table?), so its tables are not known without see_sql",
                    explore.view_name, label));
  for (const auto& j : explore.joins) {
    if (!j.sql_table_name.empty())
      read(j.sql_table_name, "join " + j.name);
    else
      unknown_joins.push_back(j.from.empty() || j.from == j.name
                                  ? j.name
                                  : fmt::format("{} (view {})", j.name, j.from));
  }
  Trace trace = resolve(all, connection, connection_problem);
  trace.explore_level = true;
  for (auto& t : trace.tables) t.via = "explore-level";
  // Two aliases of one table are one link at this level.
  std::vector<TracedTable> distinct;
  for (auto& t : trace.tables)
    if (std::find(distinct.begin(), distinct.end(), t) == distinct.end()) distinct.push_back(t);
  trace.tables = std::move(distinct);
  std::vector<std::string> out;
  out.push_back(
      fmt::format("lineage is explore-level ({}): the tables explore {} names are "
                  "linked whether or not the tile uses them",
                  why, label));
  if (!unknown_joins.empty())
    out.push_back(
        fmt::format("the tables of joins {} are not known without see_sql (they name "
                    "no sql_table_name of their own)",
                    fmt::join(unknown_joins, ", ")));
  for (auto& n : notes) out.push_back(std::move(n));
  for (auto& n : trace.notes) out.push_back(std::move(n));
  trace.notes = std::move(out);
  return trace;
}

// ---- Kept between runs ----

namespace {

namespace dom = simdjson::dom;
using json::strings;
using json::text;
using simdjson::SUCCESS;

}  // namespace

std::string encode(const CachedTrace& t) {
  std::string out = fmt::format("{{\"model\":{},\"explore\":{},\"fp\":{},\"at\":{},\"level\":{}",
                                core::json_string(t.model), core::json_string(t.explore),
                                core::json_string(t.fingerprint),
                                core::json_string(core::format_timestamp(t.traced_at)),
                                t.explore_level ? "\"explore\"" : "\"sql\"");
  if (!t.refused.empty()) out += fmt::format(",\"refused\":{}", core::json_string(t.refused));
  out += ",\"tables\":[";
  for (std::size_t i = 0; i < t.read.tables.size(); ++i) {
    const TableRef& r = t.read.tables[i];
    std::string quoted = "[";
    for (std::size_t j = 0; j < r.quoted.size(); ++j)
      quoted += j ? (r.quoted[j] ? ",1" : ",0") : (r.quoted[j] ? "1" : "0");
    quoted += ']';
    out += fmt::format("{}{{\"p\":{},\"q\":{}", i ? "," : "", json::string_list(r.parts), quoted);
    if (!r.alias.empty()) out += fmt::format(",\"a\":{}", core::json_string(r.alias));
    if (!r.via.empty()) out += fmt::format(",\"v\":{}", core::json_string(r.via));
    out += '}';
  }
  out += ']';
  if (!t.read.ctes.empty()) out += fmt::format(",\"ctes\":{}", json::string_list(t.read.ctes));
  if (!t.read.problems.empty())
    out += fmt::format(",\"problems\":{}", json::string_list(t.read.problems));
  return out + "}";
}

std::optional<CachedTrace> decode_trace(std::string_view json) {
  dom::parser parser;
  dom::element root;
  const simdjson::padded_string padded(json);
  if (parser.parse(padded).get(root) != SUCCESS || root.type() != dom::element_type::OBJECT)
    return std::nullopt;
  CachedTrace t;
  t.model = text(root, "model");
  t.explore = text(root, "explore");
  t.fingerprint = text(root, "fp");
  auto at = core::parse_timestamp(text(root, "at"));
  if (!at || t.model.empty() || t.explore.empty()) return std::nullopt;
  t.traced_at = *at;
  const std::string level = text(root, "level");
  if (level != "sql" && level != "explore") return std::nullopt;
  t.explore_level = level == "explore";
  t.refused = text(root, "refused");
  dom::array tables;
  if (root.at_key("tables").get_array().get(tables) == SUCCESS)
    for (dom::element e : tables) {
      TableRef r;
      r.parts = strings(e, "p");
      dom::array q;
      if (e.at_key("q").get_array().get(q) == SUCCESS)
        for (dom::element x : q) {
          std::int64_t v = 0;
          r.quoted.push_back(x.get_int64().get(v) == SUCCESS && v != 0);
        }
      r.quoted.resize(r.parts.size(), false);
      r.alias = text(e, "a");
      r.via = text(e, "v");
      if (!r.parts.empty()) t.read.tables.push_back(std::move(r));
    }
  t.read.ctes = strings(root, "ctes");
  t.read.problems = strings(root, "problems");
  return t;
}

bool still_valid(const CachedTrace& cached, const Explore& explore, core::TimePoint now,
                 core::Duration retrace_after) {
  if (cached.fingerprint != explore.fingerprint) return false;
  const auto age = now - cached.traced_at;
  return age >= core::Duration::zero() && age < retrace_after;
}

std::string encode_merge(const MergeQuery& merge) {
  return fmt::format("{{\"queries\":{}}}", json::string_list(merge.query_ids));
}

std::optional<MergeQuery> decode_merge(std::string_view json) {
  dom::parser parser;
  dom::element root;
  const simdjson::padded_string padded(json);
  if (parser.parse(padded).get(root) != SUCCESS || root.type() != dom::element_type::OBJECT)
    return std::nullopt;
  dom::array a;
  if (root.at_key("queries").get_array().get(a) != SUCCESS) return std::nullopt;
  MergeQuery m;
  m.query_ids = strings(root, "queries");
  return m;
}

}  // namespace freshwatch::connectors::looker
