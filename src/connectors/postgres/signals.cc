#include "connectors/postgres/signals.h"

#include <algorithm>
#include <cctype>

#include "core/log.h"
#include "core/time.h"

namespace freshwatch::connectors::postgres {
namespace {

constexpr std::string_view kMarkerPrefix = "n_tup_ins+n_tup_upd+n_tup_del=";

bool contains(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

// The first line of a server or libpq message, without "ERROR:  " and trailing blanks.
std::string first_line(std::string_view message) {
  if (message.starts_with("ERROR:")) message.remove_prefix(6);
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.front())))
    message.remove_prefix(1);
  auto nl = message.find('\n');
  if (nl != std::string_view::npos) message = message.substr(0, nl);
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back())))
    message.remove_suffix(1);
  return core::redact_dsn(message);
}

std::string endpoint_text(const Endpoint& e) {
  if (e.host.empty()) return e.port.empty() ? "the server" : fmt::format("port {}", e.port);
  return e.port.empty() ? e.host : fmt::format("{}:{}", e.host, e.port);
}

}  // namespace

std::string quote_ident(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '"';
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string column_sql(std::string_view field) {
  if (field.size() >= 2 && field.front() == '"' && field.back() == '"') {
    std::string inner;
    for (std::size_t i = 1; i + 1 < field.size(); ++i) {
      inner += field[i];
      if (field[i] == '"' && field[i + 1] == '"') ++i;
    }
    return quote_ident(inner);
  }
  const bool plain = !field.empty() && std::all_of(field.begin(), field.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
  }) && !std::isdigit(static_cast<unsigned char>(field.front()));
  if (!plain) return quote_ident(field);
  std::string folded(field);
  for (char& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return quote_ident(folded);
}

std::string quote_literal(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

Error connect_error(std::string_view libpq_message, const Endpoint& endpoint,
                    int connect_timeout_seconds) {
  const std::string where = endpoint_text(endpoint);
  const std::string_view m = libpq_message;
  if (contains(m, "connection refused"))
    return {ErrorCode::kUnavailable,
            fmt::format("could not connect to {}: connection refused; check host and port in dsn",
                        where)};
  if (contains(m, "password authentication failed") || contains(m, "SASL authentication"))
    return {ErrorCode::kPermissionDenied,
            fmt::format("could not sign in to {} as '{}': password authentication failed; check "
                        "user and password in dsn",
                        where, endpoint.user)};
  if (contains(m, "no password supplied") || contains(m, "password is required"))
    return {ErrorCode::kPermissionDenied,
            fmt::format("could not sign in to {} as '{}': the server wants a password and the dsn "
                        "has none; add password=... (or a ${{ENV_VAR}}) to dsn",
                        where, endpoint.user)};
  if (contains(m, "role \"") && contains(m, "does not exist"))
    return {ErrorCode::kPermissionDenied,
            fmt::format("could not sign in to {}: there is no user '{}'; check user in dsn", where,
                        endpoint.user)};
  if (contains(m, "database \"") && contains(m, "does not exist"))
    return {ErrorCode::kNotFound,
            fmt::format("could not connect to {}: database '{}' does not exist; check dbname in "
                        "dsn",
                        where, endpoint.database)};
  if (contains(m, "no pg_hba.conf entry"))
    return {ErrorCode::kPermissionDenied,
            fmt::format("{} does not accept this connection (no pg_hba.conf entry for user '{}', "
                        "database '{}'); ask its administrator, or check sslmode in dsn",
                        where, endpoint.user, endpoint.database)};
  if (contains(m, "timeout expired") || contains(m, "timed out"))
    return {ErrorCode::kTimeout,
            fmt::format("could not connect to {} within {} s; check that the host is reachable "
                        "and the port is open",
                        where, connect_timeout_seconds)};
  if (contains(m, "could not translate host name") || contains(m, "Name or service not known"))
    return {ErrorCode::kUnavailable,
            fmt::format("could not connect to {}: unknown host name; check host in dsn", where)};
  if (contains(m, "too many clients") || contains(m, "remaining connection slots"))
    return {ErrorCode::kUnavailable,
            fmt::format("could not connect to {}: the server has no free connection slots; lower "
                        "concurrency or raise max_connections",
                        where)};
  if (contains(m, "the database system is starting up") ||
      contains(m, "the database system is shutting down"))
    return {ErrorCode::kUnavailable,
            fmt::format("could not connect to {}: {}", where, first_line(m))};
  // libpq prefixes "connection to server at ... failed: "; keep only what follows.
  std::string detail = first_line(m);
  if (auto p = detail.find("failed: "); p != std::string::npos) detail = detail.substr(p + 8);
  return {ErrorCode::kUnavailable, fmt::format("could not connect to {}: {}", where, detail)};
}

std::string table_error(std::string_view sqlstate, std::string_view server_message,
                        const TableQuery& q) {
  const std::string detail = first_line(server_message);
  if (sqlstate == "42703" && !q.loaded_at_field.empty() && contains(server_message, "column"))
    return fmt::format(
        "{} has no column '{}' (loaded_at_field){}; name an existing timestamp column for this "
        "table under tables:, or use mode: metadata",
        q.relation, q.loaded_at_field,
        q.filter.empty() ? std::string() : fmt::format(", or the filter names one: {}", detail));
  if (sqlstate == "42P01")
    return fmt::format("{} no longer exists (dropped during collection?): {}", q.relation, detail);
  if (sqlstate == "42501")
    return fmt::format("permission denied to read {} as '{}'; grant SELECT on it (or USAGE on "
                       "its schema): {}",
                       q.relation, q.user, detail);
  if (sqlstate == "57014")
    return fmt::format("reading {} took longer than {} s and was cancelled (statement timeout); "
                       "raise the connection's timeout, index '{}', or add a filter",
                       q.relation, q.statement_timeout_seconds, q.loaded_at_field);
  if (sqlstate == "42883" || sqlstate == "42804")
    return fmt::format("'{}' in {} is not a date or timestamp column: {}", q.loaded_at_field,
                       q.relation, detail);
  if (!q.filter.empty() && (sqlstate.starts_with("42") || sqlstate.starts_with("22")))
    return fmt::format("the filter '{}' does not work on {}: {}", q.filter, q.relation, detail);
  return fmt::format("could not read {}: {}", q.relation, detail);
}

std::optional<std::int64_t> parse_epoch_micros(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool negative = false;
  std::size_t i = 0;
  if (text[0] == '-' || text[0] == '+') negative = text[0] == '-', ++i;
  std::int64_t seconds = 0;
  bool any = false;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    if (seconds > 100'000'000'000'000LL) return std::nullopt;  // beyond any real timestamp
    seconds = seconds * 10 + (text[i] - '0');
    any = true;
  }
  std::int64_t micros = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    int digits = 0;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      if (digits < 6) micros = micros * 10 + (text[i] - '0'), ++digits;
      any = true;
    }
    while (digits < 6) micros *= 10, ++digits;
  }
  if (!any || i != text.size()) return std::nullopt;
  const std::int64_t total = seconds * 1'000'000 + micros;
  return negative ? -total : total;
}

