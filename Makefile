# SPDX-License-Identifier: ISC
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
# The user's (or a packager's: dpkg-buildflags) flags, all honoured; the
# hardening below is added before them, so theirs win where they differ.
CFLAGS   ?= -O2 -g
CPPFLAGS ?=
LDFLAGS  ?=
PKGS      = ldns libbsd libssl libcrypto
STD       = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
# -Werror only where we test (make check and its builds), never in a
# packager's plain `make`: a newer compiler's new warning must not break it.
WERROR   ?=
WARN      = -Wall -Wextra $(WERROR)
PATHS     = -DSYSCONFDIR='"$(SYSCONFDIR)"' -DSPOOLDIR='"$(SPOOLDIR)"' \
            -DMAILROOT='"$(MAILROOT)"' -DBINDIR='"$(BINDIR)"' \
            -DSBINDIR='"$(SBINDIR)"'
# Hardening by default (HARDEN= turns it off: the sanitizer builds).
# _FORTIFY_SOURCE only when the user's flags do not choose a level.
HARDEN   ?= yes
HARDEN_CFLAGS   = -fstack-protector-strong -fPIE
HARDEN_CPPFLAGS = $(if $(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)),,-D_FORTIFY_SOURCE=2)
HARDEN_LDFLAGS  = -pie -Wl,-z,relro,-z,now
ALL_CPPFLAGS = $(STD) $(PATHS) -Ilib $(shell pkg-config --cflags $(PKGS)) \
            $(if $(HARDEN),$(HARDEN_CPPFLAGS)) $(CPPFLAGS)
ALL_CFLAGS = $(WARN) $(if $(HARDEN),$(HARDEN_CFLAGS)) $(CFLAGS)
ALL_LDFLAGS = $(if $(HARDEN),$(HARDEN_CFLAGS) $(HARDEN_LDFLAGS)) $(CFLAGS) \
            $(LDFLAGS)
LDLIBS    = $(shell pkg-config --libs $(PKGS))
# Each program links only the libraries it uses: every library linked is
# loaded and relocated at every start, and smtpd starts once a connection
# (OpenSSL's libcrypto alone is thousands of relocations; bench/README.md).
# Toolchains that link --as-needed drop the others anyway; clang here does not.
# smtpd is not linked with OpenSSL: it dlopen()s libssl at the first
# STARTTLS (smtpd/tls_load.c; dlopen is in libc since glibc 2.34, older
# ones need -ldl here).  The soname comes from the OpenSSL headers it is
# compiled with; CPPFLAGS=-DSSL_SONAME='"libssl.so.N"' names another.
PROG_PKGS_smtpd    = libbsd
PROG_PKGS_spoolmgr = libbsd
PROG_PKGS_mxlookup = ldns libbsd
PROG_PKGS_mailer   = $(PKGS)
# smtpd's AUTH back end authusers= hashes with libcrypt (crypt_r); so do
# the unit tests and fuzzers that link it.
PROG_PKGS_smtpd   += libxcrypt
LDLIBS            += $(shell pkg-config --libs libxcrypt)
prog_libs = $(shell pkg-config --libs $(or $(PROG_PKGS_$(1)),$(PKGS)))

# The version lives in the file VERSION and nowhere else: lib/version.c
# has it from here (--version of every program), debian/changelog's
# version follows it (tests/version.t checks that they agree).
VERSION := $(strip $(file <VERSION))
ifeq ($(VERSION),)
$(error VERSION: the file VERSION is missing or empty)
endif

# O is where objects and programs go: empty for the normal build (programs
# land beside their sources, as ./smtpd/smtpd), build-asan/ for the
# sanitizer build that `make check` runs the unit tests under, build-clang/
# and build-fuzz/ (clang, libFuzzer) for the others.
O ?=

# `make check` builds with -Werror (its sub-makes are told so too).
ifneq ($(filter check,$(MAKECMDGOALS)),)
WERROR = -Werror
endif

