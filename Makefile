# tide — a terminal IDE that runs code in sandboxed, recorded sessions.
#
#   make run     install what is missing, build, start tide
#   make check   install what is missing, build, run every test suite
#
# GNU make.  Every library is found with pkg-config.  Nothing but `make deps`
# (apt-get) and `make grammars` (the npm registry, pinned and hash-checked)
# touches the network.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
SHELL := /bin/bash

VERSION    := 0.1.0
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     := $(PREFIX)/bin
MANDIR     := $(PREFIX)/share/man/man1
DATADIR    := $(PREFIX)/share/tide

CC         ?= cc
PKG_CONFIG ?= pkg-config
NPROC      := $(shell nproc 2>/dev/null || echo 2)
BUILD      := build

# Libraries of the program, and of the unit tests.  Recursive (=) so that
# pkg-config runs only when a recipe needs the flags, after `make deps`.
LIB_PC   := ncursesw tree-sitter libgit2 sqlite3 libseccomp inih jansson vterm nettle libpcre2-8 zlib chafa stb
# What the commands alone link (tide): the IDE's libraries are tide-ide's.
IDE_PC   := ncursesw tree-sitter vterm libpcre2-8 chafa stb
TEST_PC  := criterion sqlite3
PC_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(LIB_PC))
# libgit2 is not linked: src/gitlib.c opens it when first needed, by the
# soname of the library its headers came with.
# Nor is SQLite: src/sqlitelib.c opens it when a command first needs the
# database (the unit tests, which also call it directly, link it).
PC_LIBS   = $(shell $(PKG_CONFIG) --libs $(filter-out libgit2 sqlite3,$(LIB_PC)))
# tide links its few small libraries in, from the same -dev packages' static
# archives: not loading five shared objects makes every `tide run` start
# ~0.8 ms sooner (tests/bench/run.sh, "tide's own start"; page faults are
# what a sandbox's start-up is made of).  STATIC_CLI=no links them shared.
STATIC_CLI ?= yes
CLI_PC    = $(filter-out libgit2 sqlite3 $(IDE_PC),$(LIB_PC))
ifeq ($(STATIC_CLI),yes)
CLI_LIBS  = -Wl,-Bstatic $(shell $(PKG_CONFIG) --static --libs $(CLI_PC)) -Wl,-Bdynamic
else
CLI_LIBS  = $(shell $(PKG_CONFIG) --libs $(CLI_PC))
endif
soname_of = $(shell readelf -d "$$($(PKG_CONFIG) --variable=libdir $(1))/$(2)" 2>/dev/null | \
              sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
GITLIB_SONAME = $(call soname_of,libgit2,libgit2.so)
SQLITELIB_SONAME = $(call soname_of,sqlite3,libsqlite3.so)
%/src/gitlib.o: SONAME_CFLAGS = -DGITLIB_SONAME='"$(GITLIB_SONAME)"'
%/src/sqlitelib.o: SONAME_CFLAGS = -DSQLITELIB_SONAME='"$(SQLITELIB_SONAME)"'
# Every program with src/gitlib.o exports its two stand-ins for mbed TLS's
# CA-bundle loaders, so that the libgit2 it opens binds to them (why: the
# comment above them in src/gitlib.c).
GITLIB_LDFLAGS := -Wl,--export-dynamic-symbol=mbedtls_x509_crt_parse_file \
                  -Wl,--export-dynamic-symbol=mbedtls_x509_crt_parse_path

OPT      ?= -O2 -g
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter -Werror=implicit-function-declaration
DEFS     := -D_GNU_SOURCE -DTIDE_VERSION='"$(VERSION)"' -DTIDE_DATADIR='"$(DATADIR)"' \
            -DTIDE_BINDIR='"$(BINDIR)"'
CFLAGS   ?=
ALL_CFLAGS = -std=c17 $(OPT) $(WARN) $(DEFS) $(SONAME_CFLAGS) -Isrc -Iui -I$(BUILD)/gen $(PC_CFLAGS) $(CFLAGS) -MMD -MP
LDLIBS    = $(PC_LIBS) -lpthread -lm
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# `make V=1` shows the full commands.
Q := $(if $(V),,@)

CORE_SRC := $(filter-out src/main.c,$(wildcard src/*.c))
UI_SRC   := $(filter-out ui/ide_main.c,$(wildcard ui/*.c))
# The core modules only the IDE uses (highlighting, pictures), left out of tide.
IDE_CORE := src/syntax.c src/grammar.c src/picture.c
UNIT_SRC := $(wildcard tests/unit/*.c)

OBJ      := $(patsubst %.c,$(BUILD)/obj/%.o,$(CORE_SRC) $(UI_SRC))
MAIN_OBJ := $(BUILD)/obj/src/main.o
IDE_MAIN_OBJ := $(BUILD)/obj/ui/ide_main.o
CLI_OBJ  := $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out $(IDE_CORE),$(CORE_SRC)))
UNIT_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(UNIT_SRC))
SAN_OBJ  := $(patsubst %.c,$(BUILD)/asan/%.o,$(CORE_SRC) $(UI_SRC) $(UNIT_SRC))

# The tree-sitter grammars: fetching, verifying and compiling them.  Defines
# GRAMMAR_OBJ (linked into everything), GRAMMAR_GEN (generated headers: the
# highlight queries) and the `grammars` target.
include grammars/grammars.mk

# A text file ($<) compiled in as the C string $(1), in a generated header.
embed_text = $(Q){ echo '/* Generated from $<: do not edit. */'; echo 'static const char $(1)[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/^/    "/' -e 's/$$/\\n"/' $<; echo ';'; } > $@.tmp && mv $@.tmp $@

# The default theme, compiled in so that tide always has one to fall back to.
THEME_GEN := $(BUILD)/gen/builtin_theme.h
# The matplotlib backend written into Python runs (plt.show() saves PNGs).
MPL_GEN := $(BUILD)/gen/tide_matplotlib.h
GEN_HEADERS := $(GRAMMAR_GEN) $(THEME_GEN) $(MPL_GEN)

$(THEME_GEN): themes/dark.theme
	@mkdir -p $(@D)
	@echo "GEN $@"
	$(call embed_text,builtin_theme)

$(MPL_GEN): src/tide_matplotlib.py
	@mkdir -p $(@D)
	@echo "GEN $@"
	$(call embed_text,tide_matplotlib_py)

.PHONY: all run check deps grammars unit unit-asan cli-tests security-tests \
        e2e-tests e2e-asan bench fuzz fuzz-regress install uninstall clean distclean

all: tide tide-ide

# Two programs: tide, the commands, and tide-ide, the IDE it starts.
tide: $(CLI_OBJ) $(MAIN_OBJ)
	@echo "LD $@"
	$(Q)$(CC) $(OPT) $(GITLIB_LDFLAGS) -o $@ $^ $(CLI_LIBS) -lpthread

tide-ide: $(OBJ) $(IDE_MAIN_OBJ) $(GRAMMAR_OBJ)
	@echo "LD $@"
	$(Q)$(CC) $(OPT) $(GITLIB_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: %.c | $(GEN_HEADERS)
	@mkdir -p $(@D)
	@echo "CC $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/asan/%.o: %.c | $(GEN_HEADERS)
	@mkdir -p $(@D)
	@echo "CC $< (asan)"
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

$(BUILD)/unit: $(OBJ) $(UNIT_OBJ) $(GRAMMAR_OBJ)
	@echo "LD $@"
	$(Q)$(CC) $(OPT) $(GITLIB_LDFLAGS) -o $@ $^ $(LDLIBS) $(shell $(PKG_CONFIG) --libs $(TEST_PC))

# Both programs built again under AddressSanitizer and UBSan, for the e2e
# suite (e2e-asan): the IDE's drawing and editing code runs there.  The
# themes are found next to the programs, as they are next to ./tide.
ASAN_BIN := $(BUILD)/asan-bin
$(ASAN_BIN)/tide: $(patsubst $(BUILD)/obj/%,$(BUILD)/asan/%,$(CLI_OBJ) $(MAIN_OBJ))
	@mkdir -p $(@D)
	@ln -sfn ../../themes $(@D)/themes
	@echo "LD $@"
	$(Q)$(CC) $(OPT) $(SAN) $(GITLIB_LDFLAGS) -o $@ $^ $(CLI_LIBS) -lpthread

$(ASAN_BIN)/tide-ide: $(patsubst $(BUILD)/obj/%,$(BUILD)/asan/%,$(OBJ) $(IDE_MAIN_OBJ)) $(GRAMMAR_OBJ)
	@mkdir -p $(@D)
	@echo "LD $@"
	$(Q)$(CC) $(OPT) $(SAN) $(GITLIB_LDFLAGS) -o $@ $^ $(LDLIBS)

# The same unit tests, built again under AddressSanitizer and UBSan.  The
# grammar tables are generated code and are linked uninstrumented.
$(BUILD)/unit-asan: $(SAN_OBJ) $(GRAMMAR_OBJ)
	@echo "LD $@"
	$(Q)$(CC) $(OPT) $(SAN) $(GITLIB_LDFLAGS) -o $@ $^ $(LDLIBS) $(shell $(PKG_CONFIG) --libs $(TEST_PC))

# The libFuzzer target (tests/fuzz/fuzz_syntax.c): the core built again
# with clang, instrumented for coverage and the sanitizers.
FUZZ_CC    ?= clang
FUZZ_SAN   := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
              -fno-omit-frame-pointer
FUZZ_OBJ   := $(patsubst %.c,$(BUILD)/fuzz/%.o,$(CORE_SRC) tests/fuzz/fuzz_syntax.c)
FUZZ_TIME  ?= 300

$(BUILD)/fuzz/%.o: %.c | $(GEN_HEADERS)
	@mkdir -p $(@D)
	@echo "CC $< (fuzz)"
	$(Q)$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SAN) -c -o $@ $<

$(BUILD)/fuzz-syntax: $(FUZZ_OBJ) $(GRAMMAR_OBJ)
	@echo "LD $@"
	$(Q)$(FUZZ_CC) $(OPT) -fsanitize=fuzzer,address,undefined $(GITLIB_LDFLAGS) -o $@ $^ $(LDLIBS)

-include $(OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(IDE_MAIN_OBJ:.o=.d) $(BUILD)/asan/src/main.d $(BUILD)/asan/ui/ide_main.d $(UNIT_OBJ:.o=.d) $(SAN_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d)

# ---------------------------------------------------------------- the two commands

run: deps
	$(MAKE) --no-print-directory -j$(NPROC) tide tide-ide
	./tide $(ARGS)

# Order matters: the suites that drive the binary run first, the unit tests
# last, so the run ends with the test framework's own summary line.
check: EXTRA_PKGS = $(TEST_PKGS)
check: deps
	$(MAKE) --no-print-directory -j$(NPROC) tide tide-ide $(BUILD)/unit $(BUILD)/unit-asan $(BUILD)/fuzz-syntax \
	  $(ASAN_BIN)/tide $(ASAN_BIN)/tide-ide
	$(MAKE) --no-print-directory cli-tests security-tests e2e-tests e2e-asan fuzz-regress unit-asan unit

unit: $(BUILD)/unit
	@$(BUILD)/unit --jobs=$(NPROC)

# A leak is reported when a test's process exits, after Criterion has
# counted the test as passed: the log is checked for sanitizer reports.
unit-asan: $(BUILD)/unit-asan
	@set -o pipefail; \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(BUILD)/unit-asan --jobs=$(NPROC) 2>&1 | tee $(BUILD)/unit-asan.log; rc=$$?; \
	if grep -qE 'ERROR: (Leak|Address)Sanitizer|runtime error:' $(BUILD)/unit-asan.log; then \
	  echo "unit-asan: the sanitizers reported errors (see above)"; exit 1; fi; exit $$rc

cli-tests: tide tide-ide
	@tests/run-suite tests/cli

security-tests: tide
	@tests/run-suite tests/security

e2e-tests: tide tide-ide
	@tests/run-suite tests/e2e

# The e2e suite against the sanitized programs; every report of theirs
# (they write them to files: the screen is tmux's) fails it.
e2e-asan: $(ASAN_BIN)/tide $(ASAN_BIN)/tide-ide
	@rm -rf $(BUILD)/e2e-asan-logs && mkdir -p $(BUILD)/e2e-asan-logs
	@ASAN_OPTIONS=detect_leaks=1:log_path=$(CURDIR)/$(BUILD)/e2e-asan-logs/asan \
	  UBSAN_OPTIONS=print_stacktrace=1:log_path=$(CURDIR)/$(BUILD)/e2e-asan-logs/ubsan \
	  TIDE=$(CURDIR)/$(ASAN_BIN)/tide tests/run-suite tests/e2e; rc=$$?; \
	if [ -n "$$(ls -A $(BUILD)/e2e-asan-logs)" ]; then \
	  cat $(BUILD)/e2e-asan-logs/*; echo "e2e-asan: the sanitizers reported errors (see above)"; exit 1; fi; \
	exit $$rc

# Fuzz the syntax module for FUZZ_TIME seconds (new inputs go to
# build/fuzz-corpus; the seeds in tests/fuzz/corpus are only read).
fuzz: deps
	$(MAKE) --no-print-directory -j$(NPROC) $(BUILD)/fuzz-syntax
	@mkdir -p $(BUILD)/fuzz-corpus
	$(BUILD)/fuzz-syntax -max_total_time=$(FUZZ_TIME) -max_len=8192 -timeout=20 -rss_limit_mb=4096 \
	  $(BUILD)/fuzz-corpus tests/fuzz/corpus

# What `make check` runs: every seed, then ten seconds of fuzzing from a
# fixed seed, so that a failure can be reproduced.
fuzz-regress: $(BUILD)/fuzz-syntax
	@rm -rf $(BUILD)/fuzz-regress && mkdir -p $(BUILD)/fuzz-regress
	@echo "fuzz: replaying tests/fuzz/corpus, then 10 s of fuzzing"
	@set -o pipefail; $(BUILD)/fuzz-syntax -runs=0 tests/fuzz/corpus 2>&1 | tail -n 3 && \
	  $(BUILD)/fuzz-syntax -seed=1 -max_total_time=10 -timeout=20 -rss_limit_mb=4096 \
	    $(BUILD)/fuzz-regress tests/fuzz/corpus 2>&1 | tail -n 3

bench: deps
	$(MAKE) --no-print-directory -j$(NPROC) tide tide-ide
	@tests/run-bench

# ---------------------------------------------------------------- dependencies

# Debian packages: libraries (-dev), and the tools the tests and benchmarks use.
DEV_PKGS  := pkg-config libncurses-dev libtree-sitter-dev libgit2-dev libsqlite3-dev \
             libseccomp-dev libinih-dev libjansson-dev libvterm-dev libcriterion-dev \
             libpcre2-dev nettle-dev zlib1g-dev libchafa-dev libglib2.0-dev libstb-dev
TOOL_PKGS := gcc make git ca-certificates tmux bubblewrap vim nano iproute2 procps \
             python3 util-linux openssl clang libclang-rt-14-dev ncurses-term
# What only the tests need: Debian's matplotlib (its Python's plots,
# drawn in a sandboxed run and shown by the IDE), strace (what the IDE
# writes to its terminal).  `make check` adds these.
TEST_PKGS := python3-matplotlib strace
# Toolchains: installed only when the machine has no such command on PATH
# (a rustup or pyenv install counts).  command=package
TOOLCHAINS := python3=python3 node=nodejs npm=npm go=golang-go gcc=gcc g++=g++ \
              javac=default-jdk-headless java=default-jdk-headless php=php-cli \
              rustc=rustc cargo=cargo gfortran=gfortran

deps:
	@missing=""; \
	for p in $(DEV_PKGS) $(TOOL_PKGS) $(EXTRA_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q ' installed$$' \
	    || missing="$$missing $$p"; \
	done; \
	for tc in $(TOOLCHAINS); do \
	  command -v "$${tc%%=*}" >/dev/null 2>&1 || missing="$$missing $${tc#*=}"; \
	done; \
	missing=$$(echo $$missing | tr ' ' '\n' | sort -u | tr '\n' ' '); \
	if [ -z "$${missing// }" ]; then echo "deps: everything tide needs is installed"; exit 0; fi; \
	echo "deps: installing $$missing"; \
	sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $$missing

# ---------------------------------------------------------------- install

install: tide tide-ide
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)/themes
	install -m 0755 tide tide-ide $(DESTDIR)$(BINDIR)/
	install -m 0644 docs/tide.1 $(DESTDIR)$(MANDIR)/tide.1
	$(if $(wildcard themes/*.theme),install -m 0644 $(wildcard themes/*.theme) $(DESTDIR)$(DATADIR)/themes/)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tide $(DESTDIR)$(BINDIR)/tide-ide $(DESTDIR)$(MANDIR)/tide.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(BUILD)/obj $(BUILD)/asan $(BUILD)/fuzz $(BUILD)/unit $(BUILD)/unit-asan $(BUILD)/gen \
	  $(BUILD)/fuzz-syntax $(BUILD)/fuzz-regress tide tide-ide

# Also forgets the downloaded grammar sources (the next build fetches them).
distclean:
	rm -rf $(BUILD) tide tide-ide
