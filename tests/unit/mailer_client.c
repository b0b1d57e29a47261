/* SPDX-License-Identifier: ISC */
/* The client engine driven by reply byte strings, as a server would send. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <bsd/string.h>

#include "../../mailer/client.h"

struct fixture {
	struct client		 c;
	struct client_msg	 msg;
	struct client_rcpt	 r[3];
};

static void
setup_msg(struct fixture *f, size_t n)
{
	static const char *const addrs[] = { "a@x.test", "b@x.test",
	    "c@x.test" };

	memset(f, 0, sizeof(*f));
	f->msg.sender = "s@y.test";
	f->msg.size = 100;
	f->msg.rcpts = f->r;
	f->msg.nrcpts = n;
	for (size_t i = 0; i < n; i++)
		f->r[i].addr = addrs[i];
	assert_int_equal(client_init(&f->c, "me.test", &f->msg), 0);
}

/* Feeds a reply; checks the commands the engine wants sent. */
static enum client_next
say(struct fixture *f, const char *reply, const char *expect)
{
	enum client_next	 next;

	next = client_input(&f->c, reply, strlen(reply));
	if (expect != NULL) {
		assert_non_null(f->c.out.data);
		assert_string_equal(f->c.out.data, expect);
	} else
		assert_int_equal(f->c.out.len, 0);
	buf_consume(&f->c.out, f->c.out.len);
	return next;
}

static void
test_pipelined_session(void **state)
{
	struct fixture	 f;

	(void)state;
	setup_msg(&f, 2);
	f.r[1].notify = "SUCCESS,FAILURE";
	f.r[1].orcpt = "rfc822;b@x.test";
	f.msg.ret = "HDRS";
	f.msg.envid = "QQ+2B1";
	f.msg.eightbit = 1;
	say(&f, "220 hi ESMTP\r\n", "EHLO me.test\r\n");
	/* the reply may come in pieces */
	assert_int_equal(client_input(&f.c, "250-hi\r\n250-PIPE", 16),
	    CLIENT_READ);
	assert_int_equal(f.c.out.len, 0);
	say(&f, "LINING\r\n250-SIZE 1000\r\n250-8BITMIME\r\n250 DSN\r\n",
	    "MAIL FROM:<s@y.test> SIZE=100 BODY=8BITMIME RET=HDRS "
	    "ENVID=QQ+2B1\r\nRCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test> "
	    "NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@x.test\r\nDATA\r\n");
	assert_int_equal(say(&f, "250 ok\r\n250 ok\r\n550 5.1.1 no\r\n"
	    "354 go\r\n", NULL), CLIENT_SEND_BODY);
	client_body_sent(&f.c);
	assert_string_equal(f.c.out.data, ".\r\n");
	buf_consume(&f.c.out, f.c.out.len);
	say(&f, "250 2.0.0 queued\r\n", "QUIT\r\n");
	assert_int_equal(say(&f, "221 bye\r\n", NULL), CLIENT_CLOSE);
	assert_int_equal(f.r[0].result, RESULT_OK);
	assert_string_equal(f.r[0].reply, "250 2.0.0 queued");
	assert_int_equal(f.r[1].result, RESULT_FAIL);
	assert_true(f.r[1].settled);
	assert_string_equal(f.r[1].reply, "550 5.1.1 no");
	client_free(&f.c);
}

static void
test_helo_fallback_no_pipelining(void **state)
{
	struct fixture	 f;

	(void)state;
	setup_msg(&f, 2);
	f.r[0].notify = "NEVER";	/* no DSN offered: not sent */
	say(&f, "220 old\r\n", "EHLO me.test\r\n");
	say(&f, "502 what\r\n", "HELO me.test\r\n");
	say(&f, "250 hello\r\n", "MAIL FROM:<s@y.test>\r\n");
	say(&f, "250 ok\r\n", "RCPT TO:<a@x.test>\r\n");
	say(&f, "250 ok\r\n", "RCPT TO:<b@x.test>\r\n");
	say(&f, "451 4.7.1 later\r\n", "DATA\r\n");
	assert_int_equal(say(&f, "354 go\r\n", NULL), CLIENT_SEND_BODY);
	client_body_sent(&f.c);
	buf_consume(&f.c.out, f.c.out.len);
	say(&f, "250 ok\r\n", "QUIT\r\n");
	assert_int_equal(f.r[0].result, RESULT_OK);
	assert_int_equal(f.r[1].result, RESULT_DEFER);
	assert_false(f.r[1].settled);
	assert_true(f.c.accepted_any);
	client_free(&f.c);
}

