#include "store/sqlite/sqlite_store.h"

#include <mutex>

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include "core/json.h"
#include "core/log.h"
#include "core/time.h"
#include "store/rollup.h"
#include "store/sqlite/db.h"
#include "store/sqlite/migrations.h"

namespace freshwatch::store {
namespace {

using sqlite::Db;
using sqlite::Statement;
using sqlite::Transaction;

constexpr auto kPruneEvery = std::chrono::hours{1};

// ---- SQL -------------------------------------------------------------------------------------
// Plain SQL that a PostgreSQL store can reuse nearly as is ($1 for ?1; GREATEST for the
// two-argument max()).

constexpr const char kUpsertAsset[] = R"sql(
INSERT INTO assets (key, name, kind, parent, connection, owner, tags, description, url, relation,
                    policy, usage, referenced, first_seen_us, last_seen_us)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?12, ?13, ?14, ?11, ?11)
ON CONFLICT (key) DO UPDATE SET
  name = excluded.name, kind = excluded.kind, parent = excluded.parent,
  connection = excluded.connection, owner = excluded.owner, tags = excluded.tags,
  description = excluded.description, url = excluded.url, relation = excluded.relation,
  policy = excluded.policy, usage = excluded.usage, referenced = excluded.referenced,
  last_seen_us = max(assets.last_seen_us, excluded.last_seen_us))sql";

constexpr const char kDeleteEdges[] = "DELETE FROM edges WHERE connection = ?1";
constexpr const char kInsertEdge[] = R"sql(
INSERT INTO edges (connection, upstream, downstream, via) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT DO NOTHING)sql";

constexpr const char kDeleteConnectorState[] = "DELETE FROM connector_state WHERE connection = ?1";
constexpr const char kInsertConnectorState[] =
    "INSERT INTO connector_state (connection, key, value) VALUES (?1, ?2, ?3)";
constexpr const char kSelectConnectorStates[] =
    "SELECT connection, key, value FROM connector_state ORDER BY connection, key";

constexpr const char kInsertObservation[] = R"sql(
INSERT INTO observations (asset_key, signal, observed_at_us, changed_at_us, evidence, row_count,
                          marker, error)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
RETURNING id)sql";

constexpr const char kUpsertLatestObservation[] = R"sql(
INSERT INTO latest_observations (asset_key, signal, observation_id, observed_at_us, changed_at_us,
                                 evidence, row_count, marker, error)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT (asset_key, signal) DO UPDATE SET
  observation_id = excluded.observation_id, observed_at_us = excluded.observed_at_us,
  changed_at_us = excluded.changed_at_us, evidence = excluded.evidence,
  row_count = excluded.row_count, marker = excluded.marker, error = excluded.error
WHERE excluded.observed_at_us >= latest_observations.observed_at_us)sql";

constexpr const char kInsertRun[] = R"sql(
INSERT INTO connection_runs (connection, started_at_us, finished_at_us, error)
VALUES (?1, ?2, ?3, ?4))sql";

constexpr const char kSelectOpenInterval[] = R"sql(
SELECT id, status, from_us, recorded_at_us FROM status_intervals
WHERE asset_key = ?1 AND to_us IS NULL)sql";

constexpr const char kAddToDay[] = R"sql(
INSERT INTO daily_rollup (asset_key, day, worst_severity, fresh_us, warn_us, error_us, unknown_us)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (asset_key, day) DO UPDATE SET
  worst_severity = max(daily_rollup.worst_severity, excluded.worst_severity),
  fresh_us = daily_rollup.fresh_us + excluded.fresh_us,
  warn_us = daily_rollup.warn_us + excluded.warn_us,
  error_us = daily_rollup.error_us + excluded.error_us,
  unknown_us = daily_rollup.unknown_us + excluded.unknown_us)sql";

constexpr const char kAddDailyChange[] = R"sql(
INSERT INTO daily_change (asset_key, day, changed_us) VALUES (?1, ?2, ?3)
ON CONFLICT (asset_key, day) DO UPDATE SET changed_us = excluded.changed_us
WHERE excluded.changed_us > daily_change.changed_us)sql";

constexpr const char kCloseInterval[] =
    "UPDATE status_intervals SET to_us = ?2, recorded_at_us = ?2 WHERE id = ?1";
constexpr const char kReplaceOpenInterval[] =
    "UPDATE status_intervals SET status = ?2, reason = ?3, recorded_at_us = ?4 WHERE id = ?1";
constexpr const char kTouchInterval[] =
    "UPDATE status_intervals SET recorded_at_us = ?2 WHERE id = ?1";
constexpr const char kOpenInterval[] = R"sql(
INSERT INTO status_intervals (asset_key, status, from_us, to_us, reason, recorded_at_us)
VALUES (?1, ?2, ?3, NULL, ?4, ?3))sql";

constexpr const char kPruneObservations[] = R"sql(
DELETE FROM observations
WHERE observed_at_us < ?1
  AND NOT EXISTS (SELECT 1 FROM latest_observations l
                  WHERE l.observation_id = observations.id))sql";

constexpr const char kSelectAssets[] = R"sql(
SELECT key, name, kind, parent, connection, owner, tags, description, url, relation, policy, usage,
       referenced
FROM assets ORDER BY key)sql";
constexpr const char kSelectSightings[] =
    "SELECT key, first_seen_us, last_seen_us FROM assets ORDER BY key";
constexpr const char kSelectEdges[] =
    "SELECT DISTINCT upstream, downstream, via FROM edges ORDER BY upstream, downstream, via";

constexpr const char kSelectLatestObservations[] = R"sql(
SELECT asset_key, signal, observed_at_us, changed_at_us, evidence, row_count, marker, error
FROM latest_observations ORDER BY asset_key, signal)sql";
constexpr const char kSelectObservations[] = R"sql(
SELECT asset_key, signal, observed_at_us, changed_at_us, evidence, row_count, marker, error
FROM observations WHERE asset_key = ?1
ORDER BY observed_at_us DESC, id DESC LIMIT ?2)sql";

constexpr const char kSelectIntervals[] = R"sql(
SELECT asset_key, status, from_us, to_us, reason FROM status_intervals
WHERE asset_key = ?1 AND from_us < ?3 AND (to_us IS NULL OR to_us > ?2)
ORDER BY from_us, id)sql";
constexpr const char kSelectOpenIntervals[] = R"sql(
SELECT asset_key, status, from_us, to_us, reason FROM status_intervals
WHERE to_us IS NULL ORDER BY asset_key)sql";

constexpr const char kSelectHistoryAll[] = R"sql(
SELECT asset_key, day, worst_severity FROM daily_rollup NOT INDEXED WHERE day BETWEEN ?1 AND ?2)sql";
constexpr const char kSelectHistoryOne[] = R"sql(
SELECT asset_key, day, worst_severity, fresh_us, warn_us, error_us, unknown_us
FROM daily_rollup WHERE asset_key = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day)sql";

constexpr const char kSelectKnownChangeBefore[] =
    "SELECT max(changed_us) FROM daily_change WHERE asset_key = ?1 AND day < ?2";
constexpr const char kSelectKnownChanges[] = R"sql(
SELECT day, changed_us FROM daily_change
WHERE asset_key = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day)sql";

constexpr const char kSelectLatestRuns[] = R"sql(
SELECT r.connection, r.started_at_us, r.finished_at_us, r.error,
       (SELECT max(s.finished_at_us) FROM connection_runs s
        WHERE s.connection = r.connection AND s.error = '')
FROM connection_runs r
JOIN (SELECT connection, max(finished_at_us) AS finished_at_us
      FROM connection_runs GROUP BY connection) latest
  ON latest.connection = r.connection AND latest.finished_at_us = r.finished_at_us
ORDER BY r.connection, r.id DESC)sql";

constexpr const char kUpsertUser[] = R"sql(
INSERT INTO users (name, password_hash, role) VALUES (?1, ?2, ?3)
ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role)sql";
constexpr const char kSelectUser[] = "SELECT name, password_hash, role FROM users WHERE name = ?1";
constexpr const char kSelectUsers[] = "SELECT name, password_hash, role FROM users ORDER BY name";
constexpr const char kDeleteUser[] = "DELETE FROM users WHERE name = ?1";

