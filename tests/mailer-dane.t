#!/bin/bash
# SPDX-License-Identifier: ISC
# mailer's tls= (smtpgate.conf(5)): DANE (RFC 7672) against a real
# validating resolver (unbound, with the test zone's trust anchor) in
# front of NSD serving a zone signed with ldns-signzone, TLSA records
# matching a certificate made now or not; tls=verify against the test
# CA; mail taken by aiosmtpd servers with and without STARTTLS.  mailer
# -x run as spoolmgr runs it (-h NAME=ADDR:PORT), then spoolmgr run,
# whose journal and trace show how each message left.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-dane-env.sh"

MAILER=${MAILER:-$TOP/mailer/mailer}
plan 43

if ! dane_certs || ! dane_zones; then
	echo "Bail out! cannot make the certificates or sign the zone"
	exit 1
fi
if ! dane_dns; then
	cat "$D/nsd/log" "$D/unbound/log" >&2
	echo "Bail out! no validating resolver in front of NSD"
	exit 1
fi
if ! dane_servers; then
	echo "Bail out! the aiosmtpd servers did not start"
	exit 1
fi

conf() {	# conf TLS-MODE [LINES...]
	local mode=$1
	shift
	{
		echo "hostname=gw.test"
		echo "resolver=$NS@$UPORT"
		echo "remoteport=$SPORT"
		echo "dnstimeout=5"
		echo "logfile=$T/mailer.log"
		echo "tls=$mode"
		for line in "$@"; do echo "$line"; done
	} > "$T/conf"
}
printf 'Subject: dane\n\nhello\n' > "$T/msg"
: > "$T/mailer.log"
# send MX-HOST=ADDR RCPT: mailer -x as spoolmgr runs it; its line
send() {
	"$MAILER" -x -C "$T/conf" -D -f sender@gw.test -h "$1:$SPORT" "$2" \
	    < "$T/msg" 2>"$T/err"
}

conf dane
out=$(send mx-good.dane.test=$A u@good.dane.test)
like "$out" "^u@good\.dane\.test ok 250 2\.0\.0 kept	dsn=no	tls=dane/TLSv1\.[23]/" \
    "DANE-EE 3 1 1 matching: delivered, tls=dane"
is "$(arrived $A)" 1 "the server took it"
like "$(head -1 "$D/srv/$A/1")" "tls=yes" "over TLS"
like "$(tail -1 "$T/mailer.log")" "to=<u@good\.dane\.test> ok 250 2\.0\.0 kept tls=dane/TLSv1" \
    "the log line of the delivery says dane"

out=$(send mx-bad.dane.test=$B u@bad.dane.test)
like "$out" "^u@bad\.dane\.test defer 454 4\.7\.5 mx-bad\.dane\.test \[$B\]:$SPORT: TLS handshake: certificate: .*DANE" \
    "a certificate no TLSA record matches: deferred"
is "$(arrived $B)" 0 "nothing arrived, not even in clear"

out=$(send mx-none.dane.test=$B u@none.dane.test)
like "$out" "^u@none\.dane\.test ok 250 .*	tls=opportunistic/TLSv1\.[23]/" \
    "no TLSA records (authenticated denial): opportunistic TLS"
is "$(arrived $B)" 1 "the server took it"

out=$(send mx-plain.dane.test=$P u@plain.dane.test)
like "$out" "^u@plain\.dane\.test defer 451 4\.7\.10 mx-plain\.dane\.test \[$P\]:$SPORT: no STARTTLS offered; TLS is required" \
    "TLSA records, but the server offers no STARTTLS: deferred"
is "$(arrived $P)" 0 "nothing went in clear"

out=$(send mx-ta.dane.test=$A u@ta.dane.test)
like "$out" "^u@ta\.dane\.test ok 250 .*	tls=dane/" "DANE-TA 2 0 1 (the CA) and the name: delivered"
is "$(arrived $A)" 2 "the server took it"

out=$(send mx-unusable.dane.test=$B u@unusable.dane.test)
like "$out" "^u@unusable\.dane\.test defer 451 4\.7\.5 .*no usable TLSA record \(PKIX usage" \
    "only a PKIX-EE(1) record: unusable, deferred"

out=$(send mx-bogus.dane.test=$B u@bogus.dane.test)
like "$out" "^u@bogus\.dane\.test defer 451 4\.7\.5 .*TLSA look-up: temporary DNS failure \(SERVFAIL" \
    "a TLSA record whose signature fails (bogus): deferred"
is "$(arrived $B)" 1 "nothing arrived for either"

out=$(send mx-ins.insecure.test=$B u@ins.insecure.test)
like "$out" "^u@ins\.insecure\.test ok 250 .*	tls=opportunistic/" \
    "a TLSA record in an unsigned zone is not used: opportunistic"
out=$(send mx-bad.dane.test=$B u@ins2.insecure.test)
like "$out" "^u@ins2\.insecure\.test ok 250 .*	tls=opportunistic/" \
    "an MX from an unsigned zone gets no DANE, even to a host with TLSA (RFC 7672 2.2.1)"
is "$(arrived $B)" 3 "both arrived"

# a host named in the configuration (-h NAME, as relayhost): its name
# is trusted, its address asked of the resolver
out=$("$MAILER" -x -C "$T/conf" -D -f s@gw.test -h mx-good.dane.test u@x.test < "$T/msg" 2>&1)
like "$out" "^u@x\.test ok 250 .*	tls=dane/" "a configured host name with TLSA: dane"
out=$("$MAILER" -x -C "$T/conf" -D -f s@gw.test -h mx-bad.dane.test u@x.test < "$T/msg" 2>&1)
like "$out" "^u@x\.test defer 454 4\.7\.5 " "and with a mismatching certificate: deferred"