static void
test_size_refused_before_mail(void **state)
{
	struct fixture	 f;

	(void)state;
	setup_msg(&f, 2);
	f.msg.size = 5000;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250-hi\r\n250 SIZE 4000\r\n", "QUIT\r\n");
	for (int i = 0; i < 2; i++) {
		assert_int_equal(f.r[i].result, RESULT_FAIL);
		assert_true(f.r[i].settled);
		assert_non_null(strstr(f.r[i].reply, "552 5.3.4"));
	}
	client_free(&f.c);
}

static void
test_smtputf8(void **state)
{
	struct fixture	 f;

	(void)state;
	setup_msg(&f, 2);
	f.r[1].addr = "j\xc3\xb6rg@x.test";
	f.r[1].utf8 = 1;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	/* no SMTPUTF8: the UTF-8 recipient fails, the other goes */
	say(&f, "250 hi\r\n", "MAIL FROM:<s@y.test>\r\n");
	assert_int_equal(f.r[1].result, RESULT_FAIL);
	assert_non_null(strstr(f.r[1].reply, "5.6.7"));
	client_free(&f.c);

	setup_msg(&f, 1);
	f.r[0].addr = "j\xc3\xb6rg@x.test";
	f.r[0].utf8 = 1;
	f.msg.smtputf8 = 1;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250-hi\r\n250 SMTPUTF8\r\n",
	    "MAIL FROM:<s@y.test> SMTPUTF8\r\n");
	client_free(&f.c);
}

static void
test_greeting_421_and_lost(void **state)
{
	struct fixture	 f;

	(void)state;
	setup_msg(&f, 1);
	assert_int_equal(say(&f, "421 busy\r\n", NULL), CLIENT_CLOSE);
	assert_int_equal(f.r[0].result, RESULT_DEFER);
	assert_false(f.r[0].settled);
	client_free(&f.c);

	setup_msg(&f, 1);
	say(&f, "554 go away\r\n", "QUIT\r\n");
	assert_int_equal(f.r[0].result, RESULT_FAIL);
	assert_false(f.r[0].settled);	/* next host may take it */
	client_free(&f.c);

	setup_msg(&f, 1);
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250 hi\r\n", "MAIL FROM:<s@y.test>\r\n");
	say(&f, "250 ok\r\n", "RCPT TO:<a@x.test>\r\n");
	say(&f, "250 ok\r\n", "DATA\r\n");
	say(&f, "354 go\r\n", NULL);
	client_body_sent(&f.c);
	client_lost(&f.c, "421 4.4.2 timeout");
	assert_int_equal(f.r[0].result, RESULT_DEFER);
	assert_string_equal(f.r[0].reply, "421 4.4.2 timeout");
	client_free(&f.c);
}

static void
test_mail_refused(void **state)
{
	struct fixture	 f;

	(void)state;
	setup_msg(&f, 2);
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250-hi\r\n250 PIPELINING\r\n", "MAIL FROM:<s@y.test>\r\n"
	    "RCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n");
	say(&f, "553 5.7.1 sender refused\r\n503 no\r\n503 no\r\n", NULL);
	/* a server that still says 354 gets an empty data at once */
	say(&f, "354 go\r\n", ".\r\n");
	say(&f, "554 no valid recipients\r\n", "QUIT\r\n");
	for (int i = 0; i < 2; i++) {
		assert_int_equal(f.r[i].result, RESULT_FAIL);
		assert_true(f.r[i].settled);
		assert_string_equal(f.r[i].reply, "553 5.7.1 sender refused");
	}
	client_free(&f.c);
}

static void
test_too_many_recipients(void **state)
{
	struct fixture	 f;

	(void)state;
	setup_msg(&f, 3);
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250 hi\r\n", "MAIL FROM:<s@y.test>\r\n");
	say(&f, "250 ok\r\n", "RCPT TO:<a@x.test>\r\n");
	say(&f, "250 ok\r\n", "RCPT TO:<b@x.test>\r\n");
	say(&f, "452 4.5.3 too many\r\n", "RCPT TO:<c@x.test>\r\n");
	say(&f, "452 4.5.3 too many\r\n", "DATA\r\n");
	say(&f, "354 go\r\n", NULL);
	client_body_sent(&f.c);
	buf_consume(&f.c.out, f.c.out.len);
	/* a second transaction for the two left over */
	say(&f, "250 ok\r\n", "MAIL FROM:<s@y.test>\r\n");
	say(&f, "250 ok\r\n", "RCPT TO:<b@x.test>\r\n");
	say(&f, "250 ok\r\n", "RCPT TO:<c@x.test>\r\n");
	say(&f, "250 ok\r\n", "DATA\r\n");
	assert_int_equal(say(&f, "354 go\r\n", NULL), CLIENT_SEND_BODY);
	client_body_sent(&f.c);
	buf_consume(&f.c.out, f.c.out.len);
	say(&f, "250 ok 2\r\n", "QUIT\r\n");
	for (int i = 0; i < 3; i++)
		assert_int_equal(f.r[i].result, RESULT_OK);
	assert_string_equal(f.r[2].reply, "250 ok 2");
	client_free(&f.c);
}

