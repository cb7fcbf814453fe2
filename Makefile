# Two entry points for a fresh Debian machine (each installs what is missing):
#   make run   build (release) and run the server on port 8761, standalone
#   make test  build and run every test: Swift unit/HTTP tests, end-to-end tests with real clients, bench smoke
SHELL := /bin/bash
APT_PACKAGES := libuv1-dev libhttp-parser-dev zlib1g-dev pkg-config wrk python3-venv curl
PORT ?= 8761

.PHONY: deps run build test test-swift test-e2e bench bench-smoke clean

deps:
	@./scripts/install-deps.sh $(APT_PACKAGES)

build: deps
	swift build -c release

run: build
	./.build/release/eureka-server --server.port=$(PORT) $(ARGS)

test: deps
	./scripts/check-layers.sh
	swift build --build-tests
	swift test --skip-build
	$(MAKE) test-e2e

test-e2e:
	./tests/e2e/run.sh

bench: deps
	$(MAKE) -C bench bench

bench-smoke: deps
	$(MAKE) -C bench smoke

clean:
	rm -rf .build
