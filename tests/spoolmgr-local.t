#!/bin/bash
# SPDX-License-Identifier: ISC
# spoolmgr run, local side: Maildir delivery read back over IMAP and POP3
# from Dovecot, aliases, postmaster, a DSN for an unknown user that parses
# as multipart/report, a bounce of a bounce going to postmaster once, and
# the queue tools (list, show, delete, stats, trace, health, -j).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 56

setup
maildir carol@example.test
mkdir -p "$T/archive/tmp" "$T/archive/new" "$T/archive/cur"
chown -R nobody:nogroup "$T/archive"
cat > "$T/aliases" <<EOF
# team: two people and an archive Maildir
team: alice, Bob@example.test, $T/archive/
root: postmaster
loop1: loop2
loop2: loop1
EOF

# --- Dovecot reads the Maildirs -----------------------------------------
IMAP=$(free_port)
POP=$(free_port)
mkdir -p "$T/dovecot"
cat > "$T/dovecot/dovecot.conf" <<EOF
protocols = imap pop3
listen = 127.0.0.1
base_dir = $T/dovecot/run
state_dir = $T/dovecot/state
log_path = $T/dovecot/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = nobody
default_login_user = nobody
mail_location = maildir:$T/mail/%d/%n
passdb {
  driver = static
  args = password=test
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=$T/mail/%d/%n
}
service imap-login {
  inet_listener imap {
    port = $IMAP
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $POP
  }
}
EOF
bg dovecot -F -c "$T/dovecot/dovecot.conf"
dovecot_pid=$!
wait_port 127.0.0.1 "$IMAP"

queue_msg ann@example.test alice@example.test -m plain -s "plain mail" \
    -b $'first line\n.dot line\nlast line\n' > /dev/null
run
is "$?" 0 "spoolmgr run exits 0"
is "$(spool_count)" 0 "the delivered message left the spool"
is "$(files alice@example.test)" 1 "one file in alice's Maildir new/"
f=$(newest alice@example.test)
like "$(head -2 "$f" | tr '\n' '|')" '^Return-Path: <ann@example\.test>\|Delivered-To: alice@example\.test\|$' \
    "Return-Path: and Delivered-To: prepended"
like "$(basename "$f")" '^[0-9]+\.M[0-9]+P[0-9]+Q[0-9]+\.gw\.test$' \
    "Maildir file name time.M<usec>P<pid>Q<n>.host"

imap=$(python3 - "$IMAP" <<'EOF'
import imaplib, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login("alice@example.test", "test")
m.select("INBOX")
typ, data = m.search(None, "ALL")
ids = data[0].split()
typ, msg = m.fetch(ids[-1], "(BODY[HEADER.FIELDS (SUBJECT)] BODY[TEXT])")
print(len(ids), msg[0][1].decode().strip(), repr(msg[1][1].decode()))
m.logout()
EOF
)
like "$imap" "^1 Subject: plain mail 0 'first line.r.n.dot line.r.nlast line.r.n'" \
    "IMAP shows the message, dot line and all"

pop=$(python3 - "$POP" <<'EOF'
import poplib, sys
p = poplib.POP3("127.0.0.1", int(sys.argv[1]))
p.user("alice@example.test")
p.pass_("test")
n, size = p.stat()
resp, lines, octets = p.retr(n)
print(n, [l.decode() for l in lines if l.startswith(b"Message-ID")])
p.quit()
EOF
)
like "$pop" "^1 \['Message-ID: <plain.0@test>'\]" "POP3 retrieves the same message"

# A mailbox made with mkdir alone (as the README says) gets tmp/ new/ cur/.
mkdir "$T/mail/example.test/frank"
chown nobody:nogroup "$T/mail/example.test/frank"
queue_msg ann@example.test frank@example.test -m bare > /dev/null
run
is "$(files frank@example.test)" 1 "a Maildir made with mkdir alone receives mail"

