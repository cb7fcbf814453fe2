#!/usr/bin/env bash
# Instructions per registration under valgrind --tool=callgrind: a new instance, and the re-registration of one
# already registered (a client restart: same id, a new lastDirtyTimestamp in the body).
#
# As in callgrind.sh, each case runs twice as a fresh process, with R_SHORT and R_LONG registrations after the same
# start-up (and, for re-registrations, the same first registration of REG_N instances), and
#     Ir per registration = (Ir(long) - Ir(short)) / (R_LONG - R_SHORT)
# so start-up, preload and shutdown cancel out.
#   new:   R registrations of distinct new instances (prefix "reg", REG_APPS apps);
#   again: REG_N instances registered first, then R registrations cycling over them with lastDirtyTimestamp
#          DIRTY_TS + 1 (each one replaces a live lease).
# The server gets the same headers and ~1.1 KB JSON body as run.sh's register scenario (bench/tools/instance.c).
#
# Settings (environment): R_SHORT=5000 R_LONG=10000 REG_N=10000 REG_APPS=100; CG_CONNS=8 keep-alive connections,
# CG_DEPTH=1 request in flight each; SERVER_CMD, SERVER_ARGS, BUILD_SERVER as in run.sh; CASES="new again";
# RECORD=0 to skip RESULTS.md. No reference run: the reference answers without reading the body, so its figure
# per registration is mostly http_parser's (~30 Ir per header byte) and says little about the server's own work.
set -euo pipefail

SETTING_NAMES="R_SHORT R_LONG REG_N REG_APPS CG_CONNS CG_DEPTH CASES BUILD_SERVER"
. "$(dirname "$0")/lib.sh"

R_SHORT=${R_SHORT:-5000}
R_LONG=${R_LONG:-10000}
REG_N=${REG_N:-10000}
REG_APPS=${REG_APPS:-100}
CG_CONNS=${CG_CONNS:-8}
CG_DEPTH=${CG_DEPTH:-1}
CASES=${CASES:-new again}
RECORD=${RECORD:-1}
READY_TIMEOUT=${READY_TIMEOUT:-180}   # a Swift binary starts slowly under valgrind
[ "$PLUMBING" = 1 ] && die "PLUMBING is not supported: the reference does not register anything"

callgrind_setup callgrind-register

# register PORT DIRTY N COUNT: COUNT registrations cycling over N instances "reg-i", all with lastDirtyTimestamp DIRTY.
register() {
  timeout 900 taskset -c "$CLIENT_CORE" "$BIN/preload" -p "$1" -n "$3" -k "$4" -m "$REG_APPS" -P reg -t "$2" \
    -e 204 -c "$CG_CONNS" -d "$CG_DEPTH" -T 600 >&2 || die "registrations failed"
}

# total_ir CASE R: run the server under callgrind for one case with R measured registrations; print its Ir total.
total_ir() {
  local case=$1 r=$2 port file
  trap stop_all EXIT   # this runs in a $( ) subshell, which does not inherit the script's trap
  port=$(free_port)
  file="$OUT/callgrind.$case.$r.out"
  # shellcheck disable=SC2086  # command lines
  start_target "$port" "$OUT/$case.$r.log" valgrind --tool=callgrind --callgrind-out-file="$file" $SERVER_CMD $SERVER_ARGS
  case $case in
    new) register "$port" "$DIRTY_TS" "$r" "$r" ;;
    again)
      register "$port" "$DIRTY_TS" "$REG_N" "$REG_N"
      register "$port" "$((DIRTY_TS + 1))" "$REG_N" "$r"
      ;;
    *) die "unknown case $case" ;;
  esac
  stop_pid "$TARGET_PID"
  [ "$STOP_STATUS" = 0 ] || die "server exited with status $STOP_STATUS on SIGTERM; callgrind needs a clean exit"
  [ -s "$file" ] || die "callgrind wrote no $file"
  awk '/^summary:/ { print $2; found = 1 } END { exit !found }' "$file" || die "no summary line in $file"
}

declare -A IR
REPORT="$OUT/report.md"
{
  echo "Instructions (callgrind Ir) per registration = (Ir(R=$R_LONG) - Ir(R=$R_SHORT)) / $((R_LONG - R_SHORT));"
  echo "$CG_CONNS keep-alive connections, $CG_DEPTH request(s) in flight each; ~1.1 KB JSON bodies over $REG_APPS apps."
  echo
  echo "| case | Ir, $R_SHORT registrations | Ir, $R_LONG registrations | Ir per registration |"
  echo "|---|---|---|---|"
} >"$REPORT"
for case in $CASES; do
  for r in "$R_SHORT" "$R_LONG"; do
    log "callgrind: $case, $r registrations"
    IR[$case.$r]=$(total_ir "$case" "$r")
    log "callgrind: $case, $r registrations: ${IR[$case.$r]} Ir"
  done
  per=$(awk -v l="${IR[$case.$R_LONG]}" -v s="${IR[$case.$R_SHORT]}" -v d=$((R_LONG - R_SHORT)) 'BEGIN { printf "%.0f", (l - s) / d }')
  label=$([ "$case" = new ] && echo "new instance" || echo "re-registration ($REG_N registered first)")
  echo "| $label | ${IR[$case.$R_SHORT]} | ${IR[$case.$R_LONG]} | $per |" >>"$REPORT"
done
cat "$REPORT"

if [ "$RECORD" = 1 ]; then
  {
    echo
    echo "## $(date '+%Y-%m-%d %H:%M %Z') callgrind-register.sh"
    echo
    echo "- Machine: $(machine_shape); valgrind $(valgrind --version)"
    echo "- Command: \`$(command_line callgrind-register.sh)\`"
    echo
    cat "$REPORT"
  } >>"$BENCH_DIR/RESULTS.md"
  log "appended to bench/RESULTS.md"
fi
log "callgrind files in ${OUT#$REPO_DIR/} (callgrind_annotate --inclusive=yes FILE shows where the instructions go)"
