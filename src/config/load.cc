#include "config/load.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "core/cron.h"
#include "core/log.h"
#include "config/section.h"
#include "core/time.h"
#include "model/selector.h"
#include "net/url.h"

namespace freshwatch::config {
namespace {

namespace fs = std::filesystem;
using Keys = std::vector<std::string_view>;

// ---------------------------------------------------------------------------------------------
const Keys kTopLevelKeys = {"timezone",       "naive_timezone", "store",    "server",
                            "default_policy", "connections",    "policies", "alerts"};
const Keys kStoreKeys = {"sqlite", "observation_retention"};
const Keys kServerKeys = {"listen",      "request_timeout", "max_body_bytes",
                          "session_ttl", "cookie_secure",   "threads"};
const Keys kRuleKeys = {"warn_after", "error_after", "deadline", "calendar"};
const Keys kPolicyKeys = {"select", "name", "warn_after", "error_after", "deadline", "calendar"};
const Keys kThresholdKeys = {"count", "period"};
const Keys kDeadlineKeys = {"cron", "timezone", "grace", "missed"};
const Keys kCalendarKeys = {"warn_after_days", "error_after_days"};
const Keys kPeriods = {"minute", "hour", "day"};
const Keys kMissedStatuses = {"warn", "error"};
const Keys kAlertsKeys = {"channels",     "routes",   "renotify_every",
                          "min_duration", "silences", "public_url"};
const Keys kRouteKeys = {"select", "channels", "min_status"};
const Keys kSilenceKeys = {"select", "cron", "duration", "timezone"};
const Keys kMinStatuses = {"warn", "error", "unknown"};

// alerts.channels: the keys of each type (docs/configuration.md).
struct ChannelTypeKeys {
  std::string_view name;
  ChannelType type;
  Keys keys;
};
const ChannelTypeKeys kChannelTypes[] = {
    {"slack", ChannelType::kSlack, {"name", "type", "url", "ca_file"}},
    {"teams", ChannelType::kTeams, {"name", "type", "url", "ca_file"}},
    {"webhook", ChannelType::kWebhook, {"name", "type", "url", "secret", "ca_file"}},
    {"pagerduty", ChannelType::kPagerDuty, {"name", "type", "url", "routing_key", "ca_file"}},
    {"email",
     ChannelType::kEmail,
     {"name", "type", "url", "smtp", "starttls", "username", "password", "from", "to",
      "ca_file"}},
};
constexpr std::string_view kPagerDutyEventsUrl = "https://events.pagerduty.com/v2/enqueue";

// Keys whose values are secrets: shown redacted, never as read.
bool is_secret_key(std::string_view key) {
  for (std::string_view word : {"dsn", "password", "passphrase", "token", "secret"})
    if (key.find(word) != std::string_view::npos) return true;
  return false;
}

// Cron expressions (schedule, deadline.cron) are checked here and nowhere else.
std::optional<std::string> cron_problem(std::string_view text) {
  auto schedule = core::CronSchedule::parse(text);
  if (schedule) return std::nullopt;
  return schedule.error().message;
}

// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The closest candidate when it is close enough to be a likely typo.
template <typename Range>
std::optional<std::string> closest(std::string_view word, const Range& candidates) {
  const std::string w = lower(word);
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(1, std::min<std::size_t>(3, w.size() / 3)) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(w, lower(c));
    if (d < best_distance) best_distance = d, best = std::string(c);
  }
  return best;
}

std::string did_you_mean(std::string_view word, const Keys& candidates) {
  if (auto c = closest(word, candidates)) return fmt::format("did you mean '{}'?", *c);
  return {};
}

std::string one_of(const Keys& values) {
  if (values.size() == 1) return std::string(values[0]);
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += i + 1 == values.size() ? " or " : ", ";
    out += values[i];
  }
  return out;
}

