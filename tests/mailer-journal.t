#!/bin/bash
# SPDX-License-Identifier: ISC
# The journal knows every attempt, from either program (lib/journal.c):
# mailer's deliveries at once, delivered and deferred, show in
# "spoolmgr trace" beside spoolmgr's own; the spool's group may append
# to its files; text from a sender's header cannot add a line or reach
# the administrator's terminal raw.  (The set-group-ID case for an
# ordinary user is in mailer-nobody.t.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 13

P=$(free_port)
sink s "127.0.15.1:$P"
P4=$(free_port)
sink s4 "127.0.15.2:$P4" -r RCPT
setup "relayhost=127.0.15.1:$P"
maildir bob@example.test
sed "s/^relayhost=.*/relayhost=127.0.15.2:$P4/" "$CONF" > "$T/defer.conf"
day=$(date -u +%Y-%m-%d)
trace() { "$SPOOLMGR" -C "$CONF" trace "$1" 2>&1; }

# Delivered at once: the journal has it, spoolmgr never saw the message.
printf 'Subject: at once\n\nhi\n' | "$MAILER" -C "$CONF" -f s@client.test bob@example.net
is "$?" 0 "mailer delivers to bob@example.net at once"
is "$(kept s)" 1 "... the sink has it"
like "$(trace bob@example.net)" \
    "^[0-9-]+ [0-9:]+Z [0-9]+ delivered <bob@example\.net> from <s@client\.test> via tls=none: 250 " \
    "spoolmgr trace shows the delivery at once"

# Deferred at once: a line too, and the message stays for spoolmgr.
printf 'Subject: later\n\nhi\n' | "$MAILER" -C "$T/defer.conf" -f s@client.test carol@example.net 2> "$T/err"
is "$?" 75 "a 4xx at once: EX_TEMPFAIL"
like "$(trace carol@example.net)" \
    "deferred <carol@example\.net> from <s@client\.test>: 4[0-9][0-9] " \
    "spoolmgr trace shows the deferred attempt at once"
id=$(trace carol@example.net | awk '{print $3; exit}')
is "$(ls "$T/spool/in/$id.WRK" 2>/dev/null | wc -l | tr -d ' ')" 1 \
    "... with the number the message is queued as"

# spoolmgr's own attempts go through the same writer, into the same file.
"$SPOOLMGR" -C "$CONF" retry "$id" > /dev/null
run
like "$(trace carol@example.net | tail -2)" "delivered <carol@example\.net> .*via .*127\.0\.15\.1" \
    "spoolmgr's retry of it follows in the trace"
is "$(stat -c %a "$T/spool/journal")" 770 "the journal directory is the spool group's (0770)"
is "$(stat -c %a "$T/spool/journal/$day")" 660 "the day's file is the spool group's to append (0660)"

# A Message-ID with an OSC sequence, BEL and a tab, delivered locally.
evil=$(printf 'evil\033]0;owned\007\tx')
queue_msg a@remote.test bob@example.test -m "$evil" > /dev/null
run
is "$(grep -c "$(printf '\033')" "$T/spool/journal/$day")" 0 \
    "no ESC byte from a header reaches the journal"
is "$(awk -F'\t' 'NF != 9' "$T/spool/journal/$day" | wc -l | tr -d ' ')" 0 \
    "every journal line has its nine fields"
like "$(trace bob@example.test)" 'delivered <bob@example\.test> .*<evil\\x1b\]0;owned\\x07\\tx\.0@test>' \
    "trace shows the control bytes escaped"
ok "$(trace bob@example.test | grep -q "$(printf '\033')"; [ $? -ne 0 ]; echo $?)" \
    "... and prints no ESC to the terminal"
