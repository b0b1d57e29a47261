#!/bin/bash
# SPDX-License-Identifier: ISC
# smtpd with TLS (issue 11): STARTTLS under tcpserver (swaks --tls,
# openssl s_client -starttls smtp, a raw client for the exact bytes),
# implicit TLS with -T under inetd as for port 465 (swaks --tlsc, plain
# s_client), the CVE-2011-0411 injection, the refusals, TLS 1.1 refused,
# an unreadable key, and that a plain session never maps OpenSSL.
# Certificates are made here, with openssl req.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/smtpd-env.sh"
plan 38

CLIENT=$TOP/tests/smtpd-tls-client.py
A_TLS=127.0.40.1	# tcpserver, STARTTLS
A_465=127.0.40.2	# inetd, smtpd -T
A_USER=127.0.40.3	# tcpserver -u: smtpd cannot read the root-only key
A_SLOW=127.0.40.4	# tcpserver, timeout=2
port_on() {	# port_on ADDRESS: a TCP port free there now
	python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"
}
P_TLS=$(port_on $A_TLS); P_465=$(port_on $A_465); P_USER=$(port_on $A_USER)
P_SLOW=$(port_on $A_SLOW)

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
    -subj /CN=mx.example.test > "$T/req.out" 2>&1
chmod 600 "$T/key.pem"
smtpd_conf "tlscert=$T/cert.pem" "tlskey=$T/key.pem" > "$T/tls.conf"
smtpd_conf > "$T/plain.conf"
smtpd_conf "tlscert=$T/cert.pem" "tlskey=$T/key.pem" timeout=2 > "$T/slow.conf"
bg tcpserver -HRl0 "$A_TLS" "$P_TLS" "$SMTPD" -C "$T/tls.conf"
TCPSERVER=$!
bg tcpserver -HRl0 "$A_SLOW" "$P_SLOW" "$SMTPD" -C "$T/slow.conf"
bg tcpserver -u 65534 -g 65534 -HRl0 "$A_USER" "$P_USER" "$SMTPD" -C "$T/tls.conf"
echo "$A_465:$P_465 stream tcp nowait.100 root $SMTPD smtpd -T -C $T/tls.conf" > "$T/inetd.conf"
bg inetd -i "$T/inetd.conf"
wait_port "$A_TLS" "$P_TLS" && wait_port "$A_USER" "$P_USER" &&
    wait_port "$A_SLOW" "$P_SLOW" &&
    wait_port "$A_465" "$P_465"

flat() { tr '\n\t' '~_' | tr -d '\r'; }
last_id() { ls "$T/spool/in" | grep '\.WRK$' | sort -n | tail -1 | cut -d. -f1; }
received() { head -3 "$T/spool/in/$(last_id).TXT" | flat; }

# 1: smtpd is not linked with OpenSSL at all
is "$(readelf -d "$SMTPD" | grep -Ec 'NEEDED.*lib(ssl|crypto)')" 0 \
    "smtpd has no libssl or libcrypto among its NEEDED libraries"

# 2-6: swaks --tls: STARTTLS, then the message inside TLS
out=$(swaks --server "$A_TLS:$P_TLS" --tls --from a@remote.test \
    --to bob@example.test 2>&1)
like "$(echo "$out" | flat)" '<-  250-STARTTLS~.*<-  220 2\.0\.0 ready to start TLS~' \
    "swaks --tls: EHLO offers STARTTLS, 220 to it"
like "$out" '<~  250 2\.0\.0 queued as [0-9]+' "swaks --tls: the message is queued inside TLS"
if echo "$out" | grep -q '<~  250-STARTTLS'; then r=1; else r=0; fi
ok $r "swaks --tls: EHLO inside TLS offers STARTTLS no more"
like "$(received)" '~_by mx\.example\.test with ESMTPS \(TLSv1\.3 TLS_[A-Z0-9_]+\) id [0-9]+~' \
    "spooled Received: says ESMTPS, the TLS version and the cipher"
like "$(cat "$T/smtpd.log")" 'TLS with 127\.0\.0\.1: TLSv1\.3 TLS_' \
    "the log names the TLS version and cipher"

# 7-9: openssl s_client -starttls smtp, TLS 1.2, the whole transaction
printf '%s\r\n' "EHLO client.test" "MAIL FROM:<b@remote.test>" \
    "RCPT TO:<bob@example.test>" "DATA" "Subject: s_client" "" "hi" "." \
    "QUIT" > "$T/s_client.in"
