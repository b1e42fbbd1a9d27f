-- freshwatch store, schema version 4.
--
-- assets.referenced: 1 for a table another tool only names (model::Asset::referenced: a table in
-- a BI query's SQL), so identity merging after a restart still prefers the warehouse's own.
ALTER TABLE assets ADD COLUMN referenced INTEGER NOT NULL DEFAULT 0;