bool contains(const Keys& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

const char* node_kind(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing";
  return "a single value";
}

bool valid_connection_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool valid_variable_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// "1048576", "512KiB", "10MB", "1GiB".
std::optional<std::int64_t> parse_size(std::string_view s) {
  struct Unit {
    std::string_view suffix;
    std::int64_t factor;
  };
  static constexpr Unit kUnits[] = {{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
                                    {"KB", 1000},     {"MB", 1000000},  {"GB", 1000000000},
                                    {"B", 1}};
  std::int64_t factor = 1;
  for (const auto& u : kUnits) {
    if (s.ends_with(u.suffix)) {
      factor = u.factor;
      s.remove_suffix(u.suffix.size());
      break;
    }
  }
  auto n = parse_int(s);
  if (!n || *n < 0 || *n > std::numeric_limits<std::int64_t>::max() / factor) return std::nullopt;
  return *n * factor;
}

// One key of a mapping as written: its key node and value node.
struct Entry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

// The entries of a mapping, after unknown and duplicate keys were reported.
struct Fields {
  std::vector<Entry> entries;
  // Keys offered by a "did you mean"; their absence is not reported again.
  std::vector<std::string> suggested;
  bool was_suggested(std::string_view key) const {
    return std::find(suggested.begin(), suggested.end(), key) != suggested.end();
  }
  // The entry for `key` when it is present with a value (an empty value counts as absent).
  const Entry* get(std::string_view key) const {
    for (const auto& e : entries)
      if (e.key == key && !e.value.IsNull()) return &e;
    return nullptr;
  }
};

// A scalar after substitution. `shown` is what messages may print: the text as written when it
// held a ${...} reference, and redacted when the key holds secrets.
struct Text {
  std::string value;
  std::string shown;
};

class Loader;

}  // namespace

struct Section::Impl {
  Loader* loader = nullptr;
  YAML::Node node;
  Fields fields;
  std::string label;
  std::vector<KeySpec> keys;

  bool secret(std::string_view key) const {
    for (const auto& k : keys)
      if (k.name == key) return k.secret;
    return false;
  }
};

namespace {

class Loader {
  friend class config::Section;

 public:
  Loader(std::string_view source, std::string path, const LoadOptions& options)
      : source_(source), path_(std::move(path)), options_(options) {
    std::error_code ec;
    fs::path absolute =
        path_.empty() ? fs::current_path(ec) / "freshwatch.yml" : fs::absolute(fs::path(path_), ec);
    base_dir_ = absolute.parent_path();
  }

  LoadResult run() {
    result_.config.path = path_;
    YAML::Node root;
    try {
      root = YAML::Load(std::string(source_));
    } catch (const YAML::Exception& e) {
      report(e.mark, fmt::format("YAML syntax error: {}", e.msg),
             "check the indentation, quotes and brackets here");
      return finish();
    }
    try {
      top_level(root);
    } catch (const std::exception& e) {
      report(YAML::Mark::null_mark(),
             fmt::format("internal error while reading the configuration: {}", e.what()), "");
    }
    return finish();
  }

  void report(const YAML::Mark& mark, std::string message, std::string hint = {}) {
    result_.problems.push_back({location(mark), std::move(message), std::move(hint)});
  }

 private:
  Location location(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.line < 0) return {path_, 0, 0};
    return {path_, mark.line + 1, mark.column + 1};
  }
  std::string origin(const YAML::Mark& mark) const {
    const Location l = location(mark);
    return l.line ? fmt::format("{}:{}:{}", l.file, l.line, l.column) : l.file;
  }

  LoadResult finish() {
    std::stable_sort(result_.problems.begin(), result_.problems.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                       return std::pair(a.location.line, a.location.column) <
                              std::pair(b.location.line, b.location.column);
                     });
    return std::move(result_);
  }

  // Where a value's problems are reported: the value, or its key when the value is empty.
  static YAML::Mark at(const Entry& e) {
    return e.value.IsNull() || e.value.Mark().is_null() ? e.key_node.Mark() : e.value.Mark();
  }

  // A list item's position. An empty item has none of its own (the parser gives the next
  // token's), so its dash is used.
  YAML::Mark item_mark(const YAML::Node& node) const {
    const YAML::Mark m = node.Mark();
    if (!node.IsNull() || m.is_null() || m.pos <= 0) return m;
    std::size_t p = std::min<std::size_t>(m.pos, source_.size());
    while (p > 0 && std::isspace(static_cast<unsigned char>(source_[p - 1]))) --p;
    if (p == 0 || source_[p - 1] != '-') return m;
    YAML::Mark dash;
    dash.pos = static_cast<int>(p - 1);
    dash.line = static_cast<int>(std::count(source_.begin(), source_.begin() + dash.pos, '\n'));
    const auto line_start = source_.rfind('\n', dash.pos == 0 ? 0 : dash.pos - 1);
    dash.column = line_start == std::string_view::npos || dash.pos == 0
                      ? dash.pos
                      : dash.pos - static_cast<int>(line_start) - 1;
    return dash;
  }

  std::string resolve_path(const std::string& p) const {
    if (p.empty() || p == ":memory:" || p.starts_with("file:")) return p;
    fs::path path(p);
    if (path.is_absolute()) return path.lexically_normal().string();
    return (base_dir_ / path).lexically_normal().string();
  }

  // ---- mappings ------------------------------------------------------------------------------

  // Reads a mapping, reporting keys outside `allowed` (with a did-you-mean, or `explain` when it
  // knows better) and keys given twice. Empty when `node` is not a mapping.
  std::optional<Fields> fields(const YAML::Node& node, const YAML::Mark& where,
                               std::string_view what, const Keys& allowed,
                               const std::function<std::string(std::string_view)>& explain = {}) {
    if (!node.IsMap()) {
      report(node.IsNull() ? where : node.Mark(),
             fmt::format("{}: expected a mapping of keys ({}), not {}", what,
                         fmt::join(allowed, ", "), node_kind(node)));
      return std::nullopt;
    }
    Fields out;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) {
        report(key.Mark(), fmt::format("{}: a key must be a word, not {}", what, node_kind(key)));
        continue;
      }
      const std::string name = key.Scalar();
      if (!contains(allowed, name)) {
        std::string hint;
        if (auto c = closest(name, allowed)) {
          hint = fmt::format("did you mean '{}'?", *c);
          out.suggested.push_back(*c);
        }
        if (hint.empty() && explain) hint = explain(name);
        if (hint.empty()) hint = fmt::format("{} takes: {}", what, fmt::join(allowed, ", "));
        report(key.Mark(), fmt::format("unknown key '{}' in {}", name, what), hint);
        continue;
      }
      auto first = std::find_if(out.entries.begin(), out.entries.end(),
                                [&](const Entry& e) { return e.key == name; });
      if (first != out.entries.end()) {
        report(key.Mark(), fmt::format("key '{}' appears twice in {}", name, what),
               fmt::format("the first is at line {}, column {}; keep one",
                           location(first->key_node.Mark()).line,
                           location(first->key_node.Mark()).column));
        continue;
      }
      out.entries.push_back({name, key, it->second});
    }
    return out;
  }

  // ---- scalars -------------------------------------------------------------------------------

  // Where `token` occurs in the source, searching forward from `from` (a scalar's start).
  YAML::Mark find_in_source(const YAML::Mark& from, std::string_view token,
                            std::size_t* search_pos) const {
    if (from.is_null() || from.pos < 0) return from;
    const std::size_t start = std::max<std::size_t>(*search_pos, from.pos);
    const std::size_t found = source_.find(token, start);
    if (found == std::string_view::npos) return from;
    *search_pos = found + token.size();
    YAML::Mark m = from;
    for (std::size_t i = from.pos; i < found; ++i) {
      if (source_[i] == '\n') {
        ++m.line;
        m.column = 0;
      } else {
        ++m.column;
      }
    }
    m.pos = static_cast<int>(found);
    return m;
  }

  std::optional<std::string> getenv(const std::string& name) const {
    if (options_.getenv) return options_.getenv(name);
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
  }

  // Expands ${VAR}, ${VAR:-default} and ${file:PATH}; $${ stands for a literal ${.
  std::optional<std::string> substitute(const YAML::Node& node, const std::string& raw,
                                        std::string_view key, bool* substituted) {
    std::string out;
    bool ok = true;
    std::size_t search_pos = 0;
    std::size_t i = 0;
    while (i < raw.size()) {
      if (raw.compare(i, 3, "$${") == 0) {
        out += "${";
        i += 3;
        continue;
      }
      if (raw.compare(i, 2, "${") != 0) {
        out += raw[i++];
        continue;
      }
      *substituted = true;
      const std::size_t close = raw.find('}', i + 2);
      if (close == std::string::npos) {
        report(find_in_source(node.Mark(), "${", &search_pos),
               fmt::format("{}: '${{' without a closing '}}'", key),
               "write ${NAME}, or $${ for a literal ${");
        return std::nullopt;
      }
      const std::string reference = raw.substr(i, close + 1 - i);
      const std::string inner = raw.substr(i + 2, close - i - 2);
      const YAML::Mark mark = find_in_source(node.Mark(), reference, &search_pos);
      i = close + 1;
      if (inner.starts_with("file:")) {
        const std::string file = resolve_path(inner.substr(5));
        std::error_code ec;
        std::string why;
        std::ifstream in;
        if (inner.size() == 5) {
          report(mark, fmt::format("{}: '${{file:}}' names no file", key),
                 "write ${file:PATH}, with PATH relative to the configuration file's folder");
          ok = false;
          continue;
        }
        if (!fs::exists(file, ec))
          why = "no such file";
        else if (fs::is_directory(file, ec))
          why = "it is a folder";
        else if (in.open(file, std::ios::binary); !in)
          why = std::strerror(errno);
        if (!why.empty()) {
          report(mark, fmt::format("{}: cannot read secret file {}: {}", key, file, why),
                 "${file:PATH} reads PATH, relative to the configuration file's folder");
          ok = false;
          continue;
        }
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        while (!content.empty() && (content.back() == '\n' || content.back() == '\r'))
          content.pop_back();
        out += content;
        continue;
      }
      std::string name = inner;
      std::optional<std::string> fallback;
      if (const auto dash = inner.find(":-"); dash != std::string::npos) {
        name = inner.substr(0, dash);
        fallback = inner.substr(dash + 2);
      }
      if (!valid_variable_name(name)) {
        report(mark, fmt::format("{}: '{}' is not a variable reference", key, reference),
               "write ${NAME} or ${NAME:-default} with a name of letters, digits and _, "
               "${file:PATH}, or $${ for a literal ${");
        ok = false;
        continue;
      }
      auto value = getenv(name);
      if (value && !value->empty()) {
        out += *value;
      } else if (fallback) {
        out += *fallback;
      } else if (value) {
        out += *value;
      } else {
        report(mark, fmt::format("{}: environment variable {} is not set", key, name),
               fmt::format("set it, or give a default: ${{{}:-VALUE}}", name));
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return out;
  }

  // A scalar value, substituted. Empty (after reporting) when it is not a scalar or a
  // reference could not be resolved.
  std::optional<Text> text(const Entry& e, std::string_view what = "a string",
                           bool secret = false) {
    if (!e.value.IsScalar()) {
      report(at(e), fmt::format("{}: expected {}, not {}", e.key, what, node_kind(e.value)));
      return std::nullopt;
    }
    const std::string& raw = e.value.Scalar();
    bool substituted = false;
    auto value = substitute(e.value, raw, e.key, &substituted);
    if (!value) return std::nullopt;
    std::string shown = substituted ? raw : *value;
    if (secret || is_secret_key(e.key)) shown = core::redact_dsn(shown);
    return Text{std::move(*value), std::move(shown)};
  }

  std::optional<std::string> string(const Entry& e, bool allow_empty = false,
                                    bool secret = false) {
    auto t = text(e, "a string", secret);
    if (!t) return std::nullopt;
    if (!allow_empty && t->value.empty()) {
      report(at(e), fmt::format("{}: empty value", e.key),
             t->shown.empty() ? "give a value or leave the key out"
                              : fmt::format("{} expanded to nothing", t->shown));
      return std::nullopt;
    }
    return std::move(t->value);
  }

  std::optional<bool> boolean(const Entry& e) {
    auto t = text(e, "true or false");
    if (!t) return std::nullopt;
    if (t->value == "true") return true;
    if (t->value == "false") return false;
    report(at(e), fmt::format("{}: expected true or false, not '{}'", e.key, t->shown));
    return std::nullopt;
  }

  std::optional<std::int64_t> integer(const Entry& e, std::int64_t min, std::int64_t max) {
    auto t = text(e, "a whole number");
    if (!t) return std::nullopt;
    auto n = parse_int(t->value);
    if (!n) {
      report(at(e), fmt::format("{}: expected a whole number, not '{}'", e.key, t->shown));
      return std::nullopt;
    }
    if (*n < min || *n > max) {
      report(at(e), fmt::format("{}: {} is out of range", e.key, t->shown),
             fmt::format("use {} to {}", min, max));
      return std::nullopt;
    }
    return *n;
  }

  std::optional<core::Duration> duration(const Entry& e, bool allow_zero) {
    auto t = text(e, "a duration");
    if (!t) return std::nullopt;
    auto d = core::parse_duration(t->value);
    if (!d) {
      report(at(e), fmt::format("{}: '{}' is not a duration", e.key, t->shown),
             "write a number and a unit: 90s, 30m, 12h, 1d, 2w, or combined as 1h30m");
      return std::nullopt;
    }
    if (d->count() < 0 || (!allow_zero && d->count() == 0)) {
      report(at(e),
             fmt::format("{}: '{}' must be {}", e.key, t->shown,
                         allow_zero ? "zero or more" : "more than zero"),
             "write a number and a unit: 90s, 30m, 12h, 1d, 2w");
      return std::nullopt;
    }
    return *d;
  }

  std::optional<std::string> choice(const Entry& e, const Keys& allowed) {
    auto t = text(e);
    if (!t) return std::nullopt;
    if (!contains(allowed, t->value)) {
      report(at(e),
             fmt::format("{}: '{}' is not one of {}", e.key, t->shown, fmt::join(allowed, ", ")),
             t->shown == t->value ? did_you_mean(t->value, allowed) : std::string());
      return std::nullopt;
    }
    return std::move(t->value);
  }

  std::optional<std::string> zone(const Entry& e) {
    auto t = text(e, "a time zone");
    if (!t) return std::nullopt;
    if (core::find_zone(t->value)) return std::move(t->value);
    std::string hint = "use an IANA name such as UTC or Europe/Berlin";
    try {
      std::vector<std::string> names;
      for (const auto& z : date::get_tzdb().zones) names.push_back(z.name());
      auto c = t->shown == t->value ? closest(t->value, names) : std::nullopt;
      if (c) hint = fmt::format("did you mean '{}'?", *c);
    } catch (const std::exception&) {
    }
    report(at(e), fmt::format("{}: unknown time zone '{}'", e.key, t->shown), hint);
    return std::nullopt;
  }

  std::optional<std::string> cron(const Entry& e) {
    auto t = text(e, "a cron expression");
    if (!t) return std::nullopt;
    if (auto problem = cron_problem(t->value)) {
      const bool substituted = t->shown != t->value;
      report(at(e),
             substituted ? fmt::format("{}: '{}' is not a valid cron expression", e.key, t->shown)
                         : fmt::format("{}: {}", e.key, *problem),
             "for example \"*/15 * * * *\" for every 15 minutes, \"0 6 * * 1-5\" for weekdays at "
             "06:00");
      return std::nullopt;
    }
    return std::move(t->value);
  }

  std::optional<std::vector<std::string>> list(const Entry& e, std::string_view items,
                                               std::string_view item, std::string_view example) {
    if (!e.value.IsSequence()) {
      report(at(e),
             fmt::format("{}: expected a list of {}, not {}", e.key, items, node_kind(e.value)),
             fmt::format("write {}: {}", e.key, example));
      return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (const auto& node : e.value) {
      Entry element{e.key, e.key_node, node};
      if (!node.IsScalar()) {
        report(node.IsNull() ? item_mark(node) : node.Mark(),
               fmt::format("{}: expected {} in the list, not {}", e.key, item, node_kind(node)),
               fmt::format("write {}: {}", e.key, example));
        ok = false;
        continue;
      }
      if (auto s = string(element))
        out.push_back(std::move(*s));
      else
        ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
  }

  std::optional<model::Selector> selector(const Entry& e) {
    auto t = text(e, "a selector");
    if (!t) return std::nullopt;
    auto s = model::parse_selector(t->value);
    if (!s) {
      const bool substituted = t->shown != t->value;
      report(at(e),
             substituted ? fmt::format("{}: '{}' is not a valid selector", e.key, t->shown)
                         : fmt::format("{}: {}", e.key, s.error().message),
             "selectors: a key glob such as 'warehouse:analytics.finance.*', or tag:NAME, "
             "owner:NAME, connection:NAME, kind:KIND");
      return std::nullopt;
    }
    return *s;
  }

  // ---- sections ------------------------------------------------------------------------------

  void top_level(const YAML::Node& root) {
    Config& c = result_.config;
    if (!root.IsDefined() || root.IsNull()) {
      report(root.Mark(), "the configuration is empty",
             "start from examples/freshwatch.yml; it needs at least connections");
      return;
    }
    auto f = fields(root, root.Mark(), "the top level", kTopLevelKeys);
    if (!f) return;
    if (auto* e = f->get("timezone"))
      if (auto z = zone(*e)) c.timezone = *z;
    if (auto* e = f->get("naive_timezone"))
      if (auto z = zone(*e)) c.naive_timezone = *z;
    if (auto* e = f->get("store")) store(*e);
    if (auto* e = f->get("server")) server(*e);
    if (auto* e = f->get("default_policy")) {
      if (auto p = fields(e->value, at(*e), "default_policy", kRuleKeys))
        if (auto rule = policy_rule(*p, e->value.Mark(), "default_policy"))
          c.default_policy = {"default", *rule, origin(e->value.Mark())};
    }
    c.store.sqlite = resolve_path(c.store.sqlite);
    if (auto* e = f->get("connections")) connections(*e);
    if (auto* e = f->get("policies")) policies(*e);
    if (auto* e = f->get("alerts")) alerts(*e);
  }

  void store(const Entry& entry) {
    auto f = fields(entry.value, at(entry), "store", kStoreKeys);
    if (!f) return;
    StoreConfig& s = result_.config.store;
    if (auto* e = f->get("sqlite"))
      if (auto v = string(*e)) s.sqlite = *v;
    if (auto* e = f->get("observation_retention"))
      if (auto d = duration(*e, false)) s.observation_retention = *d;
  }

  void server(const Entry& entry) {
    auto f = fields(entry.value, at(entry), "server", kServerKeys);
    if (!f) return;
    ServerConfig& s = result_.config.server;
    if (auto* e = f->get("listen")) {
      if (auto t = text(*e, "HOST:PORT")) {
        const auto colon = t->value.rfind(':');
        const auto port = colon == std::string::npos
                              ? std::nullopt
                              : parse_int(std::string_view(t->value).substr(colon + 1));
        if (colon == std::string::npos || colon == 0 || !port || *port < 0 || *port > 65535)
          report(at(*e), fmt::format("listen: '{}' is not HOST:PORT", t->shown),
                 "write 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080; port 0 picks a free one");
        else
          s.listen = t->value;
      }
    }
    if (auto* e = f->get("request_timeout"))
      if (auto d = duration(*e, false)) s.request_timeout = *d;
    if (auto* e = f->get("max_body_bytes")) {
      if (auto t = text(*e, "a size")) {
        auto n = parse_size(t->value);
        if (!n || *n == 0)
          report(at(*e), fmt::format("max_body_bytes: '{}' is not a size", t->shown),
                 "write a number of bytes more than zero, or with a unit: 512KiB, 1MiB, 10MB");
        else
          s.max_body_bytes = static_cast<std::size_t>(*n);
      }
    }
    if (auto* e = f->get("session_ttl"))
      if (auto d = duration(*e, false)) s.session_ttl = *d;
    if (auto* e = f->get("cookie_secure"))
      if (auto b = boolean(*e)) s.cookie_secure = *b;
    if (auto* e = f->get("threads"))
      if (auto n = integer(*e, 1, 256)) s.threads = static_cast<int>(*n);
  }

  void connections(const Entry& entry) {
    if (!entry.value.IsSequence()) {
      report(at(entry),
             fmt::format("connections: expected a list of connections, not {}",
                         node_kind(entry.value)),
             "write each as a list item: - name: warehouse");
      return;
    }
    std::map<std::string, YAML::Mark> seen;
    for (const auto& node : entry.value) connection(node, seen);
  }

  void connection(const YAML::Node& node, std::map<std::string, YAML::Mark>& seen) {
    if (!node.IsMap()) {
      report(item_mark(node),
             fmt::format("connections: expected a connection (a mapping with name, type, ...), "
                         "not {}",
                         node_kind(node)));
      return;
    }
    // The type decides which keys are allowed, so read it first.
    std::optional<Text> type_text;
    for (auto it = node.begin(); it != node.end() && !type_text; ++it)
      if (it->first.IsScalar() && it->first.Scalar() == "type" && !it->second.IsNull())
        type_text = text(Entry{"type", it->first, it->second}, "a connection type");
    const ConnectionType* type = type_text ? find_connection_type(type_text->value) : nullptr;
    const auto documented = connection_types(false);

    Keys allowed;
    for (const auto& k : common_connection_keys()) allowed.push_back(k.name);
    auto add_keys = [&](const ConnectionType& t) {
      for (const auto& k : t.keys)
        if (!contains(allowed, k.name)) allowed.push_back(k.name);
    };
    if (type) {
      add_keys(*type);
    } else {
      for (const auto* t : documented) add_keys(*t);
    }
    const std::string what = type ? fmt::format("a {} connection", type->name) : "a connection";
    auto explain = [&](std::string_view key) -> std::string {
      if (!type) return {};
      Keys owners;
      for (const auto* t : documented)
        for (const auto& k : t->keys)
          if (k.name == key) owners.push_back(t->name);
      if (owners.empty()) return {};
      Keys own;
      for (const auto& k : type->keys) own.push_back(k.name);
      return fmt::format("{} is a key of {} connections; {} connections take {}", key,
                         one_of(owners), type->name, fmt::join(own, ", "));
    };
    auto f = fields(node, node.Mark(), what, allowed, explain);
    if (!f) return;

    ConnectionConfig c;
    c.location = location(node.Mark());

    if (auto* e = f->get("name")) {
      if (auto n = string(*e)) {
        if (!valid_connection_name(*n)) {
          report(at(*e), fmt::format("name: '{}' may use only a-z, 0-9, _ and -", *n),
                 "the name starts every asset key, as in warehouse:analytics.public.orders");
        } else if (auto first = seen.find(*n); first != seen.end()) {
          report(at(*e), fmt::format("name: connection '{}' is defined twice", *n),
                 fmt::format("the first is at line {}; names must be unique",
                             location(first->second).line));
        } else {
          seen.emplace(*n, e->value.Mark());
        }
        c.name = *n;
      }
    } else if (!f->was_suggested("name")) {
      report(node.Mark(), "a connection needs a name",
             "name: warehouse; use a-z, 0-9, _ and -, as the name starts every asset key");
    }
    const std::string label = !c.name.empty() ? fmt::format("connection '{}'", c.name)
                              : type          ? fmt::format("a {} connection", type->name)
                                              : std::string("a connection");

    Keys type_names;
    for (const auto* t : documented) type_names.push_back(t->name);
    if (auto* e = f->get("type")) {
      if (type_text) {
        if (!type) {
          std::string hint = type_text->shown == type_text->value
                                 ? did_you_mean(type_text->value, type_names)
                                 : std::string();
          report(at(*e), fmt::format("type: unknown connection type '{}'", type_text->shown),
                 hint.empty() ? fmt::format("types: {}", fmt::join(type_names, ", ")) : hint);
        }
        c.type = type ? type->name : type_text->value;
      }
    } else if (!f->was_suggested("type")) {
      report(node.Mark(), fmt::format("{} needs a type", label),
             fmt::format("type: {}", one_of(type_names)));
    }

    Fields own;  // the type's keys, for its parser
    own.suggested = f->suggested;
    for (const auto& e : f->entries) {
      if (e.value.IsNull() || e.key == "name" || e.key == "type") continue;
      if (is_common_key(e.key))
        connection_key(e, c);
      else
        own.entries.push_back(e);
    }
    if (type) {
      auto section = make_section(node, std::move(own), label, type->keys);
      check_required(node, section, type->keys, type->required_hint);
      if (type->parse) c.options = type->parse(section);
    }
    result_.config.connections.push_back(std::move(c));
  }

  static bool is_common_key(std::string_view key) {
    for (const auto& k : common_connection_keys())
      if (k.name == key) return true;
    return false;
  }

  void connection_key(const Entry& e, ConnectionConfig& c) {
    const std::string& k = e.key;
    if (k == "schedule") {
      if (auto v = cron(e)) c.schedule = *v;
    } else if (k == "jitter") {
      if (auto d = duration(e, true)) c.jitter = *d;
    } else if (k == "timeout") {
      if (auto d = duration(e, false)) c.timeout = *d;
    } else if (k == "retries") {
      if (auto n = integer(e, 0, 100)) c.retries = static_cast<int>(*n);
    } else if (k == "retry_backoff") {
      if (auto d = duration(e, true)) c.retry_backoff = *d;
    } else if (k == "owner") {
      if (auto v = string(e, true)) c.owner = *v;
    } else if (k == "tags") {
      if (auto l = list(e, "tags", "a tag", "[daily, finance]")) c.tags = *l;
    }
  }

  // ---- sections (config/section.h) -------------------------------------------------------------

  Section make_section(const YAML::Node& node, Fields f, std::string label,
                       std::span<const KeySpec> keys) {
    auto impl = std::make_shared<Section::Impl>();
    impl->loader = this;
    impl->node = node;
    impl->fields = std::move(f);
    impl->label = std::move(label);
    impl->keys.assign(keys.begin(), keys.end());
    return Section(std::move(impl));
  }

  void check_required(const YAML::Node& node, const Section& section,
                      std::span<const KeySpec> keys, std::string_view hint) {
    for (const auto& k : keys)
      if (k.required && !section.has(k.name) && !section.suggested(k.name))
        report(node.Mark(), fmt::format("{} needs {}", section.label(), k.name),
               std::string(hint));
  }


  // A list of mappings inside a section, each read with `keys`.
  std::vector<Section> items(const Entry& entry, std::span<const KeySpec> keys,
                             std::string_view what, std::string_view required_hint) {
    std::vector<Section> out;
    if (!entry.value.IsSequence()) {
      report(at(entry),
             fmt::format("{}: expected a list, not {}", entry.key, node_kind(entry.value)),
             keys.empty() ? std::string()
                          : fmt::format("write each as a list item: - {}: {}", keys[0].name,
                                        keys[0].example));
      return out;
    }
    Keys allowed;
    for (const auto& k : keys) allowed.push_back(k.name);
    for (const auto& node : entry.value) {
      auto f = fields(node, item_mark(node), what, allowed);
      if (!f) continue;
      Section item = make_section(node, std::move(*f), std::string(what), keys);
      check_required(node, item, keys, required_hint);
      out.push_back(std::move(item));
    }
    return out;
  }

  // {name: value, ...} inside a section.
  std::optional<std::map<std::string, std::string>> names(const Entry& entry,
                                                          std::string_view example,
                                                          bool value_is_path) {
    if (!entry.value.IsMap()) {
      report(at(entry),
             fmt::format("{}: expected a mapping, not {}", entry.key, node_kind(entry.value)),
             fmt::format("write {}: {}", entry.key, example));
      return std::nullopt;
    }
    std::map<std::string, std::string> out;
    bool ok = true;
    for (auto it = entry.value.begin(); it != entry.value.end(); ++it) {
      if (!it->first.IsScalar() || it->first.Scalar().empty()) {
        report(it->first.Mark(), fmt::format("{}: a name must be a word", entry.key));
        ok = false;
        continue;
      }
      const std::string name = it->first.Scalar();
      if (auto v = string(Entry{name, it->first, it->second}))
        out[name] = value_is_path ? resolve_path(*v) : *v;
      else
        ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
  }

  void policies(const Entry& entry) {
    if (!entry.value.IsSequence()) {
      report(at(entry),
             fmt::format("policies: expected a list of policies, not {}", node_kind(entry.value)),
             "write each as a list item: - select: \"tag:daily\"");
      return;
    }
    for (const auto& node : entry.value) {
      auto f = fields(node, item_mark(node), "a policy", kPolicyKeys);
      if (!f) continue;
      PolicyConfig p;
      p.location = location(node.Mark());
      bool ok = true;
      if (auto* e = f->get("select")) {
        if (auto s = selector(*e))
          p.select = *s;
        else
          ok = false;
      } else if (f->was_suggested("select")) {
        ok = false;
      } else {
        report(node.Mark(), "a policy needs select",
               "select: \"warehouse:analytics.finance.*\", or tag:NAME, owner:NAME, "
               "connection:NAME, kind:KIND");
        ok = false;
      }
      std::string name = p.select.text;
      if (auto* e = f->get("name")) {
        if (auto v = string(*e))
          name = *v;
        else
          ok = false;
      }
      auto rule = policy_rule(*f, node.Mark(), "a policy");
      if (!rule || !ok) continue;
      p.policy = {name, *rule, origin(node.Mark())};
      result_.config.policies.push_back(std::move(p));
    }
  }

  // ---- alerts ----------------------------------------------------------------------------------

  void alerts(const Entry& entry) {
    auto f = fields(entry.value, at(entry), "alerts", kAlertsKeys);
    if (!f) return;
    AlertsConfig& a = result_.config.alerts;
    // Every channel name written, valid or not, so routes report only names never defined.
    std::vector<std::string> names;
    if (auto* e = f->get("channels")) {
      if (!e->value.IsSequence()) {
        report(at(*e),
               fmt::format("channels: expected a list of channels, not {}", node_kind(e->value)),
               "write each as a list item: - {name: data-team, type: slack, url: "
               "\"${SLACK_WEBHOOK_URL}\"}");
      } else {
        std::map<std::string, YAML::Mark> seen;
        for (const auto& node : e->value) channel(node, seen, names);
      }
    }
    if (auto* e = f->get("routes")) {
      if (!e->value.IsSequence()) {
        report(at(*e), fmt::format("routes: expected a list of routes, not {}", node_kind(e->value)),
               "write each as a list item: - {select: \"*\", channels: [data-team]}");
      } else {
        for (const auto& node : e->value) route(node, names);
      }
    }
    if (auto* e = f->get("renotify_every"))
      if (auto d = duration(*e, true)) a.renotify_every = *d;
    if (auto* e = f->get("min_duration"))
      if (auto d = duration(*e, true)) a.min_duration = *d;
    if (auto* e = f->get("silences")) {
      if (!e->value.IsSequence()) {
        report(at(*e),
               fmt::format("silences: expected a list of silences, not {}", node_kind(e->value)),
               "write each as a list item: - {select: \"tag:staging\", cron: \"0 2 * * *\", "
               "duration: 2h}");
      } else {
        for (const auto& node : e->value) silence(node);
      }
    }
    if (auto* e = f->get("public_url")) {
      if (auto v = string(*e)) {
        auto url = net::parse_url(*v);
        if (!url || url->has_userinfo)
          report(at(*e), "public_url: expected the status page's http:// or https:// address",
                 "for example https://freshwatch.example.com; notifications link to its asset pages");
        else
          a.public_url = std::move(*v);
        while (a.public_url.ends_with('/')) a.public_url.pop_back();
      }
    }
  }

  void channel(const YAML::Node& node, std::map<std::string, YAML::Mark>& seen,
               std::vector<std::string>& names) {
    Keys type_names;
    for (const auto& t : kChannelTypes) type_names.push_back(t.name);
    if (!node.IsMap()) {
      report(item_mark(node),
             fmt::format("channels: expected a channel (a mapping with name, type, ...), not {}",
                         node_kind(node)));
      return;
    }
    // The type decides which keys are allowed, so read it first.
    std::optional<Text> type_text;
    YAML::Node type_node;
    for (auto it = node.begin(); it != node.end() && !type_text; ++it)
      if (it->first.IsScalar() && it->first.Scalar() == "type" && !it->second.IsNull()) {
        type_text = text(Entry{"type", it->first, it->second}, "a channel type");
        type_node = it->second;
      }
    const ChannelTypeKeys* type = nullptr;
    for (const auto& t : kChannelTypes)
      if (type_text && t.name == type_text->value) type = &t;
    Keys allowed;
    for (const auto& t : kChannelTypes)
      if (!type || type == &t)
        for (auto k : t.keys)
          if (!contains(allowed, k)) allowed.push_back(k);
    const std::string what = type ? fmt::format("a {} channel", type->name) : "a channel";
    auto explain = [&](std::string_view key) -> std::string {
      if (!type) return {};
      Keys owners;
      for (const auto& t : kChannelTypes)
        if (contains(t.keys, key)) owners.push_back(t.name);
      if (owners.empty()) return {};
      return fmt::format("{} is a key of {} channels; {} channels take {}", key, one_of(owners),
                         type->name, fmt::join(type->keys, ", "));
    };
    auto f = fields(node, node.Mark(), what, allowed, explain);
    if (!f) return;

    ChannelConfig c;
    c.location = location(node.Mark());
    bool ok = true;
    if (auto* e = f->get("name")) {
      if (auto n = string(*e)) {
        if (std::find(names.begin(), names.end(), *n) == names.end()) names.push_back(*n);
        if (!valid_connection_name(*n)) {
          report(at(*e), fmt::format("name: '{}' may use only a-z, 0-9, _ and -", *n),
                 "routes name channels by it, and it is part of every delivery id");
          ok = false;
        } else if (auto first = seen.find(*n); first != seen.end()) {
          report(at(*e), fmt::format("name: channel '{}' is defined twice", *n),
                 fmt::format("the first is at line {}; names must be unique",
                             location(first->second).line));
          ok = false;
        } else {
          seen.emplace(*n, e->value.Mark());
        }
        c.name = *n;
      } else {
        ok = false;
      }
    } else {
      if (!f->was_suggested("name"))
        report(node.Mark(), "a channel needs a name",
               "name: data-team; routes name their channels by it");
      ok = false;
    }
    const std::string label = !c.name.empty() ? fmt::format("channel '{}'", c.name) : what;
    if (f->get("type")) {
      if (type_text && !type) {
        std::string hint = type_text->shown == type_text->value
                               ? did_you_mean(type_text->value, type_names)
                               : std::string();
        report(type_node.Mark(), fmt::format("type: unknown channel type '{}'", type_text->shown),
               hint.empty() ? fmt::format("types: {}", fmt::join(type_names, ", ")) : hint);
      }
      if (!type) ok = false;
    } else {
      if (!f->was_suggested("type"))
        report(node.Mark(), fmt::format("{} needs a type", label),
               fmt::format("type: {}", one_of(type_names)));
      ok = false;
    }
    if (!type) {
      // Still check the values that are there.
      for (const auto& e : f->entries)
        if (e.key != "name" && e.key != "type" && !e.value.IsNull()) (void)text(e);
      return;
    }
    c.type = type->type;

    const Entry* url = f->get("url");
    if (const Entry* smtp = f->get("smtp")) {
      if (url) {
        report(smtp->key_node.Mark(), "smtp: is another name for url; give one of them",
               fmt::format("url is at line {}", location(url->key_node.Mark()).line));
        ok = false;
      }
      url = smtp;
    }
    // Where the channel sends is a credential itself for slack and teams (the URL holds the
    // token); shown only as written (${...}) or by host.
    std::optional<std::string> url_value;
    if (url) {
      url_value = string(*url, false, /*secret=*/true);
      if (!url_value) ok = false;
    }
    if (auto* e = f->get("secret")) {
      if (auto v = string(*e, false, true)) c.secret = *v; else ok = false;
    }
    if (auto* e = f->get("routing_key")) {
      if (auto v = string(*e, false, true)) c.routing_key = *v; else ok = false;
    }
    if (auto* e = f->get("starttls")) {
      if (auto b = boolean(*e)) c.starttls = *b; else ok = false;
    }
    if (auto* e = f->get("username")) {
      if (auto v = string(*e)) c.username = *v; else ok = false;
    }
    if (auto* e = f->get("password")) {
      if (auto v = string(*e, false, true)) c.password = *v; else ok = false;
    }
    if (auto* e = f->get("from")) {
      if (auto v = string(*e)) c.from = *v; else ok = false;
    }
    if (auto* e = f->get("to")) {
      if (auto l = list(*e, "addresses", "an address", "[data@example.com]")) {
        if (l->empty()) {
          report(at(*e), "to: the list is empty", "write to: [data@example.com]");
          ok = false;
        }
        c.to = *l;
      } else {
        ok = false;
      }
    }
    if (auto* e = f->get("ca_file")) {
      if (auto v = string(*e)) c.ca_file = resolve_path(*v); else ok = false;
    }

    auto require = [&](std::string_view key, bool present, std::string_view hint) {
      if (present || f->was_suggested(key)) return;
      report(node.Mark(), fmt::format("{} needs {}", label, key), std::string(hint));
      ok = false;
    };
    switch (c.type) {
      case ChannelType::kSlack:
        require("url", url != nullptr,
                "url: \"${SLACK_WEBHOOK_URL}\", the incoming webhook's URL from Slack");
        break;
      case ChannelType::kTeams:
        require("url", url != nullptr,
                "url: \"${TEAMS_WORKFLOW_URL}\", the workflow's HTTP POST URL from Teams");
        break;
      case ChannelType::kWebhook:
        require("url", url != nullptr, "url: https://ops.example.com/freshwatch");
        require("secret", f->get("secret") != nullptr,
                "secret: \"${WEBHOOK_SECRET}\"; each request is signed with it "
                "(X-Freshwatch-Signature)");
        break;
      case ChannelType::kPagerDuty:
        require("routing_key", f->get("routing_key") != nullptr,
                "routing_key: \"${PD_ROUTING_KEY}\", the integration key of an Events API v2 "
                "integration");
        if (!url) url_value = std::string(kPagerDutyEventsUrl);
        break;
      case ChannelType::kEmail:
        require("url", url != nullptr, "smtp: \"smtp://mail.example.com:587\" (url is the same)");
        require("from", f->get("from") != nullptr, "from: freshwatch@example.com");
        require("to", f->get("to") != nullptr, "to: [data@example.com]");
        if (f->get("password") && !f->get("username")) {
          report(at(*f->get("password")), "password: given without username",
                 "add username, or leave both out for a server without authentication");
          ok = false;
        }
        break;
    }
    if (url && url_value) {
      if (!channel_url(*url, c, *url_value)) ok = false;
    }
    if (url_value) c.url = std::move(*url_value);
    if (ok) result_.config.alerts.channels.push_back(std::move(c));
  }

  // The channel's url: http(s) for every type but email (smtp:// or smtps://); never credentials
  // in plain text to a host that is not loopback.
  bool channel_url(const Entry& e, const ChannelConfig& c, const std::string& value) {
    if (c.type == ChannelType::kEmail) {
      const std::string scheme = lower(value.substr(0, value.find("://")));
      const bool has_scheme = value.find("://") != std::string::npos;
      if (!has_scheme || (scheme != "smtp" && scheme != "smtps")) {
        report(at(e), fmt::format("{}: expected an smtp:// or smtps:// address", e.key),
               "for example smtp://mail.example.com:587 (STARTTLS) or smtps://mail.example.com:465");
        return false;
      }
      // The host as curl would read it, through the http parser.
      auto parts = net::parse_url("http" + value.substr(scheme.size()));
      if (!parts) {
        report(at(e), fmt::format("{}: not a valid address", e.key),
               "for example smtp://mail.example.com:587");
        return false;
      }
      const bool credentials = !c.username.empty() || parts->has_userinfo;
      if (credentials && scheme == "smtp" && !c.starttls && !net::is_loopback_host(parts->host)) {
        report(at(e),
               fmt::format("{}: refusing to send the password in plain text to {}; use "
                           "starttls: true or smtps:// (plain smtp is allowed only to loopback "
                           "addresses)",
                           e.key, parts->host),
               "");
        return false;
      }
      return true;
    }
    auto parts = net::parse_url(value);
    if (!parts) {
      report(at(e), fmt::format("{}: expected an http:// or https:// URL", e.key),
             c.type == ChannelType::kPagerDuty
                 ? fmt::format("leave it out for {}", kPagerDutyEventsUrl)
                 : std::string("for example https://hooks.example.com/freshwatch"));
      return false;
    }
    // Every channel sends a credential: the URL itself (slack, teams), the signing secret's
    // signature (webhook), the routing key (pagerduty).
    if (auto plain = net::check_credentials_transport(*parts, true); !plain) {
      report(at(e), fmt::format("{}: {}", e.key, plain.error().message),
             c.type == ChannelType::kPagerDuty ? "the routing key would cross the network unencrypted"
                                               : "the channel's credentials would cross the "
                                                 "network unencrypted");
      return false;
    }
    return true;
  }

  void route(const YAML::Node& node, const std::vector<std::string>& names) {
    auto f = fields(node, item_mark(node), "a route", kRouteKeys);
    if (!f) return;
    RouteConfig r;
    r.location = location(node.Mark());
    bool ok = true;
    if (auto* e = f->get("select")) {
      if (auto s = selector(*e)) r.select = *s; else ok = false;
    } else {
      if (!f->was_suggested("select"))
        report(node.Mark(), "a route needs select",
               "select: \"*\" for every incident, or tag:NAME, owner:NAME, connection:NAME, a key "
               "glob");
      ok = false;
    }
    if (auto* e = f->get("channels")) {
      if (auto l = list(*e, "channel names", "a channel name", "[data-team]")) {
        if (l->empty()) {
          report(at(*e), "channels: the list is empty", "name at least one of alerts.channels");
          ok = false;
        }
        std::size_t search_pos = 0;
        for (const auto& name : *l) {
          if (std::find(names.begin(), names.end(), name) != names.end()) continue;
          std::string hint = names.empty() ? "define it in alerts.channels"
                                           : fmt::format("channels: {}", fmt::join(names, ", "));
          if (auto c = closest(name, names)) hint = fmt::format("did you mean '{}'?", *c);
          report(find_in_source(e->value.Mark(), name, &search_pos),
                 fmt::format("channels: no channel named '{}'", name), hint);
          ok = false;
        }
        r.channels = *l;
      } else {
        ok = false;
      }
    } else {
      if (!f->was_suggested("channels"))
        report(node.Mark(), "a route needs channels", "channels: [data-team]");
      ok = false;
    }
    if (auto* e = f->get("min_status")) {
      if (auto v = choice(*e, kMinStatuses))
        r.min_status = *model::parse_status(*v);
      else
        ok = false;
    }
    if (ok) result_.config.alerts.routes.push_back(std::move(r));
  }

  void silence(const YAML::Node& node) {
    auto f = fields(node, item_mark(node), "a silence", kSilenceKeys);
    if (!f) return;
    SilenceConfig s;
    s.location = location(node.Mark());
    bool ok = true;
    auto require = [&](std::string_view key, std::string_view hint) {
      if (f->get(key)) return true;
      if (!f->was_suggested(key))
        report(node.Mark(), fmt::format("a silence needs {}", key), std::string(hint));
      ok = false;
      return false;
    };
    if (require("select", "select: \"warehouse:analytics.staging.*\""))
      if (auto v = selector(*f->get("select"))) s.select = *v; else ok = false;
    if (require("cron", "cron: \"0 2 * * *\" starts a window every day at 02:00"))
      if (auto v = cron(*f->get("cron"))) s.cron = *v; else ok = false;
    if (require("duration", "duration: 2h, how long each window lasts"))
      if (auto d = duration(*f->get("duration"), false)) s.duration = *d; else ok = false;
    if (auto* e = f->get("timezone")) {
      if (auto z = zone(*e)) s.timezone = *z; else ok = false;
    }
    if (ok) result_.config.alerts.silences.push_back(std::move(s));
  }

  // The one rule of a policy: warn_after/error_after, deadline or calendar. Every rule present is
  // checked, so its own problems are reported along with a second rule.
  std::optional<model::Rule> policy_rule(const Fields& f, const YAML::Mark& where,
                                         std::string_view what) {
    struct Found {
      const Entry* first_key;
      std::string kind;
      std::optional<model::Rule> rule;
    };
    std::vector<Found> found;
    for (const auto& e : f.entries) {
      if (e.value.IsNull()) continue;
      if (e.key == "warn_after" || e.key == "error_after") {
        if (std::none_of(found.begin(), found.end(),
                         [](const Found& x) { return x.kind == "warn_after/error_after"; }))
          found.push_back({&e, "warn_after/error_after", threshold_rule(f)});
      } else if (e.key == "deadline") {
        found.push_back({&e, e.key, deadline_rule(e)});
      } else if (e.key == "calendar") {
        found.push_back({&e, e.key, calendar_rule(e)});
      }
    }
    if (found.empty()) {
      const bool typo = std::any_of(kRuleKeys.begin(), kRuleKeys.end(),
                                    [&](std::string_view k) { return f.was_suggested(k); });
      if (!typo)
        report(where, fmt::format("{} has no rule", what),
               "add warn_after/error_after, deadline, or calendar");
      return std::nullopt;
    }
    if (found.size() > 1) {
      report(found[1].first_key->key_node.Mark(),
             fmt::format("{} has two rules, {} and {}", what, found[0].kind, found[1].kind),
             "keep one; a policy is either warn_after/error_after, deadline, or calendar");
      return std::nullopt;
    }
    return found[0].rule;
  }

  std::optional<model::Rule> threshold_rule(const Fields& f) {
    model::ThresholdRule rule;
    bool ok = true;
    const Entry* warn = f.get("warn_after");
    const Entry* error = f.get("error_after");
    if (warn) {
      if (auto d = age(*warn))
        rule.warn_after = *d;
      else
        ok = false;
    }
    if (error) {
      if (auto d = age(*error))
        rule.error_after = *d;
      else
        ok = false;
    }
    if (!ok) return std::nullopt;
    if (rule.warn_after && rule.error_after && *rule.warn_after >= *rule.error_after) {
      report(at(*warn), "warn_after: must be shorter than error_after",
             "otherwise the asset never shows warn; drop warn_after or shorten it");
      return std::nullopt;
    }
    return rule;
  }

  // {count: 12, period: hour} or "12h".
  std::optional<core::Duration> age(const Entry& e) {
    if (e.value.IsScalar()) return duration(e, false);
    auto f = fields(e.value, at(e), e.key, kThresholdKeys);
    if (!f) return std::nullopt;
    const Entry* count = f->get("count");
    const Entry* period = f->get("period");
    if (!count || !period) {
      if (!f->was_suggested("count") && !f->was_suggested("period"))
        report(e.value.Mark(), fmt::format("{}: needs count and period", e.key),
               fmt::format("write {}: {{count: 12, period: hour}} with period minute, hour or "
                           "day, or {}: 12h",
                           e.key, e.key));
      return std::nullopt;
    }
    auto n = integer(*count, 1, 1'000'000);
    auto p = choice(*period, kPeriods);
    if (!n || !p) return std::nullopt;
    if (*p == "minute") return std::chrono::minutes(*n);
    if (*p == "hour") return std::chrono::hours(*n);
    return std::chrono::days(*n);
  }

  std::optional<model::Rule> deadline_rule(const Entry& entry) {
    auto f = fields(entry.value, at(entry), "deadline", kDeadlineKeys);
    if (!f) return std::nullopt;
    model::DeadlineRule rule;
    rule.timezone = result_.config.timezone;
    bool ok = true;
    if (auto* e = f->get("cron")) {
      if (auto v = cron(*e))
        rule.cron = *v;
      else
        ok = false;
    } else if (f->was_suggested("cron")) {
      ok = false;
    } else {
      report(entry.value.Mark(), "deadline: needs cron",
             "cron: \"0 6 * * 1-5\" means weekdays at 06:00 in the deadline's timezone");
      ok = false;
    }
    if (auto* e = f->get("timezone")) {
      if (auto z = zone(*e))
        rule.timezone = *z;
      else
        ok = false;
    }
    if (auto* e = f->get("grace")) {
      if (auto d = duration(*e, true))
        rule.grace = *d;
      else
        ok = false;
    }
    if (auto* e = f->get("missed")) {
      if (auto v = choice(*e, kMissedStatuses))
        rule.missed = *v == "warn" ? model::Status::kWarn : model::Status::kError;
      else
        ok = false;
    }
    if (!ok) return std::nullopt;
    return rule;
  }

  std::optional<model::Rule> calendar_rule(const Entry& entry) {
    auto f = fields(entry.value, at(entry), "calendar", kCalendarKeys);
    if (!f) return std::nullopt;
    model::CalendarRule rule;
    bool ok = true;
    if (auto* e = f->get("warn_after_days")) {
      if (auto n = integer(*e, 1, 100'000))
        rule.warn_after_days = static_cast<int>(*n);
      else
        ok = false;
    }
    if (auto* e = f->get("error_after_days")) {
      if (auto n = integer(*e, 1, 100'000))
        rule.error_after_days = static_cast<int>(*n);
      else
        ok = false;
    }
    if (!ok) return std::nullopt;
    if (rule.error_after_days <= rule.warn_after_days) {
      const Entry* e =
          f->get("error_after_days") ? f->get("error_after_days") : f->get("warn_after_days");
      report(at(*e),
             fmt::format("calendar: error_after_days ({}) must be more than warn_after_days ({})",
                         rule.error_after_days, rule.warn_after_days),
             "the defaults are warn_after_days: 1 and error_after_days: 101");
      return std::nullopt;
    }
    return rule;
  }

  std::string_view source_;
  std::string path_;
  const LoadOptions& options_;
  fs::path base_dir_;
  LoadResult result_;
};

}  // namespace

// ---- Section -----------------------------------------------------------------------------------

namespace {

const Entry* entry_of(const Section::Impl& impl, std::string_view key) { return impl.fields.get(key); }

}  // namespace

const std::string& Section::label() const { return impl_->label; }
Location Section::location() const { return impl_->loader->location(impl_->node.Mark()); }
bool Section::has(std::string_view key) const { return entry_of(*impl_, key) != nullptr; }
bool Section::suggested(std::string_view key) const { return impl_->fields.was_suggested(key); }
const std::string& Section::naive_timezone() const {
  return impl_->loader->result_.config.naive_timezone;
}

std::optional<Scalar> Section::scalar(std::string_view key) {
  const Entry* e = entry_of(*impl_, key);
  if (!e) return std::nullopt;
  auto t = impl_->loader->text(*e, "a string", impl_->secret(key));
  if (!t) return std::nullopt;
  return Scalar{std::move(t->value), std::move(t->shown)};
}

std::optional<std::string> Section::string(std::string_view key, bool allow_empty) {
  const Entry* e = entry_of(*impl_, key);
  return e ? impl_->loader->string(*e, allow_empty, impl_->secret(key)) : std::nullopt;
}

std::optional<std::string> Section::path(std::string_view key) {
  auto v = string(key);
  if (!v) return std::nullopt;
  return impl_->loader->resolve_path(*v);
}

std::optional<std::int64_t> Section::integer(std::string_view key, std::int64_t min,
                                             std::int64_t max) {
  const Entry* e = entry_of(*impl_, key);
  return e ? impl_->loader->integer(*e, min, max) : std::nullopt;
}

std::optional<bool> Section::boolean(std::string_view key) {
  const Entry* e = entry_of(*impl_, key);
  return e ? impl_->loader->boolean(*e) : std::nullopt;
}

std::optional<core::Duration> Section::duration(std::string_view key, bool allow_zero) {
  const Entry* e = entry_of(*impl_, key);
  return e ? impl_->loader->duration(*e, allow_zero) : std::nullopt;
}

std::optional<std::string> Section::zone(std::string_view key) {
  const Entry* e = entry_of(*impl_, key);
  return e ? impl_->loader->zone(*e) : std::nullopt;
}

std::optional<std::string> Section::choice(std::string_view key,
                                           std::span<const std::string_view> names) {
  const Entry* e = entry_of(*impl_, key);
  return e ? impl_->loader->choice(*e, Keys(names.begin(), names.end())) : std::nullopt;
}

std::optional<std::vector<std::string>> Section::strings(std::string_view key,
                                                         std::string_view items,
                                                         std::string_view item,
                                                         std::string_view example) {
  const Entry* e = entry_of(*impl_, key);
  return e ? impl_->loader->list(*e, items, item, example) : std::nullopt;
}

std::optional<std::map<std::string, std::string>> Section::names(std::string_view key,
                                                                 std::string_view example,
                                                                 bool value_is_path) {
  const Entry* e = entry_of(*impl_, key);
  return e ? impl_->loader->names(*e, example, value_is_path) : std::nullopt;
}

std::vector<Section> Section::items(std::string_view key, std::span<const KeySpec> keys,
                                    std::string_view what, std::string_view required_hint) {
  const Entry* e = entry_of(*impl_, key);
  if (!e) return {};
  return impl_->loader->items(*e, keys, what, required_hint);
}

void Section::problem(std::string_view key, std::string message, std::string hint) {
  const Entry* e = entry_of(*impl_, key);
  impl_->loader->report(e ? Loader::at(*e) : impl_->node.Mark(), std::move(message),
                        std::move(hint));
}

void Section::problem(std::string message, std::string hint) {
  impl_->loader->report(impl_->node.Mark(), std::move(message), std::move(hint));
}

// ---- connection types -----------------------------------------------------------------------

namespace {

struct TypeRegistry {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const ConnectionType>, std::less<>> by_name;  // and aliases
};

TypeRegistry& type_registry() {
  static TypeRegistry r;
  return r;
}

}  // namespace

void register_connection_type(ConnectionType type) {
  auto& r = type_registry();
  std::lock_guard lock(r.mutex);
  auto shared = std::make_shared<const ConnectionType>(std::move(type));
  r.by_name[shared->name] = shared;
  for (const auto& alias : shared->aliases) r.by_name[alias] = shared;
}

const ConnectionType* find_connection_type(std::string_view name) {
  auto& r = type_registry();
  std::lock_guard lock(r.mutex);
  auto it = r.by_name.find(name);
  return it == r.by_name.end() ? nullptr : it->second.get();
}

std::vector<const ConnectionType*> connection_types(bool with_test_only) {
  auto& r = type_registry();
  std::lock_guard lock(r.mutex);
  std::vector<const ConnectionType*> out;
  for (const auto& [name, type] : r.by_name)
    if (name == type->name && (with_test_only || !type->test_only)) out.push_back(type.get());
  return out;
}

std::span<const KeySpec> common_connection_keys() {
  static const KeySpec keys[] = {
      {"name", "string", true, false, "",
       "Unique; only `a-z`, `0-9`, `_` and `-`. It starts every asset key of the connection "
       "(`warehouse:analytics.public.orders`), so renaming it starts new history",
       "warehouse"},
      {"type", "string", true, false, "", "The connection type; one section each below", "postgres"},
      {"schedule", "cron", false, false, "`\"*/15 * * * *\"`",
       "When to collect, in the top-level `timezone`", "\"*/15 * * * *\""},
      {"jitter", "duration", false, false, "`30s`",
       "Each run starts up to this much after its slot, at random, to spread load", "30s"},
      {"timeout", "duration", false, false, "`5m`", "Longest time one run may take", "5m"},
      {"retries", "whole number, 0 to 100", false, false, "`3`",
       "Retries after a failed run, before the next slot", "3"},
      {"retry_backoff", "duration", false, false, "`30s`",
       "Wait before the first retry; each next retry waits twice as long", "30s"},
      {"owner", "string", false, false, "none", "Owner given to every asset of the connection",
       "data-eng"},
      {"tags", "list of strings", false, false, "none",
       "Tags given to every asset of the connection", "[daily, finance]"},
  };
  return keys;
}

std::string Diagnostic::to_string() const {
  std::string out = location.line > 0 ? fmt::format("{}:{}:{}: error: {}", location.file,
                                                    location.line, location.column, message)
                                      : fmt::format("{}: error: {}", location.file, message);
  if (!hint.empty()) out += fmt::format(" ({})", hint);
  return out;
}

LoadResult load_file(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  const bool exists = fs::exists(path, ec);
  auto problem = [&](std::string message) {
    LoadResult r;
    r.config.path = path;
    r.problems.push_back({{path, 0, 0}, std::move(message), ""});
    return r;
  };
  if (!exists)
    return problem(fmt::format(
        "no configuration at {}; create one (see examples/freshwatch.yml) or pass --config FILE",
        path));
  if (fs::is_directory(path, ec))
    return problem(
        fmt::format("{} is a folder; pass the configuration file with --config FILE", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return problem(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return load_string(text, path, options);
}

LoadResult load_string(std::string_view yaml, const std::string& path, const LoadOptions& options) {
  return Loader(yaml, path, options).run();
}

}  // namespace freshwatch::config
