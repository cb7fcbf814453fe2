#!/usr/bin/env bash
# Heartbeat throughput of a node that replicates every heartbeat to two peers, against the same server standalone:
# run.sh's pattern (wrk with lua/heartbeat.lua, interleaved rounds, medians, ratio), with two targets:
#
#   standalone   eureka-server with no peers, pinned to core 1 (TARGET_CORE);
#   replicating  eureka-server with two peers (--eureka.client.service-url.defaultZone listing all three nodes),
#                pinned to core 1 too. The peers are real eureka-server processes pinned to PEER_CORE (default the
#                load generator's core 0: they must not take core 1 from the node measured).
#
# Both targets hold INSTANCES instances (100,000 by default, so that the round-robin comes back to an instance only
# after seconds: each heartbeat then becomes its own batch item instead of replacing a pending one, spec 7.6). The
# replicating node is preloaded in chunks of PRELOAD_CHUNK, waiting after each until its queues are empty, so the
# per-peer pool (10,000 tasks) never overflows and the peers hold every instance (checked).
#
# Each round of the replicating node lasts DURATION seconds of wrk plus the time its queues take to drain
# afterwards (polled; printed per round), and its CPU time is counted over both, so CPU us/request includes all
# the replication work of the round's heartbeats. Per round the replication counters say how many items each peer
# was sent (ideally = requests: every heartbeat replicated once), and how many tasks were dropped.
#
# Settings (environment): ROUNDS=5 DURATION=10 WARMUP=3 CONNS=64 INSTANCES=100000 APPS=100 PRELOAD_CHUNK=5000
# PEER_CORE=$CLIENT_CORE DRAIN_TIMEOUT=60; SERVER_CMD, SERVER_ARGS, BUILD_SERVER as in run.sh; RECORD=0 to skip
# RESULTS.md; SMOKE=1 for ROUNDS=1 DURATION=2 WARMUP=1 INSTANCES=20000.
set -euo pipefail

SETTING_NAMES="ROUNDS DURATION WARMUP CONNS PRELOAD_CHUNK PEER_CORE DRAIN_TIMEOUT SMOKE BUILD_SERVER WRK_THREADS"
# This script's own default (lib.sh's is 10,000), decided before lib.sh applies its defaults.
if [ -z "${INSTANCES:-}" ]; then
  if [ "${SMOKE:-0}" = 1 ]; then INSTANCES_DEFAULT=20000; else INSTANCES_DEFAULT=100000; fi
fi
. "$(dirname "$0")/lib.sh"
[ -n "${INSTANCES_DEFAULT:-}" ] && INSTANCES=$INSTANCES_DEFAULT

if [ "${SMOKE:-0}" = 1 ]; then
  ROUNDS=${ROUNDS:-1} DURATION=${DURATION:-2} WARMUP=${WARMUP:-1}
fi
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CONNS=${CONNS:-64}
PRELOAD_CHUNK=${PRELOAD_CHUNK:-5000}
PEER_CORE=${PEER_CORE:-$CLIENT_CORE}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-60}
RECORD=${RECORD:-1}
[ "$PLUMBING" = 1 ] && die "PLUMBING=1 is not supported here: the reference does not replicate"

bench_setup replication-throughput
require_server
ROUNDS_TSV="$OUT/rounds.tsv"
REPL_TSV="$OUT/replication.tsv"

read -r REP_PORT PEER1_PORT PEER2_PORT < <(distinct_ports)
URLS="http://127.0.0.1:$REP_PORT/eureka/,http://127.0.0.1:$PEER1_PORT/eureka/,http://127.0.0.1:$PEER2_PORT/eureka/"
PEER_PIDS=""
for p in $PEER1_PORT $PEER2_PORT; do
  # shellcheck disable=SC2086  # command lines
  TARGET_CORE=$PEER_CORE start_target "$p" "$OUT/peer-$p.log" $SERVER_CMD $SERVER_ARGS $REPLICATION_NODE_ARGS \
    "--eureka.client.service-url.defaultZone=$URLS"
  PEER_PIDS="$PEER_PIDS $TARGET_PID"
