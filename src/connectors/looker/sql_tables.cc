#include "connectors/looker/sql_tables.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <string>
#include <unordered_set>

#include <fmt/format.h>

namespace freshwatch::connectors::looker {

namespace {

constexpr int kMaxDepth = 200;
constexpr std::size_t kMaxProblems = 20;

enum class Kind { kWord, kIdent, kString, kNumber, kPunct, kEnd };

struct Token {
  Kind kind = Kind::kEnd;
  std::string text;  // a word as written; a quoted identifier unescaped; a punctuation char
  std::size_t begin = 0, end = 0;
  char quote = 0;  // '"' or '`' for a quoted identifier
};

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && upper(a) == upper(b);
}

bool word_start(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) || c == '_' || u >= 0x80;
}
bool word_char(char c) {
  return word_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$';
}

class Tokenizer {
 public:
  Tokenizer(std::string_view sql, Dialect d, std::vector<std::string>& problems)
      : s_(sql), d_(d), problems_(problems) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      const char n = i_ + 1 < s_.size() ? s_[i_ + 1] : '\0';
      const std::size_t b = i_;
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i_;
      } else if ((c == '-' && n == '-') ||
                 (c == '#' && (d_ == Dialect::kBigQuery || d_ == Dialect::kMySql))) {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (c == '/' && n == '*') {
        const auto e = s_.find("*/", i_ + 2);
        if (e == std::string_view::npos) return fail(out, "a /* comment is never closed", b);
        i_ = e + 2;
      } else if (c == '\'') {
        if (!string_literal('\'', backslash_escapes(), b)) return fail(out, kUnterminated, b);
        out.push_back({Kind::kString, "", b, i_});
      } else if (c == '"' && !double_quote_is_identifier()) {
        if (!string_literal('"', backslash_escapes(), b)) return fail(out, kUnterminated, b);
        out.push_back({Kind::kString, "", b, i_});
      } else if (c == '"' || (c == '`' && backtick_is_identifier())) {
        std::string text;
        if (!quoted_identifier(c, text))
          return fail(out, "a quoted identifier is never closed", b);
        out.push_back({Kind::kIdent, std::move(text), b, i_, c});
      } else if (c == '$' && dollar_quote()) {
        if (i_ == std::string_view::npos) return fail(out, "a $$ string is never closed", b);
        out.push_back({Kind::kString, "", b, i_});
      } else if (word_start(c)) {
        while (i_ < s_.size() && word_char(s_[i_])) ++i_;
        const std::string_view w = s_.substr(b, i_ - b);
        if (i_ < s_.size() && string_prefix(w, s_[i_])) {
          const bool raw = w.find_first_of("rR") != std::string_view::npos;
          if (!string_literal(s_[i_], !raw, b)) return fail(out, kUnterminated, b);
          out.push_back({Kind::kString, "", b, i_});
        } else {
          out.push_back({Kind::kWord, std::string(w), b, i_});
        }
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        while (i_ < s_.size() && (word_char(s_[i_]) || s_[i_] == '.')) ++i_;
        out.push_back({Kind::kNumber, std::string(s_.substr(b, i_ - b)), b, i_});
      } else {
        ++i_;
        out.push_back({Kind::kPunct, std::string(1, c), b, i_});
      }
    }
    out.push_back({Kind::kEnd, "", s_.size(), s_.size()});
    return out;
  }

 private:
  static constexpr std::string_view kUnterminated = "a string literal is never closed";

  bool double_quote_is_identifier() const {
    return d_ != Dialect::kBigQuery && d_ != Dialect::kMySql;
  }
  bool backtick_is_identifier() const {
    return d_ == Dialect::kBigQuery || d_ == Dialect::kMySql || d_ == Dialect::kOther;
  }
  bool backslash_escapes() const {
    return d_ == Dialect::kBigQuery || d_ == Dialect::kMySql || d_ == Dialect::kSnowflake ||
           d_ == Dialect::kRedshift;
  }
  // E'..' (PostgreSQL, Redshift), r'..', b'..', rb'..' (BigQuery).
  bool string_prefix(std::string_view w, char next) const {
    if (next != '\'' && next != '"') return false;
    if (d_ == Dialect::kPostgres || d_ == Dialect::kRedshift)
      return next == '\'' && equals_ignoring_case(w, "e");
    if (d_ == Dialect::kBigQuery)
      return w.size() <= 2 && w.find_first_not_of("rRbB") == std::string_view::npos;
    return false;
  }

  // From the opening quote at i_ (a prefix, if any, lies before it); leaves i_ after the close.
  bool string_literal(char q, bool backslash, std::size_t) {
    while (s_[i_] != q) ++i_;
    if (d_ == Dialect::kBigQuery && s_.substr(i_, 3) == std::string(3, q)) {
      for (std::size_t j = i_ + 3; j + 2 < s_.size() + 0; ++j) {
        if (backslash && s_[j] == '\\') {
          ++j;
          continue;
        }
        if (s_.substr(j, 3) == std::string(3, q)) {
          i_ = j + 3;
          return true;
        }
      }
      return false;
    }
    for (std::size_t j = i_ + 1; j < s_.size(); ++j) {
      if (backslash && s_[j] == '\\') {
        ++j;
      } else if (s_[j] == q) {
        if (j + 1 < s_.size() && s_[j + 1] == q) {
          ++j;
        } else {
          i_ = j + 1;
          return true;
        }
      }
    }
    return false;
  }

  bool quoted_identifier(char q, std::string& text) {
    const bool backslash = q == '`' && d_ == Dialect::kBigQuery;
    for (std::size_t j = i_ + 1; j < s_.size(); ++j) {
      if (backslash && s_[j] == '\\' && j + 1 < s_.size()) {
        text += s_[++j];
      } else if (s_[j] == q) {
        if (j + 1 < s_.size() && s_[j + 1] == q) {
          text += q;
          ++j;
        } else {
          i_ = j + 1;
          return true;
        }
      } else {
        text += s_[j];
      }
    }
    return false;
  }

  // $$…$$ (PostgreSQL, Redshift, Snowflake) or $tag$…$tag$ (PostgreSQL, Redshift). False when
  // the $ opens no such string; i_ is npos when one opens and never closes.
  bool dollar_quote() {
    if (d_ != Dialect::kPostgres && d_ != Dialect::kRedshift && d_ != Dialect::kSnowflake)
      return false;
    std::size_t j = i_ + 1;
    if (d_ != Dialect::kSnowflake && j < s_.size() && word_start(s_[j]))
      while (j < s_.size() && word_char(s_[j]) && s_[j] != '$') ++j;
    if (j >= s_.size() || s_[j] != '$') return false;
    const std::string_view tag = s_.substr(i_, j - i_ + 1);
    const auto e = s_.find(tag, j + 1);
    i_ = e == std::string_view::npos ? e : e + tag.size();
    return true;
  }

  std::vector<Token> fail(std::vector<Token>& out, std::string_view what, std::size_t at) {
    problems_.push_back(
        fmt::format("{} (from character {}); the rest of the statement is not read", what, at + 1));
    out.push_back({Kind::kEnd, "", s_.size(), s_.size()});
    return std::move(out);
  }

  std::string_view s_;
  Dialect d_;
  std::vector<std::string>& problems_;
  std::size_t i_ = 0;
};

