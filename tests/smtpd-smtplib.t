#!/bin/bash
# SPDX-License-Identifier: ISC
# smtpd under tcpserver with Python's smtplib as the client, as users
# meet it (issue 9): sendmail() with a message's own LF line ends is
# taken, each LF stored as a line end and the dots smtplib doubled after
# an LF removed; send_message(mail_options=["SMTPUTF8"]), which sends
# SMTPUTF8 twice, is taken.  A smuggling attempt with LF . LF becomes one
# message holding the would-be commands, and mailer -x sends that
# message on to smtp-sink with its "." line doubled on the wire: one
# transaction at the sink, the "." line inside its text.
# Addresses: 127.0.22.1 (smtpd), 127.0.22.2 (smtp-sink), 127.0.22.3 (a
# recorder between mailer and the sink).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/smtpd-env.sh"
. "$(dirname "$0")/mailer-lib.sh"
plan 20

ADDR=127.0.22.1
SINKADDR=127.0.22.2
TAPADDR=127.0.22.3
# free_port_on ADDR: a TCP port nobody listens on at ADDR now.
free_port_on() {
	python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"
}
spooled() { ls "$T/spool/in" | grep -c '\.TXT$'; }
# last: the spool id smtpd gave last
last() { ls "$T/spool/in" | grep '\.TXT$' | sort -n | tail -1 | cut -d. -f1; }
# same_file GOT WANT DESC: the two files hold the same bytes
same_file() { cmp -s "$1" "$2"; ok $? "$3"; }

mkdir -p "$T/mail/example.test/u3"
smtpd_conf "aliases=$T/aliases" relayclients=192.0.2.0/24 > "$T/smtpd.conf"
touch "$T/aliases"
PORT=$(free_port_on $ADDR)
bg tcpserver -HRl0 $ADDR "$PORT" "$SMTPD" -C "$T/smtpd.conf"
wait_port $ADDR "$PORT" || exit 1

# 1-5: smtplib.sendmail(..., msg.as_bytes()): LF line ends, dot lines
python3 - $ADDR "$PORT" "$T/lfmsg" > "$T/py1.out" 2> "$T/py1.err" <<'EOF'
import smtplib, sys
from email.message import EmailMessage
msg = EmailMessage()
msg["From"] = "alice@remote.test"
msg["To"] = "bob@example.test"
msg["Subject"] = "LF line ends"
msg.set_content("first\n.\n.dot at the start\n..\nlast\n")
data = msg.as_bytes()
open(sys.argv[3], "wb").write(data)
print("bare LF only:", b"\n" in data and b"\r" not in data)
s = smtplib.SMTP(sys.argv[1], int(sys.argv[2]), timeout=10)
s.set_debuglevel(1)
print("refused", s.sendmail("alice@remote.test", ["bob@example.test"], data))
s.quit()
EOF
is "$(cat "$T/py1.out")" "bare LF only: True
refused {}" "smtplib sendmail with LF line ends: accepted"
like "$(tr -d '\r' < "$T/py1.err" | tr '\n' '~')" "reply: retcode \(250\); Msg: b'2\.0\.0 queued as [0-9]+'" \
    "the final dot answered 250 queued"
n=$(last)
body "$T/spool/in/$n.TXT" > "$T/got1"
# smtplib ends a text that does not end in CRLF with CRLF before the dot:
# the spool keeps that empty line, as Postfix does
{ cat "$T/lfmsg"; printf '\n'; } > "$T/want1"
same_file "$T/got1" "$T/want1" \
    "spooled byte for byte: LF line ends, dots smtplib doubled removed"
like "$(tr '\n' '~' < "$T/got1")" '~first~\.~\.dot at the start~\.\.~last~~$' \
    "the lines '.', '.dot' and '..' kept as the message has them"
is "$(spooled)" 1 "one message"

# 6-9: send_message with mail_options=["SMTPUTF8"] and a UTF-8 sender:
# smtplib adds its own SMTPUTF8, so the MAIL command carries it twice
python3 - $ADDR "$PORT" > "$T/py2.out" 2> "$T/py2.err" <<'EOF'
import smtplib, sys
from email.message import EmailMessage
msg = EmailMessage()
msg["From"] = "j\u00f6rg@remote.test"
msg["To"] = "bob@example.test"
msg["Subject"] = "gr\u00fc\u00dfe"
msg.set_content("hall\u00f6\n")
s = smtplib.SMTP(sys.argv[1], int(sys.argv[2]), timeout=10)
s.set_debuglevel(1)
print("refused", s.send_message(msg, mail_options=["SMTPUTF8"]))
s.quit()
EOF
is "$(cat "$T/py2.out")" "refused {}" "send_message with SMTPUTF8 twice: accepted"
like "$(grep -a "send: 'mail FROM" "$T/py2.err")" 'SMTPUTF8 SMTPUTF8' \
    "smtplib really sent SMTPUTF8 twice"
