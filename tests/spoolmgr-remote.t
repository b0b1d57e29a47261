#!/bin/bash
# SPDX-License-Identifier: ISC
# spoolmgr run, remote side: mxlookup against NSD, then mailer -x to
# smtp-sink on 127.0.5.x, on a free port (another worktree may run the
# same test at once).  Delivered; deferred (4xx) and delivered on
# a later run; failed (5xx, no such domain) with a DSN in the sender's
# Maildir; relayhost; a system failure (no mailer) deferring mail and
# telling postmaster once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 43

mkdir -p "$T/nsd"
cat > "$T/nsd/test.zone" <<EOF
\$ORIGIN test.
\$TTL 300
@ IN SOA ns.test. admin.test. 1 3600 600 86400 300
@ IN NS ns
ns IN A 127.0.0.1
remote IN MX 10 mx.remote
mx.remote IN A 127.0.5.1
slow IN MX 10 mx.slow
mx.slow IN A 127.0.5.2
gone IN MX 10 mx.gone
mx.gone IN A 127.0.5.3
closed IN MX 10 mx.closed
mx.closed IN A 127.0.5.4
EOF
start_nsd test

# sink NAME ADDR [smtp-sink options]: a sink keeping each mail in $T/NAME/
SINKPORT=$(free_port)
sink() {
	local name=$1 addr=$2
	shift 2
	mkdir -p "$T/$name"
	chown nobody "$T/$name"
	bg smtp-sink -u nobody -d "$T/$name/%M%S." "$@" "$addr:$SINKPORT" 64
	SINKPID=$!
	wait_port "$addr" "$SINKPORT"
}
mails() { ls "$T/$1" | wc -l; }

setup "resolver=127.0.0.1@$NSDPORT" "remoteport=$SINKPORT" "retrymin=0" \
    "connecttimeout=5" "timeout=10"
maildir carol@example.test
echo "postmaster: carol" > "$T/aliases"
sink remote 127.0.5.1
sink gone 127.0.5.3 -f RCPT
sink slow 127.0.5.2 -r RCPT
slowpid=$SINKPID

# --- delivered ----------------------------------------------------------
queue_msg alice@example.test ann@remote.test bob@example.test -m out > /dev/null
run
is "$?" 0 "run exits 0"
is "$(mails remote)" 1 "smtp-sink for remote.test got one mail"
f=$(ls "$T/remote/"* | head -1)
like "$(grep -i 'rcpt' "$f")" "ann@remote\.test" "for ann@remote.test"
like "$(cat "$f")" "Message-ID: <out\.0@test>" "the message itself"
is "$(files bob@example.test)" 1 "the local recipient of the same message got it"
is "$(spool_count)" 0 "the message left the spool"
like "$($SPOOLMGR -C "$CONF" trace ann@remote.test)" "delivered <ann@remote\.test> .*via mx\.remote\.test\.?\[127\.0\.5\.1\]" \
    "trace shows the host and address used"

# DSN parameters of each recipient reach the next host; a DSN for a
# remote sender goes out with the null sender.
queue_msg alice@example.test dsn@remote.test -m params -N SUCCESS,FAILURE -O yes > /dev/null
queue_msg ann@remote.test nosuch@example.test -m tobounce > /dev/null
run
f=$(grep -l "Message-ID: <params.0@test>" "$T/remote/"* | head -1)
like "$(grep '^X-Rcpt-Args:' "$f")" "NOTIFY=SUCCESS,FAILURE.*ORCPT=rfc822;dsn@remote\.test" \
    "NOTIFY and ORCPT of the recipient reach the next host"
f=$(grep -l "report-type=delivery-status" "$T/remote/"* | head -1)
is "$(grep '^X-Mail-Args:' "$f")" "X-Mail-Args: <>" "a DSN to a remote sender goes out with the null sender"
is "$(spool_count)" 0 "both left the spool"

# --- deferred, then delivered on a later run ------------------------------
queue_msg alice@example.test sam@slow.test -m slow > /dev/null
run
is "$(spool_count)" 1 "a 4xx leaves the message queued"
is "$(ls "$T/spool/out" | grep -c WRK)" 1 "in out/"
like "$($SPOOLMGR -C "$CONF" list)" "deferred +<sam@slow\.test> \(tries 1" "list shows it deferred, tried once"
like "$(cat "$T/spool/out/"*.WRK)" "State: <sam@slow\.test> deferred [0-9]+ 1 [0-9]+ 4[0-9][0-9] " \
    "the WRK carries the State line with the 4xx reply"
ok "$([ -f "$T/spool/domains/slow.test" ]; echo $?)" "slow.test has a domain next-try file"
kill "$slowpid"
sleep 0.3
sink slow 127.0.5.2
is "$(mails slow)" 0 "nothing reached slow.test yet"
out=$($SPOOLMGR -C "$CONF" retry slow.test)
like "$out" "^1 deferred recipient rescheduled" "retry DOMAIN reschedules the recipient"
is "$(mails slow)" 1 "and delivers it now"
is "$(spool_count)" 0 "the message left the spool"
ok "$([ ! -f "$T/spool/domains/slow.test" ]; echo $?)" "the domain's next-try is cleared"

