-- freshwatch store, schema version 5: incidents, their timelines, and the delivery of their
-- notifications (an outbox written in the same transaction as the incident change, and a log of
-- every attempt).
--
-- Kinds are text ('stale', 'unknown'), event types as in docs/alerts.md ('incident.opened',
-- 'incident.updated', 'incident.resolved', 'incident.reminder'), statuses as everywhere else.

-- One row per incident, as it is now. root_* is the root asset as of the latest event;
-- connection is the root key's connection (the part before ':'), kept for filtering.
CREATE TABLE incidents (
  id                  TEXT PRIMARY KEY,
  root_key            TEXT NOT NULL,
  connection          TEXT NOT NULL DEFAULT '',
  kind                TEXT NOT NULL CHECK (kind IN ('stale', 'unknown')),
  status              TEXT NOT NULL CHECK (status IN ('fresh', 'warn', 'error', 'unknown')),
  root_name           TEXT NOT NULL DEFAULT '',
  root_owner          TEXT NOT NULL DEFAULT '',
  root_reason         TEXT NOT NULL DEFAULT '',
  root_changed_at_us  INTEGER,
  impacted            TEXT NOT NULL DEFAULT '[]',  -- JSON array of asset keys, sorted
  opened_at_us        INTEGER NOT NULL,
  resolved_at_us      INTEGER,                     -- NULL while open
  acknowledged_at_us  INTEGER,
  snoozed_until_us    INTEGER,
  last_notified_at_us INTEGER
);
CREATE INDEX incidents_open ON incidents (opened_at_us) WHERE resolved_at_us IS NULL;
CREATE INDEX incidents_by_root ON incidents (root_key, opened_at_us);
CREATE INDEX incidents_by_time ON incidents (opened_at_us);

-- The timeline: every event of an incident, numbered from 1.
CREATE TABLE incident_events (
  incident_id    TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  sequence       INTEGER NOT NULL CHECK (sequence > 0),
  type           TEXT NOT NULL,
  at_us          INTEGER NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('fresh', 'warn', 'error', 'unknown')),
  impacted_count INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (incident_id, sequence)
);

-- One row per delivery still to be made: an event told to one channel. notification is the
-- serialized alerts::Notification (the incident as of the event), so a restart sends what would
-- have been sent. The row goes when the delivery succeeds or is given up.
CREATE TABLE outbox (
  delivery_id        TEXT PRIMARY KEY,
  incident_id        TEXT NOT NULL,
  event_sequence     INTEGER NOT NULL,
  channel            TEXT NOT NULL,
  notification       TEXT NOT NULL,
  created_at_us      INTEGER NOT NULL,
  next_attempt_at_us INTEGER NOT NULL,
  attempts           INTEGER NOT NULL DEFAULT 0,
  FOREIGN KEY (incident_id, event_sequence) REFERENCES incident_events (incident_id, sequence)
);
CREATE INDEX outbox_due ON outbox (next_attempt_at_us, created_at_us);
CREATE INDEX outbox_by_incident ON outbox (incident_id);

-- Every attempt at a delivery. http_status is NULL when no answer came (refused, timed out);
-- next_attempt_at_us NULL after the last attempt (delivered, or given up). error never holds
-- a secret.
CREATE TABLE deliveries (
  delivery_id        TEXT NOT NULL,
  attempt            INTEGER NOT NULL CHECK (attempt > 0),
  incident_id        TEXT NOT NULL,
  channel            TEXT NOT NULL,
  at_us              INTEGER NOT NULL,
  http_status        INTEGER,
  outcome            TEXT NOT NULL CHECK (outcome IN ('delivered', 'failed')),
  error              TEXT NOT NULL DEFAULT '',
  next_attempt_at_us INTEGER,
  PRIMARY KEY (delivery_id, attempt)
);
CREATE INDEX deliveries_by_incident ON deliveries (incident_id, at_us);
