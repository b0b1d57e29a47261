#!/bin/bash
# SPDX-License-Identifier: ISC
# logfile= and root (issue 8, defect 7).  smtpd and spoolmgr start as
# root; the log's directory belongs to the gateway's user (nobody), who
# may plant names there.  Root must neither follow a symbolic link nor
# create the file: a planted link to a root-owned file leaves that file
# untouched, a dangling link creates nothing, and the refusal is said on
# syslog (smtpd, whose fd 2 may be the client) and on stderr (spoolmgr).
# syslog is caught in a private mount namespace where /dev/log is ours.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/smtpd-env.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
if ! unshare -m true 2>/dev/null; then
	echo "1..0 # skip no mount namespaces (unshare -m) here"
	exit 0
fi
plan 24

LOGDIR=$T/logdir
mkdir "$LOGDIR"
chown nobody:nogroup "$LOGDIR"
printf 'the victim, owned by root\n' > "$T/victim"
cp "$T/victim" "$T/victim.orig"
# what nobody can do in a directory of its own: plant links
su -s /bin/sh nobody -c "ln -s '$T/victim' '$LOGDIR/link' &&
    ln -s '$T/created' '$LOGDIR/dangling'"
# a second name of a root-owned file (root made it: protected_hardlinks
# stops nobody, but a system without that setting would let it)
ln "$T/victim" "$LOGDIR/hard"