# --- aliases -------------------------------------------------------------
queue_msg ann@example.test TEAM@example.test -m team > /dev/null
queue_msg ann@example.test root@example.test -m root > /dev/null
run
is "$(files alice@example.test)" 2 "alias team reached alice"
is "$(files bob@example.test)" 1 "and Bob (local part lower-cased)"
is "$(ls "$T/archive/new" | wc -l)" 1 "and the archive Maildir named by path"
like "$(head -2 "$(newest bob@example.test)" | tail -1)" 'Delivered-To: [Bb]ob@example\.test' \
    "Delivered-To names the final mailbox"
is "$(files postmaster@example.test)" 1 "root is an alias of postmaster"
like "$($SPOOLMGR -C "$CONF" trace alice@example.test)" "alias <alice@example\.test> from <ann@example\.test> via local: 250 .*<team\.0@test>" \
    "trace finds an alias's target"

# --- unknown user: a DSN in the sender's Maildir --------------------------
queue_msg carol@example.test nosuch@example.test alice@example.test -m unknown \
    -V "env+2Bid.42" > /dev/null
run
is "$(files alice@example.test)" 3 "the good recipient of the same message got it"
is "$(files carol@example.test)" 1 "carol (the sender) got one DSN"
dsn=$($HELPER dsn "$(newest carol@example.test)")
like "$dsn" "content-type multipart/report" "the DSN is multipart/report"
like "$dsn" "report-type delivery-status" "report-type=delivery-status"
like "$dsn" "part message/delivery-status" "with a message/delivery-status part"
like "$dsn" "part text/rfc822-headers" "and the original headers (RET=HDRS default)"
like "$dsn" "final-recipient rfc822; nosuch@example.test" "Final-Recipient names the unknown user"
like "$dsn" "action failed" "Action: failed"
like "$dsn" "status 5.1.1" "Status: 5.1.1"
like "$dsn" "diagnostic-code X-Smtpgate; 550 5\.1\.1" "Diagnostic-Code of our own delivery: not smtp (RFC 3464 2.3.6)"
ok "$(echo "$dsn" | grep -q remote-mta; [ $? -ne 0 ]; echo $?)" "and no Remote-MTA"
like "$dsn" "original-envelope-id env\+id.42" "Original-Envelope-Id, xtext decoded"
like "$dsn" "return-path <>" "sent with the null sender"
like "$(grep -c nosuch "$(newest carol@example.test)")" "^[1-9]" "the DSN names the recipient"
is "$(spool_count)" 0 "message and DSN both left the spool"

# --- RET=FULL and NOTIFY=NEVER --------------------------------------------
queue_msg carol@example.test nosuch@example.test -m full -R FULL -b $'the body\n' > /dev/null
queue_msg carol@example.test nosuch@example.test -m never -N NEVER > /dev/null
run
is "$(files carol@example.test)" 2 "NOTIFY=NEVER got no DSN, RET=FULL got one"
dsn=$($HELPER dsn "$(newest carol@example.test)")
like "$dsn" "part message/rfc822" "RET=FULL returns the whole message"
like "$(cat "$(newest carol@example.test)")" "the body" "body included"

# --- a bounce of a bounce goes to postmaster, once ------------------------
pm_before=$(files postmaster@example.test)
queue_msg "" nosuch@example.test -m nullsender > /dev/null
run
run
is "$(files postmaster@example.test)" $((pm_before + 1)) "a failed null-sender message: one double bounce to postmaster"
like "$($HELPER dsn "$(newest postmaster@example.test)")" "final-recipient rfc822; nosuch@example.test" \
    "the double bounce is a DSN about the lost recipient"

# --- alias loop: failure, not a hang --------------------------------------
queue_msg carol@example.test loop1@example.test -m loop > /dev/null
run
like "$($HELPER dsn "$(newest carol@example.test)")" "status 5.4.6" "an alias loop fails with 5.4.6"

