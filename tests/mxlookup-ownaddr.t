#!/bin/bash
# SPDX-License-Identifier: ISC
# RFC 5321 5.1 by address: an exchanger whose address is one of this
# host's own (127.0.0.1 on lo, an interface's address), whatever its
# name, is this host.  It is dropped with every exchanger of equal or
# worse preference; when none is left the mail would come straight back
# into our own smtpd: mxlookup exits EX_PROTOCOL (76), mailer at once and
# spoolmgr fail the recipient with 554 5.4.6 "mail loops back to myself".
# Addresses count exactly: 127.0.0.2 is routed to lo but is not lo's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"

MX=${MXLOOKUP:-$TOP/mxlookup/mxlookup}
plan 28

# This host's first IPv4 address that is not on lo, if any.
IFADDR=$(ip -o -4 addr show 2>/dev/null | awk '$2 != "lo" { sub("/.*", "", $4); print $4; exit }')
# Is ADDRESS configured on an interface (then it is this host)?
configured() { ip -o addr show 2>/dev/null | grep -q " $1/"; }

mkdir -p "$T/nsd"
cat > "$T/nsd/test.zone" <<EOF
\$ORIGIN test.
\$TTL 300
@ IN SOA ns.test. admin.test. 1 3600 600 86400 300
@ IN NS ns
ns IN A 127.0.0.1
; the only MX is at 127.0.0.1: by a name that is not hostname=
loop IN MX 10 mx.loop
mx.loop IN A 127.0.0.1
; this host's address is a backup MX: only the better one is left
backup IN MX 10 mx.good
backup IN MX 20 mx.me
backup IN MX 20 mx.equal
backup IN MX 30 mx.worse
mx.good IN A 127.0.14.2
mx.me IN A 127.0.0.1
mx.equal IN A 127.0.14.3
mx.worse IN A 127.0.14.4
; 127.0.0.2 is loopback, but not an address of this host
two IN MX 10 mx.two
mx.two IN A 127.0.0.2
; no MX, the domain's own address is this host's
implicit IN A 127.0.0.1
; an exchanger with two addresses, one of them this host's
half IN MX 10 mx.half
half IN MX 20 mx.good
mx.half IN A 127.0.14.5
mx.half IN A 127.0.0.1
; the better MX has no address now, the other is this host: not a
; loop yet, the mail waits for the better one (Postfix: 4.4.4)
primary IN MX 10 mx.noaddr
primary IN MX 20 mx.me
mx.noaddr IN TXT "no address yet"
; this host's IPv6 loopback
six IN MX 10 mx.six
mx.six IN AAAA ::1
EOF
if [ -n "$IFADDR" ]; then
	printf 'eth IN MX 10 mx.eth\nmx.eth IN A %s\n' "$IFADDR" >> "$T/nsd/test.zone"
fi
if ! start_nsd test; then
	cat "$T/nsd/log" >&2
	echo "Bail out! NSD does not serve the test zone"
	exit 1
fi

SINKPORT=$(free_port)
setup "resolver=127.0.0.1@$NSDPORT" "remoteport=$SINKPORT" retrymin=0 \
    connecttimeout=5 dnstimeout=5
maildir carol@example.test
sink good "127.0.14.2:$SINKPORT"

# look DOMAIN [ARGS...]: runs mxlookup, sets $out, $errout, $rc.
look() {
	local domain=$1
	shift
	out=$("$MX" -C "$CONF" "$@" "$domain" 2>"$T/err")
	rc=$?
	errout=$(cat "$T/err")
}

# --- mxlookup -------------------------------------------------------------
look loop.test
is "$rc" 76 "the only MX is at 127.0.0.1: EX_PROTOCOL"
is "$out" "" "the only MX is at 127.0.0.1: no lines"
is "$errout" "mxlookup: loop.test: mail for loop.test loops back to myself (its best MX, mx.loop.test, is at 127.0.0.1, an address of this host)" \
    "the only MX is at 127.0.0.1: says the mail loops back, and why"

look backup.test -v
is "$rc" 0 "this host's address a backup MX: exit 0"
is "$out" "10 mx.good.test 127.0.14.2" \
    "this host's address at 20: only the MX of preference 10, none of 20 or 30"
