#!/usr/bin/env bash
# The eureka-server executable to install on machines without a Swift toolchain (`make install`, `make deb`):
# the very objects `swift build -c release` compiles, linked again with the Swift runtime and Foundation (which Yams
# needs) statically, then stripped -> .build/dist/eureka-server. At run time it needs only libc, libstdc++,
# libgcc_s, libuv, http_parser and zlib.
# Why not `swift build -c release --static-swift-stdlib`: that flag changes every compile command, so it recompiles
# every module a second time (212 s on the 2-core build machine) where this link takes seconds and reuses what
# `make build` and `make test` already compiled.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/.build/dist"
cd "$root"
swift build -c release --product eureka-server
bin=$(swift build -c release --show-bin-path)
mkdir -p "$out"
# The link SwiftPM runs for the product (its --defsym renames the executable module's entry point to main), with
# -static-stdlib. The Foundation archives name only part of their own dependencies in autolink entries
# (CoreFoundation comes from a module map at compile time), so a static link must list them.
swiftc -static-stdlib -emit-executable -o "$out/eureka-server.tmp" \
  -Xlinker --gc-sections -Xlinker --defsym -Xlinker main=eureka_server_main \
  "@$bin/eureka-server.product/Objects.LinkFileList" -luv -lz \
  -lFoundationEssentials -lFoundationInternationalization -lCoreFoundation -l_FoundationICU \
  -l_FoundationCShims -l_FoundationCollections -lswiftSynchronization
strip "$out/eureka-server.tmp"
mv "$out/eureka-server.tmp" "$out/eureka-server"
if ldd "$out/eureka-server" | grep -q 'libswift\|libFoundation\|libdispatch'; then
  echo "$out/eureka-server still loads a Swift runtime library:" >&2
  ldd "$out/eureka-server" >&2
  exit 1
fi
echo "built $out/eureka-server ($(($(stat -c %s "$out/eureka-server") / 1024 / 1024)) MiB, Swift runtime linked in)"
