#!/usr/bin/env bash
# Instructions per heartbeat, for the server and the reference, under valgrind --tool=callgrind.
#
# Each target runs twice as a fresh process: once receiving K_SHORT heartbeats, once K_LONG, each preceded by the
# same start-up, readiness probe and (server only) preload. Then
#     Ir per heartbeat = (Ir(long) - Ir(short)) / (K_LONG - K_SHORT)
# so start-up, preload and shutdown cancel out. The count is deterministic up to hash seeds and timer ticks, so
# unlike req/s it hardly drifts with the machine's load: it is the figure to compare across commits.
#
# Settings (environment): K_SHORT=20000 K_LONG=40000; CG_CONNS=8 keep-alive connections, CG_DEPTH=1 request in
# flight per connection (the Java client's pattern); INSTANCES=10000 APPS=100; SERVER_CMD, SERVER_ARGS,
# BUILD_SERVER, PLUMBING as in run.sh; RECORD=0 to skip RESULTS.md. AUTH=user:password turns authentication on
# (the server gets --eureka.node.security.writers=user:password; preload and heartbeats send it as Basic credentials,
# to the reference too, so both parse the same bytes).
set -euo pipefail

SETTING_NAMES="K_SHORT K_LONG CG_CONNS CG_DEPTH BUILD_SERVER AUTH"
. "$(dirname "$0")/lib.sh"

K_SHORT=${K_SHORT:-20000}
K_LONG=${K_LONG:-40000}
CG_CONNS=${CG_CONNS:-8}
CG_DEPTH=${CG_DEPTH:-1}
RECORD=${RECORD:-1}
READY_TIMEOUT=${READY_TIMEOUT:-180}   # a Swift binary starts slowly under valgrind
AUTH=${AUTH:-}
AUTH_ARGS=()
if [ -n "$AUTH" ]; then
  SERVER_ARGS="$SERVER_ARGS --eureka.node.security.writers=$AUTH"
  AUTH_ARGS=(-a "Basic $(printf %s "$AUTH" | base64 -w0)")
fi

callgrind_setup callgrind "(set SERVER_CMD, or PLUMBING=1)"

# total_ir TARGET K: run TARGET under callgrind, send K heartbeats, stop it, print its instruction total.
total_ir() {
  local target=$1 k=$2 port file
  trap stop_all EXIT   # this runs in a $( ) subshell, which does not inherit the script's trap
  port=$(free_port)
  file="$OUT/callgrind.$target.$k.out"
  if [ "$target" = reference ]; then
    start_target "$port" "$OUT/$target.$k.log" valgrind --tool=callgrind --callgrind-out-file="$file" $REF_CMD
  else
    # shellcheck disable=SC2086  # command lines
    start_target "$port" "$OUT/$target.$k.log" valgrind --tool=callgrind --callgrind-out-file="$file" \
      $SERVER_CMD $SERVER_ARGS
    preload "$port" "$REGISTER_STATUS" "${AUTH_ARGS[@]}" >&2
  fi
  timeout 900 taskset -c "$CLIENT_CORE" "$BIN/heartbeats" -p "$port" -n "$INSTANCES" -m "$APPS" -P "$PREFIX" \
    -t "$DIRTY_TS" -k "$k" -c "$CG_CONNS" -d "$CG_DEPTH" -T 600 "${AUTH_ARGS[@]}" >&2 || die "heartbeats to $target failed"
  stop_pid "$TARGET_PID"
  [ "$STOP_STATUS" = 0 ] || die "$target exited with status $STOP_STATUS on SIGTERM; callgrind needs a clean exit"
  [ -s "$file" ] || die "callgrind wrote no $file"
  awk '/^summary:/ { print $2; found = 1 } END { exit !found }' "$file" || die "no summary line in $file"
}

declare -A IR
for target in reference server; do
  for k in "$K_SHORT" "$K_LONG"; do
    log "callgrind: $target, $k heartbeats"
    IR[$target.$k]=$(total_ir "$target" "$k")
    log "callgrind: $target, $k heartbeats: ${IR[$target.$k]} Ir"
  done
done

per_request() {
  awk -v l="${IR[$1.$K_LONG]}" -v s="${IR[$1.$K_SHORT]}" -v dk=$((K_LONG - K_SHORT)) 'BEGIN { printf "%.0f", (l - s) / dk }'
}
REF_IR=$(per_request reference)
SRV_IR=$(per_request server)
REPORT="$OUT/report.md"
{
  echo "Instructions (callgrind Ir) per heartbeat = (Ir(K=$K_LONG) - Ir(K=$K_SHORT)) / $((K_LONG - K_SHORT));"
  echo "$CG_CONNS keep-alive connections, $CG_DEPTH request(s) in flight each."
  echo
  echo "| target | Ir, $K_SHORT heartbeats | Ir, $K_LONG heartbeats | Ir per heartbeat |"
  echo "|---|---|---|---|"
  echo "| reference | ${IR[reference.$K_SHORT]} | ${IR[reference.$K_LONG]} | $REF_IR |"
  echo "| server | ${IR[server.$K_SHORT]} | ${IR[server.$K_LONG]} | $SRV_IR |"
  echo
  echo "Server / reference: $(awk -v a="$REF_IR" -v b="$SRV_IR" 'BEGIN { printf "%.2f", a ? b / a : 0 }')"
} >"$REPORT"
cat "$REPORT"

if [ "$RECORD" = 1 ]; then
  {
    echo
    echo "## $(date '+%Y-%m-%d %H:%M %Z') callgrind.sh$([ "$PLUMBING" = 1 ] && echo ' (plumbing check: the reference as both targets)')"
    echo
    echo "- Machine: $(machine_shape); valgrind $(valgrind --version)"
    echo "- Command: \`$(command_line callgrind.sh)\`"
    echo
    cat "$REPORT"
  } >>"$BENCH_DIR/RESULTS.md"
  log "appended to bench/RESULTS.md"
fi
log "callgrind files in ${OUT#$REPO_DIR/} (callgrind_annotate FILE shows where the instructions go)"
