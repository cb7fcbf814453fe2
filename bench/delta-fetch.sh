#!/usr/bin/env bash
# Delta fetches (issue 19): the node at INSTANCES (100,000) over APPS (100); once the preload's registrations have
# left the delta window (RETENTION_MS, Netflix's 3 minutes by default, checked every second), CHANGES (1,000) status
# changes, then `GET /eureka/apps/delta` (JSON, plain and gzip, as clients poll it every 30 s) on CONNS connections
# in a loop for DURATION s per round: requests a second, bytes per response and the node's CPU. The node runs with
# immediate cache propagation, so the cached delta already holds the changes; nothing changes while it is read.
# wrk (fetch.lua with FETCH_PATH) on core 0, the node on core 1. Takes RETENTION_MS plus about a minute.
#
# Settings: INSTANCES=100000 CHANGES=1000 RETENTION_MS=180000 ROUNDS=3 DURATION=10 CONNS=16 BUILD_SERVER=1 RECORD=1
set -euo pipefail
SETTING_NAMES="CHANGES RETENTION_MS ROUNDS DURATION CONNS BUILD_SERVER"
INSTANCES=${INSTANCES:-100000}
. "$(dirname "$0")/lib.sh"

CHANGES=${CHANGES:-1000}
RETENTION_MS=${RETENTION_MS:-180000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNS=${CONNS:-16}
RECORD=${RECORD:-1}
bench_setup delta-fetch
require_server

PORT=$(free_port)
start_target "$PORT" "$OUT/server.log" $SERVER_CMD $SERVER_ARGS --eureka.node.immediate-cache-propagation=true \
  --eureka.server.retention-time-in-m-s-in-delta-queue="$RETENTION_MS" --eureka.server.delta-retention-timer-interval-in-ms=1000
SRV=$TARGET_PID
preload "$PORT" "$REGISTER_STATUS"
log "waiting $((RETENTION_MS / 1000 + 3)) s for the registrations to leave the delta window"
sleep $((RETENTION_MS / 1000 + 3))

# CHANGES status changes of distinct instances (preload's names: PREFIX-i:PREFIX-app-(i mod APPS):8080), over one
# keep-alive connection (a curl config with one URL per change).
[ "$CHANGES" -le "$INSTANCES" ] || die "CHANGES ($CHANGES) exceeds INSTANCES ($INSTANCES)"
: >"$OUT/changes.curl"
for i in $(seq 0 $((CHANGES - 1))); do
  k=$(( (i * 104729) % INSTANCES ))
  vip="$PREFIX-app-$((k % APPS))"
  printf 'url = "http://127.0.0.1:%s/eureka/apps/%s/%s-%s:%s:8080/status?value=OUT_OF_SERVICE"\noutput = /dev/null\n' \
    "$PORT" "${vip^^}" "$PREFIX" "$k" "$vip" >>"$OUT/changes.curl"
done
codes=$(timeout 120 taskset -c "$CLIENT_CORE" curl -s -X PUT -K "$OUT/changes.curl" -w '%{http_code}\n' | sort | uniq -c)
[ "$(echo "$codes" | awk '$2 == 200 { print $1 }')" = "$CHANGES" ] || die "status changes answered: $codes"
CHANGED_AT=$(date +%s)

curl -s -m 60 -H 'Accept: application/json' -o "$OUT/delta.json" "http://127.0.0.1:$PORT/eureka/apps/delta"
curl -s -m 60 -H 'Accept: application/json' -H 'Accept-Encoding: gzip' -o "$OUT/delta.json.gz" \
  "http://127.0.0.1:$PORT/eureka/apps/delta"
listed=$(grep -o '"instanceId"' "$OUT/delta.json" | wc -l)
[ "$listed" -eq "$CHANGES" ] || die "the delta lists $listed instances, expected $CHANGES"
PLAIN_BYTES=$(stat -c %s "$OUT/delta.json")
GZIP_BYTES=$(stat -c %s "$OUT/delta.json.gz")

{
  echo "Delta fetch \`GET /eureka/apps/delta\` (JSON) at $INSTANCES instances after $CHANGES status changes (the delta lists"
  echo "$listed instances), $CONNS connections, ${DURATION} s per round, $ROUNDS rounds; bytes per response: plain $PLAIN_BYTES"
  echo "($((PLAIN_BYTES / listed)) per listed instance), gzip $GZIP_BYTES."
  echo
  echo "| body | req/s (median) | bytes per response | MB/s | node CPU % of a core (median) | raw rounds req/s |"
  echo "|---|---|---|---|---|---|"
} >"$REPORT"
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for gz in 0 1; do
  all=""; cpu_all=""
  for r in $(seq 1 "$ROUNDS"); do
    t0=$(cpu_ticks "$SRV")
    s=$(run_wrk "$PORT" "$CONNS" "$DURATION" fetch.lua GZIP=$gz FETCH_PATH=/eureka/apps/delta)
    t1=$(cpu_ticks "$SRV")
    [ "$(field status_errors "$s")" = 0 ] || die "delta fetches answered errors: $s"
    all="$all $(field rps "$s")"
    cpu_all="$cpu_all $(awk -v a="$t0" -v b="$t1" -v d="$DURATION" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) * 100 / hz / d }')"
    log "delta gzip=$gz round $r: $(field rps "$s") req/s"
  done
  m=$(echo "$all" | median)
  bytes=$([ $gz = 1 ] && echo "$GZIP_BYTES" || echo "$PLAIN_BYTES")
  echo "| $([ $gz = 1 ] && echo gzip || echo plain) | $m | $bytes | $(awk -v r="$m" -v b="$bytes" 'BEGIN { printf "%.0f", r * b / 1e6 }') | $(echo "$cpu_all" | median) |$all |" >>"$REPORT"
done
[ $(( $(date +%s) - CHANGED_AT )) -lt $((RETENTION_MS / 1000)) ] || echo "Note: the run outlasted the 3-minute window; later rounds read a shorter delta." >>"$REPORT"
stop_pid "$SRV"

cat "$REPORT"
if [ "$RECORD" = 1 ]; then
  {
    echo
    echo "## $(date '+%Y-%m-%d %H:%M %Z') delta-fetch.sh"
    echo
    echo "- Machine: $(machine_shape); load average $(cut -d' ' -f1 /proc/loadavg) at the end"
    echo "- Command: \`$(command_line delta-fetch.sh)\`"
    echo
    cat "$REPORT"
  } >>"$BENCH_DIR/RESULTS.md"
  log "appended to bench/RESULTS.md"
fi
