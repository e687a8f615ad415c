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
LIB_PC   := ncursesw tree-sitter libgit2 sqlite3 libseccomp inih jansson vterm
TEST_PC  := criterion
PC_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(LIB_PC))
PC_LIBS   = $(shell $(PKG_CONFIG) --libs $(LIB_PC))

OPT      ?= -O2 -g
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter -Werror=implicit-function-declaration
DEFS     := -D_GNU_SOURCE -DTIDE_VERSION='"$(VERSION)"' -DTIDE_DATADIR='"$(DATADIR)"'
CFLAGS   ?=
ALL_CFLAGS = -std=c17 $(OPT) $(WARN) $(DEFS) -Isrc -Iui -I$(BUILD)/gen $(PC_CFLAGS) $(CFLAGS) -MMD -MP
LDLIBS    = $(PC_LIBS) -lpthread -lm
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# `make V=1` shows the full commands.
Q := $(if $(V),,@)

CORE_SRC := $(filter-out src/main.c,$(wildcard src/*.c))
UI_SRC   := $(wildcard ui/*.c)
UNIT_SRC := $(wildcard tests/unit/*.c)

OBJ      := $(patsubst %.c,$(BUILD)/obj/%.o,$(CORE_SRC) $(UI_SRC))
MAIN_OBJ := $(BUILD)/obj/src/main.o
UNIT_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(UNIT_SRC))
SAN_OBJ  := $(patsubst %.c,$(BUILD)/asan/%.o,$(CORE_SRC) $(UI_SRC) $(UNIT_SRC))

# The tree-sitter grammars: fetching, verifying and compiling them.  Defines
# GRAMMAR_OBJ (linked into everything) and the `grammars` target.
include grammars/grammars.mk

.PHONY: all run check deps grammars unit unit-asan cli-tests security-tests \
        e2e-tests bench install uninstall clean distclean

all: tide

tide: $(OBJ) $(MAIN_OBJ) $(GRAMMAR_OBJ)
	@echo "LD $@"
	$(Q)$(CC) $(OPT) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: %.c | $(GRAMMAR_GEN)
	@mkdir -p $(@D)
	@echo "CC $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/asan/%.o: %.c | $(GRAMMAR_GEN)
	@mkdir -p $(@D)
	@echo "CC $< (asan)"
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

$(BUILD)/unit: $(OBJ) $(UNIT_OBJ) $(GRAMMAR_OBJ)
	@echo "LD $@"
	$(Q)$(CC) $(OPT) -o $@ $^ $(LDLIBS) $(shell $(PKG_CONFIG) --libs $(TEST_PC))

# The same unit tests, built again under AddressSanitizer and UBSan.  The
# grammar tables are generated code and are linked uninstrumented.
$(BUILD)/unit-asan: $(SAN_OBJ) $(GRAMMAR_OBJ)
	@echo "LD $@"
	$(Q)$(CC) $(OPT) $(SAN) -o $@ $^ $(LDLIBS) $(shell $(PKG_CONFIG) --libs $(TEST_PC))

-include $(OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(SAN_OBJ:.o=.d)

# ---------------------------------------------------------------- the two commands

run: deps
	$(MAKE) --no-print-directory -j$(NPROC) tide
	./tide $(ARGS)

# Order matters: the suites that drive the binary run first, the unit tests
# last, so the run ends with the test framework's own summary line.
check: deps
	$(MAKE) --no-print-directory -j$(NPROC) tide $(BUILD)/unit $(BUILD)/unit-asan
	$(MAKE) --no-print-directory cli-tests security-tests e2e-tests unit-asan unit

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

cli-tests: tide
	@tests/run-suite tests/cli

security-tests: tide
	@tests/run-suite tests/security

e2e-tests: tide
	@tests/run-suite tests/e2e

bench: deps
	$(MAKE) --no-print-directory -j$(NPROC) tide
	@tests/run-bench

# ---------------------------------------------------------------- dependencies

# Debian packages: libraries (-dev), and the tools the tests and benchmarks use.
DEV_PKGS  := pkg-config libncurses-dev libtree-sitter-dev libgit2-dev libsqlite3-dev \
             libseccomp-dev libinih-dev libjansson-dev libvterm-dev libcriterion-dev
TOOL_PKGS := gcc make git ca-certificates tmux bubblewrap vim nano iproute2 procps \
             python3 util-linux openssl
# Toolchains: installed only when the machine has no such command on PATH
# (a rustup or pyenv install counts).  command=package
TOOLCHAINS := python3=python3 node=nodejs npm=npm go=golang-go gcc=gcc g++=g++ \
              javac=default-jdk-headless java=default-jdk-headless php=php-cli \
              rustc=rustc gfortran=gfortran

deps:
	@missing=""; \
	for p in $(DEV_PKGS) $(TOOL_PKGS); do \
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

install: tide
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)/themes
	install -m 0755 tide $(DESTDIR)$(BINDIR)/tide
	install -m 0644 docs/tide.1 $(DESTDIR)$(MANDIR)/tide.1
	$(if $(wildcard themes/*.theme),install -m 0644 $(wildcard themes/*.theme) $(DESTDIR)$(DATADIR)/themes/)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tide $(DESTDIR)$(MANDIR)/tide.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(BUILD)/obj $(BUILD)/asan $(BUILD)/unit $(BUILD)/unit-asan $(BUILD)/gen tide

# Also forgets the downloaded grammar sources (the next build fetches them).
distclean:
	rm -rf $(BUILD) tide
