#!/usr/bin/env bash
# Does RSS come back down after a mass cancellation (issue 19)? A fresh server with INSTANCES (default 100,000)
# preloaded and the four full-registry forms cached; then every instance cancelled (DELETE, CANCEL_CONNS keep-alive
# connections), and RSS read again once the cancelled records have left the delta queue and the cached documents
# were replaced: the server runs with a RETENTION_MS delta retention, checked every 2 s, and a 2 s read-only cache
# refresh, so that happens within WAIT seconds instead of the default three minutes. The server's own log says
# how long its heap trim held the loop (heap_trimmed loop_us), when it trimmed (debug lines below 1 ms, hence the
# eureka logger at debug).
#
# Settings (environment): INSTANCES=100000 APPS=100 CANCEL_CONNS=4 RETENTION_MS=5000 WAIT=20; SERVER_CMD,
# BUILD_SERVER as in run.sh; RECORD=0 to skip RESULTS.md.
set -euo pipefail

SETTING_NAMES="INSTANCES CANCEL_CONNS RETENTION_MS WAIT BUILD_SERVER"
INSTANCES_GIVEN=${INSTANCES:-}
. "$(dirname "$0")/lib.sh"

INSTANCES=${INSTANCES_GIVEN:-100000}
CANCEL_CONNS=${CANCEL_CONNS:-4}
RETENTION_MS=${RETENTION_MS:-5000}
WAIT=${WAIT:-20}
RECORD=${RECORD:-1}

bench_setup memory-release
require_server

PORT=$(free_port)
# shellcheck disable=SC2086  # command lines
start_target "$PORT" "$OUT/server.log" $SERVER_CMD $SERVER_ARGS \
  "--eureka.server.retention-time-in-m-s-in-delta-queue=$RETENTION_MS" \
  --eureka.server.delta-retention-timer-interval-in-ms=2000 --eureka.server.response-cache-update-interval-ms=2000 \
  --logging.level.eureka=debug
SRV=$TARGET_PID
sleep 1
fresh=$(rss_kb "$SRV")
preload "$PORT" "$REGISTER_STATUS" -n "$INSTANCES"
sleep 1
registry=$(rss_kb "$SRV")
for accept in application/json application/xml; do
  for enc in identity gzip; do
    curl -s -o /dev/null -m 600 -H "Accept: $accept" -H "Accept-Encoding: $enc" "http://127.0.0.1:$PORT/eureka/apps/"
  done
done
sleep 1
cached=$(rss_kb "$SRV")
peak=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SRV/status")

# Cancel every instance: the naming scheme of bench/tools/instance.c, in one curl run over CANCEL_CONNS parallel
# keep-alive connections (a curl config file of DELETEs); every answer must be 200.
awk -v n="$INSTANCES" -v apps="$APPS" -v p="$PREFIX" -v port="$PORT" 'BEGIN {
  for (i = 0; i < n; i++) {
    vip = p "-app-" (i % apps)
    printf "url = \"http://127.0.0.1:%s/eureka/apps/%s/%s-%d:%s:8080\"\noutput = \"/dev/null\"\n", port, toupper(vip), p, i, vip
  }
}' >"$OUT/cancels.curl"
start=$SECONDS
timeout 900 taskset -c "$CLIENT_CORE" curl -s --no-progress-meter -X DELETE -Z --parallel-max "$CANCEL_CONNS" -K "$OUT/cancels.curl" \
  -w '%{http_code}\n' >"$OUT/cancel-codes.txt" || die "the cancels failed"
bad=$(grep -vc '^200$' "$OUT/cancel-codes.txt" || true)
[ "$bad" = 0 ] || die "$bad cancels were not answered 200 (see $OUT/cancel-codes.txt)"
cancel_s=$((SECONDS - start))
sleep 1
cancelled=$(rss_kb "$SRV")
sleep "$WAIT"
for accept in application/json application/xml; do  # the now empty documents replace the cached ones
  curl -s -o /dev/null -m 60 -H "Accept: $accept" "http://127.0.0.1:$PORT/eureka/apps/"
done
sleep 3
released=$(rss_kb "$SRV")
# Every trim's loop time (after pool builds too, so there can be many): how many, and the longest.
trims=$(grep -o 'heap_trimmed.*' "$OUT/server.log" | grep -o 'loop_us[^0-9]*[0-9]*' | grep -o '[0-9]*$' \
  | awk '{ n++; if ($1 > m) m = $1 } END { if (n) printf "%d, longest %d", n, m }' || true)
stop_pid "$SRV"

REPORT="$OUT/report.md"
{
  echo "RSS (KiB) of one server through a mass cancellation ($INSTANCES instances over $APPS apps, four forms cached,"
  echo "all cancelled in ${cancel_s} s, then ${WAIT} s with a ${RETENTION_MS} ms delta retention):"
  echo
  echo "| fresh | registry | four forms cached | peak VmHWM | right after the cancels | ${WAIT} s later | heap trims, longest (loop us) |"
  echo "|---|---|---|---|---|---|---|"
  echo "| $fresh | $registry | $cached | $peak | $cancelled | $released | ${trims:-none} |"
} >"$REPORT"
cat "$REPORT"
if [ "$RECORD" = 1 ]; then
  {
    echo
    echo "## $(date '+%Y-%m-%d %H:%M %Z') memory-release.sh"
    echo
    echo "- Machine: $(machine_shape)"
    echo "- Command: \`$(command_line memory-release.sh)\`"
    echo
    cat "$REPORT"
  } >>"$BENCH_DIR/RESULTS.md"
fi