out=$("$MAILER" -x -C "$T/conf" -D -f s@gw.test -h "[$A]:$SPORT" "u@[$A]" < "$T/msg" 2>&1)
like "$out" "^u@\[$A\] ok 250 .*	tls=opportunistic/" "an address, no name: no DANE, opportunistic"
out=$("$MAILER" -x -C "$T/conf" -v -f s@gw.test -h mx-good.dane.test=$A:$SPORT u@good.dane.test < "$T/msg" 2>&1)
like "$out" "TLS policy for mx-good\.dane\.test: required, DANE \(1 usable TLSA record for mx-good\.dane\.test\)" \
    "-v says why TLS is required"
like "$out" "TLS with mx-good\.dane\.test \(TLSv1\.[23]\): dane/TLSv1\.[23]/[^ ]*, TLSA 3 1 1 at depth 0" \
    "-v names the TLSA record that matched"
like "$out" "^u@good\.dane\.test ok 250 2\.0\.0 kept$" "without -D the line is as it was"

# tls=verify: the test CA (tlscafile=) and the host's name
conf verify "tlscafile=$D/ca.pem"
out=$(send mx-good.dane.test=$A u@good.dane.test)
like "$out" "^u@good\.dane\.test ok 250 .*	tls=verified/TLSv1\.[23]/" "tls=verify, the right name: delivered"
out=$(send mx-none.dane.test=$B u@none.dane.test)
like "$out" "^u@none\.dane\.test defer 454 4\.7\.5 mx-none\.dane\.test \[$B\]:$SPORT: TLS handshake: certificate: hostname mismatch" \
    "tls=verify, a certificate for another name: deferred"
out=$(send mx-plain.dane.test=$P u@plain.dane.test)
like "$out" "^u@plain\.dane\.test defer 451 4\.7\.10 .*no STARTTLS offered" \
    "tls=verify, no STARTTLS: deferred"
conf verify
out=$(send mx-good.dane.test=$A u@good.dane.test)
like "$out" "^u@good\.dane\.test defer 454 4\.7\.5 .*certificate: self-signed certificate in certificate chain" \
    "tls=verify without tlscafile: the system's CAs do not know the test CA"
is "$(arrived $B) $(arrived $P)" "3 0" "nothing arrived that should not"

conf may
out=$(send mx-plain.dane.test=$P u@plain.dane.test)
like "$out" "^u@plain\.dane\.test ok 250 .*	tls=none$" "tls=may: plaintext where STARTTLS is not offered"
out=$(send mx-bad.dane.test=$B u@bad.dane.test)
like "$out" "^u@bad\.dane\.test ok 250 .*	tls=opportunistic/" "tls=may: no TLSA look-up"

# spoolmgr run: mxlookup, then mailer -x -h NAME=ADDR:PORT
. "$(dirname "$0")/spoolmgr-env.sh"
setup "resolver=$NS@$UPORT" "remoteport=$SPORT" "tls=dane"
before_a=$(arrived $A) before_b=$(arrived $B)
queue_msg carol@example.test ann@good.dane.test -m m1 > /dev/null
queue_msg carol@example.test bob@bad.dane.test -m m2 > /dev/null
queue_msg carol@example.test cid@none.dane.test -m m3 > /dev/null
queue_msg carol@example.test eve@good.dane.test -m m4 > /dev/null	# a batch with m1
run
ok $? "spoolmgr run"
tr=$($SPOOLMGR -C "$CONF" trace ann@good.dane.test)
like "$tr" "delivered <ann@good\.dane\.test> .*mx-good\.dane\.test\[$A\] tls=dane/TLSv1\.[23]/" \
    "trace: delivered by DANE"
tr=$($SPOOLMGR -C "$CONF" trace eve@good.dane.test)
like "$tr" "delivered <eve@good\.dane\.test> .*tls=dane/TLSv1\.[23]/" \
    "trace: the second message of the batch (mailer -x -B) by DANE too"
tr=$($SPOOLMGR -C "$CONF" trace bob@bad.dane.test)
like "$tr" "deferred <bob@bad\.dane\.test> .*454 4\.7\.5 .*DANE" "trace: the mismatch deferred"
tr=$($SPOOLMGR -C "$CONF" trace cid@none.dane.test)
like "$tr" "delivered <cid@none\.dane\.test> .*tls=opportunistic/" "trace: no TLSA, opportunistic"
is "$(arrived $A) $(arrived $B)" "$((before_a + 2)) $((before_b + 1))" \
    "the servers took the three, not the mismatched one"
like "$(cat "$T/spool/journal/"*)" "	delivered	mx-good\.dane\.test\[$A\] tls=dane/" \
    "the journal's host field holds the TLS"
is "$(spool_count)" 1 "the deferred message stays queued"
like "$(cat "$T/spoolmgr.log")" "to=<ann@good\.dane\.test> ok .*tls=dane/" "mailer's log line says dane"

# sendmail mode, delivering at once through the same resolver
before_a=$(arrived $A)
printf 'Subject: at once\n\nhi\n' | "$MAILER" -C "$CONF" -f carol@example.test dora@good.dane.test
ok $? "sendmail mode: delivered at once"
like "$($SPOOLMGR -C "$CONF" trace dora@good.dane.test)" "delivered <dora@good\.dane\.test> .*via tls=dane/TLSv1\.[23]/" \
    "trace: the delivery at once went by DANE"
is "$(arrived $A)" "$((before_a + 1))" "the server took it"
