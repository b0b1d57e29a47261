#!/usr/bin/env python3
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
The server stops after 60 s or 20 connections, whichever comes first.
"""
import os
import socket
import sys
import time

addr, port, outdir, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
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


def session(conn):
    global kept
    f = conn.makefile("rb")
    if mode == "trickle":
        conn.sendall(b"220-")
        for i in range(27):
            time.sleep(0.3)
            conn.sendall(b"x")
        return
    send(conn, b"220 test.server ESMTP\r\n")
    rcpts = []
    while True:
        line = f.readline(4096)
        if not line:
            return
        verb = line[:4].upper()
        if verb == b"EHLO":
            send(conn, EHLO)
        elif verb == b"HELO":
            send(conn, b"250 test.server\r\n")
        elif verb == b"MAIL":
            rcpts = []
            send(conn, b"250 2.1.0 ok\r\n")
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
