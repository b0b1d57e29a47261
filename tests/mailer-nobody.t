#!/bin/bash
# SPDX-License-Identifier: ISC
# sendmail mode for an ordinary user: mailer installed set-group-ID to the
# spool's group (here "mail") queues and delivers for nobody; without the
# bit, or with a user's own -C, it cannot touch the spool; the child that
# talks to the network has given the group up.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
plan 22

# A mailer whose default configuration is $T/etc/smtpgate/smtpgate.conf,
# as an installed one reads /etc/smtpgate/smtpgate.conf.
make -s -C "$TOP" O="$T/build/" SYSCONFDIR="$T/etc" CFLAGS=-O0 \
    "$T/build/mailer/mailer" > "$T/make.log" 2>&1
ok $? "a mailer built with SYSCONFDIR=$T/etc"
mkdir -p "$T/bin"
cp "$T/build/mailer/mailer" "$T/bin/mailer"
chgrp mail "$T/bin/mailer"
chmod 2755 "$T/bin/mailer"
cp "$T/build/mailer/mailer" "$T/bin/plain"
chmod 755 "$T/bin/plain"

# The spool: group mail, group-writable, set-group-ID directories.
mkdir -p "$T/spool/in" "$T/spool/out" "$T/spool/bad"
chown -R root:mail "$T/spool"
chmod 2770 "$T/spool" "$T/spool/in" "$T/spool/out" "$T/spool/bad"

P=$(free_port)
sink s "127.0.0.1:$P"
mkdir -p "$T/etc/smtpgate"
conf "$T/etc/smtpgate/smtpgate.conf" "spool=$T/spool" "relayhost=127.0.0.1:$P" \
    group=mail user=mail "aliases=$T/aliases" "mailroot=$T/mail"
sed -i '/^logfile=/d' "$T/etc/smtpgate/smtpgate.conf"
chmod 644 "$T/etc/smtpgate/smtpgate.conf"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

# The journal: spoolmgr, as the gateway's user (here mail), makes the day
# files; the set-group-ID mailer run by nobody appends through the group.
SPOOLMGR=$TOP/spoolmgr/spoolmgr
sm_conf=$T/etc/smtpgate/smtpgate.conf
day=$(date -u +%Y-%m-%d)
"$SPOOLMGR" -C "$sm_conf" run 2> /dev/null
is "$(stat -c '%U:%G %a' "$T/spool/journal/$day" 2>&1)" "mail:mail 660" \
    "spoolmgr run made today's journal file, for the spool group to append"

printf 'Subject: from nobody\n\nhi\n' | as_nobody "$T/bin/mailer" r@x.test 2> "$T/err"
is "$?" 0 "nobody sends a message: exit 0"
like "$("$SPOOLMGR" -C "$sm_conf" trace r@x.test 2>&1)" \
    "delivered <r@x\.test> from <nobody@client\.test>( via [^:]*)?: 250 " \
    "the journal has nobody's delivery at once"
f=$(kept_file s)
like "$(grep '^X-Mail-Args' "$f")" '<nobody@client.test>' "it arrived, from nobody@client.test"
like "$(cat "$f")" 'Received: from local user nobody \(uid 65534\)' "Received: names the user"
is "$(find "$T/spool/in" -type f | wc -l | tr -d ' ')" 0 "delivered: nothing left in the spool"
# Without a prepared file nobody's mailer still delivers, but makes no
# journal file of its own: one it owned, it could rewrite or read.
rm -f "$T/spool/journal/"*
printf 'Subject: no journal\n\nhi\n' | as_nobody "$T/bin/mailer" r@x.test 2> "$T/err"
is "$?" 0 "no journal file for today: nobody's message is still delivered"
is "$(find "$T/spool/journal" -user nobody | wc -l | tr -d ' ')" 0 \
    "... and nobody owns no journal file"