# with_syslog OUT CMD...: CMD runs with /dev/log a datagram socket whose
# messages are appended to OUT; at most 10 seconds.
with_syslog() {
	unshare -m bash -c '
		out=$1; shift
		mount --make-rprivate /
		mkdir -p "$T/olddev"
		mount --bind /dev "$T/olddev"
		mount -t tmpfs none /dev
		for n in null zero random urandom; do
			touch "/dev/$n"
			mount --bind "$T/olddev/$n" "/dev/$n"
		done
		ln -s /proc/self/fd /dev/fd
		timeout 10 python3 -c "
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(\"/dev/log\")
os.chmod(\"/dev/log\", 0o666)
s.settimeout(8)
with open(sys.argv[1], \"ab\") as f:
    while True:
        try:
            f.write(s.recv(65536) + b\"\\n\"); f.flush()
        except socket.timeout:
            break" "$out" &
		listener=$!
		for i in $(seq 1 50); do
			[ -S /dev/log ] && break
			sleep 0.1
		done
		timeout 10 "$@"
		status=$?
		sleep 0.2
		kill "$listener" 2>/dev/null
		exit $status' with_syslog "$@"
}
export T

# session LOGFILE: one message through smtpd on stdin, run as root,
# syslog in $T/syslog; the replies on stdout
session() {
	smtpd_conf "logfile=$1" > "$T/smtpd.conf"
	: > "$T/syslog"
	printf '%s\r\n' "HELO client.test" "MAIL FROM:<a@remote.test>" \
	    "RCPT TO:<bob@example.test>" DATA "Subject: log test" "" "hi" . \
	    QUIT | with_syslog "$T/syslog" "$SMTPD" -C "$T/smtpd.conf"
}

# 1-4: smtpd, a symbolic link to a root-owned file
out=$(session "$LOGDIR/link")
like "$out" '250 2\.0\.0 queued as [0-9]+' "smtpd: the session goes on"
cmp -s "$T/victim" "$T/victim.orig"
ok $? "smtpd: the file the link points at is unchanged"
like "$(cat "$T/syslog")" "logfile $LOGDIR/link: not used: a symbolic link" \
    "smtpd: the refusal is on syslog"
like "$(cat "$T/syslog")" 'message [0-9]+: accepted from <a@remote\.test>' \
    "smtpd: the events go to syslog instead"

# 5-6: smtpd, a dangling link
out=$(session "$LOGDIR/dangling")
like "$out" '250 2\.0\.0 queued as' "smtpd, dangling link: the session goes on"
test ! -e "$T/created"
ok $? "smtpd, dangling link: nothing created where it points"

# 7-8: smtpd, a second hard link to a root-owned file
out=$(session "$LOGDIR/hard")
cmp -s "$T/victim" "$T/victim.orig"
ok $? "smtpd, hard link: the root-owned file is unchanged"
like "$(cat "$T/syslog")" "logfile $LOGDIR/hard: not used: " \
    "smtpd, hard link: the refusal is on syslog"

# 9-11: smtpd, no file yet: created by the gateway's user, not by root
out=$(session "$LOGDIR/smtpd.log")
is "$(stat -c %U "$LOGDIR/smtpd.log" 2>&1)" nobody \
    "smtpd: a new log file is created by the gateway's user"
like "$(cat "$LOGDIR/smtpd.log")" 'smtpd\[[0-9]+\]: message [0-9]+: accepted' \
    "smtpd: and the events are in it"
is "$(cat "$T/syslog")" "" "smtpd: nothing on syslog then"

# 12-15: a bad configuration is refused while still root, so that the
# log opens as root: not through a link, not a second name, never created
bad_conf() {	# bad_conf LOGFILE: smtpd's replies; syslog in $T/syslog
	printf 'hostname=mx.example.test\nlogfile=%s\ncolour=blue\n' "$1" \
	    > "$T/bad.conf"
	: > "$T/syslog"
	with_syslog "$T/syslog" "$SMTPD" -C "$T/bad.conf" < /dev/null
}
out=$(bad_conf "$LOGDIR/link")
like "$out" '^421 4\.3\.0 ' "bad configuration: 421 4.3.0"
out=$(bad_conf "$LOGDIR/hard")
like "$(cat "$T/syslog")" "logfile $LOGDIR/hard: not used: has more than one link" \
    "bad configuration, hard link: root refuses the second name, on syslog"
cmp -s "$T/victim" "$T/victim.orig"
ok $? "bad configuration, link and hard link: the root-owned file is unchanged"
out=$(bad_conf "$LOGDIR/dangling")
test ! -e "$T/created"
ok $? "bad configuration, dangling link: nothing created where it points"

# 16-21: spoolmgr run as root
setup
spoolmgr_with() {	# spoolmgr_with LOGFILE: spoolmgr run; stderr on stdout
	sed -i "s|^logfile=.*|logfile=$1|" "$CONF"
	"$SPOOLMGR" -C "$CONF" run 2>&1 > /dev/null
}
queue_msg a@remote.test bob@example.test > /dev/null
err=$(spoolmgr_with "$LOGDIR/link")
cmp -s "$T/victim" "$T/victim.orig"
ok $? "spoolmgr: the file the link points at is unchanged"
like "$err" "spoolmgr: logfile $LOGDIR/link: not used: a symbolic link" \
    "spoolmgr: the refusal is on stderr"
is "$(spool_count)" 0 "spoolmgr: the queue is delivered all the same"
err=$(spoolmgr_with "$LOGDIR/dangling")
test ! -e "$T/created"
ok $? "spoolmgr, dangling link: nothing created where it points"
queue_msg a@remote.test bob@example.test > /dev/null
err=$(spoolmgr_with "$LOGDIR/spoolmgr.log")
is "$(stat -c %U "$LOGDIR/spoolmgr.log" 2>&1)" nobody \
    "spoolmgr: a new log file is created by the gateway's user"
like "$(cat "$LOGDIR/spoolmgr.log")" 'spoolmgr\[[0-9]+\]: message [0-9]+' \
    "spoolmgr: and the events are in it"

# 22-24: other planted files: a FIFO would block the opening for ever,
# a file others may write could have been put there by them
su -s /bin/sh nobody -c "mkfifo '$LOGDIR/fifo' && touch '$LOGDIR/shared' &&
    chmod 666 '$LOGDIR/shared'"
sed -i "s|^logfile=.*|logfile=$LOGDIR/fifo|" "$CONF"
err=$(timeout 20 "$SPOOLMGR" -C "$CONF" list 2>&1 > /dev/null; echo "exit $?")
like "$(printf "%s" "$err" | tr "\n" " ")" "logfile $LOGDIR/fifo: not used: .*exit 0" \
    "spoolmgr, FIFO: refused at once, not waited on"
sed -i "s|^logfile=.*|logfile=$LOGDIR/shared|" "$CONF"
err=$(timeout 20 "$SPOOLMGR" -C "$CONF" list 2>&1 > /dev/null; echo "exit $?")
like "$err" "logfile $LOGDIR/shared: not used: writable by others than its owner" \
    "spoolmgr, a file others may write: refused"
is "$(stat -c %s "$LOGDIR/shared")" 0 "spoolmgr, a file others may write: unchanged"
