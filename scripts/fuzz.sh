#!/usr/bin/env bash
# Builds the libFuzzer binary (Fuzz/Harness: debug, -sanitize=fuzzer,address, in .build-fuzz) and runs each target
# named (default: all) for FUZZ_SECONDS seconds, starting from its committed corpus (Fuzz/corpus/<target>). New inputs
# go to .build-fuzz/corpus/<target>, not into the repository; a crash leaves .build-fuzz/artifacts/<target>-crash-*
# and fails the run. Prints the executions per target at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-300}
all=(request response instance-json instance-xml replication router)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

# The sanitizers go in as one -Xswiftc -sanitize=fuzzer,address: SwiftPM passes its --sanitize options to the compiler
# as separate flags in varying order and the last one wins, which left objects without coverage or without ASan.
# --sanitize=fuzzer stays so that SwiftPM links libFuzzer's main instead of renaming ours.
build=(swift build --build-path .build-fuzz --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
       --product eureka-fuzz)
mkdir -p .build-fuzz/logs
# ld.gold warns once per ASan symbol it cannot export; the warnings say nothing about our code.
if ! "${build[@]}" >.build-fuzz/logs/build.log 2>&1; then
  grep -v "Cannot export local symbol" .build-fuzz/logs/build.log
  exit 1
fi
binary="$("${build[@]}" --show-bin-path)/eureka-fuzz"

dictionary() {
  case "$1" in
    request|response) echo Fuzz/dict/http.dict ;;
    instance-json|replication) echo Fuzz/dict/json.dict ;;
    instance-xml) echo Fuzz/dict/xml.dict ;;
    router) echo Fuzz/dict/url.dict ;;
  esac
}

mkdir -p .build-fuzz/artifacts .build-fuzz/logs
summary=""
status=0
for target in "${targets[@]}"; do
  mkdir -p ".build-fuzz/corpus/$target"
  log=".build-fuzz/logs/$target.log"
  echo "fuzz: $target for ${seconds}s"
  # The Swift backtracer would fork a helper on each crash; libFuzzer prints its own report.
  if SWIFT_BACKTRACE=enable=no FUZZ_TARGET="$target" "$binary" ".build-fuzz/corpus/$target" "Fuzz/corpus/$target" \
      -dict="$(dictionary "$target")" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix=".build-fuzz/artifacts/$target-" >"$log" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
    grep -v "^#" "$log" | tail -60
  fi
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  summary+=$(printf '%-14s %-7s %12s executions %8s/s' "$target" "$result" "${executions:-?}" "${rate:-?}")$'\n'
done
printf '\nfuzz summary (%ss per target):\n%s' "$seconds" "$summary"
exit $status
