#!/bin/bash
# SPDX-License-Identifier: ISC
# Issue 8, defect 3: mail smtpd accepts with 250 must not bounce later
# because mailer reads its ORCPT otherwise.  A real client (Python's
# smtplib) sends the cases of the issue to smtpd under tcpserver; each
# spooled envelope is handed to mailer -x against Postfix's smtp-sink,
# then spoolmgr delivers them all, an alias among them:
#   1. ORCPT=utf-8;jö@... (RFC 6533, raw UTF-8), and with a "+" in it
#   2. ORCPT=rfc822;team+sales@... (a "+" not followed by two hex digits)
#   3. <"a b"@remote.test> ORCPT=rfc822;x>y@... (a ">" after the path)
#   4. sales+eu: partner@remote.test, an alias that spoolmgr names in
#      the ORCPT it gives its target
# Every recipient must come out "ok", with a canonical ORCPT on the wire
# (RFC 3461 xtext; RFC 6533 utf-8-addr-xtext), and no 550 5.1.7 bounce.
# Addresses: 127.0.10.1 (smtpd), 127.0.10.2 (smtp-sink), 127.0.10.3 (the
# next hop for spoolmgr: smtpd again).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
plan 29

SMTPD=$TOP/smtpd/smtpd
SPOOLMGR=$TOP/spoolmgr/spoolmgr
# three free ports from one python3 (each start costs seconds here)
read -r PORT SINKPORT NEXTPORT < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
make_spool "$T/spool"
make_spool "$T/next"
mkdir -p "$T/mail/example.test/"{bob,postmaster}/{tmp,new,cur}
chown -R nobody:nogroup "$T/mail"
printf 'sales+eu: partner@remote.test\n' > "$T/aliases"
touch "$T/gw.log"
chown nobody "$T/gw.log"
cat > "$T/gw.conf" <<EOF
hostname=mx.example.test
spool=$T/spool
mailroot=$T/mail
localdomains=example.test
relayclients=127.0.0.0/8
aliases=$T/aliases
logfile=$T/gw.log
user=nobody
relayhost=127.0.10.3:$NEXTPORT
mxlookup=$TOP/mxlookup/mxlookup
mailer=$MAILER
connecttimeout=5
timeout=10
retrymin=0
EOF

cat > "$T/next.conf" <<EOF
hostname=next.test
spool=$T/next
mailroot=$T/mail
localdomains=next.test
relayclients=127.0.0.0/8
logfile=$T/gw.log
user=nobody
EOF

bg tcpserver -HRl0 127.0.10.1 "$PORT" "$SMTPD" -C "$T/gw.conf"
bg tcpserver -HRl0 127.0.10.3 "$NEXTPORT" "$SMTPD" -C "$T/next.conf"
wait_port 127.0.10.1 "$PORT" && wait_port 127.0.10.3 "$NEXTPORT"
sink direct 127.0.10.2:"$SINKPORT"

# send: one message per line of stdin, "ID SMTPUTF8(0/1) RCPT-ARGS|...",
# all in one python3; prints per message each RCPT's reply code, then
# DATA's
send() {
	python3 -c '
import smtplib, sys
for line in sys.stdin.read().splitlines():
    msgid, utf8, rcpts = line.split(" ", 2)
    s = smtplib.SMTP("127.0.10.1", int(sys.argv[1]), timeout=10)
    s.command_encoding = "utf-8"
    s.ehlo("client.test")
    s.mail("alice@client.test", ["SMTPUTF8"] if utf8 == "1" else [])
    codes = [str(s.docmd("RCPT TO:" + r)[0]) for r in rcpts.split("|")]
    try:
        codes.append(str(s.data(("Message-ID: <%s@client.test>\r\n"
            "Subject: %s\r\n\r\nhi\r\n" % (msgid, msgid)).encode())[0]))
    except smtplib.SMTPException as e:
        codes.append(str(e.args[0]))
    print(" ".join(codes))
    s.quit()' "$PORT"
}