static void
test_garbage_reply(void **state)
{
	struct fixture	 f;

	(void)state;
	setup_msg(&f, 1);
	assert_int_equal(say(&f, "HTTP/1.0 400 Bad\r\n", NULL), CLIENT_CLOSE);
	assert_int_equal(f.r[0].result, RESULT_DEFER);
	assert_non_null(strstr(f.r[0].reply, "garbled"));
	client_free(&f.c);
}

static void
test_starttls_auth(void **state)
{
	struct fixture	 f;

	(void)state;
	setup_msg(&f, 1);
	client_set_auth(&f.c, "joe", "s3cret");
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	/* nothing before TLS, not even with AUTH offered in clear */
	say(&f, "250-hi\r\n250-AUTH PLAIN\r\n250 STARTTLS\r\n",
	    "STARTTLS\r\n");
	assert_int_equal(say(&f, "220 go ahead\r\n", NULL), CLIENT_START_TLS);
	client_tls_started(&f.c);
	assert_string_equal(f.c.out.data, "EHLO me.test\r\n");
	buf_consume(&f.c.out, f.c.out.len);
	/* RFC 4616: base64 of NUL joe NUL s3cret */
	say(&f, "250-hi\r\n250 AUTH LOGIN PLAIN\r\n",
	    "AUTH PLAIN AGpvZQBzM2NyZXQ=\r\n");
	say(&f, "235 2.7.0 ok\r\n", "MAIL FROM:<s@y.test>\r\n");
	client_free(&f.c);

	/* AUTH LOGIN: user, then password, each base64 */
	setup_msg(&f, 1);
	client_set_auth(&f.c, "joe", "s3cret");
	f.c.tls = 1;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250-hi\r\n250 AUTH LOGIN\r\n", "AUTH LOGIN\r\n");
	say(&f, "334 VXNlcm5hbWU6\r\n", "am9l\r\n");
	say(&f, "334 UGFzc3dvcmQ6\r\n", "czNjcmV0\r\n");
	say(&f, "535 5.7.8 bad credentials\r\n", "QUIT\r\n");
	assert_int_equal(f.r[0].result, RESULT_DEFER);	/* never a bounce */
	assert_false(f.r[0].settled);
	assert_string_equal(f.r[0].reply, "535 5.7.8 bad credentials");
	client_free(&f.c);

	/* no STARTTLS, or only HELO: the credentials stay home */
	setup_msg(&f, 1);
	client_set_auth(&f.c, "joe", "s3cret");
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "502 no\r\n", "HELO me.test\r\n");
	say(&f, "250 hi\r\n", "QUIT\r\n");
	assert_int_equal(f.r[0].result, RESULT_DEFER);
	assert_non_null(strstr(f.r[0].reply, "530 5.7.10"));
	client_free(&f.c);
}

/*
 * tls=verify and DANE (mailer/tls.c): TLS required.  A server without
 * STARTTLS gets QUIT and the recipients the reply the program gave; one
 * with it gets STARTTLS even without want_tls; a recipient taken after
 * TLS carries the session's TLS summary.
 */
static void
test_tls_required(void **state)
{
	struct fixture	 f;
	static const char need[] = "451 4.7.10 mx.x.test: no STARTTLS "
	    "offered; TLS is required (DANE)";

	(void)state;
	setup_msg(&f, 1);
	f.c.tls_required = need;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250-hi\r\n250 PIPELINING\r\n", "QUIT\r\n");
	assert_int_equal(f.r[0].result, RESULT_DEFER);
	assert_string_equal(f.r[0].reply, need);
	assert_false(f.r[0].settled);		/* the next host may do */
	client_free(&f.c);

	setup_msg(&f, 1);
	f.c.tls_required = need;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	assert_int_equal(say(&f, "250-hi\r\n250 STARTTLS\r\n",
	    "STARTTLS\r\n"), CLIENT_READ);
	assert_int_equal(say(&f, "220 go\r\n", NULL), CLIENT_START_TLS);
	strlcpy(f.c.tls_summary, "dane/TLSv1.3/X", sizeof(f.c.tls_summary));
	client_tls_started(&f.c);
	buf_consume(&f.c.out, f.c.out.len);
	say(&f, "250 hi\r\n", "MAIL FROM:<s@y.test>\r\n");
	say(&f, "250 ok\r\n", "RCPT TO:<a@x.test>\r\n");
	say(&f, "250 ok\r\n", "DATA\r\n");
	assert_string_equal(f.r[0].tls, "dane/TLSv1.3/X");
	client_free(&f.c);

	/* opportunistic, no STARTTLS: in clear, and the summary says so */
	setup_msg(&f, 1);
	f.c.want_tls = 1;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250 hi\r\n", "MAIL FROM:<s@y.test>\r\n");
	say(&f, "250 ok\r\n", "RCPT TO:<a@x.test>\r\n");
	say(&f, "250 ok\r\n", "DATA\r\n");
	assert_string_equal(f.r[0].tls, "none");
	client_free(&f.c);
}