printf 'Subject: queued\n\nhi\n' | as_nobody "$T/bin/mailer" -odq r@x.test
is "$?" 0 "-odq as nobody: exit 0"
wrk=$(ls "$T"/spool/in/*.WRK)
is "$(stat -c '%U:%G %a' "$wrk" "${wrk%.WRK}.TXT" | sort -u)" "nobody:mail 640" \
    "queued files are nobody's, readable by the spool's group"
like "$(as_nobody "$T/bin/mailer" -bp)" '^ +pending +<r@x.test>' "-bp as nobody lists it"

# -bs as nobody: smtpd's engine in the set-group-ID mailer queues through
# the same spool writer, with nobody's files; -q is not nobody's to run.
printf 'EHLO me\r\nMAIL FROM:<nobody@client.test>\r\nRCPT TO:<r2@x.test>\r\nDATA\r\nSubject: bs\r\n\r\nhi\r\n.\r\nQUIT\r\n' |
    as_nobody "$T/bin/mailer" -bs > "$T/bs.out"
like "$(cat "$T/bs.out")" "250 2.0.0 queued as [0-9]+" "-bs as nobody: the message is queued"
wrk=$(grep -l 'r2@x.test' "$T"/spool/in/*.WRK)
is "$(stat -c '%U:%G %a' "$wrk" "${wrk%.WRK}.TXT" | sort -u)" "nobody:mail 640" \
    "-bs: the files are nobody's, readable by the spool's group"
as_nobody "$T/bin/mailer" -q 2> "$T/err"
is "$?" 77 "-q as nobody through the set-group-ID mailer: exit 77"
rm -f "$wrk" "${wrk%.WRK}.TXT"

# Without the set-group-ID bit nobody cannot queue; with -C the group is
# dropped before the user's file is read.
printf 'x\n' | as_nobody "$T/bin/plain" r@x.test 2> "$T/err"
is "$?" 73 "no set-group-ID bit: EX_CANTCREAT"
like "$(cat "$T/err")" 'Permission denied' "... permission denied"
cp "$T/etc/smtpgate/smtpgate.conf" "$T/own.conf"
chmod 644 "$T/own.conf"
printf 'x\n' | as_nobody "$T/bin/mailer" -C "$T/own.conf" r@x.test 2> "$T/err"
is "$?" 73 "a user's -C: the group is given up first"
is "$(ls "$T"/spool/in/*.WRK | wc -l | tr -d ' ')" 1 "neither queued anything"

# The child that does DNS and SMTP has no group privilege: catch it
# waiting on a silent relayhost and read its ids.
SILENT=$(free_port)
bg python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(5); time.sleep(120)' "$SILENT"
wait_port 127.0.0.1 "$SILENT"
sed -i "s/^relayhost=.*/relayhost=127.0.0.1:$SILENT/" "$T/etc/smtpgate/smtpgate.conf"
printf 'x\n' | setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$T/bin/mailer" -w 4 r@x.test 2> /dev/null &
parent=$!
_pids="$_pids $parent"
child=""
for i in $(seq 1 30); do
	child=$(pgrep -P "$parent" | head -1)
	[ -n "$child" ] && break
	sleep 0.1
done
sleep 0.5	# past the fork, waiting for the greeting
pgid=$(awk '/^Gid:/ {print $2, $3, $4}' "/proc/$child/status" 2>/dev/null)
is "$pgid" "65534 65534 65534" "the delivering child's real, effective and saved gid are nogroup"
wait "$parent"
is "$?" 75 "the silent relayhost: EX_TEMPFAIL when -w runs out"

# -x never needs the spool: it gives the group up at once.
printf 'x\n' > "$T/m"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$T/bin/mailer" -x \
    -T greeting=3 -f s@client.test -h "127.0.0.1:$SILENT" r@x.test \
    < "$T/m" > /dev/null &
xpid=$!
_pids="$_pids $xpid"
sleep 0.5
is "$(awk '/^Gid:/ {print $2, $3, $4}' "/proc/$xpid/status" 2>/dev/null)" \
    "65534 65534 65534" "mailer -x run by nobody holds no group"
wait "$xpid"