out=$(timeout 20 openssl s_client -starttls smtp -tls1_2 -quiet \
    -connect "$A_TLS:$P_TLS" < "$T/s_client.in" 2>&1)
like "$out" '250 2\.0\.0 queued as [0-9]+' "s_client -starttls smtp -tls1_2: queued"
like "$out" '221 2\.0\.0' "s_client: 221 to QUIT"
like "$(received)" 'with ESMTPS \(TLSv1\.2 [A-Z0-9-]+\) id' \
    "TLS 1.2: Received: names TLSv1.2 and its cipher"

# 10-11: TLS 1.1 is refused, logged, and the session ends
before=$(grep -c 'handshake' "$T/smtpd.log")
out=$(timeout 20 openssl s_client -starttls smtp -tls1_1 \
    -cipher 'DEFAULT@SECLEVEL=0' -connect "$A_TLS:$P_TLS" < /dev/null 2>&1)
like "$out" 'alert protocol version|unsupported protocol|no protocols available' \
    "s_client -tls1_1: no TLS 1.1 handshake"
wait_for 5 sh -c "[ \$(grep -c 'handshake' '$T/smtpd.log') -gt $before ]"
like "$(tail -1 "$T/smtpd.log")" 'TLS handshake with 127\.0\.0\.1 failed: handshake: .*(unsupported protocol|version)' \
    "smtpd logs the refused TLS 1.1 handshake"

# 12-15: CVE-2011-0411: commands in the STARTTLS packet are never run
timeout 30 python3 "$CLIENT" all "$A_TLS" "$P_TLS" > "$T/client.out" 2>&1
out=$(sed -n 's/^inject //p' "$T/client.out")
like "$(echo "$out" | flat)" 'plain: 250 HELP~plain: 220 2\.0\.0 ready to start TLS~tls: 250-mx\.example\.test' \
    "injection: one 220, then inside TLS the first reply is EHLO's"
if echo "$out" | grep -Eq 'reset|sender|recipient'; then r=1; else r=0; fi
ok $r "injection: the RSET, MAIL and RCPT sent with STARTTLS got no reply"
like "$out" 'tls: 503 5\.5\.1 bad sequence of commands: need MAIL before RCPT' \
    "injection: the injected MAIL left no transaction behind"
if echo "$out" | grep -q 'tls: 250-STARTTLS'; then r=1; else r=0; fi
ok $r "injection: EHLO after the handshake does not offer STARTTLS"

# 16-19: the refusals
out=$(sed -n 's/^states //p' "$T/client.out")
like "$out" 'plain: 501 5\.5\.4 STARTTLS takes no argument' "STARTTLS with an argument: 501"
like "$out" 'plain: 503 5\.5\.1 bad sequence of commands: STARTTLS not allowed during a mail transaction' \
    "STARTTLS inside a transaction: 503"
like "$(echo "$out" | flat)" 'plain: 250 2\.0\.0 reset~plain: 220 2\.0\.0 ready' "after RSET: 220"
like "$out" 'tls: 503 5\.5\.1 TLS already active' "STARTTLS inside TLS: 503"

# 20-21: plaintext where the ClientHello belongs: logged, session over
out=$(sed -n 's/^garbage //p' "$T/client.out")
if echo "$out" | grep -q '^after: [0-9]'; then r=1; else r=0; fi
ok $r "no reply to plaintext after the 220: the connection ends"
like "$(grep 'wrong version number' "$T/smtpd.log")" \
    'TLS handshake with 127\.0\.0\.1 failed: handshake: .*wrong version number' \
    "the failed handshake is logged"

# 22-23: a plain session (tlscert set) maps no OpenSSL; a TLS one does
maps_of_session() {	# maps_of_session: libssl/libcrypto lines of smtpd's maps
	local pid
	pid=$(pgrep -P "$TCPSERVER" | head -1)
	[ -n "$pid" ] && grep -Ec 'lib(ssl|crypto)\.so' "/proc/$pid/maps"
}
ADDR=$A_TLS hold_session "$P_TLS"
is "$(maps_of_session)" 0 "a plain session's smtpd maps neither libssl nor libcrypto"
release_session
before=$(grep -c 'TLS with' "$T/smtpd.log")
mkfifo "$T/hold.in"
exec 9<> "$T/hold.in"	# s_client's input stays open: the session too
# (not through bg: a background command's input would be /dev/null)
openssl s_client -starttls smtp -connect "$A_TLS:$P_TLS" \
    < "$T/hold.in" > /dev/null 2>&1 &
