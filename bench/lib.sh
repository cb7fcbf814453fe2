# Shared by run.sh, callgrind.sh, memory.sh, check.sh and the replication scripts (sourced, not run).
#
# Conventions: targets (the reference and the server) run pinned to core 1 (TARGET_CORE), every load generator
# pinned to core 0 (CLIENT_CORE); only 127.0.0.1 is ever addressed; every process started here is stopped by its
# PID (stop_pid), also when a script fails half-way (the EXIT trap of the caller runs stop_all).

# given_settings NAME...: "NAME=value " for each NAME set in the environment.
given_settings() {
  local v
  for v in "$@"; do
    if printenv "$v" >/dev/null; then printf '%s=%q ' "$v" "$(printenv "$v")"; fi
  done
}

# Captured before any default below applies: the caller lists its knobs in SETTING_NAMES before sourcing.
SETTINGS_GIVEN=$(given_settings ${SETTING_NAMES:-} SERVER_CMD SERVER_ARGS PLUMBING INSTANCES APPS)

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
BIN="$BENCH_DIR/bin"

TARGET_CORE=${TARGET_CORE:-1}
CLIENT_CORE=${CLIENT_CORE:-0}
FD_LIMIT=${FD_LIMIT:-20000}

# The server under test: its command, and the settings it gets besides --server.port.
SERVER_CMD=${SERVER_CMD:-$REPO_DIR/.build/release/eureka-server}
SERVER_ARGS=${SERVER_ARGS:---server.address=127.0.0.1}
REF_CMD="$BIN/ref_server"

# PLUMBING=1: the reference stands in for the server too, to prove the suite itself (ratios must come out ~1.0).
# The reference answers 200 to everything, so what the server must answer 204 to is expected as 200 then.
PLUMBING=${PLUMBING:-0}
if [ "$PLUMBING" = 1 ]; then
  SERVER_CMD=$REF_CMD
  REGISTER_STATUS=200
else
  REGISTER_STATUS=204
fi

INSTANCES=${INSTANCES:-10000}
APPS=${APPS:-100}
PREFIX=${PREFIX:-bench}
DIRTY_TS=${DIRTY_TS:-1732440000000}
export INSTANCES APPS PREFIX DIRTY_TS

STARTED_PIDS=""

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Install the Debian packages the suite needs when something is missing.
ensure_deps() {
  local missing=""
  command -v wrk >/dev/null || missing="$missing wrk"
  command -v valgrind >/dev/null || missing="$missing valgrind"
  [ -e /usr/include/uv.h ] || missing="$missing libuv1-dev"
  [ -e /usr/include/http_parser.h ] || missing="$missing libhttp-parser-dev"
  command -v curl >/dev/null || missing="$missing curl"
  command -v taskset >/dev/null || missing="$missing util-linux"
  [ -z "$missing" ] && return 0
  log "missing:$missing; running install-deps.sh"
  "$BENCH_DIR/install-deps.sh" || die "install-deps.sh failed"
}

build_tools() {
  make -s -C "$BENCH_DIR" tools || die "building bench/bin failed"
}

# `swift build -c release` of the server, unless BUILD_SERVER=0 or the reference stands in for it.
build_server() {
  if [ "$PLUMBING" = 1 ] || [ "${BUILD_SERVER:-1}" = 0 ]; then return 0; fi
  log "swift build -c release"
  (cd "$REPO_DIR" && swift build -c release) || die "swift build failed"
}

raise_fd_limit() {
  ulimit -n "$FD_LIMIT" 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
}

# The start of every bench script: OUT and REPORT under out/NAME-<time>, every started process stopped on exit,
# packages, load tools and server built, the descriptor limit raised.
bench_setup() {
  OUT="$BENCH_DIR/out/$1-$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$OUT"
  REPORT="$OUT/report.md"
  trap stop_all EXIT
  ensure_deps
  build_tools
  build_server
  raise_fd_limit
}

# require_server [HINT]: stop here when the server command is missing (HINT: how to fix it) rather than at its start.
require_server() {
  [ -x "${SERVER_CMD%% *}" ] || die "server command not found: $SERVER_CMD${1:+ $1}"
}

# valgrind 3.19 (Debian 12) refuses the DWARF the Swift toolchain writes ("Possibly corrupted debuginfo file"):
# run a copy without debug sections. Symbols stay, so callgrind still names functions.
strip_for_valgrind() {
  local bin=${SERVER_CMD%% *} rest=""
  [ "$bin" = "$SERVER_CMD" ] || rest=" ${SERVER_CMD#* }"
  [ -x "$bin" ] || return 0
  strip --strip-debug -o "$OUT/eureka-server-nodebug" "$bin"
  SERVER_CMD="$OUT/eureka-server-nodebug$rest"
}

