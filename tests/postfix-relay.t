#!/bin/bash
# SPDX-License-Identifier: ISC
# A private Postfix as a client of smtpd (issue 9): a message given to
# Postfix's own sendmail(1) is relayed by Postfix (relayhost = smtpd under
# tcpserver on 127.0.25.1), and after `spoolmgr run` it is in the Maildir
# exactly as given, byte for byte, below the Received: fields the two
# servers added.  Dot lines, 8-bit text, tabs and trailing blanks cross
# both servers' dot-stuffing and line-end conversions.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/smtpd-env.sh"
. "$(dirname "$0")/postfix-env.sh"
plan 7

SMTPD_ADDR=127.0.25.1
PF_ADDR=127.0.25.2
port_on() {	# port_on ADDRESS: a TCP port free there now
	python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"
}
PORT=$(port_on $SMTPD_ADDR)

# our side: smtpd under tcpserver, a mailbox spoolmgr can fill
smtpd_conf "aliases=$T/aliases" > "$T/smtpgate.conf"
: > "$T/aliases"
mkdir -p "$T/mail/example.test/postmaster"
chown -R nobody:nogroup "$T/mail"
bg tcpserver -HRl0 "$SMTPD_ADDR" "$PORT" "$SMTPD" -C "$T/smtpgate.conf"
wait_port "$SMTPD_ADDR" "$PORT"

# Postfix: its own directories, relaying everything to smtpd from
# PF_ADDR; no smtpd of its own (the message comes through its pickup),
# and inet_interfaces an address of an interface, as Postfix insists
PF=$T/pf
mkdir -p "$PF"
{
	postfix_relay_cf "$PF" "$PF_ADDR" "[$SMTPD_ADDR]:$PORT"
	cat <<EOC
smtp_tls_security_level = none
EOC
} > "$PF/main.cf"
postfix_master_cf 0 | grep -v ' inet ' > "$PF/master.cf"
trap 'postfix -c "$PF" stop > /dev/null 2>&1; cleanup' EXIT
postfix -c "$PF" start > "$T/pf.start" 2>&1
ok $? "a private Postfix starts"

# the message, as a user writes it: every header Postfix would add is
# there; -i, so that the lone dot is text (as it is in SMTP, stuffed)
printf '%s\n' "From: Ann <ann@client.test>" "To: Bob <bob@example.test>" \
    "Subject: through Postfix, caf$(printf '\303\251')" \
    "Date: Sat, 05 Dec 2026 06:00:00 +0000" \
    "Message-ID: <pf-relay.1@client.test>" "MIME-Version: 1.0" \
    "Content-Type: text/plain; charset=utf-8" \
    "Content-Transfer-Encoding: 8bit" "" "line one" "." ".." \
    ".dot at the start" "tab	inside and blanks at the end   " \
    "gr$(printf '\303\274')$(printf '\303\237')e" "" "the end" > "$T/msg"
/usr/sbin/sendmail -C "$PF" -i -f ann@client.test bob@example.test < "$T/msg"
ok $? "Postfix's sendmail takes the message"

sent() { grep -q 'status=sent' "$PF/maillog" 2> /dev/null; }
wait_for 30 sent
like "$(grep 'status=sent' "$PF/maillog")" \
    "relay=$SMTPD_ADDR\\[$SMTPD_ADDR\\]:$PORT.*status=sent \\(250 2\\.0\\.0 queued as [0-9]+\\)" \
    "Postfix relayed it to smtpd: status=sent with smtpd's reply"

err=$("$TOP/spoolmgr/spoolmgr" -C "$T/smtpgate.conf" run 2>&1)
is "$err" "" "spoolmgr run says nothing"
files=$(ls "$T/mail/example.test/bob/new" 2> /dev/null | wc -l)
is "$files" 1 "one message in bob's Maildir"
got=$(ls "$T/mail/example.test/bob/new/"* 2> /dev/null | head -1)

# after Return-Path, Delivered-To and the Received: fields (with their
# folded lines): exactly the message given
python3 - "$got" "$T/msg" <<'PY' > "$T/cmp"
import sys
got = open(sys.argv[1], "rb").read() if sys.argv[1] else b""
want = open(sys.argv[2], "rb").read()
lines = got.split(b"\n")
i, received = 0, 0
while i < len(lines):
    if lines[i].startswith((b"Return-Path:", b"Delivered-To:", b"Received:")):
        received += lines[i].startswith(b"Received:")
        i += 1
        while i < len(lines) and lines[i][:1] in (b" ", b"\t"):
            i += 1
        continue
    break
rest = b"\n".join(lines[i:])
print("received %d" % received)
print("same" if rest == want else "differs:\n%r\n%r" % (rest, want))
PY
is "$(head -1 "$T/cmp")" "received 2" "two Received: fields: Postfix's and smtpd's"
is "$(tail -n +2 "$T/cmp")" "same" "below them, the message byte for byte"
