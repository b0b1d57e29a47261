#!/bin/bash
# SPDX-License-Identifier: ISC
# smtpd's AUTH (issue 11) under openbsd-inetd with authusers= (a yescrypt
# and a SHA-512 hash, the file root's alone), through swaks over
# STARTTLS: PLAIN and LOGIN taken, refused without TLS (538), relaying
# only after AUTH, a wrong password refused (535) and logged without
# the password, maxerrors ends a guessing session, authsenders binds
# the sender to the login, port 25 keeps the text as received, and
# implicit TLS with -T -S (port 465) offers AUTH in its first EHLO.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/smtpd-env.sh"
. "$(dirname "$0")/smtpd-auth-env.sh"
plan 26

ADDR=127.0.41.1
CLIENT=127.0.41.2
PORT=$(free_port)
SPORT=$(free_port)
TPORT=$(free_port)
PASS='S3cret-pw'
WRONG='Wr0ng-guess'

printf 'alice:%s\n# a comment\nbob:{SHA512-CRYPT}%s:1000:1000::/home/bob::\n' \
    "$(crypt_hash '$y$' "$PASS")" "$(crypt_hash '$6$' bobs-pw)" > "$T/users"
chmod 600 "$T/users"
printf 'alice: alice@example.test, @alice.test\n' > "$T/senders"
smtpd_conf relayclients=192.0.2.0/24 "tlscert=$T/cert.pem" \
    "tlskey=$T/key.pem" "authusers=$T/users" maxerrors=3 > "$T/smtpgate.conf"
{ cat "$T/smtpgate.conf"; echo "authsenders=$T/senders"; } > "$T/senders.conf"
cat > "$T/inetd.conf" <<EOC
$ADDR:$PORT stream tcp nowait.1000 root $SMTPD smtpd -C $T/smtpgate.conf
$ADDR:$SPORT stream tcp nowait.1000 root $SMTPD smtpd -C $T/senders.conf
$ADDR:$TPORT stream tcp nowait.1000 root $SMTPD smtpd -T -S -C $T/smtpgate.conf
EOC
unset TCPREMOTEIP
bg inetd -i -E "$T/inetd.conf"
wait_port "$ADDR" "$PORT"

sw() {	# swaks with our server and client address, then any options
	swaks --server "$ADDR:$PORT" -li "$CLIENT" --helo client.test "$@" 2>&1
}
printf 'Subject: after AUTH\n\nhello\n' > "$T/msg"

# 1-6: AUTH PLAIN inside TLS, then relaying to a remote domain
out=$(sw --tls --auth PLAIN --auth-user alice --auth-password "$PASS" \
    --from alice@example.test --to friend@remote.test --data "@$T/msg")
like "$out" '<~  250-AUTH PLAIN LOGIN' "EHLO inside TLS offers AUTH PLAIN LOGIN"
like "$out" '<~  235 2\.7\.0 authentication succeeded' "AUTH PLAIN: 235 2.7.0"
like "$out" '<~  250 2\.1\.5 recipient <friend@remote\.test> ok' \
    "an authenticated client may relay"
like "$out" '<~  250 2\.0\.0 queued as 1' "the message is queued"
like "$(grep 'message 1: accepted' "$T/smtpd.log")" \
    "accepted from <alice@example\\.test> by $CLIENT \\(login alice\\), 1 recipient" \
    "the login is in the log line of the accepted message"
txt=$T/spool/in/1.TXT
like "$(head -3 "$txt" | tr '\n\t' '~_')" \
    '^Received: from client\.test \(\[127\.0\.41\.2\]\)~_by mx\.example\.test with ESMTPSA \(TLSv1\.[23] [^)]*\) id 1~_for <friend@remote\.test>; ' \
    "Received: says ESMTPSA and never names the login"

# 7: port 25 keeps the text exactly as received: no Date, no Message-ID
body "$txt" > "$T/got"
printf 'Subject: after AUTH\n\nhello\n\n' > "$T/want"
cmp -s "$T/got" "$T/want"
ok $? "without -S nothing is added to the text (swaks adds an empty line)"

# 8-9: AUTH LOGIN, by the SHA-512 user
out=$(sw --tls --auth LOGIN --auth-user bob --auth-password bobs-pw \
    --from bob@example.test --to friend@remote.test --data "@$T/msg")
like "$(grep -E '<~  (334|235) ' <<< "$out" | tr '\n' ' ')" \
    '^<~  334 VXNlcm5hbWU6 <~  334 UGFzc3dvcmQ6 <~  235 2\.7\.0 ' \
    "AUTH LOGIN: both questions, then 235 2.7.0"
