#!/bin/bash
# SPDX-License-Identifier: ISC
# STARTTLS and AUTH to a relay host (authfile=): a private Postfix with
# Dovecot's SASL, relaying to smtp-sink.  The certificate is checked, the
# credentials never go in clear nor to a server that fails the check, a
# refusal defers (never bounces), and the password is never shown.
# Without credentials TLS is opportunistic: used when offered, unchecked,
# and a failed handshake is followed by a second try in clear.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
. "$(dirname "$0")/postfix-env.sh"
plan 19

PF=$T/pf
SMTP=$(free_port)
AUTHP=$(free_port)
SINK=$(free_port)
sink s "127.0.0.1:$SINK"

mkdir -p "$PF/dc/run" "$PF/dc/state" "$PF/queue" "$PF/data"
chown postfix "$PF/data"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$PF/key.pem" \
    -out "$PF/cert.pem" -days 2 -subj /CN=relay.test \
    -addext "subjectAltName=IP:127.0.0.1,DNS:relay.test" 2> /dev/null
cat > "$PF/dc/dovecot.conf" <<EOF
protocols =
listen = 127.0.0.1
base_dir = $PF/dc/run
state_dir = $PF/dc/state
log_path = $PF/dc/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = nobody
default_login_user = nobody
passdb {
  driver = static
  args = password=s3cret
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=$PF
}
service auth {
  inet_listener auth {
    address = 127.0.0.1
    port = $AUTHP
  }
}
EOF
bg dovecot -F -c "$PF/dc/dovecot.conf"
mkdir -p "$PF"
{
	postfix_main_cf "$PF" relay.test
	cat <<EOF
mynetworks = 127.0.0.2/32
relayhost = [127.0.0.1]:$SINK
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:$AUTHP
smtpd_tls_cert_file = $PF/cert.pem
smtpd_tls_key_file = $PF/key.pem
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtp_tls_security_level = none
smtpd_tls_loglevel = 1
relay_domains = near.test
EOF
} > "$PF/main.cf"
postfix_master_cf "$SMTP" > "$PF/master.cf"
trap 'postfix -c "$PF" stop > /dev/null 2>&1; doveadm -c "$PF/dc/dovecot.conf" stop 2> /dev/null; cleanup' EXIT
postfix -c "$PF" start > /dev/null 2>&1
wait_port 127.0.0.1 "$SMTP"
wait_port 127.0.0.1 "$AUTHP"

printf 'joe s3cret\n' > "$T/auth"
chmod 600 "$T/auth"
conf "$T/c.conf" "relayhost=127.0.0.1:$SMTP" "authfile=$T/auth"
printf 'Subject: via the relay\n\nhello\n' > "$T/msg"
x() { "$MAILER" -x -C "$1" -f s@client.test -h "127.0.0.1:$SMTP" far@away.test < "$T/msg"; }
export SSL_CERT_FILE=$PF/cert.pem

out=$(x "$T/c.conf" 2> /dev/null)
like "$out" '^far@away.test ok 250 2\.0\.0 ' "STARTTLS, AUTH, relayed: ok"
wait_for 10 sh -c "[ \$(ls '$T/s' | wc -l) -ge 1 ]"
is "$(ls "$T/s" | wc -l | tr -d ' ')" 1 "the relay passed it on to the sink"
like "$(cat "$PF/maillog")" 'sasl_method=PLAIN, sasl_username=joe' "Postfix saw AUTH PLAIN as joe"

"$MAILER" -x -v -C "$T/c.conf" -f s@client.test -h "127.0.0.1:$SMTP" \
    far@away.test < "$T/msg" > /dev/null 2> "$T/v"
like "$(grep '^>>> STARTTLS' "$T/v")" STARTTLS "-v: STARTTLS said"
like "$(cat "$T/v")" 'mailer: TLS with 127\.0\.0\.1 \(TLSv1\.[23]\)' "-v: TLS set up"
like "$(cat "$T/v")" '>>> \(credentials\)' "-v: the AUTH line is hidden"
is "$(grep -c -e s3cret -e 'AGpvZQBzM2NyZXQ' "$T/v")" 0 "the password never shows"

