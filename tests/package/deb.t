#!/bin/bash
# SPDX-License-Identifier: ISC
# The package file that `make deb` built, as dpkg and lintian see it
# before anything is installed: its control fields (a system MTA's
# Provides, Conflicts and Replaces, libssl3 by name for smtpd's dlopen),
# its conffiles, its files and modes, hardened programs, and lintian's
# report without errors.
. "$(dirname "$0")/../lib.sh"
plan 19

VERSION=$(cat "$TOP/VERSION")
# SMTPGATE_DEB: another package file to test (default: make deb's)
DEB=${SMTPGATE_DEB:-$(ls "$TOP"/build-deb/smtpgate_"$VERSION"_*.deb 2> /dev/null | head -n 1)}
if [ -z "$DEB" ]; then
	echo "Bail out! no build-deb/smtpgate_${VERSION}_*.deb: run make deb"
	exit 1
fi
field() { dpkg-deb -f "$DEB" "$1"; }
X=$T/x
dpkg-deb -x "$DEB" "$X"
dpkg-deb -e "$DEB" "$X/DEBIAN"

is "$(field Version)" "$VERSION" "the package's version is VERSION's"
for f in Provides Conflicts Replaces; do
	like "$(field $f)" '(^|, )mail-transport-agent(,|$)' "$f: mail-transport-agent"
done
deps=$(field Depends)
like "$deps" '(^|, )libssl3( |,|$)' "Depends: libssl3 (smtpd loads it with dlopen for STARTTLS)"
like "$deps" '(^|, )adduser(,|$).*update-inetd|update-inetd.*(^|, )adduser(,|$)' \
    "Depends: adduser and update-inetd (used by postinst)"

is "$(sort "$X/DEBIAN/conffiles" | tr '\n' ' ')" \
    "/etc/cron.d/smtpgate /etc/logrotate.d/smtpgate /etc/smtpgate/aliases /etc/smtpgate/smtpgate.conf " \
    "conffiles: smtpgate.conf, aliases, the cron job, logrotate"
conf=$X/etc/smtpgate/smtpgate.conf
ok "$(grep -q '^#hostname=' "$conf" && ! grep -q '^hostname' "$conf"; echo $?)" \
    "smtpgate.conf: hostname commented out (the machine's name by default)"

missing=
for f in usr/sbin/smtpd usr/sbin/spoolmgr usr/bin/mailer usr/bin/mxlookup \
    usr/share/man/man1/mailer.1.gz usr/share/man/man1/mxlookup.1.gz \
    usr/share/man/man5/smtpgate.conf.5.gz usr/share/man/man5/smtpgate-spool.5.gz \
    usr/share/man/man8/smtpd.8.gz usr/share/man/man8/spoolmgr.8.gz \
    usr/share/doc/smtpgate/README.md.gz usr/share/doc/smtpgate/copyright \
    lib/systemd/system/smtpgate-smtpd.socket \
    lib/systemd/system/smtpgate-smtpd@.service; do
	[ -e "$X/$f" ] || missing="$missing $f"
done
is "$missing" "" "programs, manuals, README, copyright and systemd units are in"
links=
for l in usr/sbin/sendmail usr/lib/sendmail usr/bin/mailq usr/bin/newaliases; do
	links="$links $(readlink -f "$X/$l" | sed "s|^$X/||")"
done
is "$links" " usr/bin/mailer usr/bin/mailer usr/bin/mailer usr/bin/mailer" \
    "sendmail, /usr/lib/sendmail, mailq and newaliases are mailer"
is "$(dpkg-deb -c "$DEB" | awk '$6 == "./usr/bin/mailer" { print $1, $2 }')" \
    "-rwxr-xr-x root/root" \
    "mailer is plain 0755 in the file; postinst makes it set-group-ID"
like "$(grep -h ExecStart "$X/lib/systemd/system/smtpgate-smtpd@.service")" \
    '^ExecStart=/usr/sbin/smtpd -C /etc/smtpgate/smtpgate.conf$' "the service runs the installed smtpd"
sock=$(cat "$X/lib/systemd/system/smtpgate-smtpd.socket")
like "$sock" 'ListenStream=25' "the socket listens on port 25"
like "$sock" 'Accept=yes' "with Accept=yes: one smtpd per connection"
like "$(cat "$X/etc/cron.d/smtpgate")" \
    '(^|\n)\* \* \* \* \* smtpgate .*/usr/sbin/spoolmgr run$' \
    "the cron job: spoolmgr run every minute as smtpgate"

hardening-check --nocfprotection "$X/usr/sbin/smtpd" "$X/usr/sbin/spoolmgr" \
    "$X/usr/bin/mailer" "$X/usr/bin/mxlookup" > "$T/hardening" 2>&1
ok $? "hardening-check: PIE, stack protector, FORTIFY, RELRO, BIND_NOW"
[ $? -eq 0 ] || sed 's/^/# /' "$T/hardening"

# purge asks nothing: no maintainer script talks to debconf
ok "$(! grep -l 'confmodule\|db_input' "$X"/DEBIAN/p* > /dev/null; echo $?)" \
    "the maintainer scripts ask no questions"

report=$TOP/build-deb/lintian.txt
ok "$([ -s "$report" ] || [ -f "$report" ]; echo $?)" "lintian's report is there"
is "$(grep -c '^E: ' "$report")" 0 "lintian reports no errors"
grep '^[EW]: ' "$report" | sed 's/^/# /'
