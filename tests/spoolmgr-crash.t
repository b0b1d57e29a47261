#!/bin/bash
# SPDX-License-Identifier: ISC
# spoolmgr run killed with SIGKILL at many points, then run to completion:
# every message delivered at least once, none more than once except the
# one in flight at each kill.  Two runs at once over 200 messages: each
# recipient exactly once.  The run lock and the per-message lock.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 14

setup

# --- SIGKILL at random points --------------------------------------------
N=400
KILLS=20
queue_msg ann@example.test alice@example.test -m crash -n $N > /dev/null
is "$(spool_count)" $N "$N messages queued"
# Odd kills land 5 to 44 ms after the start, wherever the run is; even
# ones 5 to 44 ms after the run's first delivery (waited for, at most 2 s),
# so that a loaded machine, slow to start a run, still sees kills in the
# middle of deliveries.
new_mail() { ls "$T/mail/example.test/alice/new" | wc -l; }
for i in $(seq 1 $KILLS); do
	before=$(new_mail)
	"$SPOOLMGR" -C "$CONF" run &
	pid=$!
	for k in $(seq 1 200); do
		[ $((i % 2)) -eq 1 ] || [ "$(new_mail)" -gt "$before" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	sleep "0.0$(printf %02d $(( RANDOM % 40 + 5 )))"	# 5 to 44 ms
	kill -9 "$pid" 2>/dev/null && echo "$pid" >> "$T/killed"
	wait "$pid" 2>/dev/null
done
left=$(spool_count)
ok "$([ "$left" -lt $N ]; echo $?)" "the killed runs delivered some ($((N - left)) of $N)"
run
is "$?" 0 "a run after the crashes exits 0"
is "$(spool_count)" 0 "and empties the spool"
$HELPER count "$T/mail/example.test/alice" > "$T/counts"
is "$(grep -c '^<crash\.' "$T/counts")" $N "every message was delivered at least once"
extra=$(awk '{ s += $2 - 1 } END { print s + 0 }' "$T/counts")
ok "$([ "$extra" -le $KILLS ]; echo $?)" "at most one extra delivery per kill ($extra in all)"
# Every extra copy is the one in flight of a killed run: a message with n
# copies has n-1 of them from distinct killed runs (P<pid> in the name).
bad=$(python3 - "$T/mail/example.test/alice" "$T/killed" <<'PY'
import email, os, re, sys
killed = set(open(sys.argv[2]).read().split()) if os.path.exists(sys.argv[2]) else set()
copies = {}
for sub in ("new", "cur"):
    d = os.path.join(sys.argv[1], sub)
    for name in os.listdir(d):
        with open(os.path.join(d, name), "rb") as f:
            key = email.message_from_binary_file(f)["Message-ID"]
        copies.setdefault(key, []).append(re.search(r"P(\d+)Q", name).group(1))
print(sum(1 for pids in copies.values()
          if len(set(pids) & killed) < len(pids) - 1))
PY
)
is "$bad" 0 "every extra copy was the message in flight of a killed run"
is "$(ls "$T/spool/bad" | wc -l)" 0 "nothing went to bad/"

# --- two runs at once ------------------------------------------------------
maildir dave@example.test erin@example.test
queue_msg ann@example.test dave@example.test erin@example.test -m twice -n 200 > /dev/null
"$SPOOLMGR" -C "$CONF" run & p1=$!
"$SPOOLMGR" -C "$CONF" run & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
is "$r1$r2" 00 "two runs at once both exit 0"
run
# Counted per mailbox: 200 distinct messages, each exactly once, in each.
for who in dave erin; do
	counts=$($HELPER count "$T/mail/example.test/$who" |
	    grep '^<twice\.' | awk '{print $2}' | sort | uniq -c | tr -s ' ')
	is "$counts" " 200 1" "each of 200 messages reached $who exactly once"
done

# --- the locks ---------------------------------------------------------------
queue_msg ann@example.test alice@example.test -m locked > /dev/null
out=$(flock "$T/spool/lock" "$SPOOLMGR" -C "$CONF" run 2>&1; echo "rc=$?")
is "$out" "rc=0" "a run while another holds the spool lock exits 0 quietly"
wrk=$(ls "$T/spool/in/"*.WRK)
flock "$wrk" sleep 3 &
sleep 0.5
run
is "$(spool_count)" 1 "a message whose WRK someone else holds is passed by"
wait
run
is "$(spool_count)" 0 "and delivered once it is free"
