/* The client engine driven by reply byte strings, as a server would send. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipelined_session),
		cmocka_unit_test(test_helo_fallback_no_pipelining),
		cmocka_unit_test(test_size_refused_before_mail),
		cmocka_unit_test(test_smtputf8),
		cmocka_unit_test(test_greeting_421_and_lost),
		cmocka_unit_test(test_mail_refused),
		cmocka_unit_test(test_too_many_recipients),
		cmocka_unit_test(test_garbage_reply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
