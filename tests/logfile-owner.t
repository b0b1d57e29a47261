#!/bin/bash
# SPDX-License-Identifier: ISC
# logfile= that the gateway's user cannot use (issue 9, defect 13): a
# file root made when it ran a program by hand, or a directory only root
# may write in.  spoolmgr, started as root as cron does, gives root up
# before it opens the log; it must then say on stderr (cron's mail) that
# it falls back to syslog, and whose the file or directory is and whose
# it must be, and deliver all the same.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/spoolmgr-env.sh"
plan 7

setup
spoolmgr_with() {	# spoolmgr_with LOGFILE: spoolmgr run; stderr on stdout
	sed -i "s|^logfile=.*|logfile=$1|" "$CONF"
	"$SPOOLMGR" -C "$CONF" run 2>&1 > /dev/null
}

# a log file root made (as running spoolmgr by hand as root once did)
printf 'old lines\n' > "$T/root.log"
chmod 644 "$T/root.log"
queue_msg a@remote.test bob@example.test > /dev/null
err=$(spoolmgr_with "$T/root.log")
is "$err" "spoolmgr: logfile $T/root.log: not used: Permission denied: must be writable by user nobody (owner root, mode 644); logging to syslog" \
    "a root-owned log file: stderr says so, whose it is and whose it must be"
is "$(spool_count)" 0 "the queue is delivered all the same"
is "$(cat "$T/root.log")" "old lines" "the root-owned file is unchanged"

# no log file, in a directory only root may write in
mkdir -m 755 "$T/rootdir"
queue_msg a@remote.test bob@example.test > /dev/null
err=$(spoolmgr_with "$T/rootdir/smtpgate.log")
is "$err" "spoolmgr: logfile $T/rootdir/smtpgate.log: not used: Permission denied: directory $T/rootdir must be writable by user nobody (owner root, mode 755); logging to syslog" \
    "a root-owned directory: stderr names the directory and whose it must be"
test ! -e "$T/rootdir/smtpgate.log"
ok $? "nothing is created there"

# the way the README says: a directory of the gateway's user, no file yet
mkdir -m 755 "$T/logdir"
chown nobody "$T/logdir"
queue_msg a@remote.test bob@example.test > /dev/null
err=$(spoolmgr_with "$T/logdir/smtpgate.log")
is "$(stat -c %U "$T/logdir/smtpgate.log" 2>&1) $err" "nobody " \
    "started as root, spoolmgr creates the log as the gateway's user, quietly"
like "$(cat "$T/logdir/smtpgate.log")" 'spoolmgr\[[0-9]+\]: message [0-9]+' \
    "and logs there"
