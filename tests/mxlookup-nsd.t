#!/bin/bash
# SPDX-License-Identifier: ISC
# mxlookup against a real authoritative DNS server: NSD serving a test
# zone on a free loopback port, started and stopped by this test.
. "$(dirname "$0")/lib.sh"

MX=${MXLOOKUP:-$TOP/mxlookup/mxlookup}	# MXLOOKUP=: another build
# Defaults only: the machine's own smtpgate.conf must not matter.
: >"$T/base.conf"
Z=example.test
plan 57

# NSD listens on ::1 too where the machine has IPv6.
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	V6="::1"
else
	V6=""
fi
mkdir -p "$T/nsd"
cat > "$T/nsd/$Z.zone" <<'EOF'
$ORIGIN example.test.
$TTL 300
@		SOA	ns hostmaster 1 3600 600 86400 300
		NS	ns
ns		A	127.0.0.1
; several exchangers: two at 10, one at 20, an IPv6-only one at 30
multi		MX	10 mx-a
		MX	10 mx-b
		MX	20 mx-c
		MX	30 mx-six
mx-a		A	192.0.2.1
		AAAA	2001:db8::a
mx-b		A	192.0.2.12
mx-c		A	192.0.2.3
mx-six		AAAA	2001:db8::6
sixonly		MX	10 mx-six
; no MX: the domain itself (implicit MX)
implicit	A	192.0.2.10
		AAAA	2001:db8::10
; the domain is an alias of one with MX records
alias		CNAME	multi
; an alias without MX: implicit MX of the alias's target
aliashost	CNAME	implicit
; an MX naming an alias (RFC 2181 10.3 forbids it; mail still flows)
viacname	MX	10 mxalias
mxalias		CNAME	mx-c
; RFC 7505: no mail, whatever the A record says
nullmx		MX	0 .
		A	192.0.2.99
; an exchanger without an address is skipped
partial		MX	10 noaddr
		MX	20 mx-b
noaddr		TXT	"no address here"
; no exchanger has an address
broken		MX	10 noaddr
		MX	20 nowhere
; no MX and no address
empty		TXT	"nothing"
; an MX that is an address
literal		MX	10 192.0.2.77.
; an MX that is an IPv6 address, or an address literal in brackets
literal6	MX	10 2001\:db8\:\:77.
literalbr	MX	10 [192.0.2.78].
; a null MX beside a real one: the null MX is ignored
halfnull	MX	0 .
		MX	10 mx-c
; aliases in a loop
loop1		CNAME	loop2
loop2		CNAME	loop1
; two names for one address: tried once
twice		MX	10 mx-b
		MX	20 mx-b2
mx-b2		A	192.0.2.12
EOF
if ! start_nsd "$Z" $V6; then
	cat "$T/nsd/log" >&2
	echo "Bail out! NSD does not serve the test zone"
	exit 1
fi
PORT=$NSDPORT

# look DOMAIN [ARGS...]: runs mxlookup, sets $out, $errout, $rc.
look() {
	local domain=$1
	shift
	out=$("$MX" -C "$T/base.conf" -s "127.0.0.1@$PORT" -t 5 "$@" "$domain" 2>"$T/err")
	rc=$?
	errout=$(cat "$T/err")
}

# several MX records, equal and different preferences
look multi.$Z
is "$rc" 0 "multi: exit 0"
is "$(printf '%s\n' "$out" | cut -d' ' -f1 | tr '\n' ' ')" "10 10 10 20 30 " \
    "multi: lines in the order of preference"
is "$(printf '%s\n' "$out" | sort)" "$(printf '%s\n' \
    "10 mx-a.$Z 192.0.2.1" "10 mx-a.$Z 2001:db8::a" "10 mx-b.$Z 192.0.2.12" \
    "20 mx-c.$Z 192.0.2.3" "30 mx-six.$Z 2001:db8::6" | sort)" \
    "multi: every exchanger with every address, nothing else"
like "$(printf '%s\n' "$out" | grep mx-a | head -1)" '2001:db8::a$' \
    "multi: IPv6 address first by default (prefer=ipv6)"
is "$errout" "" "multi: nothing on stderr without -v"

