#!/bin/bash
# SPDX-License-Identifier: ISC
# mailer as the system's sendmail: -q runs the queue (root and the
# gateway's user only), -odq queues only, -bv checks recipients, -I and
# newaliases check the aliases file, -bs takes an SMTP session on stdin
# (Python's smtplib and swaks over a pipe), and the real mail(1)
# programs, s-nail and bsd-mailx, send through it with Cc and Bcc.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailer-lib.sh"
plan 46

P=$(free_port)
sink s "127.0.24.1:$P"
make_spool "$T/spool"
mkdir -p "$T/mail/local.test/carl"
echo 'root: carl' > "$T/aliases"
# a stand-in spoolmgr that says how it was run
cat > "$T/fake-spoolmgr" <<EOT
#!/bin/sh
echo "\$(id -un):\$(id -gn) \$*" >> "$T/ran"
EOT
chmod 755 "$T/fake-spoolmgr"
: > "$T/ran"
chmod 666 "$T/ran"
conf "$T/c.conf" "spool=$T/spool" "relayhost=127.0.24.1:$P" user=nobody \
    localdomains=local.test "mailroot=$T/mail" "aliases=$T/aliases" \
    "spoolmgr=$T/fake-spoolmgr" "mxlookup=$TOP/mxlookup/mxlookup" \
    "mailer=$MAILER"
chmod 644 "$T/c.conf"
sm() { "$MAILER" -C "$T/c.conf" "$@"; }
queued() { find "$T/spool/in" -name '*.WRK' | wc -l | tr -d ' '; }
as_daemon() { setpriv --reuid=daemon --regid=daemon --clear-groups "$@"; }

# -q[time]: sendmail's, Postfix's and dma's queue run.
sm -q < /dev/null
is "$?" 0 "-q as root: exit 0"
is "$(cat "$T/ran")" "nobody:nogroup -C $T/c.conf run" \
    "-q ran spoolmgr run, as the gateway's user, with the configuration"
: > "$T/ran"
sm -q30m
is "$?$(cat "$T/ran")" "0nobody:nogroup -C $T/c.conf run" "-q30m: the time is ignored"
: > "$T/ran"
sm -qRexample.org && sm -qS example && sm -q1h -v
is "$?$(wc -l < "$T/ran" | tr -d ' ')" "03" "-qR..., -qS..., -q1h -v are taken too"
: > "$T/ran"
as_daemon "$MAILER" -C "$T/c.conf" -q 2> "$T/err"
is "$?" 77 "-q by an ordinary user: exit 77 (EX_NOPERM)"
like "$(cat "$T/err")" "^mailer: -q: only root and the gateway's user \(nobody\) may run the queue" \
    "... with a clear message"
ok "$([ ! -s "$T/ran" ]; echo $?)" "... and spoolmgr was not run"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$MAILER" -C "$T/c.conf" -q
is "$?$(cat "$T/ran")" "0nobody:nogroup -C $T/c.conf run" "-q by the gateway's user runs it"
sed "s|^spoolmgr=.*|spoolmgr=$T/none|" "$T/c.conf" > "$T/nosm.conf"
"$MAILER" -C "$T/nosm.conf" -q 2> "$T/err"
is "$?" 69 "-q with no spoolmgr at spoolmgr=: exit 69"
like "$(cat "$T/err")" "^mailer: -q: $T/none: No such file" "... saying which program"

# -odq queues only; -odi and -odb deliver.
n=$(kept s)
printf 'Subject: odq\n\nx\n' | sm -odq r@x.test
is "$?$(queued)$(kept s)" "01$n" "-odq: queued, not sent"
printf 'Subject: odi\n\nx\n' | sm -odi r@x.test
is "$?$(kept s)" "0$((n + 1))" "-odi: delivered at once"
printf 'Subject: odb\n\nx\n' | sm -odb r@x.test
is "$?" 0 "-odb: exit 0 at once"
wait_for 10 sh -c "[ \$(find '$T/s' -type f | wc -l) -ge $((n + 2)) ]"
ok $? "-odb: delivered in the background"

