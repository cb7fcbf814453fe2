#!/usr/bin/env bash
# The Debian package test (`make test-package`, part of `make test`): build the .deb (scripts/deb.sh, reusing the
# release objects `make test-embed` compiled), check its files, control fields and conffile, install it with dpkg
# into a scratch root (its own dpkg database, maintainer scripts run outside a chroot with DPKG_ROOT set, so they
# touch nothing of this machine), run the installed server the way the unit does with the installed sample config
# on a free 127.0.0.1 port, check /eureka/apps and /actuator/health, stop it with SIGTERM (exit 0), link a C
# program against the installed library, purge the package and check nothing of it is left.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
started=$(date +%s)
"$root/scripts/install-deps.sh" dpkg-dev  # dpkg-shlibdeps computes Depends

SKIP_BUILD=${SKIP_BUILD:-0} DEB_COMPRESSION=${DEB_COMPRESSION:-zstd} "$root/scripts/deb.sh"
version=$(tr -d ' \n\r' < "$root/VERSION")
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
deb="$root/.build/deb/eureka-server_${version}_${arch}.deb"
libdir="usr/lib/$multiarch"

scratch=$(mktemp -d "$root/.build/package-test.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid"; fi
  rm -rf "$scratch"
}
trap cleanup EXIT
fail() { echo "package test: FAIL: $*" >&2; exit 1; }
pass() { echo "package test: ok: $*"; }

# --- contents ---
listing=$(dpkg-deb -c "$deb" | awk '{print $1, $6}')
expect_entry() {  # mode prefix, path
  grep -qxF -- "$1 $2" <<< "$listing" || fail "$2 missing or not $1 in $(basename "$deb"):"$'\n'"$listing"
}
expect_entry -rwxr-xr-x ./usr/bin/eureka-server
expect_entry -rwxr-xr-x "./$libdir/libeureka-server.so.$version"
expect_entry lrwxrwxrwx "./$libdir/libeureka-server.so.0"
expect_entry lrwxrwxrwx "./$libdir/libeureka-server.so"
expect_entry -rw-r--r-- "./$libdir/libeureka-server.a"
expect_entry -rw-r--r-- "./$libdir/pkgconfig/eureka-server.pc"
expect_entry -rw-r--r-- "./$libdir/pkgconfig/eureka-server-static.pc"
expect_entry -rw-r--r-- ./usr/include/eureka_server.h
expect_entry -rw-r--r-- ./etc/eureka-server/application.yml
expect_entry -rw-r--r-- ./lib/systemd/system/eureka-server.service
expect_entry -rw-r--r-- ./usr/share/eureka-server/application.yml
owners=$(dpkg-deb -c "$deb" | awk '{print $2}' | sort -u)
[ "$owners" = root/root ] || fail "files not owned by root/root: $owners"
stray=$(awk '{print $2}' <<< "$listing" | grep -vE '^\./$|^\./(etc/|etc/eureka-server/|lib/|lib/systemd/|lib/systemd/system/|usr/|usr/(bin|include|lib|share)/|'"$libdir"'/|usr/share/eureka-server/)' || true)
[ -z "$stray" ] || fail "unexpected paths: $stray"
pass "contents ($(wc -l <<< "$listing") entries)"

# --- control fields and conffiles ---
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = eureka-server ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version $(field Version), VERSION says $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture: $(field Architecture)"
[ -n "$(field Maintainer)" ] && [ -n "$(field Description)" ] && [ -n "$(field Installed-Size)" ] || fail "a required field is empty"
depends=$(field Depends)
# What the server and the library load, each library's package named in Depends (and no Swift runtime loaded).
needed_packages=$(dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$scratch" "./usr/bin/eureka-server" "./$libdir/libeureka-server.so.$version" \
  && for binary in "$scratch/usr/bin/eureka-server" "$scratch/$libdir/libeureka-server.so.$version"; do
       ldd "$binary" | awk '$3 ~ /^\// {print $3}'
     done | sort -u | while read -r library; do
       case "$library" in *swift*|*Foundation*|*dispatch*) echo "SWIFT:$library" ;; esac
       dpkg -S "$(readlink -f "$library")" 2>/dev/null | cut -d: -f1 | head -1 || dpkg -S "$library" | cut -d: -f1 | head -1
     done | sort -u)
grep -q '^SWIFT:' <<< "$needed_packages" && fail "a Swift runtime library is loaded: $needed_packages"
depends_names=$(sed -e 's/ *([^)]*)//g' -e 's/, */\n/g' <<< "$depends")
for package in $needed_packages libuv1 libhttp-parser2.9 zlib1g; do
  grep -qxF -- "$package" <<< "$depends_names" || fail "Depends ($depends) lacks $package"
done
rm -rf "$scratch/usr" && mkdir -p "$scratch"
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)
[ "$conffiles" = /etc/eureka-server/application.yml ] || fail "conffiles: $conffiles"
pass "control (Depends: $depends; conffile $conffiles)"

