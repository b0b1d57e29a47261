#!/bin/bash
# SPDX-License-Identifier: ISC
# apt installs the package into a throwaway Debian 12 root (lib.sh) and
# its maintainer scripts really run: the system user, the spool and the
# mail root with smtpgate-spool(5)'s modes, mailer set-group-ID through
# dpkg-statoverride, the inetd line registered disabled (port 25 stays
# closed under a running inetd), systemd units neither enabled nor
# started, the programs' --version.  Installing again changes nothing,
# neither a line the administrator enabled nor a mode he changed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
plan 21

install_package
ok $? "apt-get install ./$(basename "$DEB") in a Debian 12 root"
[ $? -eq 0 ] || sed 's/^/# /' "$T/apt.log"
is "$(in_root dpkg-query -W -f '${Status} ${Version}' smtpgate)" \
    "install ok installed $VERSION" "dpkg: smtpgate $VERSION installed"

pw=$(in_root getent passwd smtpgate)
like "$pw" '^smtpgate:x:[0-9]+:[0-9]+:[^:]*:/var/spool/smtpgate:/usr/sbin/nologin$' \
    "user smtpgate: home the spool, no shell"
uid=$(echo "$pw" | cut -d: -f3)
ok "$([ "$uid" -lt 1000 ]; echo $?)" "a system user (uid $uid)"
is "$(in_root id -gn smtpgate)" smtpgate "its group smtpgate"

modes() {	# modes PATH...: mode owner group of each, one line
	local p out=
	for p in "$@"; do
		out="$out$(in_root stat -c '%a %U %G' "$p"); "
	done
	echo "$out"
}
spool_modes() {
	modes /var/spool/smtpgate /var/spool/smtpgate/in /var/spool/smtpgate/out \
	    /var/spool/smtpgate/bad
}
want_spool="2770 smtpgate smtpgate; 2770 smtpgate smtpgate; 2770 smtpgate smtpgate; 2770 smtpgate smtpgate; "
is "$(spool_modes)" "$want_spool" "spool, in, out, bad: 2770 smtpgate:smtpgate"
is "$(modes /var/mail/smtpgate /var/mail/smtpgate/postmaster)" \
    "755 smtpgate smtpgate; 700 smtpgate smtpgate; " \
    "/var/mail/smtpgate 755, and postmaster's mailbox (debian/aliases)"
is "$(modes /usr/bin/mailer)" "2755 root smtpgate; " \
    "mailer: set-group-ID smtpgate"
is "$(in_root dpkg-statoverride --list /usr/bin/mailer)" \
    "root smtpgate 2755 /usr/bin/mailer" "through dpkg-statoverride"

inetd_lines() { grep -E '(^|#)[[:space:]]*smtp[[:space:]].*/usr/sbin/smtpd' "$R/etc/inetd.conf"; }
like "$(inetd_lines)" \
    '^#<off># smtp[[:space:]]+stream[[:space:]]+tcp[[:space:]]+nowait\.1000[[:space:]]+root[[:space:]]+/usr/sbin/smtpd[[:space:]]+smtpd -C /etc/smtpgate/smtpgate\.conf$' \
    "inetd.conf: smtpd on port 25, registered disabled (#<off>#)"

# The root's inetd, started as its init script would: port 25 stays shut.
bg chroot "$R" /usr/sbin/inetd -i
sleep 1
python3 -c 'import socket; socket.create_connection(("127.0.0.1", 25), 2)' \
    2> /dev/null
ok "$([ $? -ne 0 ]; echo $?)" "with inetd running, nothing listens on port 25"

is "$(find "$R/etc/systemd" -name 'smtpgate*' | wc -l)" 0 \
    "the systemd socket is not enabled (no link in /etc/systemd)"
ok "$([ -f "$R/lib/systemd/system/smtpgate-smtpd.socket" ]; echo $?)" \
    "but installed, for systemctl enable --now smtpgate-smtpd.socket"

versions=
for p in smtpd spoolmgr mailer mxlookup; do
	versions="$versions$(in_root "$p" --version); "
done
is "$versions" "smtpd (smtpgate) $VERSION; spoolmgr (smtpgate) $VERSION; mailer (smtpgate) $VERSION; mxlookup (smtpgate) $VERSION; " \
    "--version of every installed program"

out=$(run_cron_job 2>&1)
is "$?:$out" "0:" \
    "the cron job's command, with the shipped configuration: exit 0, says nothing (postmaster reaches a mailbox)"

# Installing again: everything stays as it is, and as the administrator
# left it.
in_root chmod 750 /var/mail/smtpgate
in_root apt-get install -y -q --reinstall "/tmp/$(basename "$DEB")" \
    >> "$T/apt.log" 2>&1
ok $? "apt-get install --reinstall"
is "$(inetd_lines | wc -l)" 1 "still one inetd line"
is "$(spool_modes)" "$want_spool" "the spool's modes unchanged"
is "$(modes /var/mail/smtpgate)" "750 smtpgate smtpgate; " \
    "the mail root's mode as the administrator changed it"

in_root update-inetd --enable smtp > /dev/null 2>&1
in_root dpkg-reconfigure smtpgate >> "$T/apt.log" 2>&1
ok $? "dpkg-reconfigure smtpgate (postinst configure again)"
like "$(inetd_lines | tr '\n' '|')" \
    '^smtp[[:space:]]+stream[[:space:]].*/usr/sbin/smtpd[[:space:]]+smtpd -C /etc/smtpgate/smtpgate\.conf\|$' \
    "an inetd line the administrator enabled stays enabled, and one"