like "$out" '<~  250 2\.0\.0 queued as 2' "and the message is queued"

# 10-12: no TLS: not offered, and refused with 538 5.7.11
plain=$(printf '\0alice\0%s' "$PASS" | base64 -w0)
out=$(printf 'EHLO client.test\r\nAUTH PLAIN %s\r\nAUTH LOGIN\r\nQUIT\r\n' "$plain" |
    ADDR=$ADDR raw "$PORT")
like "$out" '250-STARTTLS' "a plain session is offered STARTTLS"
! grep -q 'AUTH PLAIN LOGIN' <<< "$out"
ok $? "but not AUTH"
like "$out" '538 5\.7\.11 Encryption required for requested authentication mechanism' \
    "AUTH without TLS: 538 5.7.11"

# 13: relaying refused without AUTH, even inside TLS
out=$(sw --tls --from a@remote.test --to friend@remote.test --data "@$T/msg")
like "$out" '<~\* 550 5\.7\.1 <friend@remote\.test>: relaying denied' \
    "without AUTH a non-local recipient is refused"

# 14-17: a wrong password
out=$(sw --tls --auth PLAIN --auth-user alice --auth-password "$WRONG" \
    --from alice@example.test --to friend@remote.test)
like "$out" '<~\* 535 5\.7\.8 authentication credentials invalid' \
    "a wrong password: 535 5.7.8"
like "$(cat "$T/smtpd.log")" "$CLIENT: AUTH PLAIN failed for login alice" \
    "the failure is logged with the client's address and the login"
wrong64=$(printf '\0alice\0%s' "$WRONG" | base64 -w0)
! grep -q -e "$WRONG" -e "$wrong64" -e "$PASS" "$T/smtpd.log"
ok $? "neither password is in the log, nor the base64 that held it"
! grep -rq -e "$PASS" -e "$WRONG" "$T/spool"
ok $? "nor in the spool"

# 18-19: maxerrors=3 failures end the session
out=$(printf 'AUTH PLAIN %s\nAUTH PLAIN %s\nAUTH PLAIN %s\nAUTH PLAIN %s\n' \
    "$wrong64" "$wrong64" "$wrong64" "$plain" | tls_session "$ADDR" "$PORT")
is "$(grep -c '^535 ' <<< "$out")" 3 "three 535 replies"
like "$out" '421 4\.7\.0 mx\.example\.test too many errors' \
    "then 421: the session ends before a fourth try"

# 20-22: authsenders: alice may send as herself and @alice.test only
sa() { swaks --server "$ADDR:$SPORT" -li "$CLIENT" --helo client.test --tls \
    --auth PLAIN --auth-user alice --auth-password "$PASS" \
    --to friend@remote.test --data "@$T/msg" "$@" 2>&1; }
like "$(sa --from eve@remote.test)" \
    '<~\* 553 5\.7\.1 <eve@remote\.test>: sender not allowed for login alice' \
    "authsenders: another sender gets 553 5.7.1"
like "$(sa --from Alice@Example.Test)" '<~  250 2\.0\.0 queued as' \
    "her own address (any case) is taken"
like "$(sa --from ann@alice.test)" '<~  250 2\.0\.0 queued as' \
    "an address of her @domain is taken"

# 23-24: implicit TLS with submission (port 465: -T -S): AUTH at once
out=$(swaks --server "$ADDR:$TPORT" -li "$CLIENT" --helo client.test \
    --tls-on-connect --auth PLAIN --auth-user alice --auth-password "$PASS" \
    --from alice@example.test --to friend@remote.test --data "@$T/msg" 2>&1)
like "$out" '<~  250-AUTH PLAIN LOGIN' "-T: the first EHLO offers AUTH"
like "$out" '<~  250 2\.0\.0 queued as ' "-T -S: AUTH, then the message is queued"

# 25-26: a bad authusers file is a configuration error, said on the socket
printf 'alice:{PLAIN}secret\n' > "$T/bad-users"
sed "s|^authusers=.*|authusers=$T/bad-users|" "$T/smtpgate.conf" > "$T/bad.conf"
out=$("$SMTPD" -C "$T/bad.conf" < /dev/null 2>&1)
like "$out" '^421 4\.3\.0 mail service unavailable \(configuration error\)' \
    "a bad authusers file: 421 and no session"
like "$(cat "$T/smtpd.log")" "bad-users:1: only crypt\\(3\\) hashes" \
    "the log names the file and the line"
