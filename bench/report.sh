#!/usr/bin/env bash
# report.sh ROUNDS_TSV: the Markdown report of one run.sh run: medians per scenario and target, the server /
# reference ratio of each median, then every round's raw figures. BASE_TARGET and TEST_TARGET (default reference and
# server) name the two targets of the rounds file when a script compares others (replication-throughput.sh).
set -euo pipefail
tsv=$1

awk -F'\t' -v base="${BASE_TARGET:-reference}" -v test="${TEST_TARGET:-server}" '
function median(key,    n, i, j, v, tmp) {
  n = count[key]
  for (i = 1; i <= n; i++) v[i] = vals[key, i]
  for (i = 2; i <= n; i++) { tmp = v[i]; for (j = i - 1; j >= 1 && v[j] > tmp; j--) v[j + 1] = v[j]; v[j + 1] = tmp }
  if (n == 0) return ""
  return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function ratio(a, b) { return (a == "" || b == "" || a + 0 == 0) ? "n/a" : sprintf("%.2f", b / a) }
NR == 1 { next }
{
  if (!($1 in seen)) { seen[$1] = 1; order[++scenarios] = $1 }
  for (m = 5; m <= 9; m++) { key = $1 SUBSEP $3 SUBSEP m; vals[key, ++count[key]] = $m }
  rounds[$1] = $2 > rounds[$1] ? $2 : rounds[$1]
  raw[NR] = $0
}
END {
  name[5] = "req/s"; name[6] = "p50 latency (us)"; name[7] = "p99 latency (us)"
  name[8] = "CPU us/request"; name[9] = "CPU % of a core"
  if (base == "reference" && test == "server") {
    print "Medians over the rounds; ratio = server / reference (req/s: higher is better for the server at ~1.0;"
    print "latency and CPU us/request: lower is better, the reference is the floor)."
  } else {
    print "Medians over the rounds; ratio = " test " / " base "."
  }
  print ""
  print "| scenario | rounds | metric | " base " | " test " | " test "/" base " |"
  print "|---|---|---|---|---|---|"
  for (s = 1; s <= scenarios; s++) {
    sc = order[s]
    for (m = 5; m <= 9; m++) {
      r = median(sc SUBSEP base SUBSEP m); v = median(sc SUBSEP test SUBSEP m)
      printf "| %s | %d | %s | %s | %s | %s |\n", sc, rounds[sc], name[m], r, v, ratio(r, v)
    }
  }
  print ""
  print "<details><summary>Raw rounds</summary>"
  print ""
  print "| scenario | round | target | requests | req/s | p50 us | p99 us | CPU us/req | CPU % | errors |"
  print "|---|---|---|---|---|---|---|---|---|---|"
  for (i = 2; i <= NR; i++) if (i in raw) { line = raw[i]; gsub(/\t/, " | ", line); print "| " line " |" }
  print ""
  print "</details>"
}' "$tsv"
