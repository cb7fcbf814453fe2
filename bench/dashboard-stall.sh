#!/usr/bin/env bash
# Dashboard loop stall (issue #17): a release node with INSTANCES (100,000) instances over APPS (100) applications,
# registered over keep-alive by bin/preload. Then the p99 of a trivial request (a heartbeat, one connection, one
# request at a time) is measured idle, and again while one other connection fetches the dashboard in a loop
# (front page, page 2, a search, an application page and its page 3, in turn; lua/dashboard.lua). Each connection
# has one request in flight, so any time the loop spends on a dashboard view shows in the heartbeat's latency.
# Goal: p99 with the dashboard <= 2 x idle p99 + 1 ms. ROUNDS interleaved idle/dashboard rounds of DURATION s.
#
# Settings: INSTANCES=100000 APPS=100 DURATION=10 ROUNDS=3 RECORD=1 BUILD_SERVER=1
set -euo pipefail
SETTING_NAMES="DURATION ROUNDS BUILD_SERVER"
INSTANCES=${INSTANCES:-100000}
. "$(dirname "$0")/lib.sh"

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
RECORD=${RECORD:-1}
bench_setup dashboard-stall

PORT=$(free_port)
start_target "$PORT" "$OUT/server.log" $SERVER_CMD $SERVER_ARGS
PID=$TARGET_PID
log "preloading $INSTANCES instances over $APPS apps"
start=$(date +%s%N)
preload "$PORT" "$REGISTER_STATUS"
log "preload took $(( ($(date +%s%N) - start) / 1000000 )) ms"
front_bytes=$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$PORT/")
app_bytes=$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$PORT/?app=$(echo "$PREFIX-app-1" | tr a-z A-Z)")

{
  echo "Heartbeat p99 at $INSTANCES instances over $APPS apps (one connection, one request at a time), idle and"
  echo "while one other connection fetches the dashboard in a loop; $ROUNDS interleaved rounds of ${DURATION} s."
  echo "Front page $front_bytes bytes, application page $app_bytes bytes."
  echo
  echo "| round | load | heartbeat req/s | heartbeat p50 (us) | heartbeat p99 (us) | dashboard views/s | view p50 / p99 (us) | errors |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$REPORT"
worst_ratio_ok=1
for round in $(seq 1 "$ROUNDS"); do
  idle=$(run_wrk "$PORT" 1 "$DURATION" heartbeat.lua)
  echo "| $round | idle | $(field rps "$idle") | $(field p50_us "$idle") | $(field p99_us "$idle") | - | - | $(field status_errors "$idle")/$(field timeouts "$idle") |" >>"$REPORT"
  run_wrk "$PORT" 1 $((DURATION + 2)) dashboard.lua >"$OUT/views-$round.txt" &
  VIEW_PID=$!
  sleep 1
  busy=$(run_wrk "$PORT" 1 "$DURATION" heartbeat.lua)
  wait "$VIEW_PID" || true
  views=$(cat "$OUT/views-$round.txt")
  echo "| $round | dashboard loop | $(field rps "$busy") | $(field p50_us "$busy") | $(field p99_us "$busy") | $(field rps "$views") | $(field p50_us "$views") / $(field p99_us "$views") | $(field status_errors "$busy")/$(field timeouts "$busy"), views $(field status_errors "$views") |" >>"$REPORT"
  limit=$(( 2 * $(field p99_us "$idle") + 1000 ))
  if [ "$(field p99_us "$busy")" -gt "$limit" ]; then worst_ratio_ok=0; fi
  log "round $round: idle p99 $(field p99_us "$idle") us, with dashboard $(field p99_us "$busy") us (limit $limit us)"
done
echo >>"$REPORT"
if [ "$worst_ratio_ok" = 1 ]; then
  echo "Every round met the goal (p99 with the dashboard <= 2 x idle p99 + 1 ms)." >>"$REPORT"
else
  echo "At least one round MISSED the goal (p99 with the dashboard > 2 x idle p99 + 1 ms)." >>"$REPORT"
fi
stop_pid "$PID"

cat "$REPORT"
if [ "$RECORD" = 1 ]; then
  {
    echo
    echo "## $(date '+%Y-%m-%d %H:%M %Z') dashboard-stall.sh"
    echo
    echo "- Machine: $(machine_shape)"
    echo "- Command: \`$(command_line dashboard-stall.sh)\`"
    echo "- Server on core $TARGET_CORE, wrk on core $CLIENT_CORE; other workers were compiling on this machine"
    echo
    cat "$REPORT"
  } >>"$BENCH_DIR/RESULTS.md"
  log "appended to bench/RESULTS.md"
fi
[ "$worst_ratio_ok" = 1 ]
