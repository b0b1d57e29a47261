#!/bin/bash
# SPDX-License-Identifier: ISC
# smtpd -S, the submission server of port 587 (RFC 6409), under
# tcpserver, with a real Dovecot's auth socket as the AUTH back end
# (dovecotauth=): msmtp sends over STARTTLS with AUTH, smtpd adds the
# Date and Message-ID the message lacks (and keeps those it has), MAIL
# before AUTH gets 530, a wrong password 535 (logged without it), and a
# Dovecot gone away 454.  Also the configuration errors of the AUTH keys.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/smtpd-env.sh"
. "$(dirname "$0")/smtpd-auth-env.sh"
plan 20

ADDR=127.0.41.3
CLIENT=127.0.41.4
PORT=$(python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' $ADDR)
PASS='Dove-pw-1'
WRONG='N0t-her-pw'

# A private Dovecot that only authenticates: passwd-file, auth socket
# open to smtpd's user (nobody), no failure delay (the test's time).
DV=$T/dovecot
mkdir -p "$DV/run" "$DV/state"
echo "carol:$(doveadm pw -s SHA512-CRYPT -p "$PASS")" > "$DV/users"
cat > "$DV/dovecot.conf" <<EOC
protocols =
listen = 127.0.0.1
base_dir = $DV/run
state_dir = $DV/state
log_path = $DV/dovecot.log
ssl = no
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = nobody
default_login_user = nobody
passdb {
  driver = passwd-file
  args = scheme=CRYPT $DV/users
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=/nonexistent
}
service auth {
  unix_listener auth-smtpgate {
    mode = 0660
    user = nobody
  }
}
EOC
trap 'doveadm -c "$DV/dovecot.conf" stop > /dev/null 2>&1; cleanup' EXIT
bg dovecot -F -c "$DV/dovecot.conf"
DVPID=$!
wait_for 10 test -S "$DV/run/auth-smtpgate"
ok $? "a private Dovecot offers its auth socket"

smtpd_conf relayclients=192.0.2.0/24 "tlscert=$T/cert.pem" \
    "tlskey=$T/key.pem" "dovecotauth=$DV/run/auth-smtpgate" > "$T/smtpgate.conf"
bg tcpserver -HRl0 "$ADDR" "$PORT" "$SMTPD" -S -C "$T/smtpgate.conf"
wait_port "$ADDR" "$PORT"

ms() {	# msmtp through smtpd -S as carol with PASSWORD, to friend@remote.test
	msmtp --host="$ADDR" --port="$PORT" --domain=laptop.test \
	    --tls=on --tls-starttls=on --tls-certcheck=off --auth=on \
	    --user=carol --passwordeval="echo $1" --from=carol@example.test \
	    --set-date-header=off --set-msgid-header=off friend@remote.test
}

# 2-7: msmtp, a message without Date and Message-ID
printf 'From: Carol <carol@example.test>\nTo: friend@remote.test\nSubject: from the laptop\n\nsent on 587\n' > "$T/msg"
ms "$PASS" < "$T/msg" > "$T/ms.out" 2>&1
ok $? "msmtp with TLS and AUTH through smtpd -S: exit 0"
txt=$(ls "$T"/spool/in/*.TXT 2> /dev/null | head -1)
like "$(head -3 "$txt" 2> /dev/null | tr '\n\t' '~_')" \
    'by mx\.example\.test with ESMTPSA \(TLSv1\.[23] ' "Received: says ESMTPSA"
body "$txt" > "$T/got"
like "$(sed -n 4p "$T/got")" '^Date: [A-Z][a-z][a-z], [0-9]+ [A-Z][a-z][a-z] 20[0-9][0-9] [0-9:]{8} [-+][0-9]{4}$' \
    "smtpd added a Date: at the end of the header"
like "$(sed -n 5p "$T/got")" '^Message-ID: <[0-9]{14}\.[0-9]+@mx\.example\.test>$' \
    "and a Message-ID:"
is "$(sed -n '1,3p;6,$p' "$T/got" | tr '\n' '|')" \
    "From: Carol <carol@example.test>|To: friend@remote.test|Subject: from the laptop||sent on 587|" \
    "the rest of the text as sent"
like "$(cat "$T/smtpd.log")" 'accepted from <carol@example\.test> by 127\.[0-9.]+ \(login carol\)' \
    "the log names Dovecot's login"

# 8-11: the wrong password: Dovecot says no
ms "$WRONG" < "$T/msg" > "$T/ms-wrong.out" 2>&1
st=$?
ok $((st == 0)) "msmtp with a wrong password fails (exit $st)"
like "$(cat "$T/ms-wrong.out")" '535 5\.7\.8 authentication credentials invalid' \
    "msmtp shows 535 5.7.8"
like "$(cat "$T/smtpd.log")" 'AUTH [A-Z]+ failed for login carol' \
    "the failure is logged with the login"
! grep -q -e "$WRONG" -e "$PASS" "$T/smtpd.log"
ok $? "no password in smtpd's log"

# 12-14: MAIL before AUTH, and a message that has its own headers
sw() { swaks --server "$ADDR:$PORT" -li "$CLIENT" --helo laptop.test --tls \
    --from carol@example.test --to friend@remote.test "$@" 2>&1; }
like "$(sw)" '<~\* 530 5\.7\.0 Authentication required' \
    "-S: MAIL before AUTH gets 530 5.7.0"
printf 'Date: Sat, 5 Dec 2026 08:00:00 +0000\nMessage-ID: <own@laptop.test>\nSubject: dated\n\nbody\n' > "$T/dated"
out=$(sw --auth LOGIN --auth-user carol --auth-password "$PASS" --data "@$T/dated")
like "$out" '<~  250 2\.0\.0 queued as 2' "AUTH LOGIN through Dovecot, queued"
body "$T/spool/in/2.TXT" > "$T/got2"
printf 'Date: Sat, 5 Dec 2026 08:00:00 +0000\nMessage-ID: <own@laptop.test>\nSubject: dated\n\nbody\n\n' > "$T/want2"
cmp -s "$T/got2" "$T/want2"
ok $? "a message with Date and Message-ID is stored as sent"

# 15-16: Dovecot gone: a temporary failure, not a refusal
kill "$DVPID"
wait "$DVPID" 2> /dev/null
out=$(sw --auth PLAIN --auth-user carol --auth-password "$PASS")
like "$out" '<~\* 454 4\.7\.0 temporary authentication failure' \
    "no Dovecot: 454 4.7.0"
like "$(cat "$T/smtpd.log")" "dovecotauth $DV/run/auth-smtpgate: " \
    "the log says why"

# 17-20: configuration errors
{ cat "$T/smtpgate.conf"; echo "authusers=$T/users"; } > "$T/both.conf"
out=$("$SMTPD" -C "$T/both.conf" < /dev/null 2>&1)
like "$out" '^421 4\.3\.0 ' "authusers and dovecotauth both set: 421"
like "$(tail -1 "$T/smtpd.log")" "both\\.conf:[0-9]+: authusers: dovecotauth is set too" \
    "the log names the file, line and key"
smtpd_conf > "$T/noauth.conf"
out=$("$SMTPD" -S -C "$T/noauth.conf" < /dev/null 2>&1)
like "$out" '^421 4\.3\.0 ' "-S without an AUTH back end: 421"
like "$(tail -1 "$T/smtpd.log")" '-S needs AUTH' "and the log says so"
