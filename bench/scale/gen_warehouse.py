#!/usr/bin/env python3
"""Writes, in DIR, a SQLite warehouse of N attached schema files of M one-row tables each (by
default 10 x 10,000 = 100,000 tables), a freshwatch.yml watching it in query mode, and a store
with one collection run and D days of daily history (default 90) before today.

    python3 bench/scale/gen_warehouse.py DIR [--schemas 10] [--tables 10000] [--history-days 90]
        [--freshwatch build/release/freshwatch] [--schedule "0 3 * * *"]

DIR/warehouse.db is the main file (no tables of its own); DIR/schemas/sNN.db hold tables
tNNNNNN(id, _loaded_at), _loaded_at in unix seconds. By the table's number, 70 % were loaded in
the last 12 hours (fresh), 15 % 1 to 6 days ago (warn), 10 % 8 to 60 days ago (error) and 5 %
hold NULL (unknown); the policy warns after 1 day and errors after 7. Ages are relative to the
moment of generation.

The store is made by the product: `freshwatch collect` creates and migrates it and records the
first run. freshwatch has no command that writes past days, so the history (daily_rollup and
daily_change, one row per table and day, and status_intervals, one per run of equal days) is
then written into the store's tables directly, shaped like the history
`freshwatch demo` backfills. The generator refuses a store whose schema version it does not
know. SQLite attaches at most 10 files by default, so --schemas is at most 10.
"""
import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import time

KNOWN_STORE_VERSIONS = {6}
DAY_S = 86400


def table_class(i):
    """(class, age in seconds) of table number i; deterministic."""
    h = (i * 2654435761) % 1000
    spread = (i * 40503) % 997
    if h < 700:
        return "fresh", spread * 43  # 0 .. ~12 h
    if h < 850:
        return "warn", DAY_S + spread * 434  # 1 .. ~6 d
    if h < 950:
        return "error", 8 * DAY_S + spread * 4523  # 8 .. ~60 d
    return "unknown", None


def write_warehouse(out, schemas, tables, now):
    os.makedirs(os.path.join(out, "schemas"))
    main_db = sqlite3.connect(os.path.join(out, "warehouse.db"))
    main_db.execute("PRAGMA user_version = 1")  # writes the header: a valid, empty database
    main_db.close()
    for s in range(schemas):
        db = sqlite3.connect(os.path.join(out, "schemas", f"s{s:02d}.db"), isolation_level=None)
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("BEGIN")
        for t in range(tables):
            i = s * tables + t
            _, age = table_class(i)
            name = f"t{i:06d}"
            db.execute(f"CREATE TABLE {name} (id INTEGER, _loaded_at INTEGER)")
            db.execute(f"INSERT INTO {name} VALUES (1, ?)", (None if age is None else now - age,))
        db.execute("COMMIT")
        db.close()


def write_config(out, schemas, schedule):
    attach = "".join(f"      s{s:02d}: schemas/s{s:02d}.db\n" for s in range(schemas))
    with open(os.path.join(out, "freshwatch.yml"), "w") as f:
        f.write(f"""# Written by bench/scale/gen_warehouse.py: the scale benchmark's warehouse.
timezone: UTC
store: {{sqlite: freshwatch.db}}
connections:
  - name: scale
    type: sqlite
    path: warehouse.db
    attach:
{attach}    loaded_at_field: _loaded_at
    schedule: "{schedule}"
policies:
  - select: "scale:*"
    warn_after: 1d
    error_after: 7d
""")


