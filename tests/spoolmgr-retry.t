#!/bin/bash
# SPDX-License-Identifier: ISC
# spoolmgr retries and notices over time: the retry interval, retry ID,
# one delay warning after delaywarn, failure after queuelife, NOTIFY=SUCCESS,
# unparseable files to bad/, journal pruning.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 32

setup "retrymin=10m" "retrymax=1h" "delaywarn=4h" "queuelife=5d"
maildir carol@example.test
wrk_of() { grep -l "$1" "$T/spool/in/"*.WRK "$T/spool/out/"*.WRK 2>/dev/null | head -1; }

chmod 000 "$T/mail/example.test/bob"	# bob's Maildir unwritable: deferrals
queue_msg carol@example.test bob@example.test -m young > /dev/null
run
w=$(wrk_of young)
like "$(grep State: "$T/spool/in/"*.WRK)" "deferred [0-9]+ 1 " "a deferral: tries 1"
run
like "$(grep State: "$T/spool/in/"*.WRK)" "deferred [0-9]+ 1 " "not due for 10 minutes: the next run leaves it alone"
id=$(ls "$T/spool/in" | sed -n 's/\.WRK$//p')
$SPOOLMGR -C "$CONF" retry "$id" > /dev/null
like "$(grep State: "$T/spool/in/$id.WRK")" "deferred [0-9]+ 2 " "retry ID tries it now: tries 2"
next=$(grep State: "$T/spool/in/$id.WRK" | awk '{print $6 - $4}')
is "$next" 1200 "the second interval is twice the first"
is "$(files carol@example.test)" 0 "a young message: no delay warning"
$SPOOLMGR -C "$CONF" delete "$id" > /dev/null

# --- a delay warning, once ---------------------------------------------------
queue_msg carol@example.test bob@example.test -m old -a $((5 * 3600)) > /dev/null
run
run
$SPOOLMGR -C "$CONF" retry > /dev/null
is "$(files carol@example.test)" 1 "a message deferred past delaywarn: one delay warning over three runs"
dsn=$($HELPER dsn "$(newest carol@example.test)")
like "$dsn" "action delayed" "Action: delayed"
like "$dsn" "status 4\.[0-9.]+" "Status: 4.x.x"
like "$($SPOOLMGR -C "$CONF" trace '<old.0@test>')" "notified <bob@example\.test> .*\[delay DSN [0-9]+\]" \
    "the journal names the delay notice"
$SPOOLMGR -C "$CONF" delete "$(ls "$T/spool/in" | sed -n 's/\.WRK$//p')" > /dev/null

# --- queuelife: failure --------------------------------------------------------
# A relay host whose port is closed: a deferral of the message's own.
echo "relayhost=127.0.0.1:$(free_port)" >> "$CONF"
n=$(files carol@example.test)
queue_msg carol@example.test x@remote.test -m ancient -a $((6 * 86400)) -N FAILURE > /dev/null
run
is "$(spool_count)" 0 "a message older than queuelife fails and leaves the spool"
is "$(files carol@example.test)" $((n + 1)) "the sender gets a DSN"
dsn=$($HELPER dsn "$(newest carol@example.test)")
like "$dsn" "action failed" "the sender gets a failure DSN"
like "$(cat "$(newest carol@example.test)")" "gave up after 5 days" "saying why"

# bob's unwritable Maildir is the system's fault, not the message's: an old
# message waits for the fix (postmaster is told) and is never bounced.
queue_msg carol@example.test bob@example.test -m stuck -a $((6 * 86400)) > /dev/null
run
is "$(spool_count)" 1 "a system failure past queuelife: the message stays queued"
is "$(grep -l '<stuck\.0@test>' "$T/mail/example.test/carol/new/"* | xargs grep -l '^Action: failed' | wc -l)" 0 \
    "and is not bounced (a delay warning is all the sender gets)"
chmod 750 "$T/mail/example.test/bob"
$SPOOLMGR -C "$CONF" retry > /dev/null
is "$(files bob@example.test)$(spool_count)" 10 "delivered once the Maildir is fixed"