# --- install into a scratch root ---
target="$scratch/root"
mkdir -p "$target/var/lib/dpkg/info" "$target/var/lib/dpkg/updates" "$target/var/lib/dpkg/triggers" "$target/var/log"
touch "$target/var/lib/dpkg/status"
dpkg_root() {
  dpkg --root="$target" --force-script-chrootless --force-not-root --force-depends --log=/dev/null "$@"
}
dpkg_root -i "$deb" > "$scratch/dpkg-install.log" 2>&1 || { cat "$scratch/dpkg-install.log" >&2; fail "dpkg -i"; }
dpkg_root -s eureka-server | grep -q '^Status: install ok installed' || fail "not installed in the scratch root"
dpkg_root -s eureka-server | grep -q '^ /etc/eureka-server/application.yml [0-9a-f]\{32\}$' \
  || fail "the sample config is not recorded as a conffile"
[ -x "$target/usr/bin/eureka-server" ] || fail "no /usr/bin/eureka-server in the scratch root"
cmp -s "$target/etc/eureka-server/application.yml" "$root/packaging/application.yml" || fail "installed config differs"
pass "installed into the scratch root"

if command -v systemd-analyze > /dev/null; then
  # The installed unit with ExecStart pointed at the scratch root's binary (verify checks it exists). Lines
  # about this machine's own units are not ours; any line naming our unit fails the test.
  mkdir -p "$scratch/unit"
  sed "s|^ExecStart=/usr/bin/|ExecStart=$target/usr/bin/|" "$target/lib/systemd/system/eureka-server.service" \
    > "$scratch/unit/eureka-server.service"
  verify=$(systemd-analyze verify "$scratch/unit/eureka-server.service" 2>&1 || true)
  if grep -q 'eureka-server' <<< "$verify"; then fail "systemd-analyze verify: $verify"; fi
  pass "systemd-analyze verify"
else
  echo "package test: systemd-analyze not installed; unit not verified"
fi

# --- run it as the unit does: config location from the environment, working directory /etc/eureka-server ---
out="$scratch/server.out"; err="$scratch/server.err"
(cd "$target/etc/eureka-server" && exec env -i PATH=/usr/bin:/bin SPRING_CONFIG_LOCATION="$target/etc/eureka-server/" \
  "$target/usr/bin/eureka-server" --server.address=127.0.0.1 --server.port=0 > "$out" 2> "$err") &
server_pid=$!
port=""
for _ in $(seq 1 100); do  # at most 10 s
  port=$(sed -n 's/^eureka-server listening on 127\.0\.0\.1 port \([0-9]*\)$/\1/p' "$out")
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$err" >&2; fail "the installed server exited at start"; }
  sleep 0.1
done
[ -n "$port" ] || { cat "$err" >&2; fail "the installed server did not report its port within 10 s"; }
grep -q 'event=started' "$err" && grep -q 'application.yml' "$err" || { cat "$err" >&2; fail "start line does not name the config file"; }
grep -q 'warning' "$err" && { cat "$err" >&2; fail "the sample config gives warnings"; }
apps=$(curl -sf --max-time 5 -H 'Accept: application/json' "http://127.0.0.1:$port/eureka/apps") || fail "GET /eureka/apps"
grep -q '"applications"' <<< "$apps" || fail "/eureka/apps answered: $apps"
health=$(curl -sf --max-time 5 "http://127.0.0.1:$port/actuator/health") || fail "GET /actuator/health"
[ "$health" = '{"status":"UP"}' ] || fail "/actuator/health answered: $health"
pass "installed server answers on 127.0.0.1:$port"
kill -TERM "$server_pid"
for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$server_pid" 2>/dev/null && fail "the server did not stop within 10 s of SIGTERM"
status=0; wait "$server_pid" || status=$?
server_pid=""
[ "$status" -eq 0 ] || { cat "$err" >&2; fail "exit status $status after SIGTERM"; }
pass "stopped by SIGTERM, exit 0"

# --- the installed library, found through its installed pkg-config file ---
printf '#include <eureka_server.h>\nint main(void) { return eureka_version() == EUREKA_VERSION_HEX ? 0 : 1; }\n' > "$scratch/version.c"
flags=$(PKG_CONFIG_SYSROOT_DIR="$target" PKG_CONFIG_LIBDIR="$target/$libdir/pkgconfig:/usr/lib/$multiarch/pkgconfig:/usr/share/pkgconfig" \
  pkg-config --cflags --libs eureka-server)
cc -std=c99 -Wall -Werror "$scratch/version.c" -o "$scratch/version" $flags
LD_LIBRARY_PATH="$target/$libdir" "$scratch/version" || fail "a program linked to the installed library"
pass "C program linked against the installed (stripped) library"

# --- purge: nothing of the package is left ---
dpkg_root --purge eureka-server > "$scratch/dpkg-purge.log" 2>&1 || { cat "$scratch/dpkg-purge.log" >&2; fail "dpkg --purge"; }
left=$(cd "$target" && find . -mindepth 1 -not -path './var*' | sort)
[ -z "$left" ] || fail "left after purge: $left"
pass "purged, nothing left"
echo "package test: passed in $(( $(date +%s) - started )) s"
