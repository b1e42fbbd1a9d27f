# freshwatch: `make demo` to see it, `make test` to check it. Both install what they need first.
BUILD_DIR := build/release
CMAKE_PRESET := release
JOBS ?= $(shell nproc)

.PHONY: all deps configure build web test test-cpp test-web demo bench fmt clean

all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake --preset $(CMAKE_PRESET) >/dev/null

# The web UI is built first so the binary can embed it.
web: deps
	@if [ -f web/package.json ]; then cd web && npm run --silent build; fi

build: configure web
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Every suite runs even when an earlier one failed; the last line adds them up
# ("summary: N passed, N failed, N skipped") and the exit status is non-zero on any failure.
test: build
	@BUILD_DIR=$(BUILD_DIR) JOBS=$(JOBS) scripts/test cpp web

test-cpp:
	@BUILD_DIR=$(BUILD_DIR) JOBS=$(JOBS) scripts/test cpp

test-web:
	@BUILD_DIR=$(BUILD_DIR) JOBS=$(JOBS) scripts/test web

# Only the binary, not the tests and benchmarks. LISTEN=HOST:PORT serves elsewhere than
# 127.0.0.1:8080.
demo: configure web
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target freshwatch
	@$(BUILD_DIR)/freshwatch demo --dir demo $(if $(LISTEN),--listen $(LISTEN))

bench: build
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target benchmarks
	@scripts/bench

fmt:
	@clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc')

clean:
	@rm -rf build web/dist
