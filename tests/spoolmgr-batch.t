#!/bin/bash
# SPDX-License-Identifier: ISC
# Batched delivery (issue 10): spoolmgr hands the mail due for one
# destination (here a relay host) to one mailer -x -B, which sends it
# over one SMTP session, a transaction after another.  Scripted servers
# (mailer-server.py on 127.0.30.x, free ports) that close after N
# messages, answer 421 mid-batch, refuse one message of the batch; a
# relay host that is down; and a kill -9 of the run mid-batch (smtp-sink
# slow to answer DATA): every message arrives once; jobtimeout limits a
# transaction, not a batch, at most the one in
# flight twice, over fewer connections than messages.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 23

SERVER="python3 $TOP/tests/mailer-server.py"

# server NAME ADDR MODE: a scripted relay host keeping what it took in
# $T/NAME; sets PORT.  The readiness probe is one connection: conns()
# leaves it out.
server() {
	mkdir -p "$T/$1"
	PORT=$(free_port)
	bg $SERVER "$2" "$PORT" "$T/$1" "$3"
	wait_port "$2" "$PORT"
}
conns() { echo $(( $(cat "$T/$1/conns") - 1 )); }
taken() { ls "$T/$1" | grep -c '\.raw$'; }
# ids NAME: the Message-IDs the server took, one a line, sorted
ids() { cat "$T/$1"/*.raw 2>/dev/null | grep -i '^message-id:' | sort; }

# 1. A server closing after 3 messages: reconnect and go on.
server close 127.0.30.1 closeafter:3
rm -rf "$T/spool"
setup "relayhost=127.0.30.1:$PORT" "connecttimeout=5"
queue_msg alice@example.test x@remote.test -m close -n 10 > /dev/null
run
is "$?" 0 "closeafter: run exits 0"
is "$(taken close)" 10 "closeafter: all ten messages delivered"
is "$(ids close | uniq -d | wc -l)" 0 "closeafter: none twice"
is "$(conns close)" 4 "closeafter: over four connections (3+3+3+1), not ten"
is "$(spool_count)" 0 "closeafter: the spool is empty"

# 2. batchsize bounds a session: seven messages, three a session.
server bsize 127.0.30.2 plain
rm -rf "$T/spool"
setup "relayhost=127.0.30.2:$PORT" "batchsize=3"
queue_msg alice@example.test x@remote.test -m bsize -n 7 > /dev/null
run
is "$(taken bsize)" 7 "batchsize=3: seven messages delivered"
is "$(conns bsize)" 3 "batchsize=3: three sessions"

# 3. One message refused in the batch: only its recipient fails.
server refuse 127.0.30.3 refuse
rm -rf "$T/spool"
setup "relayhost=127.0.30.3:$PORT"
queue_msg alice@example.test x@remote.test -m ok1 -n 2 > /dev/null
queue_msg alice@example.test no-such@remote.test -m bad > /dev/null
queue_msg alice@example.test y@remote.test -m ok2 -n 2 > /dev/null
run
# (the refused message's DATA gets 354 and an empty end: no Message-ID)
is "$(ids refuse | wc -l)" 4 "refuse: the four others delivered"
is "$(conns refuse)" 1 "refuse: over one session"
is "$(files alice@example.test)" 1 "refuse: alice has one bounce"
like "$(cat "$(newest alice@example.test)")" "no-such@remote\.test" \
    "refuse: for the refused recipient"
like "$(cat "$(newest alice@example.test)")" "550 5\.1\.1" \
    "refuse: with the server's reply"
is "$(spool_count)" 0 "refuse: nothing left queued"

# 4. 421 after two messages, and 421 greetings since: the rest deferred
# at once, after one more connection; a later run delivers them.
server busy 127.0.30.4 busyafter:2
rm -rf "$T/spool"
setup "relayhost=127.0.30.4:$PORT" "retrymin=0"
queue_msg alice@example.test x@remote.test -m busy -n 8 > /dev/null
run
is "$(taken busy)" 2 "421 mid-batch: two delivered"
is "$(conns busy)" 2 "421 mid-batch: one more connection, then no more tries"
like "$($SPOOLMGR -C "$CONF" list)" "421 4\.3\.2 test\.server" \
    "421 mid-batch: the others deferred with the server's reply"
server busy2 127.0.30.4 plain
sed -i "s/^relayhost=.*/relayhost=127.0.30.4:$PORT/" "$CONF"
run
is "$(taken busy2)" 6 "421 mid-batch: the next run delivers the six others"

# 5. A relay host that refuses connections is tried once, not per message.
rm -rf "$T/spool"
setup "relayhost=127.0.30.5:$(free_port)" "retrymin=0"
queue_msg alice@example.test x@remote.test -m down -n 30 > /dev/null
start=$(date +%s)
run
like "$($SPOOLMGR -C "$CONF" list | grep -c 'not tried again')" "^(2[6-9]|30)$" \
    "relay down: most of the 30 deferred without a try"

# 6. kill -9 of the run mid-batch, then a rerun: everything once, at most
# the message in flight twice.  The sink waits 1 s before taking DATA.
mkdir -p "$T/sink"
chown nobody "$T/sink"
PORT=$(free_port)
bg smtp-sink -u nobody -w 1 -d "$T/sink/%M%S." "127.0.30.6:$PORT" 64
wait_port 127.0.30.6 "$PORT"
rm -rf "$T/spool"
setup "relayhost=127.0.30.6:$PORT" "retrymin=0"
queue_msg alice@example.test x@remote.test -m kill -n 8 > /dev/null
"$SPOOLMGR" -C "$CONF" run &
runner=$!
sleep 3.5
kill -9 "$runner"
wait "$runner" 2>/dev/null
sleep 1.5	# whatever was in flight and could still end has ended
first=$(ls "$T/sink" | wc -l)
ok "$([ "$first" -ge 1 ] && [ "$first" -lt 8 ]; echo $?)" \
    "kill -9: the run was stopped mid-batch ($first of 8 delivered)"
run
got=$(cat "$T/sink"/* | grep -i '^message-id: <kill\.' | sort)
is "$(echo "$got" | uniq | wc -l)" 8 "kill -9: after the rerun all eight arrived"
ok "$([ "$(echo "$got" | uniq -d | wc -l)" -le 1 ]; echo $?)" \
    "kill -9: at most the message in flight twice ($(echo "$got" | uniq -d | wc -l))"

# 7. jobtimeout is per transaction: five messages of about a second each
# (the sink waits 1 s on DATA) in one batch outlast jobtimeout=3, and
# all arrive.
rm -f "$T/sink/"*
rm -rf "$T/spool"
setup "relayhost=127.0.30.6:$PORT" "jobtimeout=3"
queue_msg alice@example.test x@remote.test -m slow -n 5 > /dev/null
run
is "$(ls "$T/sink" | wc -l)" 5 "jobtimeout=3: five one-second transactions in one batch all delivered"
is "$(spool_count)" 0 "jobtimeout=3: nothing left queued"