n=$(last)
like "$(tr '\n' '~' < "$T/spool/in/$n.WRK")" $'^From: <j\xc3\xb6rg@remote\\.test>~'"To: <bob@example\.test>~.*~Smtputf8: yes~" \
    "the envelope: the UTF-8 sender, Smtputf8: yes"
is "$(spooled)" 2 "two messages"

# 10-11: a repeated parameter with a value is still refused
python3 - $ADDR "$PORT" > "$T/py3.out" 2>&1 <<'EOF'
import smtplib, sys
s = smtplib.SMTP(sys.argv[1], int(sys.argv[2]), timeout=10)
s.ehlo("client.test")
for opts in (["BODY=8BITMIME", "BODY=8BITMIME"], ["SIZE=10", "SIZE=10"]):
    code, text = s.mail("alice@remote.test", opts)
    print(code, text.decode())
s.quit()
EOF
is "$(cat "$T/py3.out")" "501 5.5.4 BODY given twice
501 5.5.4 SIZE given twice" "BODY twice, SIZE twice: 501"
is "$(spooled)" 2 "nothing more spooled"

# 12-15: smuggling: LF . LF then commands, in one write
printf 'EHLO c.test\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nx\n.\nMAIL FROM:<evil@remote.test>\nRCPT TO:<u3@example.test>\nDATA\nsmuggled\n.\r\n.\r\nQUIT\r\n' > "$T/smuggle"
out=$(raw "$PORT" < "$T/smuggle")
is "$(echo "$out" | tr -d '\r' | grep -E '^[0-9]{3}( |$)' | cut -c1-3 | tr '\n' ' ')" \
    "220 250 250 250 354 250 221 " "LF . LF: one message queued, no second transaction"
is "$(spooled)" 3 "exactly one message more"
n=$(last)
body "$T/spool/in/$n.TXT" > "$T/got3"
printf 'x\n.\nMAIL FROM:<evil@remote.test>\nRCPT TO:<u3@example.test>\nDATA\nsmuggled\n.\n' > "$T/want3"
same_file "$T/got3" "$T/want3" "its text holds the would-be commands and the '.' lines"
is "$(grep -E '^(From|To):' "$T/spool/in/$n.WRK" | tr '\n' ' ')" \
    "From: <a@remote.test> To: <bob@example.test> " "its envelope is the real one only"

# 16-20: mailer -x sends that message on, through a recorder, to smtp-sink
SINKPORT=$(free_port_on $SINKADDR)
TAPPORT=$(free_port_on $TAPADDR)
sink s1 "$SINKADDR:$SINKPORT"
# tap: one connection, relayed to the sink; what the client sent is kept
cat > "$T/tap.py" <<'EOF'
import select, socket, sys, time
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((sys.argv[1], int(sys.argv[2])))
ls.listen(1)
ls.settimeout(20)
open(sys.argv[6], "w").close()
c, _ = ls.accept()
u = socket.create_connection((sys.argv[3], int(sys.argv[4])), 10)
wire = open(sys.argv[5], "wb")
deadline = time.time() + 20
while time.time() < deadline:
    r, _, _ = select.select([c, u], [], [], 1)
    if c in r:
        b = c.recv(65536)
        if not b:
            break
        wire.write(b)
        wire.flush()
        u.sendall(b)
    if u in r:
        b = u.recv(65536)
        if not b:
            break
        c.sendall(b)
wire.close()
EOF
bg python3 "$T/tap.py" $TAPADDR "$TAPPORT" $SINKADDR "$SINKPORT" "$T/wire" \
    "$T/tap.ready"
wait_for 10 test -e "$T/tap.ready" || exit 1
conf "$T/m.conf"
out=$("$MAILER" -x -C "$T/m.conf" -f a@remote.test -h "$TAPADDR:$TAPPORT" \
    bob@example.test < "$T/spool/in/$n.TXT")
like "$out" '^bob@example\.test ok 250 ' "mailer -x: delivered to the sink"
like "$(tr '\r\n' '<~' < "$T/wire")" '<~x<~\.\.<~MAIL FROM:<evil@remote\.test><~RCPT TO:<u3@example\.test><~DATA<~smuggled<~\.\.<~\.<~QUIT<~$' \
    "on the wire the '.' lines went doubled, then the one final dot"
f=$(kept_file s1)
is "$(find "$T/s1" -type f | wc -l)" 1 "the sink kept one transaction"
is "$(grep -c '^X-Rcpt-Args' "$f")" 1 "with one recipient"
sed -n '/^x$/,$p' "$f" > "$T/got4"
# smtp-sink ends each file it keeps with an empty line of its own
{ cat "$T/want3"; echo; } > "$T/want4"
same_file "$T/got4" "$T/want4" \
    "the sink's text: the '.' lines inside the message, the commands text"
