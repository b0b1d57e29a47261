#!/bin/bash
# SPDX-License-Identifier: ISC
# make bench: smtpgate measured side by side with real peers, in one run.
# Each line compares a smtpgate program with a program that does the same
# job -- a private Postfix (smtpd into its queue on disk, virtual(8) into
# a Maildir), Postfix's smtp-source, ldns's drill -- on loopback, and
# prints the ratio smtpgate/peer.  Timings are wall-clock on this machine:
# compare ratios between runs, not seconds.  Nothing here is a test; it
# never fails on a slow result.  bench/README.md explains each line.
#
# Everything started here is stopped by pid at exit, even on failure; every
# loop is bounded in count and in time; all traffic stays on 127.0.0.1.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/postfix-env.sh"
. "$TOP/bench/postfix.sh"
B=$(mktemp -d /tmp/smtpgate-bench.XXXXXX)
chmod 755 "$B"
PF=$B/postfix
PIDS=""
PF_STARTED=0
cleanup() {
	local p m
	if [ "$PF_STARTED" = 1 ]; then
		m=$(postfix_master_pid "$PF")
		postfix -c "$PF" stop > /dev/null 2>&1
		[ -n "$m" ] && kill "$m" 2> /dev/null
	fi
	for p in $PIDS; do kill "$p" 2> /dev/null; done
	sleep 0.2
	for p in $PIDS; do kill -9 "$p" 2> /dev/null; done
	rm -rf "$B"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

MESSAGES=${MESSAGES:-400}	# per run, at most 1000
SESSIONS=${SESSIONS:-8}
SIZE=${SIZE:-4096}
REPEAT=${REPEAT:-3}		# runs of each measure; the median counts
DRAIN=${DRAIN:-1000}		# messages in each drain run, at most 5000
DRAIN_REPEAT=${DRAIN_REPEAT:-3}	# drain runs (each queues DRAIN twice)
MANY=${MANY:-10000}		# recipients of the one-message mailing
ONLY=${ONLY:-}			# "drain", "mailing", "main": only those parts
BIG=20971520			# 20 MiB
LIMIT=120			# seconds any one measured step may take
[ "$MESSAGES" -le 1000 ] || MESSAGES=1000
[ "$REPEAT" -le 9 ] || REPEAT=9
[ "$DRAIN" -le 5000 ] || DRAIN=5000
[ "$DRAIN_REPEAT" -le 9 ] || DRAIN_REPEAT=9
[ "$MANY" -le 100000 ] || MANY=100000

# want PART: whether ONLY (empty: everything) names PART
want() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }

