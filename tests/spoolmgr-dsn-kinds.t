#!/bin/bash
# SPDX-License-Identifier: ISC
# Every kind of DSN spoolmgr writes, read back by Python's email package
# (policy=email.policy.default) with no defect in any part or header, and
# its delivery-status fields checked: failed (remote 5xx, local unknown
# user), delayed, expired, delivered and expanded (NOTIFY=SUCCESS here),
# relayed (RFC 3461 5.2.2: the next hop offers no DSN), null MX (5.1.10,
# RFC 7505), NXDOMAIN (5.1.2), SMTPUTF8 (RFC 6533 types), RET=FULL and
# RET=HDRS, a double bounce to postmaster.  Real peers: NSD and
# smtp-sink (-N: no DSN) on 127.0.23.x, a free port.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 71

mkdir -p "$T/nsd"
cat > "$T/nsd/kinds.test.zone" <<EOF
\$ORIGIN kinds.test.
\$TTL 300
@ IN SOA ns admin 1 3600 600 86400 300
@ IN NS ns
ns IN A 127.0.0.1
nodsn IN MX 10 mx.nodsn
mx.nodsn IN A 127.0.23.1
withdsn IN MX 10 mx.withdsn
mx.withdsn IN A 127.0.23.2
reject IN MX 10 mx.reject
mx.reject IN A 127.0.23.3
slow IN MX 10 mx.slow
mx.slow IN A 127.0.23.4
nullmx IN MX 0 .
EOF
start_nsd kinds.test || diag "NSD did not start"

SINKPORT=$(free_port)
sink() {	# sink NAME ADDR [smtp-sink options]: mail kept in $T/NAME/
	local name=$1 addr=$2
	shift 2
	mkdir -p "$T/$name"
	chown nobody "$T/$name"
	bg smtp-sink -u nobody -d "$T/$name/%M%S." "$@" "$addr:$SINKPORT" 64
	wait_port "$addr" "$SINKPORT"
}
sink nodsn 127.0.23.1 -N
sink withdsn 127.0.23.2
sink reject 127.0.23.3 -f RCPT
sink slow 127.0.23.4 -r RCPT

setup "resolver=127.0.0.1@$NSDPORT" "remoteport=$SINKPORT" "retrymin=0" \
    "connecttimeout=5" "timeout=10" "delaywarn=4h" "queuelife=5d"
maildir carol@example.test dave@example.test
printf 'team: carol, dave\n' > "$T/aliases"

# dsn_of MAILBOX MSGID-PREFIX: the file of the notice about that message
dsn_of() {
	grep -l "Message-ID: <$2\.0@test>" "$T/mail/${1#*@}/${1%@*}/new/"* \
	    2>/dev/null | xargs -r grep -l "report-type=delivery-status" |
	    head -1
}
# check NAME MAILBOX PREFIX: parses the notice into $d; one test that it
# exists and Python's email finds no defect in it
check() {
	local f
	f=$(dsn_of "$2" "$3")
	if [ -z "$f" ]; then
		d=""
		ok 1 "$1: a DSN reached $2"
		return
	fi
	d=$($HELPER dsn "$f")
	is "$(printf '%s\n' "$d" | grep '^defect')" "defects 0" \
	    "$1: parsed by Python's email with no defects"
}
# utf8_headers: the UTF-8 header notes of $d (allowed in SMTPUTF8 mail only)
utf8_headers() { printf '%s\n' "$d" | grep -c '^utf8-header'; }

