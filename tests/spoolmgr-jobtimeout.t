#!/bin/bash
# SPDX-License-Identifier: ISC
# A remote delivery killed at jobtimeout is killed whole (issue 8,
# defect 8): its mailer must not finish the delivery that spoolmgr
# records as deferred, or the next run sends a second copy.  The relay
# host (tests/mailer-server.py slowcommit on 127.0.11.2) answers the
# first message's final dot after 4 s and keeps it only if the client
# is still there; jobtimeout=2 ends the job before.  Exactly one copy
# arrives, by the next run, and the journal agrees.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 10

PORT=$(free_port)
mkdir -p "$T/server"
bg python3 "$TOP/tests/mailer-server.py" 127.0.11.2 "$PORT" "$T/server" slowcommit
wait_port 127.0.11.2 "$PORT"
setup "relayhost=127.0.11.2:$PORT" "jobtimeout=2" "retrymin=0" \
    "connecttimeout=5" "timeout=10"

# What is left running of this test's deliveries (mxlookup, mailer -C CONF).
leftovers() { ps -eo args= | grep -F -- "-C $CONF" | grep -cv grep; }

queue_msg alice@example.test far@slow.test -m slow > /dev/null
start=$(date +%s)
run
is "$?" 0 "the first run exits 0"
took=$(( $(date +%s) - start ))
ok "$([ "$took" -lt 4 ]; echo $?)" "it ended at jobtimeout, not when the server answered (${took}s)"
is "$(leftovers)" 0 "nothing of the killed delivery runs on"
like "$($SPOOLMGR -C "$CONF" list)" "deferred +<far@slow\.test> \(tries 1" "the recipient is deferred"
like "$(grep '^State: <far@slow\.test>' "$T/spool/out/"*.WRK)" \
    "deferred .* 451 4\.4\.2 the delivery did not finish: killed after 2 seconds \(jobtimeout\)$" \
    "its State line says why"

sleep 3		# the server gives up the first session after 4 s
run
is "$(ls "$T/server" | grep -c '\.raw$')" 1 "exactly one copy reached the server"
is "$(spool_count)" 0 "the next run delivered it and removed it"
events=$(awk -F'\t' '$5 == "far@slow.test" { print $6 }' "$T/spool/journal/"* | tr '\n' ' ')
is "$events" "deferred delivered " "the journal: deferred once, then delivered once"
like "$($SPOOLMGR -C "$CONF" trace far@slow.test | grep "<far@slow" | tail -1)" "delivered <far@slow\.test>" \
    "trace ends with the delivery"
is "$(leftovers)" 0 "nothing of either run is left"
