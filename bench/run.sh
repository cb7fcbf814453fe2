#!/usr/bin/env bash
# Interleaved comparison of the server against the reference (bench/reference/ref_server.c): for each scenario,
# ROUNDS rounds of (reference, server), each a DURATION-second wrk run; per round req/s, p50/p99 latency and the
# target's CPU microseconds per request; medians and server/reference ratios at the end, appended to RESULTS.md.
#
# Settings (environment):
#   ROUNDS=5 DURATION=10 WARMUP=3   rounds per scenario, seconds per run, seconds of warm-up per target
#   CONNS="64 1000"                 one heartbeat scenario per connection count
#   OTHER_CONNS=64                  connections for the register / status / fetch scenarios
#   SCENARIOS="heartbeat register status"   add "fetch" (GET /eureka/apps; GZIP=1 for gzip) if wanted
#                                   "register-new": registrations of ids never seen before (lua/register-new.lua),
#                                   where "register" mostly re-registers its REG_INSTANCES ids (a client restart)
#   INSTANCES=10000 APPS=100        instances preloaded for the heartbeats, and their apps
#   REG_INSTANCES=20000             instance ids the registration scenario cycles over (prefix "reg")
#   SERVER_CMD=<repo>/.build/release/eureka-server  SERVER_ARGS=--server.address=127.0.0.1
#   BUILD_SERVER=1                  0: do not run `swift build -c release`
#   PLUMBING=1                      the reference stands in for the server (proves the suite: ratios ~1.0)
#   SMOKE=1                         ROUNDS=1 DURATION=2 WARMUP=1: checks the plumbing, asserts nothing about speed
#   RECORD=1                        0: do not append to RESULTS.md
#   WRK_THREADS=1                   wrk threads (all pinned to core 0)
set -euo pipefail

SETTING_NAMES="ROUNDS DURATION WARMUP CONNS OTHER_CONNS SCENARIOS REG_INSTANCES SMOKE BUILD_SERVER WRK_THREADS GZIP"
. "$(dirname "$0")/lib.sh"

if [ "${SMOKE:-0}" = 1 ]; then
  ROUNDS=${ROUNDS:-1} DURATION=${DURATION:-2} WARMUP=${WARMUP:-1}
fi
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CONNS=${CONNS:-64 1000}
OTHER_CONNS=${OTHER_CONNS:-64}
SCENARIOS=${SCENARIOS:-heartbeat register status}
REG_INSTANCES=${REG_INSTANCES:-20000}
RECORD=${RECORD:-1}

bench_setup run
require_server "(set SERVER_CMD, or PLUMBING=1)"
ROUNDS_TSV="$OUT/rounds.tsv"

REF_PORT=$(free_port)
start_target "$REF_PORT" "$OUT/reference.log" $REF_CMD
REF_PID=$TARGET_PID
SRV_PORT=$(free_port)
# SERVER_CMD and SERVER_ARGS are word-split on purpose: they are command lines.
start_target "$SRV_PORT" "$OUT/server.log" $SERVER_CMD $SERVER_ARGS
SRV_PID=$TARGET_PID
log "reference pid $REF_PID on :$REF_PORT, server pid $SRV_PID on :$SRV_PORT"

# The reference answers 200 to every path, so only the server needs the instances the heartbeats renew.
preload "$SRV_PORT" "$REGISTER_STATUS"

# scenario name -> "lua script|connections|extra env"
scenario_list() {
  local s c
  for s in $SCENARIOS; do
    case $s in
      heartbeat) for c in $CONNS; do echo "heartbeat-c$c|heartbeat.lua|$c|PREFIX=$PREFIX"; done ;;
      register) echo "register-c$OTHER_CONNS|register.lua|$OTHER_CONNS|PREFIX=reg INSTANCES=$REG_INSTANCES" ;;
      register-new) echo "register-new-c$OTHER_CONNS|register-new.lua|$OTHER_CONNS|PREFIX=regnew" ;;
      status) echo "status-c$OTHER_CONNS|status.lua|$OTHER_CONNS|" ;;
      fetch) echo "fetch-c$OTHER_CONNS|fetch.lua|$OTHER_CONNS|GZIP=${GZIP:-0}" ;;
      *) die "unknown scenario $s" ;;
    esac
  done
}

