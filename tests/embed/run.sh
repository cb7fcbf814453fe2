#!/usr/bin/env bash
# The C embedding tests: install the libraries into a scratch prefix as a user would (`make install PREFIX=...`),
# compile the header alone, the example host and the C tests with cc against the installed copy through
# pkg-config, run them under AddressSanitizer with LeakSanitizer (an error or a leak fails the run), then the
# Python ctypes test against the installed shared library. CLIB_CONFIG=debug links the debug objects instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
prefix="$root/.build/embed-prefix"
bin="$root/.build/embed-tests"
"$root/scripts/clib.sh" install "$prefix" "${CLIB_CONFIG:-release}"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
mkdir -p "$bin"

# The header on its own: strict C99, and C++ when a C++ compiler is there.
printf '#include <eureka_server.h>\nint main(void) { return eureka_version() == EUREKA_VERSION_HEX ? 0 : 1; }\n' > "$bin/header_only.c"
cc -std=c99 -pedantic -Wall -Wextra -Werror "$bin/header_only.c" -o "$bin/header_only" $(pkg-config --cflags --libs eureka-server)
"$bin/header_only"
if command -v c++ >/dev/null; then
  c++ -x c++ -std=c++11 -pedantic -Wall -Wextra -Werror "$bin/header_only.c" -o "$bin/header_only_cxx" $(pkg-config --cflags --libs eureka-server)
  "$bin/header_only_cxx"
fi

compile() {  # name, source, pkg-config package of the library to link (it brings libuv along)
  cc -std=c99 -Wall -Wextra -Werror -g -fsanitize=address -fno-omit-frame-pointer "$root/$2" -o "$bin/$1" \
    $(pkg-config --cflags --libs "$3") -lpthread
}
compile embed_test Tests/C/embed_test.c eureka-server
compile bad_calls_test Tests/C/bad_calls_test.c eureka-server
compile own_loop_test Tests/C/own_loop_test.c eureka-server-static
compile host examples/host.c eureka-server
if ldd "$bin/own_loop_test" | grep -q libeureka-server; then
  echo "own_loop_test should link the static library" >&2
  exit 1
fi

for test in embed_test bad_calls_test own_loop_test; do "$bin/$test"; done
"$bin/host" > "$bin/host.out"
grep -q "event: registered     EXAMPLE-SERVICE/example-1 UP" "$bin/host.out"
grep -q "loop closed" "$bin/host.out"
echo "example host: ok"
EUREKA_LIB="$prefix/lib/libeureka-server.so.0" python3 "$here/test_ctypes.py"
