# xgate — one plain Makefile. Sources are discovered, so adding a file needs no edit here.
#   make            build/xgate, build/libxgate.a and build/libxgate-server.a (optimised)
#   make test       sanitised build (ASan+UBSan), unit tests (Criterion), CLI and HTTP tests
#   make run        build and start the main job on the bundled data
#   make bench      benchmarks into BENCHMARKS.md
#   make fuzz       build libFuzzer targets (clang) into build/fuzz/
#   man -l build/man/xgate-screen.1   man pages, built by `make` from the --help tables
#   make format     clang-format every C file
#   make install    install under PREFIX (default /usr/local), honouring DESTDIR (docs/install.md)
#   make deb        build the Debian package (dpkg-buildpackage) into build/deb/
#   make deb-test   build the package and check it (tests/deb/test_deb.sh; slow, not in make test)

SHELL   := /bin/bash
CC      ?= cc
PKGS    := libutf8proc icu-uc icu-i18n libpcre2-8 sqlite3 jansson libxml-2.0 yaml-0.1 \
           libsodium libxxhash geoip
# Opened with dlopen on first use (src/core/dl.h), not linked: their headers are compiled against
# (cflags) but their libraries stay out of the binary's NEEDED list, so that `xgate screen` does
# not pay for loading them (issue 12). DL_LIBS is for programs that call them directly.
DL_PKGS := libhs libpq libsystemd libcurl libzip
BOOTSTRAP := scripts/bootstrap
# Builds use every core: `make test`, `make run` and `make fuzz` run their builds as sub-makes with -j.
NPROC   := $(shell nproc 2>/dev/null || echo 2)

# pkg-config is asked lazily so that `make` can run bootstrap first on a bare machine.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) $(DL_PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm -ldl
DL_LIBS    = $(shell pkg-config --libs $(DL_PKGS) 2>/dev/null)
SERVER_LIBS := -lcivetweb

WARN    := -Wall -Wextra -Werror -Wno-unused-parameter
# Symbols are hidden unless a public header (include/xgate/) declares them: see the archives below.
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -fvisibility=hidden -Iinclude -Isrc $(PKG_CFLAGS)
OPT_CFLAGS  := -O2 -g
SAN_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined

