#!/bin/bash
# SPDX-License-Identifier: ISC
# What a batched drain costs (issue 10): thirty messages for a relay host
# (smtp-sink on 127.0.44.x) go in one mailer -x -B, and spoolmgr syncs
# nothing for them: a delivered message's removal is its record, not
# synced (a crash sends it again, never loses it), and the move from in/
# to out/ is a rename that a crash may undo, not lose.  The journal still
# has every delivery and removal.  A deferral is still synced: the state
# that decides when to try again must survive.  Counted with strace.
# And mailer -B -A runs the next transaction while the caller records
# the last, holding back only its final dot.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 15

command -v strace > /dev/null || { for _ in $(seq 1 15); do echo "ok # skip no strace"; done; exit 0; }

mkdir -p "$T/sink"
chown nobody "$T/sink"
PORT=$(free_port)
bg smtp-sink -u nobody -d "$T/sink/%M%S." "127.0.44.1:$PORT" 64
wait_port 127.0.44.1 "$PORT"

# traced WHAT: spoolmgr run under strace, its calls and its children's
traced() {
	strace -f -qq -e trace=fsync,fdatasync,execve -o "$T/$1.trace" \
	    "$SPOOLMGR" -C "$CONF" run
}
calls() { grep -c "$2" "$T/$1.trace"; }

# 1. Thirty messages delivered through the relay host, in one batch.
setup "relayhost=127.0.44.1:$PORT"
queue_msg alice@example.test x@remote.test -m cost -n 30 > /dev/null
traced drain
got=$(cat "$T/sink"/* 2>/dev/null | grep -i '^message-id: <cost\.' | sort)
is "$(echo "$got" | grep -c .)" 30 "drain: the sink took thirty messages"
is "$(echo "$got" | uniq -d | wc -l)" 0 "drain: none twice"
is "$(spool_count)" 0 "drain: the spool is empty"
is "$(calls drain 'execve(".*/mailer/mailer"')" 1 "drain: one mailer for the thirty"
is "$(calls drain 'fsync(')" 0 "drain: no fsync for delivered messages (removal and move unsynced)"
journal=$(cat "$T/spool/journal/"* 2>/dev/null)
is "$(echo "$journal" | awk -F '\t' '$6 == "delivered"' | grep -c .)" 30 \
    "drain: the journal has thirty deliveries"
is "$(echo "$journal" | awk -F '\t' '$6 == "removed"' | grep -c .)" 30 \
    "drain: and thirty removals"

# 2. The relay host refuses connections: the deferrals are written and
# synced (each message's WRK, then its directory).
DOWN=$(free_port)
rm -rf "$T/spool"
setup "relayhost=127.0.44.2:$DOWN" "connecttimeout=5"
queue_msg alice@example.test x@remote.test -m down -n 3 > /dev/null
traced down
like "$($SPOOLMGR -C "$CONF" list)" "refused|Connection refused|4\.4\." \
    "down: the deferral is recorded"
ok "$([ "$(calls down 'fsync(')" -ge 6 ]; echo $?)" \
    "down: each deferral synced ($(calls down 'fsync(') fsyncs for 3 messages)"

# 3. mailer -x -B -A 3 whose caller never answers: the second message's
# MAIL goes out at once, its dot never; the first arrives, the second not.
rm -f "$T/sink"/*
for k in 0 1; do
	printf 'Message-ID: <window.%d@test>\nSubject: %d\n\nHello.\n' "$k" "$k" > "$T/m$k"
done
printf 'MSG 0 %s\nFROM a@example.test\nTO x@remote.test\nEND\nMSG 1 %s\nFROM a@example.test\nTO x@remote.test\nEND\n' \
    "$T/m0" "$T/m1" > "$T/list"
(exec 3< <(sleep 6); exec timeout 3 "$TOP/mailer/mailer" -C "$CONF" -x -B -A 3 -v \
    -h "127.0.44.1:$PORT" < "$T/list" > "$T/window.out" 2> "$T/window.err")
like "$(cat "$T/window.out")" "END 0" "window: the first message reported"
ok "$(grep -q 'END 1' "$T/window.out"; [ $? -ne 0 ]; echo $?)" "window: not the second"
is "$(grep -c '^>>> MAIL FROM' "$T/window.err")" 2 \
    "window: the second transaction began before the caller's word"
is "$(cat "$T/sink"/* 2>/dev/null | grep -ic '^message-id: <window\.')" 1 \
    "window: its dot waited: only the first message arrived"

# 4. Local delivery: the Maildir file and new/ are synced, the message's
# last states are not written before its removal.
rm -rf "$T/spool"
setup
queue_msg bob@example.test alice@example.test -m local -n 5 > /dev/null
traced local
is "$(files alice@example.test)" 5 "local: five messages in the Maildir"
is "$(calls local 'fsync(')" 10 "local: two fsyncs a message (its file, new/), no WRK rewrite"
