/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of STARTTLS in smtpd's engine: when it is offered and
 * refused, that input pipelined behind it is never run (CVE-2011-0411),
 * that the session starts over after the handshake, and the Received:
 * protocol names of RFC 3848.  The handshake itself is the I/O layer's
 * (tests/smtpd-tls.t): here session_tls_started() stands in for it.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"
#include "../../smtpd/session.h"
#include "smtpd_fixture.h"

#define DESC	"TLSv1.3 TLS_AES_256_GCM_SHA384"

static int
setup_offer(void **state, int offer)
{
	struct fixture	*f = fixture_open("localdomains=example.test\n", NULL);

	if (f == NULL)
		return -1;
	session_init(&f->s, &f->cf, &f->al, "192.0.2.1", &f->out);
	f->s.tls_offer = offer;
	fixture_greet(f);
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	return setup_offer(state, TLS_OFFER_YES);
}

static int
setup_none(void **state)
{
	return setup_offer(state, TLS_OFFER_NONE);
}

static int
setup_broken(void **state)
{
	return setup_offer(state, TLS_OFFER_BROKEN);
}

static int
teardown(void **state)
{
	return fixture_close(*state);
}

/*
 * Feeds input as serve.c does (one read, fed until the engine has used
 * it all); returns the replies to it and, in *used, what the engine took
 * as consumed.
 */
static const char *
talk_used(struct fixture *f, const char *input, size_t *used)
{
	size_t	 len = strlen(input), off = 0;

	buf_consume(&f->out, f->out.len);
	buf_append(&f->out, "", 0);	/* data is a string from here on */
	while (off < len && !session_closed(&f->s)) {
		f->s.more_input = 0;
		off += session_input(&f->s, input + off, len - off);
		f->s.flush_now = 0;
		if (f->s.tls_start)
			break;	/* serve.c: the handshake comes next */
	}
	if (used)
		*used = off;
	return f->out.data;
}

static const char *
talk(struct fixture *f, const char *input)
{
	return talk_used(f, input, NULL);
}

static int
has_line(const char *replies, const char *line)
{
	return strstr(replies, line) != NULL;
}

static void
test_ehlo_offers_starttls(void **state)
{
	struct fixture	*f = *state;

	assert_true(has_line(talk(f, "EHLO client.test\r\n"),
	    "\r\n250-STARTTLS\r\n"));
}

static void
test_not_offered_without_files(void **state)
{
	struct fixture	*f = *state;

	assert_false(has_line(talk(f, "EHLO client.test\r\n"), "STARTTLS"));
	assert_string_equal(talk(f, "STARTTLS\r\n"),
	    "502 5.5.1 STARTTLS not available\r\n");
	assert_int_equal(f->s.tls_start, 0);
}

static void
test_unreadable_files_454(void **state)
{
	struct fixture	*f = *state;

	assert_false(has_line(talk(f, "EHLO client.test\r\n"), "STARTTLS"));
	assert_string_equal(talk(f, "STARTTLS\r\n"),
	    "454 4.7.0 TLS not available due to temporary reason\r\n");
	assert_int_equal(f->s.tls_start, 0);
}

static void
test_starttls_220_then_handshake_due(void **state)
{
	struct fixture	*f = *state;

	talk(f, "EHLO client.test\r\n");
	assert_string_equal(talk(f, "STARTTLS\r\n"),
	    "220 2.0.0 ready to start TLS\r\n");
	assert_int_equal(f->s.tls_start, 1);
	assert_int_equal(f->s.flush_now, 0);	/* talk cleared it */
}

/* CVE-2011-0411: commands in the same read as STARTTLS are dropped. */
static void
test_pipelined_after_starttls_dropped(void **state)
{
	struct fixture	*f = *state;
	const char	*in = "EHLO client.test\r\nSTARTTLS\r\nRSET\r\n"
	    "MAIL FROM:<evil@remote.test>\r\nRCPT TO:<bob@example.test>\r\n";
	size_t		 used;
	const char	*out = talk_used(f, in, &used);

	assert_int_equal(used, strlen(in));	/* all taken, none run */
	assert_true(has_line(out, "250 HELP\r\n220 2.0.0 ready to start "
	    "TLS\r\n"));
	assert_false(has_line(out, "reset"));
	assert_false(has_line(out, "sender"));
	/* more bytes before the handshake: still nothing */
	assert_string_equal(talk(f, "NOOP\r\n"), "");
	session_tls_started(&f->s, DESC);
	/* the injected MAIL left nothing behind: a transaction needs EHLO */
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test>\r\n"),
	    "503 5.5.1 bad sequence of commands: send EHLO or HELO first\r\n");
}

/* A command cut in two reads: the second half is not a command either. */
static void
test_split_read_after_starttls_dropped(void **state)
{
	struct fixture	*f = *state;

	talk(f, "EHLO client.test\r\nSTARTTLS\r");
	assert_int_equal(f->s.tls_start, 0);
	assert_string_equal(talk(f, "\nRSET\r\n"),
	    "220 2.0.0 ready to start TLS\r\n");
	assert_int_equal(f->s.tls_start, 1);
}

