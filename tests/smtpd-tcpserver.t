#!/bin/bash
# SPDX-License-Identifier: ISC
# smtpd under tcpserver, with real clients (swaks, Python's smtplib, a raw
# socket): messages land in the spool byte for byte, refusals leave
# nothing, pipelining keeps replies in order, 100 recipients, LF . LF
# is text of one message.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/smtpd-env.sh"
plan 34

PORT=$(free_port)
RELAYPORT=$(free_port)
for i in $(seq 1 105); do mkdir "$T/mail/example.test/u$i"; done
printf 'sales: bob\n' > "$T/aliases"
conf() {	# conf RELAYCLIENTS
	smtpd_conf "aliases=$T/aliases" "relayclients=$1"
}
conf 192.0.2.0/24 > "$T/smtpgate.conf"
conf 127.0.0.0/8 > "$T/relay.conf"
bg tcpserver -HRl0 127.0.0.1 "$PORT" "$SMTPD" -C "$T/smtpgate.conf"
bg tcpserver -HRl0 127.0.0.1 "$RELAYPORT" "$SMTPD" -C "$T/relay.conf"
wait_port 127.0.0.1 "$PORT" && wait_port 127.0.0.1 "$RELAYPORT"

# codes: the reply codes of the last line of each reply, on one line.
codes() { tr -d '\r' | grep -E '^[0-9]{3}( |$)' | cut -c1-3 | tr '\n' ' '; }
# body FILE: the spooled text after smtpd's Received: header.
# same_body FILE WANT DESC: the spooled text is exactly the bytes WANT.
same_body() {
	body "$1" > "$T/got"
	printf '%s' "$2" > "$T/want"
	cmp -s "$T/got" "$T/want"
	ok $? "$3"
}
# flat: newlines as ~ and tabs as _, so that one regex sees all lines.
flat() { tr '\n\t' '~_' | tr -d '\r'; }
spooled() { ls "$T/spool/in" | grep -Ev '^seq$' | sort -n | tr '\n' ' '; }
last_id() { ls "$T/spool/in" | grep '\.WRK$' | sort -n | tail -1 | cut -d. -f1; }

# 1-5: swaks, one message
printf 'Subject: test\n\n.leading dot\nlast line' > "$T/msg"
out=$(swaks --server 127.0.0.1:"$PORT" --from alice@remote.test \
    --to bob@example.test --data "$T/msg" 2>&1)
like "$out" '<-  250 2\.0\.0 queued as 1' "swaks: message accepted with its id"
is "$(spooled)" "1.TXT 1.WRK " "swaks: the message is N.TXT and N.WRK"
same_body "$T/spool/in/1.TXT" $'Subject: test\n\n.leading dot\nlast line\n' \
    "swaks: spooled text is the message, dot-unstuffed, LF line ends"
like "$(head -3 "$T/spool/in/1.TXT" | flat)" "^Received: from [^ ]+ \(\[127\.0\.0\.1\]\)~_by mx\.example\.test with ESMTP id 1~_for <bob@example\.test>; [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} 20[0-9]{2} [0-9:]{8} [-+][0-9]{4}~$" \
    "swaks: Received: header of RFC 5321 4.4 with id and for"
like "$(flat < "$T/spool/in/1.WRK")" "^From: <alice@remote\.test>~To: <bob@example\.test>~Id: 1~Date: [0-9]+~Client: 127\.0\.0\.1~Helo: [^~]+~$" \
    "swaks: envelope From, To, Id, Date, Client, Helo"

# 6-8: smtplib, two recipients (one an alias), 8-bit text, DSN
python3 - "$PORT" > "$T/py.out" 2>&1 <<'EOF'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
s.ehlo("client.test")
body = "Subject: caf\u00e9\r\n\r\nline one\r\n.\r\n..two\r\n".encode("utf-8")
r = s.sendmail("<>", ["bob@example.test", "Sales@Example.Test"], body,
    mail_options=["BODY=8BITMIME", "RET=HDRS", "ENVID=abc+2B1"],
    rcpt_options=["NOTIFY=FAILURE,DELAY"])