/* RFC 6152 3: no 8-bit data to a server without 8BITMIME. */
static void
test_eightbit_without_8bitmime(void **state)
{
	struct fixture	 f;

	(void)state;
	setup_msg(&f, 2);
	f.msg.eightbit = 1;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250-hi\r\n250-PIPELINING\r\n250 SIZE 1000\r\n", "QUIT\r\n");
	for (int i = 0; i < 2; i++) {
		assert_int_equal(f.r[i].result, RESULT_FAIL);
		assert_true(f.r[i].settled);
		assert_string_equal(f.r[i].reply, "554 5.6.3 the message has "
		    "8-bit data and the server does not offer 8BITMIME");
	}
	client_free(&f.c);

	/* an old server (HELO) has no 8BITMIME either */
	setup_msg(&f, 1);
	f.msg.eightbit = 1;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "500 what\r\n", "HELO me.test\r\n");
	say(&f, "250 hi\r\n", "QUIT\r\n");
	assert_int_equal(f.r[0].result, RESULT_FAIL);
	client_free(&f.c);

	/* 7-bit data goes to such a server, without BODY= */
	setup_msg(&f, 1);
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250 hi\r\n", "MAIL FROM:<s@y.test>\r\n");
	client_free(&f.c);
}

/* SMTPUTF8 only when the sender or a header needs it (issue 9, 7). */
static void
test_smtputf8_not_needed(void **state)
{
	struct fixture	 f;

	(void)state;
	setup_msg(&f, 1);
	f.msg.smtputf8 = 1;
	f.msg.ascii_headers = 1;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250 hi\r\n", "MAIL FROM:<s@y.test>\r\n");
	client_free(&f.c);

	/* a UTF-8 header needs it: refused before MAIL */
	setup_msg(&f, 1);
	f.msg.smtputf8 = 1;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250 hi\r\n", "QUIT\r\n");
	assert_int_equal(f.r[0].result, RESULT_FAIL);
	assert_non_null(strstr(f.r[0].reply, "553 5.6.7"));
	client_free(&f.c);

	/* a server that offers it still gets it */
	setup_msg(&f, 1);
	f.msg.smtputf8 = 1;
	f.msg.ascii_headers = 1;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250-hi\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
	    "MAIL FROM:<s@y.test> SMTPUTF8\r\n");
	client_free(&f.c);
}

/* Convertible 8-bit MIME goes as 7 bits, with its converted size. */
static void
test_eightbit_converted(void **state)
{
	struct fixture	 f;

	(void)state;
	setup_msg(&f, 1);
	f.msg.eightbit = 1;
	f.msg.convertible = 1;
	f.msg.size7 = 250;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250-hi\r\n250 SIZE 1000\r\n",
	    "MAIL FROM:<s@y.test> SIZE=250\r\n");
	assert_true(f.c.convert7);
	client_free(&f.c);

	/* the converted size is the one the limit is checked against */
	setup_msg(&f, 1);
	f.msg.eightbit = 1;
	f.msg.convertible = 1;
	f.msg.size7 = 2000;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250-hi\r\n250 SIZE 1000\r\n", "QUIT\r\n");
	assert_non_null(strstr(f.r[0].reply, "552 5.3.4 message size 2000"));
	client_free(&f.c);

	/* with 8BITMIME it goes as it is */
	setup_msg(&f, 1);
	f.msg.eightbit = 1;
	f.msg.convertible = 1;
	f.msg.size7 = 250;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250-hi\r\n250-8BITMIME\r\n250 SIZE 1000\r\n",
	    "MAIL FROM:<s@y.test> SIZE=100 BODY=8BITMIME\r\n");
	assert_false(f.c.convert7);
	client_free(&f.c);

	/* not convertible: the reason is in the reply */
	setup_msg(&f, 1);
	f.msg.eightbit = 1;
	f.msg.why_not7 = "not MIME";
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250 hi\r\n", "QUIT\r\n");
	assert_string_equal(f.r[0].reply, "554 5.6.3 the message has 8-bit "
	    "data and the server does not offer 8BITMIME; it cannot be "
	    "converted to 7 bits: not MIME");
	client_free(&f.c);
}

