#!/bin/sh
# The physical floor of the change stream's fan-out on this machine (issue 20, docs/change-stream.md): one
# thread writing one ~200-byte event to each of 10,000 loopback TCP connections, a receiver in another process
# on the other core. Variants: TCP_NODELAY on and off, several events per writev(), the sender and receiver on
# the same core. Builds tools/fanout_floor.c with gcc; not part of CI. Prints each variant's figures.
#   bench/fanout-floor.sh [N] [ROUNDS]
set -eu
cd "$(dirname "$0")"
N=${1:-10000}
ROUNDS=${2:-30}
mkdir -p bin
gcc -O2 -g -Wall -Wextra -std=gnu11 -o bin/fanout_floor tools/fanout_floor.c
run() { echo "\$ bench/bin/fanout_floor $*"; ./bin/fanout_floor "$@"; echo; }
run -n "$N" -r "$ROUNDS" -b 200 -k 1 -d 1
run -n "$N" -r "$ROUNDS" -b 200 -k 1 -d 0
run -n "$N" -r "$ROUNDS" -b 200 -k 4 -d 1
run -n "$N" -r "$ROUNDS" -b 200 -k 16 -d 1
run -n "$N" -r "$ROUNDS" -b 200 -k 1 -d 1 -s 0 -c 0