print("refused", r)
s.quit()
EOF
is "$(cat "$T/py.out")" "refused {}" "smtplib: both recipients accepted"
same_body "$T/spool/in/2.TXT" $'Subject: caf\303\251\n\nline one\n.\n..two\n' \
    "smtplib: 8-bit text spooled exactly, dots restored"
like "$(flat < "$T/spool/in/2.WRK")" "^From: <>~To: <bob@example\.test>~To: <sales@example\.test>~.*~Body: 8BITMIME~Ret: HDRS~Envid: abc\+2B1~Notify: <bob@example\.test> FAILURE,DELAY~Notify: <sales@example\.test> FAILURE,DELAY~$" \
    "smtplib: null sender, DSN keys in the envelope"

# 9-12: refusals leave nothing
before=$(spooled)
out=$(swaks --server 127.0.0.1:"$PORT" --from a@remote.test \
    --to nobody@example.test 2>&1)
like "$out" '<\*\* 550 5\.1\.1 <nobody@example\.test>: no such user' "unknown local user: 550 5.1.1"
out=$(swaks --server 127.0.0.1:"$PORT" --from a@remote.test --to x@remote.test 2>&1)
like "$out" '<\*\* 550 5\.7\.1 <x@remote\.test>: relaying denied' "other domain from outside relayclients: 550 5.7.1"
out=$(swaks --server 127.0.0.1:"$RELAYPORT" --from a@remote.test \
    --to x@remote.test 2>&1)
like "$out" '<-  250 2\.0\.0 queued as' "other domain from a relay client: accepted"
rm -f "$T"/spool/in/3.*
is "$(spooled)" "$before" "refused messages left no files"

# 13-16: relay tricks: the final domain decides, the local part never routes
out=$(printf '%s\r\n' "EHLO c.test" "MAIL FROM:<a@remote.test>" \
    "RCPT TO:<x%remote.test@example.test>" \
    "RCPT TO:<\"x@remote.test\"@example.test>" \
    "RCPT TO:<remote.test!x@example.test>" \
    "RCPT TO:<@example.test:x@remote.test>" \
    "RCPT TO:<x@[192.0.2.7]>" "DATA" "Subject: relay" "." "QUIT" | raw "$PORT")
is "$(echo "$out" | codes)" "220 250 250 550 550 550 550 550 554 554 221 " \
    "percent hack, quoted @, bang path, source route, literal: all 550"
is "$(echo "$out" | tr -d '\r' | grep -c '^550 5\.7\.1')" 5 "each refused with 5.7.1"
like "$out" '554 5\.5\.0 message text discarded' "text after the refused DATA is not run as commands"
is "$(spooled)" "$before" "nothing relayed, nothing spooled"

# 17-20: pipelining
out=$(swaks --server 127.0.0.1:"$PORT" --pipeline --from a@remote.test \
    --to bob@example.test,nobody@example.test,u1@example.test 2>&1)
like "$out" '<-  250 2\.0\.0 queued as' "swaks --pipeline: accepted"
n=$(last_id)
is "$(grep '^To:' "$T/spool/in/$n.WRK" | tr '\n' ' ')" \
    "To: <bob@example.test> To: <u1@example.test> " "swaks --pipeline: the two good recipients"
out=$(printf '%s\r\n' "EHLO c.test" "MAIL FROM:<a@remote.test>" \
    "RCPT TO:<bob@example.test>" "RCPT TO:<ghost@example.test>" "DATA" \
    "first" ".." "." "MAIL FROM:<b@remote.test>" "RCPT TO:<u2@example.test>" \
    "DATA" "second" "." "QUIT" | raw "$PORT")
is "$(echo "$out" | codes)" "220 250 250 250 550 354 250 250 250 354 250 221 " \
    "one write: every reply, in order"
n=$(last_id)
same_body "$T/spool/in/$((n - 1)).TXT" $'first\n.\n' "one write: first message spooled right"
same_body "$T/spool/in/$n.TXT" $'second\n' "one write: second message spooled right"

