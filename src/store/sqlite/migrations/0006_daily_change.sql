-- freshwatch store, schema version 6: daily_change, part of the daily rollup.
--
-- Per asset and calendar day: the newest change of the asset's data that its successful
-- observations attributed to that day reported (an observation counts from the day it was made,
-- or the day of the change when that is later). The newest change known by the end of a day is
-- the max over the asset's rows up to that day, so the history's age per day is read from here,
-- never from raw observations, and outlives their retention.
CREATE TABLE daily_change (
  asset_key  TEXT NOT NULL,
  day        INTEGER NOT NULL,
  changed_us INTEGER NOT NULL,
  PRIMARY KEY (asset_key, day)
) WITHOUT ROWID;

-- From the observations kept so far, by UTC day (the store's time zone is not known to SQL:
-- in another zone a change near midnight may count a day early; readers never count a change
-- before it happened).
INSERT INTO daily_change (asset_key, day, changed_us)
SELECT asset_key, max(observed_at_us, changed_at_us) / 86400000000, max(changed_at_us)
FROM observations
WHERE error = '' AND changed_at_us IS NOT NULL AND observed_at_us >= 0
GROUP BY 1, 2;
