#!/usr/bin/env bash
# The Swift test suite under one sanitizer: `thread` (build in .build-tsan) or `address` (.build-asan). Extra
# arguments go to `swift test` (e.g. --filter Cache). A sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: sanitize.sh thread|address [swift test arguments]}
shift
case "$kind" in
  thread) dir=.build-tsan ;;
  address) dir=.build-asan ;;
  *) echo "sanitize.sh: thread or address, not $kind" >&2; exit 2 ;;
esac
# Sanitizer reports carry their own stacks; the Swift backtracer would only fork a helper on top.
export SWIFT_BACKTRACE=enable=no
# TSan exits 66 after the run if it reported anything; suppressions (each with its reason) in scripts/tsan.supp.
export TSAN_OPTIONS="suppressions=$PWD/scripts/tsan.supp second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
# Leak checking is off. A stopped node frees its registry and cache (NodeReleaseTests), and the fixtures' registries
# are freed too (RegistryHarness.deinit); what LeakSanitizer still lists at exit (18 KB in 46 blocks) is XCTest's and
# Foundation's own blocks (FileManager.contents, Process) and two fixtures: a CacheHarness whose manual runner keeps a
# build that was never finished, and one HeldReplyServer. This run is for memory errors; ASAN_OPTIONS=detect_leaks=1
# shows the list.
export ASAN_OPTIONS="halt_on_error=1 detect_leaks=0 ${ASAN_OPTIONS:-}"
# The tests' blocking clients wait this many times longer for a reply (Tests/ServerTests/Support/RawClient.swift).
export EUREKA_TEST_TIMEOUT_SCALE=${EUREKA_TEST_TIMEOUT_SCALE:-3}
# Tests that bound loop CPU time (HostileInputLoopTests) skip themselves: a sanitizer's 5-15x slowdown says nothing
# about what a request costs the loop in a real build.
export EUREKA_SANITIZER=$kind
started=$(date +%s)
# (pipefail: the build's status; ld.gold's per-symbol "Cannot export" warnings for the ASan runtime are dropped)
swift build --build-tests --sanitize="$kind" --build-path "$dir" 2>&1 | { grep -v "Cannot export local symbol" || true; }
built=$(date +%s)
swift test --skip-build --sanitize="$kind" --build-path "$dir" "$@"
echo "sanitize.sh $kind: build $((built - started))s, tests $(($(date +%s) - built))s"
