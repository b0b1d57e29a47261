#!/bin/bash
# SPDX-License-Identifier: ISC
# spoolmgr runs at most `sessions` deliveries at once (and `destsessions`
# to one destination; batchsize=1 here, one message a session): six messages to a
# relay host (smtp-sink on 127.0.5.6, on a free port: another worktree
# may run this test at once) that waits 3 s before answering
# DATA, so that every session stays open for 3 s or more.  Measured by
# the kernel, not by clocks: a watcher counts the sink's established
# connections in /proc/net/tcp every 50 ms, far inside a session's 3 s,
# so load on the machine cannot hide a session or make two look apart.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 8

mkdir -p "$T/sink"
chown nobody "$T/sink"
PORT=$(free_port)
bg smtp-sink -u nobody -w 3 -d "$T/sink/%M%S." "127.0.5.6:$PORT" 64
wait_port 127.0.5.6 "$PORT"

# watch: writes the largest number of established connections to the
# sink (127.0.5.6:PORT, "0605007F:" and PORT in hex in /proc/net/tcp)
# into $T/most, until $T/stop appears; at most 60 s.
watch_sink() {
	python3 - "$T/most" "$T/stop" "$PORT" <<'PY' &
import os, sys, time
sink = "0605007F:%04X" % int(sys.argv[3])
most = 0
deadline = time.time() + 60
while time.time() < deadline and not os.path.exists(sys.argv[2]):
    with open("/proc/net/tcp") as f:
        now = sum(1 for line in f
                  if line.split()[1] == sink and line.split()[3] == "01")
    if now > most:
        most = now
        with open(sys.argv[1], "w") as out:
            out.write("%d\n" % most)
    time.sleep(0.05)
PY
	watcher=$!
	_pids="$_pids $watcher"
}

for s in 2 6; do
	rm -f "$T/sink/"* "$T/most" "$T/stop"
	rm -rf "$T/spool"
	setup "relayhost=127.0.5.6:$PORT" "sessions=$s" "batchsize=1" \
	    "destsessions=10"
	queue_msg alice@example.test x@remote.test -m s$s -n 6 > /dev/null
	echo 0 > "$T/most"
	watch_sink
	start=$(date +%s.%N)
	run
	took=$(echo "$(date +%s.%N) - $start" | bc)
	touch "$T/stop"
	wait "$watcher"
	is "$(ls "$T/sink" | wc -l)" 6 "sessions=$s: six messages delivered"
	is "$(cat "$T/most")" "$s" "sessions=$s: at most $s sessions open at once, and $s were (took ${took}s)"
done
# The watcher sees what it should: with sessions=6 the six 3 s sessions
# overlapped, so the run took about 3 s, not 18 s.
ok "$(echo "$took < 12" | bc | grep -q 1; echo $?)" "sessions=6: the run took ${took}s, not six times 3 s"
is "$(spool_count)" 0 "the spool is empty"

# destsessions caps the sessions to one destination (the relay host)
# below sessions.
rm -f "$T/sink/"* "$T/most" "$T/stop"
rm -rf "$T/spool"
setup "relayhost=127.0.5.6:$PORT" "sessions=6" "batchsize=1" "destsessions=2"
queue_msg alice@example.test x@remote.test -m d2 -n 4 > /dev/null
echo 0 > "$T/most"
watch_sink
run
touch "$T/stop"
wait "$watcher"
is "$(ls "$T/sink" | wc -l)" 4 "destsessions=2: four messages delivered"
is "$(cat "$T/most")" 2 "destsessions=2: at most 2 sessions to the relay host at once"
