#!/usr/bin/env bash
# What peer replication costs in instructions (callgrind Ir), on the sending and on the receiving node.
#
# Like callgrind.sh, every figure is the difference of two fresh runs under valgrind --tool=callgrind, one with a
# short and one with a long load, so start-up, preload and shutdown cancel out. Three cases, each run twice:
#
#   standalone  the server alone, no peers; K_SHORT and K_LONG direct heartbeats (bin/heartbeats, round-robin over
#               the INSTANCES preloaded instances, CG_CONNS connections with CG_DEPTH request(s) in flight each):
#               Ir per direct heartbeat, the unit of the ratios below.
#   sender      the same server and load, with two peers configured (--eureka.client.service-url.defaultZone
#               listing all three nodes). The peers are plain release eureka-server processes, not under valgrind,
#               pinned to PEER_CORE (the load generator's core), fresh for every run. The preload's registrations
#               and every heartbeat go to both peers as batch items (spec 7.6: up to 250 items, 500 ms batching
#               delay, one batch in flight per peer), so the encoding and the HTTP exchange of the batches are in the
#               run. Ir per heartbeat per peer = (Ir/heartbeat(sender) - Ir/heartbeat(standalone)) / 2.
#   receiver    the server alone, receiving B_SHORT and B_LONG batches of BATCH_ITEMS Heartbeat items for its
#               preloaded instances (bin/batches, one connection, one batch in flight): Ir per item.
#
# After the load each run waits SETTLE seconds (the last batches leave within ~1 s), reads GET /metrics once and
# checks that nothing was dropped, retried or lost: the sender must have sent exactly INSTANCES + K items to each
# peer (every heartbeat replicated once, none merged with a pending one: the round-robin over INSTANCES brings an
# instance back only after INSTANCES heartbeats, seconds later under callgrind), and each peer must have received
# them. Then the function-level difference (sender - standalone, long - short) from callgrind_annotate lists where
# the replication instructions go.
#
# Settings (environment): K_SHORT=20000 K_LONG=40000 heartbeats; B_SHORT=80 B_LONG=160 batches; BATCH_ITEMS=250;
# CG_CONNS=8 CG_DEPTH=1; INSTANCES=10000 APPS=100; SETTLE=3; CASES="standalone sender receiver"; TOP=10
# functions listed; PEER_CORE (default: the client core); SERVER_CMD, SERVER_ARGS, BUILD_SERVER as in run.sh;
# RECORD=0 to skip RESULTS.md.
set -euo pipefail

SETTING_NAMES="K_SHORT K_LONG B_SHORT B_LONG BATCH_ITEMS CG_CONNS CG_DEPTH SETTLE CASES TOP PEER_CORE BUILD_SERVER"
. "$(dirname "$0")/lib.sh"

K_SHORT=${K_SHORT:-20000}
K_LONG=${K_LONG:-40000}
B_SHORT=${B_SHORT:-80}
B_LONG=${B_LONG:-160}
BATCH_ITEMS=${BATCH_ITEMS:-250}
CG_CONNS=${CG_CONNS:-8}
CG_DEPTH=${CG_DEPTH:-1}
SETTLE=${SETTLE:-3}
CASES=${CASES:-standalone sender receiver}
TOP=${TOP:-10}
PEER_CORE=${PEER_CORE:-$CLIENT_CORE}
RECORD=${RECORD:-1}
READY_TIMEOUT=${READY_TIMEOUT:-180}   # a Swift binary starts slowly under valgrind
[ "$PLUMBING" = 1 ] && die "PLUMBING=1 is not supported here: the reference does not replicate"

callgrind_setup callgrind-replication
command -v callgrind_annotate >/dev/null || die "callgrind_annotate not found (valgrind)"

# check_batch PORT: send one batch (bin/batches -x 0) on a fresh connection; print how many items answered 200.
check_batch() {
  "$BIN/batches" -p "$1" -n "$INSTANCES" -m "$APPS" -P "$PREFIX" -t "$DIRTY_TS" -b "$BATCH_ITEMS" -x 0 >"$OUT/batch.req"
  python3 - "$1" "$OUT/batch.req" <<'EOF'
import re, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=120)
s.sendall(open(sys.argv[2], "rb").read())
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    m = re.search(rb"content-length: *(\d+)", head, re.I)
    if m and len(body) >= int(m.group(1)):
        break
