# SPDX-License-Identifier: ISC
# Shared set-up of the smtpd tests; source it after tests/lib.sh.
# It makes $T/spool and the mailbox bob@example.test, and gives:
#   smtpd_conf [KEY=VALUE...]  a test configuration on stdout; a later
#                              key overrides an earlier one
#   body FILE                  a spooled text after smtpd's Received:
#   hold_session PORT          a session to ${ADDR:-127.0.0.1}:PORT held
#                              open after its greeting, until
#                              release_session (smtpd has dropped root
#                              by then: the greeting comes after the drop)
#   raw PORT                   stdin sent in one write after the greeting
#                              to ${ADDR:-127.0.0.1}:PORT; every reply out

SMTPD=$TOP/smtpd/smtpd
make_spool "$T/spool"
mkdir -p "$T/mail/example.test/bob"
# the log is the gateway's user's: smtpd opens it after giving up root,
# and root never creates it
touch "$T/smtpd.log"
chown nobody "$T/smtpd.log"

smtpd_conf() {
	printf '%s\n' hostname=mx.example.test "spool=$T/spool" \
	    "mailroot=$T/mail" localdomains=example.test \
	    "logfile=$T/smtpd.log" user=nobody "$@"
}

body() {
	python3 -c '
import sys
t = open(sys.argv[1], "rb").read()
i = t.index(b"\n")
while t[i + 1:i + 2] == b"\t":
    i = t.index(b"\n", i + 1)
sys.stdout.buffer.write(t[i + 1:])' "$1"
}

raw() {
	python3 -c '
import socket, sys
data = sys.stdin.buffer.read()
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 10)
s.settimeout(10)
out = s.recv(4096)
s.sendall(data)
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
sys.stdout.buffer.write(out)' "${ADDR:-127.0.0.1}" "$1"
}

hold_session() {
	rm -f "$T/greeted"
	python3 -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 10)
s.recv(4096)
open(sys.argv[3], "w").close()
time.sleep(3)' "${ADDR:-127.0.0.1}" "$1" "$T/greeted" &
	_held=$!
	wait_for 5 test -e "$T/greeted"
}

release_session() {
	kill "$_held" 2>/dev/null
	wait "$_held" 2>/dev/null
}