# --- a loop between hosts: too many Received: fields (RFC 5321 6.3) -------
a=$(files alice@example.test)
n=$(files carol@example.test)
queue_msg carol@example.test alice@example.test -m hops100 -H 99 > /dev/null
queue_msg carol@example.test alice@example.test -m hops101 -H 100 > /dev/null
run
is "$(files alice@example.test)" $((a + 1)) "100 Received: fields are delivered, 101 are not"
is "$(files carol@example.test)" $((n + 1)) "the sender of the looping one gets a DSN"
f=$(grep -l '^Message-ID: <hops101\.0@test>' "$T/mail/example.test/carol/new/"* | head -1)
dsn=$([ -n "$f" ] && $HELPER dsn "$f" | tr '\n' '|')
like "$dsn" "final-recipient rfc822; alice@example.test\|action failed\|status 5\.4\.6\|" \
    "a DSN about that message, Status 5.4.6 (routing loop)"
is "$(spool_count)" 0 "both left the spool"

# --- queue tools -----------------------------------------------------------
chmod 000 "$T/mail/example.test/bob"	# nobody can no longer write there
queue_msg ann@example.test bob@example.test -m held > /dev/null
run
id=$(ls "$T/spool/in" | sed -n 's/\.WRK$//p' | head -1)
like "$($SPOOLMGR -C "$CONF" list)" "deferred +<bob@example.test>" "list shows the deferred recipient"
like "$($SPOOLMGR -C "$CONF" list -j | head -1)" '^\{"id":'"$id"',"queue":"in".*"state":"deferred"' \
    "list -j gives JSON lines"
like "$($SPOOLMGR -C "$CONF" show "$id")" "Message-ID: <held.0@test>" "show prints the headers"
like "$($SPOOLMGR -C "$CONF" stats -j)" '"deferred":1' "stats -j counts the deferred recipient"
out=$($SPOOLMGR -C "$CONF" health -w 1h -c 2h); rc=$?
like "$out" "^SMTPGATE OK - oldest [0-9]+s, in 1, out 0, deferred 1, last delivery .* \| oldest=" \
    "health prints one Nagios line"
is "$rc" 0 "health exits 0 when the oldest is younger than -w"
$SPOOLMGR -C "$CONF" health -w 0 -c 1h > /dev/null
is "$?" 1 "health exits 1 (WARNING) past -w"
out=$($SPOOLMGR -C "$CONF" health -w 0 -c 0); rc=$?
is "$rc" 2 "health exits 2 (CRITICAL) past -c"
like "$out" "^SMTPGATE CRITICAL - .*\| oldest=[0-9]+s;0;0 in=1 out=0 deferred=1 bad=0 deferral_ratio=[0-9.]+$" \
    "with the thresholds in its perfdata"
for cmd in show delete retry; do
	out=$($SPOOLMGR -C "$CONF" $cmd 999999 2>&1); rc=$?
	is "$rc:$out" "66:spoolmgr: 999999: no such message" "$cmd of a missing ID exits 66 and says so"
done
like "$($SPOOLMGR -C "$CONF" trace "<held.0@test>")" "deferred <bob@example.test>" \
    "trace by Message-ID shows the attempt"
json=$( { $SPOOLMGR -C "$CONF" -j list; $SPOOLMGR -C "$CONF" -j stats;
    $SPOOLMGR -C "$CONF" health -j; $SPOOLMGR -C "$CONF" -j trace bob@example.test; } |
    python3 -c 'import json, sys; print(sum(1 for l in sys.stdin if json.loads(l)))')
like "$json" "^[4-9]$|^[1-9][0-9]+$" "list, stats, health and trace -j print lines that parse as JSON"
chmod 750 "$T/mail/example.test/bob"
$SPOOLMGR -C "$CONF" delete "$id" > /dev/null
is "$?" 0 "delete exits 0"
is "$(spool_count)" 0 "and the message is gone"
like "$($SPOOLMGR -C "$CONF" trace bob@example.test)" "deleted <bob@example.test>" \
    "the deletion is in the journal"
doveadm -c "$T/dovecot/dovecot.conf" stop 2>/dev/null
wait_for 5 sh -c "! kill -0 $dovecot_pid 2>/dev/null" || true