print(body.count(b'"statusCode":200'))
EOF
}

demangle() { if command -v swift-demangle >/dev/null; then swift-demangle --simplified; else cat; fi; }

# stages LONG_PROFILE SHORT_PROFILE UNITS FUNCTION...: a Markdown table of each FUNCTION's inclusive Ir (callgrind_annotate
# --inclusive=yes, demangled; the largest of its entries, which are split by source file) in the long profile minus
# the short one, divided by UNITS. Inclusive figures of nested functions overlap; a function absent shows 0.
stages() {
  local long=$1 short=$2 units=$3 f
  shift 3
  for f in "$long" "$short"; do
    callgrind_annotate --inclusive=yes --auto=no --threshold=100 "$f" 2>/dev/null | sed -E 's/ \[[^]]*\]$//' | demangle \
      >"$f.inclusive.txt"
  done
  echo "| function | inclusive Ir per unit |"
  echo "|---|---|"
  for f in "$@"; do
    awk -v fn="$f" '
      FNR == 1 { file++ }
      /^ *[0-9][0-9,]* / {
        ir = $1; gsub(/,/, "", ir); l = $0; sub(/^ *[0-9][0-9,]* +(\([^)]*\) +)?/, "", l); sub(/^[^:]*:/, "", l)
        if (l == fn && ir + 0 > m[file]) m[file] = ir + 0
      }
      END { printf "%.0f\n", m[1] - m[2] }' "$long.inclusive.txt" "$short.inclusive.txt" |
      awk -v fn="$f" -v u="$units" '{ printf "| `%s` | %.0f |\n", fn, $1 / u }'
  done
}