A=alice@example.test
queue_msg $A x@reject.kinds.test -m remote5xx > /dev/null
queue_msg $A nosuch@example.test -m localunknown -R HDRS > /dev/null
queue_msg $A y@slow.kinds.test -m delayed -a $((5 * 3600)) > /dev/null
queue_msg $A z@slow.kinds.test -m expired -a $((6 * 86400)) > /dev/null
queue_msg $A bob@example.test -m delivered -N SUCCESS > /dev/null
queue_msg $A team@example.test -m expanded -N SUCCESS > /dev/null
queue_msg $A r@nodsn.kinds.test -m relayed -N SUCCESS,FAILURE -O yes > /dev/null
queue_msg $A s@withdsn.kinds.test -m passedon -N SUCCESS > /dev/null
queue_msg $A n@nullmx.kinds.test -m nullmx > /dev/null
queue_msg $A n@nxdomain.kinds.test -m nxdomain > /dev/null
queue_msg $A 'jürgen@example.test' -m utf8 -U yes -R FULL > /dev/null
queue_msg $A nosuch@example.test -m full -R FULL -b "The whole body.
" > /dev/null
queue_msg "" nosuch@example.test -m double > /dev/null
run
run
is "$?" 0 "two runs exit 0"

# --- failed: a remote server's 5xx ---------------------------------------
check "remote 5xx" $A remote5xx
like "$d" "report-type delivery-status" "remote 5xx: multipart/report, delivery-status"
like "$d" "part message/delivery-status" "remote 5xx: a message/delivery-status part"
like "$d" "final-recipient rfc822; x@reject\.kinds\.test" "remote 5xx: Final-Recipient"
like "$d" "action failed" "remote 5xx: Action failed"
like "$d" "status 5\.[0-9]\.[0-9]" "remote 5xx: Status 5.x.x"
like "$d" "remote-mta dns; mx\.reject\.kinds\.test" "remote 5xx: Remote-MTA names the server"
like "$d" "diagnostic-code smtp; 5[0-9][0-9] " "remote 5xx: Diagnostic-Code smtp; (the server's reply)"

# --- failed: a local user that does not exist, RET=HDRS -------------------
check "local unknown user" $A localunknown
like "$d" "action failed" "local unknown user: Action failed"
like "$d" "status 5\.1\.1" "local unknown user: Status 5.1.1"
like "$d" "diagnostic-code X-Smtpgate; 550 5\.1\.1" "local unknown user: Diagnostic-Code X-Smtpgate;"
like "$d" "part text/rfc822-headers" "RET=HDRS: the headers only (text/rfc822-headers)"
is "$(grep -c 'Hello\.' "$(dsn_of $A localunknown)")" 0 "RET=HDRS: not the body"

# --- delayed, expired -----------------------------------------------------
check "delayed" $A delayed
like "$d" "action delayed" "delayed: Action delayed"
like "$d" "status 4\.[0-9]\.[0-9]" "delayed: Status 4.x.x"
like "$d" "will-retry-until " "delayed: Will-Retry-Until"
like "$d" "diagnostic-code smtp; 4[0-9][0-9] " "delayed: Diagnostic-Code smtp; (the server's 4xx)"
check "expired" $A expired
like "$d" "action failed" "expired: Action failed"
# RFC 3463 X.4.7: the code of the problem met, rather than 4.4.7 itself
like "$d" "status 4\.[0-9]\.[0-9]" "expired: Status of the last attempt's problem (RFC 3463 X.4.7)"
like "$d" "gave up after 5 days" "expired: says it gave up"

# --- delivered, expanded (NOTIFY=SUCCESS, here) -----------------------------
check "delivered" $A delivered
like "$d" "action delivered" "delivered: Action delivered"
like "$d" "status 2\.0\.0" "delivered: Status 2.0.0"
like "$d" "diagnostic-code X-Smtpgate; 250 " "delivered: Diagnostic-Code X-Smtpgate;"
check "expanded" $A expanded
like "$d" "final-recipient rfc822; team@example\.test" "expanded: Final-Recipient is the alias"
like "$d" "action expanded" "expanded: Action expanded"
like "$d" "status 2\.0\.0" "expanded: Status 2.0.0"

