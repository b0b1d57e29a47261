# A private Postfix's master.cf, shared by tests/mailer-auth.t and
# bench/postfix.sh (sourced by both).
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
