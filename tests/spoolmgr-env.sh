# SPDX-License-Identifier: ISC
# Shared set-up of the spoolmgr tests (sourced after lib.sh; not a test).
# A spool, a mail root with Maildirs owned by nobody, an aliases file and
# a config in $T; helpers to queue messages and look at Maildirs.

SPOOLMGR=${SPOOLMGR:-$TOP/spoolmgr/spoolmgr}
HELPER="python3 $TOP/tests/spoolmgr-helper.py"
CONF=$T/smtpgate.conf

# maildir USER@DOMAIN...: creates MAILROOT/DOMAIN/USER/{tmp,new,cur}
maildir() {
	local a
	for a in "$@"; do
		mkdir -p "$T/mail/${a#*@}/${a%@*}/tmp" "$T/mail/${a#*@}/${a%@*}/new" \
		    "$T/mail/${a#*@}/${a%@*}/cur"
	done
	chown -R nobody:nogroup "$T/mail"
}

# setup [EXTRA CONFIG LINES...]
setup() {
	make_spool "$T/spool"
	mkdir -p "$T/mail"
	maildir postmaster@example.test alice@example.test bob@example.test
	: > "$T/aliases"
	{
		echo "hostname=gw.test"
		echo "spool=$T/spool"
		echo "mailroot=$T/mail"
		echo "localdomains=example.test"
		echo "user=nobody"
		echo "aliases=$T/aliases"
		echo "logfile=$T/spoolmgr.log"
		echo "mxlookup=${MXLOOKUP:-$TOP/mxlookup/mxlookup}"
		echo "mailer=${MAILER:-$TOP/mailer/mailer}"
		for line in "$@"; do echo "$line"; done
	} > "$CONF"
	touch "$T/spoolmgr.log"
	chown nobody "$T/spoolmgr.log"
}

queue_msg() { $HELPER queue "$T/spool" "$@"; }
run() { "$SPOOLMGR" -C "$CONF" run; }
# files USER@DOMAIN: the number of messages in the Maildir (new/ and cur/:
# Dovecot moves what it has shown into cur/)
files() { ls "$T/mail/${1#*@}/${1%@*}/new" "$T/mail/${1#*@}/${1%@*}/cur" | grep -c '^[0-9]'; }
newest() { ls -t "$T/mail/${1#*@}/${1%@*}/new/"* "$T/mail/${1#*@}/${1%@*}/cur/"* 2>/dev/null | head -1; }
spool_count() { ls "$T/spool/in" "$T/spool/out" | grep -c '\.WRK$'; }
