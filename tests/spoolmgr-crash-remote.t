#!/bin/bash
# SPDX-License-Identifier: ISC
# spoolmgr run killed with SIGKILL while it moves messages to out/ and
# delivers them through mailer -x to a relay host (smtp-sink on
# 127.0.5.5): after a final run every message has reached the sink at
# least once and the spool is empty, nothing in bad/.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 4

PORT=$(free_port)	# not 25: another worktree may run this test at once
setup "relayhost=127.0.5.5:$PORT" "sessions=4" "retrymin=0"
mkdir -p "$T/sink"
chown nobody "$T/sink"
bg smtp-sink -u nobody -d "$T/sink/%M%S." "127.0.5.5:$PORT" 64
wait_port 127.0.5.5 "$PORT"

N=60
queue_msg alice@example.test "r@remote.test" -m far -n $N > /dev/null
for i in $(seq 1 10); do
	"$SPOOLMGR" -C "$CONF" run &
	pid=$!
	sleep "0.0$(printf %02d $(( RANDOM % 60 + 5 )))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
# Children of a killed run finish their delivery and then let go of the
# spool lock; a run waits for that, then delivers what is left.
for i in $(seq 1 30); do
	run
	[ "$(spool_count)" -eq 0 ] && break
	sleep 0.5
done
is "$(spool_count)" 0 "after the kills, runs empty the spool"
got=$(cat "$T/sink/"* | grep -o '^Message-ID: <far\.[0-9]*@test>' | sort -u | wc -l)
is "$got" $N "every message reached the relay host at least once"
total=$(cat "$T/sink/"* | grep -c '^Message-ID: <far\.')
ok "$([ "$total" -le $((N + 10 * 4)) ]; echo $?)" "extra copies bounded by the kills and sessions ($((total - N)))"
is "$(ls "$T/spool/bad" | wc -l)" 0 "nothing went to bad/"