# -bv: one line per recipient, exit 0 only when all are deliverable.
out=$(sm -bv carl@local.test root@local.test postmaster@local.test a@x.test)
is "$?" 0 "-bv of deliverable recipients: exit 0"
is "$out" "carl@local.test... deliverable: mailer local
root@local.test... deliverable: mailer local (alias)
postmaster@local.test... deliverable: mailer local
a@x.test... deliverable: mailer smtp, relay 127.0.24.1:$P" "-bv: one line each, as sendmail"
out=$(sm -bv ann@local.test 'bad@@x' carl@local.test)
is "$?" 67 "-bv with an unknown user: exit 67 (EX_NOUSER)"
is "$out" "ann@local.test... User unknown
bad@@x... Invalid address
carl@local.test... deliverable: mailer local" "-bv: User unknown, Invalid address"
n=$(kept s)
is "$(queued)$(kept s)" "1$n" "-bv sent and queued nothing"
sed '/^relayhost=/d' "$T/c.conf" > "$T/mx.conf"
out=$("$MAILER" -C "$T/mx.conf" -bv 'a@[127.0.24.1]')
is "$?:$out" "0:a@[127.0.24.1]... deliverable: mailer smtp, host 127.0.24.1" \
    "-bv without relayhost: the exchanger is named"

# -I, -bi and newaliases check the aliases file.
like "$(sm -I)" "^$T/aliases: 1 aliases" "-I reads the aliases file"
ln -s "$MAILER" "$T/newaliases"
like "$("$T/newaliases" -C "$T/c.conf")" "^$T/aliases: 1 aliases" "so does newaliases"
echo 'bad line' >> "$T/aliases"
sm -bi > /dev/null 2> "$T/err"
is "$?" 78 "-bi: a bad aliases file: exit 78"
like "$(cat "$T/err")" "^mailer: $T/aliases:2:" "... naming the line"
echo 'root: carl' > "$T/aliases"

# -bs: an SMTP session on stdin and stdout, here Python's smtplib over
# a pipe.  A local user may relay, as with mailer itself.
rm -f "$T/spool/in/"*
cat > "$T/bs.py" <<'EOT'
import smtplib, subprocess, sys
class Pipe:
    """smtplib's socket, made of a mailer -bs child"""
    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    def sendall(self, data):
        self.p.stdin.write(data); self.p.stdin.flush()
    def makefile(self, mode):
        return self.p.stdout
    def close(self):
        self.p.stdin.close(); self.p.wait(10)
class PipeSMTP(smtplib.SMTP):
    def connect(self, host='', port=0, source_address=None):
        self.sock = Pipe(sys.argv[1:])
        self.file = None
        return self.getreply()
s = PipeSMTP()
s.connect()
pipe = s.sock
s.ehlo("client")
refused = s.sendmail("ann@x.test", ["carl@local.test", "far@y.test"],
    b"Subject: by -bs\r\n\r\nhello over a pipe\r\n")
print("refused", refused)
s.quit()
pipe.close()
sys.exit(pipe.p.returncode)
EOT
out=$(timeout 20 python3 "$T/bs.py" "$MAILER" -C "$T/c.conf" -bs 2>&1)
is "$?:$out" "0:refused {}" "-bs: smtplib sends to a local and a remote recipient"
is "$(queued)" 1 "-bs: the message is in the spool"
like "$(cat "$T/spool/in/"*.WRK)" "far@y.test" "... with its remote recipient"
like "$(grep -c . "$T/mailer.log")" "[0-9]" "-bs logs"
like "$(cat "$T/mailer.log")" "-bs: SMTP session of local user root \(uid 0\)" \
    "... naming the calling user"
ok "$(find "$T/spool/in" ! -user nobody | grep -q .; [ $? -ne 0 ]; echo $?)" \
    "-bs by root: the spool files are the gateway's user's"
