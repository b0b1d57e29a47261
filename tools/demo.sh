#!/bin/sh
# SPDX-License-Identifier: ISC
# make demo: the whole path of one message through smtpgate, on loopback.
#
#   mailer (a script's sendmail) --SMTP--> inetd -> smtpd -> spool
#   spoolmgr run -> Maildir demo/mail/example.test/alice
#
# Everything lives under demo/ in the source tree and is made anew each
# time; inetd is stopped at the end.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
D=$TOP/demo
INETD_PID=""

stop_inetd() { [ -n "$INETD_PID" ] && kill "$INETD_PID" 2>/dev/null || true; }
trap stop_inetd EXIT INT TERM

say() { printf '\n==> %s\n' "$*"; }

rm -rf "$D"
mkdir -p "$D/spool/in" "$D/spool/out" "$D/spool/bad" \
    "$D/client-spool/in" "$D/client-spool/out" "$D/client-spool/bad"
for box in alice postmaster; do
	mkdir -p "$D/mail/example.test/$box/tmp" "$D/mail/example.test/$box/new" \
	    "$D/mail/example.test/$box/cur"
done
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cat > "$D/smtpgate.conf" <<EOF
# The gateway: smtpd under inetd, spoolmgr from cron.
hostname=gateway.example.test
localdomains=example.test
relayclients=127.0.0.0/8 ::1/128
spool=$D/spool
mailroot=$D/mail
aliases=$D/aliases
user=nobody
logfile=$D/smtpgate.log
mxlookup=$TOP/mxlookup/mxlookup
mailer=$TOP/mailer/mailer
EOF
cat > "$D/client.conf" <<EOF
# A workstation's mailer: everything goes to the gateway.
hostname=workstation.example.test
spool=$D/client-spool
relayhost=127.0.0.1:$PORT
logfile=$D/client.log
EOF
echo "postmaster: alice" > "$D/aliases"
echo "127.0.0.1:$PORT stream tcp nowait.100 root $TOP/smtpd/smtpd smtpd -C $D/smtpgate.conf" \
    > "$D/inetd.conf"
chown -R nobody:nogroup "$D/spool" "$D/mail"
touch "$D/smtpgate.log" && chown nobody:nogroup "$D/smtpgate.log"

say "inetd.conf line"
cat "$D/inetd.conf"
inetd -i -E "$D/inetd.conf" &
INETD_PID=$!
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1',$PORT),1).close()" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -lt 50 ] || { echo "demo: inetd did not start" >&2; exit 1; }
	sleep 0.1
done

say "a script pipes a message into mailer (relayhost=127.0.0.1:$PORT)"
cat <<'EOF' | tee "$D/message.txt"
From: Cron Daemon <root@workstation.example.test>
To: Alice <alice@example.test>
Subject: nightly backup finished

The nightly backup finished at 03:12.
.A line that starts with a dot survives.
EOF
set +e
"$TOP/mailer/mailer" -C "$D/client.conf" -f root@workstation.example.test \
    -t -v < "$D/message.txt"
status=$?
set -e
echo "mailer exit status: $status"
[ "$status" -eq 0 ] || { echo "demo: mailer failed" >&2; exit 1; }

say "smtpd accepted it into the gateway's spool"
ls -l "$D/spool/in"
for f in "$D"/spool/in/*.WRK; do
	echo "--- $f"; cat "$f"
done

say "spoolmgr run (what cron does every minute)"
"$TOP/spoolmgr/spoolmgr" -C "$D/smtpgate.conf" run
echo "spoolmgr exit status: $?"
"$TOP/spoolmgr/spoolmgr" -C "$D/smtpgate.conf" list

say "the message in alice's Maildir"
found=$(find "$D/mail/example.test/alice/new" -type f | head -1)
[ -n "$found" ] || { echo "demo: nothing was delivered" >&2; exit 1; }
echo "--- $found"
cat "$found"

say "the gateway's log"
cat "$D/smtpgate.log"
printf '\nDemo done: everything is under %s\n' "$D"
