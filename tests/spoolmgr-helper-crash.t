#!/bin/bash
# SPDX-License-Identifier: ISC
# A helper that fails for one domain while it works for others is that
# domain's failure, not the system's (issue 8, defect 2): its mail is
# retried and, once queuelife has passed, bounced with a DSN; it does
# not wait for ever as a "system failure".  A fake mxlookup (mxlookup=)
# crashes with SIGSEGV for crash.test and finds 127.0.11.3 (smtp-sink)
# for the others; a mailer wrapper (mailer=) crashes for crashm.test,
# and for cut.test after printing half a line, which is no report of a
# delivery.  A real system failure (mxlookup exiting EX_CONFIG, for
# conf.test) still defers past queuelife and tells postmaster.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 18

PORT=$(free_port)
mkdir -p "$T/sink"
chown nobody "$T/sink"
bg smtp-sink -u nobody -d "$T/sink/%M%S." "127.0.11.3:$PORT" 64
wait_port 127.0.11.3 "$PORT"

cat > "$T/mxlookup.sh" <<'EOF'
#!/bin/sh
for domain; do :; done		# the last argument
case $domain in
crash.test)	ulimit -c 0; kill -SEGV $$ ;;
conf.test)	echo "mxlookup: smtpgate.conf:3: resolver: bad" >&2; exit 78 ;;
esac
echo "10 mx.$domain. 127.0.11.3"
EOF
cat > "$T/mailer.sh" <<EOF
#!/bin/sh
ulimit -c 0
case "\$*" in
*@crashm.test*)	kill -SEGV \$\$ ;;
*@cut.test*)	printf 'x@cut.test ok 250 2.0.0 queued'; kill -SEGV \$\$ ;;
esac
exec "$TOP/mailer/mailer" "\$@"
EOF
chmod 755 "$T/mxlookup.sh" "$T/mailer.sh"
MXLOOKUP=$T/mxlookup.sh MAILER=$T/mailer.sh setup "remoteport=$PORT" \
    "retrymin=0" "queuelife=60" "connecttimeout=5" "timeout=10"
maildir carol@example.test
echo "postmaster: carol" > "$T/aliases"

# Half a minute old: within queuelife on the first run.
queue_msg alice@example.test a@crash.test b@ok.test -a 30 -m mix > /dev/null
queue_msg alice@example.test c@crashm.test -a 30 -m mcrash > /dev/null
queue_msg alice@example.test d@conf.test -a 30 -m conf > /dev/null
queue_msg carol@example.test x@cut.test -a 30 -m cut > /dev/null
run
is "$?" 0 "run exits 0"
is "$(ls "$T/sink" | wc -l)" 1 "the domain whose helpers work got its mail"
list=$($SPOOLMGR -C "$CONF" list)
like "$list" "deferred +<a@crash\.test>" "the domain whose mxlookup crashes is deferred"
like "$list" "MX lookup failed \(killed by signal 11\)" "saying the lookup was killed by a signal"
like "$list" "deferred +<c@crashm\.test>" "the domain whose mailer crashes is deferred"
like "$list" "mailer gave no result \(killed by signal 11\)" "saying mailer was killed by a signal"
ok "$([ -f "$T/spool/domains/crash.test" ]; echo $?)" "crash.test gets a next-try of its own, as a failing domain"
like "$list" "deferred +<x@cut\.test>" \
    "a line that mailer's crash cut short is no report of a delivery"
is "$(files alice@example.test)" 0 "no DSN yet"

# Queuelife passes: the envelopes' arrival dates move a minute back.
python3 -c '
import re, sys
for path in sys.argv[1:]:
    with open(path, "r+") as f:
        text = re.sub(r"(?m)^Date: (\d+)$", lambda m: "Date: %d" % (int(m.group(1)) - 60), f.read())
        f.seek(0); f.write(text); f.truncate()' "$T/spool/out/"*.WRK
run
is "$(files alice@example.test)" 2 "after queuelife the sender got a DSN for each crashing domain"
dsns=$(for f in "$T/mail/example.test/alice/new/"*; do $HELPER dsn "$f"; done)
like "$dsns" "final-recipient rfc822; a@crash\.test" "one for a@crash.test"
like "$dsns" "final-recipient rfc822; c@crashm\.test" "one for c@crashm.test"
is "$(printf '%s\n' "$dsns" | grep -c '^action failed')" 2 "both Action: failed"
like "$(cat "$T/mail/example.test/alice/new/"*)" "gave up after 1 minute in the queue" \
    "the DSN says how long queuelife was, in the unit that says it"
is "$(ls "$T/sink" | wc -l)" 1 "the delivered recipient was not sent again"
is "$(spool_count)" 1 "only the system failure's message is left"
like "$($SPOOLMGR -C "$CONF" list)" "deferred +<d@conf\.test>" \
    "a helper's configuration fault still defers past queuelife"
like "$(cat "$T/mail/example.test/carol/new/"* 2>/dev/null | tr '\n' ' ')" \
    "mxlookup problem.*exit 78: mxlookup: smtpgate\.conf:3: resolver: bad" "and postmaster is told of it"
