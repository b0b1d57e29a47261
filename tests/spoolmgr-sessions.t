#!/bin/bash
# spoolmgr runs at most `sessions` deliveries at once: six messages to a
# relay host (smtp-sink on 127.0.5.6) that waits 1 s before answering
# DATA take about 6 s with sessions=1, 3 s with sessions=2, 1 s with 6.
# Measured as the largest number of messages the sink saw within one
# second of each other: bounded by sessions, and reaching it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 4

mkdir -p "$T/sink"
chown nobody "$T/sink"
bg smtp-sink -u nobody -w 1 -d "$T/sink/%M%S." 127.0.5.6:25 64
wait_port 127.0.5.6 25

# most_at_once: the largest number of sink files whose times lie within
# 0.8 s of each other (deliveries finishing together ran together).
most_at_once() {
	python3 - "$T/sink" <<'PY'
import os, sys
times = sorted(os.stat(os.path.join(sys.argv[1], f)).st_mtime
               for f in os.listdir(sys.argv[1]))
print(max((sum(1 for u in times if t <= u < t + 0.8) for t in times), default=0))
PY
}

for s in 2 6; do
	rm -f "$T/sink/"*
	rm -rf "$T/spool"
	setup "relayhost=127.0.5.6:25" "sessions=$s"
	queue_msg alice@example.test x@remote.test -m s$s -n 6 > /dev/null
	start=$(date +%s.%N)
	run
	took=$(echo "$(date +%s.%N) - $start" | bc)
	is "$(ls "$T/sink" | wc -l)" 6 "sessions=$s: six messages delivered"
	is "$(most_at_once)" "$s" "sessions=$s: at most $s at once, and $s did run at once (took ${took}s)"
done