static void
test_session_starts_over(void **state)
{
	struct fixture	*f = *state;

	talk(f, "EHLO client.test\r\nSTARTTLS\r\n");
	strcpy(f->s.auth_login, "someone");	/* as if said before: forgot */
	session_tls_started(&f->s, DESC);
	assert_int_equal(f->s.tls, 1);
	assert_int_equal(f->s.tls_start, 0);
	assert_string_equal(f->s.tls_desc, DESC);
	assert_string_equal(f->s.helo, "");
	assert_string_equal(f->s.auth_login, "");
	assert_int_equal(f->s.esmtp, 0);
	/* EHLO again: no STARTTLS offered inside TLS; a second one is 503 */
	assert_false(has_line(talk(f, "EHLO client.test\r\n"), "STARTTLS"));
	assert_string_equal(talk(f, "STARTTLS\r\n"),
	    "503 5.5.1 TLS already active\r\n");
}

static void
test_refusals(void **state)
{
	struct fixture	*f = *state;

	talk(f, "EHLO client.test\r\n");
	assert_string_equal(talk(f, "STARTTLS now\r\n"),
	    "501 5.5.4 STARTTLS takes no argument\r\n");
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test>\r\n"
	    "STARTTLS\r\n"), "250 2.1.0 sender <a@remote.test> ok\r\n"
	    "503 5.5.1 bad sequence of commands: STARTTLS not allowed "
	    "during a mail transaction\r\n");
	assert_string_equal(talk(f, "RCPT TO:<bob@example.test>\r\n"
	    "STARTTLS\r\n"), "250 2.1.5 recipient <bob@example.test> ok\r\n"
	    "503 5.5.1 bad sequence of commands: STARTTLS not allowed "
	    "during a mail transaction\r\n");
	assert_int_equal(f->s.tls_start, 0);
	/* after RSET it may */
	assert_string_equal(talk(f, "RSET\r\nSTARTTLS\r\n"),
	    "250 2.0.0 reset\r\n220 2.0.0 ready to start TLS\r\n");
}

static void
test_failed_handshake_closes(void **state)
{
	struct fixture	*f = *state;

	talk(f, "STARTTLS\r\n");
	session_tls_failed(&f->s, "wrong version number");
	assert_true(session_closed(&f->s));
	assert_int_equal(f->s.tls, 0);
}

/* The first line of the only message in the spool, and its second. */
static char *
received(struct fixture *f)
{
	char		 path[400], *text = calloc(1, 4096);
	DIR		*d;
	struct dirent	*e;
	FILE		*fp = NULL;

	snprintf(path, sizeof(path), "%s/spool/in", f->dir);
	assert_non_null(text);
	assert_non_null(d = opendir(path));
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".TXT")) {
			snprintf(path, sizeof(path), "%s/spool/in/%s", f->dir,
			    e->d_name);
			fp = fopen(path, "r");
		}
	closedir(d);
	assert_non_null(fp);
	assert_true(fread(text, 1, 4095, fp) > 0);
	fclose(fp);
	return text;
}

static void
send_one(struct fixture *f)
{
	const char	*out = talk(f, "EHLO client.test\r\n"
	    "MAIL FROM:<alice@remote.test>\r\nRCPT TO:<bob@example.test>\r\n"
	    "DATA\r\n");

	assert_true(has_line(out, "354 "));
	assert_true(has_line(talk(f, "Subject: x\r\n\r\nhi\r\n.\r\n"),
	    "250 2.0.0 queued as"));
}

static void
test_received_esmtps_with_cipher(void **state)
{
	struct fixture	*f = *state;
	char		*text;

	talk(f, "EHLO client.test\r\nSTARTTLS\r\n");
	session_tls_started(&f->s, DESC);
	send_one(f);
	text = received(f);
	assert_non_null(strstr(text, "\n\tby mx.example.test with ESMTPS "
	    "(" DESC ") id "));
	free(text);
}

static void
test_received_esmtpsa_without_login(void **state)
{
	struct fixture	*f = *state;
	char		*text;

	session_tls_started(&f->s, DESC);
	talk(f, "EHLO client.test\r\n");
	strcpy(f->s.auth_login, "secret-login");	/* as AUTH sets it */
	send_one(f);
	text = received(f);
	assert_non_null(strstr(text, " with ESMTPSA (" DESC ") id "));
	assert_null(strstr(text, "secret-login"));
	free(text);
}

static void
test_received_plain_esmtp(void **state)
{
	struct fixture	*f = *state;
	char		*text;

	send_one(f);
	text = received(f);
	assert_non_null(strstr(text, " with ESMTP id "));
	assert_null(strstr(text, "TLS"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ehlo_offers_starttls,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_offered_without_files,
		    setup_none, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_files_454,
		    setup_broken, teardown),
		cmocka_unit_test_setup_teardown(
		    test_starttls_220_then_handshake_due, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pipelined_after_starttls_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_split_read_after_starttls_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_starts_over,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_handshake_closes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_received_esmtps_with_cipher, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_received_esmtpsa_without_login, setup, teardown),
		cmocka_unit_test_setup_teardown(test_received_plain_esmtp,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
