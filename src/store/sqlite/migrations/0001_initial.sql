-- freshwatch store, schema version 1.
--
-- Times are integer microseconds since 1970-01-01 UTC (columns ending in _us); days are integer
-- days since 1970-01-01 of the calendar date in the configured time zone. Statuses are text
-- ('fresh', 'warn', 'error', 'unknown'), except daily_rollup.worst_severity (see there).

CREATE TABLE assets (
  key           TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  kind          TEXT NOT NULL,
  parent        TEXT NOT NULL DEFAULT '',
  connection    TEXT NOT NULL,
  owner         TEXT NOT NULL DEFAULT '',
  tags          TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
  description   TEXT NOT NULL DEFAULT '',
  url           TEXT NOT NULL DEFAULT '',
  relation      TEXT NOT NULL DEFAULT '',
  first_seen_us INTEGER NOT NULL,
  last_seen_us  INTEGER NOT NULL
);
CREATE INDEX assets_connection ON assets (connection);

-- Lineage edges, as each connection last reported them (replaced by each of its runs).
CREATE TABLE edges (
  connection TEXT NOT NULL,
  upstream   TEXT NOT NULL,
  downstream TEXT NOT NULL,
  PRIMARY KEY (connection, upstream, downstream)
);

CREATE TABLE connection_runs (
  id             INTEGER PRIMARY KEY,
  connection     TEXT NOT NULL,
  started_at_us  INTEGER NOT NULL,
  finished_at_us INTEGER NOT NULL,
  error          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX connection_runs_latest ON connection_runs (connection, finished_at_us);

-- Raw observations, kept for the configured retention.
CREATE TABLE observations (
  id             INTEGER PRIMARY KEY,
  asset_key      TEXT NOT NULL,
  signal         TEXT NOT NULL,
  observed_at_us INTEGER NOT NULL,
  changed_at_us  INTEGER,                 -- NULL: the signal cannot tell
  evidence       TEXT NOT NULL DEFAULT '',
  row_count      INTEGER,
  marker         TEXT NOT NULL DEFAULT '',
  error          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX observations_by_asset ON observations (asset_key, signal, observed_at_us);
CREATE INDEX observations_by_time ON observations (observed_at_us);

-- The latest observation of each (asset, signal), kept up to date by every run, so reading
-- them all never scans the history. observation_id points at the raw row, which retention
-- never deletes.
CREATE TABLE latest_observations (
  asset_key      TEXT NOT NULL,
  signal         TEXT NOT NULL,
  observation_id INTEGER NOT NULL,
  observed_at_us INTEGER NOT NULL,
  changed_at_us  INTEGER,
  evidence       TEXT NOT NULL DEFAULT '',
  row_count      INTEGER,
  marker         TEXT NOT NULL DEFAULT '',
  error          TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (asset_key, signal)
);
CREATE INDEX latest_observations_id ON latest_observations (observation_id);

-- Which status each asset held when. The open interval (to_us NULL) is the current status;
-- recorded_at_us is when it was last recorded, where the next record starts counting time.
CREATE TABLE status_intervals (
  id             INTEGER PRIMARY KEY,
  asset_key      TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('fresh', 'warn', 'error', 'unknown')),
  from_us        INTEGER NOT NULL,
  to_us          INTEGER,
  reason         TEXT NOT NULL DEFAULT '',
  recorded_at_us INTEGER NOT NULL
);
CREATE INDEX status_intervals_by_asset ON status_intervals (asset_key, from_us);
CREATE UNIQUE INDEX status_intervals_open ON status_intervals (asset_key) WHERE to_us IS NULL;

-- Per asset and calendar day: time spent in each status (microseconds, shown as minutes) and
-- the worst status held at any moment. worst_severity orders statuses by how bad they are
-- (0 fresh, 1 unknown, 2 warn, 3 error) so the worst is a plain max().
CREATE TABLE daily_rollup (
  asset_key      TEXT NOT NULL,
  day            INTEGER NOT NULL,
  worst_severity INTEGER NOT NULL CHECK (worst_severity BETWEEN 0 AND 3),
  fresh_us       INTEGER NOT NULL DEFAULT 0,
  warn_us        INTEGER NOT NULL DEFAULT 0,
  error_us       INTEGER NOT NULL DEFAULT 0,
  unknown_us     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (asset_key, day)
);
CREATE INDEX daily_rollup_by_day ON daily_rollup (day, asset_key);

CREATE TABLE users (
  name          TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL DEFAULT 'admin'
);

CREATE TABLE api_tokens (
  token_hash    TEXT PRIMARY KEY,  -- SHA-256 of the token, hex
  name          TEXT NOT NULL,
  created_at_us INTEGER NOT NULL
);
CREATE INDEX api_tokens_name ON api_tokens (name);

CREATE TABLE sessions (
  id_hash       TEXT PRIMARY KEY,  -- SHA-256 of the cookie value, hex
  user_name     TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  expires_at_us INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_name);
CREATE INDEX sessions_by_expiry ON sessions (expires_at_us);
