#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Receiving SMTP servers for the DANE tests: aiosmtpd on loopback.

    mailer-dane-server.py DIR PORT ADDR:CHAIN:KEY ... ADDR:plain ...

One server per ADDR on PORT: with CHAIN (the certificate, then its CA)
and KEY it offers STARTTLS; "plain" offers none.  Each message taken
is kept as DIR/ADDR/N: "tls=yes" or "tls=no", then "rcpt ADDR" lines,
then the data.  Stops after 60 seconds.
"""
import asyncio
import os
import ssl
import sys
import time

from aiosmtpd.controller import Controller

outdir, port = sys.argv[1], int(sys.argv[2])


class Keep:
    def __init__(self, addr):
        self.dir = os.path.join(outdir, addr)
        os.makedirs(self.dir, exist_ok=True)
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        with open(os.path.join(self.dir, str(self.n)), "wb") as f:
            f.write(b"tls=%s\n" % (b"yes" if session.ssl else b"no"))
            for r in envelope.rcpt_tos:
                f.write(b"rcpt %s\n" % r.encode())
            f.write(envelope.original_content or b"")
        return "250 2.0.0 kept"


controllers = []
for spec in sys.argv[3:]:
    parts = spec.split(":")
    ctx = None
    if parts[1] != "plain":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(parts[1], parts[2])
    c = Controller(Keep(parts[0]), hostname=parts[0], port=port,
                   tls_context=ctx, require_starttls=False,
                   server_hostname="test.server")
    c.start()
    controllers.append(c)
open(os.path.join(outdir, "ready"), "w").close()
time.sleep(60)
for c in controllers:
    c.stop()
