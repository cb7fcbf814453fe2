#!/usr/bin/env bash
# The Debian packages the suite needs: wrk (with LuaJIT), libuv and http_parser headers for the reference and the
# tools, valgrind for callgrind.sh, curl for readiness probes, util-linux for taskset.
set -euo pipefail
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -qq
$sudo apt-get install -y wrk libuv1-dev libhttp-parser-dev valgrind gcc make curl util-linux
