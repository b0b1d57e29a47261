#!/bin/bash
# SPDX-License-Identifier: ISC
# A private Postfix relays into smtpd over STARTTLS (issue 11): with
# smtp_tls_security_level = encrypt it sends only inside TLS, so
# status=sent proves the handshake worked with a real MTA's client; its
# log names the TLS connection, and smtpd's Received: says ESMTPS.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/smtpd-env.sh"
. "$(dirname "$0")/postfix-env.sh"
plan 6

SMTPD_ADDR=127.0.40.11
PF_ADDR=127.0.40.12
PORT=$(python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' $SMTPD_ADDR)

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
    -subj /CN=mx.example.test > "$T/req.out" 2>&1
chmod 600 "$T/key.pem"
smtpd_conf "tlscert=$T/cert.pem" "tlskey=$T/key.pem" > "$T/smtpgate.conf"
bg tcpserver -HRl0 "$SMTPD_ADDR" "$PORT" "$SMTPD" -C "$T/smtpgate.conf"
wait_port "$SMTPD_ADDR" "$PORT"

PF=$T/pf
mkdir -p "$PF"
{
	postfix_relay_cf "$PF" "$PF_ADDR" "[$SMTPD_ADDR]:$PORT"
	cat <<EOC
smtp_tls_security_level = encrypt
smtp_tls_loglevel = 1
EOC
} > "$PF/main.cf"
postfix_master_cf 0 | grep -v ' inet ' > "$PF/master.cf"
trap 'postfix -c "$PF" stop > /dev/null 2>&1; cleanup' EXIT
postfix -c "$PF" start > "$T/pf.start" 2>&1
ok $? "a private Postfix starts"

printf '%s\n' "From: Ann <ann@client.test>" "To: Bob <bob@example.test>" \
    "Subject: over STARTTLS" "" "hello through TLS" > "$T/msg"
/usr/sbin/sendmail -C "$PF" -i -f ann@client.test bob@example.test < "$T/msg"
ok $? "Postfix's sendmail takes the message"

sent() { grep -q 'status=sent' "$PF/maillog" 2> /dev/null; }
wait_for 30 sent
like "$(grep 'status=sent' "$PF/maillog")" \
    "relay=$SMTPD_ADDR\\[$SMTPD_ADDR\\]:$PORT.*status=sent \\(250 2\\.0\\.0 queued as [0-9]+\\)" \
    "Postfix relayed it to smtpd, TLS mandatory: status=sent"
like "$(grep -E 'TLS connection established' "$PF/maillog")" \
    "Untrusted TLS connection established to $SMTPD_ADDR\\[$SMTPD_ADDR\\]:$PORT: TLSv1\\.3 with cipher" \
    "Postfix's log: a TLS connection to smtpd"
txt=$(ls "$T"/spool/in/*.TXT 2> /dev/null | head -1)
like "$(head -3 "$txt" | tr '\n\t' '~_')" \
    'by mx\.example\.test with ESMTPS \(TLSv1\.3 TLS_[A-Z0-9_]+\) id [0-9]+' \
    "smtpd's Received: says ESMTPS with the version and cipher"
is "$(body "$txt" | tail -1)" "hello through TLS" "the text arrived"
