#!/usr/bin/env bash
# Full-registry fetch throughput against the physical limit (issue 19): the node at INSTANCES (100,000) serving
# its cached GET /eureka/apps/ (JSON, plain and gzip), and nginx serving the same bytes from static files with
# sendfile and keep-alive, in one run, interleaved round by round. Both single-threaded on core 1 (nginx with
# master_process off), wrk on core 0 with the same fetch.lua. Then the heartbeat protection: heartbeat req/s and
# p99 on HB_CONNS connections alone and while CONNS connections fetch the gzip document in a loop.
# nginx comes from apt (nginx-light) when missing; it runs in the foreground from a config in the output
# directory on a 127.0.0.1 port, and is stopped by its PID.
#
# Settings: INSTANCES=100000 ROUNDS=3 DURATION=10 CONNS=16 HB_CONNS=16 BUILD_SERVER=1 RECORD=1
set -euo pipefail
SETTING_NAMES="ROUNDS DURATION CONNS HB_CONNS BUILD_SERVER"
INSTANCES=${INSTANCES:-100000}
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNS=${CONNS:-16}
HB_CONNS=${HB_CONNS:-16}
RECORD=${RECORD:-1}
OUT="$BENCH_DIR/out/fetch-nginx-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT/www/eureka" "$OUT/nginx/logs"
REPORT="$OUT/report.md"
trap stop_all EXIT

ensure_deps
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { apt-get install -y nginx-light >&2 || die "installing nginx-light failed"; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
build_tools
build_server
raise_fd_limit

PORT=$(free_port)
start_target "$PORT" "$OUT/server.log" $SERVER_CMD $SERVER_ARGS
SRV=$TARGET_PID
preload "$PORT" "$REGISTER_STATUS"
# The node's own cached bytes are what nginx serves (the first read of each form generates it).
curl -s -m 600 -H 'Accept: application/json' -o "$OUT/www/apps.json" "http://127.0.0.1:$PORT/eureka/apps/"
curl -s -m 600 -H 'Accept: application/json' -H 'Accept-Encoding: gzip' -o "$OUT/www/apps.json.gz" \
  "http://127.0.0.1:$PORT/eureka/apps/"

NPORT=$(free_port)
cat >"$OUT/nginx/nginx.conf" <<CONF
worker_processes 1;
master_process off;
daemon off;
error_log $OUT/nginx/logs/error.log warn;
pid $OUT/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 90s;
  keepalive_requests 1000000;
  client_body_temp_path $OUT/nginx/tmp;
  server {
    listen 127.0.0.1:$NPORT;
    location /eureka/apps/ {
      if (\$http_accept_encoding ~* gzip) { rewrite ^ /gz last; }
      rewrite ^ /plain last;
    }
    location = /gz { internal; alias $OUT/www/apps.json.gz; default_type application/json; add_header Content-Encoding gzip; }
    location = /plain { internal; alias $OUT/www/apps.json; default_type application/json; }
  }
}
CONF
(exec taskset -c "$TARGET_CORE" "$NGINX" -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf") >"$OUT/nginx.out" 2>&1 &
NGX=$!
STARTED_PIDS="$STARTED_PIDS $NGX"
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$NPORT/eureka/apps/" && break
  sleep 0.1
done
[ "$(curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$NPORT/eureka/apps/" | cmp - "$OUT/www/apps.json.gz" && echo same)" = same ] \
  || die "nginx does not serve the node's gzip bytes; see $OUT/nginx.out"

{
  echo "Full fetch \`GET /eureka/apps/\` (JSON) at $INSTANCES instances, $CONNS connections, ${DURATION} s per round,"
  echo "$ROUNDS interleaved rounds (nginx, node, ...); bodies: plain $(stat -c %s "$OUT/www/apps.json") B, gzip $(stat -c %s "$OUT/www/apps.json.gz") B."
  echo
  echo "| body | nginx req/s (median) | node req/s (median) | node / nginx | node CPU % of a core | raw rounds nginx / node |"
  echo "|---|---|---|---|---|---|"
} >"$REPORT"
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for gz in 0 1; do
  n_all=""; s_all=""; cpu_all=""
  for r in $(seq 1 "$ROUNDS"); do
    n=$(run_wrk "$NPORT" "$CONNS" "$DURATION" fetch.lua GZIP=$gz)
    t0=$(cpu_ticks "$SRV")
    s=$(run_wrk "$PORT" "$CONNS" "$DURATION" fetch.lua GZIP=$gz)
    t1=$(cpu_ticks "$SRV")
    n_all="$n_all $(field rps "$n")"; s_all="$s_all $(field rps "$s")"
    cpu_all="$cpu_all $(awk -v a="$t0" -v b="$t1" -v d="$DURATION" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) * 100 / hz / d }')"
    log "fetch gzip=$gz round $r: nginx $(field rps "$n") node $(field rps "$s")"
  done
  nm=$(echo "$n_all" | median); sm=$(echo "$s_all" | median)
  echo "| $([ $gz = 1 ] && echo gzip || echo plain) | $nm | $sm | $(awk -v a="$sm" -v b="$nm" 'BEGIN { printf "%.2f", a / b }') | $(echo "$cpu_all" | median) |$n_all /$s_all |" >>"$REPORT"
done

{
  echo
  echo "Heartbeats on $HB_CONNS connections against the node, ${DURATION} s, alone and while $CONNS connections fetch the"
  echo "gzip document in a loop (the bulk write budget's protection):"
  echo
  echo "| load | heartbeat req/s | heartbeat p99 (us) | fetches/s | errors/timeouts |"
  echo "|---|---|---|---|---|"
} >>"$REPORT"
hb=$(run_wrk "$PORT" "$HB_CONNS" "$DURATION" heartbeat.lua PREFIX="$PREFIX" INSTANCES="$INSTANCES")
echo "| heartbeats alone | $(field rps "$hb") | $(field p99_us "$hb") | 0 | $(field status_errors "$hb")/$(field timeouts "$hb") |" >>"$REPORT"
run_wrk "$PORT" "$CONNS" $((DURATION + 2)) fetch.lua GZIP=1 >"$OUT/fetchers.txt" &
FETCH_PID=$!
sleep 1
hb=$(run_wrk "$PORT" "$HB_CONNS" "$DURATION" heartbeat.lua PREFIX="$PREFIX" INSTANCES="$INSTANCES")
wait "$FETCH_PID" || true
echo "| with $CONNS gzip fetchers | $(field rps "$hb") | $(field p99_us "$hb") | $(field rps "$(cat "$OUT/fetchers.txt")") | $(field status_errors "$hb")/$(field timeouts "$hb") |" >>"$REPORT"
stop_pid "$NGX"
stop_pid "$SRV"

cat "$REPORT"
if [ "$RECORD" = 1 ]; then
  {
    echo
    echo "## $(date '+%Y-%m-%d %H:%M %Z') fetch-nginx.sh"
    echo
    echo "- Machine: $(machine_shape); load average $(cut -d' ' -f1 /proc/loadavg) at the end"
    echo "- Command: \`$(command_line fetch-nginx.sh)\`"
    echo
    cat "$REPORT"
  } >>"$BENCH_DIR/RESULTS.md"
  log "appended to bench/RESULTS.md"
fi