# callgrind_setup NAME [HINT]: what every callgrind script does before its runs: an output directory
# bench/out/NAME-<time> (in OUT), every target stopped on exit, the tools and the server built, the server's debug
# sections stripped for valgrind (strip_for_valgrind), and a check that the server command exists (HINT: how to fix it).
callgrind_setup() {
  OUT="$BENCH_DIR/out/$1-$(date +%Y%m%d-%H%M%S)"
  mkdir -p "$OUT"
  trap stop_all EXIT
  ensure_deps
  build_tools
  build_server
  strip_for_valgrind
  require_server "${2:-}"
}

# A port nobody listens on, below the ephemeral range so no client connection can be holding it.
free_port() {
  local p tries
  for tries in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}

# start_target PORT LOGFILE CMD [ARGS...]: start CMD --server.port=PORT ARGS pinned to the target core, with the
# fd limit raised; sets TARGET_PID. `exec` keeps the PID that of the target itself, not of a wrapper shell.
start_target() {
  local port=$1 logfile=$2
  shift 2
  (ulimit -n "$FD_LIMIT" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
   exec taskset -c "$TARGET_CORE" "$@" "--server.port=$port") >"$logfile" 2>&1 &
  TARGET_PID=$!
  STARTED_PIDS="$STARTED_PIDS $TARGET_PID"
  wait_ready "$port" "$TARGET_PID" "$logfile"
}

# Wait (at most READY_TIMEOUT seconds) until GET /eureka/status answers 200.
wait_ready() {
  local port=$1 pid=$2 logfile=$3 deadline=$((SECONDS + ${READY_TIMEOUT:-60}))
  while [ $SECONDS -lt $deadline ]; do
    kill -0 "$pid" 2>/dev/null || die "target (pid $pid) exited at start-up; see $logfile"
    if [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/eureka/status")" = 200 ]; then
      return 0
    fi
    sleep 0.2
  done
  die "target on port $port not ready after ${READY_TIMEOUT:-60} s; see $logfile"
}

# SIGTERM, then up to 30 s for a clean exit (valgrind needs it to write its output), then SIGKILL.
stop_pid() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid ignored SIGTERM for 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  STOP_STATUS=$?
  STARTED_PIDS=$(echo "$STARTED_PIDS" | tr ' ' '\n' | grep -vx "$pid" | tr '\n' ' ')
}

stop_all() {
  local pid
  for pid in $STARTED_PIDS; do stop_pid "$pid"; done
}

