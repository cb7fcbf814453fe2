#!/usr/bin/env bash
# Overload (issue #18): heartbeat p99 while FETCHERS connections fetch the full registry of INSTANCES instances as
# fast as they can (half plain JSON, half gzip), against the same heartbeats on the idle node. Goal: loaded p99
# within 2x the idle p99 plus 1 ms, and no heartbeat failing. Run once per setting in CASES (each a fresh server):
#   default   the node's defaults (overload guard off)
#   guard     --eureka.node.overload-guard-enabled=true (full/delta fetches 503 + Retry-After while backed up)
# The server runs on core 1; every client on core 0, the fetchers under `nice -n 19` so the heartbeat client is
# not the one starved of CPU (two cores only: the heartbeat figures would otherwise measure wrk, not the node).
# Settings: INSTANCES=100000 FETCHERS=200 HB_CONNS=16 DURATION=20 CASES="default guard" RECORD=1
set -euo pipefail
SETTING_NAMES="INSTANCES FETCHERS HB_CONNS DURATION CASES GUARD_ARGS BUILD_SERVER"
INSTANCES=${INSTANCES:-100000}
. "$(dirname "$0")/lib.sh"

FETCHERS=${FETCHERS:-200}
HB_CONNS=${HB_CONNS:-16}
DURATION=${DURATION:-20}
CASES=${CASES:-default guard}
GUARD_ARGS=${GUARD_ARGS:---eureka.node.overload-guard-enabled=true}
RECORD=${RECORD:-1}
bench_setup overload

fetchers() {  # fetchers CONNS GZIP SECONDS OUTFILE: a niced wrk on the client core, in the background (sets FPIDS)
  env GZIP="$2" timeout $(($3 + 30)) nice -n 19 taskset -c "$CLIENT_CORE" \
    wrk -t1 -c"$1" -d"$3s" --timeout 30s -s "$BENCH_DIR/lua/fetch.lua" "http://127.0.0.1:$PORT/" >"$4" 2>&1 &
  FPIDS="$FPIDS $!"
  STARTED_PIDS="$STARTED_PIDS $!"
}

{
  echo "| case | idle hb p99 (us) | loaded hb p99 (us) | goal: 2x idle + 1 ms (us) | hb req/s idle / loaded | hb errors | fetches 200 / 503 or other (plain; gzip) | server RSS after (MiB) |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$REPORT"
for case in $CASES; do
  PORT=$(free_port)
  args=""
  [ "$case" = guard ] && args="$GUARD_ARGS"
  start_target "$PORT" "$OUT/server-$case.log" $SERVER_CMD $SERVER_ARGS $args
  PID=$TARGET_PID
  preload "$PORT" "$REGISTER_STATUS"
  for gz in "" "-H Accept-Encoding:gzip"; do  # generate both payloads before measuring
    curl -s -o /dev/null -m 120 $gz -H 'Accept: application/json' "http://127.0.0.1:$PORT/eureka/apps/"
  done
  idle=$(run_wrk "$PORT" "$HB_CONNS" "$DURATION" heartbeat.lua PREFIX="$PREFIX" INSTANCES="$INSTANCES")
  log "$case idle: $idle"
  FPIDS=""
  fetchers $((FETCHERS / 2)) 0 $((DURATION + 4)) "$OUT/fetch-plain-$case.txt"
  fetchers $((FETCHERS - FETCHERS / 2)) 1 $((DURATION + 4)) "$OUT/fetch-gzip-$case.txt"
  sleep 2
  loaded=$(run_wrk "$PORT" "$HB_CONNS" "$DURATION" heartbeat.lua PREFIX="$PREFIX" INSTANCES="$INSTANCES")
  log "$case loaded: $loaded"
  for p in $FPIDS; do wait "$p" || true; done
  rss=$(( $(rss_kb "$PID") / 1024 ))
  curl -s -m 10 "http://127.0.0.1:$PORT/metrics" >"$OUT/metrics-$case.txt" || true
  stop_pid "$PID"
  fetch_summary() {  # requests and non-2xx of a fetch wrk output
    local line; line=$(grep '^BENCH_RESULT' "$1" || true)
    [ -n "$line" ] || { echo "?"; return; }
    echo "$(( $(field requests "$line") - $(field status_errors "$line") )) / $(field status_errors "$line")"
  }
  hb_errors=$(( $(field status_errors "$loaded") + $(field connect_errors "$loaded") + $(field read_errors "$loaded") \
                + $(field write_errors "$loaded") + $(field timeouts "$loaded") ))
  goal=$(( 2 * $(field p99_us "$idle") + 1000 ))
  echo "| $case | $(field p99_us "$idle") | $(field p99_us "$loaded") | $goal | $(field rps "$idle") / $(field rps "$loaded") | $hb_errors | $(fetch_summary "$OUT/fetch-plain-$case.txt"); $(fetch_summary "$OUT/fetch-gzip-$case.txt") | $rss |" >>"$REPORT"
done
cat "$REPORT"
if [ "$RECORD" = 1 ]; then
  {
    echo
    echo "## $(date '+%Y-%m-%d %H:%M %Z') overload.sh"
    echo
    echo "- Machine: $(machine_shape)"
    echo "- Command: \`$(command_line overload.sh)\`"
    echo "- $INSTANCES instances; $FETCHERS fetch connections (half plain JSON, half gzip; wrk, \`nice -n 19\`) on core"
    echo "  $CLIENT_CORE with the $HB_CONNS-connection heartbeat wrk; server on core $TARGET_CORE; ${DURATION} s per figure;"
    echo "  other workers were compiling on this machine. \"503 or other\" counts every non-2xx answer wrk saw."
    echo
    cat "$REPORT"
  } >>"$BENCH_DIR/RESULTS.md"
  log "appended to bench/RESULTS.md"
fi