# run_case CASE N: one fresh run under callgrind; sets IR[CASE.N]. N is heartbeats (standalone, sender) or
# batches (receiver).
declare -A IR
run_case() {
  local case=$1 n=$2 port p2 p3 peer_pids="" file urls="" args
  read -r port p2 p3 < <(distinct_ports)
  file="$OUT/callgrind.$case.$n.out"
  args="$SERVER_ARGS $REPLICATION_NODE_ARGS"
  if [ "$case" = sender ]; then
    urls="http://127.0.0.1:$port/eureka/,http://127.0.0.1:$p2/eureka/,http://127.0.0.1:$p3/eureka/"
    for p in $p2 $p3; do
      # shellcheck disable=SC2086  # command lines
      TARGET_CORE=$PEER_CORE start_target "$p" "$OUT/peer-$p.$n.log" $SERVER_CMD $args \
        "--eureka.client.service-url.defaultZone=$urls"
      peer_pids="$peer_pids $TARGET_PID"
    done
    args="$args --eureka.client.service-url.defaultZone=$urls"
  fi
  # shellcheck disable=SC2086  # command lines
  start_target "$port" "$OUT/$case.$n.log" valgrind --tool=callgrind --callgrind-out-file="$file" $SERVER_CMD $args
  local srv_pid=$TARGET_PID
  preload "$port" "$REGISTER_STATUS"
  sleep "$SETTLE"   # the preload's registrations leave for the peers before the heartbeats start
  if [ "$case" = receiver ]; then
    local ok
    ok=$(check_batch "$port")
    [ "$ok" = "$BATCH_ITEMS" ] || die "receiver: only $ok of $BATCH_ITEMS items of a test batch answered 200"
    timeout 900 taskset -c "$CLIENT_CORE" "$BIN/batches" -p "$port" -n "$INSTANCES" -m "$APPS" -P "$PREFIX" \
      -t "$DIRTY_TS" -b "$BATCH_ITEMS" -k "$n" -c 1 -d 1 -T 600 || die "batches to the receiver failed"
  else
    timeout 900 taskset -c "$CLIENT_CORE" "$BIN/heartbeats" -p "$port" -n "$INSTANCES" -m "$APPS" -P "$PREFIX" \
      -t "$DIRTY_TS" -k "$n" -c "$CG_CONNS" -d "$CG_DEPTH" -T 600 || die "heartbeats to the $case failed"
  fi
  sleep "$SETTLE"
  local m="$OUT/metrics.$case.$n.txt"
  save_metrics "$port" "$m"
  if [ "$case" = sender ]; then
    local want=$((INSTANCES + n)) sent dropped retried unsuccessful depth received
    for p in $p2 $p3; do
      save_metrics "$p" "$OUT/metrics.peer-$p.$n.txt"
      sent=$(metric "$m" eureka_replication_items_sent_total ":$p/")
      dropped=$(metric "$m" eureka_replication_dropped_total ":$p/")
      retried=$(metric "$m" eureka_replication_retries_total ":$p/")
      depth=$(metric "$m" eureka_replication_queue_depth ":$p/")
      unsuccessful=$(( $(metric "$m" eureka_replication_outcomes_total ":$p/") \
                       - $(metric "$m" eureka_replication_outcomes_total ":$p/" 'outcome="success"') ))
      received=$(metric "$OUT/metrics.peer-$p.$n.txt" eureka_replication_items_received_total)
      log "sender, $n heartbeats, peer :$p: $sent items sent (want $want), $received received, $dropped dropped," \
        "$retried retried, $unsuccessful unsuccessful batches, $depth still queued"
      echo "sender $n heartbeats, peer $((p == p2 ? 1 : 2)): items sent=$sent (INSTANCES + K = $want) received=$received" \
        "dropped=$dropped retried=$retried unsuccessful_batches=$unsuccessful queued=$depth" \
        "batches=$(metric "$m" eureka_replication_batches_sent_total ":$p/")" >>"$OUT/replication-counters.txt"
      [ "$sent" = "$want" ] && [ "$received" = "$want" ] && [ "$dropped" = 0 ] && [ "$retried" = 0 ] \
        && [ "$unsuccessful" = 0 ] && [ "$depth" = 0 ] \
        || die "sender, $n heartbeats, peer :$p: not every heartbeat was replicated exactly once (see above)"
    done
  elif [ "$case" = receiver ]; then
    local items
    items=$(metric "$m" eureka_replication_items_received_total)
    [ "$items" = $(( (n + 1) * BATCH_ITEMS )) ] || die "receiver got $items items, expected $(( (n + 1) * BATCH_ITEMS ))"
  fi
  stop_pid "$srv_pid"
  [ "$STOP_STATUS" = 0 ] || die "$case exited with status $STOP_STATUS on SIGTERM; callgrind needs a clean exit"
  for p in $peer_pids; do stop_pid "$p"; done
  [ -s "$file" ] || die "callgrind wrote no $file"
  IR[$case.$n]=$(awk '/^summary:/ { print $2; found = 1 } END { exit !found }' "$file") || die "no summary in $file"
  log "callgrind: $case, $n: ${IR[$case.$n]} Ir"
}

for case in $CASES; do
  if [ "$case" = receiver ]; then sizes="$B_SHORT $B_LONG"; else sizes="$K_SHORT $K_LONG"; fi
  for n in $sizes; do
    log "callgrind: $case, $n $([ "$case" = receiver ] && echo batches || echo heartbeats)"
    run_case "$case" "$n"
  done
done

# per_unit CASE SHORT LONG UNITS_PER_STEP: (Ir(long) - Ir(short)) / ((long - short) * units).
per_unit() {
  awk -v l="${IR[$1.$3]}" -v s="${IR[$1.$2]}" -v d=$(( ($3 - $2) * $4 )) 'BEGIN { printf "%.0f", (l - s) / d }'
}
has() { [ -n "${IR[$1.$2]:-}" ] && [ -n "${IR[$1.$3]:-}" ]; }

