#!/bin/bash
# SPDX-License-Identifier: ISC
# 8-bit mail to servers without 8BITMIME, and SMTPUTF8 mail to servers
# without SMTPUTF8 (mailer -x, as spoolmgr runs it).  smtp-sink -8 offers
# neither; a private Postfix with smtpd_discard_ehlo_keywords = 8bitmime
# and smtputf8_enable = no relays what it gets to a second smtp-sink
# (inet_interfaces must be an interface address; its smtpd listens on
# 127.0.21.3, as master.cf says).
# MIME messages arrive converted (quoted-printable, base64) and Python's
# email package decodes every part to the original octets; 8-bit data
# that is not MIME still fails 554 5.6.3.  Everything on 127.0.21.0/24.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
. "$(dirname "$0")/postfix-env.sh"
plan 20

MSGS=$TOP/tests/mailer-8bit-msgs.py
mkdir -p "$T/m"
python3 "$MSGS" write "$T/m"
P1=$(free_port)
sink s1 "127.0.21.2:$P1" -8
conf "$T/c.conf"
# x PORT ADDR MESSAGE [flags]: mailer -x to one host, its report line
x() {
	local port=$1 addr=$2 m=$3
	shift 3
	"$MAILER" -x -C "$T/c.conf" -f a@client.test "$@" -h "$addr:$port" \
	    b@far.test < "$T/m/$m" 2> "$T/err"
}
newest() { ls -t "$T/$1"/* 2> /dev/null | head -1; }
compare() { [ -f "$2" ] || { echo "nothing arrived"; return; }; python3 "$MSGS" compare "$T/m/$1" "$2" 2>&1; }

like "$(x "$P1" 127.0.21.2 text.eml)" '^b@far\.test ok 250' \
    "8-bit text/plain to a server without 8BITMIME: delivered"
f=$(newest s1)
out=$(compare text.eml "$f")
is "$out" "" "... quoted-printable, decoding to the original octets"
like "$(grep -i '^Content-Transfer-Encoding' "$f")" '^Content-Transfer-Encoding: quoted-printable$' \
    "... labelled quoted-printable"
ok "$(awk 'length > 76 && !/^X-|^Received/ { bad = 1 } END { exit bad }' "$f"; echo $?)" \
    "... no line longer than 76"

like "$(x "$P1" 127.0.21.2 multi.eml)" '^b@far\.test ok 250' \
    "multipart with 8-bit text, octet-stream, unlabelled html and message/rfc822: delivered"
f=$(newest s1)
out=$(compare multi.eml "$f")
is "$out" "" "... every leaf decodes to the original octets, its other fields unchanged"
is "$(grep -ci '^Content-Transfer-Encoding: base64' "$f")" 1 "... the octet-stream as base64"
is "$(grep -ci '^Content-Transfer-Encoding: quoted-printable' "$f")" 3 "... the three 8-bit texts as quoted-printable"
is "$(grep -c '^Content-Transfer-Encoding: 7bit' "$f")" 3 \
    "... the multipart and message/rfc822 relabelled 7bit, the 7-bit part as it was"

like "$(x "$P1" 127.0.21.2 nomime.eml)" \
    '^b@far\.test fail 554 5\.6\.3 .*8BITMIME.*not MIME \(no MIME-Version\)' \
    "8-bit data without MIME-Version: 554 5.6.3, saying why"
like "$(x "$P1" 127.0.21.2 qp8.eml)" \
    '^b@far\.test fail 554 5\.6\.3 .*labelled quoted-printable' \
    "8-bit bytes in a quoted-printable part: 554 5.6.3, saying why"

# SMTPUTF8 (-U) with an ASCII envelope and header: sent without it
before=$(ls "$T/s1" | wc -l)
like "$(x "$P1" 127.0.21.2 ascii.eml -U)" '^b@far\.test ok 250' \
    "SMTPUTF8 message, all ASCII, to a server without SMTPUTF8: delivered"
f=$(newest s1)
is "$(grep '^X-Mail-Args' "$f")" "X-Mail-Args: <a@client.test>" "... MAIL without SMTPUTF8"
like "$(x "$P1" 127.0.21.2 utf8hdr.eml -U)" '^b@far\.test fail 553 5\.6\.7 ' \
    "SMTPUTF8 message with a UTF-8 Subject: still 553 5.6.7"
is "$(ls "$T/s1" | wc -l)" "$((before + 1))" "... and nothing of it sent"

# A real Postfix without 8BITMIME and SMTPUTF8
PF=$T/pf
P2=$(free_port)
P3=$(free_port)
sink s2 "127.0.21.4:$P3"
mkdir -p "$PF"
{
	postfix_main_cf "$PF" relay.test
	cat <<EOF
mynetworks = 127.0.0.0/8
relayhost = [127.0.21.4]:$P3
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_discard_ehlo_keywords = 8bitmime
smtputf8_enable = no
EOF
} > "$PF/main.cf"
postfix_master_cf "$P2" | sed "s/^127\.0\.0\.1:/127.0.21.3:/" > "$PF/master.cf"
trap 'postfix -c "$PF" stop > /dev/null 2>&1; cleanup' EXIT
postfix -c "$PF" start > "$T/pf.out" 2>&1 || diag "postfix: $(cat "$T/pf.out")"
wait_port 127.0.21.3 "$P2"

"$MAILER" -x -v -C "$T/c.conf" -f a@client.test -h "127.0.21.3:$P2" \
    b@far.test < "$T/m/multi.eml" > "$T/out" 2> "$T/v"
like "$(cat "$T/out")" '^b@far\.test ok 250' "the multipart to Postfix without 8BITMIME: accepted"
ok "$(grep -qi '^<<< 250.8BITMIME' "$T/v"; [ $? -ne 0 ]; echo $?)" "... which did not offer 8BITMIME"
wait_for 20 sh -c "[ \$(ls '$T/s2' | wc -l) -ge 1 ]"
f=$(newest s2)
out=$(compare multi.eml "$f")
is "$out" "" "... relayed on, every leaf decodes to the original octets"
like "$(x "$P2" 127.0.21.3 ascii.eml -U)" '^b@far\.test ok 250' \
    "an all-ASCII SMTPUTF8 message to Postfix with smtputf8_enable = no: accepted"
like "$(x "$P2" 127.0.21.3 nomime.eml)" '^b@far\.test fail 554 5\.6\.3 ' \
    "8-bit without MIME to Postfix without 8BITMIME: 554 5.6.3"
