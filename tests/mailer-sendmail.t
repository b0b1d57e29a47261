#!/bin/bash
# SPDX-License-Identifier: ISC
# sendmail mode: -t, Bcc removed, Date/Message-ID/From added, "." and -i,
# an empty message, no header, long headers, injection refused, exit
# codes, -odq and -bp, local domains left to spoolmgr, sendmail's flags.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
plan 57

P=$(free_port)
sink s "127.0.0.1:$P"
make_spool "$T/spool"
conf "$T/c.conf" "spool=$T/spool" "relayhost=127.0.0.1:$P" user=nobody \
    localdomains=local.test
sm() { "$MAILER" -C "$T/c.conf" "$@"; }
queued() { find "$T/spool/in" -name '*.WRK' | wc -l | tr -d ' '; }
last() {	# the message part of the newest sink file (less its last LF)
	local m
	sleep 0.1
	m=$(sed -n '/^Received: from local user/,$p' "$(ls -t "$T"/s/* | head -1)")
	printf '%s\n' "$m"
}

printf 'To: a@x.test, "Doe, J" <b@y.test>\nCc: c@z.test\nBcc: hidden@w.test\nSubject: -t\n\nbody\n' |
    sm -t -f s@client.test
is "$?" 0 "-t: exit 0"
f=$(ls -t "$T"/s/* | head -1)
is "$(grep -c '^X-Rcpt-Args' "$f")" 4 "-t: To, Cc and Bcc are the recipients"
like "$(grep '^X-Rcpt-Args' "$f" | tr '\n' ' ')" 'hidden@w.test' "the Bcc recipient got it"
msg=$(last)
ok "$(echo "$msg" | grep -qi '^Bcc:'; [ $? -ne 0 ]; echo $?)" "the Bcc: field was removed"
like "$(echo "$msg" | head -2 | tr '\n' ' ')" \
    "^Received: from local user [a-z]+ \(uid [0-9]+\)[[:space:]]+by client.test \(smtpgate mailer\) id [0-9]+;" \
    "Received: comes first"
like "$msg" '^Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} [-+][0-9]{4}$' \
    "Date: added"
like "$msg" '^Message-ID: <[0-9]+\.[0-9]+\.[0-9]+@client\.test>$' "Message-ID: added"
like "$msg" '^From: .*<?s@client.test>?$' "From: added from the sender"
is "$(queued)" 0 "delivered: nothing left in the spool"

printf 'From: me@x.test\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <m@x>\nSubject: kept\n\nb\n' |
    sm -f s@client.test r@x.test
msg=$(last)
is "$(echo "$msg" | grep -c -E '^(From|Date|Message-ID):')" 3 "fields given are not added twice"

# "." alone ends the input unless -i (or -oi)
printf 'Subject: dot\n\nbefore\n.\nafter\n' | sm r@x.test
is "$(last | sed -n '/^$/,$p' | tr '\n' '|')" "|before|" "a lone dot ends the message"
printf 'Subject: dot\n\nbefore\n.\nafter\n' | sm -i r@x.test
is "$(last | sed -n '/^$/,$p' | tr '\n' '|')" "|before|.|after|" "-i: the dot line is sent"
printf 'Subject: dot\r\n\r\nbefore\r\n.\r\nafter\r\n' | sm -oi r@x.test
is "$(last | sed -n '/^$/,$p' | tr '\n' '|')" "|before|.|after|" "-oi, and CR LF input"

# An empty message and one without a header: our fields, then a blank line.
sm r@x.test < /dev/null
is "$?" 0 "an empty message is sent"
is "$(last | grep -c -E '^(From|Date|Message-ID):')" 3 "it gets From, Date and Message-ID"
printf 'just a line\nof text\n' | sm r@x.test
is "$(last | sed -n '/^$/,$p' | tr '\n' '|')" "|just a line|of text|" \
    "no header: the text is the body, after a blank line"
printf 'Subject: a\nnot a header line\nmore\n' | sm r@x.test
is "$(last | sed -n '/^$/,$p' | tr '\n' '|')" "|not a header line|more|" \
    "a non-field line starts the body, with a blank line before it"

# A 3000-octet header line is folded (RFC 5322 2.1.1), not refused.
long=$(printf 'w%.0s' $(seq 1 3000))
printf 'Subject: %s\n\nb\n' "$long" | sm r@x.test
is "$?" 0 "a 3000-octet header line: sent"
subj=$(last | sed -n '/^Subject:/,/^[^ ]/p' | sed '$d')
is "$(echo "$subj" | awk 'length > 998' | wc -l | tr -d ' ')" 0 "no line over 998 octets"
is "$(echo "$subj" | tr -d '\n ' | wc -c | tr -d ' ')" "$(( 3000 + 8 ))" \
    "the field is whole, folded with CR LF SP"
n=$(ls "$T/s" | wc -l)
python3 -c 'import sys
sys.stdout.write("X-Big: " + "v" * 900 + "\n")
for i in range(1300): sys.stdout.write("X-Many: " + "v" * 900 + "\n")
sys.stdout.write("\nbody\n")' 2> /dev/null | sm r@x.test 2> "$T/err"
is "$?" 65 "a header section over 1 MiB: EX_DATAERR"
like "$(cat "$T/err")" 'header section is longer than 1 MiB' "... saying why"
is "$(queued)$(ls "$T/s" | wc -l)" "0$n" "... nothing queued or sent"

# Injection and bad addresses: refused before anything is queued or sent.
n=$(ls "$T/s" | wc -l)
printf 'x\n' | sm "$(printf 'a@x.test\r\nRSET')" 2> "$T/err"
is "$?" 65 "CR LF in a recipient: EX_DATAERR"
printf 'x\n' | sm -f "$(printf 'a@x.test\nRCPT TO:<v@v.test>')" r@x.test 2> "$T/err"
is "$?" 65 "LF in the sender: EX_DATAERR"
printf 'To: ok@x.test, bad@@x.test\n\nx\n' | sm -t 2> "$T/err"
is "$?" 65 "-t with a bad To: address: EX_DATAERR"
like "$(cat "$T/err")" 'bad@@x.test' "... naming it"
printf 'x\n' | sm -F "$(printf 'Joe\r\nBcc: v@v.test')" r@x.test 2> "$T/err"
is "$?" 64 "a line break in -F: EX_USAGE"
printf 'Subject: x\n\nx\n' | sm -t 2> "$T/err"
is "$?" 64 "-t and no recipient anywhere: EX_USAGE"
is "$(queued)$(ls "$T/s" | wc -l)" "0$n" "none of them queued or sent"

# Permanent failures: exit status, stderr, a DSN owed unless NOTIFY=NEVER.
P5=$(free_port)
sink s5 "127.0.0.1:$P5" -f RCPT -B "550 5.1.1 no such user"
conf "$T/c5.conf" "spool=$T/spool" "relayhost=127.0.0.1:$P5" user=nobody
printf 'x\n' | "$MAILER" -C "$T/c5.conf" -f s@client.test gone@x.test 2> "$T/err"
is "$?" 69 "5xx recipient: EX_UNAVAILABLE"
is "$(cat "$T/err")" "mailer: gone@x.test: failed: 550 5.1.1 no such user" \
    "stderr names the recipient and the reply"
like "$(cat "$T"/spool/in/*.WRK)" '^State: <gone@x.test> failed ' \
    "the message stays for spoolmgr's DSN, marked failed"
rm -f "$T"/spool/in/*
printf 'x\n' | "$MAILER" -C "$T/c5.conf" -N NEVER -f s@client.test gone@x.test 2> /dev/null
is "$(queued)" 0 "NOTIFY=NEVER: no DSN owed, the message is gone"

# -odq queues only; -bp lists the queue.
n=$(ls "$T/s" | wc -l)
printf 'Subject: q\n\nx\n' | sm -odq -f s@client.test r1@x.test r2@y.test
is "$?" 0 "-odq: exit 0"
is "$(queued)$(ls "$T/s" | wc -l)" "1$n" "-odq: queued, not sent"
id=$(basename "$(ls "$T"/spool/in/*.WRK)" .WRK)
bp=$(sm -bp)
like "$bp" "^$id +in +[0-9]+s +[0-9]+  <s@client.test>" "-bp: id, queue, age, size, sender"
if [ -x "$TOP/spoolmgr/spoolmgr" ]; then
	is "$bp" "$("$TOP/spoolmgr/spoolmgr" -C "$T/c.conf" list 2>&1)" \
	    "-bp shows what spoolmgr list shows"
else
	ok 0 "# SKIP spoolmgr not built"
fi
like "$bp" '^ +pending +<r2@y.test>' "-bp: the recipients and their state"
rm -f "$T"/spool/in/*
is "$(sm -bp)" "The queue is empty." "-bp on an empty queue"
ln -s "$MAILER" "$T/mailq"
is "$("$T/mailq" -C "$T/c.conf")" "The queue is empty." "a link named mailq lists the queue"

# Local domains stay queued for spoolmgr; that is not an error.
printf 'x\n' | sm -f s@client.test root@local.test r@x.test
is "$?" 0 "a local recipient with a remote one: exit 0"
like "$(cat "$T"/spool/in/*.WRK)" '^State: <r@x.test> done ' "the remote one is done"
ok "$(grep -q '^State: <root@local.test>' "$T"/spool/in/*.WRK; [ $? -ne 0 ]; echo $?)" \
    "the local one is pending for spoolmgr"
rm -f "$T"/spool/in/*

# What programs pass to sendmail is accepted.
printf 'Subject: flags\n\nx\n' | sm -oem -odb -oi -em -bm -U -L tag -f s@client.test r@x.test
is "$?" 0 "-oem -odb -oi -em -bm -U -L: accepted"
printf 'Subject: flags\n\nx\n' | sm -odi -Am -ee -F 'Joe User' -f s@client.test r@x.test
is "$?" 0 "-odi -Am -ee -F: accepted"
sm -bi < /dev/null
is "$?" 0 "-bi (newaliases): nothing to do, exit 0"
printf 'Subject: unq\n\nx\n' | sm -f s root r@x.test
like "$(grep '^X-' "$(ls -t "$T"/s/* | head -1)" | tr '\n' ' ')" \
    'X-Mail-Args: <s@client.test>.*X-Rcpt-Args: <r@x.test>' \
    "an unqualified sender gets @hostname"
# ... and so does a recipient; the hostname is local (smtpgate.conf(5)):
# root@client.test waits for spoolmgr, it is not relayed
like "$(cat "$T"/spool/in/*.WRK)" '^To: <root@client\.test>' \
    "an unqualified recipient gets @hostname and stays for local delivery"
rm -f "$T"/spool/in/*

# DSN options: -V is plain text, encoded as xtext on the way.
printf 'Subject: dsn\n\nx\n' | sm -f s@client.test -N SUCCESS,FAILURE -R hdrs -V 'run 7=ok' r@x.test
f=$(ls -t "$T"/s/* | head -1)
like "$(grep '^X-Mail-Args' "$f")" 'RET=HDRS ENVID=run\+207\+3Dok$' "-R and -V (as xtext) on MAIL"
like "$(grep '^X-Rcpt-Args' "$f")" 'NOTIFY=SUCCESS,FAILURE$' "-N on RCPT"

# 8-bit data for a relay host without 8BITMIME: a permanent failure of
# the message itself, EX_DATAERR (RFC 6152 forbids sending it).
P8=$(free_port)
sink s8 "127.0.0.1:$P8" -8
conf "$T/c8.conf" "spool=$T/spool" "relayhost=127.0.0.1:$P8" user=nobody
rm -f "$T"/spool/in/*
printf 'Subject: x\n\ncaf\xc3\xa9\n' | "$MAILER" -C "$T/c8.conf" -f s@client.test \
    r@x.test 2> "$T/err"
is "$?" 65 "8-bit to a server without 8BITMIME: EX_DATAERR"
is "$(cat "$T/err")" "mailer: r@x.test: failed: 554 5.6.3 the message has 8-bit data and the server does not offer 8BITMIME; it cannot be converted to 7 bits: the message is not MIME (no MIME-Version)" \
    "... naming the recipient and why"

# A recipient named twice, the domain in another case: one RCPT.
printf 'Subject: twice\n\nx\n' | sm -f s@client.test d@x.test d@X.TEST
is "$(grep -c '^X-Rcpt-Args' "$(ls -t "$T"/s/* | head -1)")" 1 \
    "a recipient named twice (domain case aside): one RCPT"

# A lone CR ends a line, as it will on the wire: a field after it is a
# field (here a Bcc:, taken with -t and removed), the body's lines split.
printf 'To: a@x.test\rBcc: cr@w.test\nSubject: cr\n\none\rtwo\n' | sm -t -f s@client.test
f=$(ls -t "$T"/s/* | head -1)
is "$(grep '^X-Rcpt-Args' "$f" | tr '\n' ' ')" 'X-Rcpt-Args: <a@x.test> X-Rcpt-Args: <cr@w.test> ' \
    "lone CR: the To: before it and the Bcc: after it are both recipients"
msg=$(last)
ok "$(echo "$msg" | grep -qi '^Bcc:'; [ $? -ne 0 ]; echo $?)" "... and the Bcc: field was removed"
is "$(echo "$msg" | sed -n '/^$/,$p' | tr '\n' '|')" "|one|two|" "... the body's lone CR a line end"
