#!/bin/bash
# SPDX-License-Identifier: ISC
# make install writes nothing outside PREFIX; make install-mta makes
# mailer the system's sendmail: set-group-ID to MTA_GROUP, the links
# sendmail, mailq, newaliases and PREFIX/lib/sendmail, and the
# configuration when there is none.  Both into a DESTDIR.
. "$(dirname "$0")/lib.sh"
plan 13

prefix=/usr/local
make -s -C "$TOP" install DESTDIR="$T/plain" > "$T/make.log" 2>&1
ok $? "make install DESTDIR=... succeeds"
is "$(cd "$T/plain" && find . -mindepth 1 -not -path "./usr" \
    -not -path "./usr/local" -not -path "./usr/local/*" | sort | tr '\n' ' ')" "" \
    "make install: nothing outside PREFIX"
ok "$([ -f "$T/plain$prefix/share/doc/smtpgate/smtpgate.conf.sample" ]; echo $?)" \
    "the sample configuration is under PREFIX/share/doc"
is "$(stat -c %a "$T/plain$prefix/bin/mailer")" 755 "make install: mailer is not set-group-ID"

d=$T/mta
make -s -C "$TOP" install-mta DESTDIR="$d" MTA_GROUP=mail > "$T/make.log" 2>&1
ok $? "make install-mta DESTDIR=... MTA_GROUP=mail succeeds"
is "$(stat -c '%a %G' "$d$prefix/bin/mailer")" "2755 mail" \
    "mailer: mode 2755, group mail"
for l in sbin/sendmail bin/mailq bin/newaliases lib/sendmail; do
	is "$(readlink "$d$prefix/$l")" "$prefix/bin/mailer" "$l links to mailer"
done
ok "$([ -f "$d/etc/smtpgate/smtpgate.conf" ]; echo $?)" \
    "install-mta: SYSCONFDIR/smtpgate/smtpgate.conf made"
echo "hostname=kept" > "$d/etc/smtpgate/smtpgate.conf"
make -s -C "$TOP" install-mta DESTDIR="$d" MTA_GROUP=mail > "$T/make.log" 2>&1
is "$(cat "$d/etc/smtpgate/smtpgate.conf")" "hostname=kept" \
    "a second install-mta keeps the configuration"
make -s -C "$TOP" install-mta DESTDIR="$T/nogroup" MTA_GROUP=no-such-group-here \
    > "$T/make.log" 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "install-mta with a group that does not exist fails"
