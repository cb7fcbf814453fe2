#!/usr/bin/env bash
# The C embedding libraries (README "Embedding in C"), linked from the objects SwiftPM compiles for the
# Server target, so the C library and the Swift one are the same code:
#   libeureka-server.so.X.Y.Z  soname libeureka-server.so.X; exports only eureka_* (Embed/eureka-server.map);
#                              the Swift runtime linked in (-static-stdlib): needs only libc, libstdc++,
#                              libuv, http_parser and zlib at run time
#   libeureka-server.a         one prelinked object (Server + swiftrt.o + the Swift runtime archives) whose
#                              only global definitions are eureka_*; links with plain `cc`
# usage: scripts/clib.sh build [release|debug]            -> .build/clib/
#        scripts/clib.sh install PREFIX [release|debug]   -> PREFIX/{lib,include,lib/pkgconfig}
#        scripts/clib.sh install-built PREFIX             the same without building first
# install honours DESTDIR (a staged install: files go under DESTDIR, the pkg-config files still name PREFIX) and
# LIBDIR (the library directory, PREFIX/lib unless set; the Debian package uses /usr/lib/<multiarch>).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
embed="$root/Sources/Server/Embed"
out="$root/.build/clib"
name=eureka-server

version_part() { sed -n "s/^#define EUREKA_VERSION_$1 \([0-9]*\)$/\1/p" "$embed/eureka_server.h"; }
major=$(version_part MAJOR); version="$major.$(version_part MINOR).$(version_part PATCH)"

build() {
  local config=$1
  (cd "$root" && swift build -c "$config" --product EurekaServer)
  local objects=() line
  while IFS= read -r line; do objects+=("${line//\"/}"); done < "$root/.build/$config/EurekaServer.product/Objects.LinkFileList"
  local toolchain swift_static
  toolchain=$(dirname "$(readlink -f "$(command -v swiftc)")")/..
  swift_static="$toolchain/lib/swift_static/linux"
  mkdir -p "$out"
  rm -f "$out"/lib$name.*

  # Shared: swiftc adds the objects' autolinked libraries (libuv, http_parser, zlib, the Swift runtime archives).
  # lld, because gold leaves some hidden Swift symbols in .dynsym (bound LOCAL, but listed by nm -D).
  swiftc -emit-library -static-stdlib -use-ld=lld -o "$out/lib$name.so.$version" "${objects[@]}" \
    -Xlinker "-soname=lib$name.so.$major" -Xlinker "--version-script=$embed/eureka-server.map"
  ln -sf "lib$name.so.$version" "$out/lib$name.so.$major"
  ln -sf "lib$name.so.$major" "$out/lib$name.so"

  # Static: ld -r pulls from the runtime archives only the members the objects need; swiftrt.o registers the
  # Swift metadata sections at start-up, as it does in a Swift executable. Then every definition but eureka_*
  # becomes local, so the runtime inside cannot clash with anything of the host's.
  local swift_libs=() system_libs=() flag
  for flag in $(swift-autolink-extract "${objects[@]}" -o - | sort -u); do
    case "$flag" in -lswift*) swift_libs+=("$flag") ;; *) system_libs+=("$flag") ;; esac
  done
  ld -r -o "$out/$name.o" "$swift_static/$(uname -m)/swiftrt.o" "${objects[@]}" \
    -L"$swift_static" --start-group "${swift_libs[@]}" -ldispatch -lBlocksRuntime --end-group
  objcopy --wildcard --keep-global-symbol='eureka_*' "$out/$name.o"
  ar rcs "$out/lib$name.a" "$out/$name.o"
  rm "$out/$name.o"
  # What a program linking the archive adds (the shared library records these itself).
  echo "${system_libs[*]} -lstdc++" > "$out/static-libs"

  local exported
  # Every defined dynamic symbol but the version node (EUREKA_0, type A) must be eureka_*.
  exported=$(nm -D --defined-only "$out/lib$name.so.$version" | awk '$2 != "A" {print $3}' | grep -cv '^eureka_' || true)
  [ "$exported" -eq 0 ] || { echo "libeureka-server.so exports $exported symbols beyond eureka_*" >&2; exit 1; }
  echo "built $out/lib$name.so.$version and $out/lib$name.a ($config)"
}

# pkg-config file from Embed/eureka-server.pc.in: $1 its name, $2 kind, $3 Libs.
pc_file() {
  sed -e "s|@PREFIX@|$prefix|" -e "s|@LIBDIR@|$pc_libdir|" -e "s|@NAME@|$1|" -e "s|@KIND@|$2|" -e "s|@VERSION@|$version|" -e "s|@LIBS@|$3|" \
    "$embed/eureka-server.pc.in" > "$dest$libdir/pkgconfig/$1.pc"
}

install_to() {
  dest=${DESTDIR:-}
  if [ -n "$dest" ]; then
    case "$1" in /*) prefix=$1 ;; *) echo "with DESTDIR, PREFIX must be an absolute path" >&2; exit 2 ;; esac
  else
    prefix=$(mkdir -p "$1" && cd "$1" && pwd)
  fi
  libdir=${LIBDIR:-$prefix/lib}
  pc_libdir=$libdir
  [ "$libdir" = "$prefix/lib" ] && pc_libdir='${prefix}/lib'
  install -d "$dest$libdir/pkgconfig" "$dest$prefix/include"
  install -m 644 "$embed/eureka_server.h" "$dest$prefix/include/"
  install -m 755 "$out/lib$name.so.$version" "$dest$libdir/"
  ln -sf "lib$name.so.$version" "$dest$libdir/lib$name.so.$major"
  ln -sf "lib$name.so.$major" "$dest$libdir/lib$name.so"
  install -m 644 "$out/lib$name.a" "$dest$libdir/"
  # The run path lets programs built against a prefix outside the loader's path run without LD_LIBRARY_PATH; in
  # the loader's own directories it would only be noise.
  local rpath=" -Wl,-rpath,\${libdir}"
  case "$libdir" in /lib|/usr/lib|/lib/*-linux-gnu*|/usr/lib/*-linux-gnu*) rpath="" ;; esac
  pc_file "$name" shared "-L\${libdir} -l$name$rpath"
  pc_file "$name-static" static "\${libdir}/lib$name.a $(cat "$out/static-libs")"
  echo "installed into $dest$prefix"
}

case "${1:-}" in
  build) build "${2:-release}" ;;
  install)
    [ -n "${2:-}" ] || { echo "usage: $0 install PREFIX [release|debug]" >&2; exit 2; }
    build "${3:-release}"
    install_to "$2" ;;
  install-built)  # what the last build left in .build/clib (scripts/install.sh builds first)
    [ -n "${2:-}" ] || { echo "usage: $0 install-built PREFIX" >&2; exit 2; }
    install_to "$2" ;;
  *) echo "usage: $0 build [release|debug] | install PREFIX [release|debug] | install-built PREFIX" >&2; exit 2 ;;
esac
