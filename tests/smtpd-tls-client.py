#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# A raw SMTP client for tests/smtpd-tls.t, for what swaks and s_client
# cannot do: exact bytes around STARTTLS.  Every socket has a timeout.
#
#   inject HOST PORT   "STARTTLS\r\nRSET\r\nMAIL..." in one write, the
#                      handshake, then EHLO: prints what came before and
#                      what came inside TLS (CVE-2011-0411)
#   states HOST PORT   the refusals: STARTTLS with an argument, inside a
#                      transaction, and again inside TLS
#   garbage HOST PORT  STARTTLS, then plaintext where a ClientHello belongs
#   all HOST PORT      the three above, each line prefixed with its name
#                      (one Python start: importing ssl is slow)
import socket
import ssl
import sys


def replies(sock, until=b"\r\n"):
    """Reads until a final reply line (code and space) ends the data."""
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
        lines = data.split(b"\r\n")
        if data.endswith(b"\r\n") and len(lines) >= 2 and \
                lines[-2][3:4] == b" ":
            return data


def say(sock, line):
    sock.sendall(line + b"\r\n")
    return replies(sock)


def starttls(sock):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx.wrap_socket(sock, server_hostname="mx.example.test")


def connect(host, port):
    sock = socket.create_connection((host, int(port)), 10)
    sock.settimeout(10)
    replies(sock)
    return sock


PREFIX = ""


def show(label, data):
    for line in data.decode("utf-8", "replace").splitlines():
        print("%s%s: %s" % (PREFIX, label, line))


def inject(host, port):
    sock = connect(host, port)
    show("plain", say(sock, b"EHLO client.test"))
    sock.sendall(b"STARTTLS\r\nRSET\r\nMAIL FROM:<evil@remote.test>\r\n"
                 b"RCPT TO:<bob@example.test>\r\n")
    show("plain", replies(sock))
    tls = starttls(sock)
    # whatever the injected commands would have said comes first
    show("tls", say(tls, b"EHLO client.test"))
    show("tls", say(tls, b"RCPT TO:<bob@example.test>"))
    show("tls", say(tls, b"QUIT"))


def states(host, port):
    sock = connect(host, port)
    show("plain", say(sock, b"EHLO client.test"))
    show("plain", say(sock, b"STARTTLS now"))
    show("plain", say(sock, b"MAIL FROM:<a@remote.test>"))
    show("plain", say(sock, b"STARTTLS"))
    show("plain", say(sock, b"RSET"))
    show("plain", say(sock, b"STARTTLS"))
    tls = starttls(sock)
    show("tls", say(tls, b"EHLO client.test"))
    show("tls", say(tls, b"STARTTLS"))
    show("tls", say(tls, b"QUIT"))


def garbage(host, port):
    sock = connect(host, port)
    show("plain", say(sock, b"STARTTLS"))
    sock.sendall(b"RSET\r\n")
    try:
        show("after", sock.recv(4096) or b"(closed)")
    except OSError as e:
        print("%safter: %s" % (PREFIX, e))


def run_all(host, port):
    global PREFIX
    for name, fn in (("inject", inject), ("states", states),
                     ("garbage", garbage)):
        PREFIX = name + " "
        fn(host, port)


if __name__ == "__main__":
    what = sys.argv[1]
    {"inject": inject, "states": states, "garbage": garbage,
     "all": run_all}[what](*sys.argv[2:])
