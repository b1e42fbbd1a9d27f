#!/usr/bin/env bash
# HTTP API load test: wrk against freshwatch (http_bench_server over a synthetic snapshot) and,
# side by side in the same run, against nginx serving the very same response bytes as static
# files. Loopback only; every run is bounded by DURATION.
#
#   bench/http/run.sh [BUILD_DIR]        (default build/release)
#   SIZES="10000 100000" DURATION=10s CONNECTIONS=64 THREADS=2 bench/http/run.sh
#   SIZES=100000 ENDPOINTS=/api/v1/summary CONNECTIONS=1000 REPEAT=3 bench/http/run.sh
#
# ENDPOINTS and ENCODINGS ("identity gzip") pick the cases; REPEAT runs each case that many times,
# both servers each time (freshwatch first in odd repetitions, nginx first in even ones), so
# every ratio compares runs made in the same minute. SERVER_THREADS is http_bench_server's
# --threads (I/O threads; nginx runs 2 workers). The open-file limit is raised to fit
# CONNECTIONS, and nginx's worker_connections follows it.
#
# Prints a Markdown table (requests/s, latency percentiles, ratio to nginx) on stdout, one row
# per repetition, and the load average before each size on stderr.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/release}
server_bin=$build/bench/http/http_bench_server
SIZES=${SIZES:-"10000 100000"}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-2}
ENDPOINTS=${ENDPOINTS:-"/api/v1/summary /api/v1/assets?limit=1000"}
ENCODINGS=${ENCODINGS:-"identity gzip"}
REPEAT=${REPEAT:-1}
PAUSE=${PAUSE:-0}  # seconds of rest before each wrk run
# wrk, freshwatch and nginx each hold CONNECTIONS sockets (plus files and listeners).
need_files=$((CONNECTIONS * 2 + 256))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need_files" ]; then
  ulimit -n "$need_files" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  [ "$(ulimit -n)" -ge "$need_files" ] || { echo "run.sh: CONNECTIONS=$CONNECTIONS needs ulimit -n $need_files (hard limit $(ulimit -Hn))" >&2; exit 1; }
fi
worker_connections=$((CONNECTIONS + 256 > 1024 ? CONNECTIONS + 256 : 1024))

for tool in wrk nginx; do
  command -v $tool >/dev/null || [ -x /usr/sbin/$tool ] || { echo "run.sh: $tool is missing (scripts/install-deps installs it)" >&2; exit 1; }
done
[ -x "$server_bin" ] || cmake --build "$build" --target http_bench_server >&2
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