# measure TARGET PID PORT SCENARIO ROUND SCRIPT CONNS ENV...: one wrk run, one line in rounds.tsv.
measure() {
  local target=$1 pid=$2 port=$3 scenario=$4 round=$5 script=$6 conns=$7
  shift 7
  local before after line
  before=$(cpu_ticks "$pid")
  line=$(run_wrk "$port" "$conns" "$DURATION" "$script" "$@") || die "wrk failed on $target ($scenario)"
  after=$(cpu_ticks "$pid")
  kill -0 "$pid" 2>/dev/null || die "$target (pid $pid) died during $scenario"
  record_round "$scenario" "$round" "$target" "$line" $((after - before))
  local cpu_us=$ROUND_CPU_US cpu_pct=$ROUND_CPU_PCT errors=$ROUND_ERRORS
  log "$scenario round $round $target: $(field rps "$line") req/s, p50 $(field p50_us "$line") us," \
    "p99 $(field p99_us "$line") us, $cpu_us CPU us/req ($cpu_pct% of a core), $errors errors"
}

printf 'scenario\tround\ttarget\trequests\treq_s\tp50_us\tp99_us\tcpu_us_per_req\tcpu_pct\terrors\n' >"$ROUNDS_TSV"

log "warm-up: $WARMUP s per target"
for target in reference server; do
  if [ $target = reference ]; then port=$REF_PORT; else port=$SRV_PORT; fi
  run_wrk "$port" "$OTHER_CONNS" "$WARMUP" heartbeat.lua PREFIX="$PREFIX" >/dev/null || die "warm-up failed on $target"
done

while IFS='|' read -r scenario script conns extra; do
  for round in $(seq 1 "$ROUNDS"); do
    # shellcheck disable=SC2086  # extra is a list of VAR=value words
    measure reference "$REF_PID" "$REF_PORT" "$scenario" "$round" "$script" "$conns" $extra
    measure server "$SRV_PID" "$SRV_PORT" "$scenario" "$round" "$script" "$conns" $extra
  done
done < <(scenario_list)

stop_pid "$SRV_PID"
[ "$STOP_STATUS" = 0 ] || log "warning: the server exited with status $STOP_STATUS on SIGTERM (expected 0)"
stop_pid "$REF_PID"

"$BENCH_DIR/report.sh" "$ROUNDS_TSV" >"$OUT/report.md"
cat "$OUT/report.md"

if [ "$RECORD" = 1 ]; then
  {
    echo
    echo "## $(date '+%Y-%m-%d %H:%M %Z') run.sh$([ "$PLUMBING" = 1 ] && echo ' (plumbing check: the reference as both targets)')$([ "${SMOKE:-0}" = 1 ] && echo ' (smoke)')"
    echo
    echo "- Machine: $(machine_shape)"
    echo "- Command: \`$(command_line run.sh)\`"
    echo "- Settings: ROUNDS=$ROUNDS DURATION=${DURATION}s WARMUP=${WARMUP}s CONNS=\"$CONNS\" OTHER_CONNS=$OTHER_CONNS" \
         "INSTANCES=$INSTANCES APPS=$APPS REG_INSTANCES=$REG_INSTANCES wrk -t${WRK_THREADS:-1};" \
         "targets on core $TARGET_CORE, wrk on core $CLIENT_CORE"
    echo
    cat "$OUT/report.md"
  } >>"$BENCH_DIR/RESULTS.md"
  log "appended to bench/RESULTS.md"
fi

check_rounds
log "done; raw figures in ${OUT#$REPO_DIR/}"