// Words that end a table reference: never an alias without AS.
bool reserved(std::string_view kw) {
  static constexpr std::array<std::string_view, 63> kWords{
      "SELECT", "FROM",     "WHERE",  "GROUP",    "HAVING",   "QUALIFY", "WINDOW",   "ORDER",
      "LIMIT",  "OFFSET",   "FETCH",  "UNION",    "INTERSECT", "EXCEPT", "MINUS",    "JOIN",
      "INNER",  "LEFT",     "RIGHT",  "FULL",     "OUTER",    "CROSS",   "NATURAL",  "ON",
      "USING",  "AS",       "WITH",   "LATERAL",  "FOR",      "INTO",    "VALUES",   "SET",
      "RETURNING", "STRAIGHT_JOIN", "TABLESAMPLE", "SAMPLE", "AT", "BEFORE", "CHANGES", "PIVOT",
      "UNPIVOT", "MATCH_RECOGNIZE", "USE", "FORCE", "IGNORE", "PARTITION", "ASOF", "APPLY",
      "CONNECT", "START", "WHEN", "THEN", "ELSE", "END", "AND", "OR", "NOT", "IN", "IS",
      "SEMI", "ANTI", "POSITIONAL", "ORDINALITY"};
  return std::find(kWords.begin(), kWords.end(), kw) != kWords.end();
}