/* A 4xx or 421 to EHLO is no reason for HELO: the next host is asked. */
static void
test_ehlo_temporary(void **state)
{
	struct fixture	 f;

	(void)state;
	setup_msg(&f, 1);
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "451 4.3.0 try later\r\n", "QUIT\r\n");
	assert_int_equal(f.r[0].result, RESULT_DEFER);
	assert_false(f.r[0].settled);
	assert_string_equal(f.r[0].reply, "451 4.3.0 try later");
	client_free(&f.c);

	setup_msg(&f, 1);
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	assert_int_equal(say(&f, "421 4.3.2 closing\r\n", NULL), CLIENT_CLOSE);
	assert_int_equal(f.r[0].result, RESULT_DEFER);
	assert_false(f.r[0].settled);
	client_free(&f.c);
}

/*
 * RFC 2920: replies matched to the pipelined commands in order; DATA
 * refused after mixed RCPT replies fails only the accepted ones with
 * its own reply, the others keep theirs.
 */
static void
test_pipelined_data_refused(void **state)
{
	struct fixture	 f;

	(void)state;
	setup_msg(&f, 3);
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250-hi\r\n250 PIPELINING\r\n", "MAIL FROM:<s@y.test>\r\n"
	    "RCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test>\r\n"
	    "RCPT TO:<c@x.test>\r\nDATA\r\n");
	say(&f, "250 ok\r\n250 ok\r\n550 5.1.1 no\r\n451 4.2.0 later\r\n"
	    "554 5.5.0 no\r\n", "QUIT\r\n");
	assert_int_equal(f.r[0].result, RESULT_FAIL);
	assert_string_equal(f.r[0].reply, "554 5.5.0 no");
	assert_int_equal(f.r[1].result, RESULT_FAIL);
	assert_string_equal(f.r[1].reply, "550 5.1.1 no");
	assert_int_equal(f.r[2].result, RESULT_DEFER);
	assert_string_equal(f.r[2].reply, "451 4.2.0 later");
	client_free(&f.c);

	/* every RCPT refused: DATA's 554 changes nothing */
	setup_msg(&f, 2);
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250-hi\r\n250 PIPELINING\r\n", "MAIL FROM:<s@y.test>\r\n"
	    "RCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n");
	say(&f, "250 ok\r\n550 5.1.1 no a\r\n550 5.1.1 no b\r\n"
	    "554 5.5.1 no valid recipients\r\n", "QUIT\r\n");
	assert_string_equal(f.r[0].reply, "550 5.1.1 no a");
	assert_string_equal(f.r[1].reply, "550 5.1.1 no b");
	assert_false(f.c.accepted_any);
	client_free(&f.c);
}

/* A 2xx to DATA is no 354: the message was never sent, so never ok. */
static void
test_data_not_354(void **state)
{
	struct fixture	 f;

	(void)state;
	setup_msg(&f, 1);
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250-hi\r\n250 PIPELINING\r\n", "MAIL FROM:<s@y.test>\r\n"
	    "RCPT TO:<a@x.test>\r\nDATA\r\n");
	assert_int_equal(say(&f, "250 ok\r\n250 ok\r\n250 ok\r\n",
	    "QUIT\r\n"), CLIENT_READ);
	assert_int_equal(f.r[0].result, RESULT_DEFER);
	assert_string_equal(f.r[0].reply,
	    "451 4.5.0 reply to DATA not 354: 250 ok");
	client_free(&f.c);
}

static size_t
count(const char *text, const char *what)
{
	size_t	 n = 0;

	for (const char *p = text; p && (p = strstr(p, what)) != NULL; p++)
		n++;
	return n;
}

/* n copies of "250 ok\r\n" fed in one go. */
static void
feed_oks(struct client *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		client_input(c, "250 ok\r\n", 8);
}

/*
 * RFC 2920 deadlock: RCPTs go in groups of CLIENT_PIPE_GROUP, the next
 * group once the last one's replies are in, DATA with the last group.
 */
