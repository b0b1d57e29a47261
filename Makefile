# smtpgate: a mail gateway in small C programs.
# GNU make.  `make` builds, `make check` tests, `make demo` shows it work.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
SPOOLDIR   ?= /var/spool/smtpgate
MAILROOT   ?= /var/mail/smtpgate
DESTDIR    ?=

CC       ?= cc
CFLAGS   ?= -O2 -g
PKGS      = ldns libbsd libssl libcrypto
STD       = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN      = -Wall -Wextra -Werror
PATHS     = -DSYSCONFDIR='"$(SYSCONFDIR)"' -DSPOOLDIR='"$(SPOOLDIR)"' \
            -DMAILROOT='"$(MAILROOT)"' -DBINDIR='"$(BINDIR)"' \
            -DSBINDIR='"$(SBINDIR)"'
ALL_CFLAGS = $(STD) $(WARN) $(PATHS) -Ilib $(shell pkg-config --cflags $(PKGS)) $(CFLAGS)
LDLIBS    = $(shell pkg-config --libs $(PKGS))

# O is where objects and programs go: empty for the normal build (programs
# land beside their sources, as ./smtpd/smtpd), build-asan/ for the
# sanitizer build that `make check` runs the unit tests under.
O ?=

PROGRAMS  = smtpd mxlookup mailer spoolmgr
BUILT     = $(foreach p,$(PROGRAMS),$(if $(wildcard $(p)/main.c),$(p)))
LIB_OBJS  = $(patsubst %.c,$(O)%.o,$(wildcard lib/*.c))
LIBA      = $(O)lib/libsmtpgate.a
# A program's objects other than main.o are its engine, which unit tests link.
prog_objs   = $(patsubst %.c,$(O)%.o,$(filter-out $(1)/main.c,$(wildcard $(1)/*.c)))
UNIT_SRCS = $(wildcard tests/unit/*.c)
UNIT_BINS = $(patsubst %.c,$(O)%,$(UNIT_SRCS))
MANPAGES  = $(wildcard man/*.[158])

.PHONY: all deps check unit-check asan-check clang-check integration-check lint-man \
        demo bench install clean $(PROGRAMS)

all: $(foreach p,$(BUILT),$(O)$(p)/$(p))

deps:
	@sh tools/deps.sh

$(O)%.o: %.c $(wildcard lib/*.h) $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

define PROGRAM_RULE
$(1): $(O)$(1)/$(1)
$(O)$(1)/$(1): $(call prog_objs,$(1)) $(O)$(1)/main.o $(LIBA)
	$$(CC) $$(CFLAGS) -o $$@ $$(filter %.o,$$^) $(LIBA) $$(LDLIBS)
endef
$(foreach p,$(PROGRAMS),$(eval $(call PROGRAM_RULE,$(p))))

# tests/unit/PROG_name.c tests PROG's engine; tests/unit/lib_name.c tests lib.
define UNIT_RULE
$(O)tests/unit/$(1): tests/unit/$(1).c $(call prog_objs,$(firstword $(subst _, ,$(1)))) $(LIBA)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(ALL_CFLAGS) -o $$@ $$< $$(filter %.o,$$^) $(LIBA) $$(LDLIBS) -lcmocka
endef
$(foreach u,$(notdir $(basename $(UNIT_SRCS))),$(eval $(call UNIT_RULE,$(u))))

unit-check: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; ./$$t; done

asan-check:
	$(MAKE) O=build-asan/ CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' unit-check

clang-check:
	$(MAKE) O=build-clang/ CC=clang all

lint-man:
	mandoc -Tlint -Wwarning $(MANPAGES)

integration-check: all
	prove -v tests/*.t

check: deps
	$(MAKE) all
	$(MAKE) clang-check
	$(MAKE) unit-check
	$(MAKE) asan-check
	$(MAKE) lint-man
	$(MAKE) integration-check

demo: deps
	$(MAKE) all
	sh tools/demo.sh

bench: deps
	$(MAKE) all
	bash bench/run.sh

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSCONFDIR)/smtpgate
	install -m 755 smtpd/smtpd spoolmgr/spoolmgr $(DESTDIR)$(SBINDIR)/
	install -m 755 mxlookup/mxlookup $(DESTDIR)$(BINDIR)/
	install -m 755 mailer/mailer $(DESTDIR)$(BINDIR)/
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	test -e $(DESTDIR)$(SYSCONFDIR)/smtpgate/smtpgate.conf || \
	    install -m 644 smtpgate.conf.sample $(DESTDIR)$(SYSCONFDIR)/smtpgate/smtpgate.conf

clean:
	rm -rf build-asan build-clang demo
	rm -f lib/*.o lib/*.a $(foreach p,$(PROGRAMS),$(p)/*.o $(p)/$(p)) \
	    $(patsubst %.c,%,$(UNIT_SRCS))