mkdir -p "$TOP/bench/results"
RES=$B/results.txt
say() { printf '%s\n' "$*" | tee -a "$RES"; }
note() { printf '# %s\n' "$*" >&2; }
row() { printf '%-60s %9s %9s %6s  %s\n' "$@" | tee -a "$RES"; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {
	for _ in $(seq 1 100); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1',$1),0.5).close()" 2> /dev/null && return 0
		sleep 0.1
	done
	note "nothing listens on 127.0.0.1:$1"
	return 1
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", n / s; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && b != "-" && b > 0) printf "%.2f", a / b; else print "-" }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
spread() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }
count() { find "$1" -maxdepth 1 -name "$2" 2> /dev/null | wc -l | tr -d ' '; }
# wait_count DIR PATTERN N: until DIR holds N files, polling every 10 ms,
# at most LIMIT seconds.
wait_count() {
	python3 - "$1" "$2" "$3" "$LIMIT" <<'EOF'
import fnmatch, os, sys, time
d, pat, n, limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
end = time.monotonic() + limit
while time.monotonic() < end:
    try:
        if len(fnmatch.filter(os.listdir(d), pat)) >= n:
            sys.exit(0)
    except FileNotFoundError:
        pass
    time.sleep(0.01)
sys.exit(1)
EOF
}
# source_run PORT SESSIONS COUNT SIZE [TO [OPTION...]]: smtp-source into
# PORT, to TO (user@bench.test); prints the seconds it took.  smtp-source
# stops at the first refusal, so a full run means every message was
# answered 250; the files on disk are counted too.
source_run() {
	local t rc
	t=$(now)
	timeout "$LIMIT" smtp-source -s "$2" -m "$3" -l "$4" -f a@bench.test \
	    -t "${5:-user@bench.test}" "${@:6}" "127.0.0.1:$1" > /dev/null 2> "$B/source.err"
	rc=$?
	since "$t"
	[ "$rc" -eq 0 ] || note "smtp-source into $1 exited $rc: $(head -3 "$B/source.err")"
}

# The launcher for exact peak RSS (see maxrss.c for why it is in C).
MAXRSS=$B/maxrss
cc -std=c11 -D_DEFAULT_SOURCE -O2 -o "$MAXRSS" "$TOP/bench/maxrss.c" || exit 1
# fsync made a no-op, for one diagnostic smtpd (see nofsync.c).
cc -std=c11 -O2 -shared -fPIC -o "$B/nofsync.so" "$TOP/bench/nofsync.c" || exit 1
# The two minimal receivers smtpd is measured against (recv-duties.c: its
# start-up duties, dynamically linked; recv-floor.c: none, static), and
# smtpd's own objects linked static, to be started as its user.
RECV="-std=c11 -D_DEFAULT_SOURCE -O2 $TOP/bench/recv-common.c"
# shellcheck disable=SC2086
cc -o "$B/recv-duties" "$TOP/bench/recv-duties.c" $RECV || exit 1
# shellcheck disable=SC2086
cc -static -o "$B/recv-floor" "$TOP/bench/recv-floor.c" $RECV || exit 1
STATIC_SMTPD=$TOP/smtpd/smtpd-static	# make smtpd-static (the Makefile)
[ -x "$STATIC_SMTPD" ] && [ "$STATIC_SMTPD" -nt "$TOP/smtpd/smtpd" ] ||
	make -C "$TOP" smtpd-static > /dev/null 2>&1 ||
	{ note "no static smtpd (make smtpd-static: libbsd.a?)"; STATIC_SMTPD=; }

# smtpgate: one spool and config per way of running smtpd, so that each
# run's messages can be counted on disk.
mkdir -p "$B/mail/bench.test"
for u in user postmaster; do
	mkdir -p "$B/mail/bench.test/$u/tmp" "$B/mail/bench.test/$u/new" \
	    "$B/mail/bench.test/$u/cur"
done
: > "$B/aliases"
touch "$B/smtpgate.log"
chown -R nobody:nogroup "$B/mail" "$B/smtpgate.log"
sgconf() {	# sgconf NAME: $B/NAME.conf with the spool $B/NAME
	mkdir -p "$B/$1/in" "$B/$1/out" "$B/$1/bad"
	chown -R nobody:nogroup "$B/$1"
	chmod -R 750 "$B/$1"
	cat > "$B/$1.conf" <<EOF
hostname=bench.smtpgate.test
localdomains=bench.test
relayclients=127.0.0.0/8
spool=$B/$1
mailroot=$B/mail
aliases=$B/aliases
logfile=$B/smtpgate.log
user=nobody
mailer=$TOP/mailer/mailer
mxlookup=$TOP/mxlookup/mxlookup
EOF
}
sgconf tcp
sgconf inetd
sgconf mem
sgconf nofs
sgconf static
sgconf drain
sgconf many
mkdir -p "$B/duties" "$B/floor" "$B/sink" "$B/rss"
chown nobody:nogroup "$B/duties" "$B/floor" "$B/sink" "$B/rss"
cat > "$B/duties.conf" <<EOF
spool=$B/duties
user=nobody
EOF
spooled() { count "$B/$1/in" '*.WRK'; }
unspool() { rm -f "$B/$1"/in/*; }

SMTPD=$TOP/smtpd/smtpd
P_TCP=$(free_port); P_INETD=$(free_port); P_MEM=$(free_port)
P_PF=$(free_port); P_SINK=$(free_port); P_NOFS=$(free_port)
P_DUTIES=$(free_port); P_FLOOR=$(free_port); P_STATIC=$(free_port)
P_DRAIN=$(free_port); P_DSINK=$(free_port); P_MANY=$(free_port)
# The drain and the mailing relay through smtp-sink on P_DSINK, which
# writes each message it takes to $B/sink (to be counted); mailer runs
# under maxrss for the mailing, to give its own peak.
printf 'relayhost=127.0.0.1:%s\n' "$P_DSINK" >> "$B/drain.conf"
# (mailer runs as nobody: it writes its peak into $B/rss.)
printf '#!/bin/sh\nexec %s %s/rss/mailer.$$ %s "$@"\n' "$MAXRSS" "$B" \
    "$TOP/mailer/mailer" > "$B/mailer-rss"
chmod 755 "$B/mailer-rss"
sed "s|^mailer=.*|mailer=$B/mailer-rss|" "$B/drain.conf" > "$B/drain.tmp"
mv "$B/drain.tmp" "$B/drain.conf"
sed "s|^mailer=.*|mailer=$B/mailer-rss|" "$B/many.conf" > "$B/many.tmp"
printf 'relayhost=127.0.0.1:%s\nmaxrcpt=%s\n' "$P_DSINK" "$MANY" >> "$B/many.tmp"
mv "$B/many.tmp" "$B/many.conf"
tcpserver -HRl0 -c 100 127.0.0.1 "$P_TCP" "$SMTPD" -C "$B/tcp.conf" &
PIDS="$PIDS $!"
tcpserver -HRl0 -c 10 127.0.0.1 "$P_MEM" "$MAXRSS" "$B/mem.rss" \
    "$SMTPD" -C "$B/mem.conf" &
PIDS="$PIDS $!"
env LD_PRELOAD="$B/nofsync.so" tcpserver -HRl0 -c 100 127.0.0.1 "$P_NOFS" \
    "$SMTPD" -C "$B/nofs.conf" &
PIDS="$PIDS $!"
smtp-sink -u nobody 127.0.0.1:"$P_SINK" 100 > /dev/null 2>&1 &
PIDS="$PIDS $!"
smtp-sink -u nobody -d "$B/sink/%H%M%S." 127.0.0.1:"$P_DSINK" 100 > /dev/null 2>&1 &
PIDS="$PIDS $!"
tcpserver -HRl0 -c 100 127.0.0.1 "$P_DUTIES" "$B/recv-duties" "$B/duties.conf" &
PIDS="$PIDS $!"
tcpserver -u 65534 -g 65534 -HRl0 -c 100 127.0.0.1 "$P_FLOOR" \
    "$B/recv-floor" "$B/floor" &
PIDS="$PIDS $!"
if [ -n "$STATIC_SMTPD" ]; then
	tcpserver -u 65534 -g 65534 -HRl0 -c 100 127.0.0.1 "$P_STATIC" \
	    "$STATIC_SMTPD" -C "$B/static.conf" &
	PIDS="$PIDS $!"
fi
tcpserver -HRl0 -c 100 127.0.0.1 "$P_DRAIN" "$SMTPD" -C "$B/drain.conf" &
PIDS="$PIDS $!"
tcpserver -HRl0 -c 10 127.0.0.1 "$P_MANY" "$SMTPD" -C "$B/many.conf" &
PIDS="$PIDS $!"

# openbsd-inetd, or xinetd where it replaced it (Debian lets only one be
# installed); INETD=PATH names either binary.  Each is told to allow the
# spawns this run makes: openbsd-inetd's plain `nowait' stops a service
# for ten minutes after 256 spawns a minute, xinetd's default cps after
# 50 connections a second.
INETD=${INETD:-$(command -v inetd || command -v xinetd)}
SPAWNS=$(( 2 * REPEAT * MESSAGES + 100 ))
if [ -n "$INETD" ] && [ "$(basename "$INETD")" != xinetd ]; then
	INETD_NAME=inetd
	echo "127.0.0.1:$P_INETD stream tcp nowait.$SPAWNS root $SMTPD smtpd -C $B/inetd.conf" > "$B/inetd.conf.d"
	"$INETD" -i "$B/inetd.conf.d" &
	PIDS="$PIDS $!"
elif [ -n "$INETD" ]; then
	INETD_NAME=xinetd
	cat > "$B/xinetd.conf" <<EOF
defaults
{
}
service smtpgate-bench
{
	type        = UNLISTED
	port        = $P_INETD
	bind        = 127.0.0.1
	socket_type = stream
	protocol    = tcp
	wait        = no
	user        = root
	server      = $SMTPD
	server_args = -C $B/inetd.conf
	instances   = UNLIMITED
	per_source  = UNLIMITED
	cps         = $SPAWNS 1
}
EOF
	"$INETD" -dontfork -f "$B/xinetd.conf" -pidfile "$B/xinetd.pid" 2> /dev/null &
	PIDS="$PIDS $!"
else
	INETD_NAME=
	note "neither openbsd-inetd nor xinetd: no inetd measure"
fi

postfix_config "$PF" "$P_PF" "$B/vmail" "$P_DSINK"
PF_STARTED=1
postfix -c "$PF" start > "$B/postfix.start" 2>&1 ||
	note "postfix did not start: $(cat "$B/postfix.start")"
for p in "$P_TCP" "$P_NOFS" "$P_MEM" ${INETD_NAME:+"$P_INETD"} "$P_SINK" "$P_PF" \
    "$P_DUTIES" "$P_FLOOR" ${STATIC_SMTPD:+"$P_STATIC"} "$P_DRAIN" "$P_DSINK" "$P_MANY"; do
	wait_port "$p" || exit 1
done

say "smtpgate benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
say "machine: $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/^MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo), $(uname -sr)"
say "disk: $(df -T "$B" | awk 'NR == 2 { print $2 " on " $1 }'); peers: Postfix $(postconf -d -h mail_version 2> /dev/null), ldns drill $(drill -v 2> /dev/null | awk '{ print $3; exit }')"
say "ratio = smtpgate / peer; the last column says which of the two is better"
say ""
row "measure" "smtpgate" "peer" "ratio" "better"

# --- Memory: peak RSS of one receiving session, and of one sender ------
# smtpd's peak comes from wait4 (maxrss between tcpserver and smtpd);
# Postfix's from VmHWM of its smtpd, which lives on after the session.
# Postfix's cleanup writes the queue file, a job smtpd does itself.
want main && note "memory: one session with a 4 KiB message, then one with 20 MiB"
want main && for size in "$SIZE" "$BIG"; do
	rm -f "$B/mem.rss"
	source_run "$P_MEM" 1 1 "$size" > /dev/null
	source_run "$P_PF" 1 1 "$size" > /dev/null
	wait_count "$B" mem.rss 1 || note "no peak RSS from smtpd"
	m1=$(cat "$B/mem.rss" 2> /dev/null || echo -)
	m2=$(postfix_hwm "$PF" smtpd)
	m3=$(( m2 + $(postfix_hwm "$PF" cleanup) ))
	label="4 KiB"; [ "$size" = "$BIG" ] && label="20 MiB"
	row "receive $label: peak RSS KiB, smtpd vs Postfix smtpd" "$m1" "$m2" "$(ratio "$m1" "$m2")" lower
	row "receive $label: the same, vs Postfix smtpd + cleanup" "$m1" "$m3" "$(ratio "$m1" "$m3")" lower
done
want main && say "  (on disk: smtpgate $(spooled mem), Postfix $(postfix_held "$PF") of 2)"
postsuper -c "$PF" -d ALL hold > /dev/null 2>&1
unspool mem

if want main; then
head -c 15000000 /dev/urandom | base64 -w 76 > "$B/big.body"
{ printf 'From: a@bench.test\nTo: b@sink.test\nSubject: big\n\n'; cat "$B/big.body"; } > "$B/big.msg"
m1=$(timeout "$LIMIT" "$MAXRSS" - "$TOP/mailer/mailer" -C "$B/tcp.conf" \
    -x -f a@bench.test -h 127.0.0.1:"$P_SINK" b@sink.test < "$B/big.msg" 2> /dev/null | tail -1)
m2=$(timeout "$LIMIT" "$MAXRSS" - smtp-source -l "$BIG" -m 1 \
    -f a@bench.test -t b@sink.test 127.0.0.1:"$P_SINK" 2> /dev/null | tail -1)
row "send 20 MiB: peak RSS KiB, mailer -x vs smtp-source" "$m1" "$m2" "$(ratio "$m1" "$m2")" lower
fi

# Every measure below runs REPEAT times, interleaved, so that a moment of
# load on the machine touches smtpgate and the peer alike; each line
# reports the median, and the range of the runs under it.
declare -A samples
add() { samples[$1]="${samples[$1]:-} $2"; }
bad=0
warn() { bad=1; say "  WARNING: $*"; }

# --- Receiving: smtp-source into smtpd and into Postfix's smtpd --------
# Both answer 250 only once the message is fsynced in their queue.  Each
# run's messages are counted on disk, then removed, except the multi-
# session run's, which stay queued for the delivery measure.
receive_run() {	# receive_run SESSIONS KEEP
	local who port t n
	note "receive: $MESSAGES messages of $SIZE bytes, $1 session(s), run $r of $REPEAT"
	for who in tcp inetd pf nofs duties floor static; do
		case $who in
		tcp) port=$P_TCP ;;
		nofs) port=$P_NOFS ;;
		inetd) [ -n "$INETD_NAME" ] || continue; port=$P_INETD ;;
		pf) port=$P_PF ;;
		duties) port=$P_DUTIES ;;
		floor) port=$P_FLOOR ;;
		static) [ -n "$STATIC_SMTPD" ] || continue; port=$P_STATIC ;;
		esac
		t=$(source_run "$port" "$1" "$MESSAGES" "$SIZE")
		case $who in
		pf) n=$(postfix_held "$PF") ;;
		duties|floor) n=$(count "$B/$who" '*.env') ;;
		*) n=$(spooled "$who") ;;
		esac
		[ "$n" = "$MESSAGES" ] || warn "$who, $1 session(s), run $r: $n on disk of $MESSAGES sent"
		add "receive.$1.$who" "$(rate "$n" "$t")"
		[ "$2" = keep ] && { [ "$who" = tcp ] || [ "$who" = pf ]; } && continue
		case $who in
		pf) postsuper -c "$PF" -d ALL hold > /dev/null 2>&1 ;;
		duties|floor) rm -f "$B/$who"/* ;;
		*) unspool "$who" ;;
		esac
	done
}

# --- Local delivery: the queued messages into one Maildir --------------
# spoolmgr run delivers them one by one; Postfix's qmgr hands the released
# hold queue to virtual(8) processes in parallel.  Both fsync each file.
deliver_run() {
	local t t_sg t_pf n_sg n_pf
	note "local delivery: $MESSAGES messages into a Maildir, run $r of $REPEAT"
	t=$(now)
	timeout "$LIMIT" "$TOP/spoolmgr/spoolmgr" -C "$B/tcp.conf" run > /dev/null 2> "$B/spoolmgr.err" ||
		note "spoolmgr run failed: $(head -3 "$B/spoolmgr.err")"
	t_sg=$(since "$t")
	n_sg=$(count "$B/mail/bench.test/user/new" '[0-9]*')
	t=$(now)
	postsuper -c "$PF" -H ALL > /dev/null 2>&1
	postqueue -c "$PF" -f > /dev/null 2>&1
	wait_count "$B/vmail/bench.test/user/new" '[0-9]*' "$MESSAGES"
	t_pf=$(since "$t")
	n_pf=$(count "$B/vmail/bench.test/user/new" '[0-9]*')
	[ "$n_sg" = "$MESSAGES" ] && [ "$(spooled tcp)" = 0 ] ||
		warn "spoolmgr, run $r: $n_sg in the Maildir, $(spooled tcp) left in spool, of $MESSAGES"
	[ "$n_pf" = "$MESSAGES" ] || warn "Postfix, run $r: $n_pf in the Maildir of $MESSAGES"
	add deliver.sg "$(rate "$n_sg" "$t_sg")"
	add deliver.pf "$(rate "$n_pf" "$t_pf")"
	rm -f "$B/mail/bench.test/user/new/"* "$B/vmail/bench.test/user/new/"*
}

# --- Sending: one message per connection into smtp-sink ----------------
# mailer is one process per message, as spoolmgr runs it; smtp-source
# opens all its connections from one process, so a second peer runs
# smtp-source once per message in the same shell loop.
head -c "$SIZE" /dev/urandom | base64 > "$B/body"
{ printf 'From: a@bench.test\nTo: b@sink.test\nSubject: bench\n\n'; cat "$B/body"; } > "$B/msg"
send_run() {
	local t t_sg end n_ok n_src
	note "send: $MESSAGES messages, one connection each, run $r of $REPEAT"
	t=$(now)
	end=$(( $(date +%s) + LIMIT ))
	: > "$B/mailer.out"
	for _ in $(seq 1 "$MESSAGES"); do
		[ "$(date +%s)" -lt "$end" ] || break
		"$TOP/mailer/mailer" -C "$B/tcp.conf" -x -f a@bench.test \
		    -h 127.0.0.1:"$P_SINK" b@sink.test < "$B/msg" >> "$B/mailer.out" 2> /dev/null
	done
	t_sg=$(since "$t")
	n_ok=$(grep -c '^b@sink.test ok 250' "$B/mailer.out")
	[ "$n_ok" = "$MESSAGES" ] || warn "mailer, run $r: $n_ok of $MESSAGES answered 250"
	add send.sg "$(rate "$n_ok" "$t_sg")"
	add send.ms "$(awk -v s="$t_sg" -v n="$n_ok" 'BEGIN { if (n) printf "%.2f", 1000 * s / n }')"
	add send.src "$(rate "$MESSAGES" "$(source_run "$P_SINK" 1 "$MESSAGES" "$SIZE")")"
	t=$(now)
	end=$(( $(date +%s) + LIMIT ))
	n_src=0
	for _ in $(seq 1 "$MESSAGES"); do
		[ "$(date +%s)" -lt "$end" ] || break
		smtp-source -m 1 -l "$SIZE" -f a@bench.test -t b@sink.test \
		    127.0.0.1:"$P_SINK" > /dev/null 2>&1 && n_src=$((n_src + 1))
	done
	add send.src1 "$(rate "$n_src" "$(since "$t")")"
}

# --- DNS: 200 MX look-ups with mxlookup vs drill, against NSD ----------
P_DNS=
if command -v nsd > /dev/null; then
	P_DNS=$(free_port)
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
mx2 IN AAAA 2001:db8::12
mx3 IN A 127.0.0.13
EOF
	cat > "$B/nsd/nsd.conf" <<EOF
server:
  ip-address: 127.0.0.1
  port: $P_DNS
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
		drill -p "$P_DNS" @127.0.0.1 SOA bench.test > /dev/null 2>&1 && break
		sleep 0.1
	done
fi
dns_run() {
	local t n1=0 n2=0
	note "dns: 200 look-ups each, run $r of $REPEAT"
	t=$(now)
	for _ in $(seq 1 200); do
		timeout 10 "$TOP/mxlookup/mxlookup" -s 127.0.0.1@"$P_DNS" bench.test > /dev/null && n1=$((n1 + 1))
	done
	add dns.sg "$(rate "$n1" "$(since "$t")")"
	t=$(now)
	for _ in $(seq 1 200); do
		timeout 10 drill -p "$P_DNS" @127.0.0.1 MX bench.test > /dev/null && n2=$((n2 + 1))
	done
	add dns.drill "$(rate "$n2" "$(since "$t")")"
	[ "$n1" = 200 ] && [ "$n2" = 200 ] || warn "dns, run $r: $n1 and $n2 answers of 200"
}

# --- Start-up of a plain session, with tlscert/tlskey set and without ---
# smtpd reads the chain and key at every start (as root, before it gives
# root up) but loads OpenSSL only when a client says STARTTLS: a plain
# session should cost what it cost before TLS.  STARTS sessions of just
# QUIT, smtpd run directly (one fork+exec each), as root like inetd.
STARTS=${STARTS:-100}
[ "$STARTS" -le 2000 ] || STARTS=2000
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$B/tls.key" -out "$B/tls.crt" -days 2 -subj /CN=bench.test \
    > /dev/null 2>&1
chmod 600 "$B/tls.key"
cp "$B/tcp.conf" "$B/plain.conf"
{ cat "$B/tcp.conf"; printf 'tlscert=%s\ntlskey=%s\n' "$B/tls.crt" "$B/tls.key"; } > "$B/tls.conf"
printf 'QUIT\r\n' > "$B/quit.in"
startup_run() {
	local conf t end n
	note "start-up: $STARTS plain sessions each, with and without tlscert, run $r of $REPEAT"
	for conf in tls plain; do
		t=$(now)
		end=$(( $(date +%s) + LIMIT ))
		n=0
		for _ in $(seq 1 "$STARTS"); do
			[ "$(date +%s)" -lt "$end" ] || break
			"$SMTPD" -C "$B/$conf.conf" < "$B/quit.in" > /dev/null && n=$((n + 1))
		done
		add "start.$conf" "$(awk -v s="$(since "$t")" -v n="$n" 'BEGIN { if (n) printf "%.3f", 1000 * s / n; else print "-" }')"
	done
}

want main && for r in $(seq 1 "$REPEAT"); do
	receive_run 1 remove
	receive_run "$SESSIONS" keep
	deliver_run
	send_run
	[ -n "$P_DNS" ] && dns_run
	startup_run
done

# --- Draining a backlog: DRAIN messages to one remote domain -----------
# Both queue the same backlog (through their own smtpd) while delivery is
# held -- smtpgate's spoolmgr simply does not run, Postfix puts it on hold
# -- then deliver it through the relayhost, smtp-sink on P_DSINK, which
# writes every message it takes to $B/sink.  The clock runs from the start
# of delivery until the queue is empty; what reached the sink is counted
# against what was queued, by file and by distinct Message-Id (smtp-source
# numbers its messages), so that a message lost or sent twice shows.
sink_files() { find "$B/sink" -type f | wc -l | tr -d ' '; }
sink_ids() { cat "$B"/sink/* 2> /dev/null | grep -i '^Message-Id:' | sort -u | wc -l | tr -d ' '; }
sink_rcpts() { cat "$B"/sink/* 2> /dev/null | grep -c '^X-Rcpt-Args:'; }
sink_check() {	# sink_check WHO QUEUED
	local f i
	f=$(sink_files); i=$(sink_ids)
	[ "$f" = "$2" ] && [ "$i" = "$2" ] ||
		warn "$1, drain run $r: smtp-sink took $f messages ($i distinct) of $2 queued"
}
sg_queue() { find "$B/$1/in" "$B/$1/out" -type f 2> /dev/null | wc -l | tr -d ' '; }
# spoolmgr_drain NAME RSSFILE: spoolmgr run until NAME's spool is empty,
# at most 5 runs (a deferred message waits for its retry time), under
# maxrss; prints the seconds.
spoolmgr_drain() {
	local t i
	t=$(now)
	for i in 1 2 3 4 5; do
		timeout "$LIMIT" "$MAXRSS" "$2.$i" "$TOP/spoolmgr/spoolmgr" -C "$B/$1.conf" run \
		    > /dev/null 2> "$B/spoolmgr.err" ||
			note "spoolmgr run ($1) failed: $(head -3 "$B/spoolmgr.err")"
		[ "$(sg_queue "$1")" = 0 ] && break
	done
	since "$t"
	[ "$i" = 1 ] || note "spoolmgr ($1) took $i runs to empty the queue"
}
drain_run() {
	local t n
	note "drain: $DRAIN messages to one domain via relayhost, run $r of $DRAIN_REPEAT"
	rm -f "$B"/sink/* "$B"/rss/*
	source_run "$P_DRAIN" 4 "$DRAIN" "$SIZE" user@remote.test > /dev/null
	n=$(spooled drain)
	[ "$n" = "$DRAIN" ] || warn "smtpgate, drain run $r: $n queued of $DRAIN"
	t=$(spoolmgr_drain drain "$B/drain.rss")
	[ "$(sg_queue drain)" = 0 ] || warn "spoolmgr, drain run $r: $(sg_queue drain) files left in the spool"
	add drain.sg "$(rate "$(sink_files)" "$t")"
	add drain.rss "$(cat "$B"/drain.rss.* 2> /dev/null | sort -n | tail -1)"
	rm -f "$B"/drain.rss.*
	add drain.mailer "$(cat "$B"/rss/* 2> /dev/null | sort -n | tail -1)"
	add drain.mailers "$(find "$B/rss" -type f | wc -l | tr -d ' ')"
	sink_check spoolmgr "$n"
	rm -f "$B"/sink/*
	source_run "$P_PF" 4 "$DRAIN" "$SIZE" user@remote.test > /dev/null
	n=$(postfix_held "$PF")
	[ "$n" = "$DRAIN" ] || warn "Postfix, drain run $r: $n queued of $DRAIN"
	t=$(now)
	postsuper -c "$PF" -H ALL > /dev/null 2>&1
	postqueue -c "$PF" -f > /dev/null 2>&1
	for _ in $(seq 1 $((LIMIT * 50))); do
		[ "$(postfix_queued "$PF")" = 0 ] && break
		sleep 0.02
	done
	t=$(since "$t")
	[ "$(postfix_queued "$PF")" = 0 ] || warn "Postfix, drain run $r: $(postfix_queued "$PF") left in its queue"
	add drain.pf "$(rate "$(sink_files)" "$t")"
	sink_check Postfix "$n"
	rm -f "$B"/sink/*
}
want drain && for r in $(seq 1 "$DRAIN_REPEAT"); do
	drain_run
done

# --- A mailing: one message to MANY recipients at one domain ------------
# Queued through smtpd (maxrcpt raised to MANY), delivered by spoolmgr run
# through the relayhost into smtp-sink; mailer runs under maxrss
# (mailer-rss) so that its own peak is known beside spoolmgr's.
if want mailing; then
note "mailing: one message to $MANY recipients at one domain"
r=1
rm -f "$B"/sink/* "$B"/rss/*
source_run "$P_MANY" 1 1 "$SIZE" user@remote.test -r "$MANY" > /dev/null
[ "$(spooled many)" = 1 ] || warn "mailing: $(spooled many) messages queued of 1"
many_t=$(spoolmgr_drain many "$B/many.rss")
many_rcpts=$(sink_rcpts)
many_rss=$(cat "$B"/many.rss.* 2> /dev/null | sort -n | tail -1)
many_mailer=$(cat "$B"/rss/* 2> /dev/null | sort -n | tail -1)
many_mailers=$(find "$B/rss" -type f | wc -l | tr -d ' ')
[ "$many_rcpts" = "$MANY" ] ||
	warn "mailing: smtp-sink took $many_rcpts recipients of $MANY"
fi

# pair_ratios KEY PEERKEY: the range of the runs' own ratios (run i of KEY
# over run i of PEERKEY, measured a moment apart): how far the ratio moves
# while the machine's load comes and goes.
pair_ratios() {
	awk -v a="${samples[$1]}" -v b="${samples[$2]}" 'BEGIN {
		n = split(a, x, " "); split(b, y, " ")
		for (i = 1; i <= n; i++) {
			if (y[i] <= 0) continue
			r = x[i] / y[i]
			if (lo == "" || r < lo) lo = r
			if (hi == "" || r > hi) hi = r
		}
		if (lo == "") print "-"; else printf "%.2f-%.2f", lo, hi
	}'
}
# line LABEL KEY PEERKEY BETTER: one row, the medians of the runs
line() {
	local a b
	# shellcheck disable=SC2086
	a=$(median ${samples[$2]}); b=$(median ${samples[$3]})
	row "$1" "$a" "$b" "$(ratio "$a" "$b")" "$4"
}
# runs KEY NAME...: the range of each KEY's runs
runs() {
	local out="" k
	while [ $# -ge 2 ]; do
		# shellcheck disable=SC2086
		k=$(spread ${samples[$1]})
		out="$out${out:+, }$2 $k"
		shift 2
	done
	say "  (runs: $out)"
}
want main && for s in 1 "$SESSIONS"; do
	line "receive, $s session(s): msg/s, smtpd+tcpserver vs Postfix" "receive.$s.tcp" "receive.$s.pf" higher
	[ -n "$INETD_NAME" ] &&
		line "receive, $s session(s): msg/s, smtpd+$INETD_NAME vs Postfix" "receive.$s.inetd" "receive.$s.pf" higher
	if [ -n "$INETD_NAME" ]; then
		runs "receive.$s.tcp" tcpserver "receive.$s.inetd" "$INETD_NAME" "receive.$s.pf" Postfix
		say "  (ratio in each run: tcpserver $(pair_ratios "receive.$s.tcp" "receive.$s.pf"), $INETD_NAME $(pair_ratios "receive.$s.inetd" "receive.$s.pf"))"
	else
		runs "receive.$s.tcp" tcpserver "receive.$s.pf" Postfix
		say "  (ratio in each run: $(pair_ratios "receive.$s.tcp" "receive.$s.pf"))"
	fi
	line "  the same, smtpd+tcpserver vs recv-duties (its start-up duties)" "receive.$s.tcp" "receive.$s.duties" higher
	line "  the same, smtpd+tcpserver vs recv-floor (the floor: static, no duties)" "receive.$s.tcp" "receive.$s.floor" higher
	[ -n "$STATIC_SMTPD" ] &&
		line "  the same, static smtpd as its user (tcpserver -u -g) vs recv-floor" "receive.$s.static" "receive.$s.floor" higher
	runs "receive.$s.duties" recv-duties "receive.$s.floor" recv-floor ${STATIC_SMTPD:+"receive.$s.static"} ${STATIC_SMTPD:+"static smtpd"}
	say "  (ratio in each run: vs duties $(pair_ratios "receive.$s.tcp" "receive.$s.duties"), vs floor $(pair_ratios "receive.$s.tcp" "receive.$s.floor")${STATIC_SMTPD:+, static vs floor $(pair_ratios "receive.$s.static" "receive.$s.floor")})"
	# shellcheck disable=SC2086
	say "  (diagnosis: with fsync a no-op, smtpd+tcpserver takes $(median ${samples[receive.$s.nofs]}) msg/s, $(ratio "$(median ${samples[receive.$s.nofs]})" "$(median ${samples[receive.$s.tcp]})") times as many)"
done
if want main; then
line "deliver to Maildir: msg/s, spoolmgr run vs Postfix virtual" deliver.sg deliver.pf higher
runs deliver.sg spoolmgr deliver.pf Postfix
say "  (ratio in each run: $(pair_ratios deliver.sg deliver.pf))"
line "send, 1 msg/connection: msg/s, mailer -x vs smtp-source" send.sg send.src higher
line "  the same, vs one smtp-source process per message" send.sg send.src1 higher
# shellcheck disable=SC2086
say "  (runs: mailer $(spread ${samples[send.sg]}), smtp-source $(spread ${samples[send.src]}), one process each $(spread ${samples[send.src1]}); mailer $(median ${samples[send.ms]}) ms a message)"
fi
if want drain; then
line "drain $DRAIN msgs to one domain via relayhost: msg/s, spoolmgr vs Postfix" drain.sg drain.pf higher
runs drain.sg spoolmgr drain.pf Postfix
say "  (ratio in each run: $(pair_ratios drain.sg drain.pf))"
# shellcheck disable=SC2086
say "  (peak RSS KiB: a batched mailer -x $(median ${samples[drain.mailer]:--}), spoolmgr run and its children $(median ${samples[drain.rss]:--}); $(median ${samples[drain.mailers]:--}) mailer processes a drain)"
fi
want mailing && say "mailing, 1 message to $MANY recipients at one domain: spoolmgr run $many_t s, $many_rcpts recipients at the sink"
want mailing && say "  (peak RSS KiB: spoolmgr run and its mailers ${many_rss:--}, mailer ${many_mailer:--}, in $many_mailers mailer process(es))"
if [ -n "$P_DNS" ] && want main; then
	line "dns: MX look-ups/s, mxlookup vs drill MX" dns.sg dns.drill higher
	runs dns.sg mxlookup dns.drill drill
	say "  (ratio in each run: $(pair_ratios dns.sg dns.drill))"
	say "  (mxlookup also asks for each exchanger's A and AAAA: 7 queries to drill's 1)"
fi
line "plain session start-up: ms, smtpd with tlscert/tlskey vs without" start.tls start.plain lower
# shellcheck disable=SC2086
say "  (runs: with $(spread ${samples[start.tls]}), without $(spread ${samples[start.plain]}); ratio in each run: $(pair_ratios start.tls start.plain))"
relocs() { LD_DEBUG=statistics "$SMTPD" -C "$B/$1.conf" < "$B/quit.in" 2>&1 > /dev/null | awk '/final number of relocations:/ { print $NF; exit }'; }
say "  (dynamic relocations at start: $(relocs tls) with tlscert, $(relocs plain) without; OpenSSL is loaded only at STARTTLS)"
say ""
if [ "$bad" = 0 ]; then
	say "counts: every run put as many messages on disk (spool, hold queue, Maildir, the sink) as were sent, none twice"
else
	say "counts: some runs lost or kept messages, see the WARNING lines"
fi
say "each rate: the median of $REPEAT interleaved runs of $MESSAGES messages ($SIZE bytes); drain: $DRAIN_REPEAT runs of $DRAIN"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
cp "$RES" "$TOP/bench/results/latest.txt"
cp "$RES" "$TOP/bench/results/$stamp.txt"
note "results in bench/results/latest.txt and bench/results/$stamp.txt"