// Table functions that read no table: they generate rows or expand a column of a table that is
// read (and listed) anyway.
bool reads_no_table(std::string_view fn) {
  static constexpr std::array<std::string_view, 28> kFunctions{
      "UNNEST", "FLATTEN", "GENERATE_SERIES", "GENERATOR", "GENERATE_ARRAY",
      "GENERATE_DATE_ARRAY", "GENERATE_TIMESTAMP_ARRAY", "SPLIT_TO_TABLE",
      "STRTOK_SPLIT_TO_TABLE", "REGEXP_SPLIT_TO_TABLE", "JSON_TABLE", "JSON_EACH",
      "JSON_EACH_TEXT", "JSONB_EACH", "JSONB_EACH_TEXT", "JSON_ARRAY_ELEMENTS",
      "JSON_ARRAY_ELEMENTS_TEXT", "JSONB_ARRAY_ELEMENTS", "JSONB_ARRAY_ELEMENTS_TEXT",
      "JSON_TO_RECORDSET", "JSONB_TO_RECORDSET", "JSON_POPULATE_RECORDSET", "EXPLODE",
      "EXPLODE_OUTER", "POSEXPLODE", "INLINE", "RANGE", "SEQUENCE"};
  return std::find(kFunctions.begin(), kFunctions.end(), fn) != kFunctions.end();
}

// Words after which a comma no longer joins tables.
bool ends_from(std::string_view kw) {
  static constexpr std::array<std::string_view, 17> kWords{
      "WHERE", "GROUP",  "HAVING",    "QUALIFY", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH",
      "UNION", "INTERSECT", "EXCEPT", "MINUS",   "SELECT", "RETURNING", "INTO", "SET"};
  return std::find(kWords.begin(), kWords.end(), kw) != kWords.end();
}

class Reader {
 public:
  Reader(std::vector<Token> tokens, Dialect d, SqlTables& out)
      : t_(std::move(tokens)), d_(d), out_(out) {}

  void run() {
    while (true) {
      scan(Ctx::kQuery, "", false);
      if (peek().kind == Kind::kEnd) break;
      if (is_punct(peek(), ')')) {  // unmatched: scan stops at every ')'
        problem("unbalanced parentheses: a ')' closes nothing");
        next();
      }
    }
  }

 private:
  enum class Ctx { kQuery, kExpr };
  struct Cte {
    std::string name;
    bool quoted;
  };

  const Token& peek(std::size_t ahead = 0) const {
    return t_[std::min(i_ + ahead, t_.size() - 1)];
  }
  const Token& next() {
    const Token& t = peek();
    if (i_ < t_.size() - 1) ++i_;
    return t;
  }
  static bool is_punct(const Token& t, char c) {
    return t.kind == Kind::kPunct && t.text[0] == c;
  }
  static bool is_word(const Token& t, std::string_view kw) {
    return t.kind == Kind::kWord && equals_ignoring_case(t.text, kw);
  }
  static bool is_name(const Token& t) {
    return t.kind == Kind::kIdent || (t.kind == Kind::kWord && !reserved(upper(t.text)));
  }
  const Token& previous(std::size_t back) const {
    static const Token kNone;
    return i_ >= back ? t_[i_ - back] : kNone;
  }
  void problem(std::string p) {
    if (out_.problems.size() > kMaxProblems || !problems_seen_.insert(p).second) return;
    out_.problems.push_back(out_.problems.size() < kMaxProblems
                                ? std::move(p)
                                : std::string("more problems than these; the others are not listed"));
  }

  // Reads up to the ')' closing the level (not consumed) or the end.
  void scan(Ctx ctx, const std::string& via, bool in_from) {
    const std::size_t saved_scope = scope_.size();
    while (true) {
      const Token& t = peek();
      if (t.kind == Kind::kEnd || is_punct(t, ')')) break;
      if (is_punct(t, ';')) {
        next();
        in_from = false;
        if (depth_ == 0) scope_.resize(saved_scope);
        continue;
      }
      if (is_punct(t, '(')) {
        parenthesised(via);
        continue;
      }
      if (is_punct(t, ',')) {
        next();
        if (ctx == Ctx::kQuery && in_from) table_factor(via);
        continue;
      }
      if (t.kind == Kind::kWord && ctx == Ctx::kQuery) {
        const std::string kw = upper(t.text);
        if (kw == "WITH" && cte_follows()) {
          with_clause(via);
          continue;
        }
        if (kw == "FROM" && !is_word(previous(1), "DISTINCT")) {
          next();
          table_factor(via);
          in_from = true;
          continue;
        }
        if (kw == "JOIN" || kw == "STRAIGHT_JOIN" || kw == "APPLY") {
          next();
          table_factor(via);
          in_from = true;
          continue;
        }
        if (ends_from(kw)) in_from = false;
      }
      next();
    }
    scope_.resize(saved_scope);
  }

