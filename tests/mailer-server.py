#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A small scripted SMTP server for the mailer tests, on loopback.

    mailer-server.py ADDR PORT DIR MODE

Transaction N's DATA, exactly as it came on the wire (still
dot-stuffed, up to and with the final dot line), is kept in DIR/N.raw
and its RCPT arguments in DIR/N.rcpt.  MODE:
  plain    an ESMTP server with PIPELINING and 8BITMIME
  split    the same, but every reply goes out in small pieces cut at
           odd places (inside the code, between CR and LF), with pauses
  dropdot  takes the whole message, then closes the connection after
           the final dot without a reply
  data250  answers DATA with 250 instead of 354 (and takes nothing)
  slowdot  takes the whole message and says nothing for 5 s
  trickle  greets with a line that never ends: a byte every 0.3 s, for 8 s
  refuse   refuses RCPT to a local part starting "no-" (one line naming
           the address), "gone-" (a two-line reply naming it) or, for
           now, "later-" (450), takes the others
  slowcommit  the first transaction's final dot gets its reply after 4 s,
           and the message is kept only if the client is still there
           then (as a server that commits when it answers; a client
           that went away will send it again); later ones at once
  closeafter:N  closes the connection right after the reply to its Nth
           message's final dot (as a server bounding reuse)
  busyafter:N   answers the MAIL after the Nth message kept with 421 and
           closes; greets every later connection with 421
DIR/conns holds the number of connections taken so far.
The server stops after 60 s or 20 connections, whichever comes first.
"""
import os
import socket
import sys
import time

addr, port, outdir, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
limit = 0
if ":" in mode:
    mode, limit = mode.split(":")[0], int(mode.split(":")[1])
EHLO = b"250-test.server\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 100000000\r\n"


def send(conn, data):
    if mode != "split":
        conn.sendall(data)
        return
    # pieces of 1 to 4 octets: "2", "50-te", ... and CR apart from LF
    i, step = 0, 1
    while i < len(data):
        conn.sendall(data[i:i + step])
        i += step
        step = step % 4 + 1
        time.sleep(0.002)


kept = 0
conns = 0
slowed = False


def refusal(line):
    """The reply refusing RCPT line, or None to take it."""
    addr = line[8:].split(b">")[0].lstrip(b"<")
    if addr.startswith(b"no-"):
        return b"550 5.1.1 <%s>: no mailbox here\r\n" % addr
    if addr.startswith(b"later-"):
        return b"450 4.2.1 <%s>: try again later\r\n" % addr
    if addr.startswith(b"gone-"):
        return (b"550-5.2.1 <%s>: mailbox disabled\r\n"
                b"550 5.2.1 ask its owner\r\n" % addr)
    return None


def still_there(conn):
    """After 4 s: whether the client still holds the connection open."""
    time.sleep(4)
    conn.setblocking(False)     # a peek that waits for nothing
    try:
        return conn.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        conn.settimeout(10)


def session(conn):
    global kept, slowed, conns
    conns += 1
    with open(os.path.join(outdir, "conns"), "w") as out:
        out.write("%d\n" % conns)
    f = conn.makefile("rb")
    if mode == "trickle":
        conn.sendall(b"220-")
        for i in range(27):
            time.sleep(0.3)
            conn.sendall(b"x")
        return
    if mode == "busyafter" and kept >= limit:
        send(conn, b"421 4.3.2 test.server busy, try later\r\n")
        return
    send(conn, b"220 test.server ESMTP\r\n")
    rcpts = []
    here = 0
    while True:
        line = f.readline(4096)
        if not line:
            return
        verb = line[:4].upper()
        if verb == b"EHLO":
            send(conn, EHLO)
        elif verb == b"HELO":
            send(conn, b"250 test.server\r\n")
        elif verb == b"MAIL" and mode == "busyafter" and kept >= limit:
            send(conn, b"421 4.3.2 test.server shutting down\r\n")
            return
        elif verb == b"MAIL":
            rcpts = []
            send(conn, b"250 2.1.0 ok\r\n")
        elif verb == b"RCPT" and mode == "refuse" and refusal(line):
            send(conn, refusal(line))
        elif verb == b"RCPT":
            rcpts.append(line[8:].rstrip(b"\r\n"))
            send(conn, b"250 2.1.5 ok\r\n")
        elif verb == b"DATA" and mode == "data250":
            send(conn, b"250 2.0.0 sure\r\n")
        elif verb == b"DATA":
            send(conn, b"354 go ahead\r\n")
            raw = b""
            while True:
                d = f.readline(100000)
                if not d:
                    return
                raw += d
                if d == b".\r\n":
                    break
            if mode == "slowcommit" and not slowed:
                slowed = True
                if not still_there(conn):
                    return
            kept += 1
            base = os.path.join(outdir, "%d" % kept)
            with open(base + ".rcpt", "wb") as out:
                out.write(b"\n".join(rcpts) + b"\n")
            with open(base + ".raw", "wb") as out:
                out.write(raw)
            if mode == "dropdot":
                return
            if mode == "slowdot":
                time.sleep(5)
                return
            send(conn, b"250 2.0.0 queued as %d\r\n" % kept)
            here += 1
            if mode == "closeafter" and here >= limit:
                return
        elif verb == b"QUIT":
            send(conn, b"221 2.0.0 bye\r\n")
            return
        else:
            send(conn, b"502 5.5.2 what\r\n")


def main():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(5)
    s.settimeout(1)
    start = time.time()
    served = 0
    while served < 20 and time.time() - start < 60:
        try:
            conn, _ = s.accept()
        except socket.timeout:
            continue
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.settimeout(10)
        served += 1
        try:
            session(conn)
        except OSError:
            pass
        conn.close()


main()