done
# shellcheck disable=SC2086  # command lines
start_target "$REP_PORT" "$OUT/replicating.log" $SERVER_CMD $SERVER_ARGS $REPLICATION_NODE_ARGS \
  "--eureka.client.service-url.defaultZone=$URLS"
REP_PID=$TARGET_PID
SA_PORT=$(free_port)
while [ "$SA_PORT" = "$REP_PORT" ] || [ "$SA_PORT" = "$PEER1_PORT" ] || [ "$SA_PORT" = "$PEER2_PORT" ]; do
  SA_PORT=$(free_port)
done
# shellcheck disable=SC2086  # command lines
start_target "$SA_PORT" "$OUT/standalone.log" $SERVER_CMD $SERVER_ARGS $REPLICATION_NODE_ARGS
SA_PID=$TARGET_PID
log "standalone pid $SA_PID on :$SA_PORT; replicating pid $REP_PID on :$REP_PORT;" \
  "peers pids$PEER_PIDS on :$PEER1_PORT :$PEER2_PORT (core $PEER_CORE)"

preload "$SA_PORT" "$REGISTER_STATUS"
for ((start = 0; start < INSTANCES; start += PRELOAD_CHUNK)); do
  count=$(( INSTANCES - start < PRELOAD_CHUNK ? INSTANCES - start : PRELOAD_CHUNK ))
  preload "$REP_PORT" "$REGISTER_STATUS" -s "$start" -k "$count"
  wait_drained "$REP_PORT" "$OUT/metrics.preload.txt" "$DRAIN_TIMEOUT" >/dev/null
done
for p in $PEER1_PORT $PEER2_PORT; do
  save_metrics "$p" "$OUT/metrics.peer-$p.preload.txt"
  held=$(metric "$OUT/metrics.peer-$p.preload.txt" eureka_registry_instances)
  [ "$held" = "$INSTANCES" ] || die "peer :$p holds $held instances after the preload, not $INSTANCES"
done
[ "$(metric "$OUT/metrics.preload.txt" eureka_replication_dropped_total)" = 0 ] || die "tasks dropped during the preload"
log "preloaded $INSTANCES instances on both targets; each peer holds them all"

