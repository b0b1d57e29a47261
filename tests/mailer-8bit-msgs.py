#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Messages for tests/mailer-8bit.t, and the check of what arrived.

  mailer-8bit-msgs.py write DIR      writes the test messages into DIR
  mailer-8bit-msgs.py compare ORIG GOT
      ORIG is a message as mailer read it (LF line ends), GOT the copy a
      sink kept (LF line ends, its own header lines first and one more
      newline at the end).  Both are put back in their wire form (CR LF)
      and parsed by Python's email package; every leaf of GOT must decode
      to exactly the octets of the same leaf of ORIG, have the same
      header fields apart from Content-Transfer-Encoding, and GOT must be
      7-bit and free of parser defects.  Prints what differs; exit 1.
"""
import email
import email.policy
import sys

LONG = bytes(range(1, 256)).replace(b"\n", b"").replace(b"\r", b"") * 9

MESSAGES = {
    "text.eml": (
        b"From: a@client.test\nTo: b@far.test\nSubject: text\n"
        b"MIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: 8bit\n\n"
        b"Gr\xc3\xbc\xc3\x9fe, 1 + 1 = 2, trailing blanks \t \n"
        b".a line with a dot first\nFrom the start\n"
        + "\u00e9t\u00e9 ".encode() * 40 + b"\n"
        b"\nlast line\n"),
    "multi.eml": (
        b"From: a@client.test\nTo: b@far.test\nSubject: multi\n"
        b"MIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=\"=-outer\"\n"
        b"Content-Transfer-Encoding: 8bit\n\n"
        b"This is a preamble.\n"
        b"--=-outer\n"
        b"Content-Type: text/plain; charset=iso-8859-1\n"
        b"Content-Transfer-Encoding: 8bit\n"
        b"Content-Disposition: inline\n\n"
        b"caf\xe9 cr\xe8me\n--=-outerX is not a boundary\n\n"
        b"--=-outer\n"
        b"Content-Type: application/octet-stream; name=\"blob.bin\"\n"
        b"Content-Transfer-Encoding: 8bit\n\n"
        b"\x00\x01\x7f\x80\xfe\xff\n" + LONG + b"\nend\n"
        b"--=-outer\n"
        b"Content-Type: text/html; charset=utf-8\n\n"
        b"<p>unlabelled \xe2\x82\xac</p>\n"
        b"--=-outer\n"
        b"Content-Type: text/plain\n"
        b"Content-Transfer-Encoding: 7bit\n\n"
        b"plain ASCII, left alone\n"
        b"--=-outer\n"
        b"Content-Type: message/rfc822\n"
        b"Content-Transfer-Encoding: 8bit\n\n"
        b"From: c@inner.test\nSubject: inner\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/alternative; boundary=in\n\n"
        b"--in\n"
        b"Content-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: 8bit\n\n"
        b"inner \xc3\xa5\xc3\xa4\xc3\xb6\n"
        b"--in--\n"
        b"--=-outer--\n"
        b"epilogue\n"),
    "nomime.eml": (
        b"From: a@client.test\nTo: b@far.test\nSubject: no MIME\n\n"
        b"Gr\xc3\xbc\xc3\x9fe\n"),
    "qp8.eml": (
        b"From: a@client.test\nSubject: mislabelled\nMIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: quoted-printable\n\n"
        b"Gr\xc3\xbc\xc3\x9fe\n"),
    "ascii.eml": (
        b"From: a@client.test\nTo: b@far.test\nSubject: all ASCII\n\nhello\n"),
    "utf8hdr.eml": (
        b"From: a@client.test\nTo: b@far.test\n"
        b"Subject: Gr\xc3\xbc\xc3\x9fe\n\nhello\n"),
}


def wire(data):
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def leaves(msg):
    return [p for p in msg.walk() if not p.is_multipart()]


def fields(part):
    return [(k.lower(), v) for k, v in part.items()
            if k.lower() != "content-transfer-encoding"]


def compare(orig_path, got_path):
    orig = open(orig_path, "rb").read()
    got = open(got_path, "rb").read()
    if got.endswith(b"\n"):
        got = got[:-1]          # the sink's own last newline
    pol = email.policy.compat32
    want = email.message_from_bytes(wire(orig), policy=pol)
    have = email.message_from_bytes(wire(got), policy=pol)
    bad = []
    if any(b >= 0x80 for b in got):
        bad.append("8-bit bytes arrived")
    for p in have.walk():
        if p.defects:
            bad.append("defects: %r" % p.defects)
    wl, hl = leaves(want), leaves(have)
    if len(wl) != len(hl):
        bad.append("%d leaves, want %d" % (len(hl), len(wl)))
    for i, (w, h) in enumerate(zip(wl, hl)):
        if w.get_payload(decode=True) != h.get_payload(decode=True):
            bad.append("leaf %d decodes to other octets" % i)
        # the fields the relays added on their way are not compared
        names = set(k for k, v in fields(w))
        hf = [(k, v) for k, v in fields(h) if k in names]
        if fields(w) != hf:
            bad.append("leaf %d: fields %r, want %r" % (i, hf, fields(w)))
        if (h.get("Content-Transfer-Encoding", "7bit").lower() in
                ("8bit", "binary")):
            bad.append("leaf %d still labelled 8bit" % i)
    for line in bad:
        print(line)
    return 1 if bad else 0


if sys.argv[1] == "write":
    for name, data in MESSAGES.items():
        open("%s/%s" % (sys.argv[2], name), "wb").write(data)
    sys.exit(0)
sys.exit(compare(sys.argv[2], sys.argv[3]))
