#!/bin/bash
# SPDX-License-Identifier: ISC
# smtpd under xinetd, unchanged: xinetd (root) starts it once per
# connection, it becomes user=nobody, spools what swaks sends with the
# client's address from getpeername, and refuses to relay for a client
# outside relayclients.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/smtpd-env.sh"
plan 10

# tools/deps.sh unpacks xinetd here: it cannot be installed beside
# openbsd-inetd.  One installed system-wide does as well.
XINETD=/opt/smtpgate-test/xinetd/usr/sbin/xinetd
[ -x "$XINETD" ] || XINETD=$(command -v xinetd)
ADDR=127.0.2.9
PORT=$(free_port)
NORELAYPORT=$(free_port)
conf() {	# conf RELAYCLIENTS
	smtpd_conf "relayclients=$1"
}
conf 127.0.0.0/8 > "$T/smtpgate.conf"
conf '192.0.2.0/24 ::1/128' > "$T/norelay.conf"
service() {	# service NAME PORT CONF: one xinetd service, as in smtpd(8)
	cat <<EOF
service $1
{
	type        = UNLISTED
	port        = $2
	bind        = $ADDR
	socket_type = stream
	protocol    = tcp
	wait        = no
	user        = root
	server      = $SMTPD
	server_args = -C $3
	instances   = 50
	cps         = 1000 1
}
EOF
}
{
	echo 'defaults'
	echo '{'
	echo '}'
	service smtpgate-test "$PORT" "$T/smtpgate.conf"
	service smtpgate-norelay "$NORELAYPORT" "$T/norelay.conf"
} > "$T/xinetd.conf"
unset TCPREMOTEIP
bg "$XINETD" -dontfork -f "$T/xinetd.conf" -pidfile "$T/xinetd.pid"
XPID=$!
wait_port "$ADDR" "$PORT" && wait_port "$ADDR" "$NORELAYPORT"

spooled() { ls "$T/spool/in" | grep -v '^seq$' | sort -n | tr '\n' ' '; }

# 1-6: a message for a local user, from a client that may relay
printf 'Subject: via xinetd\n\nhello\n.dot\n' > "$T/msg"
out=$(swaks --server "$ADDR:$PORT" --helo client.test --from a@remote.test \
    --to bob@example.test --data "$T/msg" 2>&1)
like "$out" '<-  250 2\.0\.0 queued as 1$' "swaks through xinetd: queued as 1"
is "$(spooled)" "1.TXT 1.WRK " "the message is 1.TXT and 1.WRK"
is "$(stat -c %U "$T/spool/in/1.TXT" "$T/spool/in/1.WRK" | tr '\n' ' ')" \
    "nobody nobody " "files written as user=nobody, not root"
body "$T/spool/in/1.TXT" > "$T/got"
printf 'Subject: via xinetd\n\nhello\n.dot\n\n' > "$T/want"
cmp -s "$T/got" "$T/want"
ok $? "spooled text exact: swaks's stuffed dot removed (it adds an empty last line)"
is "$(grep -E '^(From|To|Client|Helo):' "$T/spool/in/1.WRK" | tr '\n' ' ')" \
    "From: <a@remote.test> To: <bob@example.test> Client: 127.0.0.1 Helo: client.test " \
    "envelope: sender, recipient, Client: 127.0.0.1 from getpeername"
like "$(head -3 "$T/spool/in/1.TXT" | tr '\n\t' '~_')" \
    '^Received: from client\.test \(\[127\.0\.0\.1\]\)~_by mx\.example\.test with ESMTP id 1~_for <bob@example\.test>; ' \
    "Received: names HELO, [127.0.0.1], ESMTP and id 1"

# 7: smtpd runs as nobody during the session, xinetd stays root
hold_session "$PORT"
is "$(ps -o user= --ppid "$XPID" | sort -u | tr -d ' \n')/$(ps -o user= -p "$XPID" | tr -d ' ')" \
    "nobody/root" "the session process runs as nobody under root's xinetd"
release_session

# 8-10: 127.0.0.1 is not in this service's relayclients
out=$(swaks --server "$ADDR:$NORELAYPORT" --from a@remote.test \
    --to x@elsewhere.test --quit-after RCPT 2>&1)
like "$out" '<\*\* 550 5\.7\.1 <x@elsewhere\.test>: relaying denied' \
    "relay attempt from a non-relay client: 550 5.7.1"
out=$(swaks --server "$ADDR:$NORELAYPORT" --from a@remote.test \
    --to bob@example.test 2>&1)
like "$out" '<-  250 2\.0\.0 queued as 2$' \
    "the same client may still send to a local domain"
is "$(spooled)" "1.TXT 1.WRK 2.TXT 2.WRK " "nothing spooled for the refused relay"