constexpr const char kUpsertToken[] = R"sql(
INSERT INTO api_tokens (token_hash, name, created_at_us) VALUES (?1, ?2, ?3)
ON CONFLICT (token_hash) DO UPDATE SET name = excluded.name,
                                       created_at_us = excluded.created_at_us)sql";
constexpr const char kSelectToken[] =
    "SELECT name, token_hash, created_at_us FROM api_tokens WHERE token_hash = ?1";
constexpr const char kSelectTokens[] =
    "SELECT name, token_hash, created_at_us FROM api_tokens ORDER BY name, created_at_us";
constexpr const char kDeleteToken[] = "DELETE FROM api_tokens WHERE name = ?1";

constexpr const char kUpsertSession[] = R"sql(
INSERT INTO sessions (id_hash, user_name, expires_at_us) VALUES (?1, ?2, ?3)
ON CONFLICT (id_hash) DO UPDATE SET user_name = excluded.user_name,
                                    expires_at_us = excluded.expires_at_us)sql";
constexpr const char kSelectSession[] =
    "SELECT id_hash, user_name, expires_at_us FROM sessions WHERE id_hash = ?1";
constexpr const char kDeleteSession[] = "DELETE FROM sessions WHERE id_hash = ?1";
constexpr const char kDeleteExpiredSessions[] = "DELETE FROM sessions WHERE expires_at_us <= ?1";

constexpr const char kUpsertIncident[] = R"sql(
INSERT INTO incidents (id, root_key, connection, kind, status, root_name, root_owner, root_reason,
                       root_changed_at_us, impacted, opened_at_us, resolved_at_us,
                       acknowledged_at_us, snoozed_until_us, last_notified_at_us)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
ON CONFLICT (id) DO UPDATE SET
  root_key = excluded.root_key, connection = excluded.connection, kind = excluded.kind,
  status = excluded.status, root_name = excluded.root_name, root_owner = excluded.root_owner,
  root_reason = excluded.root_reason, root_changed_at_us = excluded.root_changed_at_us,
  impacted = excluded.impacted, opened_at_us = excluded.opened_at_us,
  resolved_at_us = excluded.resolved_at_us,
  acknowledged_at_us = coalesce(incidents.acknowledged_at_us, excluded.acknowledged_at_us),
  snoozed_until_us = coalesce(max(incidents.snoozed_until_us, excluded.snoozed_until_us),
                              incidents.snoozed_until_us, excluded.snoozed_until_us),
  last_notified_at_us = coalesce(max(incidents.last_notified_at_us, excluded.last_notified_at_us),
                                 incidents.last_notified_at_us, excluded.last_notified_at_us))sql";

constexpr const char kInsertIncidentEvent[] = R"sql(
INSERT INTO incident_events (incident_id, sequence, type, at_us, status, impacted_count)
VALUES (?1, ?2, ?3, ?4, ?5, ?6))sql";

constexpr const char kInsertOutbox[] = R"sql(
INSERT INTO outbox (delivery_id, incident_id, event_sequence, channel, notification, created_at_us,
                    next_attempt_at_us, attempts)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql";

constexpr const char kSelectOpenIncidents[] = R"sql(
SELECT id, root_key, kind, status, root_name, root_owner, root_reason, root_changed_at_us,
       impacted, opened_at_us, resolved_at_us, acknowledged_at_us, snoozed_until_us,
       last_notified_at_us
FROM incidents
WHERE resolved_at_us IS NULL ORDER BY opened_at_us, id)sql";
constexpr const char kSelectIncidents[] = R"sql(
SELECT id, root_key, kind, status, root_name, root_owner, root_reason, root_changed_at_us,
       impacted, opened_at_us, resolved_at_us, acknowledged_at_us, snoozed_until_us,
       last_notified_at_us
FROM incidents
WHERE (?1 = 0 OR (?1 = 1 AND resolved_at_us IS NULL) OR (?1 = 2 AND resolved_at_us IS NOT NULL))
  AND (?2 = '' OR status = ?2) AND (?3 = '' OR root_owner = ?3) AND (?4 = '' OR connection = ?4)
ORDER BY resolved_at_us IS NOT NULL, opened_at_us DESC, id DESC
LIMIT ?5)sql";
constexpr const char kSelectIncident[] = R"sql(
SELECT id, root_key, kind, status, root_name, root_owner, root_reason, root_changed_at_us,
       impacted, opened_at_us, resolved_at_us, acknowledged_at_us, snoozed_until_us,
       last_notified_at_us
FROM incidents
WHERE id = ?1)sql";

constexpr const char kSelectIncidentEvents[] = R"sql(
SELECT incident_id, sequence, type, at_us, status, impacted_count FROM incident_events
WHERE incident_id = ?1 ORDER BY sequence)sql";
constexpr const char kSelectIncidentDeliveries[] = R"sql(
SELECT delivery_id, incident_id, channel, attempt, at_us, outcome, http_status, error,
       next_attempt_at_us
FROM deliveries WHERE incident_id = ?1 ORDER BY at_us, delivery_id, attempt)sql";
constexpr const char kSelectIncidentOutbox[] = R"sql(
SELECT delivery_id, event_sequence, notification, created_at_us, next_attempt_at_us, attempts
FROM outbox WHERE incident_id = ?1 ORDER BY delivery_id)sql";
constexpr const char kSelectDueOutbox[] = R"sql(
SELECT delivery_id, event_sequence, notification, created_at_us, next_attempt_at_us, attempts
FROM outbox WHERE next_attempt_at_us <= ?1
ORDER BY next_attempt_at_us, created_at_us, delivery_id LIMIT ?2)sql";

constexpr const char kSelectOutboxEntry[] =
    "SELECT incident_id, channel, attempts FROM outbox WHERE delivery_id = ?1";
constexpr const char kInsertDelivery[] = R"sql(
INSERT INTO deliveries (delivery_id, attempt, incident_id, channel, at_us, http_status, outcome,
                        error, next_attempt_at_us)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9))sql";
constexpr const char kRescheduleOutbox[] =
    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at_us = ?2 WHERE delivery_id = ?1";
constexpr const char kDeleteOutbox[] = "DELETE FROM outbox WHERE delivery_id = ?1";

constexpr const char kAcknowledgeIncident[] = R"sql(
UPDATE incidents SET acknowledged_at_us = coalesce(acknowledged_at_us, ?2) WHERE id = ?1)sql";
constexpr const char kSnoozeIncident[] = "UPDATE incidents SET snoozed_until_us = ?2 WHERE id = ?1";

// ---- values <-> columns ----------------------------------------------------------------------

// daily_rollup.worst_severity: model::severity() order (fresh 0, unknown 1, warn 2, error 3).
model::Status status_of_severity(std::int64_t severity) {
  switch (severity) {
    case 0: return model::Status::kFresh;
    case 2: return model::Status::kWarn;
    case 3: return model::Status::kError;
    default: return model::Status::kUnknown;
  }
}

model::Status status_of_text(std::string_view text) {
  return model::parse_status(text).value_or(model::Status::kUnknown);
}

std::int64_t day_number(date::sys_days day) { return day.time_since_epoch().count(); }
date::sys_days day_of_number(std::int64_t n) { return date::sys_days{date::days{n}}; }

std::string encode_tags(const std::vector<std::string>& tags) {
  std::string out = "[";
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (i > 0) out += ',';
    core::append_json_string(out, tags[i]);
  }
  out += ']';
  return out;
}

std::vector<std::string> decode_tags(simdjson::dom::parser& parser, std::string_view text) {
  std::vector<std::string> tags;
  if (text.empty() || text == "[]") return tags;
  simdjson::dom::array array;
  if (parser.parse(text.data(), text.size()).get_array().get(array) != simdjson::SUCCESS)
    return tags;
  for (auto element : array) {
    std::string_view tag;
    if (element.get_string().get(tag) == simdjson::SUCCESS) tags.emplace_back(tag);
  }
  return tags;
}

