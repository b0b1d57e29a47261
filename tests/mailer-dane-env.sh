# SPDX-License-Identifier: ISC
# Shared set-up of the DANE tests (sourced after lib.sh; not a test).
# Certificates made now with openssl; NSD serving dane.test signed with
# ldns-keygen and ldns-signzone, and insecure.test unsigned; unbound in
# front of it as the validating resolver, with dane.test's DS as its
# trust anchor; aiosmtpd servers taking the mail: 127.0.42.2 with
# certificate A (mx-good and mx-ta.dane.test, from the test CA),
# 127.0.42.3 with certificate B (wrong.example, same CA), 127.0.42.4
# without STARTTLS.  All in the 127.0.42.0/24 range of these tests.

D=$T/dane
mkdir -p "$D/nsd" "$D/unbound" "$D/srv"
NS=127.0.42.1
A=127.0.42.2
B=127.0.42.3
P=127.0.42.4
SPORT=$(free_port)	# the servers' port: remoteport=, and _PORT._tcp

# cert NAME CN SAN: NAME.key, NAME.pem (the certificate, then the CA)
cert() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$D/$1.key" -out "$D/$1.csr" -subj "/CN=$2" 2>/dev/null &&
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\n' "$3" > "$D/$1.ext" &&
	openssl x509 -req -in "$D/$1.csr" -CA "$D/ca.pem" -CAkey "$D/ca.key" \
	    -CAcreateserial -days 2 -extfile "$D/$1.ext" -out "$D/$1.crt" 2>/dev/null &&
	cat "$D/$1.crt" "$D/ca.pem" > "$D/$1.pem"
}

# spki_sha256 CERT: the hex SHA-256 of its public key (TLSA 3 1 1)
spki_sha256() {
	openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER |
	    openssl dgst -sha256 -r | cut -d' ' -f1
}

dane_certs() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$D/ca.key" -out "$D/ca.pem" -days 2 -subj "/CN=smtpgate test CA" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null &&
	cert a mx-good.dane.test DNS:mx-good.dane.test,DNS:mx-ta.dane.test &&
	cert b wrong.example DNS:wrong.example
}

# The signed zone, and a TLSA record spoiled after signing (bogus).
dane_zones() {
	local a_ee ca_ta ksk zsk
	a_ee=$(spki_sha256 "$D/a.crt")
	ca_ta=$(openssl x509 -in "$D/ca.pem" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
	cat > "$D/nsd/dane.test.zone" <<EOZ
\$ORIGIN dane.test.
\$TTL 300
@		SOA	ns hostmaster 1 3600 600 86400 300
		NS	ns
ns		A	$NS
good		MX	10 mx-good
bad		MX	10 mx-bad
none		MX	10 mx-none
plain		MX	10 mx-plain
ta		MX	10 mx-ta
unusable	MX	10 mx-unusable
bogus		MX	10 mx-bogus
mx-good		A	$A
_$SPORT._tcp.mx-good TLSA	3 1 1 $a_ee
mx-ta		A	$A
_$SPORT._tcp.mx-ta	TLSA	2 0 1 $ca_ta
mx-bad		A	$B
_$SPORT._tcp.mx-bad	TLSA	3 1 1 $a_ee
mx-none		A	$B
mx-plain	A	$P
_$SPORT._tcp.mx-plain TLSA	3 1 1 $a_ee
mx-unusable	A	$B
_$SPORT._tcp.mx-unusable TLSA 1 1 1 $a_ee
mx-bogus	A	$B
_$SPORT._tcp.mx-bogus TLSA	3 1 1 $a_ee
EOZ
	cat > "$D/nsd/insecure.test.zone" <<EOZ
\$ORIGIN insecure.test.
\$TTL 300
@		SOA	ns hostmaster 1 3600 600 86400 300
		NS	ns
ns		A	$NS
ins		MX	10 mx-ins
ins2		MX	10 mx-bad.dane.test.
mx-ins		A	$B
_$SPORT._tcp.mx-ins	TLSA	3 1 1 $a_ee
EOZ
	(cd "$D/nsd" &&
	ksk=$(ldns-keygen -a ECDSAP256SHA256 -k dane.test) &&
	zsk=$(ldns-keygen -a ECDSAP256SHA256 dane.test) &&
	ldns-signzone -f dane.test.signed dane.test.zone "$ksk" "$zsk" &&
	cp "$ksk.ds" anchor.ds) || return 1
	# the TLSA of mx-bogus changed after signing: its RRSIG fails
	sed -i "/^_$SPORT._tcp.mx-bogus.dane.test.*TLSA/s/3 1 1 ..../3 1 1 0000/" \
	    "$D/nsd/dane.test.signed"
}

dane_dns() {
	NSDPORT=$(dns_port)
	UPORT=$(dns_port)
	cat > "$D/nsd/nsd.conf" <<EOC
server:
  ip-address: $NS
  port: $NSDPORT
  username: ""
  zonesdir: "$D/nsd"
  database: ""
  pidfile: "$D/nsd/nsd.pid"
  xfrdfile: "$D/nsd/xfrd.state"
  zonelistfile: "$D/nsd/zone.list"
remote-control:
  control-enable: no
zone:
  name: dane.test
  zonefile: dane.test.signed
zone:
  name: insecure.test
  zonefile: insecure.test.zone
EOC
	cat > "$D/unbound/unbound.conf" <<EOC
server:
  interface: $NS
  port: $UPORT
  do-ip6: no
  access-control: 127.0.0.0/8 allow
  username: ""
  chroot: ""
  directory: "$D/unbound"
  pidfile: ""
  use-syslog: no
  logfile: ""
  verbosity: 0
  do-not-query-localhost: no
  module-config: "validator iterator"
  trust-anchor-file: "$D/nsd/anchor.ds"
  qname-minimisation: no
  local-zone: "test." nodefault
  val-log-level: 2
remote-control:
  control-enable: no
stub-zone:
  name: "dane.test"
  stub-addr: $NS@$NSDPORT
stub-zone:
  name: "insecure.test"
  stub-addr: $NS@$NSDPORT
EOC
	bg nsd -d -c "$D/nsd/nsd.conf" > "$D/nsd/log" 2>&1
	# NSD first: unbound would hold an early silence against it.  The
	# sockets are watched: drill waits 5 s for a port nobody serves.
	wait_for 10 udp_bound "$NSDPORT" || return 1
	bg unbound -d -c "$D/unbound/unbound.conf" > "$D/unbound/log" 2>&1
	wait_for 10 udp_bound "$UPORT" &&
	    drill -D -p "$UPORT" @"$NS" MX good.dane.test 2>/dev/null |
	    grep -q 'flags:.* ad'
}

udp_bound() { [ -n "$(ss -Hlun "sport = :$1")" ]; }

dane_servers() {
	bg /usr/bin/python3 "$TOP/tests/mailer-dane-server.py" "$D/srv" "$SPORT" \
	    "$A:$D/a.pem:$D/a.key" "$B:$D/b.pem:$D/b.key" "$P:plain" \
	    > "$D/srv/log" 2>&1
	wait_for 10 test -e "$D/srv/ready"
}

# arrived ADDR: how many messages the server at ADDR took
arrived() { ls "$D/srv/$1" 2>/dev/null | grep -c '^[0-9]'; }