# 21-23: 100 recipients; the 101st and later get 452 4.5.3
python3 - "$PORT" > "$T/py.out" 2>&1 <<'EOF'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
rcpts = ["u%d@example.test" % i for i in range(1, 106)]
r = s.sendmail("a@remote.test", rcpts, b"Subject: many\r\n\r\nhi\r\n")
print(sorted((k, v[0], v[1].decode()) for k, v in r.items()))
s.quit()
EOF
n=$(last_id)
is "$(grep -c '^To:' "$T/spool/in/$n.WRK")" 100 "100 recipients accepted and stored"
like "$(cat "$T/py.out")" "^\[\('u101@example.test', 452, '4\.5\.3 too many recipients'\)" "the 101st: 452 4.5.3"
is "$(grep -o 452 "$T/py.out" | wc -l)" 5 "all five beyond maxrcpt: 452"

# 25-28: a bare LF ends a line, never the data: LF . LF and the would-be
# commands after it are the text of the one message
before=$(spooled)
out=$(printf 'EHLO c.test\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nx\n.\nMAIL FROM:<evil@remote.test>\nRCPT TO:<u3@example.test>\nDATA\nsmuggled\n.\r\n.\r\nQUIT\r\n' | raw "$PORT")
is "$(echo "$out" | codes)" "220 250 250 250 354 250 221 " "bare LF . LF: one message queued, nothing run"
n=$(last_id)
is "$(spooled)" "$before$n.TXT $n.WRK " "bare LF . LF: exactly that one message"
same_body "$T/spool/in/$n.TXT" $'x\n.\nMAIL FROM:<evil@remote.test>\nRCPT TO:<u3@example.test>\nDATA\nsmuggled\n.\n' \
    "bare LF . LF: the would-be commands spooled as its text"
is "$(grep -E '^(From|To):' "$T/spool/in/$n.WRK" | tr '\n' ' ')" \
    "From: <a@remote.test> To: <bob@example.test> " "bare LF . LF: only the real envelope"

# 29-34: bad input
before=$(spooled)
out2=$(printf 'EHLO c.test\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nx\r.\rMAIL FROM:<evil@remote.test>\rRCPT TO:<u3@example.test>\r\n.\r\nQUIT\r\n' | raw "$PORT")
is "$(echo "$out2" | codes)" "220 250 250 250 354 554 221 " "bare CR . CR: one 554, nothing run"
out3=$(printf 'EHLO c.test\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nnul \000 here\r\n.\r\nQUIT\r\n' | raw "$PORT")
like "$(echo "$out2$out3" | flat)" '554 5\.6\.0 bare CR.*554 5\.6\.0 NUL' \
    "bare CR, NUL: 554 5.6.0 naming the fault"
long=$(head -c 1200 /dev/zero | tr '\0' x)
out=$(printf 'EHLO c.test\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n%s\r\n.\r\nNOOP %s\r\nNOOP\r\nQUIT\r\n' "$long" "$long" | raw "$PORT")
is "$(echo "$out" | codes)" "220 250 250 250 354 500 500 250 221 " \
    "long text line and long command: 500, session goes on"
like "$(echo "$out" | flat)" '500 5\.5\.2 line too long: message lines.*500 5\.5\.2 line too long: commands' \
    "both 500 5.5.2"
out=$(printf '%s\r\n' "RCPT TO:<bob@example.test>" "MAIL FROM:<a@remote.test>" \
    "HELO c.test" "RCPT TO:<bob@example.test>" "MAIL FROM:<a@remote.test>" \
    "MAIL FROM:<a@remote.test>" "DATA" "RCPT TO:<bob@example.test>" "." \
    "QUIT" | raw "$PORT")
is "$(echo "$out" | codes)" "220 503 503 250 503 250 503 554 554 221 " \
    "commands out of order: 503; text after the refused DATA skipped"
is "$(spooled)" "$before" "bad input: nothing spooled"
