/* SPDX-License-Identifier: ISC */
/*
 * smtpd's AUTH and -S fed a client's bytes through the engine, inside
 * TLS as the I/O layer marks it (s->tls), with a stand-in back end that
 * knows alice/secret.  Besides the sanitizers it checks that:
 *   - every reply line is "DDD text" or "DDD-text" with CRLF, <= 512
 *     octets, and no reply ever echoes the password "secret";
 *   - a session is authenticated only as the back end said (alice);
 *   - each AUTH answer line is taken as an answer, never as a command.
 * The first input byte chooses the piece size (bits 0-2), -S (bit 3),
 * TLS off (bit 4) and authsenders (bit 5); the rest is the client's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "auth_senders.h"
#include "../../smtpd/session.h"

static struct config		cf;
static struct aliases		al;
static struct auth_senders	senders;

static enum auth_result
stub_check(void *ctx, const char *login, const char *password,
    const char *client, char *canon, size_t canonlen)
{
	(void)ctx;
	(void)client;
	if (strcmp(login, "alice") != 0 || strcmp(password, "secret") != 0)
		return strcmp(login, "temp") == 0 ? AUTH_TEMPFAIL : AUTH_FAIL;
	snprintf(canon, canonlen, "%s", login);
	return AUTH_OK;
}

static void
setup(void)
{
	char		 path[256], err[512];

	fuzz_smtpd_config("", "localdomains=example.test\n"
	    "relayclients=127.0.0.0/8\nmaxsize=20000\nmaxerrors=20\n",
	    &cf, &al);
	snprintf(path, sizeof(path), "%s/senders", fuzz_scratch());
	fuzz_write_file(path, "alice: alice@example.test, @alice.test\n", 39);
	if (auth_senders_load(&senders, path, err, sizeof(err)) != 0)
		fuzz_fail("setup", err);
}

static int
contains(const char *text, size_t len, const char *word)
{
	size_t	 wlen = strlen(word);

	for (size_t at = 0; at + wlen <= len; at++)
		if (memcmp(text + at, word, wlen) == 0)
			return 1;
	return 0;
}

/* echoed_ok: the client itself sent "secret" as text (an address, say),
 * which a reply may quote; otherwise it came only inside base64. */
static void
check_replies(const struct buf *out, int echoed_ok)
{
	size_t	 at = 0, end;

	while (at < out->len) {
		const char	*line = out->data + at;
		const char	*lf = memchr(line, '\n', out->len - at);

		if (lf == NULL)
			fuzz_fail("reply", "does not end in CRLF");
		end = (size_t)(lf - line) + 1;
		if (end < 6 || line[end - 2] != '\r' || end > 512)
			fuzz_fail("reply", "no CRLF, too short or too long");
		if (line[0] < '2' || line[0] > '5' ||
		    (line[3] != ' ' && line[3] != '-'))
			fuzz_fail("reply", "line does not start \"DDD \"");
		if (memchr(line, '\0', end) || memchr(line, '\r', end - 2))
			fuzz_fail("reply", "CR or NUL inside a line");
		at += end;
	}
	if (!echoed_ok && contains(out->data, out->len, "secret"))
		fuzz_fail("reply", "the password echoed to the client");
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 ready;
	static struct auth_setup auth = { .check = stub_check,
	    .backend = "stub" };
	struct session		 s;
	struct buf		 out = { NULL, 0, 0 };
	const char		*in = (const char *)data + 1;
	size_t			 len, off = 0, n, step, used, rounds = 0;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size < 1)
		return 0;
	len = size - 1;
	step = (data[0] & 7) == 0 ? len : (size_t)1 << (data[0] & 7);
	auth.senders = data[0] & 0x20 ? &senders : NULL;
	fuzz_spool_reset();
	fuzz_spool_fail(0);
	session_init(&s, &cf, &al, "192.0.2.7", &out);
	s.auth = &auth;
	s.submission = (data[0] & 0x08) != 0;
	s.tls = (data[0] & 0x10) == 0;
	session_greet(&s);
	while (off < len && !session_closed(&s)) {
		n = len - off < step ? len - off : step;
		s.more_input = off + n < len;
		used = session_input(&s, in + off, n);
		if (used == 0 && !s.flush_now && !session_closed(&s))
			fuzz_fail("engine", "took no input and asked nothing");
		if (++rounds > 4 * len + 16)
			fuzz_fail("engine", "does not make progress");
		off += used;
		s.flush_now = 0;
		if (s.auth_login[0] && strcmp(s.auth_login, "alice") != 0)
			fuzz_fail("auth", "logged in as someone the back end "
			    "did not accept");
		if (s.auth_login[0] && !s.tls)
			fuzz_fail("auth", "logged in without TLS");
	}
	session_eof(&s);
	check_replies(&out, contains(in, len, "secret"));
	if (getenv("FUZZ_SHOW") != NULL && out.len > 0)
		fprintf(stderr, "%.*s", (int)out.len, out.data);
	session_free(&s);
	buf_free(&out);
	if (fuzz_spool.opened != fuzz_spool.committed + fuzz_spool.aborted)
		fuzz_fail("spool", "a message was neither committed nor removed");
	return 0;
}
