#!/bin/bash
# SPDX-License-Identifier: ISC
# The host list (RFC 5321 5.1): connection refused, a 421 or 4xx greeting,
# a silent server, IPv6 falling back to IPv4; which failures move on to
# the next host and which are final; everything down.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
plan 28

conf "$T/c.conf"
printf 'Subject: fallback\n\nhello\n' > "$T/msg"
x() { "$MAILER" -x -C "$T/c.conf" -f s@client.test "$@" < "$T/msg"; }

CLOSED=$(free_port)
P421=$(free_port); sink s421 "127.0.0.1:$P421" -Q CONNECT
POK=$(free_port); sink ok "127.0.0.1:$POK"

out=$(x -h "127.0.0.1:$CLOSED" -h "127.0.0.1:$P421" -h "127.0.0.1:$POK" a@x.test)
is "$out" "a@x.test ok 250 2.0.0 Ok" "refused, then 421, then delivered"
is "$(kept ok)" 1 "the third host has it"
is "$(kept s421)" 0 "the 421 host has nothing"

P4XX=$(free_port); sink s4xx "127.0.0.1:$P4XX" -r CONNECT
out=$(x -h "127.0.0.1:$P4XX" -h "127.0.0.1:$POK" a@x.test)
like "$out" ' ok 250 ' "a 4xx greeting moves on to the next host"

# A server that takes the connection and never greets: the greeting
# timeout (-T) runs out and the next host is tried.
PSILENT=$(free_port)
bg python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(5); time.sleep(120)' "$PSILENT"
wait_port 127.0.0.1 "$PSILENT"
start=$(date +%s)
out=$(x -T greeting=2 -h "127.0.0.1:$PSILENT" -h "127.0.0.1:$POK" a@x.test)
took=$(( $(date +%s) - start ))
like "$out" ' ok 250 ' "a silent server times out, the next host delivers"
ok "$([ "$took" -ge 2 ] && [ "$took" -le 6 ]; echo $?)" "the greeting timeout held (${took}s)"
out=$(x -T greeting=1 -h "127.0.0.1:$PSILENT" a@x.test)
like "$out" '^a@x.test defer 421 4\.4\.2 .*timeout in greeting' "alone, it is a timeout defer"

# A connection that is never completed: a listener with its backlog
# full drops our SYN.  connecttimeout (2 here) and -T connect= bound it.
PFULL=$(free_port)
bg python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(0)
fill = []
for i in range(3):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(("127.0.0.1", int(sys.argv[1])))
    except BlockingIOError: pass
    fill.append(c)
time.sleep(120)' "$PFULL"
# Until its queue holds the filling connections (a loaded machine may
# take seconds to start python): before that, connect is refused.
for i in $(seq 100); do
	ss -Hltn "sport = :$PFULL" | awk '$2 >= 1 { f = 1 } END { exit !f }' && break
	sleep 0.1
done
conf "$T/ct.conf" connecttimeout=2
start=$(date +%s)
out=$("$MAILER" -x -C "$T/ct.conf" -f s@client.test -h "127.0.0.1:$PFULL" \
    -h "127.0.0.1:$POK" a@x.test < "$T/msg")
took=$(( $(date +%s) - start ))
is "$out" "a@x.test ok 250 2.0.0 Ok" "a connect timeout: the next host delivers"
ok "$([ "$took" -ge 2 ] && [ "$took" -le 5 ]; echo $?)" "connecttimeout held (${took}s)"
start=$(date +%s%N)
out=$("$MAILER" -x -C "$T/ct.conf" -T connect=1 -f s@client.test \
    -h "127.0.0.1:$PFULL" a@x.test < "$T/msg")
took=$(( ($(date +%s%N) - start) / 1000000 ))
like "$out" "^a@x.test defer 421 4\.4\.1 connect to .*: Connection timed out$" \
    "-T connect=1: a timeout defer"
ok "$([ "$took" -ge 900 ] && [ "$took" -lt 1800 ]; echo $?)" \
    "-T connect=1 overrides connecttimeout=2 (${took} ms)"

