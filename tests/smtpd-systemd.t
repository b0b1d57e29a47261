#!/bin/bash
# SPDX-License-Identifier: ISC
# smtpd as a systemd socket unit with Accept=yes would start it:
# systemd-socket-activate --accept --inetd hands each connection over as
# fd 0 and 1, one smtpd per connection, started as root.  The message is
# spooled as user=nobody with the client's address from getpeername.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/smtpd-env.sh"
plan 5

ADDR=127.0.2.10
PORT=$(free_port)
smtpd_conf relayclients=192.0.2.0/24 > "$T/smtpgate.conf"
unset TCPREMOTEIP
bg systemd-socket-activate --accept --inetd -l "$ADDR:$PORT" \
    "$SMTPD" -C "$T/smtpgate.conf" 2> "$T/activate.err"
wait_port "$ADDR" "$PORT"

out=$(swaks --server "$ADDR:$PORT" --helo client.test --from a@remote.test \
    --to bob@example.test --body 'hello from a socket unit' 2>&1)
like "$out" '<-  250 2\.0\.0 queued as 1$' "swaks through a systemd socket: queued as 1"
is "$(stat -c %U "$T/spool/in/1.TXT" "$T/spool/in/1.WRK" | tr '\n' ' ')" \
    "nobody nobody " "files written as user=nobody, not root"
is "$(grep '^Client:' "$T/spool/in/1.WRK")" "Client: 127.0.0.1" \
    "Client: 127.0.0.1 from getpeername"
like "$(head -2 "$T/spool/in/1.TXT" | tr '\n\t' '~_')" \
    '^Received: from client\.test \(\[127\.0\.0\.1\]\)~_by mx\.example\.test with ESMTP id 1~' \
    "Received: names the client's address"
out=$(swaks --server "$ADDR:$PORT" --from a@remote.test --to x@elsewhere.test \
    --quit-after RCPT 2>&1)
like "$out" '<\*\* 550 5\.7\.1 <x@elsewhere\.test>: relaying denied' \
    "127.0.0.1 is not in relayclients: relay refused"
