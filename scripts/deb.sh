#!/usr/bin/env bash
# `make deb`: the Debian package, built with dpkg-deb alone (no debhelper) -> .build/deb/eureka-server_V_ARCH.deb
#   /usr/bin/eureka-server                     the server, Swift runtime and Foundation linked in statically
#   /usr/lib/<multiarch>/libeureka-server.*    the C embedding libraries, their pkg-config files under pkgconfig/
#   /usr/include/eureka_server.h
#   /usr/share/eureka-server/                  the pristine samples (application.yml, eureka-server.service)
#   /etc/eureka-server/application.yml         the sample configuration, a conffile (edits survive upgrades)
#   /lib/systemd/system/eureka-server.service  the unit (packaging/eureka-server.service)
# Version from VERSION; Depends computed by dpkg-shlibdeps from what the binaries load (libc6, libgcc-s1,
# libstdc++6, libuv1, libhttp-parser2.9, zlib1g, with the minimum versions of the symbols used). The binaries are
# stripped as dh_strip would. DEB_COMPRESSION picks dpkg-deb's compressor (xz, Debian's default and smallest;
# `make test` uses zstd, which takes a second where xz takes minutes on 2 cores). SKIP_BUILD=1 packages what
# .build/dist and .build/clib already hold.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(tr -d ' \n\r' < "$root/VERSION")
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
name="eureka-server_${version}_${arch}"
work="$root/.build/deb"
# debian/eureka-server: where dpkg-shlibdeps expects a package's files (beside debian/control).
stage="$work/debian/eureka-server"
rm -rf "$work/debian" "$work/$name.deb"
mkdir -p "$stage"

DESTDIR="$stage" LIBDIR="/usr/lib/$multiarch" "$root/scripts/install.sh" /usr
install -d "$stage/etc/eureka-server" "$stage/lib/systemd/system"
install -m 644 "$root/packaging/application.yml" "$stage/etc/eureka-server/"
install -m 644 "$stage/usr/share/eureka-server/eureka-server.service" "$stage/lib/systemd/system/"
strip --strip-unneeded --remove-section=.comment "$stage/usr/lib/$multiarch/libeureka-server.so.$version"
strip --strip-debug "$stage/usr/lib/$multiarch/libeureka-server.a"

# dpkg-shlibdeps reads debian/control and finds the package's root by its DEBIAN directory.
install -d "$stage/DEBIAN"
printf 'Source: eureka-server\n\nPackage: eureka-server\nArchitecture: any\n' > "$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O -edebian/eureka-server/usr/bin/eureka-server "-edebian/eureka-server/usr/lib/$multiarch/libeureka-server.so.$version" \
  | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "dpkg-shlibdeps found no dependencies" >&2; exit 1; }

size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@SIZE@|$size|" -e "s|@DEPENDS@|$depends|" \
  -e "s|@MAINTAINER@|${DEB_MAINTAINER:-eureka-swift maintainers <eureka-swift@localhost>}|" \
  "$root/packaging/debian/control.in" > "$stage/DEBIAN/control"
echo /etc/eureka-server/application.yml > "$stage/DEBIAN/conffiles"
install -m 755 "$root/packaging/debian/postinst" "$root/packaging/debian/prerm" "$root/packaging/debian/postrm" "$stage/DEBIAN/"
install -m 644 "$root/packaging/debian/triggers" "$stage/DEBIAN/"
chmod 644 "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles"

dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-xz}" --build "$stage" "$work/$name.deb" >/dev/null
echo "built $work/$name.deb ($(($(stat -c %s "$work/$name.deb") / 1024)) KiB; installed $((size / 1024)) MiB)"