REPORT="$OUT/report.md"
{
  echo "Instructions (callgrind Ir), each the difference of a short and a long run of a fresh process."
  echo "$INSTANCES instances preloaded over $APPS apps; direct heartbeats round-robin over them on $CG_CONNS keep-alive"
  echo "connections, $CG_DEPTH request(s) in flight each; batches of $BATCH_ITEMS Heartbeat items on one connection."
  echo
  echo "| case | short run | long run | Ir, short | Ir, long | Ir per unit |"
  echo "|---|---|---|---|---|---|"
  for case in standalone sender; do
    has "$case" "$K_SHORT" "$K_LONG" || continue
    echo "| $case | $K_SHORT heartbeats | $K_LONG heartbeats | ${IR[$case.$K_SHORT]} | ${IR[$case.$K_LONG]} |" \
      "$(per_unit "$case" "$K_SHORT" "$K_LONG" 1) per heartbeat |"
  done
  if has receiver "$B_SHORT" "$B_LONG"; then
    echo "| receiver | $B_SHORT batches | $B_LONG batches | ${IR[receiver.$B_SHORT]} | ${IR[receiver.$B_LONG]} |" \
      "$(per_unit receiver "$B_SHORT" "$B_LONG" "$BATCH_ITEMS") per item |"
  fi
  echo
  if has standalone "$K_SHORT" "$K_LONG"; then
    direct=$(per_unit standalone "$K_SHORT" "$K_LONG" 1)
    if has sender "$K_SHORT" "$K_LONG"; then
      sender=$(per_unit sender "$K_SHORT" "$K_LONG" 1)
      per_peer=$(awk -v a="$sender" -v b="$direct" 'BEGIN { printf "%.0f", (a - b) / 2 }')
      echo "- Sender, per replicated heartbeat per peer: ($sender - $direct) / 2 = **$per_peer Ir**," \
        "**$(awk -v a="$per_peer" -v b="$direct" 'BEGIN { printf "%.2f", a / b }')x** a direct heartbeat (goal <= 0.3x)."
    fi
    if has receiver "$B_SHORT" "$B_LONG"; then
      item=$(per_unit receiver "$B_SHORT" "$B_LONG" "$BATCH_ITEMS")
      echo "- Receiver, per Heartbeat item of a $BATCH_ITEMS-item batch: **$item Ir**," \
        "**$(awk -v a="$item" -v b="$direct" 'BEGIN { printf "%.2f", a / b }')x** a direct heartbeat (goal <= 0.5x)."
    fi
  fi
  if [ -s "$OUT/replication-counters.txt" ]; then
    echo
    echo "Replication counters at the end of each sender run (GET /metrics of the sender; \"received\" from the peer):"
    echo
    echo '```'
    cat "$OUT/replication-counters.txt"
    echo '```'
  fi
} >"$REPORT"

