/* SPDX-License-Identifier: ISC */
/*
 * smtpd's protocol engine fed a client's bytes, as main.c feeds it, in
 * pieces of a size the input chooses.  Besides the sanitizers it checks
 * what a client sees and what gets spooled:
 *   - every reply line is "DDD text" or "DDD-text", CRLF, <= 512 octets,
 *     with no other CR, LF or NUL (a client's text echoed back must not
 *     break the protocol);
 *   - a message spooled has LF line ends only, no NUL, no line over
 *     1000 octets (smtpd(8) promises it refuses those), and its
 *     envelope reads back (common.c).
 * The first input byte chooses the client (relay or not), the piece
 * size and how the session ends; the rest is what the client sends.
 * STARTTLS is offered, and each one "succeeds" at once.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "../../smtpd/session.h"

static struct config	cf;
static struct aliases	al;

static void
setup(void)
{
	fuzz_smtpd_config("sales: bob, ann@remote.test\n"
	    "sales+eu: partner@remote.test\n",
	    "localdomains=example.test, other.example\n"
	    "relayclients=127.0.0.0/8\nmaxsize=20000\nmaxrcpt=100\n"
	    "maxerrors=50\n", &cf, &al);
}

static void
check_replies(const struct buf *out)
{
	size_t	 at = 0, end, i;

	while (at < out->len) {
		const char	*line = out->data + at;
		const char	*lf = memchr(line, '\n', out->len - at);

		if (lf == NULL)
			fuzz_fail("reply", "does not end in CRLF");
		end = (size_t)(lf - line) + 1;
		if (end < 6 || line[end - 2] != '\r')
			fuzz_fail("reply", "line without CRLF or too short");
		if (end > 512)
			fuzz_fail("reply", "line over 512 octets");
		if (line[0] < '2' || line[0] > '5' || line[1] < '0' ||
		    line[1] > '9' || line[2] < '0' || line[2] > '9' ||
		    (line[3] != ' ' && line[3] != '-'))
			fuzz_fail("reply", "line does not start \"DDD \"");
		for (i = 0; i < end - 2; i++)
			if (line[i] == '\r' || line[i] == '\0')
				fuzz_fail("reply", "CR or NUL inside a line");
		at += end;
	}
}

static void
check_spooled(const struct buf *text, const struct envelope *env)
{
	size_t	 at = 0, linelen;

	(void)env;
	if (text->len == 0 || text->data[text->len - 1] != '\n')
		fuzz_fail("spooled text", "does not end in LF");
	if (memchr(text->data, '\0', text->len) != NULL)
		fuzz_fail("spooled text", "has a NUL");
	if (memchr(text->data, '\r', text->len) != NULL)
		fuzz_fail("spooled text", "has a CR");
	while (at < text->len) {
		const char *lf = memchr(text->data + at, '\n', text->len - at);

		linelen = (size_t)(lf - (text->data + at)) + 1;
		if (linelen > 999)	/* 1000 with CRLF */
			fuzz_fail("spooled text", "line over 1000 octets");
		at += linelen;
	}
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 ready;
	struct session	 s;
	struct buf	 out = { NULL, 0, 0 };
	const char	*in = (const char *)data + 1;
	size_t		 len, off = 0, n, step, used, rounds = 0;

	if (!ready) {
		setup();
		fuzz_on_commit = check_spooled;
		ready = 1;
	}
	if (size < 1)
		return 0;
	len = size - 1;
	/* bits 0-1: client; 2-4: piece size; 5-6: the end; 7: disk full */
	step = (data[0] >> 2 & 7) == 0 ? len : (size_t)1 << (data[0] >> 2 & 7);
	fuzz_spool_reset();
	fuzz_spool_fail(data[0] >> 7 & 1);
	session_init(&s, &cf, &al, (data[0] & 3) == 0 ? "127.0.0.1" :
	    (data[0] & 3) == 1 ? "local" : "192.0.2.7", &out);
	s.tls_offer = TLS_OFFER_YES;
	session_greet(&s);
	while (off < len && !session_closed(&s)) {
		n = len - off < step ? len - off : step;
		s.more_input = off + n < len;
		used = session_input(&s, in + off, n);
		/* The engine may stop early at a sync point, never for ever. */
		if (used == 0 && !s.flush_now && !session_closed(&s))
			fuzz_fail("engine", "took no input and asked nothing");
		if (++rounds > 4 * len + 16)
			fuzz_fail("engine", "does not make progress");
		off += used;
		s.flush_now = 0;
		/* after STARTTLS, as serve.c after a handshake: the rest of
		 * the piece was dropped, the session starts over in TLS */
		if (s.tls_start)
			session_tls_started(&s, "TLSv1.3 TLS_AES_128_GCM_SHA256");
	}
	switch (data[0] >> 5 & 3) {
	case 0:
		session_eof(&s);
		break;
	case 1:
		session_timeout(&s, 0);
		break;
	case 2:
		session_timeout(&s, 1);
		break;
	default:
		break;
	}
	check_replies(&out);
	if (getenv("FUZZ_SHOW") != NULL && out.len > 0)	/* for a person */
		fprintf(stderr, "%.*s", (int)out.len, out.data);
	session_free(&s);
	buf_free(&out);
	if (fuzz_spool.opened != fuzz_spool.committed + fuzz_spool.aborted)
		fuzz_fail("spool", "a message was neither committed nor removed");
	return 0;
}
