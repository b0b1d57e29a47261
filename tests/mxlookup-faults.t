#!/bin/bash
# SPDX-License-Identifier: ISC
# mxlookup against broken DNS: ldns-testns with canned SERVFAIL, REFUSED
# and truncated replies, and a UDP socket that never answers.  Failures
# that may heal are EX_TEMPFAIL (75), and the -t bound holds.
. "$(dirname "$0")/lib.sh"

MX=${MXLOOKUP:-$TOP/mxlookup/mxlookup}	# MXLOOKUP=: another build
# Defaults only: the machine's own smtpgate.conf must not matter.
: >"$T/base.conf"
plan 34

# entry MATCH-EXTRA REPLY-FLAGS QNAME QTYPE [ANSWER-RR...]: one canned reply.
entry() {
	local match=$1 flags=$2 qname=$3 qtype=$4 rr
	shift 4
	printf 'ENTRY_BEGIN\nMATCH opcode qtype qname %s\n' "$match"
	[ "$flags" = "${flags#NOID }" ] && printf 'ADJUST copy_id\n'
	printf 'REPLY QR RD RA %s\nSECTION QUESTION\n%s IN %s\n' \
	    "${flags#NOID }" "$qname" "$qtype"
	if [ $# -gt 0 ]; then
		printf 'SECTION ANSWER\n'
		for rr in "$@"; do
			printf '%s\n' "$rr"
		done
	fi
	printf 'ENTRY_END\n\n'
}

{
	entry "" SERVFAIL servfail.test. MX
	entry "" REFUSED refused.test. MX
	# a truncated UDP reply (with a decoy record), the full one over TCP
	entry UDP "TC NOERROR" tc.test. MX "tc.test. 300 IN MX 10 decoy.tc.test."
	entry TCP NOERROR tc.test. MX "tc.test. 300 IN MX 10 mx.tc.test."
	entry "" NOERROR mx.tc.test. AAAA
	entry "" NOERROR mx.tc.test. A "mx.tc.test. 300 IN A 192.0.2.50"
	entry "" NOERROR decoy.tc.test. A "decoy.tc.test. 300 IN A 192.0.2.51"
	# truncated over UDP, and TCP gets no answer (the connection closes)
	entry UDP "TC NOERROR" tcfail.test. MX
	# the first exchanger's server fails, the second one resolves
	entry "" NOERROR mixed.test. MX "mixed.test. 300 IN MX 10 mx.fail.test." \
	    "mixed.test. 300 IN MX 20 mx.ok.test."
	entry "" SERVFAIL mx.fail.test. AAAA
	entry "" SERVFAIL mx.fail.test. A
	entry "" NOERROR mx.ok.test. AAAA
	entry "" NOERROR mx.ok.test. A "mx.ok.test. 300 IN A 192.0.2.60"
	# one exchanger fails for now, the other does not exist: temporary
	entry "" NOERROR allbad.test. MX "allbad.test. 300 IN MX 10 mx.fail.test." \
	    "allbad.test. 300 IN MX 20 mx.nx.test."
	entry "" NXDOMAIN mx.nx.test. AAAA
	# no MX, and the address look-ups fail: temporary, not "no host"
	entry "" NOERROR nomx.test. MX
	entry "" SERVFAIL nomx.test. AAAA
	entry "" SERVFAIL nomx.test. A
	# the MX is answered, the exchanger's addresses never are
	entry "" NOERROR slow.test. MX "slow.test. 300 IN MX 10 mx.silent.test."
	# an MX that is an address: one question only
	entry "" NOERROR lossy.test. MX "lossy.test. 300 IN MX 10 192.0.2.77."
	# a reply whose id is not the query's (spoofed, or stray)
	entry "" "NOID NOERROR" badid.test. MX "badid.test. 300 IN MX 10 mx.ok.test."
} >"$T/testns.data"

PORT=$(dns_port)
bg ldns-testns -p "$PORT" "$T/testns.data" >"$T/testns.log" 2>&1
answering() {
	drill -p "$PORT" @127.0.0.1 MX servfail.test 2>/dev/null | grep -q 'rcode: SERVFAIL'
}
if ! wait_for 10 answering; then
	cat "$T/testns.log" >&2
	echo "Bail out! ldns-testns does not answer on port $PORT"
	exit 1
fi

# A UDP socket that reads queries and never replies.
SILENT=$(dns_port)
bg python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    s.recvfrom(4096)' "$SILENT"

# A UDP relay to ldns-testns that loses the first packet of every query.
LOSSY=$(dns_port)
bg python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
up = ("127.0.0.1", int(sys.argv[2]))
seen = set()
while True:
    data, client = s.recvfrom(4096)
    if data[:2] not in seen:
        seen.add(data[:2])
        continue
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(2)
    u.sendto(data, up)
    try:
        s.sendto(u.recvfrom(4096)[0], client)
    except socket.timeout:
        pass
    u.close()' "$LOSSY" "$PORT"
sleep 0.3

# look SERVER-PORT DOMAIN [ARGS...]: sets $out, $errout, $rc, $ms.
look() {
	local port=$1 domain=$2 start
	shift 2
	start=$(date +%s%N)
	out=$("$MX" -C "$T/base.conf" -s "127.0.0.1@$port" "$@" "$domain" 2>"$T/err")
	rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	errout=$(cat "$T/err")
}

look "$PORT" servfail.test -t 5
is "$rc" 75 "SERVFAIL: EX_TEMPFAIL"
is "$out" "" "SERVFAIL: no lines"
like "$errout" "^mxlookup: servfail.test: .*SERVFAIL" "SERVFAIL: said so"

look "$PORT" refused.test -t 5
is "$rc" 75 "REFUSED: EX_TEMPFAIL"
like "$errout" "REFUSED" "REFUSED: said so"

look "$PORT" tc.test -t 5
is "$rc" 0 "TC over UDP, full reply over TCP: exit 0"
is "$out" "10 mx.tc.test 192.0.2.50" "TC: the TCP answer is used, not the truncated one"

look "$PORT" tcfail.test -t 5
is "$rc" 75 "TC over UDP, TCP fails: EX_TEMPFAIL"
is "$out" "" "TC with TCP failing: no lines"
like "$errout" "^mxlookup: tcfail.test: reply truncated and the TCP retry failed" \
    "TC with TCP failing: said so"
ok $([ "$ms" -lt 4000 ]; echo $?) "TC with TCP failing: no wait for the timeout (${ms} ms)"

look "$PORT" mixed.test -t 5 -v
is "$rc" 0 "an exchanger's SERVFAIL, another resolves: exit 0"
is "$out" "20 mx.ok.test 192.0.2.60" "the failing exchanger is skipped"
like "$errout" "mx.fail.test: temporary DNS failure" "the skipped exchanger is noted with -v"

look "$PORT" allbad.test -t 5
is "$rc" 75 "one exchanger SERVFAIL, the other NXDOMAIN: EX_TEMPFAIL"
like "$errout" "^mxlookup: allbad.test: temporary DNS failure \(SERVFAIL for A+ mx.fail.test\)$" \
    "one exchanger SERVFAIL, the other NXDOMAIN: the temporary failure is the reason"

look "$PORT" nomx.test -t 5
is "$rc" 75 "no MX and SERVFAIL for the address: EX_TEMPFAIL, not EX_NOHOST"

look "$PORT" badid.test -t 2
is "$rc" 75 "reply with a wrong id: EX_TEMPFAIL"
like "$errout" "did not match" "reply with a wrong id: refused as not ours"

# a server that never answers: the -t bound holds
look "$SILENT" example.test -t 2
is "$rc" 75 "silent server: EX_TEMPFAIL"
is "$out" "" "silent server: no lines"
like "$errout" "^mxlookup: example.test: no DNS reply within 2 seconds" "silent server: said so"
ok $([ "$ms" -ge 1500 ] && [ "$ms" -lt 3500 ]; echo $?) \
    "silent server: -t 2 waited about 2 s (${ms} ms)"

# a lost packet is sent again, within the bound
look "$LOSSY" lossy.test -t 4
is "$rc" 0 "first packet lost: the question is sent again"
is "$out" "10 192.0.2.77 192.0.2.77" "first packet lost: the answer of the retry"
ok $([ "$ms" -ge 1500 ] && [ "$ms" -lt 4500 ]; echo $?) \
    "first packet lost: retried after about half of -t 4 (${ms} ms)"

# dnstimeout= in the config bounds it when -t is absent
printf 'dnstimeout=1\n' >"$T/t1.conf"
look "$SILENT" example.test -C "$T/t1.conf"
is "$rc" 75 "silent server, dnstimeout=1: EX_TEMPFAIL"
like "$errout" "no DNS reply within 1 second \\(" "silent server, dnstimeout=1: '1 second', said right"
ok $([ "$ms" -ge 700 ] && [ "$ms" -lt 2500 ]; echo $?) \
    "silent server: dnstimeout=1 waited about 1 s (${ms} ms)"

# resolver= in the config names the silent server too
printf 'resolver=127.0.0.1@%s\ndnstimeout=1\n' "$SILENT" >"$T/r.conf"
start=$(date +%s%N)
"$MX" -C "$T/r.conf" example.test >/dev/null 2>&1; rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$rc" 75 "resolver= silent server: EX_TEMPFAIL"
ok $([ "$ms" -ge 700 ] && [ "$ms" -lt 2500 ]; echo $?) \
    "resolver= silent server: bounded by dnstimeout (${ms} ms)"

# several questions, the later ones unanswered: one bound for all
look "$PORT" slow.test -t 2
is "$rc" 75 "MX answered, addresses never: EX_TEMPFAIL"
like "$errout" "no DNS reply within 2 seconds" "MX answered, addresses never: said so"
ok $([ "$ms" -ge 1500 ] && [ "$ms" -lt 3500 ]; echo $?) \
    "MX answered, addresses never: the whole look-up within -t 2 (${ms} ms)"
