#!/usr/bin/env bash
# Memory of the server (and, for scale, the reference):
#
# 1. RSS per registered instance: a fresh process per size (MEM_SIZES="10000 100000"); VmRSS before and after
#    preloading that many instances, delta / instances.
# 2. RSS per idle keep-alive connection: a fresh process with INSTANCES preloaded; IDLE_CONNS connections (default
#    19,000, held by two bin/holder processes, since one process may hold at most 20,000 fds here) each made real
#    with one GET /eureka/status, then held idle; delta / connections. Meanwhile the heartbeat throughput on
#    OTHER_CONNS other connections is measured with and without the idle ones (before, during, after), and the
#    ratio during / mean(before, after) reported: idle connections should cost memory, not throughput.
# Between them (server only): the full registry cached in its four forms, with each build's own peak / result.
#    The server closes connections idle for 90 s (spec 1.8), so the held phase stays well under that.
#
# Settings (environment): MEM_SIZES, IDLE_CONNS=19000 (0 skips part 2), DURATION=5, OTHER_CONNS=64, INSTANCES=10000 APPS=100;
# SERVER_CMD, SERVER_ARGS, BUILD_SERVER, PLUMBING as in run.sh; RECORD=0 to skip RESULTS.md.
set -euo pipefail

SETTING_NAMES="MEM_SIZES IDLE_CONNS DURATION OTHER_CONNS BUILD_SERVER"
. "$(dirname "$0")/lib.sh"

MEM_SIZES=${MEM_SIZES:-10000 100000}
IDLE_CONNS=${IDLE_CONNS:-19000}
DURATION=${DURATION:-5}
OTHER_CONNS=${OTHER_CONNS:-64}
RECORD=${RECORD:-1}

bench_setup memory
require_server "(set SERVER_CMD, or PLUMBING=1)"

# start_named TARGET LOGNAME: start the reference or the server on a fresh port; sets PORT and TARGET_PID.
start_named() {
  PORT=$(free_port)
  if [ "$1" = reference ]; then
    start_target "$PORT" "$OUT/$2.log" $REF_CMD
  else
    # shellcheck disable=SC2086  # command lines
    start_target "$PORT" "$OUT/$2.log" $SERVER_CMD $SERVER_ARGS
  fi
}

# The RSS once it has settled: allocators and lazily touched pages can lag the last request by a moment.
settled_rss_kb() {
  sleep 1
  rss_kb "$1"
}

per_unit() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.0f", (b - a) * 1024 / n }'; }

REPORT="$OUT/report.md"
{
  echo "RSS per registered instance (fresh process per size; VmRSS after preload minus before, / instances):"
  echo
  echo "| target | instances | RSS before (KiB) | RSS after (KiB) | bytes per instance |"
  echo "|---|---|---|---|---|"
} >"$REPORT"

for target in reference server; do
  for n in $MEM_SIZES; do
    start_named "$target" "$target-instances-$n"
    before=$(settled_rss_kb "$TARGET_PID")
    # The reference registers nothing; preloading it shows what the same traffic alone costs.
    expect=$([ "$target" = reference ] && echo 200 || echo "$REGISTER_STATUS")
    INSTANCES=$n preload "$PORT" "$expect" -n "$n"
    after=$(settled_rss_kb "$TARGET_PID")
    stop_pid "$TARGET_PID"
    echo "| $target | $n | $before | $after | $(per_unit "$before" "$after" "$n") |" >>"$REPORT"
    log "$target, $n instances: RSS $before -> $after KiB"
  done
done