  // At '(': a subquery, or an expression (a function's arguments, a list) that may hold some.
  void parenthesised(const std::string& via) {
    enter();
    const bool query = is_word(peek(), "SELECT") || is_word(peek(), "WITH");
    scan(query ? Ctx::kQuery : Ctx::kExpr, via, false);
    leave();
  }

  void enter() {
    next();  // '('
    if (++depth_ > kMaxDepth) {
      problem(fmt::format("parentheses nest more than {} deep; the rest is not read", kMaxDepth));
      i_ = t_.size() - 1;
    }
  }
  void leave() {
    --depth_;
    if (is_punct(peek(), ')'))
      next();
    else
      problem("unbalanced parentheses: a '(' is never closed");
  }

  bool cte_follows() const {
    if (is_word(peek(1), "RECURSIVE")) return true;
    return is_name(peek(1)) && (is_word(peek(2), "AS") || is_punct(peek(2), '('));
  }

  void with_clause(const std::string& outer_via) {
    next();  // WITH
    // Snowflake lets RECURSIVE be left out; a CTE is taken for recursive only when it says so,
    // as losing a real table is worse than keeping a name that turns out to be the CTE's.
    bool recursive = false;
    if (is_word(peek(), "RECURSIVE")) {
      recursive = true;
      next();
    }
    (void)outer_via;
    while (is_name(peek())) {
      const Token& name = next();
      Cte cte{name.text, name.kind == Kind::kIdent};
      if (is_punct(peek(), '(')) skip_parenthesised();
      if (!is_word(peek(), "AS")) {
        problem(fmt::format("the WITH clause at character {} is not read: AS expected",
                            name.begin + 1));
        return;
      }
      next();
      if (is_word(peek(), "NOT")) next();
      if (is_word(peek(), "MATERIALIZED")) next();
      if (!is_punct(peek(), '(')) {
        problem(fmt::format("the body of {} is not read: '(' expected", cte.name));
        return;
      }
      if (std::find(out_.ctes.begin(), out_.ctes.end(), cte.name) == out_.ctes.end())
        out_.ctes.push_back(cte.name);
      if (recursive) scope_.push_back(cte);
      enter();
      // The body's own WITH names end with it; the CTE itself stays visible after.
      const std::size_t saved = scope_.size();
      scan(Ctx::kQuery, cte.name, false);
      scope_.resize(saved);
      leave();
      if (!recursive) scope_.push_back(cte);
      if (!is_punct(peek(), ',')) break;
      next();
    }
  }

  // Column lists: nothing to read inside.
  void skip_parenthesised() {
    enter();
    int open = 0;
    while (peek().kind != Kind::kEnd) {
      if (is_punct(peek(), '(')) ++open;
      if (is_punct(peek(), ')') && open-- == 0) break;
      next();
    }
    leave();
  }

  void table_factor(const std::string& via) {
    while (is_word(peek(), "LATERAL") || is_word(peek(), "ONLY")) next();
    const Token& t = peek();
    if (is_punct(t, '(')) {
      const bool query = is_word(peek(1), "SELECT") || is_word(peek(1), "WITH");
      if (query || is_word(peek(1), "VALUES")) {
        parenthesised(via);
      } else {
        enter();  // a parenthesised join
        table_factor(via);
        scan(Ctx::kQuery, via, true);
        leave();
      }
      alias();
      return;
    }
    if (is_word(t, "VALUES")) {  // rows written out: nothing is read
      next();
      while (is_punct(peek(), '(')) {
        parenthesised(via);
        if (!is_punct(peek(), ',') || !is_punct(peek(1), '(')) break;
        next();
      }
      alias();
      return;
    }
    if (!is_name(t)) return;

    TableRef ref;
    add_parts(next(), ref);
    while (is_punct(peek(), '.') && (peek(1).kind == Kind::kIdent || peek(1).kind == Kind::kWord)) {
      next();
      add_parts(next(), ref);
    }
    if (is_punct(peek(), '(')) {
      table_function(ref, t.begin, via);
      return;
    }
    ref.alias = alias();
    if (ref.parts.size() > 3) {
      problem(fmt::format("{} has more than three parts; the last three are kept",
                          fmt::join(ref.parts, ".")));
      ref.parts.erase(ref.parts.begin(), ref.parts.end() - 3);
      ref.quoted.erase(ref.quoted.begin(), ref.quoted.end() - 3);
    }
    if (std::any_of(ref.parts.begin(), ref.parts.end(), [](auto& p) { return p.empty(); })) {
      problem(fmt::format("the name at character {} has an empty part", t.begin + 1));
      return;
    }
    if (ref.parts.size() == 1 && is_cte(ref.parts[0], ref.quoted[0])) return;
    ref.via = via;
    std::string key = fmt::format("{}", fmt::join(ref.parts, std::string_view("\0", 1)));
    key += '\1';
    key += via;
    if (tables_seen_.insert(std::move(key)).second) out_.tables.push_back(std::move(ref));
  }