// assets.policy: JSON (see migrations/0002_asset_policy.sql), or empty for no policy.
void append_duration(std::string& out, std::string_view key, std::optional<core::Duration> d) {
  out += fmt::format(",\"{}\":", key);
  out += d ? fmt::format("{}", d->count()) : "null";
}

std::string encode_policy(const std::optional<model::Policy>& policy) {
  if (!policy) return {};
  std::string out = "{\"name\":";
  core::append_json_string(out, policy->name);
  out += ",\"origin\":";
  core::append_json_string(out, policy->origin);
  out += ",\"rule\":{\"type\":";
  if (const auto* calendar = std::get_if<model::CalendarRule>(&policy->rule)) {
    out += fmt::format("\"calendar\",\"warn_after_days\":{},\"error_after_days\":{}",
                       calendar->warn_after_days, calendar->error_after_days);
  } else if (const auto* threshold = std::get_if<model::ThresholdRule>(&policy->rule)) {
    out += "\"threshold\"";
    append_duration(out, "warn_after_us", threshold->warn_after);
    append_duration(out, "error_after_us", threshold->error_after);
  } else if (const auto* deadline = std::get_if<model::DeadlineRule>(&policy->rule)) {
    out += "\"deadline\",\"cron\":";
    core::append_json_string(out, deadline->cron);
    out += ",\"timezone\":";
    core::append_json_string(out, deadline->timezone);
    append_duration(out, "grace_us", deadline->grace);
    out += ",\"missed\":";
    core::append_json_string(out, model::to_string(deadline->missed));
  }
  out += "}}";
  return out;
}

// The policy written by encode_policy(); empty when there is none or it cannot be read (the
// asset is then judged by the configured or default policy until its connection runs again).
std::optional<model::Policy> decode_policy(simdjson::dom::parser& parser, std::string_view key,
                                           std::string_view text) {
  if (text.empty()) return std::nullopt;
  try {
    simdjson::dom::element doc = parser.parse(text.data(), text.size());
    model::Policy policy;
    policy.name = std::string_view(doc["name"]);
    policy.origin = std::string_view(doc["origin"]);
    simdjson::dom::element rule = doc["rule"];
    auto duration = [&](const char* field) -> std::optional<core::Duration> {
      simdjson::dom::element value = rule[field];
      if (value.is_null()) return std::nullopt;
      return core::Duration(std::int64_t(value));
    };
    const std::string_view type = rule["type"];
    if (type == "calendar") {
      policy.rule = model::CalendarRule{static_cast<int>(std::int64_t(rule["warn_after_days"])),
                                        static_cast<int>(std::int64_t(rule["error_after_days"]))};
    } else if (type == "threshold") {
      policy.rule = model::ThresholdRule{duration("warn_after_us"), duration("error_after_us")};
    } else if (type == "deadline") {
      model::DeadlineRule deadline;
      deadline.cron = std::string_view(rule["cron"]);
      deadline.timezone = std::string_view(rule["timezone"]);
      deadline.grace = duration("grace_us").value_or(core::Duration{0});
      deadline.missed =
          model::parse_status(std::string_view(rule["missed"])).value_or(model::Status::kError);
      policy.rule = std::move(deadline);
    } else {
      throw std::invalid_argument(fmt::format("unknown rule type '{}'", type));
    }
    return policy;
  } catch (const std::exception& e) {
    spdlog::warn("the stored policy of asset '{}' cannot be read ({}); it is left out", key,
                 e.what());
    return std::nullopt;
  }
}

// assets.usage: JSON (see migrations/0003_usage_via_connector_state.sql), or empty for none.
std::string encode_usage(const std::optional<model::Usage>& usage) {
  if (!usage) return {};
  auto time = [](const std::optional<core::TimePoint>& t) {
    return t ? fmt::format("{}", t->time_since_epoch().count()) : std::string("null");
  };
  return fmt::format(R"({{"last_accessed_us":{},"last_viewed_us":{},"view_count":{}}})",
                     time(usage->last_accessed_at), time(usage->last_viewed_at),
                     usage->view_count ? fmt::format("{}", *usage->view_count) : "null");
}

// The usage written by encode_usage(); empty when there is none or it cannot be read (the
// next run of the connection brings it again).
std::optional<model::Usage> decode_usage(simdjson::dom::parser& parser, std::string_view key,
                                         std::string_view text) {
  if (text.empty()) return std::nullopt;
  try {
    simdjson::dom::element doc = parser.parse(text.data(), text.size());
    auto number = [&](const char* field) -> std::optional<std::int64_t> {
      simdjson::dom::element value = doc[field];
      if (value.is_null()) return std::nullopt;
      return std::int64_t(value);
    };
    auto time = [&](const char* field) -> std::optional<core::TimePoint> {
      auto us = number(field);
      if (!us) return std::nullopt;
      return core::TimePoint(core::Duration(*us));
    };
    return model::Usage{time("last_accessed_us"), time("last_viewed_us"), number("view_count")};
  } catch (const std::exception& e) {
    spdlog::warn("the stored usage of asset '{}' cannot be read ({}); it is left out", key,
                 e.what());
    return std::nullopt;
  }
}

model::Observation read_observation(const Statement& row) {
  model::Observation o;
  o.asset_key = row.text(0);
  o.signal = row.text(1);
  o.observed_at = row.time(2);
  o.changed_at = row.optional_time(3);
  o.evidence = row.text(4);
  o.row_count = row.optional_int64(5);
  o.marker = row.text(6);
  o.error = row.text(7);
  return o;
}

// The number of rows `count_sql` ("SELECT count(*) FROM ...") counts; a reservation for a
// vector a whole table is read into, so that reading 100,000 rows does not double its memory.
Result<std::size_t> count_rows(Db& db, const char* count_sql) {
  FW_ASSIGN(row, db.prepare(count_sql));
  FW_ASSIGN(found, row.step());
  return found ? static_cast<std::size_t>(std::max<std::int64_t>(row.int64(0), 0)) : 0;
}

// Steps through every row of `statement`, turning each into a T with `read_row`; `expected`
// rows are reserved.
template <typename T, typename ReadRow>
Result<std::vector<T>> read_rows(Statement& statement, ReadRow read_row, std::size_t expected = 0) {
  std::vector<T> out;
  out.reserve(expected);
  for (;;) {
    FW_ASSIGN(more, statement.step());
    if (!more) return out;
    out.push_back(read_row(statement));
  }
}

model::StatusInterval read_interval(const Statement& row) {
  return model::StatusInterval{std::string(row.text(0)), status_of_text(row.text(1)), row.time(2),
                               row.optional_time(3), std::string(row.text(4))};
}

// A daily_rollup row as stored: the time per status in microseconds.
struct RawCell {
  date::sys_days day{};
  model::Status worst = model::Status::kFresh;
  std::array<core::Duration, 4> held{};

  model::DayCell cell() const {
    model::DayCell c;
    c.day = day;
    c.has_data = true;
    c.worst = worst;
    for (std::size_t i = 0; i < held.size(); ++i) c.minutes[i] = to_minutes(held[i]);
    return c;
  }
};

RawCell read_raw_cell(const Statement& row) {
  RawCell cell;
  cell.day = day_of_number(row.int64(1));
  cell.worst = status_of_severity(row.int64(2));
  for (std::size_t i = 0; i < cell.held.size(); ++i)
    cell.held[i] = core::Duration(row.int64(3 + static_cast<int>(i)));
  return cell;
}

// Adds the planned changes of days in [from, to] to `cells` (sorted by day), as recording
// them would.
void credit(std::vector<RawCell>& cells, std::span<const CellChange> changes, date::sys_days from,
            date::sys_days to) {
  for (const CellChange& change : changes) {
    if (change.day < from || change.day > to) continue;
    auto it = std::lower_bound(cells.begin(), cells.end(), change.day,
                               [](const RawCell& c, date::sys_days d) { return c.day < d; });
    if (it == cells.end() || it->day != change.day)
      it = cells.insert(it, RawCell{.day = change.day, .worst = change.status});
    it->held[static_cast<std::size_t>(change.status)] += change.duration;
    it->worst = model::worst(it->worst, change.status);
  }
}

