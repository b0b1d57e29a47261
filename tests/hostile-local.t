#!/bin/bash
# SPDX-License-Identifier: ISC
# A hostile local user (issue 8): nobody, with mailer installed
# set-group-ID to the spool's group, tries
#   - -C tricks: a config it may not read, its own config aiming the group
#     at the real spool or at a file outside it, envelope injection,
#     mailq to read other people's mail;
#   - defect 5: an endless message, and a writer that stalls;
#   - defect 1: mailer stopped with SIGSTOP at the worst moment it can
#     find (holding a lock, or its spool files), then smtpd under
#     tcpserver must still answer 250 and spoolmgr run must finish.
# Nothing of another user's mail may be read or changed, nothing outside
# the spool written.  Addresses: 127.0.13.0/24.
. "$(dirname "$0")/lib.sh"
plan 37

ADDR=127.0.13.1
PY=/usr/bin/python3	# nobody cannot reach a python3 under root's home
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
now_ms() { date +%s%3N; }
# own_files: spool files of nobody's, in in/ and out/
own_files() { find "$T/spool/in" "$T/spool/out" -user nobody -type f | wc -l | tr -d ' '; }
wrk_count() { ls "$T/spool/in" "$T/spool/out" | grep -c '\.WRK$'; }

# --- the installation: mailer set-group-ID mail, the gateway runs as mail
make -s -C "$TOP" O="$T/build/" SYSCONFDIR="$T/etc" CFLAGS=-O0 \
    "$T/build/mailer/mailer" > "$T/make.log" 2>&1
ok $? "a mailer built with SYSCONFDIR=$T/etc"
mkdir -p "$T/bin"
cp "$T/build/mailer/mailer" "$T/bin/mailer"
chgrp mail "$T/bin/mailer"
chmod 2755 "$T/bin/mailer"

mkdir -p "$T/spool/in" "$T/spool/out" "$T/spool/bad" "$T/log"
chown -R root:mail "$T/spool" "$T/log"
chmod 2770 "$T/spool" "$T/spool/in" "$T/spool/out" "$T/spool/bad" "$T/log"
install -o mail -g mail -m 660 /dev/null "$T/log/gateway.log"
for u in bob carol postmaster; do
	mkdir -p "$T/mail/example.test/$u/tmp" "$T/mail/example.test/$u/new" \
	    "$T/mail/example.test/$u/cur"
done
chown -R mail:mail "$T/mail"
chmod -R 700 "$T/mail"
: > "$T/aliases"
# a file outside the spool that the spool's group may write
printf 'canary\n' > "$T/canary"
chown root:mail "$T/canary"
chmod 660 "$T/canary"
DEAD=$(free_port)	# the relay host: nothing listens, remote mail waits

mkdir -p "$T/etc/smtpgate"
cat > "$T/etc/smtpgate/smtpgate.conf" <<EOF
hostname=gw.test
spool=$T/spool
mailroot=$T/mail
localdomains=example.test
user=mail
group=mail
aliases=$T/aliases
logfile=$T/log/gateway.log
maxsize=100000
timeout=3
waittime=0
relayhost=$ADDR:$DEAD
connecttimeout=3
mxlookup=$TOP/mxlookup/mxlookup
mailer=$TOP/mailer/mailer
EOF
chmod 644 "$T/etc/smtpgate/smtpgate.conf"
CONF=$T/etc/smtpgate/smtpgate.conf

# nobody's own corner
mkdir -p "$T/nobody/spool/in" "$T/nobody/spool/out" "$T/nobody/spool/bad"
chown -R nobody:nogroup "$T/nobody"

# --- another user's mail, queued by root for alice -----------------------
printf 'Subject: secret-subject-q7\n\nsecret body q7\n' |
    "$T/bin/mailer" -odq -f alice@example.test dave@remote.test
victim=$(ls "$T/spool/in" | grep '\.WRK$' | head -1)
victim=${victim%.WRK}
victim_sum() { cat "$T/spool/in/$victim.WRK" "$T/spool/in/$victim.TXT" | sha256sum; }
before=$(victim_sum)
touch "$T/start"

# --- -C tricks -------------------------------------------------------------
as_nobody "$T/bin/mailer" -C /etc/shadow r@x.test < /dev/null > "$T/out" 2> "$T/err"
is "$?" 78 "-C /etc/shadow: EX_CONFIG"
like "$(cat "$T/err")" '^mailer: /etc/shadow: .*Permission denied' \
    "... the group was given up before the file was opened"
is "$(cat "$T/out" "$T/err" | grep -c 'root:')" 0 "... and nothing of it is shown"