  // At the '(' after a function's name. Its arguments are read for subqueries. TABLE(f(...))
  // is judged by f.
  void table_function(const TableRef& name, std::size_t at, const std::string& via) {
    std::string fn = upper(name.parts.back());
    if (fn == "TABLE" && name.parts.size() == 1 && is_name(peek(1)) && is_punct(peek(2), '('))
      fn = upper(peek(1).text);
    if (!reads_no_table(fn))
      problem(fmt::format("{}(…) at character {} is a table function: the tables it reads, if "
                          "any, are not known",
                          fmt::join(name.parts, "."), at + 1));
    parenthesised(via);
    alias();
  }

  // One token of a dotted name: a BigQuery `project.dataset.table` is three parts; an unquoted
  // BigQuery project may hold dashes (my-project.dataset.table).
  void add_parts(const Token& t, TableRef& ref) {
    if (t.kind == Kind::kIdent && t.quote == '`' && d_ == Dialect::kBigQuery) {
      std::size_t b = 0;
      while (true) {
        const auto e = t.text.find('.', b);
        ref.parts.push_back(t.text.substr(b, e == std::string::npos ? e : e - b));
        ref.quoted.push_back(true);
        if (e == std::string::npos) break;
        b = e + 1;
      }
      return;
    }
    std::string text = t.text;
    std::size_t end = t.end;
    if (d_ == Dialect::kBigQuery && t.kind == Kind::kWord)
      while (is_punct(peek(), '-') && peek().begin == end &&
             (peek(1).kind == Kind::kWord || peek(1).kind == Kind::kNumber) &&
             peek(1).begin == end + 1) {
        next();
        text += '-' + peek().text;
        end = next().end;
      }
    ref.parts.push_back(std::move(text));
    ref.quoted.push_back(t.kind == Kind::kIdent);
  }

  std::string alias() {
    std::string name;
    if (is_word(peek(), "AS")) {
      next();
      if (peek().kind == Kind::kWord || peek().kind == Kind::kIdent) name = next().text;
    } else if (is_name(peek())) {
      name = next().text;
    }
    if (!name.empty() && is_punct(peek(), '(')) skip_parenthesised();
    return name;
  }

  bool is_cte(const std::string& name, bool quoted) const {
    return std::any_of(scope_.begin(), scope_.end(), [&](const Cte& c) {
      return quoted || c.quoted ? c.name == name : equals_ignoring_case(c.name, name);
    });
  }

  std::vector<Token> t_;
  Dialect d_;
  SqlTables& out_;
  std::size_t i_ = 0;
  int depth_ = 0;
  std::vector<Cte> scope_;
  std::unordered_set<std::string> tables_seen_;  // parts and via
  std::unordered_set<std::string> problems_seen_;
};

}  // namespace

SqlTables tables_in_sql(std::string_view sql, Dialect dialect) {
  SqlTables out;
  Reader(Tokenizer(sql, dialect, out.problems).run(), dialect, out).run();
  return out;
}

Dialect dialect_of(std::string_view adapter) {
  const std::string a = upper(adapter);
  if (a == "POSTGRES") return Dialect::kPostgres;
  if (a == "REDSHIFT") return Dialect::kRedshift;
  if (a == "SNOWFLAKE") return Dialect::kSnowflake;
  if (a == "BIGQUERY") return Dialect::kBigQuery;
  if (a == "MYSQL" || a == "MARIADB" || a == "DATABRICKS" || a == "SPARK" || a == "HIVE")
    return Dialect::kMySql;
  return Dialect::kOther;
}

}  // namespace freshwatch::connectors::looker
