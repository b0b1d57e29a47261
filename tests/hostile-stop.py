#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A local user's attack on the spool (not a test itself: prove runs *.t).

  hostile-stop.py MAILER PIDFILE RCPT [ATTEMPTS]

Run as an ordinary user.  Starts the set-group-ID MAILER for RCPT with a
standard input that never ends, and stops it (SIGSTOP) at the worst
moment it can find:

  - while it holds a flock(2) (the old SPOOL/seq lock), found by single-
    stepping it with SIGSTOP/SIGCONT and reading /proc/locks, which any
    user may read;
  - else, once it sleeps reading standard input, that is after it took
    its message number and created its spool files.

Writes the stopped mailer's pid to PIDFILE and prints "lock PID" or
"stdin PID".  It tries ATTEMPTS mailers (default 40) to catch a lock, a
new one each time the last got past its number unseen, then settles for
the second kind.  Every wait is bounded.

A real attacker simply retries until lucky; on a busy machine the lock's
window of microseconds may take many tries.  tests/hostile-local.t runs
this under strace(1), which delays the return of every flock(2) call
(old code: the lock is then held long enough to be found at once; new
code makes no such call, and nothing is delayed).
"""
import os
import signal
import subprocess
import sys
import time


def state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "X"


def holds_flock(pid):
    with open("/proc/locks") as f:
        for line in f:
            fields = line.split()
            if "->" in fields:
                continue        # a waiter, not a holder
            if len(fields) > 4 and fields[1] == "FLOCK" and fields[4] == str(pid):
                return True
    return False


def wait_stopped(pid):
    for _ in range(2000):
        if state(pid) in ("T", "t", "X", "Z"):
            return
    return


def attempt(mailer, rcpt, settle):
    """Returns (kind, process) with the process stopped, or (None, None)."""
    # its own session, as an attacker would do: a stopped process in a
    # process group orphaned by our exit would get SIGHUP and SIGCONT
    p = subprocess.Popen([mailer, "-odq", rcpt], stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    p.stdin.write(b"Subject: hold\n\n")
    p.stdin.flush()
    sleeping = 0
    deadline = time.monotonic() + 8
    while p.poll() is None and time.monotonic() < deadline:
        os.kill(p.pid, signal.SIGSTOP)
        wait_stopped(p.pid)
        if holds_flock(p.pid):
            return "lock", p
        os.kill(p.pid, signal.SIGCONT)
        # asleep many times in a row: blocked on standard input, after
        # it took its number (mailer reads the message only then)
        sleeping = sleeping + 1 if state(p.pid) == "S" else 0
        if sleeping >= 30:
            break
    if settle and p.poll() is None:
        os.kill(p.pid, signal.SIGSTOP)
        wait_stopped(p.pid)
        return "stdin", p
    p.kill()
    p.wait()
    return None, None


def main():
    mailer, pidfile, rcpt = sys.argv[1:4]
    attempts = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    for n in range(attempts):
        kind, p = attempt(mailer, rcpt, n == attempts - 1)
        if kind:
            print(kind, p.pid, "after", n + 1, "mailers", flush=True)
            with open(pidfile, "w") as f:
                f.write("%d\n" % p.pid)
            # leave it stopped; its standard input stays open in it
            os._exit(0)
    print("none")
    sys.exit(1)


if __name__ == "__main__":
    main()
