#!/bin/bash
# SPDX-License-Identifier: ISC
# A remote sender's and a remote server's control characters never reach
# the administrator's terminal (issue 8, defect 9): a message whose Subject
# holds ESC ] 0 ; title BEL and ESC [ 2 J, whose From holds a bare CR, and
# whose remote server answers with ESC sequences too.  spoolmgr list, show,
# trace (and -j) and mailer -bp print no control byte but newline (and tab
# in show's folded headers); the JSON parses; UTF-8 stays readable.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/smtpd-env.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 17

ADDR=127.0.16.1
PORT=$(free_port)
setup "relayhost=$ADDR:$PORT"

# A remote server whose every RCPT reply carries a title change and a
# screen clear; at most 5 connections in 20 seconds.
python3 - "$ADDR" "$PORT" > "$T/server.log" 2>&1 <<'EOF2' &
import socket, sys, time
end = time.time() + 20

def serve(c):
    c.settimeout(5)
    c.sendall(b"220 evil.test ESMTP\r\n")
    for line in c.makefile("rb"):
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            c.sendall(b"250-evil.test\r\n250 8BITMIME\r\n")
        elif verb == b"RCPT":
            c.sendall(b"450 4.2.0 \x1b]0;owned\x07 mailbox \x1b[2J busy "
                      b"\xc3\xa9t\xc3\xa9\r\n")
        elif verb == b"QUIT":
            c.sendall(b"221 bye\r\n")
            return
        else:
            c.sendall(b"250 ok\r\n")
        if time.time() > end:
            return

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(5)
s.settimeout(20)
for _ in range(5):
    try:
        c, _ = s.accept()
    except OSError:
        break
    try:
        serve(c)
    except OSError:
        pass    # the port probe of wait_port, or a client gone
    c.close()
EOF2
_pids="$_pids $!"
wait_port "$ADDR" "$PORT"

smtpd_conf relayclients=127.0.16.0/24 > "$T/smtpd.conf"
printf '%s\r\n' "EHLO client.test" "MAIL FROM:<eve@remote.test>" \
    "RCPT TO:<carol@elsewhere.test>" DATA \
    $'Subject: \e]0;pwned\a hello \e[2J caf\xc3\xa9' \
    $'X-Folded: one\r\n\ttwo' $'Message-ID: <\e]0;id\a.1@remote.test>' \
    "" "body" . QUIT |
    TCPREMOTEIP=127.0.16.2 "$SMTPD" -C "$T/smtpd.conf" > "$T/session"
like "$(cat "$T/session")" '250 2\.0\.0 queued as [0-9]+' "smtpd spools the message"
id=$(sed -n 's/.*queued as \([0-9]*\).*/\1/p' "$T/session" | tr -d '\r')
"$SPOOLMGR" -C "$CONF" run > /dev/null 2>&1
like "$(grep '^State:' "$T"/spool/*/"$id.WRK")" 'mailbox .* busy été' \
    "the remote reply is in the recipient's state (mailer made its controls ?)"
# smtpd and mailer refuse or mend a bare CR and controls in addresses; a
# spool writer that does not (here the tests' own, writing the files by
# smtpgate-spool(5)) is the last way they reach the queue: a From with a
# CR that returns the cursor, a sender with ESC and DEL
cr=$(queue_msg $'eve\e]0;x\a\x7f@remote.test' bob@example.test \
    -s $'hi\nFrom: Mallory\r <eve@remote.test>')

# controls FILE: the control bytes in FILE other than newline (and tab
# when the second argument is "tab"), as hex; empty when none
controls() {
	python3 -c '
import sys
keep = b"\n\t" if sys.argv[2:] == ["tab"] else b"\n"
data = open(sys.argv[1], "rb").read()
print(" ".join("%02x" % b for b in sorted(set(data))
    if (b < 0x20 or b == 0x7f) and b not in keep))' "$@"
}

"$SPOOLMGR" -C "$CONF" list > "$T/list"
is "$(controls "$T/list")" "" "list: no control bytes"
like "$(cat "$T/list")" '<eve\\x1b\]0;x\\x07\\x7f@remote\.test>' \
    "list: the sender's controls visible"
like "$(cat "$T/list")" 'mailbox .* busy été' "list: the reply's UTF-8 kept"

"$SPOOLMGR" -C "$CONF" show "$id" > "$T/show"
is "$(controls "$T/show" tab)" "" "show: no control bytes but newline and tab"
like "$(cat "$T/show")" 'Subject: \\x1b\]0;pwned\\x07 hello \\x1b\[2J café' \
    "show: the Subject's escapes visible, its UTF-8 kept"
like "$(grep -A1 '^X-Folded' "$T/show")" $'\ttwo' "show: a folded header keeps its tab"
"$SPOOLMGR" -C "$CONF" show "$cr" > "$T/show.cr"
is "$(controls "$T/show.cr" tab)" "" "show: no control bytes in the other message"
like "$(cat "$T/show.cr")" 'From: Mallory\\r <eve@remote\.test>' \
    "show: its bare CR visible"

"$SPOOLMGR" -C "$CONF" list -j > "$T/list.json"
is "$(controls "$T/list.json")" "" "list -j: no control bytes"
python3 -c '
import json, sys
m = [json.loads(l) for l in open(sys.argv[1], "rb").read().splitlines()]
senders = [x["sender"] for x in m]
replies = [r["reply"] for x in m for r in x["recipients"]]
assert "eve\x1b]0;x\x07\x7f@remote.test" in senders, senders
assert any("busy été" in r for r in replies), replies' "$T/list.json"
ok $? "list -j: valid JSON with the sender and the reply exactly"

"$SPOOLMGR" -C "$CONF" trace "$id" > "$T/trace"
is "$(controls "$T/trace")" "" "trace: no control bytes"
like "$(cat "$T/trace")" '<\\x1b\]0;id\\x07\.1@remote\.test>' \
    "trace: the Message-ID's controls visible"
"$SPOOLMGR" -C "$CONF" trace -j "$id" > "$T/trace.json"
python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], "rb").read().splitlines()]
assert any(l["message_id"] == "<\x1b]0;id\x07.1@remote.test>" for l in lines), lines' "$T/trace.json"
ok $? "trace -j: valid JSON that carries the Message-ID exactly"
is "$(controls "$T/trace.json")" "" "trace -j: no control bytes"

MAILER=${MAILER:-$TOP/mailer/mailer}
"$MAILER" -C "$CONF" -bp > "$T/bp" 2>&1
is "$(controls "$T/bp")" "" "mailer -bp: no control bytes"