# wrk ID: the envelope of the message whose Message-ID is ID
wrk() {
	local txt
	txt=$(grep -l "^Message-ID: <$1@client.test>" "$T/spool/in/"*.TXT | head -1)
	cat "${txt%.TXT}.WRK"
}
orcpt_of() {	# orcpt_of ID ADDR: the spooled ORCPT of ADDR
	wrk "$1" | sed -n "s/^ORcpt: <$2> //p"
}

send > "$T/sent" <<'EOF'
case1 1 <jo@remote.test> ORCPT=utf-8;jö@example.test|<jp@remote.test> ORCPT=utf-8;jö+tag@example.test
case2 0 <tag@remote.test> ORCPT=rfc822;team+sales@example.test
case3 0 <"a b"@remote.test> ORCPT=rfc822;x>y@example.test
case4 0 <sales+eu@example.test>
bad 0 <bob@example.test> ORCPT=rfc822;a+0D+0Ab|<bob@example.test>
EOF
sent() { sed -n "$1p" "$T/sent"; }
is "$(sent 1)" "250 250 250" \
    "1: ORCPT=utf-8 with raw UTF-8 (and a '+'): accepted"
is "$(sent 2)" "250 250" \
    "2: ORCPT=rfc822 with '+' not followed by hex: accepted"
is "$(sent 3)" "250 250" "3: a quoted local part, and '>' in ORCPT: accepted"
is "$(sent 4)" "250 250" "4: mail for the alias sales+eu: accepted"
is "$(sent 5)" "501 250 250" \
    "an ORCPT that could not be passed on: 501 at RCPT, not a bounce later"

# What smtpd spools is canonical: it is what mailer sends.
is "$(orcpt_of case1 jo@remote.test)" 'utf-8;j\x{F6}@example.test' \
    "1: spooled as RFC 6533 utf-8-addr-xtext"
is "$(orcpt_of case1 jp@remote.test)" 'utf-8;j\x{F6}\x{2B}tag@example.test' \
    "1: a '+' in a utf-8 address spooled as \\x{2B}"
is "$(orcpt_of case2 tag@remote.test)" 'rfc822;team+2Bsales@example.test' \
    "2: spooled as RFC 3461 xtext, '+' as +2B"
is "$(orcpt_of case3 '"a b"@remote.test')" 'rfc822;x>y@example.test' \
    "3: spooled with its '>'"

# xoperand ID ADDR: the operand spoolmgr gives mailer -x for ADDR
xoperand() {
	local orcpt op=$2
	orcpt=$(orcpt_of "$1" "$2")
	case $2 in *' '*) op="<$2>" ;; esac
	printf '%s ORCPT=%s' "$op" "$orcpt"
}
# xsend ID ADDR...: mailer -x with the spooled text and envelope of ID
xsend() {
	local id=$1 txt
	shift
	txt=$(grep -l "^Message-ID: <$id@client.test>" "$T/spool/in/"*.TXT | head -1)
	local ops=()
	for a in "$@"; do ops+=("$(xoperand "$id" "$a")"); done
	"$MAILER" -x -C "$T/gw.conf" -f alice@client.test \
	    -h 127.0.10.2:"$SINKPORT" "${ops[@]}" < "$txt" 2> "$T/x.err"
}
rcpt_args() {	# rcpt_args SINK ID: the RCPT lines the sink saw for ID
	local f
	f=$(grep -l "^Subject: $2\$" "$T/$1/"* 2>/dev/null | head -1)
	[ -n "$f" ] && grep '^X-Rcpt-Args:' "$f"
}

out=$(xsend case1 jo@remote.test jp@remote.test)
is "$?" 0 "1: mailer -x exits 0 (not 65)"
is "$out" "jo@remote.test ok 250 2.0.0 Ok
jp@remote.test ok 250 2.0.0 Ok" "1: both recipients ok, not 550 5.1.7"
is "$(rcpt_args direct case1)" 'X-Rcpt-Args: <jo@remote.test> ORCPT=utf-8;j\x{F6}@example.test
X-Rcpt-Args: <jp@remote.test> ORCPT=utf-8;j\x{F6}\x{2B}tag@example.test' \
    "1: ORCPT on the wire in 7-bit RFC 6533 form"
