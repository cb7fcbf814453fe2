#!/usr/bin/env bash
# The dependency arrows of STYLE.md §3 that the compiler cannot enforce: the domain, the codecs and replication know
# nothing of HTTP or the loop (nor does Persist/, the snapshot file); only Loop/ imports libuv, only HTTP/ imports
# http_parser, only Gzip and the snapshot checksum zlib, only Embed/ the C API header.
cd "$(dirname "$0")/.." || exit 2
problems=""
for dir in Model Registry Codec Config Support Replication Log Persist; do
  hits=$(grep -rnwE 'Request|Response|EventLoop|LoopTimer|TCPStream|HTTPServer|ServerConnection' "Sources/Server/$dir" | grep -vE ':[0-9]+:\s*//')
  [ -n "$hits" ] && problems+="Sources/Server/$dir names an HTTP or loop type:"$'\n'"$hits"$'\n'
done
for pair in "CLibUV:/Loop/" "CHTTPParser:/HTTP/" "CZlib:/Codec/Gzip.swift|/Persist/SnapshotChecksum.swift" "CEurekaServer:/Embed/"; do
  module=${pair%%:*}; allowed=${pair#*:}
  hits=$(grep -rlE "^import $module" Sources/Server | grep -vE "$allowed")
  [ -n "$hits" ] && problems+="import $module outside $allowed:"$'\n'"$hits"$'\n'
done
if [ -n "$problems" ]; then
  printf 'layering violations:\n%s' "$problems"
  exit 1
fi
echo "layering: ok"
