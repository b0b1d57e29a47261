#!/bin/bash
# SPDX-License-Identifier: ISC
# Mail from Debian's real cron to local users, with the README's kind of
# configuration (hostname= not among localdomains=): cron runs
# "sendmail -FCronDaemon -i -B8BITMIME -oem USER", mailer makes USER
# USER@HOSTNAME, and the hostname is always local (smtpgate.conf(5)):
# spoolmgr run puts it in USER's Maildir of the first local domain, root
# through the alias "root: ann".  The header's "From: root (Cron Daemon)"
# leaves qualified with the hostname.  Then name@localhost and
# name@HOSTNAME through smtpd (from a client that may not relay) and
# mailer; and with no localdomains at all, mail under the hostname
# itself, spoolmgr's "postmaster reaches no mailbox" complaint, run by
# cron, reaching root's mailbox as cron's mail.
#
# cron runs for real, in the foreground, in a private mount namespace
# (unshare -m): its crontab directories, /run (its pid file) and
# /usr/sbin/sendmail (a wrapper noting the arguments and running this
# tree's mailer with the test's configuration) are bind mounts seen by it
# alone; its @reboot jobs run at once.  Where that cannot be done, the
# same command line is given the message as cron writes it (said in a
# diagnostic; CRON_BY_HAND=1 asks for that).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 38

ADDR=127.0.20.1		# this test's loopback range: 127.0.20.0/24
HOST=mx.example.test

# --- the gateway: README's configuration, resolver pointing nowhere -----
setup "hostname=$HOST" "resolver=$ADDR@53" dnstimeout=2 waittime=5 \
    relayclients=192.0.2.0/24
maildir carl@example.test ann@example.test dan@example.test
printf 'root: ann\n' > "$T/aliases"

# The sendmail cron runs: notes its arguments, then this tree's mailer.
cat > "$T/sendmail" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >> "$T/sendmail.args"
exec "$TOP/mailer/mailer" -C "$CONF" "\$@"
EOF
chmod 755 "$T/sendmail"

# start_cron CRONTAB-TEXT: the real cron with this system crontab.
start_cron() {
	local ns=$T/cron.$_n
	mkdir -p "$ns/cron.d" "$ns/crontabs" "$ns/run"
	: > "$ns/crontab"
	printf '%s\n' "$1" > "$ns/cron.d/smtpgate-test"
	chmod 644 "$ns/cron.d/smtpgate-test"
	bg unshare -m --propagation private sh -c '
	    ns=$1
	    mount --bind "$ns/cron.d" /etc/cron.d &&
	    mount --bind "$ns/crontab" /etc/crontab &&
	    mount --bind "$ns/crontabs" /var/spool/cron/crontabs &&
	    mount --bind "$ns/run" /run &&
	    mount --bind "$2" /usr/sbin/sendmail &&
	    exec cron -f' sh "$ns" "$T/sendmail" > "$ns/log" 2>&1
	cron_pid=$!
}

stop_cron() {
	kill "$cron_pid" 2>/dev/null
	wait "$cron_pid" 2>/dev/null
}

# queued N: at least N messages in the spool, waiting up to 20 s
queued() { wait_for 20 sh -c "[ \$(ls '$T/spool/in' | grep -c '\.WRK\$') -ge $1 ]"; }

# cron_by_hand USER OUTPUT: cron's own command line and message,
# for where cron cannot run privately
cron_by_hand() {
	printf 'From: root (Cron Daemon)\nTo: %s\nSubject: Cron <root@%s> job\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\nX-Cron-Env: <LOGNAME=root>\n\n%s\n' \
	    "$1" "$(hostname)" "$2" |
	    "$T/sendmail" -FCronDaemon -i -B8BITMIME -oem "$1"
}

can_unshare() {
	[ -z "${CRON_BY_HAND:-}" ] && command -v cron > /dev/null && [ -e /usr/sbin/sendmail ] &&
	    unshare -m --propagation private sh -c \
	    "mount --bind '$T' /mnt" 2> /dev/null
}

# check_mail FILE FROM TO TEXT: Python's email parser reads FILE; prints
# "from=ADDR to=ADDR defects=N text=FIRST-LINE"
check_mail() {
	python3 - "$1" <<'EOF'
import email, email.policy, sys
with open(sys.argv[1], "rb") as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
defects = sum(len(p.defects) for p in m.walk())
frm = m["From"].addresses[0]
to = m["To"].addresses[0]
text = m.get_body(("plain",)).get_content().splitlines()
print("from=%s to=%s defects=%d text=%s" % (frm.addr_spec, to.addr_spec,
      defects, "|".join(text)))
EOF
}