# the user's own config aiming the group at the real spool, and its log
# and its programs at places the group may write
cat > "$T/nobody/evil.conf" <<EOF
hostname=gw.test
spool=$T/spool
logfile=$T/canary
maxsize=999999999
mxlookup=$T/nobody/evil.sh
mailer=$T/nobody/evil.sh
EOF
printf '#!/bin/sh\nid > %s/nobody/evil.ran\n' "$T" > "$T/nobody/evil.sh"
chmod 755 "$T/nobody/evil.sh"
chown nobody "$T/nobody/evil.conf" "$T/nobody/evil.sh"
printf 'Subject: x\n\nx\n' | as_nobody "$T/bin/mailer" -C "$T/nobody/evil.conf" \
    -odq r@x.test 2> "$T/err"
is "$?" 73 "own -C naming the real spool: EX_CANTCREAT, nothing queued"
printf 'Subject: x\n\nx\n' | as_nobody "$T/bin/mailer" -C "$T/nobody/evil.conf" \
    r@x.test 2> /dev/null
is "$(wrk_count)" 1 "... also when it would deliver at once: still only alice's message"
sed -i "s|^spool=.*|spool=$T/nobody/spool|" "$T/nobody/evil.conf"
printf 'Subject: x\n\nx\n' | as_nobody "$T/bin/mailer" -C "$T/nobody/evil.conf" \
    -odq r@x.test 2> "$T/err"
is "$?" 0 "own -C with its own spool: queued there, as the user"
is "$(cat "$T/canary")" "canary" "... and logfile= outside the spool was not written with the group"
ok "$(test -e "$T/nobody/evil.ran"; echo $((1 - $?)))" "mxlookup= and mailer= of the user's choosing never ran"

# envelope injection through -f
printf 'x\n' | as_nobody "$T/bin/mailer" -odq -f "$(printf 'a@x.test\nTo: <evil@z.test>')" \
    r@x.test 2> "$T/err"
is "$?" 65 "a sender with a line break: EX_DATAERR"

# mailq: what sendmail shows, never the message
out=$(as_nobody "$T/bin/mailer" -bp 2>&1)
like "$out" "^$victim +in .*<alice@example.test>" "-bp lists alice's message: number, sender"
like "$out" '<dave@remote.test>' "... and recipient"
like "$(printf '%s' "$out" | grep -c 'secret')" '^0$' "... but neither its subject nor its body"
sed -i "s|^spool=.*|spool=$T/spool|" "$T/nobody/evil.conf"
out=$(as_nobody "$T/bin/mailer" -C "$T/nobody/evil.conf" -bp 2>&1)
like "$out" 'cannot read the queue' "-bp with the user's own -C: the queue cannot be read"
is "$(victim_sum)" "$before" "alice's message is unchanged"

# --- defect 5: an endless message, a stalled writer -------------------------
# The feeder counts what mailer takes and samples the spool's size.
feed() {
	python3 -c '
import os, sys
spool, limit, stats = sys.argv[1], int(sys.argv[2]), sys.argv[3]
chunk = b"y\n" * 32768
fed = peak = 0
def spool_size():
    total = 0
    for name in os.listdir(spool):
        try:
            total += os.stat(os.path.join(spool, name)).st_size
        except OSError:
            pass
    return total
try:
    sys.stdout.buffer.write(b"Subject: endless\n\n")
    while fed < limit:
        sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        fed += len(chunk)
        peak = max(peak, spool_size())
except BrokenPipeError:
    pass
peak = max(peak, spool_size())
open(stats, "w").write("%d %d\n" % (fed, peak))
os.close(1)' "$T/spool/in" $((30 * 1024 * 1024)) "$T/feed.stats" 2> /dev/null
}
feed | as_nobody "$T/bin/mailer" -odq bob@example.test 2> "$T/err"
is "$?" 65 "30 MB into maxsize=100000: EX_DATAERR"
like "$(cat "$T/err")" '^mailer: standard input: the message is larger than maxsize \(100000 octets\)' \
    "... with a clear message"
read -r fed peak < "$T/feed.stats"
diag "mailer took $fed octets; the spool's in/ peaked at $peak octets"
ok "$([ "$fed" -lt 1048576 ] && echo 0 || echo 1)" "... it stopped reading near maxsize (took $fed octets)"
ok "$([ "$peak" -lt 1048576 ] && echo 0 || echo 1)" "... the spool never held more than a MiB ($peak octets)"
is "$(own_files)" 0 "... and nothing of it is left in the spool"

start=$(now_ms)
timeout 12 setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$T/bin/mailer" -odq bob@example.test \
    < <(printf 'Subject: stalled\n\nhalf'; sleep 10) 2> "$T/err"