# A wrong password: the relay's 535 defers (spoolmgr alerts postmaster).
printf 'joe wrong\n' > "$T/bad"
conf "$T/b.conf" "relayhost=127.0.0.1:$SMTP" "authfile=$T/bad"
like "$(x "$T/b.conf" 2> /dev/null)" '^far@away.test defer 535 5\.7\.8 ' \
    "wrong password: defer 535, never fail"

# Without authfile the relay refuses to relay for us: AUTH mattered.
conf "$T/n.conf" "relayhost=127.0.0.1:$SMTP"
like "$(x "$T/n.conf" 2> /dev/null)" '^far@away.test fail 554 5\.7\.1 ' \
    "no credentials: the relay refuses"

# The certificate must check out before the credentials go.
n=$(grep -c 'sasl_username' "$PF/maillog")
out=$(SSL_CERT_FILE=/dev/null x "$T/c.conf" 2> /dev/null)
like "$out" '^far@away.test defer 454 4\.7\.0 .*certificate' "an untrusted certificate: defer"
is "$(grep -c 'sasl_username' "$PF/maillog")" "$n" "... and no AUTH was tried"

conf "$T/m.conf" "relayhost=127.0.0.1:$SMTP" "authfile=$T/missing"
like "$(x "$T/m.conf" 2> /dev/null)" '^far@away.test defer 451 4\.3\.5 .*missing: No such file' \
    "a missing authfile: defer"

# sendmail mode through the authenticated relay.
make_spool "$T/spool"
chgrp nogroup "$T/auth"
chmod 640 "$T/auth"
conf "$T/sm.conf" "relayhost=127.0.0.1:$SMTP" "authfile=$T/auth" \
    "spool=$T/spool" user=nobody
printf 'Subject: sendmail via the relay\n\nhi\n' |
    "$MAILER" -C "$T/sm.conf" -f s@client.test far@away.test
is "$?" 0 "sendmail mode: delivered through the relay"
is "$(find "$T/spool/in" -name '*.WRK' | wc -l | tr -d ' ')" 0 "nothing left queued"

# smtp-sink offers no STARTTLS: credentials are not sent in clear.
conf "$T/p.conf" "relayhost=127.0.0.1:$SINK" "authfile=$T/auth"
like "$("$MAILER" -x -C "$T/p.conf" -f s@client.test -h "127.0.0.1:$SINK" \
    far@away.test < "$T/msg" 2> /dev/null)" \
    '^far@away.test defer 530 5\.7\.10 the relay host offers no STARTTLS' \
    "no STARTTLS offered: defer, credentials kept"

# Opportunistic TLS: no credentials, an unchecked certificate, encrypted.
n=$(grep -c 'TLS connection established from' "$PF/maillog")
out=$(SSL_CERT_FILE=/dev/null "$MAILER" -x -C "$T/n.conf" -f s@client.test \
    -h "127.0.0.1:$SMTP" r@near.test < "$T/msg" 2> /dev/null)
like "$out" '^r@near.test ok 250 ' "no credentials: delivered"
is "$(grep -c 'TLS connection established from' "$PF/maillog")" "$((n + 1))" \
    "... over TLS, the certificate unchecked"

# A server whose TLS we cannot speak (TLS 1.0 only): once more in clear.
postconf -c "$PF" -e 'smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1.1, !TLSv1.2, !TLSv1.3' \
    'smtpd_tls_ciphers = low'
postfix -c "$PF" reload > /dev/null 2>&1
sleep 1
"$MAILER" -x -v -C "$T/n.conf" -f s@client.test -h "127.0.0.1:$SMTP" \
    r@near.test < "$T/msg" > "$T/o" 2> "$T/v"
like "$(cat "$T/o")" '^r@near.test ok 250 ' "a failed handshake: delivered in clear"
like "$(cat "$T/v")" 'TLS failed with 127\.0\.0\.1; once more without' "... after one try with TLS"