# --- 1. cron mails carl (MAILTO) and root (the crontab's owner) ---------
if can_unshare; then
	mode=daemon
	start_cron 'SHELL=/bin/sh
@reboot root echo "job for root"
MAILTO=carl
@reboot root echo "job for carl"; echo "second line"'
	queued 2
	stop_cron
else
	mode=hand
	diag "cron cannot run in a private namespace here: its command line by hand"
	cron_by_hand root "job for root"
	cron_by_hand carl "job for carl
second line"
fi
diag "cron: $mode"
is "$(sort "$T/sendmail.args" 2>/dev/null | tr '\n' '|')" \
    "-FCronDaemon -i -B8BITMIME -oem carl|-FCronDaemon -i -B8BITMIME -oem root|" \
    "cron ran sendmail -FCronDaemon -i -B8BITMIME -oem USER, for carl and root"
like "$(cat "$T"/spool/in/*.WRK 2>/dev/null | grep '^To:' | sort | tr '\n' ' ')" \
    "^To: <carl@$HOST> To: <root@$HOST> $" \
    "mailer qualified them with the hostname"
is "$(grep -h '^From:' "$T"/spool/in/*.WRK 2>/dev/null | sort -u)" "From: <root@$HOST>" \
    "the envelope sender is root, who ran the jobs (not the gateway's user)"
like "$(grep -h '^From:' "$T"/spool/in/*.TXT 2>/dev/null | sort -u)" \
    "^From: root@$HOST \(Cron Daemon\)$" \
    "the queued text has cron's From: qualified with the hostname"
err=$(run 2>&1)
is "$?" 0 "spoolmgr run: exit 0"
is "$err" "" "spoolmgr run: nothing on stderr"
is "$(spool_count)" 0 "both left the spool: delivered, not looping or waiting"
is "$(files carl@example.test)" 1 "carl@HOSTNAME reached carl of the first local domain"
is "$(files ann@example.test)" 1 "root@HOSTNAME reached ann through the alias root: ann"

f=$(newest carl@example.test)
like "$(grep -m1 '^From:' "$f")" "^From: root@$HOST \(Cron Daemon\)$" \
    "From: root (Cron Daemon) left qualified, comment kept"
like "$(grep -m1 '^To:' "$f")" "^To: carl@$HOST$" "To: carl qualified too"
like "$(sed -n 2p "$f")" "^Delivered-To: carl@example\.test$" \
    "Delivered-To: names the mailbox"
like "$(sed -n 1p "$f")" "^Return-Path: <root@$HOST>$" \
    "the envelope sender is root, who ran the job, not the gateway's user"
like "$(grep -m1 -A1 '^Received: from local user' "$f" | tr -d '\n')" \
    "^Received: from local user root \(uid 0\)" "Received: names root too"
is "$(check_mail "$f")" \
    "from=root@$HOST to=carl@$HOST defects=0 text=job for carl|second line" \
    "Python's email parser reads carl's mail: addresses, no defects, the text"
f=$(newest ann@example.test)
is "$(check_mail "$f")" \
    "from=root@$HOST to=root@$HOST defects=0 text=job for root" \
    "... and root's, in ann's Maildir"

