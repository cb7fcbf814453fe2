#!/usr/bin/env bash
# `make install`: the server, the C embedding libraries and the samples under PREFIX.
#   PREFIX/bin/eureka-server                     the server, Swift runtime linked in (scripts/server-binary.sh)
#   PREFIX/include, PREFIX/lib (or LIBDIR)       header, libraries, pkg-config files (scripts/clib.sh)
#   PREFIX/share/eureka-server/application.yml   the sample configuration (commented; standalone on 8761)
#   PREFIX/share/eureka-server/eureka-server.service  the systemd unit, its ExecStart naming PREFIX/bin
# usage: scripts/install.sh PREFIX; DESTDIR stages the files under DESTDIR (paths inside them still name PREFIX),
# LIBDIR replaces PREFIX/lib. With SKIP_BUILD=1 it installs what .build/dist and .build/clib already hold.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ -n "${1:-}" ] || { echo "usage: $0 PREFIX" >&2; exit 2; }
dest=${DESTDIR:-}
if [ -n "$dest" ]; then
  case "$1" in /*) prefix=$1 ;; *) echo "with DESTDIR, PREFIX must be an absolute path" >&2; exit 2 ;; esac
else
  prefix=$(mkdir -p "$1" && cd "$1" && pwd)
fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  "$root/scripts/server-binary.sh"
  "$root/scripts/clib.sh" build release
fi
share="$dest$prefix/share/eureka-server"
install -d "$dest$prefix/bin" "$share"
install -m 755 "$root/.build/dist/eureka-server" "$dest$prefix/bin/"
install -m 644 "$root/packaging/application.yml" "$share/"
sed "s|^ExecStart=/usr/bin/eureka-server|ExecStart=$prefix/bin/eureka-server|" "$root/packaging/eureka-server.service" \
  > "$share/eureka-server.service"
chmod 644 "$share/eureka-server.service"
DESTDIR="$dest" "$root/scripts/clib.sh" install-built "$prefix"