# equal preferences are shuffled on every run
a_first=0 b_first=0 sorted=0
for i in $(seq 1 30); do
	look multi.$Z
	prefs=$(printf '%s\n' "$out" | cut -d' ' -f1 | tr '\n' ' ')
	[ "$rc" -eq 0 ] && [ "$prefs" = "10 10 10 20 30 " ] && sorted=$((sorted + 1))
	case $(printf '%s\n' "$out" | head -1) in
	*mx-a*) a_first=$((a_first + 1)) ;;
	*mx-b*) b_first=$((b_first + 1)) ;;
	esac
done
is "$sorted" 30 "shuffle: 30 runs, every one in preference order"
ok $([ "$a_first" -gt 0 ] && [ "$b_first" -gt 0 ]; echo $?) \
    "shuffle: both orders of the two preference-10 exchangers seen ($a_first/$b_first)"
is "$((a_first + b_first))" 30 "shuffle: a preference-10 exchanger always first"

# prefer=ipv4 in the config puts IPv4 addresses first
printf 'prefer=ipv4\n' >"$T/v4.conf"
look multi.$Z -C "$T/v4.conf"
like "$(printf '%s\n' "$out" | grep mx-a | head -1)" '192\.0\.2\.1$' \
    "prefer=ipv4: IPv4 address of a host first"

# the resolver comes from resolver= in the config when -s is absent
printf 'resolver=127.0.0.1@%s\ndnstimeout=5\n' "$PORT" >"$T/res.conf"
out=$("$MX" -C "$T/res.conf" implicit.$Z 2>/dev/null); rc=$?
is "$rc/$(printf '%s\n' "$out" | wc -l)" "0/2" "resolver= in the config is used"

# a resolver on an IPv6 address
if [ -n "$V6" ]; then
	out=$("$MX" -C "$T/base.conf" -s "::1@$PORT" -t 5 sixonly.$Z 2>/dev/null)
	is "$?/$out" "0/10 mx-six.$Z 2001:db8::6" "-s ::1@PORT: an IPv6 resolver is asked"
else
	echo "ok $((_n += 1)) # skip no IPv6 loopback on this machine"
fi

# the IPv6-only exchanger
look sixonly.$Z
is "$rc" 0 "IPv6-only exchanger: exit 0"
is "$out" "10 mx-six.$Z 2001:db8::6" "IPv6-only exchanger: its AAAA"

# no MX records: the domain itself, preference 0
look implicit.$Z -v
is "$rc" 0 "implicit MX: exit 0"
is "$out" "0 implicit.$Z 2001:db8::10
0 implicit.$Z 192.0.2.10" "implicit MX: the domain's AAAA and A at preference 0"
like "$errout" "implicit MX" "implicit MX: noted with -v"

# the domain is a CNAME
look alias.$Z -v
is "$rc" 0 "CNAME domain: exit 0"
is "$(printf '%s\n' "$out" | sort)" "$("$MX" -C "$T/base.conf" -s 127.0.0.1@$PORT multi.$Z | sort)" \
    "CNAME domain: the MX of the alias's target"
like "$errout" "alias.$Z is an alias for multi.$Z" "CNAME domain: noted with -v"
look aliashost.$Z
is "$out" "0 implicit.$Z 2001:db8::10
0 implicit.$Z 192.0.2.10" "CNAME to a host without MX: implicit MX of the target"

# an MX that names an alias: tolerated
look viacname.$Z -v
is "$rc" 0 "MX naming a CNAME: exit 0"
is "$out" "10 mxalias.$Z 192.0.2.3" "MX naming a CNAME: the alias's address"
like "$errout" "alias for mx-c.$Z" "MX naming a CNAME: noted with -v"

# an MX that is an address: tolerated
look literal.$Z -v
is "$rc" 0 "MX naming an address: exit 0"
is "$out" "10 192.0.2.77 192.0.2.77" "MX naming an address: that address"
like "$errout" "is an address" "MX naming an address: noted with -v"
look literal6.$Z -v
is "$rc/$out" "0/10 2001:db8::77 2001:db8::77" "MX naming an IPv6 address: that address"
like "$errout" "MX 2001:db8::77 of literal6.$Z is an address" "MX naming an IPv6 address: noted with -v"
look literalbr.$Z
is "$rc/$out" "0/10 [192.0.2.78] 192.0.2.78" "MX naming an address literal: its address"