LIB_SRC := $(sort $(filter-out src/cli/% src/server/%,$(wildcard src/*/*.c)))
SERVER_SRC := $(sort $(wildcard src/server/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*/*.c tests/unit/*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
HDRS := $(wildcard include/xgate/*.h src/*/*.h tests/unit/*.h fuzz/*.h)

OPT := build
SAN := build/san

.SECONDARY:
.PHONY: golden man layering install deb deb-test FORCE fuzz-smoke all deps test unit cli-tests http-tests browser-tests run bench fuzz format format-check clean

all: deps $(OPT)/xgate $(OPT)/libxgate.a $(OPT)/libxgate-server.a build/man/xgate.1

# Man pages xgate(1) and xgate-CMD(1), printed by the binary from the tables that make --help.
man: build/man/xgate.1
build/man/xgate.1: $(OPT)/xgate
	@mkdir -p $(dir $@) && for c in $$($< help --commands); do \
	  $< help --man $$c > build/man/xgate-$$c.1 || exit 1; done && $< help --man > $@

deps:
	@$(BOOTSTRAP) build

$(OPT)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(OPT_CFLAGS) -c $< -o $@

$(SAN)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SAN_CFLAGS) -c $< -o $@

# The libraries a user links: libxgate.a (screening, classification, decisions, scanning, store)
# and libxgate-server.a (the HTTP API, the only part that needs civetweb). Each is one relocatable
# object whose hidden symbols are made local, so `nm -g` shows exactly the public API.
# The -internal archives are the plain objects, for the unit tests and fuzz targets that test
# internals.
define public_archive
	@mkdir -p $(dir $@)
	$(LD) -r -o $(@:.a=.o) $^ && objcopy --localize-hidden $(@:.a=.o)
	rm -f $@ && ar rcs $@ $(@:.a=.o)
endef

$(OPT)/libxgate.a: $(LIB_SRC:%.c=$(OPT)/obj/%.o)
	$(public_archive)

$(SAN)/libxgate.a: $(LIB_SRC:%.c=$(SAN)/obj/%.o)
	$(public_archive)

$(OPT)/libxgate-server.a: $(SERVER_SRC:%.c=$(OPT)/obj/%.o)
	$(public_archive)

$(SAN)/libxgate-server.a: $(SERVER_SRC:%.c=$(SAN)/obj/%.o)
	$(public_archive)

$(OPT)/libxgate-internal.a: $(LIB_SRC:%.c=$(OPT)/obj/%.o) $(SERVER_SRC:%.c=$(OPT)/obj/%.o)
	rm -f $@ && ar rcs $@ $^

$(SAN)/libxgate-internal.a: $(LIB_SRC:%.c=$(SAN)/obj/%.o) $(SERVER_SRC:%.c=$(SAN)/obj/%.o)
	rm -f $@ && ar rcs $@ $^

$(OPT)/xgate: $(CLI_SRC:%.c=$(OPT)/obj/%.o) $(OPT)/libxgate-server.a $(OPT)/libxgate.a
	$(CC) $(OPT_CFLAGS) $(LDFLAGS) -o $@ $^ $(SERVER_LIBS) $(PKG_LIBS)

$(SAN)/xgate: $(CLI_SRC:%.c=$(SAN)/obj/%.o) $(SAN)/libxgate-server.a $(SAN)/libxgate.a
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(SERVER_LIBS) $(PKG_LIBS)

$(SAN)/unit-tests: $(UNIT_SRC:%.c=$(SAN)/obj/%.o) $(SAN)/obj/src/cli/opts.o $(SAN)/libxgate-internal.a
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(SERVER_LIBS) $(PKG_LIBS) -lcriterion

# Sanitiser settings for every test process (the CLI and HTTP tests run the sanitised binary).
export ASAN_OPTIONS := detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0

# Every stage runs even when an earlier one failed; the last line sums the stages up.
TEST_STAGES := format-check layering unit cli-tests http-tests browser-tests fuzz-smoke

test:
	@$(BOOTSTRAP) test browser fuzz
	@echo "make test: building the sanitised binary, the unit tests and build/xgate ($(NPROC) jobs)"
	@$(MAKE) --no-print-directory -j$(NPROC) $(SAN)/xgate $(SAN)/unit-tests $(OPT)/xgate
	@mkdir -p build/test-logs; rc=0; for t in $(TEST_STAGES); do \
	  echo "== make test: stage $$t"; \
	  $(MAKE) --no-print-directory $$t 2>&1 | tee build/test-logs/$$t.log; \
	  if [ $${PIPESTATUS[0]} -ne 0 ]; then rc=1; echo "stage $$t FAILED"; fi; \
	done; scripts/test-summary build/test-logs $(TEST_STAGES) || rc=1; exit $$rc

# The module graph in src/LAYERS and the exported symbols (scripts/check-layers), the checker's own
# test (it must fail on a bad include), and a library user's program linked without civetweb.
layering: $(OPT)/xgate $(OPT)/libxgate.a $(OPT)/libxgate-server.a
	@scripts/check-layers --build $(OPT)
	@XGATE_BIN=$(CURDIR)/$(OPT)/xgate XGATE_BUILD=$(CURDIR)/$(OPT) XGATE_PKG_CFLAGS="$(PKG_CFLAGS)" \
	  XGATE_PKG_LIBS="$(PKG_LIBS)" tests/run-shell-tests tests/layers

# Tests never write to ~/.cache: compiled snapshot files go to build/snapshots (shell tests: a
# temporary directory per script, see tests/lib.sh).
TEST_SNAPSHOTS := XGATE_SNAPSHOT_DIR=$(CURDIR)/build/snapshots

unit: $(SAN)/unit-tests
	@mkdir -p build/snapshots
	$(TEST_SNAPSHOTS) XGATE_DATA=$(CURDIR)/data XGATE_SHARED=$(CURDIR)/../shared $(SAN)/unit-tests --jobs $(NPROC)

cli-tests: $(SAN)/xgate $(SAN)/unit-tests
	@mkdir -p build/snapshots
	$(TEST_SNAPSHOTS) XGATE_BIN=$(CURDIR)/$(SAN)/xgate tests/run-shell-tests tests/cli

http-tests: $(SAN)/xgate
	@if ls tests/http/test_*.sh >/dev/null 2>&1; then mkdir -p build/snapshots; $(TEST_SNAPSHOTS) XGATE_BIN=$(CURDIR)/$(SAN)/xgate tests/run-shell-tests tests/http; fi

# Regenerate tests/golden/screen_golden.tsv from today's screening results (the unit test
# match_golden compares with it): only for a change meant to change results, listed in its commit.
golden: $(SAN)/unit-tests
	@mkdir -p build/snapshots
	$(TEST_SNAPSHOTS) XG_GOLDEN_WRITE=1 XGATE_DATA=$(CURDIR)/data XGATE_SHARED=$(CURDIR)/../shared $(SAN)/unit-tests --filter 'match_golden/*'

browser-tests: $(SAN)/xgate
	@$(BOOTSTRAP) browser
	@mkdir -p build/snapshots
	$(TEST_SNAPSHOTS) XGATE_BIN=$(CURDIR)/$(SAN)/xgate tests/browser/run

run:
	@$(BOOTSTRAP) build
	@echo "make run: building build/xgate ($(NPROC) jobs)"
	@$(MAKE) --no-print-directory -j$(NPROC) $(OPT)/xgate $(OPT)/libxgate.a
	scripts/run-demo

bench: all
	@$(BOOTSTRAP) bench
	bench/run

# One libFuzzer binary per fuzz/fuzz_*.c, linked with the library built by clang.
# Run one: build/fuzz/fuzz_csv -max_total_time=60 fuzz/corpus/csv
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer-no-link,address,undefined -Iinclude -Isrc

fuzz:
	@$(BOOTSTRAP) fuzz
	@$(MAKE) --no-print-directory -j$(NPROC) CC=clang $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)

build/fuzz/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

build/fuzz/libxgate-internal.a: $(LIB_SRC:%.c=build/fuzz/obj/%.o) $(SERVER_SRC:%.c=build/fuzz/obj/%.o)
	rm -f $@ && ar rcs $@ $^

# the option parser is CLI code, not library
build/fuzz/fuzz_cli_opts: build/fuzz/obj/src/cli/opts.o
build/fuzz/fuzz_%: fuzz/fuzz_%.c build/fuzz/libxgate-internal.a
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) $^ -o $@ $(SERVER_LIBS) $(PKG_LIBS)

# Each fuzz target replays its seed corpus (fuzz/corpus/<name>/, if any) plus a fixed number of
# generated inputs: a regression check, not a time-boxed fuzzing session.
fuzz-smoke: fuzz
	@pass=0; fail=0; for f in $(FUZZ_SRC:fuzz/%.c=%); do c=fuzz/corpus/$${f#fuzz_}; [ -d $$c ] || c=; \
	  rm -rf build/fuzz/new-$$f; mkdir -p build/fuzz/new-$$f; \
	  if XGATE_SNAPSHOT_DIR=off build/fuzz/$$f -runs=$${FUZZ_RUNS:-5000} -seed=1 -artifact_prefix=build/fuzz/$$f- build/fuzz/new-$$f $$c >build/fuzz/$$f.log 2>&1; \
	  then pass=$$((pass+1)); echo "ok   $$f"; \
	  else fail=$$((fail+1)); echo "FAIL $$f"; tail -n 30 build/fuzz/$$f.log; fi; done; \
	echo "fuzz: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	@files=$$(git ls-files '*.c' '*.h'); bad=0; for f in $$files; do \
	  clang-format --dry-run --Werror "$$f" >/dev/null 2>&1 || { echo "not clang-formatted: $$f"; bad=$$((bad+1)); }; done; \
	echo "clang-format over $$(echo $$files | wc -w) files: $$bad not formatted"; \
	pass=0; fail=0; if [ $$bad -eq 0 ]; then pass=1; else fail=1; fi; \
	if bench/run --check; then pass=$$((pass+1)); else fail=$$((fail+1)); fi; \
	echo "format: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

clean:
	rm -rf build

# ---- install: make install [PREFIX=/usr/local] [DESTDIR=] [SYSCONFDIR=] [LIBDIR=] ----
# The binary finds its data beside it (../share/xgate/data) and, as a fallback, in the directory
# compiled in here; serve --check-config reads $(SYSCONFDIR)/xgate/xgate.conf by default. The
# objects that compile the paths in are rebuilt when PREFIX or SYSCONFDIR change (build/paths.stamp).
PREFIX     ?= /usr/local
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
SHAREDIR   ?= $(PREFIX)/share/xgate
MANDIR     ?= $(PREFIX)/share/man
COMPDIR    ?= $(PREFIX)/share/bash-completion/completions
VERSION    := $(or $(shell sed -n 's/.*"xgate \([0-9][0-9.]*\)\\n".*/\1/p' src/cli/main.c | head -n 1),0.0.0)
PATH_DEFS  = -DXG_DATADIR='"$(SHAREDIR)/data"' -DXG_SYSCONFDIR='"$(SYSCONFDIR)"'
PATH_OBJS  = $(foreach d,$(OPT) $(SAN),$(d)/obj/src/core/util.o $(d)/obj/src/cli/serve_config.o $(d)/obj/src/cli/cmd_serve.o)

$(PATH_OBJS): BASE_CFLAGS += $(PATH_DEFS)
$(PATH_OBJS): build/paths.stamp
build/paths.stamp: FORCE
	@mkdir -p build; echo '$(SHAREDIR) $(SYSCONFDIR)' | cmp -s - $@ || echo '$(SHAREDIR) $(SYSCONFDIR)' >$@

build/xgate.pc: packaging/xgate.pc.in FORCE # tiny: rewritten each time, so PREFIX/LIBDIR changes reach it
	@mkdir -p build
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
	    -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|' \
	    -e 's|@VERSION@|$(VERSION)|; s|@REQUIRES@|$(filter-out libsystemd,$(PKGS))|' $< >$@.tmp && mv $@.tmp $@

install: $(OPT)/xgate $(OPT)/libxgate.a $(OPT)/libxgate-server.a build/man/xgate.1 build/xgate.pc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/xgate \
	    $(DESTDIR)$(SHAREDIR)/web $(DESTDIR)$(SHAREDIR)/docs $(DESTDIR)$(COMPDIR) $(DESTDIR)$(SYSCONFDIR)/xgate
	install -m 0755 $(OPT)/xgate $(DESTDIR)$(BINDIR)/xgate
	install -m 0644 $(OPT)/libxgate.a $(OPT)/libxgate-server.a $(DESTDIR)$(LIBDIR)/
	install -m 0644 include/xgate/*.h $(DESTDIR)$(INCLUDEDIR)/xgate/
	install -m 0644 build/xgate.pc $(DESTDIR)$(LIBDIR)/pkgconfig/xgate.pc
	cd data && find . -type f ! -name '.*' | while read -r f; do install -D -m 0644 "$$f" "$(DESTDIR)$(SHAREDIR)/data/$$f" || exit 1; done
	install -m 0644 web/* $(DESTDIR)$(SHAREDIR)/web/
	install -m 0644 docs/openapi.json $(DESTDIR)$(SHAREDIR)/docs/openapi.json
	install -m 0644 packaging/xgate.bash-completion $(DESTDIR)$(COMPDIR)/xgate
	@# man pages: written by `make` from the --help tables (build/man)
	if ls build/man/*.1 >/dev/null 2>&1; then install -d $(DESTDIR)$(MANDIR)/man1 && \
	    install -m 0644 build/man/*.1 $(DESTDIR)$(MANDIR)/man1/; fi
	@# an edited configuration is never overwritten
	[ -e $(DESTDIR)$(SYSCONFDIR)/xgate/xgate.conf ] || \
	    install -m 0644 packaging/xgate.conf $(DESTDIR)$(SYSCONFDIR)/xgate/xgate.conf

# The Debian package (debian/), built from a copy of the tracked files so that the work tree stays
# clean and the build cannot reach ../shared. Packages land in build/deb/.
deb:
	rm -rf build/deb && mkdir -p build/deb/src
	git ls-files -z | xargs -0 cp --parents -t build/deb/src
	cd build/deb/src && DEB_BUILD_OPTIONS="parallel=2 $${DEB_BUILD_OPTIONS:-}" nice -n 10 dpkg-buildpackage -us -uc -b >../build.log 2>&1 || { tail -n 40 ../build.log; exit 1; }
	ls build/deb/*.deb

deb-test:
	@$(BOOTSTRAP) deb
	$(MAKE) --no-print-directory deb
	tests/deb/test_deb.sh build/deb