like "$errout" "MX 20 mx\.me\.test is at 127\.0\.0\.1, an address of this host: dropped, with every MX of preference 20 or more" \
    "this host's address a backup MX: noted with -v"

if configured 127.0.0.2; then
	echo "ok $((_n += 1)) # skip 127.0.0.2 is configured on an interface here"
	echo "ok $((_n += 1)) # skip"
else
	look two.test
	is "$rc" 0 "an MX at 127.0.0.2: not a loop"
	is "$out" "10 mx.two.test 127.0.0.2" "an MX at 127.0.0.2: listed"
fi

look implicit.test
is "$rc" 76 "no MX, the domain's own address is this host's: EX_PROTOCOL"
like "$errout" "no MX record, and its address 127\.0\.0\.1 is one of this host's" \
    "implicit MX at this host: said so"

look half.test
is "$rc" 76 "an exchanger with one address of this host's, at the best preference: EX_PROTOCOL"

look primary.test
is "$rc" 75 "the better MX has no address, the worse one is this host: EX_TEMPFAIL"
like "$errout" "unable to find the primary relay for primary\.test" \
    "the better MX has no address: said so"

look '[127.0.0.1]'
is "$rc" 76 "the address literal [127.0.0.1]: EX_PROTOCOL"

if configured ::1; then
	look six.test
	is "$rc" 76 "the only MX is at ::1: EX_PROTOCOL"
else
	echo "ok $((_n += 1)) # skip no ::1 on this machine"
fi

if [ -n "$IFADDR" ]; then
	look eth.test
	is "$rc/$errout" "76/mxlookup: eth.test: mail for eth.test loops back to myself (its best MX, mx.eth.test, is at $IFADDR, an address of this host)" \
	    "the only MX is at this host's interface address $IFADDR: EX_PROTOCOL"
else
	echo "ok $((_n += 1)) # skip no interface address but lo's"
fi

# --- mailer, delivering at once by MX ----------------------------------------
printf 'Subject: loop\n\nround and round\n' |
    "$MAILER" -C "$CONF" -f alice@example.test u@loop.test 2>"$T/merr"
is "$?" 69 "mailer: the MX is at 127.0.0.1: EX_UNAVAILABLE"
like "$(cat "$T/merr")" "u@loop\.test: failed: 554 5\.4\.6 mail for loop\.test loops back to myself" \
    "mailer: 554 5.4.6 on stderr"
like "$(cat "$T"/spool/in/*.WRK 2>/dev/null)" "State: <u@loop\.test> failed [0-9]+ 1 [0-9]+ 554 5\.4\.6 " \
    "mailer: the recipient recorded as failed, its DSN owed to spoolmgr"

printf 'Subject: backup\n\nvia the primary\n' |
    "$MAILER" -C "$CONF" -f alice@example.test v@backup.test 2>"$T/merr"
is "$?" 0 "mailer: this host's address a backup MX: delivered to the better MX"
is "$(kept good)" 1 "mailer: the MX of preference 10 got it"

# relayhost is the administrator's choice: no loop check
sink relay "127.0.0.1:$SINKPORT"
conf "$T/relay.conf" "spool=$T/spool" "relayhost=127.0.0.1:$SINKPORT" \
    user=nobody
printf 'Subject: relayed\n\nx\n' |
    "$MAILER" -C "$T/relay.conf" -f s@client.test w@loop.test 2>"$T/merr"
is "$?/$(kept relay)" "0/1" "mailer: a relayhost at 127.0.0.1 is used as it is"

# --- spoolmgr remote delivery ------------------------------------------------
queue_msg carol@example.test z@loop.test -m loop > /dev/null
run
is "$(spool_count)" 0 "spoolmgr: the loop fails at once; nothing stays queued"
like "$($HELPER dsn "$(newest alice@example.test)")" "status 5\.4\.6" \
    "spoolmgr: the DSN that mailer's failure owed says 5.4.6"
is "$(files carol@example.test)" 1 "spoolmgr: the sender got a DSN"
dsn=$($HELPER dsn "$(newest carol@example.test)")
like "$dsn" "action failed" "spoolmgr: Action: failed"
like "$dsn" "status 5\.4\.6" "spoolmgr: Status: 5.4.6 (routing loop detected)"
like "$(cat "$(newest carol@example.test)")" "loops back to myself" \
    "spoolmgr: the DSN says the mail loops back to myself"