out=$(timeout 20 swaks --pipe "$MAILER -C $T/c.conf -bs" --from a@x.test \
    --to carl@local.test,nobody-here@local.test --quit-after RCPT 2>&1)
like "$out" "<\\*\\* 550 5.1.1 .*nobody-here@local.test" \
    "-bs via swaks --pipe: an unknown local user is refused, as smtpd does"
printf 'EHLO x\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\nSubject: cut\r\n\r\npart' |
    timeout 20 "$MAILER" -C "$T/c.conf" -bs > "$T/bs.out"
like "$(cat "$T/bs.out")" "^354 " "-bs: input ending inside DATA"
is "$(queued)" 1 "... queues nothing: the spool holds only the earlier message"

# s-nail and bsd-mailx: the real mail(1) programs, told to use mailer as
# their sendmail in a private rc file (nothing system-wide changes).
export HOME=$T/home
mkdir -p "$HOME"
rm -f "$T/spool/in/"*
snail_rc=$T/snail.rc
printf 'set mta=%s\nset mta-arguments="-C %s"\nset from=ann@local.test\n' \
    "$MAILER" "$T/c.conf" > "$snail_rc"
n=$(kept s)
echo "body from s-nail" | MAILRC=$snail_rc timeout 30 s-nail -n -Sexpandaddr \
    -s "s-nail test" -c cc1@y.test -b bcc1@z.test to1@x.test
is "$?" 0 "s-nail through mailer: exit 0"
wait_for 10 sh -c "[ \$(find '$T/s' -type f | wc -l) -gt $n ]"
f=$(ls -t "$T"/s/* | head -1)
is "$(grep '^X-Rcpt-Args' "$f" | grep -o '<[^>]*>' | sort | tr '\n' ' ')" \
    "<bcc1@z.test> <cc1@y.test> <to1@x.test> " "s-nail: To, Cc and Bcc all got it"
like "$(cat "$f")" "Subject: s-nail test" "s-nail: the subject arrived"
ok "$(grep -q '^Cc: cc1@y.test$' "$f"; echo $?)" "s-nail: Cc: is in the header"
ok "$(grep -qi '^Bcc:' "$f"; [ $? -ne 0 ]; echo $?)" "s-nail: no Bcc: in the header"
like "$(cat "$f")" "body from s-nail" "s-nail: the body arrived"

mailx_rc=$T/mailx.rc
printf 'set sendmail=%s\n' "$T/mailer-wrap" > "$mailx_rc"
printf '#!/bin/sh\nexec %s -C %s "$@"\n' "$MAILER" "$T/c.conf" > "$T/mailer-wrap"
chmod 755 "$T/mailer-wrap"
n=$(kept s)
echo "body from bsd-mailx" | MAILRC=$mailx_rc timeout 30 bsd-mailx -n \
    -s "bsd-mailx test" -c cc2@y.test -b bcc2@z.test to2@x.test
is "$?" 0 "bsd-mailx through mailer: exit 0"
wait_for 10 sh -c "[ \$(find '$T/s' -type f | wc -l) -gt $n ]"
f=$(ls -t "$T"/s/* | head -1)
is "$(grep '^X-Rcpt-Args' "$f" | grep -o '<[^>]*>' | sort | tr '\n' ' ')" \
    "<bcc2@z.test> <cc2@y.test> <to2@x.test> " "bsd-mailx: To, Cc and Bcc all got it"
like "$(cat "$f")" "Subject: bsd-mailx test" "bsd-mailx: the subject arrived"
ok "$(grep -q '^Cc: cc2@y.test$' "$f"; echo $?)" "bsd-mailx: Cc: is in the header"
ok "$(grep -qi '^Bcc:' "$f"; [ $? -ne 0 ]; echo $?)" "bsd-mailx: no Bcc: in the header"
like "$(cat "$f")" "body from bsd-mailx" "bsd-mailx: the body arrived"
is "$(queued)" 0 "both delivered at once: nothing left queued"
