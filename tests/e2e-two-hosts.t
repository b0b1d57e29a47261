#!/bin/bash
# SPDX-License-Identifier: ISC
# Two gateways on one machine: host A on 127.0.0.2 serves a.test, host B on
# 127.0.0.3 serves b.test, each with its own inetd on port 25, config and
# spool; NSD answers for both domains.  A script on A mails ann@b.test:
# mailer -> A's spool -> spoolmgr on A -> mxlookup -> mailer -x -> B's
# smtpd -> B's spool -> spoolmgr on B -> B's Maildir.  Then B answers
# back, and a stranger's relay attempt through B is refused.
. "$(dirname "$0")/lib.sh"
plan 13

mkdir -p "$T/nsd"
cat > "$T/nsd/test.zone" <<EOF
\$ORIGIN test.
\$TTL 300
@ IN SOA ns.test. admin.test. 1 3600 600 86400 300
@ IN NS ns
ns IN A 127.0.0.1
a IN MX 10 mx.a
mx.a IN A 127.0.0.2
b IN MX 10 mx.b
mx.b IN A 127.0.0.3
EOF
start_nsd test

# host NAME ADDR DOMAIN USER: a gateway with its inetd on ADDR:25
host() {
	local h=$T/$1
	make_spool "$h/spool"
	mkdir -p "$h/mail/$3/$4/new" "$h/mail/$3/$4/cur" "$h/mail/$3/$4/tmp" \
	    "$h/mail/$3/postmaster/new" "$h/mail/$3/postmaster/cur" \
	    "$h/mail/$3/postmaster/tmp"
	chown -R nobody:nogroup "$h/mail"
	cat > "$h/smtpgate.conf" <<EOF
hostname=mx.$3
localdomains=$3
relayclients=$2/32
spool=$h/spool
mailroot=$h/mail
aliases=$h/aliases
user=nobody
logfile=$h/log
resolver=127.0.0.1@$NSDPORT
remoteport=25
retrymin=0
mxlookup=$TOP/mxlookup/mxlookup
mailer=$TOP/mailer/mailer
waittime=0
EOF
	echo "postmaster: $4" > "$h/aliases"
	touch "$h/log"
	chown nobody:nogroup "$h/log"
	echo "$2:25 stream tcp nowait.100 root $TOP/smtpd/smtpd smtpd -C $h/smtpgate.conf" \
	    > "$h/inetd.conf"
	bg inetd -i -E "$h/inetd.conf"
	wait_port "$2" 25
}
host A 127.0.0.2 a.test joe
host B 127.0.0.3 b.test ann

# A script on host A: queue only (-odq), as cron's mail would be.
msgid="<two-hosts.$$@a.test>"
printf 'From: joe@a.test\nTo: ann@b.test\nSubject: across\nMessage-ID: %s\n\nhello from A\n.dot line\n' \
    "$msgid" > "$T/msg"
"$TOP/mailer/mailer" -C "$T/A/smtpgate.conf" -odq -f joe@a.test ann@b.test < "$T/msg"
is "$?" 0 "mailer -odq on A queues the message"
is "$(ls "$T/A/spool/in" | grep -c 'WRK$')" 1 "A's spool holds it"

"$TOP/spoolmgr/spoolmgr" -C "$T/A/smtpgate.conf" run
is "$?" 0 "spoolmgr run on A exits 0"
is "$(find "$T/A/spool/in" "$T/A/spool/out" -name '*.WRK' | wc -l | tr -d ' ')" 0 \
    "A's spool is empty: the message went out"
is "$(ls "$T/B/spool/in" | grep -c 'WRK$')" 1 "B's smtpd accepted it into B's spool"
like "$(cat "$T/B/spool/in/"*.TXT)" "^Received: from .*mx\.a\.test" \
    "B's copy begins with B's Received: header naming A"

"$TOP/spoolmgr/spoolmgr" -C "$T/B/smtpgate.conf" run
is "$?" 0 "spoolmgr run on B exits 0"
f=$(find "$T/B/mail/b.test/ann/new" -type f | head -1)
ok "$([ -n "$f" ]; echo $?)" "the message is in ann's Maildir on B"
like "$(cat "$f" 2>/dev/null)" "Message-ID: $msgid" "with its Message-ID"
like "$(tail -n 2 "$f" 2>/dev/null | tr '\n' '|')" '^hello from A\|\.dot line\|$' \
    "and its body intact, the dot line included"

# B answers A through the same path, from B's side.
printf 'From: ann@b.test\nTo: joe@a.test\nSubject: re: across\n\nthanks\n' |
    "$TOP/mailer/mailer" -C "$T/B/smtpgate.conf" -odq -f ann@b.test joe@a.test
"$TOP/spoolmgr/spoolmgr" -C "$T/B/smtpgate.conf" run
"$TOP/spoolmgr/spoolmgr" -C "$T/A/smtpgate.conf" run
is "$(find "$T/A/mail/a.test/joe/new" -type f | wc -l | tr -d ' ')" 1 \
    "B's answer reached joe's Maildir on A"

# A stranger (127.0.0.1) may not relay through B to a third domain.
reply=$(swaks --server 127.0.0.3:25 --from x@stranger.test --to victim@c.test \
    --quit-after RCPT 2>&1 | grep -E '^<\*\*' | tail -1)
like "$reply" '550 5\.7\.1' "B refuses to relay for a stranger (550 5.7.1)"
is "$(find "$T/B/spool/in" -name '*.WRK' | wc -l | tr -d ' ')" 0 \
    "and nothing is left in B's spool"
