#include "connectors/dbt/artifacts.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <exception>
#include <string>

#include <simdjson.h>

#include "core/time.h"

namespace freshwatch::connectors::dbt {

namespace od = simdjson::ondemand;
using simdjson::SUCCESS;

static_assert(kJsonPadding == simdjson::SIMDJSON_PADDING);

std::string_view to_string(ResourceType type) {
  switch (type) {
    case ResourceType::kModel: return "model";
    case ResourceType::kSeed: return "seed";
    case ResourceType::kSnapshot: return "snapshot";
    case ResourceType::kSource: return "source";
    case ResourceType::kExposure: return "exposure";
  }
  return "model";
}

std::optional<std::pair<std::string, int>> parse_schema_url(std::string_view url) {
  // ".../dbt/<kind>/v<N>.json"
  if (!url.ends_with(".json")) return std::nullopt;
  url.remove_suffix(5);
  const auto slash = url.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  std::string_view version = url.substr(slash + 1);
  if (version.size() < 2 || version[0] != 'v') return std::nullopt;
  int n = 0;
  auto [end, ec] = std::from_chars(version.data() + 1, version.data() + version.size(), n);
  if (ec != std::errc() || end != version.data() + version.size()) return std::nullopt;
  const auto kind_start = url.rfind('/', slash - 1);
  std::string_view kind = url.substr(kind_start == std::string_view::npos ? 0 : kind_start + 1,
                                     slash - (kind_start == std::string_view::npos ? 0 : kind_start + 1));
  return std::pair<std::string, int>{std::string(kind), n};
}

std::optional<core::Duration> criterion_duration(std::optional<std::int64_t> count,
                                                 std::string_view period) {
  using namespace std::chrono;
  if (!count || *count < 0) return std::nullopt;
  if (period == "minute") return duration_cast<core::Duration>(minutes(*count));
  if (period == "hour") return duration_cast<core::Duration>(hours(*count));
  if (period == "day") return duration_cast<core::Duration>(days(*count));
  return std::nullopt;
}

namespace {

// Structural problems (bad or truncated JSON) throw simdjson_error, caught at the parser's
// boundary (with_document); a value of another type than the one asked for is absent.
void check(simdjson::error_code error) {
  if (error != SUCCESS) throw simdjson::simdjson_error(error);
}

od::json_type type_of(od::value& value) {
  od::json_type type{};
  check(value.type().get(type));
  return type;
}

// The key as written between its quotes (keys freshwatch reads have no escapes). Stage 1 closed
// every string, so the scan stops inside the document.
std::string_view key_of(od::field& field) {
  const char* start = field.key().raw();
  const char* end = start;
  while (*end != '"') end += *end == '\\' ? 2 : 1;
  return {start, static_cast<std::size_t>(end - start)};
}

// Reads `value` as a string when it is one; anything else (null, a number, an object) is absent.
// A string without escapes is viewed where it is in the text; only one with escapes is unescaped
// into the parser's buffer. Either lives as long as the document.
std::string_view view(od::value value) {
  if (type_of(value) != od::json_type::string) return {};
  std::string_view token = value.raw_json_token();  // "...", then any spaces before the next token
  const auto close = token.find_last_of('"');
  if (close > 0 && close != std::string_view::npos) {
    std::string_view inner = token.substr(1, close - 1);
    if (inner.find('\\') == std::string_view::npos) return inner;
  }
  std::string_view s;
  check(value.get_string().get(s));
  return s;
}

std::string text(od::value value) { return std::string(view(value)); }

std::optional<bool> boolean(od::value value) {
  if (type_of(value) != od::json_type::boolean) return std::nullopt;
  bool b = false;
  check(value.get_bool().get(b));
  return b;
}

std::optional<std::int64_t> integer(od::value value) {
  if (type_of(value) != od::json_type::number) return std::nullopt;
  std::int64_t n = 0;
  if (value.get_int64().get(n) == SUCCESS) return n;
  double d = 0;
  if (value.get_double().get(d) == SUCCESS) return static_cast<std::int64_t>(d);
  return std::nullopt;
}

std::optional<double> number(od::value value) {
  if (type_of(value) != od::json_type::number) return std::nullopt;
  double d = 0;
  if (value.get_double().get(d) == SUCCESS) return d;
  return std::nullopt;
}

std::optional<core::TimePoint> timestamp(od::value value) {
  const std::string_view s = view(value);
  if (s.empty()) return std::nullopt;
  auto t = core::parse_timestamp(s);
  if (!t) return std::nullopt;
  return *t;
}

// Calls f(key, value) for each field of `value` when it is an object, in document order (keys
// may come in any order; each caller switches on the key). A field f leaves unread is skipped.
template <typename F>
void each_field(od::value value, F&& f) {
  if (type_of(value) != od::json_type::object) return;
  od::object object;
  check(value.get_object().get(object));
  for (auto item : object) {
    od::field field;
    check(std::move(item).get(field));
    f(key_of(field), field.value());
  }
}

template <typename F>
void each_element(od::value value, F&& f) {
  if (type_of(value) != od::json_type::array) return;
  od::array array;
  check(value.get_array().get(array));
  for (auto item : array) {
    od::value v;
    check(std::move(item).get(v));
    f(v);
  }
}

std::vector<std::string> strings(od::value value) {
  std::vector<std::string> out;
  each_element(value, [&](od::value v) {
    std::string s = text(v);
    if (!s.empty()) out.push_back(std::move(s));
  });
  return out;
}

void read_quoting(od::value value, std::optional<bool>& database, std::optional<bool>& schema,
                  std::optional<bool>& identifier) {
  each_field(value, [&](std::string_view key, od::value v) {
    if (key == "database") database = boolean(v);
    else if (key == "schema") schema = boolean(v);
    else if (key == "identifier") identifier = boolean(v);
  });
}

void read_metadata(od::value value, Metadata& m) {
  each_field(value, [&](std::string_view key, od::value v) {
    if (key == "dbt_schema_version") {
      if (auto parsed = parse_schema_url(text(v))) {
        m.schema_kind = parsed->first;
        m.schema_version = parsed->second;
      }
    } else if (key == "dbt_version") {
      m.dbt_version = text(v);
    } else if (key == "generated_at") {
      m.generated_at = text(v);
    } else if (key == "invocation_id") {
      m.invocation_id = text(v);
    } else if (key == "project_name") {
      m.project_name = text(v);
    } else if (key == "adapter_type") {
      m.adapter_type = text(v);
    } else if (key == "quoting") {
      read_quoting(v, m.quote_database, m.quote_schema, m.quote_identifier);
    }
  });
}

FreshnessCriteria read_criteria(od::value value) {
  FreshnessCriteria c;
  each_field(value, [&](std::string_view key, od::value v) {
    if (key == "warn_after" || key == "error_after") {
      std::optional<std::int64_t> count;
      std::string period;
      each_field(v, [&](std::string_view k, od::value x) {
        if (k == "count") count = integer(x);
        else if (k == "period") period = text(x);
      });
      (key == "warn_after" ? c.warn_after : c.error_after) = criterion_duration(count, period);
    } else if (key == "filter") {
      c.filter = text(v);
    }
  });
  return c;
}

std::optional<ResourceType> resource_type(std::string_view s) {
  if (s == "model") return ResourceType::kModel;
  if (s == "seed") return ResourceType::kSeed;
  if (s == "snapshot") return ResourceType::kSnapshot;
  if (s == "source") return ResourceType::kSource;
  if (s == "exposure") return ResourceType::kExposure;
  return std::nullopt;
}

// One entry of manifest.nodes / sources / exposures, read into `n` (cleared first). False when
// it is not a tracked type.
bool read_node(od::value value, Node& n) {
  n = Node{};
  // Views into the text (or the parser's buffer) for what only decides or may be thrown away.
  std::string_view type, alias, identifier, meta_owner;
  FreshnessCriteria config_freshness;
  bool enabled = true;
  each_field(value, [&](std::string_view key, od::value v) {
    switch (key.empty() ? '\0' : key[0]) {
      case 'a':
        if (key == "alias") alias = view(v);
        break;
      case 'c':
        if (key == "config") {
          each_field(v, [&](std::string_view k, od::value x) {
            if (k == "materialized") n.materialized = text(x);
            else if (k == "enabled") enabled = boolean(x).value_or(true);
            else if (k == "quoting")
              read_quoting(x, n.quote_database, n.quote_schema, n.quote_identifier);
            else if (k == "freshness") config_freshness = read_criteria(x);
          });
        }
        break;
      case 'd':
        if (key == "database") n.database = text(v);
        else if (key == "description") n.description = text(v);
        else if (key == "depends_on")
          each_field(v, [&](std::string_view k, od::value x) {
            if (k == "nodes") n.depends_on = strings(x);
          });
        break;
      case 'f':
        if (key == "freshness") n.freshness = read_criteria(v);
        break;
      case 'i':
        if (key == "identifier") identifier = view(v);
        break;
      case 'l':
        if (key == "loaded_at_field") n.loaded_at_field = text(v);
        else if (key == "label") n.label = text(v);
        break;
      case 'm':
        if (key == "meta")
          each_field(v, [&](std::string_view k, od::value x) {
            if (k == "owner") meta_owner = view(x);
          });
        break;
      case 'n':
        if (key == "name") n.name = text(v);
        break;
      case 'o':
        if (key == "original_file_path") {
          n.original_file_path = text(v);
        } else if (key == "owner") {
          std::string name, email;
          each_field(v, [&](std::string_view k, od::value x) {
            if (k == "name") name = text(x);
            else if (k == "email") email = text(x);
          });
          n.owner = !name.empty() ? name : email;
        }
        break;
      case 'p':
        if (key == "package_name") n.package_name = text(v);
        break;
      case 'q':
        if (key == "quoting") read_quoting(v, n.quote_database, n.quote_schema, n.quote_identifier);
        break;
      case 'r':
        if (key == "resource_type") type = view(v);
        else if (key == "root_path") n.root_path = text(v);
        break;
      case 's':
        if (key == "schema") n.schema = text(v);
        else if (key == "source_name") n.source_name = text(v);
        break;
      case 't':
        if (key == "tags") n.tags = strings(v);
        break;
      case 'u':
        if (key == "unique_id") n.unique_id = text(v);
        else if (key == "url") n.url = text(v);
        break;
      default:
        break;
    }
  });
  auto kind = resource_type(type);
  if (!kind || !enabled || n.unique_id.empty()) return false;
  n.type = *kind;
  const std::string_view own = kind == ResourceType::kSource ? identifier : alias;
  n.identifier = own.empty() ? n.name : std::string(own);
  if (n.freshness.empty() && !config_freshness.empty()) n.freshness = std::move(config_freshness);
  if (n.owner.empty()) n.owner = meta_owner;
  return true;
}

// Checks metadata.dbt_schema_version against what this reader knows.
Result<void> check_version(const Metadata& m, std::string_view file, std::initializer_list<std::string_view> kinds,
                           int newest, std::vector<std::string>& warnings) {
  if (m.schema_version < 0) {
    warnings.push_back(fmt::format(
        "{} has no readable metadata.dbt_schema_version; read as the newest known version (v{})",
        file, newest));
    return {};
  }
  if (std::find(kinds.begin(), kinds.end(), m.schema_kind) == kinds.end())
    return fail(ErrorCode::kParse, "{} is a dbt '{}' artifact (v{}), not a {}", file, m.schema_kind,
                m.schema_version, *kinds.begin());
  if (m.schema_version > newest)
    warnings.push_back(fmt::format(
        "{} has schema {} v{}, newer than the newest known (v{}); what is understood was read",
        file, m.schema_kind, m.schema_version, newest));
  return {};
}

// "manifest.json is not valid JSON (<simdjson's reason>; at byte N of M); is the file complete?"
Error json_error(std::string_view file, simdjson::error_code code, std::string_view json,
                 od::document* doc) {
  std::string where;
  const char* at = nullptr;
  if (doc && doc->current_location().get(at) == SUCCESS && at >= json.data() &&
      at <= json.data() + json.size())
    where = fmt::format("; at byte {} of {}", at - json.data(), json.size());
  return Error{ErrorCode::kParse,
               fmt::format("{} is not valid JSON ({}{}); is the file complete?", file,
                           simdjson::error_message(code), where)};
}

// Runs `body` over the fields of the document's top-level object, in one forward pass of
// simdjson On-Demand (no DOM of the file: values `body` does not read are skipped, checked only
// for the structure stage 1 validates: UTF-8, closed strings, balanced brackets), turning
// simdjson's errors into a kParse Error. `json` must have kJsonPadding readable bytes after it.
template <typename F>
Result<void> with_document(std::string_view json, std::string_view file, F&& body) {
  od::parser parser;
  od::document doc;
  auto error = parser.iterate(json.data(), json.size(), json.size() + kJsonPadding).get(doc);
  if (error) return std::unexpected(json_error(file, error, json, nullptr));
  try {
    od::object top;
    error = doc.get_object().get(top);
    if (error == simdjson::INCORRECT_TYPE)
      return fail(ErrorCode::kParse, "{} is not a JSON object ({})", file,
                  simdjson::error_message(error));
    check(error);
    for (auto item : top) {
      od::field field;
      check(std::move(item).get(field));
      body(key_of(field), field.value());
    }
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == SUCCESS) check(simdjson::TRAILING_CONTENT);
    return {};
  } catch (const simdjson::simdjson_error& e) {
    return std::unexpected(json_error(file, e.error(), json, &doc));
  } catch (const std::exception& e) {
    return fail(ErrorCode::kParse, "{} could not be read: {}", file, e.what());
  }
}

template <typename T, typename F>
Result<T> padded_copy(std::string_view json, F&& parse) {
  std::string copy;
  copy.reserve(json.size() + kJsonPadding);
  copy.append(json);
  copy.append(kJsonPadding, '\0');
  return parse(std::string_view(copy.data(), json.size()));
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<Manifest> parse_manifest_padded(std::string_view json, const ReadPast& read_past) {
  Manifest m;
  Node node;
  // What lies before the iterator's position was read or skipped, and a node's views end with
  // read_node: tell read_past about every MiB of it.
  constexpr std::size_t kStep = 1 << 20;
  std::size_t told = 0;
  auto moved_on = [&](od::value& v) {
    const char* at = nullptr;
    if (!read_past || v.current_location().get(at) != SUCCESS) return;
    const auto done = static_cast<std::size_t>(at - json.data());
    if (done >= told + kStep && done <= json.size()) read_past(told = done);
  };
  auto read_map = [&](od::value v) {
    each_field(v, [&](std::string_view, od::value value) {
      if (read_node(value, node)) m.nodes.push_back(std::move(node));
      else ++m.skipped_nodes;
      moved_on(value);
    });
  };
  bool has_nodes = false;
  auto done = with_document(json, "manifest.json", [&](std::string_view key, od::value v) {
    if (key == "metadata") read_metadata(v, m.metadata);
    else if (key == "nodes") has_nodes = true, read_map(v);
    else if (key == "sources" || key == "exposures") read_map(v);
  });
  if (!done) return std::unexpected(done.error());
  if (auto ok = check_version(m.metadata, "manifest.json", {"manifest"}, kManifestVersion, m.warnings);
      !ok)
    return std::unexpected(ok.error());
  if (!has_nodes)
    return fail(ErrorCode::kParse, "manifest.json has no 'nodes'; is it a dbt manifest?");
  return m;
}

Result<RunResults> parse_run_results_padded(std::string_view json) {
  RunResults r;
  bool has_results = false;
  auto done = with_document(json, "run_results.json", [&](std::string_view key, od::value v) {
    if (key == "metadata") {
      read_metadata(v, r.metadata);
    } else if (key == "results") {
      has_results = true;
      each_element(v, [&](od::value item) {
        RunResult result;
        each_field(item, [&](std::string_view k, od::value x) {
          if (k == "unique_id") {
            result.unique_id = text(x);
          } else if (k == "status") {
            result.status = lower(text(x));
          } else if (k == "execution_time") {
            result.execution_time = number(x).value_or(0);
          } else if (k == "message") {
            result.message = text(x);
          } else if (k == "timing") {
            each_element(x, [&](od::value step) {
              each_field(step, [&](std::string_view sk, od::value sv) {
                if (sk == "started_at") {
                  if (auto t = timestamp(sv); t && (!result.started_at || *t < *result.started_at))
                    result.started_at = t;
                } else if (sk == "completed_at") {
                  if (auto t = timestamp(sv);
                      t && (!result.completed_at || *t > *result.completed_at))
                    result.completed_at = t;
                }
              });
            });
          }
        });
        if (!result.unique_id.empty()) r.results.push_back(std::move(result));
      });
    }
  });
  if (!done) return std::unexpected(done.error());
  if (auto ok = check_version(r.metadata, "run_results.json", {"run-results"}, kRunResultsVersion,
                              r.warnings);
      !ok)
    return std::unexpected(ok.error());
  if (!has_results)
    return fail(ErrorCode::kParse, "run_results.json has no 'results'; is it a dbt run result?");
  return r;
}

Result<FreshnessResults> parse_freshness_padded(std::string_view json) {
  FreshnessResults r;
  bool has_results = false;
  auto done = with_document(json, "sources.json", [&](std::string_view key, od::value v) {
    if (key == "metadata") {
      read_metadata(v, r.metadata);
    } else if (key == "results") {
      has_results = true;
      each_element(v, [&](od::value item) {
        FreshnessResult result;
        each_field(item, [&](std::string_view k, od::value x) {
          if (k == "unique_id") result.unique_id = text(x);
          else if (k == "resource_type") result.resource_type = text(x);
          else if (k == "status") result.status = lower(text(x));
          else if (k == "max_loaded_at") result.max_loaded_at = timestamp(x);
          else if (k == "snapshotted_at") result.snapshotted_at = timestamp(x);
          else if (k == "max_loaded_at_time_ago_in_s") result.age_seconds = number(x);
          else if (k == "criteria") result.criteria = read_criteria(x);
          else if (k == "error") result.error = text(x);
        });
        if (!result.unique_id.empty()) r.results.push_back(std::move(result));
      });
    }
  });
  if (!done) return std::unexpected(done.error());
  const bool freshness = r.metadata.schema_kind == "freshness";
  if (auto ok = check_version(r.metadata, freshness ? "freshness.json" : "sources.json",
                              {"sources", "freshness"},
                              freshness ? kFreshnessVersion : kSourcesVersion, r.warnings);
      !ok)
    return std::unexpected(ok.error());
  if (!has_results)
    return fail(ErrorCode::kParse, "sources.json has no 'results'; is it a dbt freshness result?");
  return r;
}

Result<Manifest> parse_manifest(std::string_view json) {
  return padded_copy<Manifest>(json, [](std::string_view text) { return parse_manifest_padded(text); });
}
Result<RunResults> parse_run_results(std::string_view json) {
  return padded_copy<RunResults>(json, parse_run_results_padded);
}
Result<FreshnessResults> parse_freshness(std::string_view json) {
  return padded_copy<FreshnessResults>(json, parse_freshness_padded);
}

}  // namespace freshwatch::connectors::dbt
