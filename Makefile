# sila: build, test, benchmark and install.
#
# The programs land in bin/, objects in bin/.obj/. `make check` builds and runs
# every test, then builds a second tree under bin/asan/ with AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the tests again there. Flags for libraries
# come from pkg-config; CFLAGS, LDFLAGS, PREFIX and DESTDIR are respected.

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/sila
MANDIR     ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
O          ?= bin

PKGS := libarchive libmagic poppler-glib libhs jansson libxml-2.0 libcrypto \
	gmime-3.0 libgsf-1 tesseract lept libseccomp sqlite3

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wwrite-strings -Wundef -Wvla \
	-Wcast-qual -Wnull-dereference -Wdouble-promotion \
	-Werror=implicit-function-declaration
# Library headers are included as system headers so that their own warnings
# (glib under -Wpedantic) do not drown ours.
PKG_CFLAGS := $(patsubst -I%,-isystem %,$(shell $(PKG_CONFIG) --cflags $(PKGS)))
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS))
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka)

ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DSILA_VERSION='"$(VERSION)"' -DSILA_DATADIR='"$(DATADIR)"' \
	-Icore $(WARN) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS := $(LDFLAGS)

CORE_SRC  := $(sort $(wildcard core/*.c))
CORE_OBJ  := $(CORE_SRC:core/%.c=$(O)/.obj/core/%.o)
PROGS     := $(sort $(patsubst filters/%.c,%,$(wildcard filters/sila*.c)))
PROG_BINS := $(PROGS:%=$(O)/%)
TEST_SRC  := $(sort $(wildcard tests/unit/test_*.c))
TEST_BINS := $(TEST_SRC:tests/unit/%.c=$(O)/tests/%)
LIB       := $(O)/.obj/libsila.a

# Objects depend on a stamp holding the flags they were built with, so a
# changed PREFIX (compiled in as SILA_DATADIR) or CFLAGS rebuilds them.
FLAGS_STAMP := $(O)/.obj/flags
FLAGS_NOW := $(ALL_CFLAGS) $(ALL_LDFLAGS)
ifneq ($(FLAGS_NOW),$(file <$(FLAGS_STAMP)))
$(shell mkdir -p $(O)/.obj)
$(file >$(FLAGS_STAMP),$(FLAGS_NOW))
endif

# Quiet by default; `make V=1` shows the full commands.
Q := $(if $(V),,@)

.SECONDARY:
.PHONY: all deps demo check test unit e2e asan eval bench fuzz install uninstall clean
all: $(PROG_BINS)

$(O)/.obj/core/%.o: core/%.c core/*.h $(FLAGS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/.obj/filters/%.o: filters/%.c core/*.h $(FLAGS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(CORE_OBJ)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

# Tools of the benchmark (bench/*.c), built with the library, never installed.
$(O)/bench/%: bench/%.c $(LIB) core/*.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

# Programs that need libraries beyond libsila's: LDLIBS_<program>.
LDLIBS_sila-milter := -lmilter -lpthread

$(O)/%: $(O)/.obj/filters/%.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS) $(LDLIBS_$*)

$(O)/tests/%: tests/unit/%.c $(LIB) tests/unit/*.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -Itests/unit -o $@ $< $(LIB) $(PKG_LIBS) $(CMOCKA_LIBS) -lpthread

# The README's two commands install what is missing first, then build in a
# fresh make so that pkg-config sees the libraries just installed.
deps:
	@scripts/deps

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo $(O)

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory asan

test: unit e2e

unit: $(TEST_BINS)
	@tests/run-unit $(O) $(TEST_BINS)

e2e: all
	@tests/run-e2e $(O)

asan:
	@$(MAKE) --no-print-directory O=bin/asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		LDFLAGS="-fsanitize=address,undefined" test

eval: all
	@tests/run-eval $(O)

bench: all $(O)/bench/hsfloor
	@scripts/bench $(O)

MAN1 := $(wildcard man/*.1)
MAN5 := $(wildcard man/*.5)
MAN8 := $(wildcard man/*.8)

# Runs every fuzz harness for FUZZ_SECONDS (default 60) each; needs clang
# and libclang-rt-14-dev (SILA_DEPS_EXTRA="clang libclang-rt-14-dev" scripts/deps).
fuzz: all
	@scripts/fuzz $(O)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/patterns
	install -m 755 $(PROG_BINS) $(DESTDIR)$(BINDIR)
	cp -R patterns/. $(DESTDIR)$(DATADIR)/patterns
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	$(if $(MAN1),install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1)
	$(if $(MAN5),install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5)
	$(if $(MAN8),install -m 644 $(MAN8) $(DESTDIR)$(MANDIR)/man8)
	@# The pages name the default paths; give them this install's.
	sed -i -e 's|/usr/local/share/sila|$(DATADIR)|g' -e 's|/usr/local/bin|$(BINDIR)|g' \
		$(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%) $(MAN5:man/%=$(DESTDIR)$(MANDIR)/man5/%) \
		$(MAN8:man/%=$(DESTDIR)$(MANDIR)/man8/%)

uninstall:
	rm -f $(PROGS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%) $(MAN5:man/%=$(DESTDIR)$(MANDIR)/man5/%) \
		$(MAN8:man/%=$(DESTDIR)$(MANDIR)/man8/%)
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf bin
