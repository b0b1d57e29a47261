#!/bin/bash
# SPDX-License-Identifier: ISC
# Each remote recipient keeps exactly its own reply (issue 8, defect 4).
# One message to four recipients at one server (tests/mailer-server.py
# on 127.0.11.1, as relay host): one taken, two refused with different
# texts (one of them in two lines), one deferred.  The sender's DSN has
# exactly two well-formed per-recipient groups (RFC 3464 2.3:
# Final-Recipient, Action, Status), each with only its own reply; the
# WRK, list, journal, log and trace hold each recipient's own reply,
# nothing merged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 19

PORT=$(free_port)
mkdir -p "$T/server"
bg python3 "$TOP/tests/mailer-server.py" 127.0.11.1 "$PORT" "$T/server" refuse
wait_port 127.0.11.1 "$PORT"
setup "relayhost=127.0.11.1:$PORT" "retrymin=1h" "connecttimeout=5" "timeout=10"
maildir carol@example.test

queue_msg carol@example.test ok-1@far.test no-2@far.test gone-3@far.test \
    later-4@far.test -m four > /dev/null
run
is "$?" 0 "run exits 0"
is "$(ls "$T/server" | grep -c '\.raw$')" 1 "the server took the message once"
is "$(cat "$T/server/1.rcpt" 2>/dev/null)" "<ok-1@far.test>" "for the one recipient it took"
is "$(files carol@example.test)" 1 "the sender got one DSN"

# The DSN as Python's email package reads it: every per-recipient group,
# "FINAL-RECIPIENT|ACTION|STATUS|DIAGNOSTIC-CODE", one a line.
groups=$(python3 - "$(newest carol@example.test)" <<'EOF'
import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"),
                                     policy=email.policy.default)
for part in msg.walk():
    if part.get_content_type() == "message/delivery-status":
        for block in part.get_payload()[1:]:
            print("|".join(" ".join(str(block.get(k, "")).split()) for k in
                  ("Final-Recipient", "Action", "Status", "Diagnostic-Code")))
EOF
)
is "$(printf '%s\n' "$groups" | grep -c .)" 2 "exactly two per-recipient groups"
is "$(printf '%s\n' "$groups" | grep -Ec '^rfc822; [^|]+\|failed\|5\.[0-9]+\.[0-9]+\|smtp; 5')" 2 \
    "each with Final-Recipient, Action, Status and Diagnostic-Code"
like "$(printf '%s\n' "$groups" | grep 'no-2@')" \
    '^rfc822; no-2@far\.test\|failed\|5\.1\.1\|smtp; 550 5\.1\.1 <no-2@far\.test>: no mailbox here$' \
    "no-2's group holds its own reply and nothing else"
like "$(printf '%s\n' "$groups" | grep 'gone-3@')" \
    '^rfc822; gone-3@far\.test\|failed\|5\.2\.1\|smtp; 550 5\.2\.1 <gone-3@far\.test>: mailbox disabled (5\.2\.1 )?ask its owner$' \
    "gone-3's group holds its own two-line reply, joined, and nothing else"
is "$(python3 -c '
import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"),
                                     policy=email.policy.default)
# the notice and the report, not the copied header (To: names everyone)
print(sum(str(part.get_payload()).count(a) for a in ("ok-1@", "later-4@")
          for part in msg.walk() if part.get_content_type() in
          ("text/plain", "message/delivery-status")))' "$(newest carol@example.test)")" 0 \
    "the DSN says nothing of the delivered and the deferred recipient"

# The deferred recipient: its State line and list show its own reply.
is "$(grep -c '^State: ' "$T/spool/out/"*.WRK)" 4 "the WRK has one State line per recipient"
like "$(grep '^State: <later-4@far\.test>' "$T/spool/out/"*.WRK)" \
    '^State: <later-4@far\.test> deferred [0-9]+ 1 [0-9]+ 450 4\.2\.1 <later-4@far\.test>: try again later$' \
    "later-4's State line holds its own reply"
ok "$(grep -Evq '^(From|To|Id|Date|Client|State): ' "$T/spool/out/"*.WRK; [ $? -ne 0 ]; echo $?)" \
    "no stray lines in the WRK"
like "$($SPOOLMGR -C "$CONF" list | grep -A1 'later-4@' | tr '\n' '|')" \
    'deferred +<later-4@far\.test> .*\| +450 4\.2\.1 <later-4@far\.test>: try again later\|' \
    "list shows later-4's own reply"

# Journal lines of nine tab-separated fields, each reply its own.
is "$(awk -F'\t' '$5 ~ /^(ok-1|no-2|gone-3|later-4)@/ && $6 != "bounced"' "$T/spool/journal/"* | wc -l)" 4 \
    "one attempt line in the journal per recipient"
is "$(awk -F'\t' '$5 ~ /@far\.test$/ { n = $5; sub(/@.*/, "", n); r = $8; gsub("<" n "@far\\.test>", "", r);
    if (NF != 9 || r ~ /out |@far/) print }' "$T/spool/journal/"* | wc -l)" 0 \
    "no journal line holds another recipient's reply"
like "$(awk -F'\t' '$5 == "ok-1@far.test" && $6 == "delivered" { print $8 }' "$T/spool/journal/"*)" \
    '^250 2\.0\.0 queued as 1$' "the delivered recipient's journal reply is the server's 250 alone"
like "$($SPOOLMGR -C "$CONF" trace no-2@far.test)" '550 5\.1\.1 <no-2@far\.test>: no mailbox here' \
    "trace shows no-2's reply"
is "$($SPOOLMGR -C "$CONF" trace no-2@far.test | python3 -c '
import re, sys
# trace shows every recipient of the message: one address a line, its own
print(sum(1 for l in sys.stdin if " out " in l or
          len(set(re.findall(r"[a-z0-9-]+@far\.test", l))) != 1))')" 0 \
    "each of trace's lines holds one recipient's reply, not another's"
ok "$(grep -Eq '^out |: <no-2@far\.test>: failed: .*(gone-3|ok-1)' "$T/spoolmgr.log"; [ $? -ne 0 ]; echo $?)" \
    "the log has one line per recipient, nothing merged"