# Where the replication instructions go: exclusive Ir per function, (sender long - sender short) - (standalone long
# - standalone short), divided by the extra heartbeats and by 2 peers: Ir per replicated heartbeat per peer.
if has standalone "$K_SHORT" "$K_LONG" && has sender "$K_SHORT" "$K_LONG"; then
  for f in standalone.$K_SHORT standalone.$K_LONG sender.$K_SHORT sender.$K_LONG; do
    callgrind_annotate --threshold=100 --inclusive=no --auto=no "$OUT/callgrind.$f.out" >"$OUT/annotate.$f.txt" 2>/dev/null
  done
  callgrind_annotate --threshold=99 --inclusive=yes --auto=no "$OUT/callgrind.sender.$K_LONG.out" >"$OUT/annotate-inclusive.sender.$K_LONG.txt" 2>/dev/null
  # The function table: "123,456 (12.34%)  file:function [object]" (the object only where it changes), after the
  # "Ir  file:function" heading. Functions are keyed by name alone (no file, no object).
  awk -v dk=$((K_LONG - K_SHORT)) '
    FNR == 1 { file++; table = 0 }
    /file:function/ { table = 1; next }
    table && /^ *[0-9][0-9,]* / {
      ir = $1; gsub(/,/, "", ir)
      f = $0; sub(/^ *[0-9][0-9,]* +(\([^)]*\) +)?/, "", f); sub(/ \[[^]]*\]$/, "", f); sub(/^[^:]*:/, "", f)
      d[f] += ((file == 1 || file == 4) ? 1 : -1) * ir   # sender long - sender short - standalone long + short
    }
    END { for (k in d) if (d[k] / dk / 2 >= 1) printf "%.1f\t%s\n", d[k] / dk / 2, k }
  ' "$OUT/annotate.sender.$K_LONG.txt" "$OUT/annotate.sender.$K_SHORT.txt" \
    "$OUT/annotate.standalone.$K_LONG.txt" "$OUT/annotate.standalone.$K_SHORT.txt" |
    sort -t$'\t' -k1,1 -g -r >"$OUT/replication-functions.tsv"
  {
    echo
    echo "Top $TOP functions of the replication path on the sender: exclusive Ir per replicated heartbeat per peer,"
    echo "from \`callgrind_annotate --inclusive=no\` of the four sender/standalone profiles,"
    echo "((sender $K_LONG − sender $K_SHORT) − (standalone $K_LONG − standalone $K_SHORT)) / $((K_LONG - K_SHORT)) / 2"
    echo "(names demangled with \`swift-demangle --simplified\`):"
    echo
    echo "| # | Ir / heartbeat / peer | function |"
    echo "|---|---|---|"
    head -n "$TOP" "$OUT/replication-functions.tsv" | demangle |
      awk -F'\t' '{ f = $2; gsub(/\|/, "\\|", f); if (length(f) > 160) f = substr(f, 1, 157) "..."; printf "| %d | %s | `%s` |\n", NR, $1, f }'
    echo
    echo "Sum of all positive differences: $(awk -F'\t' '{ t += $1 } END { printf "%.0f", t }' "$OUT/replication-functions.tsv") Ir."
    echo
    echo "The sender's replication by stage: inclusive Ir of its entry points per replicated heartbeat per peer,"
    echo "(sender $K_LONG − sender $K_SHORT) / $((K_LONG - K_SHORT)) / 2 (these functions run only when there are peers;"
    echo "nested ones overlap: \`handle\` is the submit path, \`pump\` forms, encodes and writes batches, \`finished\` reads"
    echo "the reply):"
    echo
    stages "$OUT/callgrind.sender.$K_LONG.out" "$OUT/callgrind.sender.$K_SHORT.out" $(( (K_LONG - K_SHORT) * 2 )) \
      'Replicator.handle(_:)' 'TaskAcceptor.accept(_:)' 'TaskAcceptor.head.getter' 'PeerNode.pump()' \
      'BatchDispatcher.nextBatch(now:)' 'ReplicationTask.item(current:)' \
      'specialized static ReplicationListCodec.encodeRequest(_:)' 'HTTPPeerTransport.sendBatch(_:completion:)' \
      'PeerNode.finished(_:_:)' 'specialized static ReplicationListCodec.decodeReply(_:now:)' 'PeerNode.reconcile(_:_:)'
  } >>"$REPORT"
fi
if has receiver "$B_SHORT" "$B_LONG"; then
  {
    echo
    echo "The receiver by stage: inclusive Ir per Heartbeat item, (receiver $B_LONG − receiver $B_SHORT) /"
    echo "$(( (B_LONG - B_SHORT) * BATCH_ITEMS )) (nested functions overlap):"
    echo
    stages "$OUT/callgrind.receiver.$B_LONG.out" "$OUT/callgrind.receiver.$B_SHORT.out" $(( (B_LONG - B_SHORT) * BATCH_ITEMS )) \
      'EurekaAPI.peerReplicationBatch(_:)' 'specialized static ReplicationListCodec.decode(_:now:)' \
      'specialized static JSONReader.parse(_:)' 'EurekaAPI.apply(_:)' \
      'InstanceRegistry.renew(app:id:lastDirtyTimestamp:overriddenStatus:isReplication:)' \
      'specialized static ReplicationListCodec.encode(_:)' 'http_parser_execute'
  } >>"$REPORT"
fi
cat "$REPORT"

if [ "$RECORD" = 1 ]; then
  {
    echo
    echo "## $(date '+%Y-%m-%d %H:%M %Z') callgrind-replication.sh"
    echo
    echo "- Machine: $(machine_shape); valgrind $(valgrind --version)"
    echo "- Command: \`$(command_line callgrind-replication.sh)\`"
    echo "- Server under callgrind on core $TARGET_CORE; load generators on core $CLIENT_CORE; peers (plain release" \
      "eureka-server, fresh per run) on core $PEER_CORE; every node: \`$REPLICATION_NODE_ARGS\`"
    echo
    cat "$REPORT"
  } >>"$BENCH_DIR/RESULTS.md"
  log "appended to bench/RESULTS.md"
fi
log "callgrind files in ${OUT#$REPO_DIR/} (callgrind_annotate FILE shows where the instructions go)"