# Issue 19: the same sizes with the full registry cached in the four forms a Java client can ask for (JSON/XML x
# plain/gzip), read once each in turn: RSS per instance with them cached, the peak (VmHWM) those builds reached
# above the registry alone, and the bytes of the cached documents. Server only (the reference caches nothing).
# The plain read of a format builds both its plain and gzip forms (one cache key, one build); the gzip read is a
# hit. So that each build's own peak shows, VmHWM is reset to the current RSS before each read (writing 5 to
# /proc/PID/clear_refs) and read after it; the overall peak is the largest of those.
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
generation_seconds() {
  curl -s -m 10 "http://127.0.0.1:$1/metrics" | awk '/^eureka_cache_generation_seconds_total / { print $2 }'
}
# The process's CPU seconds (user + system): pool builds run at a lowered priority, so on a busy machine their wall
# time (the generation seconds) measures the other load as much as the build.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
if [ "$PLUMBING" != 1 ]; then
  {
    echo
    echo "With the full registry cached as JSON and XML, plain and gzip (each read once after the preload):"
    echo
    echo "| instances | RSS registry (KiB) | RSS cached (KiB) | bytes per instance cached | peak VmHWM (KiB) | peak above registry / cached bytes | cached bytes (JSON plain, gzip; XML plain, gzip) |"
    echo "|---|---|---|---|---|---|---|"
  } >>"$REPORT"
  BUILDS="$OUT/builds.md"
  {
    echo
    echo "Each build on its own (VmHWM reset before the read that builds it): its peak above the RSS before it, its result"
    echo "(plain + gzip bytes) and their ratio, its encoding + gzip wall time (the cache's generation seconds; pool builds"
    echo "run at a lowered priority, so on a busy machine this is mostly waiting) and the process's CPU seconds over the"
    echo "two reads (snapshot, encoding, gzip, sending):"
    echo
    echo "| instances | format | RSS before (KiB) | peak VmHWM (KiB) | RSS after (KiB) | result bytes | peak above before / result | build seconds | CPU seconds |"
    echo "|---|---|---|---|---|---|---|---|---|"
  } >"$BUILDS"
  for n in $MEM_SIZES; do
    start_named server "server-cached-$n"
    before=$(settled_rss_kb "$TARGET_PID")
    INSTANCES=$n preload "$PORT" "$REGISTER_STATUS" -n "$n"
    registry=$(settled_rss_kb "$TARGET_PID")
    sizes=""
    total=0
    peak=$(hwm_kb "$TARGET_PID")  # the preload's, so the overall peak means what it meant before the resets
    for accept in application/json application/xml; do
      form_before=$(rss_kb "$TARGET_PID")
      seconds_before=$(generation_seconds "$PORT")
      cpu_before=$(cpu_seconds "$TARGET_PID")
      echo 5 >"/proc/$TARGET_PID/clear_refs"
      form_bytes=0
      for enc in identity gzip; do
        b=$(curl -s -o /dev/null -m 600 -H "Accept: $accept" -H "Accept-Encoding: $enc" -w '%{size_download}' \
              "http://127.0.0.1:$PORT/eureka/apps/")
        sizes="$sizes $b"
        total=$((total + b))
        form_bytes=$((form_bytes + b))
      done
      form_peak=$(hwm_kb "$TARGET_PID")
      [ "$form_peak" -gt "$peak" ] && peak=$form_peak
      form_after=$(rss_kb "$TARGET_PID")
      seconds=$(awk -v a="$seconds_before" -v b="$(generation_seconds "$PORT")" 'BEGIN { printf "%.2f", b - a }')
      cpu=$(awk -v a="$cpu_before" -v b="$(cpu_seconds "$TARGET_PID")" 'BEGIN { printf "%.2f", b - a }')
      form_ratio=$(awk -v p="$form_peak" -v r="$form_before" -v t="$form_bytes" 'BEGIN { printf "%.2f", (p - r) * 1024 / t }')
      echo "| $n | ${accept#application/} | $form_before | $form_peak | $form_after | $form_bytes | $form_ratio | $seconds | $cpu |" >>"$BUILDS"
    done
    # Three seconds: the node trims its heap after pool builds at most every two (Node/HeapTrimmer.swift), so the
    # trim after the last build has run by then.
    sleep 2
    cached=$(settled_rss_kb "$TARGET_PID")
    stop_pid "$TARGET_PID"
    ratio=$(awk -v p="$peak" -v r="$registry" -v t="$total" 'BEGIN { printf "%.2f", (p - r) * 1024 / t }')
    echo "| $n | $registry | $cached | $(per_unit "$before" "$cached" "$n") | $peak | $ratio |$sizes |" >>"$REPORT"
    log "server, $n instances, four forms cached: RSS $registry -> $cached KiB, peak $peak KiB"
  done
  cat "$BUILDS" >>"$REPORT"