held=$!
_pids="$_pids $held"
wait_for 5 sh -c "[ \$(grep -c 'TLS with' '$T/smtpd.log') -gt $before ]"
n=$(maps_of_session)
ok $([ "${n:-0}" -gt 0 ] && echo 0 || echo 1) "after STARTTLS it maps them (the check above can fail)"
kill "$held" 2> /dev/null; wait "$held" 2> /dev/null
exec 9>&-

# 24-28: -T under inetd: TLS from the first byte (port 465)
out=$(swaks --server "$A_465:$P_465" --tlsc --from a@remote.test \
    --to bob@example.test 2>&1)
like "$out" '<~  220 mx\.example\.test ESMTP' "swaks --tlsc: the greeting comes inside TLS"
like "$out" '<~  250 2\.0\.0 queued as [0-9]+' "swaks --tlsc: queued"
if echo "$out" | grep -q 'STARTTLS'; then r=1; else r=0; fi
ok $r "-T: EHLO does not offer STARTTLS"
like "$(received)" 'with ESMTPS \(TLSv1\.3 TLS_[A-Z0-9_]+\) id' "-T: Received: says ESMTPS"
out=$(printf 'QUIT\r\n' | timeout 20 openssl s_client -quiet \
    -connect "$A_465:$P_465" 2>&1)
like "$(echo "$out" | flat)" '220 mx\.example\.test ESMTP smtpgate~221 ' \
    "openssl s_client (no STARTTLS): greeting and 221 inside TLS"

# 29-30: -T without tlscert and tlskey is a configuration error
out=$("$SMTPD" -T -C "$T/plain.conf" < /dev/null)
is "$?:$out" "78:421 4.3.0 mail service unavailable (configuration error)"$'\r' \
    "-T without tlscert/tlskey: 421, exit 78 (EX_CONFIG)"
like "$(tail -1 "$T/smtpd.log")" '-T needs tlscert and tlskey' "-T without them: logged"

# 31-33: the key unreadable (smtpd started as nobody): no STARTTLS, said
out=$(printf 'EHLO client.test\r\nSTARTTLS\r\nQUIT\r\n' | ADDR=$A_USER raw "$P_USER")
if echo "$out" | grep -q '250-STARTTLS'; then r=1; else r=0; fi
ok $r "unreadable key: EHLO does not offer STARTTLS"
like "$out" '454 4\.7\.0 TLS not available due to temporary reason' "unreadable key: 454 to STARTTLS"
like "$(cat "$T/smtpd.log")" "tlskey $T/key\\.pem: Permission denied: STARTTLS not offered" \
    "unreadable key: the log says which file and why"

# 34-35: a key others may read is used, with a warning; a plain
# configuration offers nothing
cp "$T/key.pem" "$T/key644.pem"; chmod 644 "$T/key644.pem"
smtpd_conf "tlscert=$T/cert.pem" "tlskey=$T/key644.pem" > "$T/644.conf"
out=$(printf 'EHLO client.test\r\nQUIT\r\n' | "$SMTPD" -C "$T/644.conf")
like "$(echo "$out$(tail -3 "$T/smtpd.log")" | flat)" "250-STARTTLS.*tlskey $T/key644\\.pem: others than its owner may read it" \
    "a key others may read: still offered, and a warning in the log"
out=$(printf 'EHLO client.test\r\nSTARTTLS\r\nQUIT\r\n' | "$SMTPD" -C "$T/plain.conf")
like "$(echo "$out" | flat)" '250 HELP~502 5\.5\.1 STARTTLS not available~221' \
    "no tlscert: STARTTLS not offered, 502"

# 36-38: timeouts: no ClientHello after the 220, and silence inside TLS
out=$(printf 'STARTTLS\r\n' | ADDR=$A_SLOW raw "$P_SLOW")
like "$(echo "$out" | flat)" '220 2\.0\.0 ready to start TLS~$' \
    "no handshake after 220: nothing more, the connection ends"
like "$(grep 'TLS handshake' "$T/smtpd.log" | tail -1)" 'failed: timed out after 2 s' \
    "the handshake's time limit is timeout=, logged"
out=$(sleep 4 | timeout 20 openssl s_client -quiet -starttls smtp \
    -connect "$A_SLOW:$P_SLOW" 2>&1)
like "$out" '421 4\.4\.2 mx\.example\.test timeout waiting for the client' \
    "a client silent inside TLS: 421 4.4.2 through TLS"
