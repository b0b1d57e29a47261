#!/bin/bash
# SPDX-License-Identifier: ISC
# smtpd when the disk fails: strace makes one write, fsync or rename of
# the spool writer fail.  The client gets 451 4.3.0, no N.WRK, N.TXT,
# N.CMD or N.TMP is left, and the same session can send the next message.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/smtpd-env.sh"
plan 12

PORT=$(free_port)
smtpd_conf > "$T/smtpgate.conf"
# The strace options of the next connection are read from $T/strace.
cat > "$T/wrap" <<EOF
#!/bin/sh
exec strace -f \$(cat $T/strace) $SMTPD -C $T/smtpgate.conf
EOF
chmod 755 "$T/wrap"
echo "-o /dev/null" > "$T/strace"
bg tcpserver -HRl0 127.0.0.1 "$PORT" "$T/wrap"
wait_port 127.0.0.1 "$PORT"

# Two messages in one session, each sent after the previous reply.
two_messages() {
	python3 - "$PORT" <<'EOF'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20)
for n in (1, 2):
    try:
        s.sendmail("a@remote.test", ["bob@example.test"],
            b"Subject: try %d\r\n\r\ntext\r\n" % n)
        print("250", end=" ")
    except smtplib.SMTPDataError as e:
        print(e.smtp_code, e.smtp_error.decode().split()[0], end=" ")
s.quit()
EOF
}
files() { ls "$T/spool/in" | grep -v '^seq$' | sed 's/^[0-9]*\.//' | sort | tr '\n' ' '; }
clean() { rm -f "$T"/spool/in/*.*; }

# Which write() of a clean session puts the message text, and which the
# envelope, into the spool: found by tracing one run without faults.
echo "-e trace=write -o $T/trace" > "$T/strace"
two_messages > /dev/null
text_write=$(grep -o 'write([0-9]*, "[^"]*' "$T/trace" | grep -n '"Received: from' | head -1 | cut -d: -f1)
env_write=$(grep -o 'write([0-9]*, "[^"]*' "$T/trace" | grep -n '"From: <a@remote' | head -1 | cut -d: -f1)
[ -n "$text_write" ] && [ -n "$env_write" ]
ok $? "traced a clean session (text is write $text_write, envelope write $env_write)"
clean

# fault CASE STRACE-INJECTION: runs two_messages under the injection.
fault() {
	echo "-o /dev/null -e inject=$2" > "$T/strace"
	out=$(two_messages 2>&1)
	is "$out" "451 4.3.0 250 " "$1: 451 4.3.0, then the next message is taken"
	is "$(files)" "TXT WRK " "$1: only the second message is in the spool"
	clean
}
fault "text write ENOSPC" "write:error=ENOSPC:when=$text_write"
fault "envelope write ENOSPC" "write:error=ENOSPC:when=$env_write"
fault "first fsync EIO" "fsync:error=EIO:when=1"
fault "directory fsync EIO" "fsync:error=EIO:when=3"
fault "rename to WRK EIO" "rename:error=EIO:when=2"

like "$(cat "$T/smtpd.log")" 'message [0-9]+: not queued: .*(No space left on device|Input/output error)' \
    "the failure is logged with the message number"
