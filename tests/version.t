#!/bin/bash
# SPDX-License-Identifier: ISC
# One version, in the file VERSION: every program's --version prints it
# (exit 0, before reading any configuration), each manual says so, and
# debian/changelog, which gives the package its version, agrees.
. "$(dirname "$0")/lib.sh"
plan 10

VERSION=$(cat "$TOP/VERSION")
like "$VERSION" '^[0-9][0-9A-Za-z.+~]*$' "VERSION holds one version ($VERSION)"
for p in smtpd mxlookup mailer spoolmgr; do
	# -C of a file that does not exist: --version reads no configuration
	out=$("$TOP/$p/$p" --version -C /nonexistent 2>&1)
	is "$?:$out" "0:$p (smtpgate) $VERSION" "$p --version"
done
"$TOP/smtpd/smtpd" --version > /dev/full 2>&1
is "$?" 74 "a --version that cannot be written fails (EX_IOERR)"

changelog=$(sed -n '1s/^smtpgate (\([^)]*\)).*/\1/p' "$TOP/debian/changelog")
is "${changelog%-*}" "$VERSION" "debian/changelog's version is VERSION's"

missing=
for m in smtpd.8 mxlookup.1 mailer.1 spoolmgr.8; do
	MANWIDTH=200 mandoc -Tascii "$TOP/man/$m" | col -b |
	    grep -q -- '--version' || missing="$missing $m"
done
is "$missing" "" "every program's manual gives --version"
like "$(make -s -C "$TOP" version)" "^$VERSION\$" "make version prints it"
like "$(MANWIDTH=200 mandoc -Tascii "$TOP/man/mailer.1" | col -b | grep -A4 -- '--version' | tr -s ' \t\n' ' ')" \
    '-V +is not the version' "mailer(1): -V stays the DSN envelope id"
