#!/usr/bin/env bash
# Scale benchmark: starts `freshwatch serve` on a warehouse written by gen_warehouse.py, measures
# the time until /readyz and an authenticated API call first answer 200, then samples resident
# memory (VmRSS) and CPU time (/proc/PID/stat) every INTERVAL seconds for SECONDS.
#
#   python3 bench/scale/gen_warehouse.py /tmp/scale          (100,000 tables, 90 days)
#   bench/scale/run-scale.sh /tmp/scale [SECONDS]            (default 120)
#   FRESHWATCH=build/release/freshwatch INTERVAL=5 API=/api/v1/summary bench/scale/run-scale.sh ...
#
# Named run-scale.sh, not run.sh, so scripts/bench does not start it. serve writes to the
# warehouse's store (statuses of the run); regenerate for a clean start. Samples go to stderr,
# the summary table to stdout.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:?usage: run-scale.sh DIR [SECONDS]}
seconds=${2:-120}
interval=${INTERVAL:-5}
api=${API:-/api/v1/summary}
bin=${FRESHWATCH:-$repo/build/release/freshwatch}
ready_timeout=${READY_TIMEOUT:-600}
config=$dir/freshwatch.yml

[ -x "$bin" ] || { echo "run-scale.sh: $bin is missing; cmake --build build/release --target freshwatch" >&2; exit 2; }
[ -f "$config" ] || { echo "run-scale.sh: $config is missing; run bench/scale/gen_warehouse.py $dir" >&2; exit 2; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token=$("$bin" tokens create --name bench --config "$config" 2>/dev/null)
log=$dir/serve.log
clk_tck=$(getconf CLK_TCK)

now() { date +%s.%N; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
# utime + stime in clock ticks; fields after the parenthesised command name, which may hold spaces.
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
mb() { awk -v kb="$1" 'BEGIN { printf "%.0f", kb / 1024 }'; }
status_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }

pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

start=$(now)
"$bin" serve --config "$config" --listen "127.0.0.1:$port" >"$log" 2>&1 &
pid=$!

ready_at="" api_at=""
while [ -z "$ready_at" ] || [ -z "$api_at" ]; do
  kill -0 "$pid" 2>/dev/null || { echo "run-scale.sh: serve exited; see $log" >&2; tail -n 20 "$log" >&2; exit 1; }
  if [ -z "$ready_at" ] && [ "$(status_of "http://127.0.0.1:$port/readyz")" = 200 ]; then ready_at=$(now); fi
  if [ -z "$api_at" ] && [ "$(status_of -H "Authorization: Bearer $token" "http://127.0.0.1:$port$api")" = 200 ]; then api_at=$(now); fi
  if awk -v s="$start" -v n="$(now)" -v t="$ready_timeout" 'BEGIN { exit !(n - s > t) }'; then
    echo "run-scale.sh: not ready after $ready_timeout s; see $log" >&2; exit 1
  fi
  sleep 0.05
done

rss_start=$(rss_kb "$pid")
peak=$rss_start
t0=$(now)
ticks0=$(cpu_ticks "$pid")
prev_t=$t0 prev_ticks=$ticks0
echo "sample  seconds  RSS MB  CPU % of a core (since last sample)" >&2
elapsed=0 n=0
while awk -v e="$elapsed" -v s="$seconds" 'BEGIN { exit !(e < s) }'; do
  sleep "$interval"
  kill -0 "$pid" 2>/dev/null || { echo "run-scale.sh: serve exited during sampling; see $log" >&2; exit 1; }
  t=$(now) ticks=$(cpu_ticks "$pid") rss=$(rss_kb "$pid")
  ((rss > peak)) && peak=$rss
  n=$((n + 1))
  elapsed=$(awk -v a="$t" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
  awk -v n="$n" -v e="$elapsed" -v r="$(mb "$rss")" -v dt="$(awk -v a="$t" -v b="$prev_t" 'BEGIN { print a - b }')" \
      -v dc="$((ticks - prev_ticks))" -v hz="$clk_tck" \
      'BEGIN { printf "%6d  %7s  %6s  %.1f\n", n, e, r, 100 * dc / hz / dt }' >&2
  prev_t=$t prev_ticks=$ticks
done
rss_end=$(rss_kb "$pid")
hwm=$(hwm_kb "$pid")
cpu_pct=$(awk -v dc="$((prev_ticks - ticks0))" -v hz="$clk_tck" -v dt="$(awk -v a="$prev_t" -v b="$t0" 'BEGIN { print a - b }')" \
  'BEGIN { printf "%.1f", 100 * dc / hz / dt }')
startup_cpu=$(awk -v c="$ticks0" -v hz="$clk_tck" 'BEGIN { printf "%.1f", c / hz }')

cat <<EOF

| measure ($dir, ${seconds} s sampled every ${interval} s) | value |
|---|---|
| start → first 200 from /readyz | $(awk -v a="$ready_at" -v b="$start" 'BEGIN { printf "%.2f s", a - b }') |
| start → first 200 from $api (Bearer token) | $(awk -v a="$api_at" -v b="$start" 'BEGIN { printf "%.2f s", a - b }') |
| CPU time used until then | ${startup_cpu} s |
| RSS right after start (both answered) | $(mb "$rss_start") MB |
| RSS at end | $(mb "$rss_end") MB |
| peak RSS (samples / kernel VmHWM) | $(mb "$peak") MB / $(mb "$hwm") MB |
| CPU while idle (after start to end) | ${cpu_pct} % of a core |
EOF
