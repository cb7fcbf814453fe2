#!/usr/bin/env bash
# Soak (issue #18; not in CI): SECONDS_TOTAL (600; or the first argument) of steady mixed load on one node:
#   - INSTANCES (10,000) preloaded instances heartbeating, each about every 30 s (HB_CONNS connections paced);
#   - FETCH_CONNS connections fetching the full registry (gzip) and the delta, alternating, one request a second each;
#   - one connection registering and cancelling instances of its own, a request every CHURN_PACE_MS (20) ms (one
#     connection, so each cancel follows its register: wrk's Lua state is per thread, not per connection).
# The server's RSS is sampled every 10 s; the report gives the growth from the sample at 60 s to the last one
# (goal: under 5%) and every error wrk counted (goal: none: a 4xx/5xx answer, socket error or timeout).
# Usage: bench/soak.sh [SECONDS]   (e.g. bench/soak.sh 300); RECORD=1 appends the report to RESULTS.md.
set -euo pipefail
SETTING_NAMES="SECONDS_TOTAL HB_CONNS FETCH_CONNS CHURN_PACE_MS BUILD_SERVER"
. "$(dirname "$0")/lib.sh"

SECONDS_TOTAL=${1:-${SECONDS_TOTAL:-600}}
HB_CONNS=${HB_CONNS:-16}
FETCH_CONNS=${FETCH_CONNS:-4}
CHURN_PACE_MS=${CHURN_PACE_MS:-20}
RECORD=${RECORD:-0}
[ "$SECONDS_TOTAL" -ge 70 ] || die "a soak needs at least 70 s (growth is measured after the first minute)"
bench_setup soak

PORT=$(free_port)
start_target "$PORT" "$OUT/server.log" $SERVER_CMD $SERVER_ARGS
PID=$TARGET_PID
preload "$PORT" "$REGISTER_STATUS"
log "preloaded $INSTANCES instances; soaking for $SECONDS_TOTAL s"

# Heartbeats: HB_CONNS connections, each paced so every instance is renewed about every 30 s.
hb_pace=$(( 30000 * HB_CONNS / INSTANCES ))
paced() {  # paced NAME CONNS MODE PACE_MS
  env MODE="$3" PACE_MS="$4" INSTANCES="$INSTANCES" timeout $((SECONDS_TOTAL + 60)) taskset -c "$CLIENT_CORE" \
    wrk -t1 -c"$2" -d"${SECONDS_TOTAL}s" --timeout 10s -s "$BENCH_DIR/lua/paced.lua" "http://127.0.0.1:$PORT/" \
    >"$OUT/$1.txt" 2>&1 &
  STARTED_PIDS="$STARTED_PIDS $!"
}
paced heartbeat "$HB_CONNS" heartbeat "$hb_pace"
paced fetch "$FETCH_CONNS" fetch 1000
paced churn 1 churn "$CHURN_PACE_MS"

began=$SECONDS
: >"$OUT/rss.tsv"
while [ $((SECONDS - began)) -lt "$SECONDS_TOTAL" ]; do
  kill -0 "$PID" 2>/dev/null || die "the server exited during the soak; see $OUT/server.log"
  printf '%s\t%s\n' $((SECONDS - began)) "$(rss_kb "$PID")" >>"$OUT/rss.tsv"
  sleep 10
done
sleep 5  # the wrk processes end on their own (-d); give them a moment to print
for name in heartbeat fetch churn; do
  line=$(grep '^BENCH_RESULT' "$OUT/$name.txt" || echo "BENCH_RESULT missing")
  echo "$name $line" >>"$OUT/results.txt"
done
curl -s -m 10 "http://127.0.0.1:$PORT/metrics" >"$OUT/metrics.txt" || true
stop_pid "$PID"

# RSS swings with every cache refresh (a new version of each cached document is built, the old one freed), so
# growth compares the mean of the samples of the second minute with the mean of those of the last minute.
mean() { awk -v lo="$1" -v hi="$2" '$1 >= lo && $1 < hi { t += $2; n++ } END { printf "%.0f", n ? t / n : 0 }' "$OUT/rss.tsv"; }
end_s=$(tail -1 "$OUT/rss.tsv" | cut -f1)
second=$(mean 60 120)
final=$(mean $((end_s - 59)) $((end_s + 1)))
growth=$(awk -v a="$second" -v b="$final" 'BEGIN { printf "%.2f", (b - a) * 100 / a }')
errors=0
{
  echo "| traffic | requests | req/s | p99 (us) | status errors | socket errors | timeouts |"
  echo "|---|---|---|---|---|---|---|"
  while read -r name rest; do
    e_status=$(field status_errors "$rest"); e_sock=$(( $(field connect_errors "$rest") + $(field read_errors "$rest") + $(field write_errors "$rest") ))
    e_time=$(field timeouts "$rest")
    errors=$((errors + e_status + e_sock + e_time))
    echo "| $name | $(field requests "$rest") | $(field rps "$rest") | $(field p99_us "$rest") | $e_status | $e_sock | $e_time |"
  done <"$OUT/results.txt"
  echo
  echo "RSS: $(head -1 "$OUT/rss.tsv" | cut -f2) KiB at the start; mean $second KiB over the second minute, $final KiB" \
       "over the last minute (to $end_s s): growth after the first minute $growth% (goal < 5%); errors: $errors (goal 0)."
  echo "Samples (s, KiB): $(awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $1, $2 }' "$OUT/rss.tsv")"
} >"$OUT/report.md"
cat "$OUT/report.md"
if [ "$RECORD" = 1 ]; then
  {
    echo
    echo "## $(date '+%Y-%m-%d %H:%M %Z') soak.sh"
    echo
    echo "- Machine: $(machine_shape)"
    echo "- Command: \`$(command_line soak.sh) $SECONDS_TOTAL\`"
    echo "- $INSTANCES instances heartbeating (~every 30 s over $HB_CONNS connections), $FETCH_CONNS connections fetching"
    echo "  full (gzip) and delta alternately once a second each, one connection registering and cancelling"
    echo "  (a request every $CHURN_PACE_MS ms); server on core $TARGET_CORE, wrk on core $CLIENT_CORE; other workers were"
    echo "  compiling on this machine"
    echo
    cat "$OUT/report.md"
  } >>"$BENCH_DIR/RESULTS.md"
  log "appended to bench/RESULTS.md"
fi
[ "$errors" = 0 ]
