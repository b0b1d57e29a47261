# SPDX-License-Identifier: ISC
# Shared helpers for the TAP integration tests (tests/*.t, run by prove).
# Source it from a bash test:  . "$(dirname "$0")/lib.sh"
# Every test gets a scratch directory $T, removed at exit, and every
# process started with bg is killed at exit, even when the test fails.

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T=$(mktemp -d /tmp/smtpgate-test.XXXXXX)
chmod 755 "$T"
_pids=""
_n=0
_failed=0

cleanup() {
	local pid
	for pid in $_pids; do
		kill "$pid" 2>/dev/null
	done
	sleep 0.1
	for pid in $_pids; do
		kill -9 "$pid" 2>/dev/null
	done
	if [ "$_failed" -ne 0 ] && [ -n "${KEEP:-}" ]; then
		echo "# kept $T" >&2
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

plan() { echo "1..$1"; }

ok() {	# ok STATUS DESCRIPTION: STATUS 0 passes
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
	fi
}

is() {	# is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:      %s\n#   expected: %s\n' "$1" "$2"
	fi
}

like() {	# like GOT EXTENDED-REGEX DESCRIPTION
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:      %s\n#   expected: /%s/\n' "$1" "$2" | head -20
	fi
}

diag() { printf '# %s\n' "$*"; }

# bg CMD...: starts CMD in the background and remembers its pid in $!
bg() {
	"$@" &
	_pids="$_pids $!"
}

# A TCP port nobody listens on now, on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port HOST PORT: until something listens, at most 10 seconds.
wait_port() {
	local i
	for i in $(seq 1 100); do
		if python3 -c 'import socket,sys; socket.create_connection((sys.argv[1],int(sys.argv[2])),0.5).close()' "$1" "$2" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "# nothing listens on $1:$2" >&2
	return 1
}

# make_spool DIR: a spool the gateway's test user (nobody) can write.
make_spool() {
	mkdir -p "$1/in" "$1/out" "$1/bad"
	chown -R nobody:nogroup "$1"
	chmod -R 750 "$1"
}

# wait_for SECONDS COMMAND...: retries COMMAND until it succeeds.
wait_for() {
	local limit=$(( $1 * 10 )) i
	shift
	for i in $(seq 1 "$limit"); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# A port free for both UDP and TCP on 127.0.0.1 (for DNS servers).
dns_port() {
	python3 -c '
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        u.close(); t.close()'
}

# start_nsd ZONE [ADDRESS...]: NSD serving the zone file $T/nsd/ZONE.zone,
# which the caller wrote, on 127.0.0.1 (and any further ADDRESS) at port
# $NSDPORT; returns once it answers, non-zero if it never does.
start_nsd() {
	local zone=$1 addr listen="  ip-address: 127.0.0.1"
	shift
	for addr in "$@"; do
		listen="$listen
  ip-address: $addr"
	done
	NSDPORT=$(dns_port)
	nsd-checkzone "$zone" "$T/nsd/$zone.zone" > /dev/null || return 1
	cat > "$T/nsd/nsd.conf" <<EOC
server:
$listen
  port: $NSDPORT
  username: ""
  zonesdir: "$T/nsd"
  database: ""
  pidfile: "$T/nsd/nsd.pid"
  xfrdfile: "$T/nsd/xfrd.state"
  zonelistfile: "$T/nsd/zone.list"
remote-control:
  control-enable: no
zone:
  name: $zone
  zonefile: $zone.zone
EOC
	bg nsd -d -c "$T/nsd/nsd.conf" > "$T/nsd/log" 2>&1
	wait_for 10 sh -c "drill -p $NSDPORT @127.0.0.1 SOA $zone 2>/dev/null | grep -q 'rcode: NOERROR'"
}
