#!/bin/bash
# SPDX-License-Identifier: ISC
# mailer against servers that behave badly or oddly: replies cut into
# pieces at odd places, RCPT accepted but DATA deferred, a 4xx to EHLO,
# a 250 to DATA, a connection dropped after the final dot (defer, never
# ok: a duplicate is acceptable, a loss is not), a last line without its
# LF, a message of a single "." line, a recipient named twice.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
plan 25

conf "$T/c.conf"
x() { "$MAILER" -x -C "$T/c.conf" -f s@client.test "$@"; }
# server NAME MODE: tests/mailer-server.py on a free port; sets PORT
server() {
	mkdir -p "$T/$1"
	PORT=$(free_port)
	bg python3 "$TOP/tests/mailer-server.py" 127.0.0.1 "$PORT" "$T/$1" "$2"
	wait_port 127.0.0.1 "$PORT"
}

# Replies in pieces of 1-4 octets (CR and LF apart, codes cut in two);
# the message's last line has no LF and a line starts with a dot.
server split split
PSPLIT=$PORT
printf 'Subject: split\n\n.dot\nlast line, no LF' > "$T/m1"
out=$(x -h "127.0.0.1:$PSPLIT" a@x.test b@x.test < "$T/m1")
is "$out" "a@x.test ok 250 2.0.0 queued as 1
b@x.test ok 250 2.0.0 queued as 1" "replies cut at odd places: both ok"
is "$(od -An -c "$T/split/1.raw" | tr -s ' ')" \
    "$(printf 'Subject: split\r\n\r\n..dot\r\nlast line, no LF\r\n.\r\n' | od -An -c | tr -s ' ')" \
    "on the wire: CR LF everywhere, the dot doubled, the last line ended"

# A message that is a single "." line: stuffed, so it does not end DATA.
server plain plain
PPLAIN=$PORT
printf '.\n' | x -h "127.0.0.1:$PPLAIN" a@x.test > "$T/o2"
is "$(cat "$T/o2")" "a@x.test ok 250 2.0.0 queued as 1" "a lone '.' message: ok"
is "$(od -An -c "$T/plain/1.raw" | tr -s ' ')" "$(printf '..\r\n.\r\n' | od -An -c | tr -s ' ')" \
    "... sent as '..' and the final dot"

# An empty message: just the final dot.
x -h "127.0.0.1:$PPLAIN" a@x.test < /dev/null > "$T/o3"
is "$(cat "$T/o3")" "a@x.test ok 250 2.0.0 queued as 2" "an empty message: ok"
is "$(od -An -c "$T/plain/2.raw" | tr -s ' ')" "$(printf '.\r\n' | od -An -c | tr -s ' ')" \
    "... only the final dot"

# A recipient named twice (the domain in another case): one RCPT, and
# a line for each name given.
x -h "127.0.0.1:$PPLAIN" a@x.test b@x.test a@X.Test < "$T/m1" > "$T/o4"
is "$(cat "$T/o4")" "a@x.test ok 250 2.0.0 queued as 3
b@x.test ok 250 2.0.0 queued as 3
a@X.Test ok 250 2.0.0 queued as 3" "a duplicate recipient: a line for each"
is "$(cat "$T/plain/3.rcpt")" "<a@x.test>
<b@x.test>" "... but one RCPT for the two"

# The connection dropped after the final dot, no reply: the message may
# have arrived, so defer (a later duplicate, RFC 1047), never ok, and no
# second host.
server drop dropdot
PDROP=$PORT
P2=$(free_port)
sink second "127.0.0.1:$P2"
out=$(x -h "127.0.0.1:$PDROP" -h "127.0.0.1:$P2" a@x.test < "$T/m1")
like "$out" "^a@x.test defer 421 4\.4\.2 127\.0\.0\.1 \[127\.0\.0\.1\]:$PDROP: connection closed in dot state$" \
    "no reply to the final dot: defer"
ok "$([ -s "$T/drop/1.raw" ]; echo $?)" "... though the server had the whole message"
is "$(kept second)" 0 "... and the next host was not asked"

