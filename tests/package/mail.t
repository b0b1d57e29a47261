#!/bin/bash
# SPDX-License-Identifier: ISC
# The installed package carries mail: the administrator sets
# localdomains, makes a mailbox as the README says and enables the inetd
# line with update-inetd; a message sent to port 25 through the root's
# inetd is queued by smtpd as user smtpgate and lands in the Maildir
# once the cron job's command has run.  An ordinary user's script mails
# through /usr/sbin/sendmail (set-group-ID mailer), and its mail to
# root reaches the package's postmaster mailbox.  The log file that
# logrotate's file names is written, rotated and written again.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"
plan 21

install_package || { echo "Bail out! the package does not install"; exit 1; }
set_conf localdomains=example.org
set_conf logfile=/var/log/smtpgate/smtpgate.log
make_mailbox example.org ann
ok $? "ann@example.org's mailbox, made as the README says"

in_root update-inetd --enable smtp > "$T/update-inetd.log" 2>&1
ok $? "update-inetd --enable smtp"
bg chroot "$R" /usr/sbin/inetd -i
wait_port 127.0.0.1 25
ok $? "the root's inetd listens on port 25 from the registered line"

printf 'Subject: through port 25\n\nsent by swaks\n' > "$T/msg"
out=$(swaks --server 127.0.0.1:25 --helo client.test --from sender@remote.test \
    --to ann@example.org --data "$T/msg" 2>&1)
like "$out" '<-  220 ' "smtpd greets"
like "$out" '<-  250 2\.0\.0 queued as [0-9]+' "the message is queued (250)"
queued=$(ls "$R/var/spool/smtpgate/in" | grep -c '\.WRK$')
is "$queued" 1 "one envelope in the spool"
is "$(in_root sh -c 'stat -c "%U %G" /var/spool/smtpgate/in/*.WRK')" "smtpgate smtpgate" \
    "written by smtpd as smtpgate, not root"
ok "$(ls "$R"/var/mail/smtpgate/example.org/ann/new/* > /dev/null 2>&1; [ $? -ne 0 ]; echo $?)" \
    "nothing delivered before the cron job runs"

out=$(run_cron_job 2>&1)
is "$?:$out" "0:" "the cron job's command ($(cron_command)) as $(cron_user): exit 0, quiet"
like "$(maildir_text example.org ann)" 'Subject: through port 25' \
    "the message is in ann's Maildir"
is "$(ls "$R/var/spool/smtpgate/in" | grep -c '\.WRK$')" 0 "and no longer in the spool"

# An ordinary user's script, through /usr/sbin/sendmail
in_root useradd -m bob
cat > "$R/home/bob/report.sh" <<'SH'
#!/bin/sh
{
	echo "To: ann@example.org"
	echo "Subject: from bob's script"
	echo
	echo "all well"
} | /usr/sbin/sendmail -t
echo "status $?"
printf 'Subject: for root\n\nto the administrator\n' | /usr/sbin/sendmail root
echo "status $?"
SH
chmod 755 "$R/home/bob/report.sh"
out=$(as_user bob /home/bob/report.sh 2>&1)
is "$out" "status 0
status 0" "bob's script: sendmail -t and sendmail root exit 0"
like "$(in_root sh -c 'stat -c %G /var/spool/smtpgate/in/*.WRK' | sort -u | tr '\n' ' ')" \
    '^smtpgate $' "bob's messages are queued with the spool's group"
out=$(run_cron_job 2>&1)
is "$?:$out" "0:" "the cron job's command again"
like "$(maildir_text example.org ann)" "Subject: from bob's script" \
    "bob's message is in ann's Maildir"
like "$(cat "$R"/var/mail/smtpgate/postmaster/new/* 2> /dev/null)" \
    'Subject: for root' "mail to root reaches the postmaster mailbox (the shipped aliases)"

# logrotate, as its daily job runs it, forced: the log moves aside and
# the next run starts a new file of the gateway's user.
LOG=$R/var/log/smtpgate/smtpgate.log
like "$(cat "$LOG" 2> /dev/null)" 'smtpd\[[0-9]+\]: message [0-9]+' \
    "smtpd and spoolmgr log to logfile=/var/log/smtpgate/smtpgate.log"
in_root logrotate -f -s /var/lib/logrotate/test.status /etc/logrotate.d/smtpgate \
    > "$T/logrotate.log" 2>&1
ok $? "logrotate -f /etc/logrotate.d/smtpgate"
[ $? -eq 0 ] || sed 's/^/# /' "$T/logrotate.log"
like "$(cat "$LOG.1" 2> /dev/null)" 'spoolmgr\[[0-9]+\]: message [0-9]+' \
    "the old log is smtpgate.log.1"
run_cron_job > /dev/null 2>&1
printf 'Subject: after rotation\n\n.\n' | in_root sendmail ann@example.org
run_cron_job > /dev/null 2>&1
is "$(in_root stat -c '%a %U' /var/log/smtpgate/smtpgate.log)" "640 smtpgate" \
    "the new log: 640, smtpgate's"
like "$(cat "$LOG")" 'message [0-9]+' "and written to"
