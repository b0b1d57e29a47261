#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Writes the seed corpus of the libFuzzer harnesses (corpus/NAME/).

Run from tests/fuzz/: python3 seeds.py.  Real-looking inputs: SMTP
sessions and replies, scripts' messages, envelopes, DSN inputs,
configurations, aliases and DNS replies (encoded here by hand, RFC 1035).
The first byte of most inputs is the harness's flags (see each
harness's comment).  Seeds named crash-* are inputs fuzzing found
that crashed before their fix.
"""
import os
import struct

for d in ('smtpd_session', 'mailer_client', 'mailer_reply', 'mailer_headers',
          'mailer_addrlist', 'lib_envelope', 'spoolmgr_dsn', 'lib_config',
          'lib_aliases', 'lib_mx', 'lib_mx_reply', 'lib_tlsa',
          'smtpd_auth', 'lib_auth_dovecot'):
    os.makedirs('corpus/' + d, exist_ok=True)


def wh(d, name, head, body):
    open('corpus/%s/%s' % (d, name), 'wb').write(bytes(head) + body)

ehlo = b"220 mx.remote.test ESMTP Postfix\r\n250-mx.remote.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250-ENHANCEDSTATUSCODES\r\n250 CHUNKING\r\n"
wh('mailer_client','pipelined-ok', [0x40|0x04, 3], ehlo + b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <ann@remote.test>: Recipient address rejected: User unknown\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued as 4QX1\r\n221 2.0.0 Bye\r\n")
wh('mailer_client','helo-fallback', [0x10, 2], b"220 old.remote.test Sendmail\r\n500 5.5.1 Command unrecognized\r\n250 old.remote.test\r\n250 ok\r\n250 ok\r\n451 4.7.1 greylisted, try later\r\n354 go\r\n250 ok\r\n221 bye\r\n")
wh('mailer_client','starttls-auth', [0x03|0x30, 1], b"220 relay.remote.test ESMTP\r\n250-relay.remote.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n220 2.0.0 Ready to start TLS\r\n250-relay.remote.test\r\n250-AUTH PLAIN LOGIN\r\n250 PIPELINING\r\n235 2.7.0 Authentication successful\r\n250 ok\r\n250 ok\r\n354 go\r\n250 ok\r\n221 bye\r\n")
wh('mailer_client','auth-login', [0x03|0x50, 1], b"220 relay ESMTP\r\n250-relay\r\n250 STARTTLS\r\n220 go\r\n250-relay\r\n250 AUTH LOGIN\r\n334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n535 5.7.8 Authentication credentials invalid\r\n221 bye\r\n")
wh('mailer_client','greeting-refused', [0x70, 0], b"554 5.7.1 go away\r\n221 bye\r\n")
wh('mailer_client','size-too-big', [0x70, 0], b"220 hi\r\n250-hi\r\n250 SIZE 100\r\n221 bye\r\n")
wh('mailer_client','lost-after-dot', [0x60, 130], ehlo + b"250 ok\r\n" + b"250 ok\r\n"*100)
wh('mailer_client','broken-syntax', [0x20, 1], b"220-first\r\n220 second\r\nxyz\r\n250-a\n250 b\r\n")
wh('mailer_reply','multiline', [0], b"250-mx.remote.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 DSN\r\n")
wh('mailer_reply','enhanced', [1], b"550-5.1.1 The email account that you tried to reach does not exist.\r\n550 5.1.1 https://support.example/?p=NoSuchUser\r\n")
wh('mailer_reply','mixed-codes', [3], b"250-a\r\n251 b\r\n421\r\n4.7.0\r\n220 \x1b]0;hi\x07\r\n")
wh('mailer_reply','long-line', [7], b"554 " + b"x"*1500 + b"\r\n250 ok\n")
wh('mailer_headers','script-t', [0x03], b"From ann Sat Dec  5 04:00:00 2026\nTo: Bob <bob@remote.test>, ann@example.test\nCc: \"Sales, EU\" <sales+eu@remote.test>\nBcc: boss@example.test\nSubject: backup report\n\nall fine\n.\nnot read\n")
wh('mailer_headers','crlf-folded', [0x02], b"To: a@remote.test,\r\n  b@remote.test (Bee)\r\nSubject: folded\r\n\tsecond line\r\nBcc:\r\n hidden@x.test\r\n\r\nbody\r\n")
wh('mailer_headers','no-header', [0x00], b"just a body line\nand another\n")
wh('mailer_headers','group-maxsize', [0x06], b"To: friends: a@x.test, \"b c\"@x.test;, undisclosed-recipients:;\nFrom: me@example.test\nDate: Sat, 5 Dec 2026 04:00:00 +0000\nMessage-ID: <1@example.test>\n\n" + b"y"*1500 + b"\n")
wh('mailer_headers','lone-cr', [0x02], b"To: a@x.test\rSubject: cr\r\rbody\r")
for n, v in [('simple', b"bob@remote.test"), ('display', b"\"Smith, John\" <john@remote.test>, Ann <ann@x.test> (work)"),
             ('group', b"team: a@x.test, b@x.test;, c@y.test"), ('comments', b"(c) a(b)@(d)x.test (e), <@route:z@y.test>"),
             ('quoted', "\"a\\\"b\"@x.test, \"a b\"@x.test, bare, jö@x.test".encode()), ('empty', b" , ,;: <>")]:
    wh('mailer_addrlist', n, [], v)
def w(d, name, data):
    open('corpus/%s/%s' % (d, name), 'wb').write(data)

wrk_in = b"""From: <ann@remote.test>
To: <bob@example.test>
To: <"a b"@remote.test>
To: <sales+eu@example.test>
Notify: <bob@example.test> SUCCESS,FAILURE
ORcpt: <bob@example.test> rfc822;Bob+2Bx@example.test
ORcpt: <"a b"@remote.test> rfc822;x>y
Id: 17
Date: 1796443200
Client: 192.0.2.7
Helo: mail.remote.test
Size: 120
Body: 8BITMIME
Ret: HDRS
Envid: QQ+2B1
"""
wrk_out = wrk_in + b"""State: <bob@example.test> done 1796443260 1 0 250 2.0.0 delivered to Maildir
State: <"a b"@remote.test> deferred 1796443260 3 1796447000 451 4.7.1 greylisted
State: <sales+eu@example.test> failed 1796443260 1 0 550 5.1.1 <partner@remote.test>: no such user
Bounced: 1796443300 18
"""
w('lib_envelope', 'in-wrk', wrk_in)
w('lib_envelope', 'out-wrk-states', wrk_out)
w('lib_envelope', 'null-sender-utf8', "From: <>\nTo: <jö@example.test>\nORcpt: <jö@example.test> utf-8;j\\x{F6}@example.test\nSmtputf8: yes\nId: 4294967295\nDate: 0\nClient: local\n".encode())
w('lib_envelope', 'bad-order', b"To: <a@b>\nFrom: <c@d>\n")

txt = b"Received: from mail.remote.test (192.0.2.7)\n\tby gw.example.test (smtpgate); Sat, 5 Dec 2026 04:00:00 +0000\nFrom: Ann <ann@remote.test>\nTo: bob@example.test\nSubject: lunch\nMessage-ID: <1@remote.test>\n\nAt noon?\n"
w('spoolmgr_dsn', 'failed-remote', bytes([0x08]) + wrk_out + b"\0" + b"550 5.1.1 <bob@example.test>: Recipient address rejected\n550 5.7.1 relaying denied\n" + b"\0" + txt)
w('spoolmgr_dsn', 'delayed', bytes([0x01]) + wrk_out + b"\0" + b"\0" + txt)
w('spoolmgr_dsn', 'success-expanded-full', bytes([0x02 | 0x04 | 0x10 | 0x20]) + wrk_in + b"\0" + b"250 2.0.0 delivered\n250 2.0.0 delivered\n250 ok\n" + b"\0" + txt)
w('spoolmgr_dsn', 'crash-status-sign', bytes([0x00]) + wrk_in + b"\0" + b"550 5.-1.+1 odd\n4 short\n554-5.7.1 multi\n" + b"\0" + b"no header at all")

w('lib_config', 'sample', b"""# smtpgate.conf
hostname=mx.example.org
localdomains=example.org, Example.NET
relayclients=127.0.0.0/8 ::1/128 192.0.2.0/24 2001:db8::/32
user=smtpgate
spool=/var/spool/smtpgate
mailroot=/var/mail/smtpgate
maxsize=25m
maxrcpt=100
timeout=5m
sessiontimeout=1h
queuelife=5d
retrymin=15m
retrymax=4h
delaywarn=4h
journaldays=30
relayhost=[192.0.2.25]:587
resolver=192.0.2.53@5353
prefer=ipv4
logfile=/var/log/smtpgate.log
""")
w('lib_config', 'bad-key', b"hostname=x\nnosuchkey=1\n")
w('lib_config', 'bad-cidr', b"relayclients=300.0.0.0/8, ::1/129\n")
w('lib_config', 'durations', b"queuelife=9999999999999d\nretrymin=0\ntimeout=-5\nmaxsize=1k\n")

w('lib_aliases', 'typical', b"# aliases\npostmaster: root\nroot: ann\nsales@example.test: ann@example.test, bob@elsewhere.test\nsales+eu: partner@remote.test\narchive: /var/mail/archive/\nMixed.Case: x\n")
w('lib_aliases', 'bad-line', b"no colon here\n")
w('lib_aliases', 'empty-targets', b"a: ,, ,\nb:\n")

def name(n):
    out = b""
    if n:
        for l in n.split('.'):
            out += bytes([len(l)]) + l.encode()
    return out + b"\0"
def rr(owner, typ, rdata, ttl=300):
    return name(owner) + struct.pack(">HHIH", typ, 1, ttl, len(rdata)) + rdata
def pkt(qname, qtype, answers=(), rcode=0, flags=0x8180, extra=()):
    h = struct.pack(">HHHHHH", 0, flags | rcode, 1, len(answers), 0, len(extra))
    return h + name(qname) + struct.pack(">HH", qtype, 1) + b"".join(answers) + b"".join(extra)
def frame(*ps):
    return b"".join(struct.pack(">H", len(p)) + p for p in ps)
MX, A, AAAA, CNAME = 15, 1, 28, 5
def mx(pref, host): return struct.pack(">H", pref) + name(host)
a1 = bytes([192,0,2,25]); a2 = bytes([192,0,2,26])
v6 = bytes.fromhex("20010db8000000000000000000000019")
w('lib_mx', 'two-mx', bytes([0]) + frame(
    pkt("example.test", MX, [rr("example.test", MX, mx(10, "mx1.example.test")), rr("example.test", MX, mx(20, "mx2.example.test"))]),
    pkt("mx1.example.test", AAAA, [rr("mx1.example.test", AAAA, v6)]),
    pkt("mx1.example.test", A, [rr("mx1.example.test", A, a1)]),
    pkt("mx2.example.test", AAAA, []),
    pkt("mx2.example.test", A, [rr("mx2.example.test", A, a2)])))
w('lib_mx', 'cname-chain', bytes([0x08 | 0x01]) + frame(
    pkt("www.example.test", MX, [rr("www.example.test", CNAME, name("web.example.test")), rr("web.example.test", CNAME, name("host.example.test"))]),
    pkt("host.example.test", MX, [rr("host.example.test", MX, mx(0, "mx.example.test"))]),
    pkt("mx.example.test", A, [rr("mx.example.test", A, a1)]),
    pkt("mx.example.test", AAAA, [])))
w('lib_mx', 'implicit-mx', bytes([0]) + frame(
    pkt("example.test", MX, []),
    pkt("example.test", AAAA, [rr("example.test", AAAA, v6)]),
    pkt("example.test", A, [])))
w('lib_mx', 'null-mx', bytes([0]) + frame(pkt("example.test", MX, [rr("example.test", MX, mx(0, ""))])))
w('lib_mx', 'nxdomain', bytes([0]) + frame(pkt("example.test", MX, [], rcode=3)))
w('lib_mx', 'servfail-then-timeout', bytes([0]) + frame(pkt("example.test", MX, [], rcode=2)))
w('lib_mx', 'truncated-then-tcp', bytes([0]) + frame(
    pkt("example.test", MX, [], flags=0x8380),
    pkt("example.test", MX, [rr("example.test", MX, mx(5, "192.0.2.9"))])))
w('lib_mx', 'self-is-best', bytes([0x02]) + frame(
    pkt("example.test", MX, [rr("example.test", MX, mx(10, "mx.example.test")), rr("example.test", MX, mx(20, "backup.example.test"))])))
w('lib_mx', 'wrong-id', bytes([0x04]) + frame(pkt("example.test", MX, [rr("example.test", MX, mx(10, "mx1.example.test"))])))
w('lib_mx', 'mx-literal', bytes([0]) + frame(pkt("example.test", MX, [rr("example.test", MX, mx(10, "[IPv6:2001:db8::1]"))])))

# findings kept as seeds (see the commit messages)
w('lib_mx', 'crash-cname-empty-rdata', bytes([0]) + frame(
    pkt("example.test", MX, [rr("example.test", CNAME, b"")])))
w('lib_config', 'crash-empty-hostname', b"hostname=\nspool=/var/spool/smtpgate\n")
w('lib_config', 'crash-empty-spool', b"hostname=mx.example.org\nspool=\n")

# smtpd_session: byte 0 = client (bits 0-1), piece size (2-4), end (5-6),
# disk full (7); then what the client sends
msg = b"From: ann@remote.test\r\nTo: bob@example.test\r\nSubject: lunch\r\n\r\nAt noon?\r\n..dot line\r\n.\r\n"
w('smtpd_session', 'inbound-esmtp', bytes([0x02]) + b"EHLO mail.remote.test\r\nMAIL FROM:<ann@remote.test> SIZE=120 BODY=8BITMIME\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n" + msg + b"QUIT\r\n")
w('smtpd_session', 'relay-pipelined-dsn', bytes([3 << 2]) + b"EHLO client.example.test\r\nMAIL FROM:<bob@example.test> RET=HDRS ENVID=QQ+2B1\r\nRCPT TO:<x@remote.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;x+2Bs@remote.test\r\nRCPT TO:<sales+eu@example.test> NOTIFY=NEVER\r\nRCPT TO:<\"a b\"@remote.test> ORCPT=rfc822;x>y\r\nDATA\r\n" + msg + b"QUIT\r\n")
w('smtpd_session', 'helo-smtputf8', bytes([0x01]) + "EHLO [192.0.2.9]\r\nMAIL FROM:<jö@remote.test> SMTPUTF8\r\nRCPT TO:<bob@example.test> ORCPT=utf-8;j\\x{F6}@example.test\r\nRCPT TO:<sales@example.test>\r\nDATA\r\nSubject: grüß\r\n\r\nhi\r\n.\r\nQUIT\r\n".encode())
w('smtpd_session', 'errors', bytes([0x02 | (1 << 5)]) + b"HELO\r\nMAIL FROM:<>\r\nRCPT TO:<nobody@example.test>\r\nRCPT TO:<x@elsewhere.test>\r\nVRFY bob\r\nEXPN sales\r\nHELP\r\nNOOP\r\nRSET\r\nDATA\r\nBDAT 10\r\nmail from:<a@b>\r\n" + b"X" * 600 + b"\r\n")
w('smtpd_session', 'bad-data', bytes([0x02 | (1 << 2)]) + b"HELO x\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<postmaster>\r\nDATA\r\nbare\rcr\r\nbare\nlf\r\nnul\x00\r\n" + b"L" * 1100 + b"\r\n.\r\nQUIT\r\n")
w('smtpd_session', 'disk-full', bytes([0x80 | 0x02]) + b"HELO x\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n")
w('smtpd_session', 'eof-in-data', bytes([0x02 | (2 << 2)]) + b"EHLO x\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: cut\r\n\r\nhalf a mess")
w('smtpd_session', 'starttls-injection', bytes([0x02]) + b"EHLO c.test\r\nSTARTTLS\r\nRSET\r\nMAIL FROM:<evil@remote.test>\r\n")
w('smtpd_session', 'starttls-then-mail', bytes([0x02 | (3 << 2)]) + b"EHLO c.test\r\nSTARTTLS now\r\nSTARTTLS\r\nEHLO c.test\r\nSTARTTLS\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nSTARTTLS\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n")
for n, rdata in (('a-record-3-bytes', bytes([192, 0, 2])), ('crash-a-record-empty', b"")):
    w('lib_mx', n, bytes([0x01]) + frame(
        pkt("example.test", MX, [rr("example.test", MX, mx(10, "mx1.example.test"))]),
        pkt("mx1.example.test", A, [rr("mx1.example.test", A, rdata)]),
        pkt("mx1.example.test", AAAA, [])))

# lib_mx_reply: byte 0 = question (0 MX, 1 A, 2 AAAA; bit 2: mx1.example.test)
w('lib_mx_reply', 'mx-two', bytes([0]) + pkt("example.test", MX, [rr("example.test", MX, mx(10, "mx1.example.test")), rr("example.test", MX, mx(20, "mx2.example.test"))]))
w('lib_mx_reply', 'mx-null', bytes([0]) + pkt("example.test", MX, [rr("example.test", MX, mx(0, ""))]))
w('lib_mx_reply', 'mx-cname', bytes([0]) + pkt("example.test", MX, [rr("example.test", CNAME, name("alias.example.test")), rr("alias.example.test", MX, mx(5, "mx1.example.test"))]))
w('lib_mx_reply', 'mx-cname-empty', bytes([0]) + pkt("example.test", MX, [rr("example.test", CNAME, b"")]))
w('lib_mx_reply', 'a-two', bytes([0x05]) + pkt("mx1.example.test", A, [rr("mx1.example.test", A, a1), rr("mx1.example.test", A, a2)]))
w('lib_mx_reply', 'a-short', bytes([0x05]) + pkt("mx1.example.test", A, [rr("mx1.example.test", A, bytes([192, 0, 2]))]))
w('lib_mx_reply', 'aaaa', bytes([0x06]) + pkt("mx1.example.test", AAAA, [rr("mx1.example.test", AAAA, v6)]))
w('lib_mx_reply', 'nxdomain', bytes([0]) + pkt("example.test", MX, [], rcode=3))
w('lib_mx_reply', 'wrong-question', bytes([0]) + pkt("other.test", MX, [rr("other.test", MX, mx(10, "mx.other.test"))]))

# lib_tlsa: byte 0 bit 0: the name asked is _25._tcp.mx.example.test
TLSA = 52
TQ = "_25._tcp.mx.example.test"
def tlsa(u, s, m, data): return bytes([u, s, m]) + data
AD = 0x81a0
w('lib_tlsa', 'ee-311', bytes([1]) + pkt(TQ, TLSA, [rr(TQ, TLSA, tlsa(3, 1, 1, bytes(range(32))))], flags=AD))
w('lib_tlsa', 'ta-202-and-pkix', bytes([1]) + pkt(TQ, TLSA, [rr(TQ, TLSA, tlsa(2, 0, 2, bytes(range(64)))), rr(TQ, TLSA, tlsa(1, 1, 1, bytes(32)))], flags=AD))
w('lib_tlsa', 'full-cert', bytes([1]) + pkt(TQ, TLSA, [rr(TQ, TLSA, tlsa(3, 0, 0, bytes(range(200))))]))
w('lib_tlsa', 'short-data', bytes([1]) + pkt(TQ, TLSA, [rr(TQ, TLSA, b""), rr(TQ, TLSA, b"\3\1"), rr(TQ, TLSA, tlsa(3, 1, 1, b""))], flags=AD))
w('lib_tlsa', 'cname', bytes([1]) + pkt(TQ, TLSA, [rr(TQ, CNAME, name("_25._tcp.mx.hoster.test")), rr("_25._tcp.mx.hoster.test", TLSA, tlsa(3, 1, 1, bytes(32)))], flags=AD))
w('lib_tlsa', 'nxdomain-ad', bytes([1]) + pkt(TQ, TLSA, [], rcode=3, flags=AD))
w('lib_tlsa', 'servfail', bytes([1]) + pkt(TQ, TLSA, [], rcode=2))
# smtpd_auth: first byte bits 0-2 piece size, 3 -S, 4 TLS off, 5 authsenders
E = b"EHLO client.test\r\n"
wh('smtpd_auth', 'plain-initial', [0], E + b"AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\nMAIL FROM:<alice@example.test> AUTH=<>\r\nRCPT TO:<x@remote.test>\r\nDATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n")
wh('smtpd_auth', 'login-continuation', [0x01], E + b"AUTH LOGIN\r\nYWxpY2U=\r\nc2VjcmV0\r\nAUTH LOGIN\r\nMAIL FROM:<a@x.test>\r\n")
wh('smtpd_auth', 'cancel-bad-b64', [0x02], E + b"AUTH PLAIN\r\n*\r\nAUTH PLAIN !!!!\r\nAUTH LOGIN YWxpY2U=\r\n====\r\nAUTH PLAIN =\r\nAUTH PLAIN\r\n\r\nAUTH XOAUTH2 abc\r\n")
wh('smtpd_auth', 'submission', [0x08 | 0x20], E + b"MAIL FROM:<alice@example.test>\r\nAUTH PLAIN YWxpY2UAYWxpY2UAc2VjcmV0\r\nMAIL FROM:<eve@remote.test>\r\nMAIL FROM:<x@alice.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: no date\r\nX: a\r\n b\r\n\r\nDate: not a header\r\n.\r\n")
wh('smtpd_auth', 'no-tls', [0x10], E + b"AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\nAUTH LOGIN\r\n")
wh('smtpd_auth', 'guessing', [0x03], E + b"AUTH PLAIN AGFsaWNlAHg=\r\n" * 12)
# lib_auth_dovecot: Dovecot's side of the auth client protocol (and base64)
wh('lib_auth_dovecot', 'ok', [], b"VERSION\t1\t2\nMECH\tPLAIN\tplaintext\nMECH\tLOGIN\tplaintext\nSPID\t42\nCUID\t7\nCOOKIE\t0123456789abcdef\nDONE\nOK\t1\tuser=alice@example.test\n")
wh('lib_auth_dovecot', 'fail', [], b"VERSION\t1\t2\nMECH\tPLAIN\nDONE\nFAIL\t1\tuser=alice\treason=Password mismatch\n")
wh('lib_auth_dovecot', 'temp', [], b"VERSION\t1\t2\nMECH\tPLAIN\nDONE\nFAIL\t1\ttemp\n")
wh('lib_auth_dovecot', 'cont-escaped', [], b"VERSION\t1\t2\nMECH\tPLAIN\nDONE\nCONT\t1\t\nOK\t1\tuser=a\x01tb\n")
wh('lib_auth_dovecot', 'base64', [], b"AGFsaWNlAHNlY3JldA==")
