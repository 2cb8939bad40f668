# Makefile: a thin wrapper for people and CI; meson and meson test do the real work.
#
#   make test    install missing Debian packages, build, run every test suite but packaging
#   make packaging-test  build the Debian packages, lintian, install them in an empty root
#   make deb     only build the Debian packages, into $(BUILD_DIR)/deb/
#   make run     the app, logged in as staff, on the demo server at 127.0.0.1:$(PORT)
#   make serve   only the server with demo data, in the foreground
#   make build | asan | fuzz | bench | clean

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

MESON        ?= meson
BUILD_DIR    ?= build
ASAN_DIR     ?= build-asan
FUZZ_DIR     ?= build-fuzz
PORT         ?= 8088
DEMO_DB      ?= $(BUILD_DIR)/demo/driftkoll-demo.db
# The app's data dir for `make run`, logged in as the demo user staff.
DEMO_DATA_DIR ?= $(BUILD_DIR)/demo/staff
FUZZ_SECONDS ?= 300
# Which libFuzzer target `make fuzz` runs: fuzz-codec (the JSON codec) or
# fuzz-server-request (the server's request handlers over a socketpair).
FUZZ_TARGET  ?= fuzz-codec
# Extra arguments for meson test, e.g. TEST_ARGS='--suite core' or TEST_ARGS=outbox
TEST_ARGS    ?=
# Sanitized code runs slower; meson test's timeouts are multiplied by this in $(ASAN_DIR).
ASAN_TIMEOUT_MULTIPLIER ?= 2

SERVER     = $(BUILD_DIR)/src/server/driftkoll-server
MESON_TEST = $(MESON) test --print-errorlogs --num-processes 2
# The packaging suite builds the Debian packages (minutes): only `make packaging-test`.
NO_PACKAGING = --no-suite packaging
ASAN_SETUP = -Db_sanitize=address,undefined -Db_lundef=false
# fuzzer-no-link puts libFuzzer's coverage into libdk-core too, not only into the target.
FUZZ_SETUP = -Dfuzz=true $(ASAN_SETUP) -Dc_args=-fsanitize=fuzzer-no-link
LSAN_SUPP  = $(CURDIR)/build-aux/lsan.supp
# Per target: its seeds, its dictionary, its largest input and its corpus folder.
FUZZ_SEEDS_fuzz-codec          = fuzz/corpus
FUZZ_DICT_fuzz-codec           = fuzz/codec.dict
FUZZ_MAX_LEN_fuzz-codec        = 16384
FUZZ_CORPUS_fuzz-codec         = $(FUZZ_DIR)/corpus
FUZZ_LSAN_fuzz-codec           = $(LSAN_SUPP)
FUZZ_SEEDS_fuzz-server-request   = fuzz/corpus-server
FUZZ_DICT_fuzz-server-request    = fuzz/server.dict
FUZZ_MAX_LEN_fuzz-server-request = 65536
FUZZ_CORPUS_fuzz-server-request  = $(FUZZ_DIR)/corpus-server
# A leak of libsoup's own that the fuzzer found (the file says which).
FUZZ_LSAN_fuzz-server-request    = $(CURDIR)/fuzz/lsan-server.supp
DEMO_USERS = staff, servicedesk, customer_center, lab_communicator, crisis_communicator, \
             release_coordinator, routine_owner, admin

# $(call setup,DIR,OPTIONS[,ENV]): configure DIR once; later runs let ninja regenerate.
define setup
if [ ! -f $(1)/build.ninja ]; then \
  if [ -f $(1)/meson-private/coredata.dat ]; then \
    $(3) $(MESON) setup --wipe $(1) $(2); \
  else \
    $(3) $(MESON) setup $(1) $(2); \
  fi; \
fi
endef

.PHONY: all deps build test packaging-test deb run serve asan fuzz-build fuzz-seeds fuzz bench clean

all: build

deps:
	@sh build-aux/install-deps.sh

build: deps
	@$(call setup,$(BUILD_DIR),)
	$(MESON) compile -C $(BUILD_DIR)

test: build
	$(MESON_TEST) -C $(BUILD_DIR) $(NO_PACKAGING) $(TEST_ARGS)

# tests/packaging/test-packaging.sh: the build log, lintian's output and the installed
# files are in $(BUILD_DIR)/tests/packaging/; meson's log in meson-logs/packaging-testlog.*
# (not testlog.*, which keeps make test's).
packaging-test: build
	$(MESON_TEST) -C $(BUILD_DIR) --logbase packaging-testlog --suite packaging

# The .debs of driftkoll, driftkoll-cli and driftkoll-server (built from a copy of the tree,
# without running the tests: DEB_BUILD_OPTIONS=... make deb to change that).
deb: deps
	sh tests/packaging/build-deb.sh $(BUILD_DIR)/deb

