#!/bin/bash
# SPDX-License-Identifier: ISC
# Direct delivery by MX (no relayhost): NSD serves the test domains, their
# exchangers are smtp-sinks on 127.0.4.x port 25.  Recipients are grouped
# by domain; a dead first MX falls back to the second; null MX, NXDOMAIN
# and a dead DNS server get their own outcomes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
plan 13

mkdir -p "$T/nsd"
cat > "$T/nsd/mailer.test.zone" <<EOF
\$ORIGIN mailer.test.
\$TTL 300
@ IN SOA ns admin 1 3600 600 86400 300
@ IN NS ns
ns IN A 127.0.0.1
dom IN MX 10 mx1.dom
dom IN MX 20 mx2.dom
mx1.dom IN A 127.0.4.1
mx2.dom IN A 127.0.4.2
other IN MX 10 mx.other
mx.other IN A 127.0.4.3
nomail IN MX 0 .
EOF
start_nsd mailer.test

# 127.0.4.1 has nobody on port 25: connection refused, the next MX.
sink mx2 127.0.4.2:25
sink mx3 127.0.4.3:25
make_spool "$T/spool"
conf "$T/c.conf" "spool=$T/spool" "resolver=127.0.0.1@$NSDPORT" \
    dnstimeout=3 user=nobody remoteport=25
sm() { "$MAILER" -C "$T/c.conf" -f s@client.test "$@"; }

printf 'Subject: by MX\n\nhello\n' | sm -v a@dom.mailer.test b@DOM.mailer.test \
    c@other.mailer.test 2> "$T/err"
is "$?" 0 "three recipients in two domains: delivered, exit 0"
like "$(cat "$T/err")" 'connect to mx1\.dom\.mailer\.test \[127\.0\.4\.1\]:25: Connection refused' \
    "the first MX refused"
f2=$(kept_file mx2)
is "$(grep -c '^X-Rcpt-Args' "$f2")" 2 "dom's two recipients in one transaction at its second MX"
is "$(grep -c '^X-Rcpt-Args: <c@other' "$(kept_file mx3)")" 1 "other's recipient at its own MX"
is "$(find "$T/spool/in" -name '*.WRK' | wc -l | tr -d ' ')" 0 "nothing left queued"

printf 'x\n' | sm x@nomail.mailer.test 2> "$T/err"
is "$?" 68 "null MX: EX_NOHOST"
like "$(cat "$T/err")" 'x@nomail.mailer.test: failed: 556 5\.1\.10 .*null MX' "... saying so"
printf 'x\n' | sm y@nosuch.mailer.test 2> "$T/err"
is "$?" 68 "no such domain: EX_NOHOST"
like "$(cat "$T/err")" 'y@nosuch.mailer.test: failed: 550 5\.1\.2 ' "... saying so"

# The DNS server unreachable: temporary, the message stays queued.
rm -f "$T"/spool/in/*
DEAD=$(free_port)
conf "$T/d.conf" "spool=$T/spool" "resolver=127.0.0.1@$DEAD" dnstimeout=2 \
    user=nobody
printf 'x\n' | "$MAILER" -C "$T/d.conf" -f s@client.test z@dom.mailer.test 2> "$T/err"
is "$?" 75 "DNS down: EX_TEMPFAIL"
like "$(cat "$T/err")" 'z@dom.mailer.test: deferred: 451 4\.4\.3 ' "... deferred, queued"
is "$(find "$T/spool/in" -name '*.WRK' | wc -l | tr -d ' ')" 1 "the message is still queued"

# -w bounds the time spent: the message stays queued when it runs out.
rm -f "$T"/spool/in/*
SILENT=$(free_port)
bg python3 -c 'import socket,sys,time
s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1]))); time.sleep(120)' "$SILENT"
sleep 0.3
conf "$T/s.conf" "spool=$T/spool" "resolver=127.0.0.1@$SILENT" dnstimeout=30 \
    user=nobody
start=$(date +%s)
printf 'x\n' | "$MAILER" -C "$T/s.conf" -w 2 -f s@client.test z@dom.mailer.test 2> /dev/null
status=$?
took=$(( $(date +%s) - start ))
ok "$([ "$status" -eq 75 ] && [ "$took" -le 5 ]; echo $?)" \
    "-w 2 with a silent DNS server: EX_TEMPFAIL after ${took}s (status $status)"