fi

# heartbeat_rps PORT: req/s of one DURATION-second heartbeat run on OTHER_CONNS connections.
heartbeat_rps() {
  local line
  line=$(run_wrk "$1" "$OTHER_CONNS" "$DURATION" heartbeat.lua PREFIX="$PREFIX") || die "wrk failed"
  [ "$(field status_errors "$line")" = 0 ] || die "heartbeats failed: $line"
  field rps "$line"
}

[ "$IDLE_CONNS" = 0 ] || {
  echo
  echo "RSS per idle keep-alive connection ($IDLE_CONNS connections, each answered one GET /eureka/status, then"
  echo "held idle), and heartbeat req/s on $OTHER_CONNS other connections without / with / after them:"
  echo
  echo "| target | RSS before (KiB) | RSS holding (KiB) | bytes per connection | req/s before | req/s holding | req/s after | holding / mean(before, after) |"
  echo "|---|---|---|---|---|---|---|---|"
} >>"$REPORT"

[ "$IDLE_CONNS" = 0 ] || for target in reference server; do
  start_named "$target" "$target-idle"
  srv=$TARGET_PID
  expect=$([ "$target" = reference ] && echo 200 || echo "$REGISTER_STATUS")
  preload "$PORT" "$expect"
  rps_before=$(heartbeat_rps "$PORT")
  rss_before=$(settled_rss_kb "$srv")
  holders=""
  half=$((IDLE_CONNS / 2))
  for count in "$half" $((IDLE_CONNS - half)); do
    (ulimit -n "$FD_LIMIT" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
     exec taskset -c "$CLIENT_CORE" "$BIN/holder" "$PORT" "$count" 300) >"$OUT/holder.$count.$target.$RANDOM.out" 2>&1 &
    holders="$holders $!"
    STARTED_PIDS="$STARTED_PIDS $!"
  done
  # Wait (at most 120 s) until both holders report every connection established and answered.
  deadline=$((SECONDS + 120))
  while [ "$(cat "$OUT"/holder.*."$target".*.out 2>/dev/null | grep -c '^held')" -lt 2 ]; do
    for h in $holders; do kill -0 "$h" 2>/dev/null || die "a holder failed; see $OUT/holder.*.$target.*.out"; done
    [ $SECONDS -lt $deadline ] || die "holders not ready after 120 s"
    sleep 0.5
  done
  rss_holding=$(settled_rss_kb "$srv")
  rps_holding=$(heartbeat_rps "$PORT")
  for h in $holders; do stop_pid "$h"; done
  sleep 1
  rps_after=$(heartbeat_rps "$PORT")
  stop_pid "$srv"
  ratio=$(awk -v b="$rps_before" -v h="$rps_holding" -v a="$rps_after" 'BEGIN { printf "%.2f", h / ((b + a) / 2) }')
  echo "| $target | $rss_before | $rss_holding | $(per_unit "$rss_before" "$rss_holding" "$IDLE_CONNS") |" \
       "$rps_before | $rps_holding | $rps_after | $ratio |" >>"$REPORT"
  log "$target, $IDLE_CONNS idle connections: RSS $rss_before -> $rss_holding KiB; req/s $rps_before / $rps_holding / $rps_after"
done

cat "$REPORT"
if [ "$RECORD" = 1 ]; then
  {
    echo
    echo "## $(date '+%Y-%m-%d %H:%M %Z') memory.sh$([ "$PLUMBING" = 1 ] && echo ' (plumbing check: the reference as both targets)')"
    echo
    echo "- Machine: $(machine_shape)"
    echo "- Command: \`$(command_line memory.sh)\`"
    echo
    cat "$REPORT"
  } >>"$BENCH_DIR/RESULTS.md"
  log "appended to bench/RESULTS.md"
fi