out=$(xsend case2 tag@remote.test)
is "$?" 0 "2: mailer -x exits 0"
is "$out" "tag@remote.test ok 250 2.0.0 Ok" "2: the recipient is ok"
is "$(rcpt_args direct case2)" \
    'X-Rcpt-Args: <tag@remote.test> ORCPT=rfc822;team+2Bsales@example.test' \
    "2: ORCPT on the wire as RFC 3461 xtext"
out=$(xsend case3 '"a b"@remote.test')
is "$?" 0 "3: mailer -x exits 0: the path ends at its own '>'"
is "$out" '"a b"@remote.test ok 250 2.0.0 Ok' "3: the recipient is ok"
is "$(rcpt_args direct case3)" \
    'X-Rcpt-Args: <"a b"@remote.test> ORCPT=rfc822;x>y@example.test' \
    "3: the whole ORCPT reaches the next host"
is "$(cat "$T/x.err")" "" "mailer said nothing on stderr"

# A spool written before this fix holds raw forms: mailer still takes
# them and sends them canonical.
out=$("$MAILER" -x -C "$T/gw.conf" -f alice@client.test \
    -h 127.0.10.2:"$SINKPORT" 'old@remote.test ORCPT=rfc822;sales+eu@example.test' \
    < "$T/spool/in/$(ls "$T/spool/in" | grep -m1 '\.TXT$')" 2>&1)
is "$out" "old@remote.test ok 250 2.0.0 Ok" \
    "an old spool's unencoded '+' in ORCPT: delivered, not 65"

# spoolmgr delivers all of it through the relay host: our own smtpd on
# 127.0.10.3, which offers SMTPUTF8 (smtp-sink does not, and case 1 was
# sent with it) and checks each ORCPT it is given as strictly as ours.
is "$("$SPOOLMGR" -C "$T/gw.conf" run; echo $?)" 0 "spoolmgr run exits 0"
is "$(ls "$T/spool/in" "$T/spool/out" | grep -c '\.WRK$')" 0 \
    "every message left the spool"
is "$(cat "$T/next/in/"*.WRK | grep -c '^From: <>$')" 0 \
    "no DSN went back to the sender"
next_orcpts() {	# the ORCPTs the next hop spooled for the message ID
	local txt
	txt=$(grep -l "^Message-ID: <$1@client.test>" "$T/next/in/"*.TXT | head -1)
	[ -n "$txt" ] && grep '^ORcpt:' "${txt%.TXT}.WRK"
}
is "$(next_orcpts case1)" 'ORcpt: <jo@remote.test> utf-8;j\x{F6}@example.test
ORcpt: <jp@remote.test> utf-8;j\x{F6}\x{2B}tag@example.test' \
    "1: the next hop took both, ORCPT in RFC 6533 form"
is "$(next_orcpts case2)" \
    'ORcpt: <tag@remote.test> rfc822;team+2Bsales@example.test' \
    "2: the next hop took it, ORCPT in xtext"
is "$(next_orcpts case3)" 'ORcpt: <"a b"@remote.test> rfc822;x>y@example.test' \
    "3: the next hop took it, ORCPT whole"
is "$(next_orcpts case4)" \
    'ORcpt: <partner@remote.test> rfc822;sales+2Beu@example.test' \
    "4: the alias's target went out, ORCPT naming sales+eu in xtext"
like "$("$SPOOLMGR" -C "$T/gw.conf" trace partner@remote.test)" \
    'delivered <partner@remote\.test>' "4: trace shows partner delivered"
is "$(grep -c '5\.1\.7' "$T/gw.log")" 0 "no 5.1.7 anywhere in the log"
