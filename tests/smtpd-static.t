#!/bin/bash
# SPDX-License-Identifier: ISC
# The fastest launch (smtpd(8), bench/README.md): `make smtpd-static`,
# started as its user.  As root it must refuse with a 421 (glibc's user
# look-up in a static program crashed in libnss_systemd), never crash;
# as its user it takes mail, and STARTTLS works (static glibc's dlopen
# loads the shared libssl) with a key that user can read.
. "$(dirname "$0")/lib.sh"
plan 7

STATIC=$TOP/smtpd/smtpd-static
make -s -C "$TOP" smtpd-static > "$T/make.out" 2>&1
ok "$?" "make smtpd-static builds it"

make_spool "$T/spool"
mkdir -p "$T/log"
touch "$T/log/smtpd.log"
chown -R nobody:nogroup "$T/log"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$T/key.pem" -out "$T/crt.pem" -days 2 -subj /CN=static.test \
    > /dev/null 2>&1
chown nobody:nogroup "$T/key.pem"
chmod 600 "$T/key.pem"
cat > "$T/smtpgate.conf" <<CONF
hostname=static.test
spool=$T/spool
mailroot=$T/mail
localdomains=static.test
user=nobody
tlscert=$T/crt.pem
tlskey=$T/key.pem
logfile=$T/log/smtpd.log
CONF

out=$(printf "QUIT\r\n" | "$STATIC" -C "$T/smtpgate.conf" 2>&1 | tr -d "\r"; exit "${PIPESTATUS[1]}")
is "$?:$out" "78:421 4.3.0 mail service unavailable (configuration error)" \
    "as root: 421 and exit 78, no crash"
like "$(cat "$T/log/smtpd.log")" "never as root" "as root: the log says why"

as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
out=$(swaks --pipe "${as_nobody[*]} $STATIC -C $T/smtpgate.conf" \
    --from a@x.test --to postmaster@static.test --timeout 20 2>&1)
like "$out" "<-  250 2\.0\.0 .*accepted|<-  250 .*queued" "as nobody: the message is taken"
out=$(swaks --pipe "${as_nobody[*]} $STATIC -C $T/smtpgate.conf" --tls \
    --from a@x.test --to postmaster@static.test --timeout 20 2>&1)
like "$out" "TLS started with cipher TLSv1\.[23]" "as nobody: STARTTLS"
n=$(ls "$T/spool/out" "$T/spool/in" 2>/dev/null | grep -c '\.WRK$')
is "$n" 2 "two messages in the spool"
like "$(grep -h '^Received:' -A2 "$T"/spool/*/*.TXT | tr -d '\n')" \
    "with ESMTPS" "the second came over TLS (ESMTPS)"
