#!/usr/bin/env bash
# Slow readers (issue #18): CLIENTS clients that ask for the full registry (plain JSON) of INSTANCES instances and
# never read, each given a newer version than the one before (bench/tools/stuck_readers.py). Server RSS before the
# clients and once they are all in, per case (each a fresh server, read-write cache level only, a write timeout of an
# hour so only the bound under test acts):
#   bounded     the default --eureka.node.max-superseded-payload-bytes (256 MiB)
#   unbounded   the bound set to 1 TiB (what every version before this change did)
# Settings: INSTANCES=20000 CLIENTS=100 CASES="bounded unbounded" FIRST_BYTE_TIMEOUT=60 NEW_VERSION_EVERY=1 RECORD=1
set -euo pipefail
SETTING_NAMES="INSTANCES CLIENTS CASES FIRST_BYTE_TIMEOUT NEW_VERSION_EVERY BUILD_SERVER"
INSTANCES=${INSTANCES:-20000}
. "$(dirname "$0")/lib.sh"

CLIENTS=${CLIENTS:-100}
CASES=${CASES:-bounded unbounded}
# Seconds each reader waits for the first byte of its answer (a new version is built first).
FIRST_BYTE_TIMEOUT=${FIRST_BYTE_TIMEOUT:-60}
# A newer version for every reader (1), or for every Nth only (readers in between share it).
NEW_VERSION_EVERY=${NEW_VERSION_EVERY:-1}
RECORD=${RECORD:-1}
bench_setup slowreaders

{
  echo "| case | plain body (MB) | RSS before (MiB) | RSS with $CLIENTS stuck readers (MiB) | growth (MiB) | readers closed by the server | superseded bytes held at the end (MiB) |"
  echo "|---|---|---|---|---|---|---|"
} >"$REPORT"
for case in $CASES; do
  PORT=$(free_port)
  args="--eureka.server.use-read-only-response-cache=false --eureka.node.write-timeout-ms=3600000"
  [ "$case" = unbounded ] && args="$args --eureka.node.max-superseded-payload-bytes=1099511627776"
  start_target "$PORT" "$OUT/server-$case.log" $SERVER_CMD $SERVER_ARGS $args
  PID=$TARGET_PID
  preload "$PORT" "$REGISTER_STATUS"
  body=$(curl -s -o /dev/null -m 120 -w '%{size_download}' -H 'Accept: application/json' "http://127.0.0.1:$PORT/eureka/apps/")
  sleep 2
  before=$(( $(rss_kb "$PID") / 1024 ))
  (exec timeout 3600 taskset -c "$CLIENT_CORE" python3 "$BENCH_DIR/tools/stuck_readers.py" "$PORT" "$CLIENTS" --hold 600 \
    --first-byte-timeout "$FIRST_BYTE_TIMEOUT" --new-version-every "$NEW_VERSION_EVERY") \
    >"$OUT/readers-$case.out" 2>&1 &
  READERS=$!
  STARTED_PIDS="$STARTED_PIDS $READERS"
  deadline=$((SECONDS + 3000))
  until grep -q '^held' "$OUT/readers-$case.out"; do
    kill -0 "$READERS" 2>/dev/null || die "stuck_readers.py failed; see $OUT/readers-$case.out"
    [ $SECONDS -lt $deadline ] || die "readers not in after 3000 s"
    sleep 1
  done
  sleep 3
  after=$(( $(rss_kb "$PID") / 1024 ))
  curl -s -m 10 "http://127.0.0.1:$PORT/metrics" >"$OUT/metrics-$case.txt" || true
  stop_pid "$READERS"
  closed=$(awk '/^closed_by_server/ { print $2 }' "$OUT/readers-$case.out")
  held=$(metric "$OUT/metrics-$case.txt" eureka_http_superseded_pinned_bytes)
  echo "| $case | $(awk -v b="$body" 'BEGIN { printf "%.1f", b / 1e6 }') | $before | $after | $((after - before)) | ${closed:-?} of $CLIENTS | $(( ${held:-0} / 1048576 )) |" >>"$REPORT"
  stop_pid "$PID"
done
cat "$REPORT"
if [ "$RECORD" = 1 ]; then
  {
    echo
    echo "## $(date '+%Y-%m-%d %H:%M %Z') slowreaders.sh"
    echo
    echo "- Machine: $(machine_shape)"
    echo "- Command: \`$(command_line slowreaders.sh)\`"
    echo "- $INSTANCES instances; $CLIENTS clients each asking for \`GET /eureka/apps/\` (plain JSON) after a registration"
    echo "  (so each is given a newer version; with NEW_VERSION_EVERY=N, every Nth), never reading; server on core"
    echo "  $TARGET_CORE, clients on core $CLIENT_CORE"
    echo
    cat "$REPORT"
  } >>"$BENCH_DIR/RESULTS.md"
  log "appended to bench/RESULTS.md"
fi