def write_history(store_path, tables_per_schema, days, now):
    db = sqlite3.connect(store_path, isolation_level=None)
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version not in KNOWN_STORE_VERSIONS:
        sys.exit(f"gen_warehouse: store schema version {version} is not one this generator "
                 f"knows ({sorted(KNOWN_STORE_VERSIONS)}); update write_history")
    today = now // DAY_S
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    # Per table: its class as a severity-by-age rule. An asset key is scale:sNN.tNNNNNN.
    db.execute("CREATE TEMP TABLE bench_class (asset_key TEXT PRIMARY KEY, n INTEGER, "
               "cls TEXT, age_days INTEGER, loaded_at INTEGER)")
    rows = []
    for (key,) in db.execute("SELECT key FROM assets WHERE kind = 'table'"):
        n = int(key.rsplit(".t", 1)[1])
        cls, age = table_class(n)
        rows.append((key, n, cls, None if age is None else age // DAY_S,
                     None if age is None else now - age))
    db.executemany("INSERT INTO bench_class VALUES (?, ?, ?, ?, ?)", rows)
    db.execute("CREATE TEMP TABLE bench_days (k INTEGER PRIMARY KEY)")
    db.executemany("INSERT INTO bench_days VALUES (?)", [(k,) for k in range(1, days + 1)])
    # Severity of table c on the day k days ago (0 fresh, 1 unknown, 2 warn, 3 error): before its
    # loads stopped it loaded daily, with a seeded late load (warn, 4 %) or an outage day
    # (error, 1 %) here and there; after they stopped its age decides.
    db.execute(f"""
        CREATE TEMP TABLE bench_cells AS
        SELECT c.asset_key AS asset_key, ? - d.k AS day,
          CASE
            WHEN c.cls = 'unknown' THEN 1
            WHEN c.cls <> 'fresh' AND d.k <= c.age_days THEN
              CASE WHEN c.age_days - d.k >= 7 THEN 3 WHEN c.age_days - d.k >= 1 THEN 2 ELSE 0 END
            WHEN (c.n * 7919 + d.k * 104729) % 100 < 1 THEN 3
            WHEN (c.n * 7919 + d.k * 104729) % 100 < 5 THEN 2
            ELSE 0
          END AS sev,
          -- The newest load known by the day's end (daily_change): the last load
          -- once loads stopped, else that day's 03:00 load (the day before's when it was late).
          CASE
            WHEN c.cls = 'unknown' THEN NULL
            WHEN c.cls <> 'fresh' AND d.k <= c.age_days THEN c.loaded_at
            WHEN (c.n * 7919 + d.k * 104729) % 100 < 5 THEN (? - d.k - 1) * {DAY_S} + 10800
            ELSE (? - d.k) * {DAY_S} + 10800
          END AS changed_s
        FROM bench_class c CROSS JOIN bench_days d""", (today, today, today))
    day_us = DAY_S * 1_000_000
    db.execute(f"""
        INSERT OR REPLACE INTO daily_rollup
          (asset_key, day, worst_severity, fresh_us, warn_us, error_us, unknown_us)
        SELECT asset_key, day, sev,
          CASE sev WHEN 0 THEN {day_us} ELSE 0 END, CASE sev WHEN 2 THEN {day_us} ELSE 0 END,
          CASE sev WHEN 3 THEN {day_us} ELSE 0 END, CASE sev WHEN 1 THEN {day_us} ELSE 0 END
        FROM bench_cells ORDER BY asset_key, day""")
    # The newest load each day made known; a day that knows no newer one than the day before
    # needs no row (readers carry the latest forward).
    db.execute("""
        INSERT OR REPLACE INTO daily_change (asset_key, day, changed_us)
        SELECT asset_key, day, changed_s * 1000000
        FROM (SELECT asset_key, day, changed_s,
                lag(changed_s) OVER (PARTITION BY asset_key ORDER BY day) AS before
              FROM bench_cells)
        WHERE changed_s IS NOT NULL AND (before IS NULL OR changed_s > before)
        ORDER BY asset_key, day""")
    # One closed status interval per run of days with the same status.
    db.execute(f"""
        INSERT INTO status_intervals (asset_key, status, from_us, to_us, reason, recorded_at_us)
        SELECT asset_key,
          CASE sev WHEN 0 THEN 'fresh' WHEN 1 THEN 'unknown' WHEN 2 THEN 'warn' ELSE 'error' END,
          min(day) * {day_us}, (max(day) + 1) * {day_us}, 'synthetic benchmark history',
          (max(day) + 1) * {day_us}
        FROM (SELECT asset_key, day, sev,
                day - row_number() OVER (PARTITION BY asset_key, sev ORDER BY day) AS grp
              FROM bench_cells)
        GROUP BY asset_key, sev, grp ORDER BY asset_key, min(day)""")
    db.execute("COMMIT")
    cells = db.execute("SELECT count(*) FROM daily_rollup").fetchone()[0]
    intervals = db.execute("SELECT count(*) FROM status_intervals").fetchone()[0]
    db.close()
    return cells, intervals


def step(label, fn):
    start = time.monotonic()
    result = fn()
    print(f"gen_warehouse: {label}: {time.monotonic() - start:.1f} s", flush=True)
    return result


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--schemas", type=int, default=10, help="attached schema files (at most 10)")
    ap.add_argument("--tables", type=int, default=10000, help="one-row tables per schema file")
    ap.add_argument("--history-days", type=int, default=90, help="0 for no history")
    ap.add_argument("--freshwatch", default=os.path.join(repo, "build/release/freshwatch"))
    ap.add_argument("--schedule", default="0 3 * * *",
                    help="the connection's cron (default once a day, so `serve` stays idle)")
    args = ap.parse_args()
    if not 1 <= args.schemas <= 10:
        ap.error("--schemas must be 1 to 10 (SQLite attaches at most 10 files by default)")
    if os.path.exists(args.dir):
        if not os.path.exists(os.path.join(args.dir, "freshwatch.yml")):
            ap.error(f"{args.dir} exists and is not a generated warehouse; not replacing it")
        shutil.rmtree(args.dir)
    os.makedirs(args.dir)
    now = int(time.time())
    total = args.schemas * args.tables
    step(f"warehouse of {total} tables", lambda: write_warehouse(args.dir, args.schemas,
                                                                 args.tables, now))
    write_config(args.dir, args.schemas, args.schedule)
    config = os.path.join(args.dir, "freshwatch.yml")
    step("freshwatch collect (creates the store)", lambda: subprocess.run(
        [args.freshwatch, "collect", "--config", config], check=True))
    if args.history_days > 0:
        cells, intervals = step(f"{args.history_days} days of history", lambda: write_history(
            os.path.join(args.dir, "freshwatch.db"), args.tables, args.history_days, now))
        print(f"gen_warehouse: {cells} day cells, {intervals} status intervals")
    print(f"gen_warehouse: done; bench/scale/run-scale.sh {args.dir}")


if __name__ == "__main__":
    main()