# IPv6: [::1]:PORT and bare ::1 (the port then comes from remoteport).
P6=$(free_port)
sink six "[::1]:$P6"
out=$(x -h "[::1]:$P6" a@x.test)
like "$out" ' ok 250 ' "-h [::1]:PORT delivers over IPv6"
conf "$T/c6.conf" "remoteport=$P6"
out=$("$MAILER" -x -C "$T/c6.conf" -f s@client.test -h ::1 a@x.test < "$T/msg")
like "$out" ' ok 250 ' "-h ::1 uses remoteport"
out=$(x -h "[::1]:$CLOSED" -h "127.0.0.1:$POK" a@x.test)
like "$out" ' ok 250 ' "IPv6 refused, IPv4 next delivers"

# Final answers do not move on: a 5xx RCPT, and a 4xx after a recipient
# was accepted (the host that took a recipient is the one).
before=$(kept ok)
P5=$(free_port); sink s5 "127.0.0.1:$P5" -f RCPT
out=$(x -h "127.0.0.1:$P5" -h "127.0.0.1:$POK" a@x.test)
like "$out" '^a@x.test fail 5' "5xx RCPT is final"
PDOT=$(free_port); sink sdot "127.0.0.1:$PDOT" -r .
out=$(x -h "127.0.0.1:$PDOT" -h "127.0.0.1:$POK" a@x.test)
like "$out" '^a@x.test defer 4' "4xx after the dot: deferred"
is "$(kept ok)" "$before" "neither went to the next host"

# Every RCPT 4xx: nothing accepted, so the next host is asked.
PR4=$(free_port); sink sr4 "127.0.0.1:$PR4" -r RCPT
out=$(x -h "127.0.0.1:$PR4" -h "127.0.0.1:$POK" a@x.test b@x.test)
is "$(echo "$out" | grep -c ' ok 250 ')" 2 "all RCPTs 4xx: the next host took both"

# MAIL deferred (4xx): nothing accepted yet, the next host is asked;
# MAIL refused (5xx) is final.
before=$(kept ok)
PM4=$(free_port); sink sm4 "127.0.0.1:$PM4" -r MAIL
out=$(x -h "127.0.0.1:$PM4" -h "127.0.0.1:$POK" a@x.test)
is "$out" "a@x.test ok 250 2.0.0 Ok" "4xx MAIL: the next host took it"
PM5=$(free_port); sink sm5 "127.0.0.1:$PM5" -f MAIL
out=$(x -h "127.0.0.1:$PM5" -h "127.0.0.1:$POK" a@x.test)
like "$out" '^a@x.test fail 5[0-9][0-9] ' "5xx MAIL: final, fail"
is "$(kept ok)" "$((before + 1))" "... the next host had only the first"

# Everything down.
C2=$(free_port)
out=$(x -h "127.0.0.1:$CLOSED" -h "127.0.0.1:$C2" a@x.test b@x.test)
is "$?" 0 "all hosts down: exit 0"
like "$(echo "$out" | head -1)" "^a@x.test defer 421 4\.4\.1 connect to 127\.0\.0\.1 \[127\.0\.0\.1\]:$C2: Connection refused" \
    "all hosts down: defer, naming the last host"
is "$(echo "$out" | grep -c ' defer ')" 2 "every recipient deferred"

# sendmail mode with the relayhost down: EX_TEMPFAIL, still queued.
make_spool "$T/spool"
conf "$T/s.conf" "spool=$T/spool" "relayhost=127.0.0.1:$CLOSED" user=nobody
"$MAILER" -C "$T/s.conf" -f s@client.test a@x.test < "$T/msg" 2> "$T/err"
is "$?" 75 "sendmail mode, relayhost down: EX_TEMPFAIL"
like "$(cat "$T/err")" '^mailer: a@x.test: deferred: 421 4\.4\.1 .*Connection refused \(queued as [0-9]+\)' \
    "stderr names the recipient and why"
wrk=$(ls "$T"/spool/in/*.WRK 2>/dev/null)
like "$(cat $wrk 2>/dev/null)" '^State: <a@x.test> deferred ' "the WRK says deferred"
ok "$([ -s "${wrk%.WRK}.TXT" ]; echo $?)" "the message is still queued"