# null MX
look nullmx.$Z
is "$rc" 69 "null MX: EX_UNAVAILABLE, apart from NXDOMAIN's 68"
is "$out" "" "null MX: no lines (the A record is not used)"
like "$errout" "^mxlookup: nullmx.$Z: accepts no mail \(null MX, RFC 7505\)$" \
    "null MX: says the domain accepts no mail"

# a null MX beside other MX records is ignored (RFC 7505 section 3)
look halfnull.$Z -v
is "$rc/$out" "0/10 mx-c.$Z 192.0.2.3" "null MX beside another MX: the other is used"
like "$errout" "null MX listed beside other MX records" "null MX beside another MX: noted with -v"

# aliases in a loop: given up, temporarily, at once
start=$(date +%s%N)
look loop1.$Z
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
is "$rc" 75 "CNAME loop: EX_TEMPFAIL"
like "$errout" "more than 8 CNAMEs" "CNAME loop: said so"
ok $([ "$elapsed" -lt 3000 ]; echo $?) "CNAME loop: no waiting (${elapsed} ms)"

# NXDOMAIN
look nosuch.$Z
is "$rc" 68 "NXDOMAIN: EX_NOHOST"
is "$out" "" "NXDOMAIN: no lines"
like "$errout" "^mxlookup: nosuch.$Z: no such domain" "NXDOMAIN: said so"

# an exchanger with no address is skipped
look partial.$Z -v
is "$rc" 0 "exchanger without address: exit 0"
is "$out" "20 mx-b.$Z 192.0.2.12" "exchanger without address: skipped"
like "$errout" "noaddr.$Z has no address: skipped" "exchanger without address: noted with -v"

# no exchanger has an address: temporary
look broken.$Z
is "$rc" 75 "no exchanger resolves: EX_TEMPFAIL"
like "$errout" "^mxlookup: broken.$Z: no mail exchanger .* has an address$" \
    "no exchanger resolves: said so"

# no MX and no address at all: permanent
look empty.$Z
is "$rc" 68 "no MX and no address: EX_NOHOST"

# one address reached through two names is listed once
look twice.$Z
is "$out" "10 mx-b.$Z 192.0.2.12" "an address named twice: listed once"

# trailing dot and letter case do not matter
look MULTI.Example.TEST.
is "$rc/$(printf '%s\n' "$out" | wc -l)" "0/5" "trailing dot and upper case: same answer"

# address literals need no query: the resolver here is a closed port
out=$("$MX" -C "$T/base.conf" -s 127.0.0.1@1 -t 2 '[192.0.2.5]' 2>/dev/null); rc=$?
is "$rc" 0 "IPv4 literal: exit 0 with no DNS server"
is "$out" "0 192.0.2.5 192.0.2.5" "IPv4 literal: its address"
out=$("$MX" -C "$T/base.conf" -s 127.0.0.1@1 -t 2 '[IPv6:2001:DB8:0::5]' 2>/dev/null); rc=$?
is "$rc/$out" "0/0 2001:db8::5 2001:db8::5" "IPv6 literal: its address, normalized"
"$MX" -C "$T/base.conf" -s 127.0.0.1@1 -t 2 '[2001:db8::5]' >/dev/null 2>&1
is "$?" 65 "literal without IPv6: tag: EX_DATAERR"

# invalid names: EX_DATAERR at once, no query
start=$(date +%s%N)
errout=$("$MX" -C "$T/base.conf" -s 127.0.0.1@1 -t 5 'a..example.test' 2>&1 >/dev/null); rc=$?
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
is "$rc" 65 "empty label: EX_DATAERR"
like "$errout" "^mxlookup: a..example.test: empty label in domain name$" "empty label: said so"
ok $([ "$elapsed" -lt 1000 ]; echo $?) "empty label: no query was waited for (${elapsed} ms)"
long=$(printf 'a%.0s' $(seq 1 64)).test
"$MX" -C "$T/base.conf" -s 127.0.0.1@1 -t 5 "$long" >/dev/null 2>&1
is "$?" 65 "64-octet label: EX_DATAERR"
"$MX" -C "$T/base.conf" -s 127.0.0.1@1 -t 5 'bad_name.test' >/dev/null 2>&1
is "$?" 65 "underscore: EX_DATAERR"
