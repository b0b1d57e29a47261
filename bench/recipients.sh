#!/bin/bash
# SPDX-License-Identifier: ISC
# bench/recipients.sh [N...]: the cost of one message to N local recipients
# (issue 8, defect 6).  For each N (default 3000 10000): a fresh spool and
# N Maildirs under a scratch mail root, one message queued to all of them,
# then one `spoolmgr run`, measured as a child of python, which reads its
# own /proc/self/io (a reaped child's I/O counts into its parent's).
# The message has a short To: header, so that each Maildir copy is the
# same size whatever N is: what grows is spoolmgr's own work.
# Prints N, seconds, bytes written (wchar) and the rewrites of the WRK
# (renames, counted by strace when it is installed and STRACE=1).
# Not a test: nothing fails on a slow result.  SPOOLMGR= picks the binary.
# Everything is removed at exit; no network.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
SPOOLMGR=${SPOOLMGR:-$TOP/spoolmgr/spoolmgr}
B=$(mktemp -d /tmp/smtpgate-rcpts.XXXXXX)
chmod 755 "$B"
trap 'rm -rf "$B"' EXIT
trap 'exit 1' INT TERM

measure() {
	local n=$1 dir=$B/$1
	mkdir -p "$dir/spool/in" "$dir/spool/out" "$dir/mail"
	: > "$dir/spoolmgr.log"
	cat > "$dir/smtpgate.conf" <<CONF
hostname=gw.test
spool=$dir/spool
mailroot=$dir/mail
localdomains=example.test
user=nobody
aliases=$dir/aliases
logfile=$dir/spoolmgr.log
CONF
	: > "$dir/aliases"
	python3 "$TOP/tests/spoolmgr-helper.py" queue "$dir/spool" \
	    ann@example.test $(seq -f 'r%05g@example.test' 1 "$n") \
	    postmaster@example.test -T "undisclosed-recipients:;" > /dev/null
	python3 - "$dir" "$n" <<'PY'
import os, pwd, sys
dir, n = sys.argv[1], int(sys.argv[2])
nobody = pwd.getpwnam("nobody")
names = ["r%05d" % i for i in range(1, n + 1)] + ["postmaster"]
for root, _, _ in [(dir + "/mail", 0, 0), (dir + "/mail/example.test", 0, 0)]:
    os.makedirs(root, exist_ok=True)
    os.chown(root, nobody.pw_uid, nobody.pw_gid)
for name in names:
    for sub in ("", "/tmp", "/new", "/cur"):
        path = "%s/mail/example.test/%s%s" % (dir, name, sub)
        os.makedirs(path, exist_ok=True)
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
for root, dirs, files in os.walk(dir + "/spool"):
    for x in dirs + files:
        os.chown(os.path.join(root, x), nobody.pw_uid, nobody.pw_gid)
os.chown(dir + "/spool", nobody.pw_uid, nobody.pw_gid)
os.chown(dir + "/spoolmgr.log", nobody.pw_uid, nobody.pw_gid)
PY
	local wrap=()
	if [ "${STRACE:-0}" = 1 ]; then
		wrap=(strace -f -c -o "$dir/strace" -e trace=rename,renameat,renameat2)
	fi
	python3 - "$n" "${wrap[@]}" "$SPOOLMGR" -C "$dir/smtpgate.conf" run <<'PY'
import subprocess, sys, time
def wchar():
    with open("/proc/self/io") as f:
        for line in f:
            if line.startswith("wchar:"):
                return int(line.split()[1])
before, t0 = wchar(), time.monotonic()
rc = subprocess.run(sys.argv[2:]).returncode
print("%6s recipients: %7.1f s, %12d bytes written, exit %d"
      % (sys.argv[1], time.monotonic() - t0, wchar() - before, rc))
PY
	if [ -f "$dir/strace" ]; then
		awk '/rename/ { print "       renames:", $4 }' "$dir/strace"
	fi
	rm -rf "$dir"
}

[ $# -eq 0 ] && set -- 3000 10000
for n in "$@"; do
	measure "$n"
done
