#!/bin/bash
# SPDX-License-Identifier: ISC
# RFC 5321 5.1: a gateway that finds its own name (hostname=) among the
# exchangers of a domain drops it and every exchanger of equal or worse
# preference.  When none is left, mail for the domain would loop back to
# this host: mxlookup exits EX_PROTOCOL (76) and prints nothing, mailer's
# direct delivery and spoolmgr's remote delivery fail the recipients with
# 554 5.4.6 (RFC 3463: routing loop detected), never trying a worse MX.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"

MX=${MXLOOKUP:-$TOP/mxlookup/mxlookup}
plan 23

mkdir -p "$T/nsd"
cat > "$T/nsd/test.zone" <<'EOF'
$ORIGIN test.
$TTL 300
@ IN SOA ns.test. admin.test. 1 3600 600 86400 300
@ IN NS ns
ns IN A 127.0.0.1
; this host: hostname=gw.test (spoolmgr-env.sh); no MX, so its own
; implicit MX
gw IN A 127.0.6.1
; this host is the best MX; a worse one would take the mail
best IN MX 10 gw
best IN MX 20 mx.other
; this host is a backup MX: only the better one is left
backup IN MX 10 mx.other
backup IN MX 20 GW.test.
backup IN MX 20 mx.equal
backup IN MX 30 mx.worse
mx.other IN A 127.0.6.2
mx.equal IN A 127.0.6.3
mx.worse IN A 127.0.6.4
EOF
if ! start_nsd test; then
	cat "$T/nsd/log" >&2
	echo "Bail out! NSD does not serve the test zone"
	exit 1
fi

# One config for the three programs: hostname=gw.test, NSD as resolver.
setup "resolver=127.0.0.1@$NSDPORT" remoteport=25 retrymin=0 \
    connecttimeout=5 dnstimeout=5
maildir carol@example.test
sink other 127.0.6.2:25

# look CONF DOMAIN [ARGS...]: runs mxlookup, sets $out, $errout, $rc.
look() {
	local conf=$1 domain=$2
	shift 2
	out=$("$MX" -C "$conf" "$@" "$domain" 2>"$T/err")
	rc=$?
	errout=$(cat "$T/err")
}

# --- mxlookup -------------------------------------------------------------
look "$CONF" best.test
is "$rc" 76 "best MX is this host: EX_PROTOCOL"
is "$out" "" "best MX is this host: no lines, not even the worse MX"
like "$errout" "^mxlookup: best\.test: mail for best\.test loops back to myself " \
    "best MX is this host: says the mail loops back"

look "$CONF" backup.test -v
is "$rc" 0 "this host a backup MX: exit 0"
is "$out" "10 mx.other.test 127.0.6.2" \
    "this host at 20: only the MX of preference 10, none of 20 or 30"
like "$errout" "MX 20 gw\.test is this host: dropped, with every MX of preference 20 or more" \
    "this host a backup MX: noted with -v"

look "$CONF" gw.test
is "$rc" 76 "no MX, the domain is this host's name (implicit MX): EX_PROTOCOL"
like "$errout" "no MX record, and gw\.test is this host's name" \
    "implicit MX of this host: said so"

printf 'hostname=GW.Test\n' >"$T/case.conf"
look "$T/case.conf" best.test -s "127.0.0.1@$NSDPORT"
is "$rc" 76 "the host name is compared without regard to letter case"

printf 'hostname=elsewhere.test\n' >"$T/other.conf"
look "$T/other.conf" best.test -s "127.0.0.1@$NSDPORT"
is "$rc/$out" "0/10 gw.test 127.0.6.1
20 mx.other.test 127.0.6.2" "another host name: both MX, in order"
look "$T/other.conf" backup.test -s "127.0.0.1@$NSDPORT"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 4 "another host name: all four MX of backup.test"

# --- mailer, sendmail mode, direct MX delivery ------------------------------
printf 'Subject: loop\n\nround and round\n' |
    "$MAILER" -C "$CONF" -f alice@example.test u@best.test 2>"$T/merr"
is "$?" 69 "mailer: best MX is this host: EX_UNAVAILABLE"
like "$(cat "$T/merr")" "u@best\.test: failed: 554 5\.4\.6 mail for best\.test loops back to myself" \
    "mailer: 554 5.4.6 on stderr"
is "$(kept other)" 0 "mailer: the worse MX was not tried"
like "$(cat "$T"/spool/in/*.WRK 2>/dev/null)" "State: <u@best\.test> failed [0-9]+ 1 [0-9]+ 554 5\.4\.6 " \
    "mailer: the recipient recorded as failed, its DSN owed to spoolmgr"

printf 'Subject: backup\n\nvia the primary\n' |
    "$MAILER" -C "$CONF" -f alice@example.test v@backup.test 2>"$T/merr"
is "$?" 0 "mailer: this host a backup MX: delivered to the better MX"
is "$(kept other)" 1 "mailer: the MX of preference 10 got it"

# --- spoolmgr remote delivery ------------------------------------------------
queue_msg carol@example.test z@best.test -m loop > /dev/null
run
is "$(spool_count)" 0 "spoolmgr: a routing loop fails at once; nothing stays queued"
like "$($HELPER dsn "$(newest alice@example.test)")" "status 5\.4\.6" \
    "spoolmgr: the DSN that mailer's failure owed says 5.4.6 too"
is "$(files carol@example.test)" 1 "spoolmgr: the sender got a DSN"
dsn=$($HELPER dsn "$(newest carol@example.test)")
like "$dsn" "action failed" "spoolmgr: Action: failed"
like "$dsn" "status 5\.4\.6" "spoolmgr: Status: 5.4.6 (routing loop detected)"
is "$(kept other)" 1 "spoolmgr: the worse MX was not tried"
