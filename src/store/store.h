// Store: where freshwatch keeps what it has learned: assets, raw observations (with retention),
// status intervals, a per-day rollup (worst status and minutes per status per asset and day),
// connection runs, and users and API tokens. SQLite (WAL) is the embedded default; PostgreSQL
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
  // Day cells of every asset for days in [from, to], oldest first (then by asset key); days
  // without a row are absent (the caller marks them as having no data).
  virtual Result<std::vector<std::pair<std::string, model::DayCell>>> history(
      date::sys_days from, date::sys_days to) = 0;
  virtual Result<std::vector<model::DayCell>> history(std::string_view asset_key,
                                                      date::sys_days from, date::sys_days to) = 0;
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
};

}  // namespace freshwatch::store