// ---- incidents <-> columns -------------------------------------------------------------------

std::string_view outcome_text(DeliveryOutcome outcome) {
  return outcome == DeliveryOutcome::kDelivered ? "delivered" : "failed";
}

// The connection an asset key belongs to ("warehouse:analytics.public.orders" -> "warehouse").
std::string_view connection_of_key(std::string_view key) { return key.substr(0, key.find(':')); }

void append_time(std::string& out, std::string_view key, std::optional<core::TimePoint> t) {
  out += fmt::format(",\"{}\":", key);
  out += t ? fmt::format("{}", t->time_since_epoch().count()) : "null";
}
void append_member(std::string& out, std::string_view key, std::string_view value,
                   bool first = false) {
  if (!first) out += ',';
  out += fmt::format("\"{}\":", key);
  core::append_json_string(out, value);
}

// outbox.notification: the whole alerts::Notification as JSON (see 0005_incidents.sql).
std::string encode_notification(const alerts::Notification& n) {
  const alerts::Incident& i = n.incident;
  std::string out = "{";
  append_member(out, "delivery_id", n.delivery_id, true);
  append_member(out, "channel", n.channel);
  append_member(out, "url", n.url);
  out += ",\"event\":{";
  append_member(out, "incident_id", n.event.incident_id, true);
  append_member(out, "type", alerts::to_string(n.event.type));
  append_time(out, "at_us", n.event.at);
  append_member(out, "status", model::to_string(n.event.status));
  out += fmt::format(",\"impacted_count\":{}}}", n.event.impacted_count);
  out += ",\"incident\":{";
  append_member(out, "id", i.id, true);
  append_member(out, "kind", alerts::to_string(i.kind));
  out += ",\"root\":{";
  append_member(out, "key", i.root.key, true);
  append_member(out, "name", i.root.name);
  append_member(out, "owner", i.root.owner);
  append_member(out, "reason", i.root.reason);
  append_member(out, "status", model::to_string(i.root.status));
  append_time(out, "changed_at_us", i.root.changed_at);
  out += "},\"impacted\":";
  out += encode_tags(i.impacted);
  append_time(out, "opened_at_us", i.opened_at);
  append_time(out, "resolved_at_us", i.resolved_at);
  append_time(out, "acknowledged_at_us", i.acknowledged_at);
  append_time(out, "snoozed_until_us", i.snoozed_until);
  append_time(out, "last_notified_at_us", i.last_notified_at);
  out += "}}";
  return out;
}

// The notification written by encode_notification(); empty when it cannot be read.
std::optional<alerts::Notification> decode_notification(simdjson::dom::parser& parser,
                                                        std::string_view delivery_id,
                                                        std::string_view text) {
  try {
    simdjson::dom::element doc = parser.parse(text.data(), text.size());
    auto time = [](simdjson::dom::element e) -> std::optional<core::TimePoint> {
      if (e.is_null()) return std::nullopt;
      return core::TimePoint(core::Duration(std::int64_t(e)));
    };
    auto string = [](simdjson::dom::element e) { return std::string(std::string_view(e)); };
    alerts::Notification n;
    n.delivery_id = string(doc["delivery_id"]);
    n.channel = string(doc["channel"]);
    n.url = string(doc["url"]);
    simdjson::dom::element event = doc["event"];
    n.event.incident_id = string(event["incident_id"]);
    n.event.type = alerts::parse_event_type(std::string_view(event["type"]))
                       .value_or(alerts::EventType::kUpdated);
    n.event.at = *time(event["at_us"]);
    n.event.status = status_of_text(std::string_view(event["status"]));
    n.event.impacted_count = static_cast<std::size_t>(std::int64_t(event["impacted_count"]));
    simdjson::dom::element incident = doc["incident"];
    alerts::Incident& i = n.incident;
    i.id = string(incident["id"]);
    i.kind = alerts::parse_incident_kind(std::string_view(incident["kind"]))
                 .value_or(alerts::IncidentKind::kStale);
    simdjson::dom::element root = incident["root"];
    i.root.key = string(root["key"]);
    i.root.name = string(root["name"]);
    i.root.owner = string(root["owner"]);
    i.root.reason = string(root["reason"]);
    i.root.status = status_of_text(std::string_view(root["status"]));
    i.root.changed_at = time(root["changed_at_us"]);
    for (simdjson::dom::element key : simdjson::dom::array(incident["impacted"]))
      i.impacted.push_back(string(key));
    i.opened_at = *time(incident["opened_at_us"]);
    i.resolved_at = time(incident["resolved_at_us"]);
    i.acknowledged_at = time(incident["acknowledged_at_us"]);
    i.snoozed_until = time(incident["snoozed_until_us"]);
    i.last_notified_at = time(incident["last_notified_at_us"]);
    return n;
  } catch (const std::exception& e) {
    spdlog::warn("the stored notification of delivery '{}' cannot be read ({}); it is not sent",
                 delivery_id, e.what());
    return std::nullopt;
  }
}

alerts::Incident read_incident(simdjson::dom::parser& parser, const Statement& row) {
  alerts::Incident i;
  i.id = row.text(0);
  i.root.key = row.text(1);
  i.kind = alerts::parse_incident_kind(row.text(2)).value_or(alerts::IncidentKind::kStale);
  i.root.status = status_of_text(row.text(3));
  i.root.name = row.text(4);
  i.root.owner = row.text(5);
  i.root.reason = row.text(6);
  i.root.changed_at = row.optional_time(7);
  i.impacted = decode_tags(parser, row.text(8));
  i.opened_at = row.time(9);
  i.resolved_at = row.optional_time(10);
  i.acknowledged_at = row.optional_time(11);
  i.snoozed_until = row.optional_time(12);
  i.last_notified_at = row.optional_time(13);
  return i;
}

// Rows of kSelectIncidentOutbox or kSelectDueOutbox; unreadable ones are left out (and logged).
Result<std::vector<OutboxEntry>> read_outbox(Statement& row) {
  simdjson::dom::parser parser;
  std::vector<OutboxEntry> out;
  for (;;) {
    FW_ASSIGN(more, row.step());
    if (!more) return out;
    auto notification = decode_notification(parser, row.text(0), row.text(2));
    if (!notification) continue;
    out.push_back({std::move(*notification), row.int64(1), row.time(3), row.time(4),
                   static_cast<int>(row.int64(5))});
  }
}

// ---- the store -------------------------------------------------------------------------------

class SqliteStore final : public Store {
 public:
  SqliteStore(SqliteOptions options, const date::time_zone* zone, std::unique_ptr<Db> writer,
              std::unique_ptr<Db> reader)
      : options_(std::move(options)),
        zone_(zone),
        writer_(std::move(writer)),
        reader_(std::move(reader)) {}

  Result<void> save_run(const RunRecord& run) override {
    if (run.connection.empty())
      return fail(ErrorCode::kInvalidArgument, "a run needs the name of its connection");
    std::lock_guard lock(write_mutex_);
    auto saved = save_run_locked(run);
    if (!saved)
      return std::unexpected(saved.error().with_context(
          fmt::format("saving the run of connection '{}'", run.connection)));
    if (options_.observation_retention &&
        (!last_prune_ || run.finished_at - *last_prune_ >= kPruneEvery)) {
      last_prune_ = run.finished_at;
      auto pruned = prune_locked(run.finished_at - *options_.observation_retention);
      if (!pruned)
        spdlog::warn("store '{}': pruning old observations failed: {}", options_.path,
                     pruned.error().message);
    }
    return {};
  }

