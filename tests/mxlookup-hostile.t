#!/bin/bash
# SPDX-License-Identifier: ISC
# mxlookup and mailer against a hostile DNS server: ldns-testns sends raw
# replies (HEX_ANSWER) whose records are malformed: a CNAME or an MX with
# empty data, an A of 3 bytes, an AAAA of 4, an empty A, records of
# another owner.  Nothing may abort (an empty CNAME made libldns assert,
# signal 6): a malformed record is ignored, and when nothing usable is
# left the look-up fails for now (EX_TEMPFAIL, 75) and says why.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"

MX=${MXLOOKUP:-$TOP/mxlookup/mxlookup}	# MXLOOKUP=: another build
: >"$T/base.conf"
plan 31

# hex QNAME QTYPE [OWNER TYPE RDATA-HEX]...: a reply packet (id 0, QR RD
# RA, NOERROR) in hex, answering QNAME QTYPE with the records given raw.
hex() {
	python3 - "$@" <<'EOF'
import struct, sys
TYPES = {"A": 1, "CNAME": 5, "MX": 15, "AAAA": 28}
def name(n):
    return b"".join(bytes([len(l)]) + l.encode() for l in n.split(".") if l) + b"\0"
args = sys.argv[1:]
qname, qtype, rrs = args[0], args[1], args[2:]
out = struct.pack(">HHHHHH", 0, 0x8180, 1, len(rrs) // 3, 0, 0)
out += name(qname) + struct.pack(">HH", TYPES[qtype], 1)
for i in range(0, len(rrs), 3):
    rd = bytes.fromhex(rrs[i + 2])
    out += name(rrs[i]) + struct.pack(">HHIH", TYPES[rrs[i + 1]], 1, 300, len(rd)) + rd
print(out.hex())
EOF
}

# raw QNAME QTYPE [OWNER TYPE RDATA-HEX]...: an entry answering with hex.
raw() {
	raw_as "$1" "$2" "$@"
}

# raw_as QNAME QTYPE RQNAME RQTYPE [OWNER TYPE RDATA-HEX]...: the entry
# for the question QNAME QTYPE answers as if asked RQNAME RQTYPE.
raw_as() {
	printf 'ENTRY_BEGIN\nMATCH opcode qtype qname\nADJUST copy_id\n'
	printf 'REPLY QR RD RA NOERROR\nSECTION QUESTION\n%s. IN %s\n' "$1" "$2"
	shift 2
	printf 'HEX_ANSWER_BEGIN\n%s\nHEX_ANSWER_END\nENTRY_END\n\n' "$(hex "$@")"
}

# plain QNAME QTYPE [RR...]: an ordinary reply, as ldns-testns builds it.
plain() {
	local qname=$1 qtype=$2 rr
	shift 2
	printf 'ENTRY_BEGIN\nMATCH opcode qtype qname\nADJUST copy_id\n'
	printf 'REPLY QR RD RA NOERROR\nSECTION QUESTION\n%s. IN %s\n' "$qname" "$qtype"
	if [ $# -gt 0 ]; then
		printf 'SECTION ANSWER\n'
		for rr in "$@"; do printf '%s\n' "$rr"; done
	fi
	printf 'ENTRY_END\n\n'
}

{
	# a CNAME with no data at all: libldns asserted on it
	raw cname-empty.test MX cname-empty.test CNAME ""
	# an MX with no data, an MX with a preference and no exchanger
	raw mx-empty.test MX mx-empty.test MX ""
	raw mx-short.test MX mx-short.test MX 000a
	# an MX whose exchanger has an A of 3 bytes, an AAAA of 4, an empty A
	plain a3.test MX "a3.test. 300 IN MX 10 mx.a3.test."
	plain mx.a3.test AAAA
	raw mx.a3.test A mx.a3.test A c00002
	plain aaaa4.test MX "aaaa4.test. 300 IN MX 10 mx.aaaa4.test."
	raw mx.aaaa4.test AAAA mx.aaaa4.test AAAA 20010db8
	plain mx.aaaa4.test A
	plain aempty.test MX "aempty.test. 300 IN MX 10 mx.aempty.test."
	plain mx.aempty.test AAAA
	raw mx.aempty.test A mx.aempty.test A ""
	# no MX, and the domain's own A is empty: not "no such host"
	plain noaddr.test MX
	plain noaddr.test AAAA
	raw noaddr.test A noaddr.test A ""
	# a good MX beside an empty one: the good one is used
	raw mixed.test MX mixed.test MX "" mixed.test MX "000a026f6b047465737400"
	# an exchanger that is no host name ("a_b"), beside a good one
	raw badname.test MX badname.test MX "000a03615f62047465737400" \
	    badname.test MX "0014026f6b047465737400"
	plain ok.test AAAA
	plain ok.test A "ok.test. 300 IN A 192.0.2.91"
	# an MX record of another owner: not the domain's
	raw other.test MX evil.test MX "000a026f6b047465737400"
	plain other.test AAAA
	plain other.test A "other.test. 300 IN A 192.0.2.90"
	# a reply to another question
	raw_as wrongq.test MX evil.test MX evil.test MX "000a026f6b047465737400"
} >"$T/testns.data"

PORT=$(dns_port)
bg ldns-testns -p "$PORT" "$T/testns.data" >"$T/testns.log" 2>&1
answering() {
	drill -p "$PORT" @127.0.0.1 MX a3.test 2>/dev/null | grep -q 'rcode: NOERROR'
}
if ! wait_for 10 answering; then
	cat "$T/testns.log" >&2
	echo "Bail out! ldns-testns does not answer on port $PORT"
	exit 1
fi

# look DOMAIN [ARGS...]: sets $out, $errout, $rc.
look() {
	local domain=$1
	shift
	out=$("$MX" -C "$T/base.conf" -s "127.0.0.1@$PORT" -t 5 "$@" "$domain" 2>"$T/err")
	rc=$?
	errout=$(cat "$T/err")
}

look cname-empty.test
is "$rc" 75 "CNAME with empty data: EX_TEMPFAIL, no abort"
like "$errout" "^mxlookup: cname-empty\.test: malformed DNS reply: CNAME record for cname-empty\.test without a valid target name$" \
    "CNAME with empty data: said so"

look mx-empty.test
is "$rc" 75 "MX with empty data: EX_TEMPFAIL"
like "$errout" "^mxlookup: mx-empty\.test: malformed DNS reply: malformed MX record for mx-empty\.test$" \
    "MX with empty data: said so"
is "$out" "" "MX with empty data: no lines"

look mx-short.test
is "$rc" 75 "MX with a preference and no exchanger: EX_TEMPFAIL"
like "$errout" "malformed MX record for mx-short\.test" \
    "MX without exchanger: said so"

look a3.test
is "$rc" 75 "an A of 3 bytes: EX_TEMPFAIL"
like "$errout" "^mxlookup: a3\.test: malformed DNS reply: .*\(A mx\.a3\.test\)$" \
    "an A of 3 bytes: the question that failed is named"

look aaaa4.test
is "$rc" 75 "an AAAA of 4 bytes: EX_TEMPFAIL"
like "$errout" "^mxlookup: aaaa4\.test: malformed DNS reply: .*\(AAAA mx\.aaaa4\.test\)$" "an AAAA of 4 bytes: the question that failed is named"

look aempty.test
is "$rc" 75 "an empty A: EX_TEMPFAIL, no abort"
like "$errout" "^mxlookup: aempty\.test: malformed DNS reply: malformed A record for mx\.aempty\.test$" \
    "an empty A: said so"

look noaddr.test
is "$rc" 75 "no MX and an empty A: EX_TEMPFAIL, not EX_NOHOST"

look mixed.test -v
is "$rc" 0 "a good MX beside an empty one: exit 0"
is "$out" "10 ok.test 192.0.2.91" "a good MX beside an empty one: the good one"
like "$errout" "ignored 1 malformed record in a DNS reply: malformed MX record for mixed\.test" \
    "the malformed one is noted with -v"

look badname.test -v
is "$rc" 0 "an exchanger that is no host name beside a good one: exit 0"
is "$out" "20 ok.test 192.0.2.91" "an exchanger that is no host name: ignored"

look other.test
is "$rc" 0 "an MX of another owner: exit 0"
is "$out" "0 other.test 192.0.2.90" "an MX of another owner: not used (implicit MX)"

look wrongq.test
is "$rc" 75 "a reply to another question: EX_TEMPFAIL"
like "$errout" "does not answer the question \(MX wrongq\.test\)" \
    "a reply to another question: said so"

# --- mailer delivering at once, through the same resolver -----------------
make_spool "$T/spool"
conf "$T/c.conf" "spool=$T/spool" "resolver=127.0.0.1@$PORT" dnstimeout=5 \
    user=nobody remoteport=25
for d in cname-empty aempty; do
	printf 'Subject: hostile\n\nx\n' |
	    "$MAILER" -C "$T/c.conf" -f s@client.test "u@$d.test" 2>"$T/merr"
	rc=$?
	ok $([ "$rc" -lt 128 ]; echo $?) "mailer at once, $d.test: no abort (exit $rc)"
	like "$(cat "$T/merr")" "u@$d\.test: .*451 4\.4\.3 $d\.test: malformed DNS reply" \
	    "mailer at once, $d.test: deferred, saying why"
	ok $(! grep -q 'Assertion' "$T/merr"; echo $?) \
	    "mailer at once, $d.test: its delivery child did not abort either"
done
wrk=$(find "$T/spool" -name '*.WRK' | wc -l)
is "$wrk" 2 "mailer at once: both messages stay queued for a later try"
like "$(cat "$T"/spool/*/*.WRK 2>/dev/null)" "State: <u@cname-empty\.test> deferred" \
    "mailer at once: the recipient recorded as deferred"