# Objects are rebuilt when the flags change (a check build after a plain
# one, a packager's flags after ours): $(O).build-flags holds the last.
FLAGS_FILE = $(O).build-flags
FLAGS_NOW  = $(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(LDLIBS)
ifneq ($(file <$(FLAGS_FILE)),$(FLAGS_NOW))
$(shell mkdir -p $(or $(O),.))
$(file >$(FLAGS_FILE),$(FLAGS_NOW))
endif

PROGRAMS  = smtpd mxlookup mailer spoolmgr
BUILT     = $(foreach p,$(PROGRAMS),$(if $(wildcard $(p)/main.c),$(p)))
LIB_OBJS  = $(patsubst %.c,$(O)%.o,$(wildcard lib/*.c))
LIBA      = $(O)lib/libsmtpgate.a
# A program's objects other than main.o are its engine, which unit tests link.
prog_objs   = $(patsubst %.c,$(O)%.o,$(filter-out $(1)/main.c,$(wildcard $(1)/*.c)))
# mailer -bs runs smtpd's protocol engine in its own process.
EXTRA_mailer = $(call prog_objs,smtpd)
extra_objs  = $(EXTRA_$(firstword $(subst _, ,$(1))))
UNIT_SRCS = $(wildcard tests/unit/*.c)
UNIT_BINS = $(patsubst %.c,$(O)%,$(UNIT_SRCS))
MANPAGES  = $(wildcard man/*.[158])

.PHONY: all deps check unit-check asan-check clang-check integration-check lint-man \
        hardening-check fuzz fuzz-build fuzz-check demo bench smtpd-static install \
        install-mta clean offline-check deb package-deps package-check version \
        $(PROGRAMS)

all: $(foreach p,$(BUILT),$(O)$(p)/$(p))

deps:
	@sh tools/deps.sh

$(O)%.o: %.c $(wildcard lib/*.h) $(wildcard */*.h) $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# Only lib/version.o has the version compiled in: a new one rebuilds it alone.
$(O)lib/version.o: ALL_CPPFLAGS += -DSMTPGATE_VERSION='"$(VERSION)"'
$(O)lib/version.o: VERSION

$(LIBA): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

define PROGRAM_RULE
$(1): $(O)$(1)/$(1)
$(O)$(1)/$(1): $(call prog_objs,$(1)) $(EXTRA_$(1)) $(O)$(1)/main.o $(LIBA) $(FLAGS_FILE)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(LIBA) $(call prog_libs,$(1))
endef
$(foreach p,$(PROGRAMS),$(eval $(call PROGRAM_RULE,$(p))))

# tests/unit/PROG_name.c tests PROG's engine; tests/unit/lib_name.c tests lib.
define UNIT_RULE
$(O)tests/unit/$(1): tests/unit/$(1).c $(wildcard tests/unit/*.h) $(call prog_objs,$(firstword $(subst _, ,$(1)))) \
    $(call extra_objs,$(1)) $(LIBA) \
    $(FLAGS_FILE)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(ALL_CPPFLAGS) $$(ALL_CFLAGS) $$(ALL_LDFLAGS) -o $$@ $$< \
	    $$(filter %.o,$$^) $(LIBA) $$(LDLIBS) -lcmocka
endef
$(foreach u,$(notdir $(basename $(UNIT_SRCS))),$(eval $(call UNIT_RULE,$(u))))

unit-check: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; ./$$t; done

asan-check:
	$(MAKE) O=build-asan/ HARDEN= WERROR=-Werror CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' unit-check

clang-check:
	$(MAKE) O=build-clang/ CC=clang WERROR=-Werror all

# Each program must show PIE, stack protector, FORTIFY, RELRO and
# immediate binding; hardening-check (devscripts) exits 1 when one lacks.
hardening-check: all
	hardening-check --nocfprotection $(foreach p,$(BUILT),$(O)$(p)/$(p))

lint-man:
	mandoc -Tlint -Wwarning $(MANPAGES)

# Two at a time, the longest first so that the last one to start is short.
# Each test has its own loopback addresses and free ports, so any two of
# them can run side by side.
SLOW_TESTS = tests/spoolmgr-batch.t tests/spoolmgr-dsn-kinds.t \
	tests/spoolmgr-many.t tests/hostile-local.t tests/mailer-fallback.t \
	tests/smtpd-tcpserver.t tests/install.t tests/mailer-nobody.t \
	tests/smtpd-tls.t tests/mailer-dane.t tests/spoolmgr-batch-cost.t
integration-check: all
	prove -j2 --timer --failures --comments \
	    $(SLOW_TESTS) $(filter-out $(SLOW_TESTS),$(sort $(wildcard tests/*.t)))

# libFuzzer harnesses: tests/fuzz/PROG_name.c drives PROG's engine (or
# lib's parsers), tests/fuzz/corpus/PROG_name/ is its seed corpus and
# tests/fuzz/PROG_name.dict, when there, its dictionary.  common.c holds
# what they share: a scratch directory, and the spool writer and the log
# replaced by in-memory stand-ins (the linker's --wrap) so that a run
# writes nothing to disk and takes microseconds.
FUZZ_SRCS   = $(filter-out tests/fuzz/common.c,$(wildcard tests/fuzz/*.c))
FUZZ_NAMES  = $(notdir $(basename $(FUZZ_SRCS)))
FUZZ_O      = build-fuzz/
FUZZ_BINS   = $(addprefix $(FUZZ_O)tests/fuzz/,$(FUZZ_NAMES))
FUZZ_CFLAGS = -O1 -g -fno-omit-frame-pointer \
            -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_WRAP   = $(foreach f,log_event spool_open spool_write spool_commit \
            spool_abort,-Wl,--wrap=$(f))
FUZZ_SECONDS ?= 60

define FUZZ_RULE
$(O)tests/fuzz/$(1): tests/fuzz/$(1).c $(O)tests/fuzz/common.o \
    $(call prog_objs,$(firstword $(subst _, ,$(1)))) $(call extra_objs,$(1)) \
    $(LIBA) $(FLAGS_FILE)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(ALL_CPPFLAGS) $$(ALL_CFLAGS) -fsanitize=fuzzer -o $$@ $$< \
	    $$(filter %.o,$$^) $(LIBA) $(FUZZ_WRAP) $$(LDLIBS)
endef
$(foreach f,$(FUZZ_NAMES),$(eval $(call FUZZ_RULE,$(f))))

fuzz-build:
	$(MAKE) O=$(FUZZ_O) CC=clang HARDEN= WERROR=-Werror \
	    CFLAGS='$(FUZZ_CFLAGS)' $(FUZZ_BINS)

# The regression run of `make check`: every harness over its seed corpus
# once, in seconds.  A seed that crashes fails the check.
fuzz-check: fuzz-build
	@set -e; for f in $(FUZZ_NAMES); do \
	    printf '== fuzz %s: ' $$f; \
	    if $(FUZZ_O)tests/fuzz/$$f tests/fuzz/corpus/$$f/* \
	        > $(FUZZ_O)$$f.log 2>&1; then \
	        echo "$$(ls tests/fuzz/corpus/$$f | wc -l) inputs ok"; \
	    else echo FAILED; tail -n 40 $(FUZZ_O)$$f.log; exit 1; fi; \
	done

# Fuzzing proper: each harness FUZZ_SECONDS seconds, growing its corpus in
# build-fuzz/corpus/NAME (the seeds stay as they are).  A crash leaves its
# input in build-fuzz/crashes/, the next harness runs all the same, and
# the run fails at the end.  Once fixed, a crash joins the seeds:
# tests/fuzz/corpus/NAME/crash-WHAT (tests/fuzz/seeds.py writes them).
fuzz: fuzz-build
	@mkdir -p $(FUZZ_O)crashes; failed=; \
	for f in $(FUZZ_NAMES); do \
	    mkdir -p $(FUZZ_O)corpus/$$f; \
	    dict=; [ ! -f tests/fuzz/$$f.dict ] || dict=-dict=tests/fuzz/$$f.dict; \
	    $(FUZZ_O)tests/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) \
	        -timeout=10 -print_final_stats=1 $$dict \
	        -artifact_prefix=$(FUZZ_O)crashes/$$f- \
	        $(FUZZ_O)corpus/$$f tests/fuzz/corpus/$$f \
	        > $(FUZZ_O)$$f.log 2>&1 || failed="$$failed $$f"; \
	    printf '== fuzz %-16s %s s, %s runs, %s new units%s\n' $$f \
	        $(FUZZ_SECONDS) \
	        "$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_O)$$f.log)" \
	        "$$(sed -n 's/^stat::new_units_added: *//p' $(FUZZ_O)$$f.log)" \
	        "$$(case " $$failed " in *" $$f "*) echo ': CRASH, see' \
	            $(FUZZ_O)$$f.log;; esac)"; \
	done; \
	[ -z "$$failed" ] || { ls $(FUZZ_O)crashes; exit 1; }

# The builds go two at a time, and so do the integration tests (the
# machines that run this have two cores).
check: deps
	$(MAKE) -j2 WERROR=-Werror all
	$(MAKE) WERROR=-Werror hardening-check
	$(MAKE) -j2 clang-check
	$(MAKE) -j2 WERROR=-Werror unit-check
	$(MAKE) -j2 asan-check
	$(MAKE) -j2 fuzz-check
	$(MAKE) lint-man
	$(MAKE) WERROR=-Werror integration-check

# What a package build runs (debian/rules, dh_auto_test): the checks that
# need neither root nor the network, nor anything but the build deps.
offline-check:
	$(MAKE) unit-check
	$(MAKE) asan-check
	$(MAKE) lint-man

version:
	@echo $(VERSION)

# The Debian package, built by dpkg-buildpackage in a clean copy of the
# tree under build-deb/, where its files land:
# build-deb/smtpgate_VERSION_ARCH.deb, and lintian's report beside it
# (build-deb/lintian.txt; an error fails the build).
DEB_DIR   = build-deb
DEB_FILES = Makefile VERSION LICENSE README.md SECURITY.md smtpgate.conf.sample \
            debian docs lib man mailer mxlookup smtpd spoolmgr tests tools
deb:
	@v=$$(dpkg-parsechangelog -S Version); [ "$$v" = "$(VERSION)" ] || \
	    { echo "deb: debian/changelog is at $$v, VERSION at $(VERSION)" >&2; exit 1; }
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/smtpgate-$(VERSION)
	tar cf - $(DEB_FILES) | tar xf - -C $(DEB_DIR)/smtpgate-$(VERSION)
	$(MAKE) -s -C $(DEB_DIR)/smtpgate-$(VERSION) clean
	cd $(DEB_DIR)/smtpgate-$(VERSION) && dpkg-buildpackage -us -uc -b -J2
	lintian -I --pedantic $(DEB_DIR)/smtpgate_$(VERSION)_*.changes \
	    > $(DEB_DIR)/lintian.txt 2>&1; status=$$?; cat $(DEB_DIR)/lintian.txt; \
	    exit $$status
	@ls $(DEB_DIR)/*.deb

# What make deb and package-check need beyond make deps (debhelper,
# lintian, debootstrap): installed when missing, as make deps does.
package-deps:
	@sh tools/deps.sh package

# The package installed for real into a throwaway Debian 12 root, its
# maintainer scripts run, mail through its inetd line and its cron job
# (tests/package/*.t).  As root; minutes, more the first time
# (tools/package-root.sh caches the root).
package-check: package-deps deb
	sh tools/package-root.sh > /dev/null
	prove -v --timer tests/package/*.t

demo: deps
	$(MAKE) all
	sh tools/demo.sh

bench: deps
	$(MAKE) all
	-$(MAKE) smtpd-static
	bash bench/run.sh

# smtpd linked statically: its fastest launch (bench/README.md), for a
# super-server that starts it as its user (inetd.conf's user field,
# tcpserver -u UID -g GID; smtpd(8)).  Not made by `all`: it needs
# libbsd.a and libmd.a (libbsd-dev), gives up the system's library
# updates, and glibc's getpwnam in a static program needs that glibc's
# NSS modules at run time (and crashed in libnss_systemd here), so its
# main.o refuses root (SMTPD_STATIC).  STARTTLS still works: static
# glibc's dlopen(3) loads the shared libssl at the first STARTTLS, if
# the key is readable by the user it runs as.
smtpd-static: $(O)smtpd/smtpd-static
$(O)smtpd/main-static.o: smtpd/main.c $(wildcard lib/*.h) $(wildcard smtpd/*.h) $(FLAGS_FILE)
	$(CC) $(ALL_CPPFLAGS) -DSMTPD_STATIC $(ALL_CFLAGS) -c -o $@ $<
$(O)smtpd/smtpd-static: $(call prog_objs,smtpd) $(O)smtpd/main-static.o $(LIBA) $(FLAGS_FILE)
	$(CC) $(filter-out -pie,$(ALL_LDFLAGS)) $(if $(HARDEN),-static-pie,-static) \
	    -o $@ $(filter %.o,$^) $(LIBA) -lbsd -lmd -lcrypt

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(PREFIX)/share/doc/smtpgate
	install -m 755 smtpd/smtpd spoolmgr/spoolmgr $(DESTDIR)$(SBINDIR)/
	install -m 755 mxlookup/mxlookup $(DESTDIR)$(BINDIR)/
	install -m 755 mailer/mailer $(DESTDIR)$(BINDIR)/
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 smtpgate.conf.sample $(DESTDIR)$(PREFIX)/share/doc/smtpgate/

# mailer as the system's sendmail: set-group-ID to the spool's group
# (MTA_GROUP), the links sendmail (SBINDIR), mailq and newaliases
# (BINDIR) and PREFIX/lib/sendmail (so /usr/lib/sendmail with
# PREFIX=/usr), and SYSCONFDIR/smtpgate/smtpgate.conf when there is none.
# Plain `make install` writes nothing outside PREFIX; this target does.
# MTA_GROUP= (empty) leaves mailer as it is: the Debian package, built
# where the group does not exist yet, has its postinst do that step.
MTA_GROUP ?= smtpgate
install-mta: install
	$(if $(MTA_GROUP),chgrp $(MTA_GROUP) $(DESTDIR)$(BINDIR)/mailer)
	$(if $(MTA_GROUP),chmod 2755 $(DESTDIR)$(BINDIR)/mailer)
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(SYSCONFDIR)/smtpgate
	ln -sf $(BINDIR)/mailer $(DESTDIR)$(SBINDIR)/sendmail
	ln -sf $(BINDIR)/mailer $(DESTDIR)$(BINDIR)/mailq
	ln -sf $(BINDIR)/mailer $(DESTDIR)$(BINDIR)/newaliases
	ln -sf $(BINDIR)/mailer $(DESTDIR)$(PREFIX)/lib/sendmail
	test -e $(DESTDIR)$(SYSCONFDIR)/smtpgate/smtpgate.conf || \
	    install -m 644 smtpgate.conf.sample $(DESTDIR)$(SYSCONFDIR)/smtpgate/smtpgate.conf

clean:
	rm -rf build-asan build-clang build-fuzz build-deb demo .build-flags
	rm -f lib/*.o lib/*.a $(foreach p,$(PROGRAMS),$(p)/*.o $(p)/$(p)) smtpd/smtpd-static \
	    $(patsubst %.c,%,$(UNIT_SRCS))
