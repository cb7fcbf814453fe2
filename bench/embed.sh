#!/usr/bin/env bash
# The C embedding benchmark (bench/embed_bench.c): builds and installs the release libraries into a scratch
# prefix, compiles the benchmark with -O2 against the installed shared library through pkg-config, and runs it
# pinned to one core when taskset is there. Arguments go to embed_bench: [INSTANCES [RENEWALS_PER_ROUND [ROUNDS
# [READS_PER_ROUND]]]] (10000 5000000 5 20).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
prefix="$root/.build/embed-prefix"
"$root/scripts/clib.sh" install "$prefix" release >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
mkdir -p "$here/bin"
cc -std=c99 -O2 -Wall -Wextra "$here/embed_bench.c" -o "$here/bin/embed_bench" $(pkg-config --cflags --libs eureka-server)
pin=()
command -v taskset >/dev/null && pin=(taskset -c 1)
"${pin[@]}" "$here/bin/embed_bench" "$@"
