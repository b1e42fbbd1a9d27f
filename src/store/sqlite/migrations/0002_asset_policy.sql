-- freshwatch store, schema version 2: an asset's own policy (model::Asset::policy, such as a dbt
-- source's warn_after / error_after), so a restart judges the asset by it before its connection
-- runs again. JSON text, or '' when the asset has none:
--   {"name": "dbt freshness", "origin": "dbt: models/sources.yml", "rule": RULE}
-- RULE is one of (durations in integer microseconds, null when absent)
--   {"type": "calendar", "warn_after_days": 1, "error_after_days": 101}
--   {"type": "threshold", "warn_after_us": 43200000000, "error_after_us": null}
--   {"type": "deadline", "cron": "0 6 * * *", "timezone": "UTC", "grace_us": 0, "missed": "error"}
ALTER TABLE assets ADD COLUMN policy TEXT NOT NULL DEFAULT '';