static void
test_pipeline_groups(void **state)
{
	struct client		 c;
	struct client_msg	 msg;
	struct client_rcpt	*r = calloc(250, sizeof(*r));
	char			(*addr)[32] = calloc(250, sizeof(*addr));

	(void)state;
	assert_non_null(r);
	assert_non_null(addr);
	memset(&msg, 0, sizeof(msg));
	msg.sender = "s@y.test";
	msg.size = 10;
	msg.rcpts = r;
	msg.nrcpts = 250;
	for (size_t i = 0; i < 250; i++) {
		snprintf(addr[i], sizeof(addr[i]), "r%zu@x.test", i);
		r[i].addr = addr[i];
	}
	assert_int_equal(client_init(&c, "me.test", &msg), 0);
	client_input(&c, "220 hi\r\n", 8);
	buf_consume(&c.out, c.out.len);
	client_input(&c, "250-hi\r\n250 PIPELINING\r\n", 24);
	buf_printf(&c.out, "%s", "");
	assert_int_equal(count(c.out.data, "MAIL FROM"), 1);
	assert_int_equal(count(c.out.data, "RCPT TO"), CLIENT_PIPE_GROUP);
	assert_int_equal(count(c.out.data, "DATA"), 0);
	buf_consume(&c.out, c.out.len);
	feed_oks(&c, 100);		/* MAIL and 99 RCPTs */
	assert_int_equal(c.out.len, 0);
	feed_oks(&c, 1);
	buf_printf(&c.out, "%s", "");
	assert_int_equal(count(c.out.data, "RCPT TO"), 100);
	assert_int_equal(count(c.out.data, "DATA"), 0);
	buf_consume(&c.out, c.out.len);
	feed_oks(&c, 100);
	buf_printf(&c.out, "%s", "");
	assert_int_equal(count(c.out.data, "RCPT TO"), 50);
	assert_non_null(strstr(c.out.data, "<r249@x.test>\r\nDATA\r\n"));
	buf_consume(&c.out, c.out.len);
	feed_oks(&c, 50);
	assert_int_equal(client_input(&c, "354 go\r\n", 8), CLIENT_SEND_BODY);
	client_free(&c);

	/* MAIL refused: after the first group's replies, QUIT, no DATA */
	msg.nrcpts = 150;
	assert_int_equal(client_init(&c, "me.test", &msg), 0);
	client_input(&c, "220 hi\r\n", 8);
	client_input(&c, "250-hi\r\n250 PIPELINING\r\n", 24);
	buf_consume(&c.out, c.out.len);
	client_input(&c, "550 5.7.1 go away\r\n", 19);
	for (int i = 0; i < CLIENT_PIPE_GROUP; i++)
		client_input(&c, "503 no\r\n", 8);
	assert_non_null(c.out.data);
	assert_string_equal(c.out.data, "QUIT\r\n");
	for (size_t i = 0; i < 150; i++) {
		assert_int_equal(r[i].result, RESULT_FAIL);
		assert_string_equal(r[i].reply, "550 5.7.1 go away");
	}
	client_free(&c);
	free(r);
	free(addr);
}

/* RFC 5321 4.5.3.2: the defaults, and which one each state waits by. */
static void
test_timeouts(void **state)
{
	struct client_timeouts	 t;
	struct fixture		 f;

	(void)state;
	client_default_timeouts(&t);
	assert_int_equal(t.greeting, 300);
	assert_int_equal(t.mail, 300);
	assert_int_equal(t.rcpt, 300);
	assert_int_equal(t.data, 120);
	assert_int_equal(t.block, 180);
	assert_int_equal(t.dot, 600);
	t.greeting = 1, t.helo = 2, t.mail = 3, t.rcpt = 4, t.data = 5;
	t.block = 6, t.dot = 7, t.quit = 8;
	setup_msg(&f, 1);
	assert_int_equal(client_wait(&f.c, &t), 1);
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	assert_int_equal(client_wait(&f.c, &t), 2);
	say(&f, "250 hi\r\n", "MAIL FROM:<s@y.test>\r\n");
	assert_int_equal(client_wait(&f.c, &t), 3);
	say(&f, "250 ok\r\n", "RCPT TO:<a@x.test>\r\n");
	assert_int_equal(client_wait(&f.c, &t), 4);
	say(&f, "250 ok\r\n", "DATA\r\n");
	assert_int_equal(client_wait(&f.c, &t), 5);
	say(&f, "354 go\r\n", NULL);
	assert_int_equal(client_wait(&f.c, &t), 6);
	client_body_sent(&f.c);
	buf_consume(&f.c.out, f.c.out.len);
	assert_int_equal(client_wait(&f.c, &t), 7);
	say(&f, "250 ok\r\n", "QUIT\r\n");
	assert_int_equal(client_wait(&f.c, &t), 8);
	client_free(&f.c);
}

/*
 * Random servers: replies drawn from a pool, in pieces of random size.
 * Whatever they say, the engine ends the session with every recipient
 * answered, and "ok" only for what a dot reply took.
 */
