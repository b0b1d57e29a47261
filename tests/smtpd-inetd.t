#!/bin/bash
# SPDX-License-Identifier: ISC
# smtpd under openbsd-inetd, started as root: it becomes user=nobody
# before the session, spools what swaks and smtplib send (20 clients at
# once), and answers 421 on a bad configuration or when it would be root.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/smtpd-env.sh"
plan 17

ADDR=127.0.2.1
PORT=$(free_port)
BADPORT=$(free_port)
ROOTPORT=$(free_port)
V6PORT=$(free_port)
conf() {	# conf USER
	smtpd_conf relayclients=192.0.2.0/24 "user=$1"
}
conf nobody > "$T/smtpgate.conf"
conf root > "$T/root.conf"
conf nobody | sed 's|^relayclients=.*|relayclients=::1/128|' > "$T/v6.conf"
printf 'hostname=mx.example.test\nlogfile=%s/smtpd.log\ncolour=blue\n' "$T" > "$T/bad.conf"
cat > "$T/inetd.conf" <<EOF
$ADDR:$PORT stream tcp nowait.1000 root $SMTPD smtpd -C $T/smtpgate.conf
$ADDR:$BADPORT stream tcp nowait.1000 root $SMTPD smtpd -C $T/bad.conf
$ADDR:$ROOTPORT stream tcp nowait.1000 root $SMTPD smtpd -C $T/root.conf
::1:$V6PORT stream tcp6 nowait.1000 root $SMTPD smtpd -C $T/v6.conf
EOF
unset TCPREMOTEIP
bg inetd -i -E "$T/inetd.conf"
INETD=$!
wait_port "$ADDR" "$PORT"


# 1-6: one message from swaks
printf 'Subject: via inetd\n\nhello\n..\n' > "$T/msg"
out=$(swaks --server "$ADDR:$PORT" --from a@remote.test --to Bob@example.test \
    --data "$T/msg" 2>&1)
like "$out" '<-  250 2\.0\.0 queued as 1$' "swaks through inetd: queued as 1"
is "$(ls "$T/spool/in" | grep -v seq | tr '\n' ' ')" "1.TXT 1.WRK " "N.TXT and N.WRK"
is "$(stat -c %U "$T/spool/in/1.TXT" "$T/spool/in/1.WRK" | tr '\n' ' ')" \
    "nobody nobody " "files written as user=nobody, not root"
body "$T/spool/in/1.TXT" > "$T/got"
printf 'Subject: via inetd\n\nhello\n..\n\n' > "$T/want"
cmp -s "$T/got" "$T/want"
ok $? "spooled text exact (swaks adds an empty last line)"
like "$(grep '^Client:' "$T/spool/in/1.WRK")" '^Client: 127\.[0-9]+\.[0-9]+\.[0-9]+$' \
    "client address from getpeername"
like "$(cat "$T/smtpd.log")" 'smtpd\[[0-9]+\]: message 1: accepted from <a@remote\.test> by 127\.' \
    "one log line for the accepted message, with its number"

# 7: smtpd runs as nobody during the session
hold_session "$PORT"
is "$(ps -o user= --ppid "$INETD" | sort -u | tr -d ' \n')" "nobody" \
    "the session process runs as nobody"
release_session

# 8-11: 20 clients at once
python3 - "$ADDR" "$PORT" > "$T/many.out" 2>&1 <<'EOF'
import smtplib, sys, threading
results = []
def send(i):
    try:
        s = smtplib.SMTP(sys.argv[1], int(sys.argv[2]), timeout=20)
        body = ("Subject: client %d\r\n\r\nmessage %d\r\n" % (i, i)).encode()
        s.sendmail("c%d@remote.test" % i, ["bob@example.test"], body)
        s.quit()
        results.append("ok")
    except Exception as e:
        results.append(repr(e))
threads = [threading.Thread(target=send, args=(i,)) for i in range(20)]
for t in threads: t.start()
for t in threads: t.join()
print(" ".join(sorted(set(results))), len(results))
EOF
is "$(cat "$T/many.out")" "ok 20" "20 clients at once: all accepted"
is "$(ls "$T/spool/in" | grep -c '\.WRK$')" 21 "20 more messages in the spool"
is "$(grep -h '^Id:' "$T"/spool/in/*.WRK | sort -u | wc -l)" 21 "all with distinct numbers"
n=0
for w in "$T"/spool/in/*.WRK; do
	id=$(basename "$w" .WRK)
	[ "$id" = 1 ] && continue
	c=$(sed -n 's/^From: <c\([0-9]*\)@remote.test>$/\1/p' "$w")
	body "$T/spool/in/$id.TXT" | grep -qx "message $c" && n=$((n + 1))
done
is "$n" 20 "each message's text is its own client's"

# 12-14: refusals at start-up
out=$(raw "$BADPORT" < /dev/null)
like "$out" '^421 4\.3\.0 ' "bad configuration: 421 4.3.0 to the client"
like "$(cat "$T/smtpd.log")" "bad\.conf:3: colour: unknown key" \
    "bad configuration: the log names file, line and key"
out=$(raw "$ROOTPORT" < /dev/null)
like "$out$(grep -c 'refusing to run as root' "$T/smtpd.log")" '^421 4\.3\.0 .*1$' \
    "user=root: refused with 421 and logged"

# 15-17: IPv6: the client ::1 is in relayclients=::1/128
python3 - "$V6PORT" > "$T/v6.out" 2>&1 <<'EOF'
import smtplib, sys
s = smtplib.SMTP("::1", int(sys.argv[1]), timeout=10)
print("refused", s.sendmail("a@remote.test", ["x@elsewhere.test"], b"Subject: v6\r\n\r\nhi\r\n"))
s.quit()
EOF
is "$(cat "$T/v6.out")" "refused {}" "IPv6 relay client: mail for another domain accepted"
w=$(grep -l '^To: <x@elsewhere.test>' "$T"/spool/in/*.WRK)
is "$(grep '^Client:' "$w")" "Client: ::1" "IPv6 client address from getpeername"
like "$(head -1 "${w%.WRK}.TXT")" '^Received: from [^ ]+ \(\[IPv6:::1\]\)$' \
    "Received: names the client as an IPv6 address literal"