  Result<void> record_statuses(std::span<const StatusRecord> statuses,
                               core::TimePoint at) override {
    std::lock_guard lock(write_mutex_);
    FW_ASSIGN(tx, Transaction::begin(*writer_));
    FW_TRY(record_locked(statuses, at));
    return tx.commit();
  }

  Result<std::vector<model::Asset>> assets() override {
    return read([](Db& db) -> Result<std::vector<model::Asset>> {
      FW_ASSIGN(count, count_rows(db, "SELECT count(*) FROM assets"));
      FW_ASSIGN(row, db.prepare(kSelectAssets));
      simdjson::dom::parser parser;
      std::vector<model::Asset> out;
      out.reserve(count);
      for (;;) {
        FW_ASSIGN(more, row.step());
        if (!more) break;
        model::Asset a;
        a.key = row.text(0);
        a.name = row.text(1);
        a.kind = model::parse_asset_kind(row.text(2)).value_or(model::AssetKind::kTable);
        a.parent = row.text(3);
        a.connection = row.text(4);
        a.owner = row.text(5);
        a.tags = decode_tags(parser, row.text(6));
        a.description = row.text(7);
        a.url = row.text(8);
        a.relation = row.text(9);
        a.policy = decode_policy(parser, a.key, row.text(10));
        a.usage = decode_usage(parser, a.key, row.text(11));
        a.referenced = row.int64(12) != 0;
        out.push_back(std::move(a));
      }
      return out;
    });
  }

  Result<std::vector<AssetSighting>> asset_sightings() override {
    return read([](Db& db) -> Result<std::vector<AssetSighting>> {
      FW_ASSIGN(row, db.prepare(kSelectSightings));
      return read_rows<AssetSighting>(row, [](const Statement& row) -> AssetSighting {
        return {std::string(row.text(0)), row.time(1), row.time(2)};
      });
    });
  }

  Result<std::vector<model::Edge>> edges() override {
    return read([](Db& db) -> Result<std::vector<model::Edge>> {
      FW_ASSIGN(row, db.prepare(kSelectEdges));
      return read_rows<model::Edge>(row, [](const Statement& row) -> model::Edge {
        return {std::string(row.text(0)), std::string(row.text(1)), std::string(row.text(2))};
      });
    });
  }

  Result<std::map<std::string, ConnectorState, std::less<>>> connector_states() override {
    return read([](Db& db) -> Result<std::map<std::string, ConnectorState, std::less<>>> {
      FW_ASSIGN(row, db.prepare(kSelectConnectorStates));
      std::map<std::string, ConnectorState, std::less<>> out;
      for (;;) {
        FW_ASSIGN(more, row.step());
        if (!more) return out;
        out[std::string(row.text(0))].emplace(row.text(1), row.text(2));
      }
    });
  }

  Result<std::vector<model::Observation>> latest_observations() override {
    return read([](Db& db) -> Result<std::vector<model::Observation>> {
      FW_ASSIGN(count, count_rows(db, "SELECT count(*) FROM latest_observations"));
      FW_ASSIGN(row, db.prepare(kSelectLatestObservations));
      return read_rows<model::Observation>(row, read_observation, count);
    });
  }

