#!/bin/bash
# SPDX-License-Identifier: ISC
# The package's life after install: `dpkg -r` leaves the mail, the spool
# and the configuration and disables the inetd line; installing again
# keeps a conffile the administrator changed; purge asks nothing, keeps
# a spool that still holds mail (and mailboxes with mail), and removes
# a spool that holds none, with the inetd line and the statoverride.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
plan 23

install_package || { echo "Bail out! the package does not install"; exit 1; }
set_conf localdomains=example.org
make_mailbox example.org ann
printf 'Subject: kept\n\nmail to keep\n' | in_root sendmail ann@example.org
run_cron_job > /dev/null 2>&1
like "$(maildir_text example.org ann)" 'Subject: kept' "a message delivered to ann"
in_root update-inetd --enable smtp > /dev/null 2>&1

in_root dpkg -r smtpgate >> "$T/dpkg.log" 2>&1
ok $? "dpkg -r smtpgate"
is "$(in_root dpkg-query -W -f '${Status}' smtpgate)" "deinstall ok config-files" \
    "removed, its configuration kept"
ok "$([ ! -e "$R/usr/sbin/smtpd" ] && [ ! -e "$R/usr/sbin/sendmail" ]; echo $?)" \
    "the programs and the sendmail link are gone"
like "$(maildir_text example.org ann)" 'Subject: kept' "the mail stays"
ok "$([ -d "$R/var/spool/smtpgate/in" ]; echo $?)" "the spool stays"
like "$(cat "$R/etc/smtpgate/smtpgate.conf")" '^localdomains=example\.org$' "the changed configuration stays"
like "$(grep '/usr/sbin/smtpd' "$R/etc/inetd.conf")" '^#<off># smtp[[:space:]]' \
    "the inetd line is disabled (its program is gone)"
out=$(run_cron_job 2>&1)
is "$?:$out" "0:" "the cron job (a conffile, still there) is quiet without spoolmgr"

install_package
ok $? "installed again"
like "$(cat "$R/etc/smtpgate/smtpgate.conf")" '^localdomains=example\.org$' "the administrator's smtpgate.conf is kept"
is "$(ls "$R"/etc/smtpgate/ | tr '\n' ' ')" "aliases smtpgate.conf " \
    "and no .dpkg-dist or .dpkg-new beside it"
is "$(in_root stat -c '%a %G' /usr/bin/mailer)" "2755 smtpgate" "mailer set-group-ID again"

# A message that stays queued: for a domain this root cannot reach
printf 'Subject: waiting\n\nstill queued\n' |
    as_user smtpgate /usr/sbin/sendmail -odq carl@example.net
ok $? "a message queued for carl@example.net (-odq)"

in_root dpkg --purge smtpgate < /dev/null > "$T/purge.log" 2>&1
ok $? "dpkg --purge smtpgate, with nothing on its standard input"
like "$(cat "$T/purge.log")" 'smtpgate: /var/spool/smtpgate still holds mail: kept' \
    "purge says it keeps the spool"
ok "$(ls "$R"/var/spool/smtpgate/in/*.WRK > /dev/null 2>&1; echo $?)" \
    "the queued message is still there"
like "$(maildir_text example.org ann)" 'Subject: kept' "ann's mail is still there"
ok "$([ ! -e "$R/etc/smtpgate/smtpgate.conf" ] && [ ! -e "$R/etc/cron.d/smtpgate" ]; echo $?)" \
    "the conffiles are gone"
is "$(grep -c '/usr/sbin/smtpd' "$R/etc/inetd.conf")" 0 "the inetd line is gone"
is "$(in_root dpkg-statoverride --list /usr/bin/mailer)" "" "the statoverride is gone"

# Once the administrator has dealt with the queued mail, the next purge
# removes the spool.
rm -f "$R"/var/spool/smtpgate/in/*
install_package && in_root dpkg --purge smtpgate < /dev/null >> "$T/purge.log" 2>&1
ok $? "installed and purged again"
ok "$([ ! -e "$R/var/spool/smtpgate" ]; echo $?)" "an empty spool is removed"