Result<core::TimePoint> loaded_at_instant(std::string_view epoch_text, std::string_view type,
                                          const date::time_zone* naive_zone) {
  auto micros = parse_epoch_micros(epoch_text);
  if (!micros)
    return fail(ErrorCode::kParse, "max() is '{}', which is not a point in time", epoch_text);
  const core::Duration since_epoch{*micros};
  const bool naive = type == "timestamp without time zone" || type == "date";
  if (!naive || !naive_zone) return core::TimePoint(since_epoch);
  try {
    auto sys = naive_zone->to_sys(date::local_time<core::Duration>(since_epoch),
                                  date::choose::earliest);
    return std::chrono::time_point_cast<core::Duration>(sys);
  } catch (const std::exception& e) {
    return fail(ErrorCode::kParse, "{} cannot be read in {}: {}", epoch_text, naive_zone->name(),
                e.what());
  }
}

std::optional<std::int64_t> parse_marker(std::string_view marker) {
  if (!marker.starts_with(kMarkerPrefix)) return std::nullopt;
  marker.remove_prefix(kMarkerPrefix.size());
  std::int64_t v = 0;
  if (marker.empty()) return std::nullopt;
  for (char c : marker) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

model::Observation decide_metadata(const MetadataReading& r) {
  model::Observation o;
  o.asset_key = r.asset_key;
  o.observed_at = r.now;
  o.row_count = r.live_rows;
  o.marker = fmt::format("{}{}", kMarkerPrefix, r.changes);
  o.signal = std::string(kStatsSignal);

  const std::optional<std::int64_t> before =
      r.previous ? parse_marker(r.previous->marker) : std::nullopt;
  std::string commit_text;
  if (r.newest_commit)
    commit_text = fmt::format("newest row committed at {}", core::format_timestamp(*r.newest_commit));
  auto use_commit = [&](std::string stats_part) {
    o.signal = std::string(kCommitSignal);
    o.changed_at = r.newest_commit;
    o.evidence = fmt::format("{}; {}", commit_text, stats_part);
  };
  auto with_note = [&](std::string text) {
    return r.commit_note.empty() ? text : fmt::format("{} ({})", text, r.commit_note);
  };

  if (!before) {
    std::string stats_part = fmt::format(
        "first sight of the change counters (inserts+updates+deletes = {})", r.changes);
    if (r.newest_commit) {
      use_commit(stats_part);
      return o;
    }
    o.evidence = with_note(stats_part + "; when the data last changed is unknown until it "
                                        "changes again");
    return o;
  }
  const std::string since = core::format_timestamp(r.previous->observed_at);
  if (r.changes < *before) {
    std::string stats_part = fmt::format(
        "the change counters were reset (inserts+updates+deletes fell from {} to {}, after "
        "pg_stat_reset() or a crash)",
        *before, r.changes);
    if (r.newest_commit) {
      use_commit(stats_part);
      return o;
    }
    o.evidence = with_note(stats_part + "; when the data last changed is unknown until it "
                                        "changes again");
    return o;
  }
  if (r.changes > *before) {
    std::string stats_part =
        fmt::format("inserts+updates+deletes rose from {} to {} since {}", *before, r.changes, since);
    if (r.newest_commit && *r.newest_commit > r.previous->observed_at) {
      use_commit(stats_part);
      return o;
    }
    o.changed_at = r.now;
    o.evidence = stats_part;
    return o;
  }
  // Unchanged: what was known before still holds.
  const std::string stats_part =
      fmt::format("no inserts, updates or deletes since {} (inserts+updates+deletes = {})", since,
                  r.changes);
  if (r.previous->changed_at) {
    o.signal = r.previous->signal;
    o.changed_at = r.previous->changed_at;
    o.evidence = fmt::format("{}; last change seen at {}", stats_part,
                             core::format_timestamp(*r.previous->changed_at));
    return o;
  }
  if (r.newest_commit) {
      use_commit(stats_part);
      return o;
    }
  o.evidence = with_note(stats_part + "; when the data last changed is unknown until it "
                                      "changes again");
  return o;
}

}  // namespace freshwatch::connectors::postgres