# measure TARGET ROUND: one wrk run against TARGET (then, for the replicating node, the wait until its queues are
# empty); one line in rounds.tsv (report.sh's format), and for the replicating node one in replication.tsv.
measure() {
  local target=$1 round=$2 pid port before after line requests drain=0 pb pa
  if [ "$target" = standalone ]; then pid=$SA_PID port=$SA_PORT; else pid=$REP_PID port=$REP_PORT; fi
  [ "$target" = replicating ] && save_metrics "$port" "$OUT/metrics.before.txt"
  pb=0; for p in $PEER_PIDS; do pb=$((pb + $(cpu_ticks "$p"))); done
  before=$(cpu_ticks "$pid")
  line=$(run_wrk "$port" "$CONNS" "$DURATION" heartbeat.lua PREFIX="$PREFIX") || die "wrk failed on $target"
  [ "$target" = replicating ] && drain=$(wait_drained "$port" "$OUT/metrics.after.txt" "$DRAIN_TIMEOUT")
  after=$(cpu_ticks "$pid")
  pa=0; for p in $PEER_PIDS; do pa=$((pa + $(cpu_ticks "$p"))); done
  kill -0 "$pid" 2>/dev/null || die "$target (pid $pid) died"
  record_round "heartbeat-c$CONNS" "$round" "$target" "$line" $((after - before))
  requests=$ROUND_REQUESTS
  local cpu_us=$ROUND_CPU_US cpu_pct=$ROUND_CPU_PCT errors=$ROUND_ERRORS
  local extra=""
  if [ "$target" = replicating ]; then
    local b=$OUT/metrics.before.txt a=$OUT/metrics.after.txt s1 s2 dropped batches unsuccessful peer_us
    d() { echo $(( $(metric "$a" "$@") - $(metric "$b" "$@") )); }
    s1=$(d eureka_replication_items_sent_total ":$PEER1_PORT/")
    s2=$(d eureka_replication_items_sent_total ":$PEER2_PORT/")
    batches=$(d eureka_replication_batches_sent_total)
    dropped=$(d eureka_replication_dropped_total)
    unsuccessful=$(( $(d eureka_replication_outcomes_total) - $(d eureka_replication_outcomes_total 'outcome="success"') ))
    peer_us=$(awk -v t=$((pa - pb)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.2f", n ? t * 1e6 / hz / n : 0 }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$requests" "$s1" "$s2" "$batches" "$dropped" \
      "$unsuccessful" "$drain" "$peer_us" >>"$REPL_TSV"
    extra="; items sent $s1 / $s2, $batches batches, $dropped dropped, $unsuccessful unsuccessful batches,"
    extra="$extra drained $drain s after wrk; peers' CPU $peer_us us/request"
  fi
  log "round $round $target: $(field rps "$line") req/s, p50 $(field p50_us "$line") us," \
    "p99 $(field p99_us "$line") us, $cpu_us CPU us/req ($cpu_pct% of a core), $errors errors$extra"
}

printf 'scenario\tround\ttarget\trequests\treq_s\tp50_us\tp99_us\tcpu_us_per_req\tcpu_pct\terrors\n' >"$ROUNDS_TSV"
printf 'round\trequests\titems_peer1\titems_peer2\tbatches\tdropped\tunsuccessful\tdrain_s\tpeers_cpu_us_per_req\n' >"$REPL_TSV"

log "warm-up: $WARMUP s per target"
for port in $SA_PORT $REP_PORT; do
  run_wrk "$port" "$CONNS" "$WARMUP" heartbeat.lua PREFIX="$PREFIX" >/dev/null || die "warm-up failed on :$port"
done
wait_drained "$REP_PORT" "$OUT/metrics.warmup.txt" "$DRAIN_TIMEOUT" >/dev/null

for round in $(seq 1 "$ROUNDS"); do
  measure standalone "$round"
  measure replicating "$round"
done

for pid in $SA_PID $REP_PID; do
  stop_pid "$pid"
  [ "$STOP_STATUS" = 0 ] || log "warning: pid $pid exited with status $STOP_STATUS on SIGTERM (expected 0)"
done
for pid in $PEER_PIDS; do stop_pid "$pid"; done

REPORT="$OUT/report.md"
{
  BASE_TARGET=standalone TEST_TARGET=replicating "$BENCH_DIR/report.sh" "$ROUNDS_TSV"
  echo
  echo "Replication per round of the replicating node (counter deltas over the round and its drain; \"items\" per"
  echo "peer should equal the requests: every heartbeat replicated once; peers' CPU is both peers' utime + stime"
  echo "over the same span, per request, on core $PEER_CORE):"
  echo
  echo "| round | requests | items to peer 1 | items to peer 2 | items / request | batches (both) | items / batch | dropped | unsuccessful batches | drain after wrk (s) | peers' CPU us/request |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  awk -F'\t' 'NR > 1 {
    printf "| %s | %s | %s | %s | %.3f | %s | %.0f | %s | %s | %s | %s |\n", $1, $2, $3, $4, $2 ? ($3 + $4) / 2 / $2 : 0,
      $5, $5 ? ($3 + $4) / $5 : 0, $6, $7, $8, $9 }' "$REPL_TSV"
} >"$REPORT"
cat "$REPORT"

if [ "$RECORD" = 1 ]; then
  {
    echo
    echo "## $(date '+%Y-%m-%d %H:%M %Z') replication-throughput.sh$([ "${SMOKE:-0}" = 1 ] && echo ' (smoke)')"
    echo
    echo "- Machine: $(machine_shape)"
    echo "- Command: \`$(command_line replication-throughput.sh)\`"
    echo "- Settings: ROUNDS=$ROUNDS DURATION=${DURATION}s WARMUP=${WARMUP}s CONNS=$CONNS INSTANCES=$INSTANCES" \
      "APPS=$APPS wrk -t${WRK_THREADS:-1}; both targets on core $TARGET_CORE, wrk on core $CLIENT_CORE, the two peers" \
      "(release eureka-server) on core $PEER_CORE; every node: \`$REPLICATION_NODE_ARGS\`"
    echo
    cat "$REPORT"
  } >>"$BENCH_DIR/RESULTS.md"
  log "appended to bench/RESULTS.md"
fi

check_rounds
log "done; raw figures in ${OUT#$REPO_DIR/}"
