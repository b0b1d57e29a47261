#!/bin/bash
# SPDX-License-Identifier: ISC
# mxlookup's default resolvers come from /etc/resolv.conf.  Each run
# here is in a private mount namespace (unshare -m) where a resolv.conf
# written by the test is bind-mounted over /etc/resolv.conf, naming NSD
# on 127.0.9.53 port 53 (resolv.conf has no port), so the machine's own
# file is never touched.
. "$(dirname "$0")/lib.sh"

MX=${MXLOOKUP:-$TOP/mxlookup/mxlookup}
: >"$T/base.conf"
plan 15

if ! unshare -m true 2>/dev/null; then
	echo "1..0 # skip no mount namespaces (unshare -m) here"
	exit 0
fi
mkdir -p "$T/nsd"
cat > "$T/nsd/rc.test.zone" <<'EOF'
$ORIGIN rc.test.
$TTL 300
@ SOA ns hostmaster 1 3600 600 86400 300
  NS ns
ns A 127.0.0.1
@ MX 10 mx
mx A 192.0.2.53
; four exchangers: nine questions in one look-up
many MX 10 mx1
many MX 20 mx2
many MX 30 mx3
many MX 40 mx4
mx1 A 192.0.2.1
mx2 A 192.0.2.12
mx3 A 192.0.2.3
mx4 A 192.0.2.4
EOF
if ! start_nsd rc.test 127.0.9.53@53; then
	cat "$T/nsd/log" >&2
	echo "Bail out! NSD does not serve the test zone on 127.0.9.53:53"
	exit 1
fi

# A UDP socket on 127.0.9.54:53 that reads queries and never replies.
bg python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.9.54", 53))
while True:
    s.recvfrom(4096)'
# A UDP server on 127.0.9.55:53 that answers every query SERVFAIL.
bg python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.9.55", 53))
while True:
    q, peer = s.recvfrom(4096)
    end = 12
    while q[end]:
        end += q[end] + 1
    flags = bytes([0x80 | (q[2] & 0x79), 0x80 | 2])
    s.sendto(q[:2] + flags + bytes([0, 1, 0, 0, 0, 0, 0, 0]) + q[12:end + 5], peer)'
sleep 0.3

# with_resolv FILE MXLOOKUP-ARGS...: mxlookup seeing FILE as
# /etc/resolv.conf; sets $out, $errout, $rc, $ms.
with_resolv() {
	local file=$1 start
	shift
	start=$(date +%s%N)
	out=$(unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' \
	    "$file" "$MX" "$@" 2>"$T/err")
	rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	errout=$(cat "$T/err")
}

printf 'nameserver 127.0.9.53\n' >"$T/one.conf"
with_resolv "$T/one.conf" -C "$T/base.conf" -t 5 rc.test
is "$rc/$out" "0/10 mx.rc.test 192.0.2.53" \
    "no resolver= nor -s: the nameserver of /etc/resolv.conf is asked"

# the first nameserver never answers: the second one does, within -t
printf 'nameserver 127.0.9.54\nnameserver 127.0.9.53\n' >"$T/two.conf"
with_resolv "$T/two.conf" -C "$T/base.conf" -t 4 rc.test
is "$rc/$out" "0/10 mx.rc.test 192.0.2.53" \
    "a silent first nameserver: the second one answers"
ok $([ "$ms" -ge 1500 ] && [ "$ms" -lt 4500 ]; echo $?) \
    "nameservers asked in resolv.conf's order: the silent one first, within -t 4 (${ms} ms)"
printf 'nameserver 127.0.9.53\nnameserver 127.0.9.54\n' >"$T/two-ok.conf"
with_resolv "$T/two-ok.conf" -C "$T/base.conf" -t 4 rc.test
ok $([ "$rc" -eq 0 ] && [ "$ms" -lt 1000 ]; echo $?) \
    "the answering nameserver first: no wait (${ms} ms)"
# nine questions: the silent server's wait is paid once, not per question
with_resolv "$T/two.conf" -C "$T/base.conf" -t 4 many.rc.test
is "$rc/$(printf '%s\n' "$out" | cut -d' ' -f3 | tr '\n' ' ')" \
    "0/192.0.2.1 192.0.2.12 192.0.2.3 192.0.2.4 " \
    "a silent first nameserver, nine questions: all answered by the second"
ok $([ "$ms" -lt 3000 ]; echo $?) \
    "a silent first nameserver, nine questions: its wait paid once (${ms} ms)"

# a nameserver answering SERVFAIL: the next one is asked, as libc does
printf 'nameserver 127.0.9.55\nnameserver 127.0.9.53\n' >"$T/servfail.conf"
with_resolv "$T/servfail.conf" -C "$T/base.conf" -t 4 many.rc.test
is "$rc/$(printf '%s\n' "$out" | wc -l | tr -d ' ')" "0/4" \
    "a first nameserver answering SERVFAIL: the second one answers"
printf 'nameserver 127.0.9.55\n' >"$T/servfail1.conf"
with_resolv "$T/servfail1.conf" -C "$T/base.conf" -t 4 rc.test
is "$rc" 75 "SERVFAIL from the only nameserver: EX_TEMPFAIL"
like "$errout" "SERVFAIL for MX rc\.test" "SERVFAIL from the only nameserver: said so"

# resolver= and -s override resolv.conf (here a silent server)
printf 'nameserver 127.0.9.54\n' >"$T/silent.conf"
printf 'resolver=127.0.9.53\n' >"$T/res.conf"
with_resolv "$T/silent.conf" -C "$T/res.conf" -t 2 rc.test
is "$rc/$out" "0/10 mx.rc.test 192.0.2.53" "resolver= overrides /etc/resolv.conf"
with_resolv "$T/silent.conf" -C "$T/base.conf" -s 127.0.9.53 -t 2 rc.test
is "$rc/$out" "0/10 mx.rc.test 192.0.2.53" "-s overrides /etc/resolv.conf"
with_resolv "$T/silent.conf" -C "$T/base.conf" -t 2 rc.test
is "$rc" 75 "only a silent nameserver in /etc/resolv.conf: EX_TEMPFAIL"

# the search list of resolv.conf is not applied to mail domains
printf 'nameserver 127.0.9.53\nsearch rc.test\n' >"$T/search.conf"
with_resolv "$T/search.conf" -C "$T/base.conf" -t 2 mx
ok $([ "$rc" -ne 0 ] && [ -z "$out" ]; echo $?) \
    "search rc.test: 'mx' is not looked up as mx.rc.test (exit $rc)"

# no nameserver at all: temporary, said so
: >"$T/empty.conf"
with_resolv "$T/empty.conf" -C "$T/base.conf" -t 2 rc.test
is "$rc" 75 "resolv.conf without a nameserver: EX_TEMPFAIL"
like "$errout" "resolv\.conf" "resolv.conf without a nameserver: said so"