static void
test_random_servers(void **state)
{
	static const char *const pool[] = {
	    "220 hi\r\n", "250-x\r\n250-PIPELINING\r\n250 SIZE 50\r\n",
	    "250 ok\r\n", "354 go\r\n", "421 bye\r\n", "452 4.5.3 many\r\n",
	    "550 5.1.1 no\r\n", "451 later\r\n", "502 eh\r\n", "garbage\r\n",
	    "250-a\r\n251 b\r\n", "221 bye\r\n", "\r\n", "25",
	    "250-x\r\n250-STARTTLS\r\n250 AUTH LOGIN PLAIN\r\n",
	    "334 VXNlcg==\r\n", "235 ok\r\n", "535 5.7.8 no\r\n" };
	struct fixture	 f;
	char		 stream[256];
	size_t		 n = sizeof(pool) / sizeof(pool[0]);

	(void)state;
	srand(4711);
	for (int round = 0; round < 20000; round++) {
		enum client_next	 next = CLIENT_READ;
		int			 steps = 0, body_sent = 0;

		setup_msg(&f, 1 + (size_t)(rand() % 3));
		f.msg.size = rand() % 100;
		if (round % 2)
			client_set_auth(&f.c, "joe", "s3cret");
		f.c.want_tls = round % 3 == 0;
		while (next != CLIENT_CLOSE && steps++ < 40) {
			size_t	 len, cut;

			strcpy(stream, pool[rand() % n]);
			len = strlen(stream);
			cut = (size_t)rand() % (len + 1);
			next = client_input(&f.c, stream, cut);
			if (next == CLIENT_READ)
				next = client_input(&f.c, stream + cut, len - cut);
			if (next == CLIENT_SEND_BODY) {
				body_sent = 1;
				next = client_body_sent(&f.c);
			}
			if (next == CLIENT_START_TLS)
				next = client_tls_started(&f.c);
			buf_consume(&f.c.out, f.c.out.len);
		}
		if (next != CLIENT_CLOSE)
			client_lost(&f.c, "421 4.4.2 test over");
		for (size_t i = 0; i < f.msg.nrcpts; i++) {
			assert_int_not_equal(f.r[i].result, RESULT_PENDING);
			assert_true(f.r[i].reply[0] >= '2' &&
			    f.r[i].reply[0] <= '5');
			/* ok only once the message went out */
			if (f.r[i].result == RESULT_OK)
				assert_true(body_sent);
		}
		client_free(&f.c);
	}
}

/* A second message for a batch: its own recipient d@x.test. */
static struct client_rcpt	second_rcpt[1];
static struct client_msg	second_msg;

static struct client_msg *
setup_second(void)
{
	memset(&second_msg, 0, sizeof(second_msg));
	memset(second_rcpt, 0, sizeof(second_rcpt));
	second_rcpt[0].addr = "d@x.test";
	second_msg.sender = "t@y.test";
	second_msg.size = 50;
	second_msg.rcpts = second_rcpt;
	second_msg.nrcpts = 1;
	return &second_msg;
}

/* Two messages over one session; no RSET after a finished transaction. */
static void
test_batch_two_messages(void **state)
{
	struct fixture		 f;
	enum client_next	 next;

	(void)state;
	setup_msg(&f, 1);
	f.c.batch = 1;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250-hi\r\n250 PIPELINING\r\n",
	    "MAIL FROM:<s@y.test>\r\nRCPT TO:<a@x.test>\r\nDATA\r\n");
	assert_int_equal(say(&f, "250 ok\r\n250 ok\r\n354 go\r\n", NULL),
	    CLIENT_SEND_BODY);
	client_body_sent(&f.c);
	buf_consume(&f.c.out, f.c.out.len);
	assert_int_equal(say(&f, "250 queued 1\r\n", NULL), CLIENT_TX_DONE);
	assert_int_equal(f.r[0].result, RESULT_OK);
	assert_int_equal(f.c.state, CS_IDLE);
	assert_int_equal(client_next_msg(&f.c, setup_second(), &next), 0);
	assert_int_equal(next, CLIENT_READ);
	assert_string_equal(f.c.out.data, "MAIL FROM:<t@y.test>\r\n"
	    "RCPT TO:<d@x.test>\r\nDATA\r\n");
	buf_consume(&f.c.out, f.c.out.len);
	assert_int_equal(say(&f, "250 ok\r\n250 ok\r\n354 go\r\n", NULL),
	    CLIENT_SEND_BODY);
	client_body_sent(&f.c);
	buf_consume(&f.c.out, f.c.out.len);
	assert_int_equal(say(&f, "250 queued 2\r\n", NULL), CLIENT_TX_DONE);
	assert_int_equal(second_rcpt[0].result, RESULT_OK);
	assert_string_equal(second_rcpt[0].reply, "250 queued 2");
	assert_int_equal(client_quit(&f.c), CLIENT_READ);
	assert_string_equal(f.c.out.data, "QUIT\r\n");
	buf_consume(&f.c.out, f.c.out.len);
	assert_int_equal(say(&f, "221 bye\r\n", NULL), CLIENT_CLOSE);
	assert_int_equal(f.c.messages, 2);
	client_free(&f.c);
}

/*
 * A message whose recipients were all refused leaves MAIL open: the next
 * one starts with RSET.  Only the refused message's recipient fails.
 */