run: build
	@mkdir -p "$(dir $(DEMO_DB))"
	@if [ ! -e "$(DEMO_DB)" ]; then \
	  $(SERVER) init --db "$(DEMO_DB)" --demo || { rm -f "$(DEMO_DB)"; exit 1; }; \
	fi
	@echo "Database: $(DEMO_DB) (delete it to start over with fresh demo data)"
	@echo "Demo logins: $(DEMO_USERS) — password: demo"
	@BUILD_DIR="$(BUILD_DIR)" PORT="$(PORT)" DEMO_DB="$(DEMO_DB)" DEMO_DATA_DIR="$(DEMO_DATA_DIR)" \
	  sh build-aux/run-demo.sh

# Only the server, in the foreground (no app): for browsers, curl and driftkoll-cli.
serve: build
	@mkdir -p "$(dir $(DEMO_DB))"
	@if [ ! -e "$(DEMO_DB)" ]; then \
	  $(SERVER) init --db "$(DEMO_DB)" --demo || { rm -f "$(DEMO_DB)"; exit 1; }; \
	fi
	@echo "Open http://127.0.0.1:$(PORT)/ (the public page); Ctrl+C stops the server."
	@exec $(SERVER) serve --db "$(DEMO_DB)" --listen 127.0.0.1:$(PORT)

asan: deps
	@$(call setup,$(ASAN_DIR),$(ASAN_SETUP))
	$(MESON) compile -C $(ASAN_DIR)
	$(MESON_TEST) -C $(ASAN_DIR) --timeout-multiplier $(ASAN_TIMEOUT_MULTIPLIER) $(NO_PACKAGING) \
	  $(TEST_ARGS)

# Only the fuzz target and what it links are built in $(FUZZ_DIR).
fuzz-build: deps
	@$(call setup,$(FUZZ_DIR),$(FUZZ_SETUP),CC=clang)
	$(MESON) compile -C $(FUZZ_DIR) fuzz-codec fuzz-server-request

# Runs every seed once: a quick check that the targets build and the seeds pass.
fuzz-seeds: fuzz-build
	LSAN_OPTIONS=suppressions=$(LSAN_SUPP) $(FUZZ_DIR)/fuzz/fuzz-codec fuzz/corpus/*.json
	LSAN_OPTIONS=suppressions=$(FUZZ_LSAN_fuzz-server-request) $(FUZZ_DIR)/fuzz/fuzz-server-request \
	  fuzz/corpus-server/*.http

# New inputs go to $(FUZZ_DIR)/corpus (fuzz/corpus only seeds it; corpus-server for
# FUZZ_TARGET=fuzz-server-request), crashes to $(FUZZ_DIR)/artifacts/.
fuzz: fuzz-build
	@mkdir -p $(FUZZ_CORPUS_$(FUZZ_TARGET)) $(FUZZ_DIR)/artifacts
	@touch $(FUZZ_DIR)/fuzz.stamp
	@echo "Fuzzing with $(FUZZ_TARGET) for $(FUZZ_SECONDS) s (log: $(FUZZ_DIR)/fuzz.log)"
	@status=0; \
	LSAN_OPTIONS=suppressions=$(FUZZ_LSAN_$(FUZZ_TARGET)) \
	  $(FUZZ_DIR)/fuzz/$(FUZZ_TARGET) -max_total_time=$(FUZZ_SECONDS) \
	  -max_len=$(FUZZ_MAX_LEN_$(FUZZ_TARGET)) -timeout=30 \
	  -print_final_stats=1 -dict=$(FUZZ_DICT_$(FUZZ_TARGET)) -artifact_prefix=$(FUZZ_DIR)/artifacts/ \
	  $(FUZZ_CORPUS_$(FUZZ_TARGET)) $(FUZZ_SEEDS_$(FUZZ_TARGET)) > $(FUZZ_DIR)/fuzz.log 2>&1 || status=$$?; \
	tail -n 25 $(FUZZ_DIR)/fuzz.log; \
	execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_DIR)/fuzz.log | tail -n 1); \
	crashes=$$(find $(FUZZ_DIR)/artifacts -type f -newer $(FUZZ_DIR)/fuzz.stamp \
	  \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l); \
	echo "$(FUZZ_TARGET): $${execs:-?} executions, $$crashes crashes (in $(FUZZ_DIR)/artifacts/), corpus $$(ls $(FUZZ_CORPUS_$(FUZZ_TARGET)) | wc -l) inputs"; \
	exit $$status

bench: build
	BUILD_DIR=$(abspath $(BUILD_DIR)) bash bench/pull-100k.sh
	BUILD_DIR=$(abspath $(BUILD_DIR)) bash bench/poll-wrk.sh
	BUILD_DIR=$(abspath $(BUILD_DIR)) bash bench/first-sync.sh
	BUILD_DIR=$(abspath $(BUILD_DIR)) bash bench/flush-10k.sh

# Removes only the build directories this Makefile makes (and the demo database in them).
clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
