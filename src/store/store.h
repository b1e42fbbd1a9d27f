// Store: where freshwatch keeps what it has learned: assets, raw observations (with retention),
// status intervals, a per-day rollup (worst status, minutes per status and the newest change of
// the data reported, per asset and day),
// connection runs, users and API tokens, and incidents with their timelines, the outbox of
// notifications still to deliver and the log of every delivery attempt. SQLite (WAL) is the embedded default; PostgreSQL
// will be the shared, multi-replica choice behind the same interface.
//
// Every write method is one transaction: a crash at any moment loses nothing that was
// committed, and the next start carries on from it.
//
// Thread contract: a Store may be called from several threads; implementations serialise
// writes internally. Reads never see a half-written run.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <date/date.h>

#include "core/clock.h"
#include "core/result.h"
#include "alerts/incident.h"
#include "model/asset.h"
#include "model/history.h"
#include "model/observation.h"
#include "model/status.h"

namespace freshwatch::store {

// The status an asset holds from `at` on, and why.
struct StatusRecord {
  std::string asset_key;
  model::Status status = model::Status::kUnknown;
  std::string reason;
};

// The small values a connector keeps between runs (connectors::ConnectorState), by key.
using ConnectorState = std::map<std::string, std::string, std::less<>>;

// One finished collection run of one connection.
struct RunRecord {
  std::string connection;
  core::TimePoint started_at{};
  core::TimePoint finished_at{};
  std::string error;  // empty on success
  std::vector<model::Asset> assets;  // every asset the run saw (upserted)
  std::vector<model::Edge> edges;    // the connection's lineage edges (replace the previous set)
  std::vector<model::Observation> observations;
  std::vector<StatusRecord> statuses;  // evaluated at finished_at
  // When set (a successful run whose connector returned a state), replaces the connection's
  // stored state; left alone otherwise.
  std::optional<ConnectorState> state;
};

struct ConnectionRun {
  std::string connection;
  core::TimePoint started_at{};
  core::TimePoint finished_at{};
  std::string error;
  // finished_at of the connection's latest run without error; empty when none succeeded.
  std::optional<core::TimePoint> last_success;
};

// When the store first and last saw an asset in a run (last_seen: the run's finished_at), so
// the engine can tell assets that disappeared from their source (a dropped table).
struct AssetSighting {
  std::string key;
  core::TimePoint first_seen{};
  core::TimePoint last_seen{};
};

struct User {
  std::string name;
  std::string password_hash;  // argon2id, libsodium's string format
  std::string role = "admin";
};

struct ApiToken {
  std::string name;
  std::string token_hash;  // SHA-256 of the token, hex
  core::TimePoint created_at{};
};

struct Session {
  std::string id_hash;  // SHA-256 of the cookie value, hex
  std::string user;
  core::TimePoint expires_at{};
};

// One event of an incident's timeline. `sequence` numbers the incident's events from 1 (the
// tracker assigns it; it is part of every delivery id of the event).
struct StoredEvent {
  std::int64_t sequence = 0;
  alerts::IncidentEvent event;
};

// A delivery still to be made: the notification of one event for one channel. The identity
// (delivery id, incident, event, channel) is the notification's; the store keeps it whole, so a
// restart sends the incident as it was at the event.
struct OutboxEntry {
  alerts::Notification notification;
  std::int64_t event_sequence = 0;
  core::TimePoint created_at{};
  core::TimePoint next_attempt_at{};  // not due before then
  int attempts = 0;                   // made so far
};

enum class DeliveryOutcome { kDelivered, kFailed };

// What one attempt at a delivery came to. `error` is shown to users and logged; the store
// redacts anything that looks like a credential (core::redact_secrets) before keeping it.
struct AttemptResult {
  core::TimePoint at{};
  DeliveryOutcome outcome = DeliveryOutcome::kFailed;
  std::optional<int> http_status;  // empty when no answer came
  std::string error;
};

// One line of the delivery log.
struct DeliveryAttempt {
  std::string delivery_id;
  std::string incident_id;
  std::string channel;
  int attempt = 1;  // 1 for the first
  AttemptResult result;
  // When the next attempt is due; empty after the last (delivered, or given up).
  std::optional<core::TimePoint> next_attempt_at;
};

enum class IncidentState { kAny, kOpen, kResolved };

struct IncidentFilter {
  IncidentState state = IncidentState::kAny;
  std::optional<model::Status> status;  // the root's latest status
  std::string owner;                    // the root's owner; empty: any
  std::string connection;               // the root key's connection; empty: any
  std::size_t limit = 100;
};

// An incident with everything kept about it: its timeline (by sequence), every delivery
// attempt (oldest first) and the deliveries still pending (by delivery id).
struct IncidentDetail {
  alerts::Incident incident;
  std::vector<StoredEvent> timeline;
  std::vector<DeliveryAttempt> deliveries;
  std::vector<OutboxEntry> pending;
};

class Store {
 public:
  virtual ~Store() = default;

  // Persists a run in one transaction: assets, edges, observations, run outcome, statuses, and
  // the connector's state when the run carries one.
  virtual Result<void> save_run(const RunRecord& run) = 0;

  // Records the statuses all assets hold at `at` (a time-only re-evaluation, no collection):
  // closes intervals whose status changed, opens new ones, and updates the daily rollup. The
  // time since an asset's previous record counts towards the status it held (split over the
  // calendar days of the store's time zone); a record earlier than the previous one takes effect
  // at the previous one's time.
  virtual Result<void> record_statuses(std::span<const StatusRecord> statuses,
                                       core::TimePoint at) = 0;

