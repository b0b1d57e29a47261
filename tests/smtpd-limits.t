#!/bin/bash
# SPDX-License-Identifier: ISC
# smtpd's limits and exit statuses: idle and session timeouts (421
# 4.4.2), too many errors (421 4.7.0), maxsize (552 5.3.4 at MAIL and
# after the dot), and a session on a pipe (client "local").  A client
# that never pauses meets sessiontimeout too: strace slows smtpd's reads
# so that input is always waiting.  Started as root, smtpd is nobody
# before it reads the session (strace shows the order).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/smtpd-env.sh"
plan 18

PORT=$(free_port)
smtpd_conf timeout=2 sessiontimeout=4 maxsize=2000 maxerrors=3 \
    > "$T/smtpgate.conf"
unset TCPREMOTEIP
bg tcpserver -HRl0 127.0.0.1 "$PORT" "$SMTPD" -C "$T/smtpgate.conf"
SLOWPORT=$(free_port)
cat > "$T/slow" <<EOF
#!/bin/sh
exec strace -f -o /dev/null -e trace=read -e inject=read:delay_enter=50000 $SMTPD -C $T/smtpgate.conf
EOF
chmod 755 "$T/slow"
bg tcpserver -HRl0 127.0.0.1 "$SLOWPORT" "$T/slow"
wait_port 127.0.0.1 "$PORT" && wait_port 127.0.0.1 "$SLOWPORT"

# talk SECONDS-BETWEEN LINE...: sends each line after a pause; prints the
# replies until smtpd hangs up and how long the session lasted.
talk() {
	python3 - "$PORT" "$@" <<'EOF'
import socket, sys, time
start = time.time()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10)
s.settimeout(10)
pause = float(sys.argv[2])
out = b""
for line in sys.argv[3:]:
    time.sleep(pause)
    try:
        s.sendall(line.encode() + b"\r\n")
    except OSError:
        break
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
except OSError:
    pass
sys.stdout.write(out.decode().replace("\r", ""))
print("seconds %d" % round(time.time() - start))
EOF
}
files() { ls "$T/spool/in" | grep -v '^seq$' | tr '\n' ' '; }

# 1-2: idle client
out=$(talk 0)
like "$(echo "$out" | tr '\n' '~')" '~421 4\.4\.2 mx\.example\.test timeout waiting for the client, closing connection~seconds 2~$' \
    "idle client: 421 4.4.2 after timeout=2"
like "$(grep -c 'closing the session with 127.0.0.1: timeout' "$T/smtpd.log")" '^1$' "the timeout is logged"

# 3: a client that keeps talking still meets sessiontimeout
out=$(talk 1 NOOP NOOP NOOP NOOP NOOP NOOP)
like "$(echo "$out" | tr '\n' '~')" '421 4\.4\.2 mx\.example\.test session time limit reached, closing connection~seconds [4-6]~$' \
    "busy client: 421 4.4.2 at sessiontimeout=4"

# 4-5: a client streaming message text without a pause, faster than smtpd
# reads it, is cut off at sessiontimeout=4 all the same
before=$(grep -c 'session time limit reached' "$T/smtpd.log")
out=$(python3 - "$SLOWPORT" <<'EOF'
import socket, sys, time
start = time.time()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10)
s.settimeout(10)
f = s.makefile("rb")
f.readline()
s.sendall(b"EHLO c.test\r\nMAIL FROM:<a@remote.test>\r\n"
    b"RCPT TO:<bob@example.test>\r\nDATA\r\n")
while not f.readline().startswith(b"354"):
    pass
state = "still open"
while time.time() - start < 10:
    try:
        s.sendall(b"stream\r\n" * 8192)
    except OSError:
        state = "closed"
        break
print("%s after %d seconds" % (state, round(time.time() - start)))
EOF
)
like "$out" '^closed after [4-6] seconds$' "streaming client: closed at sessiontimeout=4"
is "$(grep -c 'session time limit reached' "$T/smtpd.log")" $((before + 1)) \
    "streaming client: the session limit is logged"

# 6-7: too many errors
out=$(talk 0 "EHLO c.test" BOGUS "MAIL FROM:<a@b" "RCPT TO:<x@y.test>" NOOP)
is "$(echo "$out" | grep -E '^[0-9]{3} ' | cut -c1-9 | tr '\n' ' ')" \
    "220 mx.ex 250 HELP 500 5.5.1 501 5.1.7 503 5.5.1 421 4.7.0 " \
    "maxerrors=3: the third error brings 421 4.7.0"
like "$out" 'seconds 0' "and the connection is closed at once"

# 8-10: maxsize
out=$(swaks --server 127.0.0.1:"$PORT" --from a@remote.test --to bob@example.test \
    --body "$(head -c 3000 /dev/zero | tr '\0' y | fold -w 70)" 2>&1)
like "$out" '<\*\* 552 5\.3\.4 message exceeds fixed maximum message size \(2000\)' \
    "message over maxsize: 552 5.3.4 after the dot"
is "$(files)" "" "nothing spooled"
out=$(talk 0 "EHLO c.test" "MAIL FROM:<a@remote.test> SIZE=2001" QUIT)
like "$out" '552 5\.3\.4 message size exceeds fixed maximum message size \(2000\)' \
    "declared SIZE over maxsize: 552 5.3.4 at MAIL"

# 11-17: a session on a pipe (no socket): client "local", exit statuses
printf 'HELO c.test\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<x@remote.test>\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n' |
    "$SMTPD" -C "$T/smtpgate.conf" > "$T/pipe.out"
is "$?" 0 "QUIT: exit status 0"
like "$(tr -d '\r' < "$T/pipe.out" | grep -E '^[0-9]{3} ' | cut -c1-3 | tr '\n' ' ')" \
    '^220 250 250 250 550 354 250 221 $' "pipe: local mail taken, relaying refused"
w=$(ls "$T"/spool/in/*.WRK)
is "$(grep '^Client:' "$w")" "Client: local" "a pipe's client is \"local\""
like "$(head -1 "${w%.WRK}.TXT")" '^Received: from c\.test \(local\)$' "Received: says local"
like "$(sed -n 2p "${w%.WRK}.TXT")" '	by mx\.example\.test with SMTP id [0-9]+$' "HELO: with SMTP"
printf 'HELO c.test\r\nBOGUS\r\nBOGUS\r\nBOGUS\r\n' | "$SMTPD" -C "$T/smtpgate.conf" > /dev/null
is "$?" 75 "closed with 421: exit status 75 (EX_TEMPFAIL)"
"$SMTPD" -x < /dev/null > "$T/usage.out" 2> "$T/usage.err"
is "$?:$(tr -d '\r' < "$T/usage.out"):$(cat "$T/usage.err")" "64:421 4.3.0 mail service unavailable (configuration error):" \
    "bad usage: 421 and exit status 64, nothing on stderr"

# 18: started as root, smtpd is nobody before it reads a byte of the session
printf 'HELO c.test\r\nQUIT\r\n' | strace -o "$T/privs.trace" \
    -e trace=setuid,read "$SMTPD" -C "$T/smtpgate.conf" > /dev/null
is "$(grep -E '^(setuid\([0-9]+\) += 0|read\(0,)' "$T/privs.trace" | head -2 | cut -c1-13 | tr '\n' ' ')" \
    "setuid(65534) read(0, \"HELO " "setuid(nobody) comes before the first read of fd 0"
