#!/bin/bash
# SPDX-License-Identifier: ISC
# relayhost= and -h names go to the same resolver as MX look-ups
# (resolver=): NSD serves example.test on 127.0.0.1, nothing else knows
# those names.  The smtp-sinks listen in 127.0.21.0/24.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
plan 8

mkdir -p "$T/nsd"
cat > "$T/nsd/example.test.zone" <<EOF
\$ORIGIN example.test.
\$TTL 300
@ IN SOA ns admin 1 3600 600 86400 300
@ IN NS ns
ns IN A 127.0.0.1
mx1 IN A 127.0.21.1
relay IN CNAME mx1
EOF
start_nsd example.test || { echo "Bail out! NSD did not start"; exit 1; }

PORT=$(free_port)
sink relay 127.0.21.1:"$PORT"
make_spool "$T/spool"
conf "$T/r.conf" "spool=$T/spool" "resolver=127.0.0.1@$NSDPORT" \
    dnstimeout=3 user=nobody "relayhost=mx1.example.test:$PORT"

printf 'Subject: via relay by name\n\nhello\n' |
    "$MAILER" -C "$T/r.conf" -f s@client.test a@far.test 2> "$T/err"
is "$?" 0 "relayhost=mx1.example.test:PORT resolved through resolver=: exit 0"
is "$(grep -c '^X-Rcpt-Args: <a@far.test>' "$(kept_file relay)" 2>/dev/null)" 1 \
    "... the relay host took the message"
is "$(find "$T/spool/in" -name '*.WRK' | wc -l | tr -d ' ')" 0 "... nothing left queued"

# -x -h NAME:PORT, a CNAME on the way, as spoolmgr passes a relayhost
conf "$T/x.conf" "resolver=127.0.0.1@$NSDPORT" dnstimeout=3
out=$(printf 'Subject: -h by name\n\nhello\n' |
    "$MAILER" -x -C "$T/x.conf" -f s@client.test -h "relay.example.test:$PORT" \
    b@far.test 2> "$T/err")
like "$out" '^b@far\.test ok 250' "-h relay.example.test:PORT (a CNAME): delivered"
is "$(cat "$T"/relay/* | grep -c '^X-Rcpt-Args: <b@far.test>')" 1 \
    "... at the relay host"

# a name the zone does not have: deferred, and the reason names it
rm -f "$T"/spool/in/*
conf "$T/n.conf" "spool=$T/spool" "resolver=127.0.0.1@$NSDPORT" \
    dnstimeout=3 user=nobody "relayhost=nosuch.example.test:$PORT"
printf 'x\n' | "$MAILER" -C "$T/n.conf" -f s@client.test c@far.test 2> "$T/err"
is "$?" 75 "relayhost with no such name: EX_TEMPFAIL"
like "$(cat "$T/err")" 'c@far\.test: deferred: 451 4\.4\.3 relayhost nosuch\.example\.test: ' \
    "... deferred, naming the relay host"

# localhost is never asked of DNS (RFC 6761 6.3)
LPORT=$(free_port)
sink local 127.0.0.1:"$LPORT"
out=$(printf 'x\n' | "$MAILER" -x -C "$T/x.conf" -f s@client.test \
    -h "localhost:$LPORT" d@far.test 2> "$T/err")
like "$out" '^d@far\.test ok 250' "-h localhost:PORT: 127.0.0.1 without a DNS question"
