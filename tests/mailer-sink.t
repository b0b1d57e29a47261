#!/bin/bash
# SPDX-License-Identifier: ISC
# mailer -x against Postfix's smtp-sink: one and many recipients,
# PIPELINING on and off, HELO after a refused EHLO, 4xx/5xx/421 replies,
# DSN parameters passed on, 8-bit data only with 8BITMIME, bad addresses
# refused before connecting.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
plan 30

conf "$T/c.conf"
printf 'Subject: one\n\nhello\n.a line with a dot\n..two dots\n' > "$T/msg"

P1=$(free_port)
sink s1 "127.0.0.1:$P1"
out=$("$MAILER" -x -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$P1" \
    a@x.test < "$T/msg")
is "$?" 0 "one recipient: exit 0"
is "$out" "a@x.test ok 250 2.0.0 Ok" "one recipient: the ok line"
f=$(kept_file s1)
like "$(grep '^X-Mail-Args' "$f")" '<s@client.test>' "the sink saw the sender"
is "$(sed -n '/^Subject: one/,$p' "$f")" "$(cat "$T/msg")" \
    "the message arrived whole, dot lines unstuffed again by the sink"

# Many recipients, pipelined: one transaction, every RCPT in it.
rcpts=$(for i in $(seq 1 60); do echo "r$i@x.test"; done)
P2=$(free_port)
sink s2 "127.0.0.1:$P2"
out=$("$MAILER" -x -v -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$P2" \
    $rcpts < "$T/msg" 2> "$T/v2")
is "$(echo "$out" | grep -c ' ok 250 ')" 60 "60 recipients: 60 ok lines"
is "$(echo "$out" | cut -d' ' -f1)" "$rcpts" "lines in the order given"
is "$(grep -c '^X-Rcpt-Args' "$(kept_file s2)")" 60 \
    "one transaction with 60 RCPTs"
# With PIPELINING, MAIL, the RCPTs and DATA go in one write.
is "$(grep -A1 '^>>> MAIL FROM' "$T/v2" | tail -1 | tr -d '\r')" "RCPT TO:<r1@x.test>" \
    "pipelined: RCPT follows MAIL without waiting"

P3=$(free_port)
sink s3 "127.0.0.1:$P3" -p
"$MAILER" -x -v -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$P3" \
    a@x.test b@x.test < "$T/msg" > "$T/o3" 2> "$T/v3"
is "$(grep -c ' ok 250' "$T/o3")" 2 "no PIPELINING: both delivered"
like "$(grep -A1 '^>>> MAIL FROM' "$T/v3" | tail -1)" '^<<< 250' \
    "no PIPELINING: mailer waits for MAIL's reply"

P4=$(free_port)
sink s4 "127.0.0.1:$P4" -e
"$MAILER" -x -v -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$P4" \
    a@x.test < "$T/msg" > "$T/o4" 2> "$T/v4"
like "$(cat "$T/o4")" '^a@x.test ok 250' "EHLO refused: still delivered"
like "$(grep '^>>> HELO' "$T/v4")" 'HELO client.test' "EHLO refused: HELO said"

# A sink that refuses recipients: 5xx is fail, 4xx is defer.
P5=$(free_port)
sink s5 "127.0.0.1:$P5" -f RCPT -B "550 5.1.1 no such user"
out=$("$MAILER" -x -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$P5" \
    a@x.test b@x.test < "$T/msg")
is "$?" 0 "refused recipients: exit 0 all the same"
is "$out" "a@x.test fail 550 5.1.1 no such user
b@x.test fail 550 5.1.1 no such user" "5xx RCPT: fail lines with the enhanced code"
is "$(kept s5)" 0 "nothing sent when no recipient was accepted"

P6=$(free_port)
sink s6 "127.0.0.1:$P6" -r RCPT -b "450 4.2.0 mailbox busy"
out=$("$MAILER" -x -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$P6" \
    a@x.test < "$T/msg")
is "$out" "a@x.test defer 450 4.2.0 mailbox busy" "4xx RCPT: defer line"

P7=$(free_port)
sink s7 "127.0.0.1:$P7" -f .
out=$("$MAILER" -x -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$P7" \
    a@x.test b@x.test < "$T/msg")
like "$out" '^a@x.test fail 5[0-9][0-9] ' "5xx after the dot: fail"

P8=$(free_port)
sink s8 "127.0.0.1:$P8" -Q DATA
out=$("$MAILER" -x -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$P8" \
    a@x.test < "$T/msg")
like "$out" '^a@x.test defer 421 ' "421 at DATA: defer"

P9=$(free_port)
sink s9 "127.0.0.1:$P9" -r MAIL
out=$("$MAILER" -x -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$P9" \
    a@x.test b@x.test < "$T/msg")
is "$(echo "$out" | grep -c ' defer 4')" 2 "4xx MAIL: both deferred"

# DSN: smtp-sink offers DSN, so NOTIFY, ORCPT, RET and ENVID go on.
P10=$(free_port)
sink s10 "127.0.0.1:$P10"
"$MAILER" -x -C "$T/c.conf" -f s@client.test -N FAILURE -R HDRS -V id+2B1 \
    -h "127.0.0.1:$P10" a@x.test \
    'b@x.test NOTIFY=SUCCESS,DELAY ORCPT=rfc822;b@x.test' < "$T/msg" \
    > /dev/null
f=$(kept_file s10)
like "$(grep '^X-Mail-Args' "$f")" 'RET=HDRS ENVID=id\+2B1' "RET and ENVID passed on"
like "$(grep '^X-Rcpt-Args: <a@x.test>' "$f")" 'NOTIFY=FAILURE$' "-N is every recipient's default"
like "$(grep '^X-Rcpt-Args: <b@x.test>' "$f")" 'NOTIFY=SUCCESS,DELAY ORCPT=rfc822;b@x.test$' \
    "a recipient's own NOTIFY and ORCPT"

# Injection: refused before any connection (the sink would keep it).
"$MAILER" -x -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$P10" \
    "$(printf 'a@x.test\r\nRSET')" < "$T/msg" > /dev/null 2> "$T/e"
is "$?" 65 "CR LF in a recipient: EX_DATAERR"
"$MAILER" -x -C "$T/c.conf" -f "$(printf 's@x.test>\r\nDATA')" \
    -h "127.0.0.1:$P10" a@x.test < "$T/msg" > /dev/null 2>> "$T/e"
is "$?" 65 "CR LF in the sender: EX_DATAERR"
"$MAILER" -x -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$P10" \
    'a@x.test NOTIFY=SUCCESS%0D%0ARSET' < "$T/msg" > /dev/null 2>> "$T/e"
is "$?" 65 "a bad NOTIFY value: refused"
is "$(kept s10)" 1 "none of them reached the sink"

# 8-bit data (RFC 6152): BODY=8BITMIME when offered; a sink without
# 8BITMIME (-8) gets none of it, a 7-bit message goes there all the same.
printf 'Subject: caf\xc3\xa9\n\nna\xefve\n' > "$T/msg8"
P11=$(free_port)
sink s11 "127.0.0.1:$P11"
"$MAILER" -x -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$P11" a@x.test \
    < "$T/msg8" > /dev/null
like "$(grep '^X-Mail-Args' "$(kept_file s11)")" 'BODY=8BITMIME' \
    "8-bit message, 8BITMIME offered: BODY=8BITMIME"
P12=$(free_port)
sink s12 "127.0.0.1:$P12" -8
out=$("$MAILER" -x -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$P12" \
    a@x.test b@x.test < "$T/msg8")
is "$out" "a@x.test fail 554 5.6.3 the message has 8-bit data and the server does not offer 8BITMIME; it cannot be converted to 7 bits: 8-bit bytes in a header
b@x.test fail 554 5.6.3 the message has 8-bit data and the server does not offer 8BITMIME; it cannot be converted to 7 bits: 8-bit bytes in a header" \
    "8-bit message, no 8BITMIME: permanent 5.6.3 failure"
is "$(kept s12)" 0 "... and nothing was sent"
out=$("$MAILER" -x -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$P12" \
    a@x.test < "$T/msg")
is "$out" "a@x.test ok 250 2.0.0 Ok" "a 7-bit message goes to it"
