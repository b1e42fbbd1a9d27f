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

namespace od = simdjson::dom;
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

// Reads `value` as a string when it is one; anything else (null, a number, an object) is absent.
std::string text(od::element value) {
  std::string_view s;
  if (value.get_string().get(s) == SUCCESS) return std::string(s);
  return {};
}

std::optional<bool> boolean(od::element value) {
  bool b = false;
  if (value.get_bool().get(b) == SUCCESS) return b;
  return std::nullopt;
}

std::optional<std::int64_t> integer(od::element value) {
  std::int64_t n = 0;
  if (value.get_int64().get(n) == SUCCESS) return n;
  double d = 0;
  if (value.get_double().get(d) == SUCCESS) return static_cast<std::int64_t>(d);
  return std::nullopt;
}

std::optional<double> number(od::element value) {
  double d = 0;
  if (value.get_double().get(d) == SUCCESS) return d;
  return std::nullopt;
}

std::optional<core::TimePoint> timestamp(od::element value) {
  std::string_view s;
  if (value.get_string().get(s) != SUCCESS || s.empty()) return std::nullopt;
  auto t = core::parse_timestamp(s);
  if (!t) return std::nullopt;
  return *t;
}

// Calls f(key, value) for each field of `value` when it is an object. Structural errors (bad or
// truncated JSON) throw simdjson_error, caught at the parser's boundary.
template <typename F>
void each_field(od::element value, F&& f) {
  od::object object;
  if (value.get_object().get(object) != SUCCESS) return;
  for (auto field : object) f(field.key, field.value);
}

template <typename F>
void each_element(od::element value, F&& f) {
  od::array array;
  if (value.get_array().get(array) != SUCCESS) return;
  for (od::element v : array) f(v);
}

std::vector<std::string> strings(od::element value) {
  std::vector<std::string> out;
  each_element(value, [&](od::element v) {
    std::string s = text(v);
    if (!s.empty()) out.push_back(std::move(s));
  });
  return out;
}

void read_quoting(od::element value, std::optional<bool>& database, std::optional<bool>& schema,
                  std::optional<bool>& identifier) {
  each_field(value, [&](std::string_view key, od::element v) {
    if (key == "database") database = boolean(v);
    else if (key == "schema") schema = boolean(v);
    else if (key == "identifier") identifier = boolean(v);
  });
}

void read_metadata(od::element value, Metadata& m) {
  each_field(value, [&](std::string_view key, od::element v) {
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

FreshnessCriteria read_criteria(od::element value) {
  FreshnessCriteria c;
  each_field(value, [&](std::string_view key, od::element v) {
    if (key == "warn_after" || key == "error_after") {
      std::optional<std::int64_t> count;
      std::string period;
      each_field(v, [&](std::string_view k, od::element x) {
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

// One entry of manifest.nodes / sources / exposures. Empty when it is not a tracked type.
std::optional<Node> read_node(od::element value) {
  Node n;
  std::string type;
  std::string alias, identifier, meta_owner;
  FreshnessCriteria config_freshness;
  bool enabled = true;
  each_field(value, [&](std::string_view key, od::element v) {
    switch (key.empty() ? '\0' : key[0]) {
      case 'a':
        if (key == "alias") alias = text(v);
        break;
      case 'c':
        if (key == "config") {
          each_field(v, [&](std::string_view k, od::element x) {
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
          each_field(v, [&](std::string_view k, od::element x) {
            if (k == "nodes") n.depends_on = strings(x);
          });
        break;
      case 'f':
        if (key == "freshness") n.freshness = read_criteria(v);
        break;
      case 'i':
        if (key == "identifier") identifier = text(v);
        break;
      case 'l':
        if (key == "loaded_at_field") n.loaded_at_field = text(v);
        else if (key == "label") n.label = text(v);
        break;
      case 'm':
        if (key == "meta")
          each_field(v, [&](std::string_view k, od::element x) {
            if (k == "owner") meta_owner = text(x);
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
          each_field(v, [&](std::string_view k, od::element x) {
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
        if (key == "resource_type") type = text(v);
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
  if (!kind || !enabled || n.unique_id.empty()) return std::nullopt;
  n.type = *kind;
  n.identifier = kind == ResourceType::kSource ? (identifier.empty() ? n.name : identifier)
                                               : (alias.empty() ? n.name : alias);
  if (n.freshness.empty() && !config_freshness.empty()) n.freshness = config_freshness;
  if (n.owner.empty()) n.owner = meta_owner;
  return n;
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

Error json_error(std::string_view file, simdjson::error_code code) {
  return Error{ErrorCode::kParse,
               fmt::format("{} is not valid JSON ({}); is the file complete?", file,
                           simdjson::error_message(code))};
}

// Runs `body` over the document's top-level object, turning simdjson's errors into a kParse Error.
template <typename F>
Result<void> with_document(std::string_view json, std::string_view file, F&& body) {
  try {
    od::parser parser;
    od::element doc;
    auto error = parser.parse(json.data(), json.size(), false).get(doc);
    if (error) return std::unexpected(json_error(file, error));
    od::object top;
    error = doc.get_object().get(top);
    if (error) return fail(ErrorCode::kParse, "{} is not a JSON object ({})", file,
                           simdjson::error_message(error));
    for (auto field : top) body(field.key, field.value);
    return {};
  } catch (const simdjson::simdjson_error& e) {
    return std::unexpected(json_error(file, e.error()));
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

Result<Manifest> parse_manifest_padded(std::string_view json) {
  Manifest m;
  auto read_map = [&](od::element v) {
    each_field(v, [&](std::string_view, od::element node) {
      if (auto n = read_node(node)) m.nodes.push_back(std::move(*n));
      else ++m.skipped_nodes;
    });
  };
  bool has_nodes = false;
  auto done = with_document(json, "manifest.json", [&](std::string_view key, od::element v) {
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
  auto done = with_document(json, "run_results.json", [&](std::string_view key, od::element v) {
    if (key == "metadata") {
      read_metadata(v, r.metadata);
    } else if (key == "results") {
      has_results = true;
      each_element(v, [&](od::element item) {
        RunResult result;
        each_field(item, [&](std::string_view k, od::element x) {
          if (k == "unique_id") {
            result.unique_id = text(x);
          } else if (k == "status") {
            result.status = lower(text(x));
          } else if (k == "execution_time") {
            result.execution_time = number(x).value_or(0);
          } else if (k == "message") {
            result.message = text(x);
          } else if (k == "timing") {
            each_element(x, [&](od::element step) {
              each_field(step, [&](std::string_view sk, od::element sv) {
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
  auto done = with_document(json, "sources.json", [&](std::string_view key, od::element v) {
    if (key == "metadata") {
      read_metadata(v, r.metadata);
    } else if (key == "results") {
      has_results = true;
      each_element(v, [&](od::element item) {
        FreshnessResult result;
        each_field(item, [&](std::string_view k, od::element x) {
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
  return padded_copy<Manifest>(json, parse_manifest_padded);
}
Result<RunResults> parse_run_results(std::string_view json) {
  return padded_copy<RunResults>(json, parse_run_results_padded);
}
Result<FreshnessResults> parse_freshness(std::string_view json) {
  return padded_copy<FreshnessResults>(json, parse_freshness_padded);
}

}  // namespace freshwatch::connectors::dbt
