#!/bin/bash
# make bench: smtpgate measured side by side with real peers, in one run.
# Each line compares a smtpgate program with a program that does the same
# job (Postfix's smtp-sink and smtp-source, ldns's drill), on loopback,
# and prints the ratio.  Timings are wall-clock on this machine: compare
# ratios between runs, not seconds.  Nothing here is a test; it never fails
# on a slow result.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=$(mktemp -d /tmp/smtpgate-bench.XXXXXX)
chmod 755 "$B"
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	rm -rf "$B"
}
trap cleanup EXIT

MESSAGES=${MESSAGES:-400}
SESSIONS=${SESSIONS:-8}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {
	for _ in $(seq 1 100); do
		python3 -c "import socket; socket.create_connection(('$1',$2),0.5).close()" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# seconds CMD...: wall-clock seconds of CMD, as a decimal
seconds() {
	python3 - "$@" <<'EOF'
import subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("%.3f" % (time.monotonic() - t))
EOF
}
# maxrss CMD...: peak resident memory of CMD in KiB (stdin passed through)
maxrss() {
	python3 - "$@" <<'EOF'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
EOF
}
ratio() { python3 -c "print('%.2f' % ($1 / $2 if $2 else 0))"; }
row() { printf '%-44s %12s %12s %8s\n' "$@"; }

mkdir -p "$B/spool/in" "$B/spool/out" "$B/spool/bad" "$B/sink"
chown -R nobody:nogroup "$B/spool" "$B/sink"
cat > "$B/smtpgate.conf" <<EOF
hostname=bench.smtpgate.test
localdomains=bench.test
relayclients=127.0.0.0/8
spool=$B/spool
mailroot=$B/mail
user=nobody
EOF
mkdir -p "$B/mail/bench.test/user"
chown -R nobody:nogroup "$B/mail"

echo "smtpgate benchmarks: $MESSAGES messages, $SESSIONS sessions, loopback"
row "measure" "smtpgate" "peer" "ratio"

# 1. Receiving: smtp-source into smtpd (tcpserver) vs into smtp-sink.
# smtpd fsyncs every message to disk before it answers; smtp-sink writes
# nothing, so this ratio is the price of durability plus process-per-
# connection, against a lower bound.
P1=$(free_port); P2=$(free_port)
tcpserver -HRl0 -c 100 127.0.0.1 "$P1" "$TOP/smtpd/smtpd" -C "$B/smtpgate.conf" &
PIDS="$PIDS $!"
smtp-sink -u nobody -c 127.0.0.1:"$P2" 100 > /dev/null &
PIDS="$PIDS $!"
wait_port 127.0.0.1 "$P1" && wait_port 127.0.0.1 "$P2"
s1=$(seconds smtp-source -s "$SESSIONS" -m "$MESSAGES" -l 4096 \
    -f a@bench.test -t user@bench.test 127.0.0.1:"$P1")
s2=$(seconds smtp-source -s "$SESSIONS" -m "$MESSAGES" -l 4096 \
    -f a@bench.test -t user@bench.test 127.0.0.1:"$P2")
row "receive: seconds (smtpd vs smtp-sink)" "$s1" "$s2" "$(ratio "$s1" "$s2")"
got=$(find "$B/spool/in" -name '*.WRK' | wc -l)
row "receive: messages spooled by smtpd" "$got" "$MESSAGES" ""

# 2. Sending: mailer -x vs smtp-source, each sending to smtp-sink.
head -c 4096 /dev/urandom | base64 > "$B/body"
{ printf 'From: a@bench.test\nTo: b@sink.test\nSubject: bench\n\n'; cat "$B/body"; } > "$B/msg"
send_with_mailer() {
	for _ in $(seq 1 "$MESSAGES"); do
		"$TOP/mailer/mailer" -C "$B/smtpgate.conf" -x -f a@bench.test \
		    -h 127.0.0.1:"$P2" b@sink.test < "$B/msg" > /dev/null
	done
}
t1=$(python3 -c 'import time; print(time.monotonic())')
send_with_mailer
t2=$(python3 -c 'import time; print(time.monotonic())')
s1=$(python3 -c "print('%.3f' % ($t2 - $t1))")
s2=$(seconds smtp-source -s 1 -m "$MESSAGES" -l 4096 -f a@bench.test \
    -t b@sink.test 127.0.0.1:"$P2")
row "send: seconds, 1 msg/connection (mailer -x vs smtp-source)" "$s1" "$s2" "$(ratio "$s1" "$s2")"

# 3. Memory: one 20 MiB message, client side and server side.
head -c 15000000 /dev/urandom | base64 -w 76 > "$B/big.body"
{ printf 'From: a@bench.test\nTo: b@sink.test\nSubject: big\n\n'; cat "$B/big.body"; } > "$B/big"
m1=$(maxrss sh -c "exec '$TOP/mailer/mailer' -C '$B/smtpgate.conf' -x -f a@bench.test -h 127.0.0.1:$P2 b@sink.test < '$B/big'")
m2=$(maxrss sh -c "exec smtp-source -l 20000000 -m 1 -f a@bench.test -t b@sink.test 127.0.0.1:$P2")
row "send 20 MiB: peak RSS KiB (mailer vs smtp-source)" "$m1" "$m2" "$(ratio "$m1" "$m2")"
printf 'EHLO bench\r\nMAIL FROM:<a@bench.test>\r\nRCPT TO:<user@bench.test>\r\nDATA\r\n' > "$B/big.smtp"
sed 's/^\./../; s/$/\r/' "$B/big" >> "$B/big.smtp"
printf '.\r\nQUIT\r\n' >> "$B/big.smtp"
m1=$(maxrss sh -c "TCPREMOTEIP=127.0.0.1 exec '$TOP/smtpd/smtpd' -C '$B/smtpgate.conf' < '$B/big.smtp'")
row "receive 20 MiB: peak RSS KiB of smtpd" "$m1" "" ""

# 4. DNS: 200 MX look-ups with mxlookup vs drill, against NSD.
if command -v nsd > /dev/null; then
	P3=$(free_port)
	mkdir -p "$B/nsd"
	cat > "$B/nsd/bench.test.zone" <<EOF
\$ORIGIN bench.test.
\$TTL 300
@ IN SOA ns.bench.test. admin.bench.test. 1 3600 600 86400 300
@ IN NS ns
ns IN A 127.0.0.1
@ IN MX 10 mx1
@ IN MX 10 mx2
@ IN MX 20 mx3
mx1 IN A 127.0.0.11
mx2 IN A 127.0.0.12
mx2 IN AAAA ::1
mx3 IN A 127.0.0.13
EOF
	cat > "$B/nsd/nsd.conf" <<EOF
server:
  ip-address: 127.0.0.1
  port: $P3
  username: ""
  zonesdir: "$B/nsd"
  database: ""
  pidfile: "$B/nsd/nsd.pid"
  xfrdfile: "$B/nsd/xfrd.state"
  zonelistfile: "$B/nsd/zone.list"
remote-control:
  control-enable: no
zone:
  name: bench.test
  zonefile: bench.test.zone
EOF
	nsd -d -c "$B/nsd/nsd.conf" 2> /dev/null &
	PIDS="$PIDS $!"
	for _ in $(seq 1 50); do
		drill -p "$P3" @127.0.0.1 SOA bench.test > /dev/null 2>&1 && break
		sleep 0.1
	done
	t1=$(python3 -c 'import time; print(time.monotonic())')
	for _ in $(seq 1 200); do
		"$TOP/mxlookup/mxlookup" -s 127.0.0.1@"$P3" bench.test > /dev/null
	done
	t2=$(python3 -c 'import time; print(time.monotonic())')
	for _ in $(seq 1 200); do
		drill -p "$P3" @127.0.0.1 MX bench.test > /dev/null
	done
	t3=$(python3 -c 'import time; print(time.monotonic())')
	s1=$(python3 -c "print('%.3f' % ($t2 - $t1))")
	s2=$(python3 -c "print('%.3f' % ($t3 - $t2))")
	row "dns: 200 look-ups, seconds (mxlookup vs drill MX)" "$s1" "$s2" "$(ratio "$s1" "$s2")"
	echo "  (mxlookup also asks for each exchanger's A and AAAA: 7 queries to drill's 1)"
fi
