#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Helpers for the spoolmgr tests (not a test itself: prove runs *.t).

  queue SPOOL SENDER RCPT... [-a AGE-SECONDS] [-n COUNT] [-s SUBJECT] [-m MSGID-PREFIX]
        [-N NOTIFY] [-O yes] [-R RET] [-V ENVID] [-b BODY] [-H HOPS] [-T TO-HEADER]
        [-U yes]
      writes COUNT messages into SPOOL/in by the documented protocol of
      smtpgate-spool(5) (TMP and CMD, fsync, TMP->TXT, CMD->WRK), owned
      by nobody; prints their numbers, one a line.  -U yes: SMTPUTF8.
  count MAILDIR...       prints "MESSAGE-ID COUNT" for every message
  dsn FILE               prints the DSN's content type, report-type, its
                         parts and per-recipient fields (also of RFC 6533's
                         message/global-delivery-status), then the defects
                         Python's email finds and "defects N"
"""
import email
import email.parser
import email.policy
import fcntl
import os
import pwd
import sys
import time


def next_id(spool):
    path = os.path.join(spool, "seq")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o660)
    nobody = pwd.getpwnam("nobody")
    os.fchown(fd, nobody.pw_uid, nobody.pw_gid)
    fcntl.flock(fd, fcntl.LOCK_EX)
    text = os.pread(fd, 16, 0).decode().strip()
    n = int(text) if text else 1
    os.ftruncate(fd, 0)
    os.pwrite(fd, ("%d\n" % (n + 1)).encode(), 0)
    os.close(fd)
    return n


def write_file(path, data, uid, gid):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    os.write(fd, data)
    os.fsync(fd)
    os.close(fd)
    os.chown(path, uid, gid)


def queue(args):
    spool, sender, rest = args[0], args[1], args[2:]
    opts = {"-a": "0", "-n": "1", "-s": "test", "-m": "test", "-N": None, "-R": None,
            "-V": None, "-O": None, "-b": "Hello.\n", "-H": "0", "-T": None,
            "-U": None}
    rcpts = []
    i = 0
    while i < len(rest):
        if rest[i] in opts:
            opts[rest[i]] = rest[i + 1]
            i += 2
        else:
            rcpts.append(rest[i])
            i += 1
    nobody = pwd.getpwnam("nobody")
    indir = os.path.join(spool, "in")
    for k in range(int(opts["-n"])):
        n = next_id(spool)
        msgid = "<%s.%d@test>" % (opts["-m"], k)
        text = "".join("Received: from hop%d.test by hop%d.test;\n\tThu, 1 "
                       "Jan 2026 00:00:00 +0000\n" % (h, h + 1)
                       for h in range(int(opts["-H"])))
        text += ("Received: from test by gw.test id %d;\n\tThu, 1 Jan 2026 "
                "00:00:00 +0000\nFrom: <%s>\nTo: %s\nSubject: %s %d\n"
                "Message-ID: %s\nDate: Thu, 1 Jan 2026 00:00:00 +0000\n\n%s"
                % (n, sender, opts["-T"] or ", ".join(rcpts), opts["-s"], k, msgid,
                   opts["-b"]))
        env = "From: <%s>\n" % sender
        env += "".join("To: <%s>\n" % r for r in rcpts)
        env += "Id: %d\nDate: %d\nClient: 127.0.0.1\n" % (n, int(time.time()) - int(opts["-a"]))
        if opts["-R"]:
            env += "Ret: %s\n" % opts["-R"]
        if opts["-U"]:
            env += "Smtputf8: yes\n"
        if opts["-V"]:
            env += "Envid: %s\n" % opts["-V"]
        if opts["-N"]:
            env += "".join("Notify: <%s> %s\n" % (r, opts["-N"]) for r in rcpts)
        if opts["-O"]:
            env += "".join("ORcpt: <%s> rfc822;%s\n" % (r, r) for r in rcpts)
        base = os.path.join(indir, str(n))
        write_file(base + ".TMP", text.encode(), nobody.pw_uid, nobody.pw_gid)
        write_file(base + ".CMD", env.encode(), nobody.pw_uid, nobody.pw_gid)
        os.rename(base + ".TMP", base + ".TXT")
        os.rename(base + ".CMD", base + ".WRK")
        print(n)
    dfd = os.open(indir, os.O_RDONLY)
    os.fsync(dfd)
    os.close(dfd)


def count(dirs):
    seen = {}
    for d in dirs:
        for sub in ("new", "cur"):
            p = os.path.join(d, sub)
            if not os.path.isdir(p):
                continue
            for name in os.listdir(p):
                with open(os.path.join(p, name), "rb") as f:
                    msg = email.message_from_binary_file(f)
                key = msg.get("Message-ID", "?")
                seen[key] = seen.get(key, 0) + 1
    for key, n in sorted(seen.items()):
        print(key, n)


DSN_FIELDS = ("Reporting-MTA", "Original-Envelope-Id", "Final-Recipient",
              "Original-Recipient", "Action", "Status", "Remote-MTA",
              "Diagnostic-Code", "Will-Retry-Until")


def status_blocks(part):
    """The header blocks of a message/delivery-status or, read from its
    text, of a message/global-delivery-status part (RFC 6533), which
    Python parses as one message: block 1 its headers, the rest its body."""
    if part.get_content_type() == "message/delivery-status":
        return part.get_payload()
    inner = part.get_payload()[0]
    blocks = [inner]
    parser = email.parser.Parser(policy=email.policy.default)
    body = inner.get_payload(decode=True).decode("utf-8", "replace")
    for text in body.replace("\r\n", "\n").split("\n\n"):
        if text.strip():
            blocks.append(parser.parsestr(text.strip("\n") + "\n\n",
                                          headersonly=True))
    return blocks


# What Python's header parser says of every RFC 6532 UTF-8 header read
# from bytes (it decodes them with surrogateescape and takes no UTF-8
# local part): SMTPUTF8 mail allows both, so they are notes, not defects.
UTF8_HEADER_NOTES = ("NonASCIILocalPartDefect", "UndecodableBytesDefect")


def defects_of(msg):
    """Every defect Python's email finds, in any part or header; and the
    UTF-8 header notes apart."""
    found, notes = [], []
    for part in msg.walk():
        found += ["%s: %s" % (part.get_content_type(), type(d).__name__)
                  for d in part.defects]
        for key in part.keys():
            for value in part.get_all(key):
                for d in getattr(value, "defects", ()):
                    what = "%s %s: %s" % (part.get_content_type(), key,
                                          type(d).__name__)
                    if type(d).__name__ in UTF8_HEADER_NOTES:
                        notes.append(what)
                    else:
                        found.append(what)
    return found, notes


def text(value):
    """A header value as the UTF-8 it was (bytes parsing escapes it)."""
    return str(value).encode("utf-8", "surrogateescape").decode(
        "utf-8", "replace")


def dsn(path):
    """Prints what the tests check of a DSN; the last line is "defects N"
    (policy=email.policy.default, every part and header walked), after a
    "defect WHAT" line for each.  UTF-8 in headers, which Python's parser
    of bytes flags although RFC 6532 allows it, is a "utf8-header" line
    and no defect: the tests allow it only in SMTPUTF8 mail."""
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    print("content-type", msg.get_content_type())
    print("report-type", msg.get_param("report-type"))
    print("from", msg.get("From"))
    print("to", text(msg.get("To")))
    print("return-path", msg.get("Return-Path"))
    for part in msg.walk():
        ctype = part.get_content_type()
        print("part", ctype)
        if ctype in ("message/delivery-status",
                     "message/global-delivery-status"):
            for block in status_blocks(part):
                for key in DSN_FIELDS:
                    if block.get(key):
                        print(key.lower(), text(block.get(key)).strip())
    found, notes = defects_of(msg)
    for n in notes:
        print("utf8-header", n)
    for d in found:
        print("defect", d)
    print("defects", len(found))


if __name__ == "__main__":
    {"queue": queue, "count": count, "dsn": lambda a: dsn(a[0])}[sys.argv[1]](
        sys.argv[2:])