rc=$?
took=$(( $(now_ms) - start ))
is "$rc" 75 "a writer silent for timeout=3: EX_TEMPFAIL"
ok "$([ "$took" -lt 5000 ] && echo 0 || echo 1)" "... within a second of it (${took} ms)"
like "$(cat "$T/err")" '^mailer: standard input: nothing came in for 3 seconds' "... saying why"
is "$(own_files)" 0 "... and its files are gone"

# killed while it waits for the rest: its files go with it (in its own
# spool, with a long timeout, so that only the signal can end it)
sed -e "s|^spool=.*|spool=$T/nobody/spool|" -e '/^logfile=/d' "$CONF" > "$T/nobody/own.conf"
echo timeout=60 >> "$T/nobody/own.conf"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$T/bin/mailer" -C "$T/nobody/own.conf" -odq bob@example.test \
    < <(printf 'Subject: cut short\n\n'; sleep 20) 2> "$T/err" &
cut=$!
claims() { ls "$T/nobody/spool/in" | grep -c '\.\(TMP\|CMD\)$'; }
wait_for 10 test "$(claims)" -gt 0
as_nobody kill -TERM "$cut"
wait "$cut"
is "$?" 75 "SIGTERM while it reads: EX_TEMPFAIL"
like "$(cat "$T/err")" '^mailer: standard input: interrupted by signal 15' "... saying why"
is "$(claims)" 0 "... and its files are gone"

# --- defect 1: mailer stopped at the worst moment ---------------------------
# a timeout long enough for the attacker to find its moment on a busy host
sed -i 's/^timeout=.*/timeout=60/' "$CONF"
printf 'Subject: to no one\n\nx\n' |
    "$T/bin/mailer" -odq -f carol@example.test nosuch@example.test
PORT=$(free_port)
bg tcpserver -HRl0 "$ADDR" "$PORT" "$TOP/smtpd/smtpd" -C "$CONF"
wait_port "$ADDR" "$PORT"

# An attacker retries until the stop lands inside a lock's window of
# microseconds; to spare the test those tries, strace (root's, not the
# attacker's) delays the return of any flock(2) by a minute, so a lock
# taken is found held at once.  Code that takes no lock is not slowed.
bg strace -f -qq -o /dev/null -e trace=flock \
    -e inject=flock:delay_exit=60000000 \
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$PY" "$TOP/tests/hostile-stop.py" "$T/bin/mailer" "$T/nobody/pid" \
    bob@example.test 3 > "$T/stop.out" 2>&1
wait_for 60 test -s "$T/nobody/pid"
stopped=$(cat "$T/nobody/pid" 2>/dev/null)
_pids="$_pids $stopped"
diag "nobody stopped mailer: $(cat "$T/stop.out")"
like "$(awk '{print $3}' "/proc/$stopped/stat" 2>/dev/null)" '^[Tt]$' \
    "nobody's mailer is stopped ($(cut -d' ' -f1 "$T/stop.out"))"

start=$(now_ms)
timeout 20 swaks --server "$ADDR:$PORT" --from alice@remote.test \
    --to bob@example.test --header 'Subject: during the attack' \
    --body 'sent while mailer was stopped' --timeout 15 > "$T/swaks" 2>&1
rc=$?
took=$(( $(now_ms) - start ))
is "$rc" 0 "swaks to smtpd while it is stopped: success"
like "$(grep -A1 -- '-> \.$' "$T/swaks")" '<- +250 ' "... 250 after DATA"
ok "$([ "$took" -lt 5000 ] && echo 0 || echo 1)" "... within seconds (${took} ms)"

start=$(now_ms)
timeout 30 "$TOP/spoolmgr/spoolmgr" -C "$CONF" run
rc=$?
took=$(( $(now_ms) - start ))
is "$rc" 0 "spoolmgr run finishes (${took} ms)"
like "$(cat "$T"/mail/example.test/bob/new/* 2>/dev/null)" 'sent while mailer was stopped' \
    "... delivering the message smtpd took"
like "$(cat "$T"/mail/example.test/carol/new/* 2>/dev/null)" 'nosuch@example.test' \
    "... and the bounce it had to number for carol"
ok "$(timeout 10 "$TOP/spoolmgr/spoolmgr" -C "$CONF" run; echo $?)" \
    "a second run is not kept out by a run lock left behind"

# --- nothing outside the spool ------------------------------------------------
is "$(cat "$T/canary")" "canary" "the canary the spool's group may write is untouched"
outside=$(find "$T" -newer "$T/start" -group mail \
    -not -path "$T/spool*" -not -path "$T/mail*" -not -path "$T/log*" | wc -l)
is "$outside" 0 "no file of the spool's group was written outside spool, mail and log"