  Result<std::vector<model::Observation>> observations(std::string_view asset_key,
                                                       std::size_t limit) override {
    return read([&](Db& db) -> Result<std::vector<model::Observation>> {
      FW_ASSIGN(row, db.prepare(kSelectObservations));
      row.bind(1, asset_key)
          .bind(2, static_cast<std::int64_t>(
                       std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
      return read_rows<model::Observation>(row, read_observation);
    });
  }

  Result<std::vector<model::StatusInterval>> intervals(std::string_view asset_key,
                                                       core::TimePoint from,
                                                       core::TimePoint to) override {
    return read([&](Db& db) -> Result<std::vector<model::StatusInterval>> {
      FW_ASSIGN(row, db.prepare(kSelectIntervals));
      row.bind(1, asset_key).bind(2, from).bind(3, to);
      return read_rows<model::StatusInterval>(row, read_interval);
    });
  }

  Result<std::vector<model::StatusInterval>> open_intervals() override {
    return read([](Db& db) -> Result<std::vector<model::StatusInterval>> {
      FW_ASSIGN(row, db.prepare(kSelectOpenIntervals));
      return read_rows<model::StatusInterval>(row, read_interval);
    });
  }

  Result<model::HistoryTable> history(date::sys_days from, date::sys_days to) override {
    return read([&](Db& db) -> Result<model::HistoryTable> {
      FW_ASSIGN(row, db.prepare(kSelectHistoryAll));
      row.bind(1, day_number(from)).bind(2, day_number(to));
      model::HistoryTable table(from, static_cast<int>((to - from).count()) + 1);
      FW_ASSIGN(assets, count_rows(db, "SELECT count(*) FROM assets"));
      table.reserve(assets);
      for (;;) {
        FW_ASSIGN(more, row.step());
        if (!more) return table;
        const auto day = day_of_number(row.int64(1));
        table.at(row.text(0), day) = {status_of_severity(row.int64(2)), true};
      }
    });
  }

  Result<std::vector<model::DayCell>> history(std::string_view asset_key, date::sys_days from,
                                              date::sys_days to,
                                              std::optional<core::TimePoint> as_of) override {
    return read([&](Db& db) -> Result<std::vector<model::DayCell>> {
      FW_ASSIGN(row, db.prepare(kSelectHistoryOne));
      row.bind(1, asset_key).bind(2, day_number(from)).bind(3, day_number(to));
      std::vector<RawCell> cells;
      for (;;) {
        FW_ASSIGN(more, row.step());
        if (!more) break;
        cells.push_back(read_raw_cell(row));
      }
      if (as_of) {
        FW_ASSIGN(open, db.prepare(kSelectOpenInterval));
        open.bind(1, asset_key);
        FW_ASSIGN(found, open.step());
        if (found) {
          const OpenState held{status_of_text(open.text(1)), open.time(2), open.time(3)};
          RecordPlan plan;
          if (held.recorded_at < *as_of) plan_record(held, held.status, *as_of, *zone_, plan);
          credit(cells, plan.cells, from, to);
        }
      }
      std::vector<model::DayCell> out;
      out.reserve(cells.size());
      for (const RawCell& c : cells) out.push_back(c.cell());
      return out;
    });
  }

  Result<std::vector<std::pair<date::sys_days, core::TimePoint>>> known_changes(
      std::string_view asset_key, date::sys_days from, date::sys_days to) override {
    using Known = std::pair<date::sys_days, core::TimePoint>;
    return read([&](Db& db) -> Result<std::vector<Known>> {
      std::vector<Known> out;
      std::optional<core::TimePoint> latest;
      {
        FW_ASSIGN(before, db.prepare(kSelectKnownChangeBefore));
        before.bind(1, asset_key).bind(2, day_number(from));
        FW_ASSIGN(found, before.step());
        if (found) latest = before.optional_time(0);
      }
      if (latest) out.emplace_back(from, *latest);
      FW_ASSIGN(row, db.prepare(kSelectKnownChanges));
      row.bind(1, asset_key).bind(2, day_number(from)).bind(3, day_number(to));
      for (;;) {
        FW_ASSIGN(more, row.step());
        if (!more) break;
        const core::TimePoint changed = row.time(1);
        if (latest && changed <= *latest) continue;
        latest = changed;
        const date::sys_days day = day_of_number(row.int64(0));
        if (!out.empty() && out.back().first == day) out.back().second = changed;
        else out.emplace_back(day, changed);
      }
      return out;
    });
  }

  Result<std::vector<ConnectionRun>> latest_runs() override {
    return read([](Db& db) -> Result<std::vector<ConnectionRun>> {
      FW_ASSIGN(row, db.prepare(kSelectLatestRuns));
      std::vector<ConnectionRun> out;
      for (;;) {
        FW_ASSIGN(more, row.step());
        if (!more) break;
        // Several runs may share the latest finished_at; the last inserted comes first.
        if (!out.empty() && out.back().connection == row.text(0)) continue;
        out.push_back({std::string(row.text(0)), row.time(1), row.time(2), std::string(row.text(3)),
                       row.optional_time(4)});
      }
      return out;
    });
  }

  Result<std::size_t> prune_observations(core::TimePoint before) override {
    std::lock_guard lock(write_mutex_);
    return prune_locked(before);
  }

  Result<void> put_user(const User& user) override {
    if (user.name.empty()) return fail(ErrorCode::kInvalidArgument, "a user needs a name");
    return write(kUpsertUser, [&](Statement& s) {
      s.bind(1, user.name).bind(2, user.password_hash).bind(3, user.role);
    });
  }

  Result<std::optional<User>> find_user(std::string_view name) override {
    return read([&](Db& db) -> Result<std::optional<User>> {
      FW_ASSIGN(row, db.prepare(kSelectUser));
      row.bind(1, name);
      FW_ASSIGN(found, row.step());
      if (!found) return std::nullopt;
      return User{std::string(row.text(0)), std::string(row.text(1)), std::string(row.text(2))};
    });
  }

  Result<std::vector<User>> list_users() override {
    return read([](Db& db) -> Result<std::vector<User>> {
      FW_ASSIGN(row, db.prepare(kSelectUsers));
      return read_rows<User>(row, [](const Statement& row) -> User {
        return {std::string(row.text(0)), std::string(row.text(1)), std::string(row.text(2))};
      });
    });
  }

  Result<bool> delete_user(std::string_view name) override {
    FW_ASSIGN(changed, write_counting(kDeleteUser, [&](Statement& s) { s.bind(1, name); }));
    return changed > 0;
  }

  Result<void> put_token(const ApiToken& token) override {
    if (token.token_hash.empty())
      return fail(ErrorCode::kInvalidArgument, "an API token needs its hash");
    return write(kUpsertToken, [&](Statement& s) {
      s.bind(1, token.token_hash).bind(2, token.name).bind(3, token.created_at);
    });
  }

  Result<std::optional<ApiToken>> find_token(std::string_view token_hash) override {
    return read([&](Db& db) -> Result<std::optional<ApiToken>> {
      FW_ASSIGN(row, db.prepare(kSelectToken));
      row.bind(1, token_hash);
      FW_ASSIGN(found, row.step());
      if (!found) return std::nullopt;
      return ApiToken{std::string(row.text(0)), std::string(row.text(1)), row.time(2)};
    });
  }

  Result<std::vector<ApiToken>> list_tokens() override {
    return read([](Db& db) -> Result<std::vector<ApiToken>> {
      FW_ASSIGN(row, db.prepare(kSelectTokens));
      return read_rows<ApiToken>(row, [](const Statement& row) -> ApiToken {
        return {std::string(row.text(0)), std::string(row.text(1)), row.time(2)};
      });
    });
  }

  Result<bool> delete_token(std::string_view name) override {
    FW_ASSIGN(changed, write_counting(kDeleteToken, [&](Statement& s) { s.bind(1, name); }));
    return changed > 0;
  }

  Result<void> put_session(const Session& session) override {
    auto saved = write(kUpsertSession, [&](Statement& s) {
      s.bind(1, session.id_hash).bind(2, session.user).bind(3, session.expires_at);
    });
    if (!saved && saved.error().code == ErrorCode::kConflict)
      return fail(ErrorCode::kNotFound, "cannot start a session for '{}': no such user",
                  session.user);
    return saved;
  }

  Result<std::optional<Session>> find_session(std::string_view id_hash) override {
    return read([&](Db& db) -> Result<std::optional<Session>> {
      FW_ASSIGN(row, db.prepare(kSelectSession));
      row.bind(1, id_hash);
      FW_ASSIGN(found, row.step());
      if (!found) return std::nullopt;
      return Session{std::string(row.text(0)), std::string(row.text(1)), row.time(2)};
    });
  }

  Result<void> delete_session(std::string_view id_hash) override {
    return write(kDeleteSession, [&](Statement& s) { s.bind(1, id_hash); });
  }

  Result<std::size_t> delete_expired_sessions(core::TimePoint now) override {
    FW_ASSIGN(changed,
              write_counting(kDeleteExpiredSessions, [&](Statement& s) { s.bind(1, now); }));
    return static_cast<std::size_t>(changed);
  }

  Result<void> save_incident_changes(std::span<const alerts::Incident> incidents,
                                     std::span<const StoredEvent> events,
                                     std::span<const OutboxEntry> outbox) override {
    std::lock_guard lock(write_mutex_);
    auto saved = save_incidents_locked(incidents, events, outbox);
    if (!saved) return std::unexpected(saved.error().with_context("saving incident changes"));
    return {};
  }

  Result<std::vector<alerts::Incident>> open_incidents() override {
    return read([](Db& db) -> Result<std::vector<alerts::Incident>> {
      FW_ASSIGN(row, db.prepare(kSelectOpenIncidents));
      simdjson::dom::parser parser;
      return read_rows<alerts::Incident>(
          row, [&](const Statement& row) { return read_incident(parser, row); });
    });
  }

  Result<std::vector<alerts::Incident>> incidents(const IncidentFilter& filter) override {
    return read([&](Db& db) -> Result<std::vector<alerts::Incident>> {
      FW_ASSIGN(row, db.prepare(kSelectIncidents));
      const std::string_view status = filter.status ? model::to_string(*filter.status) : "";
      row.bind(1, static_cast<std::int64_t>(filter.state))
          .bind(2, status)
          .bind(3, filter.owner)
          .bind(4, filter.connection)
          .bind(5, static_cast<std::int64_t>(std::min<std::size_t>(
                       filter.limit, std::numeric_limits<std::int64_t>::max())));
      simdjson::dom::parser parser;
      return read_rows<alerts::Incident>(
          row, [&](const Statement& row) { return read_incident(parser, row); });
    });
  }

  Result<std::optional<IncidentDetail>> incident(std::string_view id) override {
    return read([&](Db& db) -> Result<std::optional<IncidentDetail>> {
      IncidentDetail detail;
      simdjson::dom::parser parser;
      {
        FW_ASSIGN(row, db.prepare(kSelectIncident));
        row.bind(1, id);
        FW_ASSIGN(found, row.step());
        if (!found) return std::nullopt;
        detail.incident = read_incident(parser, row);
      }
      {
        FW_ASSIGN(row, db.prepare(kSelectIncidentEvents));
        row.bind(1, id);
        FW_ASSIGN(
            timeline, read_rows<StoredEvent>(row, [](const Statement& row) {
              return StoredEvent{
                  row.int64(1),
                  {std::string(row.text(0)),
                   alerts::parse_event_type(row.text(2)).value_or(alerts::EventType::kUpdated),
                   row.time(3), status_of_text(row.text(4)),
                   static_cast<std::size_t>(row.int64(5))}};
            }));
        detail.timeline = std::move(timeline);
      }
      {
        FW_ASSIGN(row, db.prepare(kSelectIncidentDeliveries));
        row.bind(1, id);
        FW_ASSIGN(deliveries, read_rows<DeliveryAttempt>(row, [](const Statement& row) {
                    DeliveryAttempt a;
                    a.delivery_id = row.text(0);
                    a.incident_id = row.text(1);
                    a.channel = row.text(2);
                    a.attempt = static_cast<int>(row.int64(3));
                    a.result.at = row.time(4);
                    a.result.outcome = row.text(5) == "delivered" ? DeliveryOutcome::kDelivered
                                                                  : DeliveryOutcome::kFailed;
                    if (auto status = row.optional_int64(6))
                      a.result.http_status = static_cast<int>(*status);
                    a.result.error = row.text(7);
                    a.next_attempt_at = row.optional_time(8);
                    return a;
                  }));
        detail.deliveries = std::move(deliveries);
      }
      {
        FW_ASSIGN(row, db.prepare(kSelectIncidentOutbox));
        row.bind(1, id);
        FW_ASSIGN(pending, read_outbox(row));
        detail.pending = std::move(pending);
      }
      return detail;
    });
  }

  Result<std::vector<OutboxEntry>> due_deliveries(core::TimePoint now, std::size_t limit) override {
    return read([&](Db& db) -> Result<std::vector<OutboxEntry>> {
      FW_ASSIGN(row, db.prepare(kSelectDueOutbox));
      row.bind(1, now).bind(2, static_cast<std::int64_t>(std::min<std::size_t>(
                                   limit, std::numeric_limits<std::int64_t>::max())));
      return read_outbox(row);
    });
  }

  Result<void> record_attempt(std::string_view delivery_id, const AttemptResult& result,
                              std::optional<core::TimePoint> next_attempt_at) override {
    if (result.outcome == DeliveryOutcome::kDelivered && next_attempt_at)
      return fail(ErrorCode::kInvalidArgument,
                  "delivery '{}' was delivered; it needs no further attempt", delivery_id);
    std::lock_guard lock(write_mutex_);
    FW_ASSIGN(tx, Transaction::begin(*writer_));
    std::string incident_id, channel;
    std::int64_t attempts = 0;
    {
      FW_ASSIGN(select, writer_->prepare(kSelectOutboxEntry));
      select.bind(1, delivery_id);
      FW_ASSIGN(found, select.step());
      if (!found)
        return fail(ErrorCode::kNotFound, "delivery '{}' is not pending (delivered or given up)",
                    delivery_id);
      incident_id = select.text(0);
      channel = select.text(1);
      attempts = select.int64(2);
    }
    const std::string error = core::redact_secrets(result.error);
    {
      FW_ASSIGN(insert, writer_->prepare(kInsertDelivery));
      insert.bind(1, delivery_id)
          .bind(2, attempts + 1)
          .bind(3, incident_id)
          .bind(4, channel)
          .bind(5, result.at)
          .bind(6, result.http_status ? std::optional<std::int64_t>(*result.http_status)
                                      : std::nullopt)
          .bind(7, outcome_text(result.outcome))
          .bind(8, error)
          .bind(9, next_attempt_at);
      FW_TRY(insert.run());
    }
    if (next_attempt_at) {
      FW_ASSIGN(reschedule, writer_->prepare(kRescheduleOutbox));
      reschedule.bind(1, delivery_id).bind(2, *next_attempt_at);
      FW_TRY(reschedule.run());
    } else {
      FW_ASSIGN(remove, writer_->prepare(kDeleteOutbox));
      remove.bind(1, delivery_id);
      FW_TRY(remove.run());
    }
    return tx.commit();
  }

  Result<void> acknowledge(std::string_view id, core::TimePoint at) override {
    FW_ASSIGN(changed, write_counting(kAcknowledgeIncident,
                                      [&](Statement& s) { s.bind(1, id).bind(2, at); }));
    if (changed == 0) return fail(ErrorCode::kNotFound, "there is no incident '{}'", id);
    return {};
  }

  Result<void> snooze(std::string_view id, core::TimePoint until) override {
    FW_ASSIGN(changed,
              write_counting(kSnoozeIncident, [&](Statement& s) { s.bind(1, id).bind(2, until); }));
    if (changed == 0) return fail(ErrorCode::kNotFound, "there is no incident '{}'", id);
    return {};
  }

 private:
  // Runs `f` on the read connection (or on the only connection of an in-memory database).
  template <typename F>
  auto read(F&& f) -> decltype(f(std::declval<Db&>())) {
    if (reader_) {
      std::lock_guard lock(read_mutex_);
      return f(*reader_);
    }
    std::lock_guard lock(write_mutex_);
    return f(*writer_);
  }

  // One statement on the writer (its own implicit transaction); returns the rows changed.
  template <typename Bind>
  Result<std::int64_t> write_counting(const char* sql, Bind&& bind) {
    std::lock_guard lock(write_mutex_);
    FW_ASSIGN(stmt, writer_->prepare(sql));
    bind(stmt);
    FW_TRY(stmt.run());
    return writer_->changes();
  }

  template <typename Bind>
  Result<void> write(const char* sql, Bind&& bind) {
    FW_TRY(write_counting(sql, std::forward<Bind>(bind)));
    return {};
  }

  Result<void> save_run_locked(const RunRecord& run) {
    FW_ASSIGN(tx, Transaction::begin(*writer_));
    std::string tags, policy, usage;
    for (const model::Asset& asset : run.assets) {
      if (asset.key.empty())
        return fail(ErrorCode::kInvalidArgument, "an asset named '{}' has no key", asset.name);
      tags = encode_tags(asset.tags);
      policy = encode_policy(asset.policy);
      usage = encode_usage(asset.usage);
      FW_ASSIGN(upsert, writer_->prepare(kUpsertAsset));
      upsert.bind(1, asset.key)
          .bind(2, asset.name)
          .bind(3, model::to_string(asset.kind))
          .bind(4, asset.parent)
          .bind(5, asset.connection)
          .bind(6, asset.owner)
          .bind(7, tags)
          .bind(8, asset.description)
          .bind(9, asset.url)
          .bind(10, asset.relation)
          .bind(11, run.finished_at)
          .bind(12, policy)
          .bind(13, usage)
          .bind(14, std::int64_t{asset.referenced});
      FW_TRY(upsert.run());
    }
    {
      FW_ASSIGN(clear, writer_->prepare(kDeleteEdges));
      clear.bind(1, run.connection);
      FW_TRY(clear.run());
    }
    for (const model::Edge& edge : run.edges) {
      FW_ASSIGN(insert, writer_->prepare(kInsertEdge));
      insert.bind(1, run.connection)
          .bind(2, edge.upstream)
          .bind(3, edge.downstream)
          .bind(4, edge.via);
      FW_TRY(insert.run());
    }
    for (const model::Observation& o : run.observations) {
      if (o.asset_key.empty())
        return fail(ErrorCode::kInvalidArgument, "an observation of signal '{}' has no asset key",
                    o.signal);
      std::int64_t id = 0;
      {
        FW_ASSIGN(insert, writer_->prepare(kInsertObservation));
        insert.bind(1, o.asset_key)
            .bind(2, o.signal)
            .bind(3, o.observed_at)
            .bind(4, o.changed_at)
            .bind(5, o.evidence)
            .bind(6, o.row_count)
            .bind(7, o.marker)
            .bind(8, o.error);
        FW_ASSIGN(returned, insert.step());
        if (!returned) return fail(ErrorCode::kInternal, "inserting an observation returned no id");
        id = insert.int64(0);
      }
      FW_ASSIGN(latest, writer_->prepare(kUpsertLatestObservation));
      latest.bind(1, o.asset_key)
          .bind(2, o.signal)
          .bind(3, id)
          .bind(4, o.observed_at)
          .bind(5, o.changed_at)
          .bind(6, o.evidence)
          .bind(7, o.row_count)
          .bind(8, o.marker)
          .bind(9, o.error);
      FW_TRY(latest.run());
    }
    {
      FW_ASSIGN(insert, writer_->prepare(kInsertRun));
      insert.bind(1, run.connection)
          .bind(2, run.started_at)
          .bind(3, run.finished_at)
          .bind(4, run.error);
      FW_TRY(insert.run());
    }
    if (run.state) {
      if (!run.error.empty())
        return fail(ErrorCode::kInvalidArgument,
                    "a failed run carries a connector state; only a successful run replaces it");
      FW_ASSIGN(clear, writer_->prepare(kDeleteConnectorState));
      clear.bind(1, run.connection);
      FW_TRY(clear.run());
      for (const auto& [key, value] : *run.state) {
        FW_ASSIGN(insert, writer_->prepare(kInsertConnectorState));
        insert.bind(1, run.connection).bind(2, key).bind(3, value);
        FW_TRY(insert.run());
      }
    }
    for (const model::Observation& o : run.observations) {
      if (!o.ok() || !o.changed_at) continue;
      FW_ASSIGN(add, writer_->prepare(kAddDailyChange));
      add.bind(1, o.asset_key)
          .bind(2, day_number(local_day(std::max(o.observed_at, *o.changed_at), *zone_)))
          .bind(3, *o.changed_at);
      FW_TRY(add.run());
    }
    FW_TRY(record_locked(run.statuses, run.finished_at));
    return tx.commit();
  }

  // The body of record_statuses(), inside the caller's transaction. The arithmetic is
  // plan_record()'s; this only reads the open interval and writes what the plan says.
  Result<void> record_locked(std::span<const StatusRecord> statuses, core::TimePoint at) {
    for (const StatusRecord& record : statuses) {
      if (record.asset_key.empty())
        return fail(ErrorCode::kInvalidArgument, "a status record has no asset key");
      std::optional<OpenState> previous;
      std::int64_t open_id = 0;
      {
        FW_ASSIGN(select, writer_->prepare(kSelectOpenInterval));
        select.bind(1, record.asset_key);
        FW_ASSIGN(found, select.step());
        if (found) {
          open_id = select.int64(0);
          previous = OpenState{status_of_text(select.text(1)), select.time(2), select.time(3)};
        }
      }
      plan_record(previous, record.status, at, *zone_, plan_);
      for (const CellChange& cell : plan_.cells) {
        std::array<std::int64_t, 4> add{};
        add[static_cast<std::size_t>(cell.status)] = cell.duration.count();
        FW_ASSIGN(upsert, writer_->prepare(kAddToDay));
        upsert.bind(1, record.asset_key)
            .bind(2, day_number(cell.day))
            .bind(3, static_cast<std::int64_t>(model::severity(cell.status)))
            .bind(4, add[0])
            .bind(5, add[1])
            .bind(6, add[2])
            .bind(7, add[3]);
        FW_TRY(upsert.run());
      }
      if (plan_.reopen && previous && previous->since == plan_.at) {
        // The previous status held for no time at all: replace it rather than keep an empty
        // interval.
        FW_ASSIGN(replace, writer_->prepare(kReplaceOpenInterval));
        replace.bind(1, open_id)
            .bind(2, model::to_string(record.status))
            .bind(3, record.reason)
            .bind(4, plan_.at);
        FW_TRY(replace.run());
      } else if (plan_.reopen) {
        if (previous) {
          FW_ASSIGN(close, writer_->prepare(kCloseInterval));
          close.bind(1, open_id).bind(2, plan_.at);
          FW_TRY(close.run());
        }
        FW_ASSIGN(open, writer_->prepare(kOpenInterval));
        open.bind(1, record.asset_key)
            .bind(2, model::to_string(record.status))
            .bind(3, plan_.at)
            .bind(4, record.reason);
        FW_TRY(open.run());
      } else if (plan_.at != previous->recorded_at) {
        FW_ASSIGN(touch, writer_->prepare(kTouchInterval));
        touch.bind(1, open_id).bind(2, plan_.at);
        FW_TRY(touch.run());
      }
    }
    return {};
  }

  Result<void> save_incidents_locked(std::span<const alerts::Incident> incidents,
                                     std::span<const StoredEvent> events,
                                     std::span<const OutboxEntry> outbox) {
    FW_ASSIGN(tx, Transaction::begin(*writer_));
    std::string impacted;
    for (const alerts::Incident& i : incidents) {
      if (i.id.empty() || i.root.key.empty())
        return fail(ErrorCode::kInvalidArgument, "an incident needs an id and a root key");
      impacted = encode_tags(i.impacted);
      FW_ASSIGN(upsert, writer_->prepare(kUpsertIncident));
      upsert.bind(1, i.id)
          .bind(2, i.root.key)
          .bind(3, connection_of_key(i.root.key))
          .bind(4, alerts::to_string(i.kind))
          .bind(5, model::to_string(i.root.status))
          .bind(6, i.root.name)
          .bind(7, i.root.owner)
          .bind(8, i.root.reason)
          .bind(9, i.root.changed_at)
          .bind(10, impacted)
          .bind(11, i.opened_at)
          .bind(12, i.resolved_at)
          .bind(13, i.acknowledged_at)
          .bind(14, i.snoozed_until)
          .bind(15, i.last_notified_at);
      FW_TRY(upsert.run());
    }
    for (const StoredEvent& e : events) {
      if (e.sequence <= 0)
        return fail(ErrorCode::kInvalidArgument,
                    "an event of incident '{}' has sequence {}; events are numbered from 1",
                    e.event.incident_id, e.sequence);
      FW_ASSIGN(insert, writer_->prepare(kInsertIncidentEvent));
      insert.bind(1, e.event.incident_id)
          .bind(2, e.sequence)
          .bind(3, alerts::to_string(e.event.type))
          .bind(4, e.event.at)
          .bind(5, model::to_string(e.event.status))
          .bind(6, static_cast<std::int64_t>(e.event.impacted_count));
      if (auto inserted = insert.run(); !inserted)
        return std::unexpected(inserted.error().with_context(
            fmt::format("event {} of incident '{}' (stored already, or no such incident)",
                        e.sequence, e.event.incident_id)));
    }
    std::string notification;
    for (const OutboxEntry& o : outbox) {
      const alerts::Notification& n = o.notification;
      if (n.delivery_id.empty() || n.channel.empty())
        return fail(ErrorCode::kInvalidArgument,
                    "a notification of incident '{}' needs a delivery id and a channel",
                    n.incident.id);
      notification = encode_notification(n);
      FW_ASSIGN(insert, writer_->prepare(kInsertOutbox));
      insert.bind(1, n.delivery_id)
          .bind(2, n.incident.id)
          .bind(3, o.event_sequence)
          .bind(4, n.channel)
          .bind(5, notification)
          .bind(6, o.created_at)
          .bind(7, o.next_attempt_at)
          .bind(8, static_cast<std::int64_t>(o.attempts));
      if (auto inserted = insert.run(); !inserted)
        return std::unexpected(inserted.error().with_context(fmt::format(
            "delivery '{}' (pending already, or its event {} of incident '{}' is not stored)",
            n.delivery_id, o.event_sequence, n.incident.id)));
    }
    return tx.commit();
  }

  Result<std::size_t> prune_locked(core::TimePoint before) {
    FW_ASSIGN(tx, Transaction::begin(*writer_));
    {
      FW_ASSIGN(prune, writer_->prepare(kPruneObservations));
      prune.bind(1, before);
      FW_TRY(prune.run());
    }
    auto deleted = static_cast<std::size_t>(writer_->changes());
    FW_TRY(tx.commit());
    return deleted;
  }

  const SqliteOptions options_;
  const date::time_zone* const zone_;

  std::mutex write_mutex_;
  std::unique_ptr<Db> writer_;                 // guarded by write_mutex_
  RecordPlan plan_;                            // guarded by write_mutex_; scratch, reused
  std::optional<core::TimePoint> last_prune_;  // guarded by write_mutex_

  std::mutex read_mutex_;
  std::unique_ptr<Db> reader_;  // guarded by read_mutex_; null for an in-memory database
};

}  // namespace

int sqlite_schema_version() { return static_cast<int>(sqlite::migrations().size()); }

Result<std::unique_ptr<Store>> open_sqlite(const SqliteOptions& options) {
  if (options.path.empty())
    return fail(ErrorCode::kInvalidArgument,
                "the store needs a file: set store.sqlite to a path such as freshwatch.db");
  FW_ASSIGN(zone, core::find_zone(options.timezone));
  if (options.observation_retention && *options.observation_retention <= core::Duration{0})
    return fail(ErrorCode::kInvalidArgument,
                "the observation retention must be positive (leave it out to keep everything)");
  FW_ASSIGN(writer, Db::open(options.path, /*create=*/true));
  FW_TRY(sqlite::migrate(*writer, sqlite::migrations()));
  std::unique_ptr<Db> reader;
  if (options.path != ":memory:") {
    FW_ASSIGN(opened, Db::open(options.path, /*create=*/false));
    FW_TRY(opened->exec("PRAGMA query_only = ON"));
    reader = std::move(opened);
  }
  return std::make_unique<SqliteStore>(options, zone, std::move(writer), std::move(reader));
}

}  // namespace freshwatch::store
