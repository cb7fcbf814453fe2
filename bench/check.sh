#!/usr/bin/env bash
# The wrk scripts (lua/common.lua) and the C tools (tools/instance.c) must build the same bytes for the same
# instance: the heartbeats renew what the preload registered, and a mismatch would turn every heartbeat into a
# 404. This asks each side for a few requests and compares them byte for byte. Needs a listener for wrk to start
# against, so it runs the reference for a second.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT="$BENCH_DIR/out/check"
mkdir -p "$OUT"
trap stop_all EXIT
build_tools

port=$(free_port)
start_target "$port" "$OUT/reference.log" "$REF_CMD"
failures=0
for script in heartbeat register; do
  tool=$([ $script = heartbeat ] && echo heartbeats || echo preload)
  for i in 0 7 99 100 12345 70000; do
    INSTANCES=100000 BENCH_PRINT=$i BENCH_PRINT_TO="$OUT/lua.req" \
      timeout 30 wrk -t1 -c1 -d1s -s "$BENCH_DIR/lua/$script.lua" "http://127.0.0.1:$port/" >/dev/null
    "$BIN/$tool" -p "$port" -n 100000 -m "$APPS" -P "$PREFIX" -t "$DIRTY_TS" -x "$i" >"$OUT/c.req"
    if cmp -s "$OUT/lua.req" "$OUT/c.req"; then
      log "$script request $i: identical ($(wc -c <"$OUT/c.req") bytes)"
    else
      log "$script request $i: DIFFERENT"
      diff <(tr '\r' '~' <"$OUT/lua.req") <(tr '\r' '~' <"$OUT/c.req") >&2 || true
      failures=$((failures + 1))
    fi
  done
done
stop_pid "$TARGET_PID"
[ "$STOP_STATUS" = 0 ] || die "the reference exited with $STOP_STATUS on SIGTERM"
[ $failures = 0 ] || die "$failures requests differ between lua/common.lua and tools/instance.c"
log "check passed: Lua and C requests agree; the reference exits 0 on SIGTERM"
