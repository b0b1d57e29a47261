#!/bin/bash
# SPDX-License-Identifier: ISC
# mailer -x against this project's smtpd under tcpserver: mixed recipient
# results, the message byte for byte in smtpd's spool (dot lines, 8-bit),
# SIZE refused before sending, 452 "too many recipients" answered with a
# second transaction, SMTPUTF8.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
plan 13

make_spool "$T/spool"
for u in ann bob jörg $(seq -f 'r%g' 1 105); do
	mkdir -p "$T/mail/dest.test/$u"
done
chown -R nobody:nogroup "$T/mail"
touch "$T/smtpd.log"
chown nobody "$T/smtpd.log"
cat > "$T/smtpd.conf" <<EOF
hostname=mx.dest.test
spool=$T/spool
mailroot=$T/mail
localdomains=dest.test
relayclients=192.0.2.0/24
aliases=$T/aliases
user=nobody
logfile=$T/smtpd.log
maxsize=4096
maxrcpt=100
EOF
touch "$T/aliases"
P=$(free_port)
bg tcpserver -HRl0 127.0.0.1 "$P" "$TOP/smtpd/smtpd" -C "$T/smtpd.conf"
wait_port 127.0.0.1 "$P"
conf "$T/c.conf"
x() { "$MAILER" -x -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$P" "$@"; }

printf 'Subject: mixed\nX-8bit: caf\xc3\xa9\n\n.leading dot\n..two\n.\nend \xe9\xe8\n' > "$T/msg"
out=$(x ann@dest.test nobody@dest.test bob@dest.test x@elsewhere.test < "$T/msg")
is "$?" 0 "mixed results: exit 0"
is "$(echo "$out" | awk '{print $1, $2, $3}')" "ann@dest.test ok 250
nobody@dest.test fail 550
bob@dest.test ok 250
x@elsewhere.test fail 550" "two accepted, an unknown mailbox and a relay attempt refused"
like "$(echo "$out" | sed -n 4p)" '550 5\.7\.1 ' "the relay refusal keeps its enhanced code"
wrk=$(ls "$T"/spool/in/*.WRK)
is "$(grep '^To:' $wrk | tr '\n' ' ')" "To: <ann@dest.test> To: <bob@dest.test> " \
    "smtpd queued it for the two accepted"
like "$(grep '^Body:' $wrk)" '8BITMIME' "declared BODY=8BITMIME"
python3 - "${wrk%.WRK}.TXT" "$T/msg" <<'PY'
import sys
text = open(sys.argv[1], "rb").read()
lines = text.split(b"\n")
i = 1
while lines[i][:1] in (b" ", b"\t"):
    i += 1
sys.exit(0 if b"\n".join(lines[i:]) == open(sys.argv[2], "rb").read() else 1)
PY
ok $? "byte for byte in smtpd's spool after its Received: (dots, 8-bit)"

# SIZE: smtpd says 4096; a larger message is refused before MAIL.
python3 -c 'print("Subject: big\n\n" + "z" * 6000)' > "$T/big"
n=$(ls "$T/spool/in" | wc -l)
out=$(x ann@dest.test < "$T/big")
like "$out" "^ann@dest.test fail 552 5\.3\.4 message size 60[0-9]+ exceeds the server's limit of 4096" \
    "larger than the server's SIZE: fail, not sent"
is "$(ls "$T/spool/in" | wc -l)" "$n" "nothing queued by smtpd"

# 105 recipients and maxrcpt=100: 452 for five, sent in a second transaction.
rm -f "$T"/spool/in/*
out=$(x $(seq -f 'r%g@dest.test' 1 105) < "$T/msg")
is "$(echo "$out" | grep -c ' ok 250 ')" 105 "105 recipients, maxrcpt 100: all delivered"
is "$(ls "$T"/spool/in/*.WRK | wc -l | tr -d ' ')" 2 "in two transactions"
is "$(cat "$T"/spool/in/*.WRK | grep -c '^To:')" 105 "each recipient once"

# SMTPUTF8: smtpd offers it; a UTF-8 mailbox goes with SMTPUTF8.
rm -f "$T"/spool/in/*
out=$(x "jörg@dest.test" < "$T/msg")
is "$out" "jörg@dest.test ok 250 2.0.0 queued as $(basename "$(ls "$T"/spool/in/*.WRK 2>/dev/null)" .WRK)" \
    "a UTF-8 recipient delivered with SMTPUTF8"
like "$(cat "$T"/spool/in/*.WRK)" 'Smtputf8: yes' "smtpd saw SMTPUTF8"
