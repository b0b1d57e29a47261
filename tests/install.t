#!/bin/bash
# SPDX-License-Identifier: ISC
# `make install PREFIX=...` after a plain `make` (issue 9, defect 12): the
# programs installed must have the new PREFIX's paths compiled in (spoolmgr
# runs PREFIX/bin/mxlookup), not the first build's /usr/local ones.  The
# Makefile keeps the flags of the last build in .build-flags, the paths
# among them, and rebuilds when they change; so a later plain `make`
# rebuilds with the default paths again.  All of it in a copy of the
# sources in $T: the checkout's own programs stay as they are for the
# tests that follow.
. "$(dirname "$0")/lib.sh"
plan 8

SRC=$T/src
mkdir -p "$SRC"
(cd "$TOP" && cp -r Makefile VERSION lib smtpd mxlookup mailer spoolmgr man \
    smtpgate.conf.sample "$SRC/")
make -s -C "$SRC" clean > /dev/null 2>&1
# paths: the strings naming the programs' default places, in one binary
paths() { strings "$1" | grep -E '/(mxlookup|mailer|smtpgate\.conf|smtpgate)$' | sort -u; }

make -s -C "$SRC" -j2 all > "$T/make.log" 2>&1
ok $? "make builds"
like "$(paths "$SRC/spoolmgr/spoolmgr")" '^/usr/local/bin/mxlookup$' \
    "the first build has /usr/local/bin/mxlookup compiled in"

make -s -C "$SRC" -j2 install PREFIX="$T/p" SYSCONFDIR="$T/etc" DESTDIR= \
    > "$T/install.log" 2>&1
ok $? "make install PREFIX=$T/p SYSCONFDIR=$T/etc"
got=$(paths "$T/p/sbin/spoolmgr")
like "$got" "^$T/p/bin/mxlookup\$" "the installed spoolmgr runs PREFIX/bin/mxlookup"
like "$got" "^$T/p/bin/mailer\$" "and PREFIX/bin/mailer"
test -z "$(strings "$T/p/sbin/spoolmgr" "$T/p/bin/mailer" "$T/p/sbin/smtpd" |
    grep -E '^/usr/local/|^/etc/smtpgate')"
ok $? "no installed program keeps /usr/local/ or /etc/smtpgate in it"
# the configuration is where SYSCONFDIR says, and the program looks there
like "$(paths "$T/p/sbin/spoolmgr")" "^$T/etc/smtpgate/smtpgate\\.conf\$" \
    "the installed spoolmgr reads SYSCONFDIR/smtpgate/smtpgate.conf"

make -s -C "$SRC" -j2 all > "$T/make2.log" 2>&1
like "$(paths "$SRC/spoolmgr/spoolmgr")" '^/usr/local/bin/mxlookup$' \
    "a plain make afterwards builds with the default paths again"
