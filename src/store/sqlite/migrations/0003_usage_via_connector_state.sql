-- freshwatch store, schema version 3: what BI sources add.
--
-- assets.usage: a dashboard's or Look's usage (model::Asset::usage) as the BI tool reports it,
-- so a restart shows it before the connection runs again. JSON text, or '' when the asset has
-- none (times in integer microseconds; each field null when unknown):
--   {"last_accessed_us": 1795000000000000, "last_viewed_us": null, "view_count": 12}
ALTER TABLE assets ADD COLUMN usage TEXT NOT NULL DEFAULT '';

-- edges.via: how the link is known (model::Edge::via: "view orders", "explore-level"); '' when
-- the connector cannot say.
ALTER TABLE edges ADD COLUMN via TEXT NOT NULL DEFAULT '';

-- What a connector keeps between runs (connectors::Collection::state: a cache of queries it
-- traced), per connection. A successful run that returns a state replaces the connection's
-- rows, in the transaction that saves the run.
CREATE TABLE connector_state (
  connection TEXT NOT NULL,
  key        TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (connection, key)
);
