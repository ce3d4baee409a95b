# xgate — one plain Makefile. Sources are discovered, so adding a file needs no edit here.
#   make            build/xgate and build/libxgate.a (optimised)
#   make test       sanitised build (ASan+UBSan), unit tests (Criterion), CLI and HTTP tests
#   make run        build and start the main job on the bundled data
#   make bench      benchmarks into BENCHMARKS.md
#   make fuzz       build libFuzzer targets (clang) into build/fuzz/
#   make format     clang-format every C file

SHELL   := /bin/bash
CC      ?= cc
PKGS    := libutf8proc icu-uc icu-i18n libhs libpcre2-8 sqlite3 libpq jansson libxml-2.0 yaml-0.1 \
           libsodium libxxhash geoip libcurl
BOOTSTRAP := scripts/bootstrap

# pkg-config is asked lazily so that `make` can run bootstrap first on a bare machine.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcivetweb -lpthread -lm -ldl

WARN    := -Wall -Wextra -Werror -Wno-unused-parameter
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -Isrc $(PKG_CFLAGS)
OPT_CFLAGS  := -O2 -g
SAN_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined

LIB_SRC := $(sort $(filter-out src/cli/%,$(wildcard src/*/*.c)))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*/*.c tests/unit/*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
HDRS := $(wildcard include/xgate/*.h src/*/*.h tests/unit/*.h fuzz/*.h)

OPT := build
SAN := build/san

.SECONDARY:
.PHONY: fuzz-smoke all deps test unit cli-tests http-tests browser-tests run bench fuzz format format-check clean

all: deps $(OPT)/xgate $(OPT)/libxgate.a

deps:
	@$(BOOTSTRAP) build

$(OPT)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(OPT_CFLAGS) -c $< -o $@

$(SAN)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SAN_CFLAGS) -c $< -o $@

$(OPT)/libxgate.a: $(LIB_SRC:%.c=$(OPT)/obj/%.o)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(SAN)/libxgate.a: $(LIB_SRC:%.c=$(SAN)/obj/%.o)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(OPT)/xgate: $(CLI_SRC:%.c=$(OPT)/obj/%.o) $(OPT)/libxgate.a
	$(CC) $(OPT_CFLAGS) -o $@ $^ $(PKG_LIBS)

$(SAN)/xgate: $(CLI_SRC:%.c=$(SAN)/obj/%.o) $(SAN)/libxgate.a
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(PKG_LIBS)

$(SAN)/unit-tests: $(UNIT_SRC:%.c=$(SAN)/obj/%.o) $(SAN)/libxgate.a
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(PKG_LIBS) -lcriterion

# Sanitiser settings for every test process (the CLI and HTTP tests run the sanitised binary).
export ASAN_OPTIONS := detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0

# Every stage runs even when an earlier one failed; the last line sums the stages up.
TEST_STAGES := format-check unit cli-tests http-tests browser-tests fuzz-smoke

test:
	@$(BOOTSTRAP) test
	@$(BOOTSTRAP) browser
	@$(BOOTSTRAP) fuzz
	@$(MAKE) --no-print-directory $(SAN)/xgate $(SAN)/unit-tests $(OPT)/xgate
	@mkdir -p build/test-logs; rc=0; for t in $(TEST_STAGES); do \
	  $(MAKE) --no-print-directory $$t 2>&1 | tee build/test-logs/$$t.log; \
	  if [ $${PIPESTATUS[0]} -ne 0 ]; then rc=1; echo "stage $$t FAILED"; fi; \
	done; scripts/test-summary build/test-logs $(TEST_STAGES) || rc=1; exit $$rc

unit: $(SAN)/unit-tests
	XGATE_DATA=$(CURDIR)/data XGATE_SHARED=$(CURDIR)/../shared $(SAN)/unit-tests --jobs 2

cli-tests: $(SAN)/xgate
	XGATE_BIN=$(CURDIR)/$(SAN)/xgate tests/run-shell-tests tests/cli

http-tests: $(SAN)/xgate
	@if ls tests/http/test_*.sh >/dev/null 2>&1; then XGATE_BIN=$(CURDIR)/$(SAN)/xgate tests/run-shell-tests tests/http; fi

browser-tests: $(SAN)/xgate
	@$(BOOTSTRAP) browser
	XGATE_BIN=$(CURDIR)/$(SAN)/xgate tests/browser/run

run: all
	scripts/run-demo

bench: all
	@$(BOOTSTRAP) bench
	bench/run

# One libFuzzer binary per fuzz/fuzz_*.c, linked with the library built by clang.
# Run one: build/fuzz/fuzz_csv -max_total_time=60 fuzz/corpus/csv
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer-no-link,address,undefined -Iinclude -Isrc

fuzz:
	@$(BOOTSTRAP) fuzz
	@$(MAKE) --no-print-directory CC=clang $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)

build/fuzz/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/fuzz/libxgate.a: $(LIB_SRC:%.c=build/fuzz/obj/%.o)
	rm -f $@ && ar rcs $@ $^

build/fuzz/fuzz_%: fuzz/fuzz_%.c build/fuzz/libxgate.a
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) $^ -o $@ $(PKG_LIBS)

# Each fuzz target replays its seed corpus (fuzz/corpus/<name>/, if any) plus a fixed number of
# generated inputs: a regression check, not a time-boxed fuzzing session.
fuzz-smoke: fuzz
	@pass=0; fail=0; for f in $(FUZZ_SRC:fuzz/%.c=%); do c=fuzz/corpus/$${f#fuzz_}; [ -d $$c ] || c=; \
	  rm -rf build/fuzz/new-$$f; mkdir -p build/fuzz/new-$$f; \
	  if build/fuzz/$$f -runs=$${FUZZ_RUNS:-5000} -seed=1 -artifact_prefix=build/fuzz/$$f- build/fuzz/new-$$f $$c >build/fuzz/$$f.log 2>&1; \
	  then pass=$$((pass+1)); echo "ok   $$f"; \
	  else fail=$$((fail+1)); echo "FAIL $$f"; tail -n 30 build/fuzz/$$f.log; fi; done; \
	echo "fuzz: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	@files=$$(git ls-files '*.c' '*.h'); bad=0; for f in $$files; do \
	  clang-format --dry-run --Werror "$$f" >/dev/null 2>&1 || { echo "not clang-formatted: $$f"; bad=$$((bad+1)); }; done; \
	echo "clang-format over $$(echo $$files | wc -w) files: $$bad not formatted"; \
	if [ $$bad -eq 0 ]; then echo "format: 1 passed, 0 failed"; else echo "format: 0 passed, 1 failed"; exit 1; fi

clean:
	rm -rf build
