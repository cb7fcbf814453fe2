# Two entry points for a fresh Debian machine (each installs what is missing):
#   make run   build (release) and run the server on port 8761, standalone
#   make test  build and run every test: Swift unit/HTTP tests, end-to-end tests with real clients, the C
#              embedding tests, the Debian package test
# and, for C programs embedding a node: make build (server and libraries), make install PREFIX=/usr/local
# (with the server binary, sample application.yml and systemd unit; DESTDIR= stages it), make deb (Debian package)
SHELL := /bin/bash
APT_PACKAGES := libuv1-dev libhttp-parser-dev zlib1g-dev pkg-config wrk python3-venv curl gcc g++ binutils
PORT ?= 8761
PREFIX ?= /usr/local

FUZZ_SECONDS ?= 300
# Per fuzz target within `make test` (six targets run one after another).
FUZZ_TEST_SECONDS ?= 15

.PHONY: deps run build lib install deb test test-swift test-e2e test-embed test-package test-fuzz test-tsan test-asan fuzz bench bench-smoke bench-embed clean

deps:
	@./scripts/install-deps.sh $(APT_PACKAGES)

build: deps
	swift build -c release
	./scripts/clib.sh build release

# libeureka-server.so and .a (see scripts/clib.sh), the header and pkg-config files under PREFIX.
lib: deps
	./scripts/clib.sh build release

# PREFIX/bin/eureka-server (Swift runtime linked in), the libraries as above, PREFIX/share/eureka-server/ (sample
# application.yml and systemd unit); see scripts/install.sh.
install: deps
	DESTDIR="$(DESTDIR)" ./scripts/install.sh $(PREFIX)

# .build/deb/eureka-server_VERSION_ARCH.deb, built with dpkg-deb (scripts/deb.sh); dpkg-dev computes Depends.
deb: deps
	./scripts/install-deps.sh dpkg-dev
	./scripts/deb.sh

run: build
	./.build/release/eureka-server --server.port=$(PORT) $(ARGS)

test: deps
	./scripts/check-layers.sh
	swift build --build-tests
	swift test --skip-build
	$(MAKE) test-e2e
	$(MAKE) test-embed
	$(MAKE) test-package
	$(MAKE) test-fuzz
	$(MAKE) test-tsan
	$(MAKE) test-asan

test-e2e:
	./tests/e2e/run.sh

# Every libFuzzer target (Fuzz/Harness, scripts/fuzz.sh) for FUZZ_SECONDS each; `make fuzz FUZZ_SECONDS=3600` for a
# long run. The CI's short run is test-fuzz.
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./scripts/fuzz.sh

test-fuzz:
	FUZZ_SECONDS=$(FUZZ_TEST_SECONDS) ./scripts/fuzz.sh

# The Swift suite under ThreadSanitizer (payloads are built on libuv's pool and handed back to the loop) and under
# AddressSanitizer, each in a build directory of its own; scripts/sanitize.sh holds the suppressions and options.
test-tsan:
	./scripts/sanitize.sh thread

test-asan:
	./scripts/sanitize.sh address

# The installed libraries from C (AddressSanitizer) and from Python (ctypes).
test-embed:
	./tests/embed/run.sh

# Builds the .deb from the release objects test-embed compiled, installs it into a scratch root, runs and purges it.
test-package:
	./tests/package/run.sh

bench: deps
	$(MAKE) -C bench bench

bench-smoke: deps
	$(MAKE) -C bench smoke

# In-process renewals/s and full-registry reads through the C API (bench/embed_bench.c).
bench-embed: deps
	./bench/embed.sh

clean:
	rm -rf .build .build-fuzz .build-tsan .build-asan