static void
test_batch_rset_after_refusal(void **state)
{
	struct fixture		 f;
	enum client_next	 next;

	(void)state;
	setup_msg(&f, 1);
	f.c.batch = 1;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250 hi\r\n", "MAIL FROM:<s@y.test>\r\n");
	say(&f, "250 ok\r\n", "RCPT TO:<a@x.test>\r\n");
	assert_int_equal(say(&f, "550 5.1.1 no such user\r\n", NULL),
	    CLIENT_TX_DONE);
	assert_int_equal(f.r[0].result, RESULT_FAIL);
	assert_int_equal(client_next_msg(&f.c, setup_second(), &next), 0);
	assert_int_equal(next, CLIENT_READ);
	assert_string_equal(f.c.out.data, "RSET\r\n");
	buf_consume(&f.c.out, f.c.out.len);
	say(&f, "250 reset\r\n", "MAIL FROM:<t@y.test>\r\n");
	say(&f, "250 ok\r\n", "RCPT TO:<d@x.test>\r\n");
	say(&f, "250 ok\r\n", "DATA\r\n");
	assert_int_equal(say(&f, "354 go\r\n", NULL), CLIENT_SEND_BODY);
	client_body_sent(&f.c);
	buf_consume(&f.c.out, f.c.out.len);
	assert_int_equal(say(&f, "250 queued\r\n", NULL), CLIENT_TX_DONE);
	assert_int_equal(second_rcpt[0].result, RESULT_OK);
	assert_int_equal(f.r[0].result, RESULT_FAIL);
	client_free(&f.c);
}

/*
 * 421 to the second message's MAIL: only that message is deferred, and
 * unsettled (the program may try it elsewhere); a close while idle
 * touches nobody.
 */
static void
test_batch_421_mid_batch(void **state)
{
	struct fixture		 f;
	enum client_next	 next;

	(void)state;
	setup_msg(&f, 1);
	f.c.batch = 1;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250 hi\r\n", "MAIL FROM:<s@y.test>\r\n");
	say(&f, "250 ok\r\n", "RCPT TO:<a@x.test>\r\n");
	say(&f, "250 ok\r\n", "DATA\r\n");
	say(&f, "354 go\r\n", NULL);
	client_body_sent(&f.c);
	buf_consume(&f.c.out, f.c.out.len);
	assert_int_equal(say(&f, "250 queued\r\n", NULL), CLIENT_TX_DONE);
	assert_int_equal(client_next_msg(&f.c, setup_second(), &next), 0);
	buf_consume(&f.c.out, f.c.out.len);
	assert_int_equal(say(&f, "421 4.3.2 shutting down\r\n", NULL),
	    CLIENT_CLOSE);
	assert_int_equal(second_rcpt[0].result, RESULT_DEFER);
	assert_int_equal(second_rcpt[0].settled, 0);
	assert_string_equal(second_rcpt[0].reply, "421 4.3.2 shutting down");
	assert_int_equal(f.r[0].result, RESULT_OK);
	client_free(&f.c);

	setup_msg(&f, 1);
	f.c.batch = 1;
	say(&f, "220 hi\r\n", "EHLO me.test\r\n");
	say(&f, "250 hi\r\n", "MAIL FROM:<s@y.test>\r\n");
	say(&f, "250 ok\r\n", "RCPT TO:<a@x.test>\r\n");
	say(&f, "250 ok\r\n", "DATA\r\n");
	say(&f, "354 go\r\n", NULL);
	client_body_sent(&f.c);
	buf_consume(&f.c.out, f.c.out.len);
	say(&f, "250 queued\r\n", NULL);
	client_lost(&f.c, "421 4.4.2 connection closed");
	assert_int_equal(f.c.state, CS_DONE);
	assert_int_equal(f.r[0].result, RESULT_OK);
	assert_string_equal(f.r[0].reply, "250 queued");
	client_free(&f.c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipelined_session),
		cmocka_unit_test(test_tls_required),
		cmocka_unit_test(test_helo_fallback_no_pipelining),
		cmocka_unit_test(test_size_refused_before_mail),
		cmocka_unit_test(test_smtputf8),
		cmocka_unit_test(test_greeting_421_and_lost),
		cmocka_unit_test(test_mail_refused),
		cmocka_unit_test(test_too_many_recipients),
		cmocka_unit_test(test_garbage_reply),
		cmocka_unit_test(test_starttls_auth),
		cmocka_unit_test(test_eightbit_without_8bitmime),
		cmocka_unit_test(test_smtputf8_not_needed),
		cmocka_unit_test(test_eightbit_converted),
		cmocka_unit_test(test_ehlo_temporary),
		cmocka_unit_test(test_pipelined_data_refused),
		cmocka_unit_test(test_data_not_354),
		cmocka_unit_test(test_pipeline_groups),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_random_servers),
		cmocka_unit_test(test_batch_two_messages),
		cmocka_unit_test(test_batch_rset_after_refusal),
		cmocka_unit_test(test_batch_421_mid_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