  virtual Result<std::vector<model::Asset>> assets() = 0;
  virtual Result<std::vector<model::Edge>> edges() = 0;
  // The latest observation of each (asset, signal).
  virtual Result<std::vector<model::Observation>> latest_observations() = 0;
  // Raw observations of one asset, newest first.
  virtual Result<std::vector<model::Observation>> observations(std::string_view asset_key,
                                                               std::size_t limit) = 0;
  // Intervals of one asset overlapping [from, to), oldest first.
  virtual Result<std::vector<model::StatusInterval>> intervals(std::string_view asset_key,
                                                               core::TimePoint from,
                                                               core::TimePoint to) = 0;
  // The open interval of every asset: what each asset's status is now, as last recorded.
  virtual Result<std::vector<model::StatusInterval>> open_intervals() = 0;
  // The day bars of every asset for days in [from, to] (the table's window), read in one pass;
  // days without a row have no data.
  virtual Result<model::HistoryTable> history(date::sys_days from, date::sys_days to) = 0;
  // Day cells of one asset for days in [from, to], oldest first; days without a row are
  // absent. Statuses are recorded when they change (and at least once a day), so with `as_of`
  // the time the open interval has held since its last record, up to `as_of`, is counted too:
  // the minutes are as of that moment.
  virtual Result<std::vector<model::DayCell>> history(
      std::string_view asset_key, date::sys_days from, date::sys_days to,
      std::optional<core::TimePoint> as_of = std::nullopt) = 0;
  // The newest change of one asset's data known by the end of each day in [from, to], as
  // steps, oldest first: from each listed day on (until the next), the latest changed_at its
  // successful observations made by then reported (an observation counts from the day it was
  // made, or from the day of the change when that is later). The first step is at `from` when
  // a change was known before it; nothing is listed before the first change. Reads the rollup,
  // never raw observations.
  virtual Result<std::vector<std::pair<date::sys_days, core::TimePoint>>> known_changes(
      std::string_view asset_key, date::sys_days from, date::sys_days to) = 0;
  virtual Result<std::vector<ConnectionRun>> latest_runs() = 0;
  // When each asset was first and last seen in a run, by key.
  virtual Result<std::vector<AssetSighting>> asset_sightings() = 0;
  // Every connection's stored connector state, by connection name (connections without one are
  // absent).
  virtual Result<std::map<std::string, ConnectorState, std::less<>>> connector_states() = 0;

  // Deletes raw observations older than `before`, keeping each (asset, signal)'s latest.
  virtual Result<std::size_t> prune_observations(core::TimePoint before) = 0;

  // Users, API tokens and sessions (private status page).
  virtual Result<void> put_user(const User& user) = 0;
  virtual Result<std::optional<User>> find_user(std::string_view name) = 0;
  virtual Result<std::vector<User>> list_users() = 0;
  // Deletes the user with their sessions; false when there was no such user.
  virtual Result<bool> delete_user(std::string_view name) = 0;
  virtual Result<void> put_token(const ApiToken& token) = 0;
  virtual Result<std::optional<ApiToken>> find_token(std::string_view token_hash) = 0;
  virtual Result<std::vector<ApiToken>> list_tokens() = 0;
  // Revokes the token(s) with this name; false when there was none.
  virtual Result<bool> delete_token(std::string_view name) = 0;
  virtual Result<void> put_session(const Session& session) = 0;
  virtual Result<std::optional<Session>> find_session(std::string_view id_hash) = 0;
  virtual Result<void> delete_session(std::string_view id_hash) = 0;
  // Deletes sessions whose expires_at is at or before `now`; returns how many.
  virtual Result<std::size_t> delete_expired_sessions(core::TimePoint now) = 0;

  // Incidents and alert delivery (alerts/incident.h, docs/alerts.md).
  //
  // Writes, in one transaction, the incidents as they now are (inserted or replaced whole),
  // their new events, and the outbox entries of those events: a crash leaves either all of it
  // or none. An event whose (incident, sequence) is already stored, or an outbox entry whose
  // delivery id is, is kConflict and the whole call writes nothing; so is an entry naming an
  // event that is neither stored nor in `events`.
  virtual Result<void> save_incident_changes(std::span<const alerts::Incident> incidents,
                                             std::span<const StoredEvent> events,
                                             std::span<const OutboxEntry> outbox) = 0;
  // Every open incident, oldest first (what the tracker resumes from after a restart).
  virtual Result<std::vector<alerts::Incident>> open_incidents() = 0;
  // Incidents matching `filter`, open ones first, then newest opened first.
  virtual Result<std::vector<alerts::Incident>> incidents(const IncidentFilter& filter) = 0;
  // One incident with its timeline and deliveries; empty when there is no such incident.
  virtual Result<std::optional<IncidentDetail>> incident(std::string_view id) = 0;
  // Outbox entries due at `now` (next_attempt_at <= now), the longest due first.
  virtual Result<std::vector<OutboxEntry>> due_deliveries(core::TimePoint now,
                                                          std::size_t limit) = 0;
  // Logs an attempt at a delivery and, in the same transaction, reschedules it for
  // `next_attempt_at` (counting the attempt) or, when that is empty, removes it from the outbox
  // (delivered, or given up). kNotFound when the delivery is not pending; kInvalidArgument for
  // a delivered attempt that asks for another.
  virtual Result<void> record_attempt(std::string_view delivery_id, const AttemptResult& result,
                                      std::optional<core::TimePoint> next_attempt_at) = 0;
  // Acknowledges an incident (no more reminders); kNotFound when there is no such incident.
  // Acknowledging again keeps the first time.
  virtual Result<void> acknowledge(std::string_view id, core::TimePoint at) = 0;
  // No reminders of the incident before `until`; kNotFound when there is no such incident.
  virtual Result<void> snooze(std::string_view id, core::TimePoint until) = 0;
};

}  // namespace freshwatch::store