# --- 2. name@localhost and name@HOSTNAME through smtpd ------------------
PORT=$(free_port)
bg tcpserver -HRl0 "$ADDR" "$PORT" "$TOP/smtpd/smtpd" -C "$CONF"
wait_port "$ADDR" "$PORT"
smtp=$(python3 - "$ADDR" "$PORT" <<'EOF'
import smtplib, sys
s = smtplib.SMTP(sys.argv[1], int(sys.argv[2]), timeout=20)
s.ehlo("client.test")
s.mail("someone@client.test")
out = []
for rcpt in ("carl@localhost", "dan@MX.Example.Test", "root@localhost",
             "postmaster@mx.example.test", "nosuch@localhost",
             "nosuch@mx.example.test", "carl@elsewhere.test"):
    code, msg = s.rcpt(rcpt)
    out.append("%s=%d" % (rcpt, code))
try:
    code, msg = s.data(b"From: someone@client.test\r\nSubject: by smtp\r\n"
                       b"\r\nvia smtpd\r\n")
except smtplib.SMTPException as e:
    code = getattr(e, "smtp_code", 0)
out.append("data=%d" % code)
s.quit()
print(" ".join(out))
EOF
)
like "$smtp" "carl@localhost=250 " "smtpd: carl@localhost taken (a mailbox of the first local domain)"
like "$smtp" "dan@MX.Example.Test=250 " "smtpd: dan@HOSTNAME taken, any case"
like "$smtp" "root@localhost=250 " "smtpd: root@localhost taken (an alias)"
like "$smtp" "postmaster@mx.example.test=250 " "smtpd: postmaster@HOSTNAME taken"
like "$smtp" "nosuch@localhost=550 nosuch@mx.example.test=550 " \
    "smtpd: no such mailbox under localhost or the hostname: 550"
like "$smtp" "carl@elsewhere.test=550 " "smtpd: another domain still needs relayclients"
like "$smtp" "data=250" "smtpd: the message is queued"
like "$(grep 'refused' "$T/spoolmgr.log" 2>/dev/null | tr '\n' ' ')" "<nosuch@localhost> refused: 550 no such user" \
    "smtpd logs why"

# --- 3. ... and through mailer (sendmail mode) ---------------------------
printf 'From: ops\nTo: dan@localhost, Carl <carl@%s>\nCc: "Team, Ops" <carl>,\n\tundisclosed:;\nReply-To: ops (the ops desk)\nSubject: by mailer\n\nvia mailer\n' "$HOST" |
    "$TOP/mailer/mailer" -C "$CONF" -t 2> "$T/mailer.err"
is "$?" 0 "mailer: dan@localhost and carl@HOSTNAME: exit 0, left for spoolmgr"
is "$(cat "$T/mailer.err")" "" "mailer: nothing deferred on stderr"
run
is "$(spool_count)" 0 "spoolmgr delivered what smtpd and mailer queued"
is "$(files carl@example.test)" 3 "carl: cron's, smtpd's and mailer's"
is "$(files dan@example.test)" 2 "dan: smtpd's and mailer's"
is "$(files ann@example.test)" 2 "ann: cron's and smtpd's (root@localhost)"
is "$(files postmaster@example.test)" 1 "postmaster: smtpd's"
like "$(grep -m1 '^From:' "$(newest dan@example.test)")" "^From: ops@$HOST$" \
    "mailer qualified From: ops"
f=$(newest dan@example.test)
is "$(sed -n '/^Cc:/,/^[^	]/p' "$f" | sed '$d')" "Cc: \"Team, Ops\" <carl@$HOST>,
	undisclosed:;" "Cc: the quoted name and the folding kept, the empty group left alone"
like "$(grep '^Reply-To:' "$f")" "^Reply-To: ops@$HOST \(the ops desk\)$" \
    "Reply-To: qualified before its comment"

# --- 4. no localdomains: mail lives under the hostname ------------------
sed -i '/^localdomains=/d' "$CONF"
maildir "ann@$HOST"
if [ "$mode" = daemon ]; then
	# spoolmgr run by cron: its complaint is cron's mail to root
	start_cron "SHELL=/bin/sh
@reboot root $TOP/spoolmgr/spoolmgr -C $CONF run"
	queued 1
	stop_cron
else
	"$TOP/spoolmgr/spoolmgr" -C "$CONF" run > "$T/out" 2>&1
	cron_by_hand root "$(cat "$T/out")"
fi
run 2> "$T/err2"
like "$(cat "$T/err2")" "postmaster@$HOST reaches no mailbox: create $T/mail/$HOST/postmaster" \
    "no localdomains: postmaster@HOSTNAME must reach a mailbox, said on stderr"
is "$(files "ann@$HOST")" 1 "root@HOSTNAME reached ann under the hostname itself"
f=$(newest "ann@$HOST")
like "$(check_mail "$f")" "^from=root@$HOST to=root@$HOST defects=0 text=spoolmgr: postmaster@$HOST reaches no mailbox" \
    "the complaint reached root's mailbox as cron's mail"
like "$(sed -n 2p "$f")" "^Delivered-To: ann@$HOST$" "Delivered-To: ann@HOSTNAME"