# --- a full disk: every fsync fails with ENOSPC --------------------------------
n=$(files carol@example.test)
queue_msg carol@example.test alice@example.test -m fulldisk > /dev/null
strace -f -qq -o /dev/null -e trace=fsync -e inject=fsync:error=ENOSPC \
    "$SPOOLMGR" -C "$CONF" run 2> /dev/null
is "$(spool_count)" 1 "a full disk: the message stays queued"
is "$(files alice@example.test)$(files carol@example.test)" "0$n" "not delivered, and not bounced"
like "$(cat "$T/spoolmgr.log")" "system problem \(local\): 452 4\.3\.1" "the log names a system problem"
run
is "$(files alice@example.test)" 1 "delivered once the disk has room"

# --- NOTIFY=SUCCESS ------------------------------------------------------------
n=$(files carol@example.test)
queue_msg carol@example.test alice@example.test -m success -N SUCCESS > /dev/null
run
is "$(files carol@example.test)" $((n + 1)) "NOTIFY=SUCCESS: a notice to the sender"
like "$($HELPER dsn "$(newest carol@example.test)")" "action delivered" "Action: delivered"

# --- bad files -------------------------------------------------------------------
printf 'garbage\n' > "$T/spool/in/4000.WRK"
printf 'text\n' > "$T/spool/in/4000.TXT"
chown nobody "$T/spool/in/4000."*
run
ok "$([ -f "$T/spool/bad/4000.WRK" ] && [ -f "$T/spool/bad/4000.TXT" ]; echo $?)" \
    "an unparseable envelope and its text go to bad/"
like "$(cat "$T/spoolmgr.log")" "message 4000: .*moved to bad/" "with a log line"
like "$($SPOOLMGR -C "$CONF" stats)" "1 in bad/" "stats counts it"
printf 'old text\n' > "$T/spool/in/4001.TXT"
touch -d '2 days ago' "$T/spool/in/4001.TXT"
printf 'text being committed\n' > "$T/spool/in/4002.TXT"
chown nobody "$T/spool/in/400"[12].TXT
run
ok "$([ -f "$T/spool/bad/4001.TXT" ]; echo $?)" "a day-old text without an envelope goes to bad/"
ok "$([ -f "$T/spool/in/4002.TXT" ]; echo $?)" "a fresh one (a writer between renames) is left alone"
rm -f "$T/spool/in/4002.TXT"
# A crash halfway through the move to out/ (TXT moved, WRK not) of a
# message two days old: the text in out/ has no WRK beside it, but it is
# no orphan; the next run completes the move and delivers.
id=$(queue_msg carol@example.test alice@example.test -m halfmoved)
mv "$T/spool/in/$id.TXT" "$T/spool/out/$id.TXT"
touch -d '2 days ago' "$T/spool/out/$id.TXT"
a=$(files alice@example.test)
run
is "$(files alice@example.test):$(ls "$T/spool/bad" | grep -c "^$id\.")" "$((a + 1)):0" \
    "a day-old message cut short between its two renames to out/ is delivered, not sent to bad/"

# --- journal pruning -------------------------------------------------------------
echo "old line" > "$T/spool/journal/2020-01-01"
chown nobody "$T/spool/journal/2020-01-01"
run
ok "$([ ! -f "$T/spool/journal/2020-01-01" ]; echo $?)" "journal files older than journaldays are removed"
ok "$(ls "$T/spool/journal/" | grep -q "$(date -u +%Y-%m-%d)"; echo $?)" "today's is kept"

# --- postmaster must reach a mailbox ------------------------------------------
sed -i 's/^localdomains=.*/localdomains=example.test empty.test/' "$CONF"
err=$($SPOOLMGR -C "$CONF" run 2>&1)
like "$err" "postmaster@empty\.test reaches no mailbox" "run complains when postmaster of a local domain reaches no mailbox"
echo "postmaster@empty.test: postmaster@example.test" >> "$T/aliases"
is "$($SPOOLMGR -C "$CONF" run 2>&1)" "" "an alias to a real mailbox quiets it"
