#!/bin/bash
# SPDX-License-Identifier: ISC
# One message to thousands of local recipients (issue 8, defect 6).
# The cost of `spoolmgr run` grows linearly with the recipients: the bytes
# it writes stay within a bound linear in N (the quadratic code rewrote the
# whole WRK after every delivery: about N/2 times the WRK's size).  Every
# recipient is delivered exactly once and the WRK says so afterwards.  A
# run killed with SIGKILL in the middle repeats at most one batch (100
# recipients, smtpgate-spool(5)) and loses none.  Bounds count bytes and
# rewrites, never seconds.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 16

setup
N=2000
BATCH=100

# mailboxes PREFIX COUNT: Maildirs PREFIX0001@example.test ..., owned by nobody
mailboxes() {
	python3 - "$T/mail/example.test" "$1" "$2" <<'PY'
import os, pwd, sys
root, prefix, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
nobody = pwd.getpwnam("nobody")
for i in range(1, n + 1):
    for sub in ("", "/tmp", "/new", "/cur"):
        path = "%s/%s%04d%s" % (root, prefix, i, sub)
        os.makedirs(path, exist_ok=True)
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
PY
}
addrs() { seq -f "$1%04g@example.test" 1 "$2"; }
# copies PREFIX COUNT: the number of messages in each of those Maildirs
copies() {
	python3 - "$T/mail/example.test" "$1" "$2" <<'PY'
import os, sys
root, prefix, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(1, n + 1):
    box = "%s/%s%04d" % (root, prefix, i)
    print(sum(len(os.listdir(box + sub)) for sub in ("/new", "/cur")))
PY
}

# measured_run: spoolmgr run as a child of python, which reads its own
# /proc/self/io before and after: a reaped child's I/O counts into its
# parent's.  Prints "STATUS SECONDS WCHAR".
measured_run() {
	python3 - "$SPOOLMGR" "$CONF" <<'PY'
import subprocess, sys, time
def wchar():
    with open("/proc/self/io") as f:
        for line in f:
            if line.startswith("wchar:"):
                return int(line.split()[1])
before, t0 = wchar(), time.monotonic()
rc = subprocess.run([sys.argv[1], "-C", sys.argv[2], "run"]).returncode
print(rc, "%.0f" % (time.monotonic() - t0 + 0.5), wchar() - before)
PY
}

# --- 2,000 recipients: bytes written, exactly once, the WRK afterwards ----
mailboxes r $N
# One more recipient whose tmp/ spoolmgr (as nobody) may not write: it is
# deferred, so the message and its WRK stay for us to read.
maildir stuck@example.test
chown root "$T/mail/example.test/stuck/tmp"
chmod 700 "$T/mail/example.test/stuck/tmp"
id=$(queue_msg ann@example.test $(addrs r $N) stuck@example.test -m many \
    -T "undisclosed-recipients:;")
read -r rc secs wchar <<< "$(measured_run)"
is "$rc" 0 "spoolmgr run over $N recipients exits 0"
wrk="$T/spool/in/$id.WRK"
size=$(stat -c %s "$wrk" 2>/dev/null || echo 0)
ok "$([ "$size" -gt 0 ]; echo $?)" "the message waits in in/ for its deferred recipient"
# Linear: at most N/BATCH + one per second + a few rewrites of the whole
# WRK, plus the Maildir files, journal and log lines, each under 2 KB a
# recipient.  The quadratic code wrote about N/2 = 1000 WRKs.
rewrites=$((N / BATCH + secs + 5))
bound=$((rewrites * size + N * 2048))
diag "$N recipients: $secs s, $wchar bytes written, WRK $size bytes," \
    "$((wchar / (size > 0 ? size : 1))) WRK sizes"
ok "$([ "$wchar" -gt 0 ] && [ "$wchar" -lt "$bound" ]; echo $?)" \
    "bytes written ($wchar) under $rewrites WRK rewrites + 2 KB a recipient ($bound)"
counts=$(copies r $N | sort | uniq -c | tr -s ' ')
is "$counts" " $N 1" "each of $N recipients has exactly one copy"
is "$(grep -c '^State: <r[0-9]*@example\.test> done ' "$wrk")" $N \
    "the WRK holds $N done State lines"
is "$(grep '^State: ' "$wrk" | awk '{print $2}' | sort | uniq -d | wc -l)" 0 \
    "one State line per recipient"
like "$(grep '^State: <stuck@' "$wrk")" '^State: <stuck@example\.test> deferred [0-9]+ 1 ' \
    "the stuck recipient is deferred after one try"
is "$(cat "$T/spool/journal/"* | awk -F'\t' '$6 == "delivered"' |
    grep -c '	r[0-9]*@example\.test	')" $N "the journal has one delivery a recipient"

# The next run delivers the last one, and only it.
chown nobody "$T/mail/example.test/stuck/tmp"
"$SPOOLMGR" -C "$CONF" retry "$id" > /dev/null
"$SPOOLMGR" -C "$CONF" run
is "$?" 0 "the next run exits 0"
is "$(files stuck@example.test)" 1 "and delivers the deferred recipient"
is "$(files r0001@example.test)$(files r$N@example.test)" 11 "and nobody else again"
is "$(spool_count)" 0 "the spool is empty"

# --- SIGKILL in the middle: at most one batch twice, none lost --------------
M=1500
mailboxes c $M
id=$(queue_msg ann@example.test $(addrs c $M) -m crash \
    -T "undisclosed-recipients:;")
delivered() { find "$T/mail/example.test" -path '*/c[0-9]*/new/*' -type f | wc -l; }
"$SPOOLMGR" -C "$CONF" run &
pid=$!
for i in $(seq 1 600); do	# until 250 deliveries, at most 30 s
	[ "$(delivered)" -ge 250 ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
kill -9 "$pid" 2>/dev/null; killed=$?
wait "$pid" 2>/dev/null
before=$(delivered)
ok "$([ "$killed" -eq 0 ] && [ "$before" -lt $M ]; echo $?)" \
    "the run was killed in the middle ($before of $M delivered)"
"$SPOOLMGR" -C "$CONF" run
is "$(spool_count)" 0 "a run after the kill completes the message"
got=$(copies c $M)
is "$(echo "$got" | grep -c '^[1-9]')" $M "every recipient has the message at least once"
twice=$(echo "$got" | grep -vc '^1$')
diag "killed after $before deliveries; $twice recipients got two copies"
ok "$([ "$twice" -le $BATCH ] && ! echo "$got" | grep -q '^[3-9]'; echo $?)" \
    "at most one batch ($twice <= $BATCH) got it twice, nobody three times"