# --- permanent failures: a DSN in the sender's Maildir -------------------
queue_msg carol@example.test nemo@gone.test -m gone -V trace-42 > /dev/null
run
is "$(spool_count)" 0 "a 5xx bounces at once; nothing stays queued"
is "$(files carol@example.test)" 1 "the sender got a DSN"
dsn=$($HELPER dsn "$(newest carol@example.test)")
like "$dsn" "content-type multipart/report" "multipart/report"
like "$dsn" "report-type delivery-status" "report-type=delivery-status"
like "$dsn" "action failed" "Action: failed"
like "$dsn" "status 5\.[0-9]+\.[0-9]+" "Status: 5.x.x"
like "$dsn" "diagnostic-code smtp; 5[0-9][0-9]" "Diagnostic-Code: the remote's reply"
like "$dsn" "remote-mta dns; mx\.gone\.test" "Remote-MTA: the host that gave it"
like "$dsn" "original-envelope-id trace-42" "Original-Envelope-Id"

queue_msg carol@example.test x@nosuch.remote.test -m nxdomain > /dev/null
run
like "$($HELPER dsn "$(newest carol@example.test)")" "status 5\.1\.2" "no such domain: Status 5.1.2"

# --- aliases to remote addresses (RFC 3461 5.2.7) ---------------------------
# fwd has one remote target: it goes out with the DSN parameters, ORCPT
# naming the alias, and the next hop reports.  team has two: the sender
# asked for SUCCESS and gets one DSN with Action: expanded, for team only.
printf 'fwd: far@remote.test\nteam: far2@remote.test, alice\n' >> "$T/aliases"
n=$(files carol@example.test)
a=$(files alice@example.test)
queue_msg carol@example.test fwd@example.test team@example.test -m alias \
    -N SUCCESS,FAILURE > /dev/null
run
f=$(grep -l "Message-ID: <alias.0@test>" "$T/remote/"* | head -1)
like "$(grep '^X-Rcpt-Args:' "$f" | tr '\n' '|')" "far@remote\.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;fwd@example\.test" \
    "an alias to a remote address goes out remotely, ORCPT naming the alias"
like "$(grep '^X-Rcpt-Args:' "$f" | tr '\n' '|')" "far2@remote\.test>" "and so does a remote target of a larger alias"
is "$(files alice@example.test)" $((a + 1)) "whose local target got it too"
is "$(files carol@example.test)" $((n + 1)) "the sender got one success DSN"
dsn=$($HELPER dsn "$(newest carol@example.test)" | tr '\n' '|')
like "$dsn" "final-recipient rfc822; team@example.test\|action expanded\|status 2\.0\.0\|" \
    "Action: expanded for the alias of two targets"
ok "$(echo "$dsn" | grep -qv 'fwd@'; echo $?)" "nothing for the alias of one remote address: the next hop reports"
is "$(spool_count)" 0 "message and DSN left the spool"

# --- a closed port defers -------------------------------------------------
queue_msg carol@example.test y@closed.test -m closed > /dev/null
run
like "$($SPOOLMGR -C "$CONF" list)" "deferred +<y@closed\.test>" "a closed port defers"
$SPOOLMGR -C "$CONF" delete "$(ls "$T/spool/out" | sed -n 's/\.WRK$//p')" > /dev/null

# --- relayhost: no MX lookup -----------------------------------------------
echo "relayhost=127.0.5.1:$SINKPORT" >> "$CONF"
before=$(mails remote)
queue_msg alice@example.test who@anywhere.invalid -m relayed > /dev/null
run
is "$(mails remote)" $((before + 1)) "with relayhost= the mail goes to the relay host"

# --- a system failure: deferral and one alert ------------------------------
echo "mailer=/nonexistent/mailer" >> "$CONF"
pm=$(files carol@example.test)
queue_msg alice@example.test a@remote.test -m sys1 > /dev/null
run
queue_msg alice@example.test b@remote.test -m sys2 > /dev/null
run
is "$(spool_count)" 2 "without a mailer both messages stay queued"
is "$(grep -c 'subject: smtpgate on gw.test: mailer problem' -i \
    $(ls "$T/mail/example.test/carol/new/"* "$T/mail/example.test/carol/cur/"* 2>/dev/null) /dev/null |
    awk -F: '{s += $NF} END {print s}')" 1 "postmaster was told once"
f=$(grep -il 'subject: smtpgate on gw.test: mailer problem' "$T/mail/example.test/carol/new/"* | head -1)
is "$(python3 -c 'import email, sys, email.utils
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
print(bool(email.utils.parsedate_tz(m["Date"] or "")), bool(m["Message-ID"]), m["Auto-Submitted"])' "$f")" \
    "True True auto-generated" "the alert has a Date, a Message-ID and Auto-Submitted (RFC 5322, RFC 3834)"
is "$(files carol@example.test)" $((pm + 1)) "and no bounce was sent"