tmp=$(mktemp -d)
fw_pid=""
ng_pid=""
cleanup() {
  [ -n "$fw_pid" ] && kill "$fw_pid" 2>/dev/null && wait "$fw_pid" 2>/dev/null || true
  [ -n "$ng_pid" ] && kill "$ng_pid" 2>/dev/null && wait "$ng_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# "requests/s p50 p90 p99" from wrk --latency output, latencies in ms.
parse_wrk() {
  awk '
    function ms(v) { if (v ~ /us$/) return substr(v,1,length(v)-2)/1000; if (v ~ /ms$/) return substr(v,1,length(v)-2)+0; if (v ~ /s$/) return substr(v,1,length(v)-1)*1000; return v }
    /^ +50%/ { p50=ms($2) } /^ +90%/ { p90=ms($2) } /^ +99%/ { p99=ms($2) }
    /^Requests\/sec/ { rps=$2 }
    /Non-2xx/ { bad=$NF }
    /Socket errors/ { gsub(",", ""); errs=$4+$6+$8+$10 }
    END { printf "%d %.2f %.2f %.2f %s %s\n", rps, p50, p90, p99, (bad==""?0:bad), (errs==""?0:errs) }'
}

run_wrk() {  # url [headers...]
  local url=$1; shift
  sleep "$PAUSE"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" | parse_wrk
}

echo "| Assets | Endpoint | Encoding | Body bytes | freshwatch req/s | p50 / p90 / p99 ms | nginx req/s | p50 / p90 / p99 ms | freshwatch / nginx |"
echo "|---:|---|---|---:|---:|---|---:|---|---:|"
for n in $SIZES; do
  echo "run.sh: $n assets, $CONNECTIONS connections, $(uptime | sed 's/.*load/load/')" >&2
  dir=$tmp/$n
  mkdir -p "$dir/www/api/v1"
  fw_port=$(free_port)
  "$server_bin" --assets "$n" --listen "127.0.0.1:$fw_port" --threads "$SERVER_THREADS" --dump "$dir/www/api/v1" >"$dir/fw.out" 2>"$dir/fw.err" &
  fw_pid=$!
  for _ in $(seq 600); do grep -q "listening on" "$dir/fw.out" 2>/dev/null && break; sleep 0.1; done
  token=$(head -1 "$dir/fw.out")
  ng_port=$(free_port)
  mkdir -p "$dir/nginx"
  cat >"$dir/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
events { worker_connections $worker_connections; }
http {
  access_log off;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  keepalive_requests 1000000;
  sendfile on;
  tcp_nopush on;
  gzip_static on;
  default_type application/json;
  server {
    listen 127.0.0.1:$ng_port;
    root $dir/www;
    location = /api/v1/summary { try_files /api/v1/summary.json =404; }
    location = /api/v1/assets  { try_files /api/v1/assets.json =404; }
  }
}
CONF
  "$nginx_bin" -c "$dir/nginx/nginx.conf" -p "$dir/nginx" 2>"$dir/nginx/stderr" &
  ng_pid=$!
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$ng_port/api/v1/summary" && break; sleep 0.1; done

  for endpoint in $ENDPOINTS; do
    case $endpoint in
      /api/v1/summary) file=summary.json; ng_path=/api/v1/summary ;;
      /api/v1/assets*) file=assets.json; ng_path=/api/v1/assets ;;
      *) echo "run.sh: no nginx copy of $endpoint (pick /api/v1/summary or /api/v1/assets?limit=1000)" >&2; exit 1 ;;
    esac
    for enc in $ENCODINGS; do
      hdr=()
      bytes=$(stat -c %s "$dir/www/api/v1/$file")
      if [ "$enc" = gzip ]; then hdr=(-H "Accept-Encoding: gzip"); bytes=$(stat -c %s "$dir/www/api/v1/$file.gz"); fi
      # Same bytes on both sides.
      cmp -s <(curl -s "${hdr[@]}" -H "Authorization: Bearer $token" "http://127.0.0.1:$fw_port$endpoint") \
             <(curl -s "${hdr[@]}" "http://127.0.0.1:$ng_port$ng_path") || echo "run.sh: bodies differ for $endpoint ($enc)" >&2
      for rep in $(seq "$REPEAT"); do
        if [ $((rep % 2)) = 1 ]; then
          read -r fr f50 f90 f99 fbad ferr < <(run_wrk "http://127.0.0.1:$fw_port$endpoint" -H "Authorization: Bearer $token" "${hdr[@]}")
          read -r nr n50 n90 n99 nbad nerr < <(run_wrk "http://127.0.0.1:$ng_port$ng_path" "${hdr[@]}")
        else
          read -r nr n50 n90 n99 nbad nerr < <(run_wrk "http://127.0.0.1:$ng_port$ng_path" "${hdr[@]}")
          read -r fr f50 f90 f99 fbad ferr < <(run_wrk "http://127.0.0.1:$fw_port$endpoint" -H "Authorization: Bearer $token" "${hdr[@]}")
        fi
        [ "$fbad" = 0 ] && [ "$nbad" = 0 ] || echo "run.sh: non-2xx answers (freshwatch $fbad, nginx $nbad)" >&2
        [ "$ferr" = 0 ] && [ "$nerr" = 0 ] || echo "run.sh: socket errors (freshwatch $ferr, nginx $nerr)" >&2
        ratio=$(awk -v a="$fr" -v b="$nr" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
        printf "| %s | \`%s\` | %s | %s | %s | %s / %s / %s | %s | %s / %s / %s | %s |\n" \
          "$n" "$endpoint" "$enc" "$bytes" "$fr" "$f50" "$f90" "$f99" "$nr" "$n50" "$n90" "$n99" "$ratio"
      done
    done
  done
  kill "$fw_pid" "$ng_pid"; wait "$fw_pid" "$ng_pid" 2>/dev/null || true
  fw_pid=""; ng_pid=""
done