# --- relayed: NOTIFY=SUCCESS to a server without DSN (RFC 3461 5.2.2) ----
check "relayed" $A relayed
like "$d" "final-recipient rfc822; r@nodsn\.kinds\.test" "relayed: Final-Recipient"
like "$d" "original-recipient rfc822;r@nodsn\.kinds\.test" "relayed: Original-Recipient from ORCPT"
like "$d" "action relayed" "relayed: Action relayed"
like "$d" "status 2\.0\.0" "relayed: Status 2.0.0"
like "$d" "remote-mta dns; mx\.nodsn\.kinds\.test" "relayed: Remote-MTA names the server"
like "$d" "diagnostic-code smtp; 250 " "relayed: Diagnostic-Code smtp; (its 250)"
like "$(cat "$(dsn_of $A relayed)")" "do not offer.*delivery notices" "relayed: the text says no more notice will come"
is "$(grep -l 'Message-ID: <relayed.0@test>' "$T/nodsn/"* | wc -l)" 1 "relayed: the server got the mail"
is "$(dsn_of $A passedon)" "" "a server offering DSN: no DSN from us (it reports)"
f=$(grep -l "Message-ID: <passedon.0@test>" "$T/withdsn/"* | head -1)
like "$(grep '^X-Rcpt-Args:' "$f")" "NOTIFY=SUCCESS" "a server offering DSN: NOTIFY=SUCCESS goes on to it"

# --- null MX, NXDOMAIN ------------------------------------------------------
check "null MX" $A nullmx
like "$d" "action failed" "null MX: Action failed"
like "$d" "status 5\.1\.10" "null MX: Status 5.1.10 (RFC 7505)"
like "$d" "diagnostic-code X-Smtpgate; 556 5\.1\.10 " "null MX: Diagnostic-Code X-Smtpgate; (no server said it)"
is "$(printf '%s\n' "$d" | grep -c '^remote-mta')" 0 "null MX: no Remote-MTA"
check "NXDOMAIN" $A nxdomain
like "$d" "status 5\.1\.2" "NXDOMAIN: Status 5.1.2"
like "$d" "diagnostic-code X-Smtpgate; 550 5\.1\.2 " "NXDOMAIN: Diagnostic-Code X-Smtpgate;"

# --- SMTPUTF8 mail, RET=FULL (RFC 6533) -------------------------------------
check "SMTPUTF8 failed" $A utf8
like "$d" "utf8-header text/plain To:" "SMTPUTF8: only the returned message's To: holds UTF-8 (RFC 6532)"
is "$(printf '%s\n' "$d" | grep '^utf8-header' | grep -vc '^utf8-header text/plain To:')" 0 \
    "SMTPUTF8: no UTF-8 in the notice's own headers"
like "$d" "part message/global-delivery-status" "SMTPUTF8: message/global-delivery-status"
like "$d" "part message/global" "SMTPUTF8, RET=FULL: message/global"
is "$(printf '%s\n' "$d" | grep -c '^part message/delivery-status\|^part message/rfc822')" 0 \
    "SMTPUTF8: neither message/delivery-status nor message/rfc822"
like "$d" "final-recipient utf-8; jürgen@example\.test" "SMTPUTF8: Final-Recipient utf-8; with the UTF-8 address"
like "$d" "action failed" "SMTPUTF8: Action failed"
like "$d" "status 5\.1\.1" "SMTPUTF8: Status 5.1.1"
like "$(cat "$(dsn_of $A utf8)")" "charset=utf-8" "SMTPUTF8: the text part is utf-8"
check "RET=FULL" $A full
is "$(utf8_headers)" 0 "RET=FULL: no UTF-8 header anywhere"
like "$d" "part message/rfc822" "RET=FULL: message/rfc822"
like "$(cat "$(dsn_of $A full)")" "The whole body\." "RET=FULL: with the body"

# --- a double bounce to postmaster -----------------------------------------
check "double bounce" postmaster@example.test double
like "$d" "to <?postmaster@example\.test" "double bounce: to postmaster"
like "$d" "action failed" "double bounce: Action failed"
like "$d" "status 5\.1\.1" "double bounce: Status 5.1.1"
like "$d" "diagnostic-code X-Smtpgate; 550 5\.1\.1" "double bounce: Diagnostic-Code X-Smtpgate;"
is "$(spool_count)" 1 "only the delayed message stays in the spool"