# utime + stime of a process (all its threads), in clock ticks.
cpu_ticks() {
  # Fields after the ")" that ends the command name: state is field 3, utime 14 and stime 15 of the whole line.
  sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

CLK_TCK=$(getconf CLK_TCK)

rss_kb() {
  awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# run_wrk PORT CONNS SECONDS SCRIPT [ENV=VALUE...]: wrk pinned to the client core, time-bounded twice (wrk -d and
# `timeout`); prints wrk's BENCH_RESULT line (see lua/common.lua).
run_wrk() {
  local port=$1 conns=$2 seconds=$3 script=$4
  shift 4
  env "$@" timeout $((seconds + 30)) taskset -c "$CLIENT_CORE" \
    wrk -t"${WRK_THREADS:-1}" -c"$conns" -d"${seconds}s" --timeout 5s -s "$BENCH_DIR/lua/$script" \
    "http://127.0.0.1:$port/" | grep '^BENCH_RESULT'
}

# field NAME LINE: the value of NAME=value in a BENCH_RESULT line.
field() {
  echo "$2" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'
}

# preload PORT EXPECTED_STATUS [preload options...]: register the heartbeat instances, pinned to the client core.
preload() {
  local port=$1 expect=$2
  shift 2
  timeout 300 taskset -c "$CLIENT_CORE" "$BIN/preload" -p "$port" -n "$INSTANCES" -m "$APPS" -P "$PREFIX" \
    -t "$DIRTY_TS" -e "$expect" -c 8 -d 16 -T 240 "$@" || die "preload to port $port failed"
}

machine_shape() {
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
}

# What a results section records as "the command": the settings given in the environment (captured by the script
# before its defaults applied, in SETTINGS_GIVEN) and the script, with this checkout's path written as <repo>.
command_line() {
  echo "${SETTINGS_GIVEN}bench/$1" | sed "s|$REPO_DIR|<repo>|g; s|$HOME|~|g"
}

# --- Replication (callgrind-replication.sh, replication-throughput.sh) ---

# Settings every node of a replication benchmark gets, standalone ones too (so a peer list is the only difference):
# one quick start-up sync attempt and no empty-sync 403 window, since the peers may not be up yet (as in
# propagation.py).
REPLICATION_NODE_ARGS="--eureka.server.registry-sync-retries=1 --eureka.server.registry-sync-retry-wait-ms=200 --eureka.server.wait-time-in-ms-when-sync-empty=0"

# Three distinct free ports, on one line: the nodes of a cluster, chosen before any starts (each needs the list).
distinct_ports() {
  local a b c
  a=$(free_port)
  b=$(free_port); while [ "$b" = "$a" ]; do b=$(free_port); done
  c=$(free_port); while [ "$c" = "$a" ] || [ "$c" = "$b" ]; do c=$(free_port); done
  echo "$a $b $c"
}

# metric FILE NAME [SUBSTRING...]: the sum of the samples of NAME in a saved GET /metrics answer, over all its label
# sets or over those containing every SUBSTRING (e.g. ":PORT/" for one peer's series).
metric() {
  local file=$1 name=$2
  shift 2
  awk -v n="$name" -v subs="$*" '
    BEGIN { k = split(subs, s, " ") }
    $1 == n || index($1, n "{") == 1 { for (i = 1; i <= k; i++) if (!index($1, s[i])) next; t += $2 }
    END { printf "%.0f", t }' "$file"
}

# save_metrics PORT FILE: GET /metrics into FILE.
save_metrics() {
  curl -s -m 30 -o "$2" "http://127.0.0.1:$1/metrics" || die "GET /metrics on port $1 failed"
}

# wait_drained PORT FILE [TIMEOUT_S=60]: poll GET /metrics (every 0.1 s) until no replication task is queued for any
# peer; leaves the last answer in FILE; prints the seconds waited.
wait_drained() {
  local port=$1 file=$2 limit=${3:-60} began=$EPOCHREALTIME
  while :; do
    save_metrics "$port" "$file"
    [ "$(metric "$file" eureka_replication_queue_depth)" = 0 ] && break
    awk -v b="$began" -v n="$EPOCHREALTIME" -v l="$limit" 'BEGIN { exit !(n - b > l) }' \
      && die "replication from port $port not drained after $limit s"
    sleep 0.1
  done
  awk -v b="$began" -v n="$EPOCHREALTIME" 'BEGIN { printf "%.1f", n - b }'
}

# record_round SCENARIO ROUND TARGET LINE TICKS: the figures of one wrk run (LINE, run_wrk's output) and the target's
# CPU ticks over it, appended to $ROUNDS_TSV in report.sh's format; sets ROUND_REQUESTS, ROUND_CPU_US, ROUND_CPU_PCT
# and ROUND_ERRORS for the caller's log line.
record_round() {
  local scenario=$1 round=$2 target=$3 line=$4 ticks=$5
  ROUND_REQUESTS=$(field requests "$line")
  ROUND_ERRORS=$(( $(field status_errors "$line") + $(field connect_errors "$line") + $(field read_errors "$line") \
                   + $(field write_errors "$line") + $(field timeouts "$line") ))
  ROUND_CPU_US=$(awk -v t="$ticks" -v hz="$CLK_TCK" -v n="$ROUND_REQUESTS" 'BEGIN { printf "%.2f", n ? t * 1e6 / hz / n : 0 }')
  ROUND_CPU_PCT=$(awk -v t="$ticks" -v hz="$CLK_TCK" -v d="$(field duration_us "$line")" \
    'BEGIN { printf "%.0f", t / hz / (d / 1e6) * 100 }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$round" "$target" "$ROUND_REQUESTS" \
    "$(field rps "$line")" "$(field p50_us "$line")" "$(field p99_us "$line")" "$ROUND_CPU_US" "$ROUND_CPU_PCT" \
    "$ROUND_ERRORS" >>"$ROUNDS_TSV"
}

# check_rounds: every round in $ROUNDS_TSV, smoke or not, must have moved requests without errors, or its figures
# mean nothing: the script fails naming the bad rounds.
check_rounds() {
  awk -F'\t' 'NR > 1 && ($4 == 0 || $10 != 0) { bad = 1; print "bad round: " $0 > "/dev/stderr" } END { exit bad }' \
    "$ROUNDS_TSV" || die "some rounds had no requests or had errors (see $ROUNDS_TSV)"
}