# The same in sendmail mode: EX_TEMPFAIL, the message stays queued.
make_spool "$T/spool"
conf "$T/s.conf" "spool=$T/spool" "relayhost=127.0.0.1:$PDROP" user=nobody
"$MAILER" -C "$T/s.conf" -f s@client.test a@x.test < "$T/m1" 2> "$T/err"
is "$?" 75 "sendmail mode, no reply to the dot: EX_TEMPFAIL"
wrk=$(ls "$T"/spool/in/*.WRK 2>/dev/null)
like "$(cat $wrk 2>/dev/null)" '^State: <a@x.test> deferred ' "... the WRK says deferred"
ok "$([ -s "${wrk%.WRK}.TXT" ]; echo $?)" "... the message is still queued"

# RCPT accepted, DATA deferred (4xx): defer; the host that accepted a
# recipient is the one for this attempt.
P4=$(free_port)
sink data4 "127.0.0.1:$P4" -r DATA
out=$(x -h "127.0.0.1:$P4" -h "127.0.0.1:$P2" a@x.test b@x.test < "$T/m1")
is "$(echo "$out" | awk '{print $1, $2, substr($3, 1, 1)}')" "a@x.test defer 4
b@x.test defer 4" "RCPT 250, DATA 4xx: both deferred"
is "$(kept data4)$(kept second)" "00" "... nothing kept, no second host"
P4P=$(free_port)
sink data4p "127.0.0.1:$P4P" -r DATA -p
out=$(x -h "127.0.0.1:$P4P" a@x.test < "$T/m1")
like "$out" '^a@x.test defer 4[0-9][0-9] ' "the same without PIPELINING"

# A 4xx to EHLO: no HELO on that connection, the next host delivers.
PE=$(free_port)
sink ehlo4 "127.0.0.1:$PE" -r EHLO
out=$(x -v -h "127.0.0.1:$PE" -h "127.0.0.1:$P2" a@x.test < "$T/m1" 2> "$T/v")
is "$out" "a@x.test ok 250 2.0.0 Ok" "4xx to EHLO: the next host took it"
is "$(grep -c '^>>> HELO' "$T/v")" 0 "... and HELO was never said"

# A 5xx to EHLO and HELO both: the next host too.
PH=$(free_port)
sink helo5 "127.0.0.1:$PH" -f EHLO,HELO
out=$(x -h "127.0.0.1:$PH" -h "127.0.0.1:$P2" a@x.test < "$T/m1")
is "$out" "a@x.test ok 250 2.0.0 Ok" "EHLO and HELO refused: the next host took it"

# A 250 to DATA instead of 354: the message never went, so never ok.
server d250 data250
out=$(x -h "127.0.0.1:$PORT" a@x.test < "$T/m1")
is "$out" "a@x.test defer 451 4.5.0 reply to DATA not 354: 250 2.0.0 sure" \
    "a 250 to DATA: defer, not ok"

# No reply to the final dot within -T dot=1: defer, after about 1 s.
server slow slowdot
start=$(date +%s%N)
out=$(x -T dot=1 -h "127.0.0.1:$PORT" a@x.test < "$T/m1")
took=$(( ($(date +%s%N) - start) / 1000000 ))
like "$out" "^a@x.test defer 421 4\.4\.2 .*: timeout in dot state$" "a silent final dot: defer"
ok "$([ "$took" -ge 900 ] && [ "$took" -lt 3000 ]; echo $?)" "-T dot=1 held (${took} ms)"

# A greeting dribbled a byte at a time that never ends: the greeting
# timeout is for the whole reply, not for each read.
server trickle trickle
start=$(date +%s%N)
out=$(x -T greeting=2 -h "127.0.0.1:$PORT" a@x.test < "$T/m1")
took=$(( ($(date +%s%N) - start) / 1000000 ))
like "$out" "^a@x.test defer 421 4\.4\.2 .*: timeout in greeting state$" "a dribbled greeting: a timeout"
ok "$([ "$took" -ge 1900 ] && [ "$took" -lt 4000 ]; echo $?)" "... after the 2 s of -T greeting=2 (${took} ms)"
