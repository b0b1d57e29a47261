# SPDX-License-Identifier: ISC
# A private Postfix's main.cf and master.cf, shared by the tests that run
# one (mailer-auth.t, mailer-8bit.t, postfix-relay.t, smtpd-tls-postfix.t)
# and bench/postfix.sh.
#
# postfix_main_cf DIR HOSTNAME: makes DIR's queue and data directories and
# prints the main.cf lines every private Postfix here has (its own
# directories, no local delivery, no aliases, its log in DIR/maillog,
# IPv4 on 127.0.0.1); the caller appends its own.
postfix_main_cf() {
	mkdir -p "$1/queue" "$1/data"
	chown postfix "$1/data"
	cat <<EOF
compatibility_level = 3.6
queue_directory = $1/queue
data_directory = $1/data
mail_owner = postfix
setgid_group = postdrop
myhostname = $2
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
alias_maps =
alias_database =
maillog_file_prefixes = $1
maillog_file = $1/maillog
EOF
}

#
# postfix_relay_cf DIR BIND RELAY: main.cf of a private Postfix of
# relay.test that relays everything (through its pickup) to RELAY,
# "[ADDR]:PORT", from the address BIND; the caller appends its TLS lines.
postfix_relay_cf() {
	postfix_main_cf "$1" relay.test
	cat <<EOF
mydomain = relay.test
myorigin = relay.test
smtp_bind_address = $2
mynetworks = 127.0.0.0/8
relayhost = $3
EOF
}

#
# postfix_master_cf PORT: on stdout, an smtpd on 127.0.0.1:PORT and the
# daemons behind it, none chrooted (PEERS.md).
postfix_master_cf() {
	local s
	echo "127.0.0.1:$1 inet n - n - - smtpd"
	for s in "pickup unix n - n 60 1 pickup" "cleanup unix n - n - 0 cleanup" \
	    "qmgr unix n - n 300 1 qmgr" "tlsmgr unix - - n 1000? 1 tlsmgr" \
	    "rewrite unix - - n - - trivial-rewrite" "bounce unix - - n - 0 bounce" \
	    "defer unix - - n - 0 bounce" "trace unix - - n - 0 bounce" \
	    "verify unix - - n - 1 verify" "flush unix n - n 1000? 0 flush" \
	    "proxymap unix - - n - - proxymap" "smtp unix - - n - - smtp" \
	    "relay unix - - n - - smtp" "showq unix n - n - - showq" \
	    "error unix - - n - - error" "retry unix - - n - - error" \
	    "discard unix - - n - - discard" "local unix - n n - - local" \
	    "virtual unix - n n - - virtual" "anvil unix - - n - 1 anvil" \
	    "scache unix - - n - 1 scache" "postlog unix-dgram n - n - 1 postlogd"; do
		echo "$s"
	done
}
