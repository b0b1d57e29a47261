/* SPDX-License-Identifier: ISC */
/* The reply parser, the DATA filter, the DSN checks and -t's addresses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../mailer/addrlist.h"
#include "../../mailer/data.h"
#include "../../mailer/params.h"
#include "../../mailer/reply.h"

static void
test_reply_multiline(void **state)
{
	struct reply_parser	 p;
	struct reply		 r;
	const char		*in = "250-one\r\n250-two\r\n250 three\r\n220 x\r\n";
	size_t			 used;
	char			 sum[100], enh[16];

	(void)state;
	reply_init(&p);
	assert_int_equal(reply_feed(&p, in, strlen(in), &used, &r), 1);
	assert_int_equal(r.code, 250);
	assert_int_equal(r.lines, 3);
	assert_string_equal(r.text, "one\ntwo\nthree");
	assert_int_equal(used, 29);
	reply_summary(&r, sum, sizeof(sum));
	assert_string_equal(sum, "250 one two three");
	assert_int_equal(reply_feed(&p, in + used, strlen(in) - used, &used,
	    &r), 1);
	assert_int_equal(r.code, 220);

	/* codes that differ, and text with control bytes */
	assert_int_equal(reply_feed(&p, "250-a\r\n251 b\r\n", 14, &used, &r), 1);
	assert_int_equal(r.code, 0);
	assert_int_equal(reply_feed(&p, "550 5.1.1 bad\x01user\n", 19, &used,
	    &r), 1);
	reply_summary(&r, sum, sizeof(sum));
	assert_string_equal(sum, "550 5.1.1 bad?user");
	reply_enhanced(&r, enh, sizeof(enh));
	assert_string_equal(enh, "5.1.1");
	/* a bare code line */
	assert_int_equal(reply_feed(&p, "354\r\n", 5, &used, &r), 1);
	assert_int_equal(r.code, 354);
}

static char *
filter(const char *in, size_t len, struct data_filter *f)
{
	struct buf	 out = { NULL, 0, 0 };

	data_init(f);
	/* byte by byte: state must carry across calls */
	for (size_t i = 0; i < len; i++)
		assert_int_equal(data_feed(f, in + i, 1, &out), 0);
	data_finish(f, &out);
	return out.data ? out.data : strdup("");
}

static void
test_data_filter(void **state)
{
	struct data_filter	 f;
	char			*out;

	(void)state;
	out = filter("a\n.b\r\n..\rc\r\rd", 13, &f);
	assert_string_equal(out, "a\r\n..b\r\n...\r\nc\r\n\r\nd\r\n");
	/* RFC 1870 size: dots added by stuffing are not counted */
	assert_int_equal(f.octets, (long long)strlen(out) - 2);
	assert_false(f.eightbit);
	free(out);

	out = filter(".\n", 2, &f);
	assert_string_equal(out, "..\r\n");
	free(out);

	out = filter("x\xe9\n", 3, &f);
	assert_true(f.eightbit);
	free(out);
}

static void
test_data_long_lines(void **state)
{
	struct data_filter	 f;
	char			*in, *out;
	size_t			 len = 2500;

	(void)state;
	in = malloc(2002 + len);
	/* a header field of 2000 octets, then a body line of 2500 */
	memcpy(in, "X: ", 3);
	memset(in + 3, 'h', 1997);
	memcpy(in + 2000, "\n\n", 2);
	memset(in + 2002, 'b', len);
	out = filter(in, 2002 + len, &f);
	/* no line over 998 octets; the header folded with CRLF SP */
	for (char *line = out, *end; (end = strstr(line, "\r\n")); line = end + 2)
		assert_true(end - line <= 998);
	assert_non_null(strstr(out, "h\r\n h"));
	assert_null(strstr(out, "b\r\n b"));
	assert_non_null(strstr(out, "b\r\nb"));
	free(in);
	free(out);

	/*
	 * A dot that a break or a lone CR puts at the start of a line is
	 * stuffed too: "\r\n.\r\n" must never reach the wire from inside.
	 */
	in = malloc(1004);
	memcpy(in, "\n", 1);
	memset(in + 1, 'b', 998);
	memcpy(in + 999, ".\nx\r.", 5);
	out = filter(in, 1004, &f);
	assert_null(strstr(out, "\r\n.\r\n"));
	assert_non_null(strstr(out, "b\r\n..\r\nx\r\n..\r\n"));
	free(in);
	free(out);
}

static void
test_params(void **state)
{
	struct client_rcpt	 r;
	struct client_timeouts	 t;
	char			 op[100], err[200];

	(void)state;
	/* the local part's case counts, the domain's does not */
	assert_true(param_same_address("a@x.test", "a@X.TEST"));
	assert_false(param_same_address("A@x.test", "a@x.test"));
	assert_false(param_same_address("a@x.test", "ab@x.test"));
	assert_false(param_same_address("a@x.test", "a@x.test.org"));
	assert_true(param_same_address("\"a@b\"@x.test", "\"a@b\"@x.Test"));
	/* addresses with line breaks never reach a command */
	assert_int_equal(param_address("a@b.test\r\nRSET", 0), -1);
	assert_int_equal(param_address("a@b.test", 0), 0);
	assert_int_equal(param_address("", 1), 0);
	assert_int_equal(param_address("", 0), -1);

	strcpy(op, "b@x.test NOTIFY=FAILURE ORCPT=rfc822;b@x.test");
	assert_int_equal(param_rcpt_operand(op, "NEVER", &r, err,
	    sizeof(err)), 0);
	assert_string_equal(r.addr, "b@x.test");
	assert_string_equal(r.notify, "FAILURE");
	assert_string_equal(r.orcpt, "rfc822;b@x.test");
	free((char *)r.orcpt);
	strcpy(op, "<\"j d\"@x.test> NOTIFY=DELAY");
	assert_int_equal(param_rcpt_operand(op, NULL, &r, err,
	    sizeof(err)), 0);
	assert_string_equal(r.addr, "\"j d\"@x.test");
	/* the path ends at its own ">", not at one in ORCPT's value */
	strcpy(op, "<\"a b\"@x.test> ORCPT=rfc822;x>y@z.test");
	assert_int_equal(param_rcpt_operand(op, NULL, &r, err,
	    sizeof(err)), 0);
	assert_string_equal(r.addr, "\"a b\"@x.test");
	assert_string_equal(r.orcpt, "rfc822;x>y@z.test");
	free((char *)r.orcpt);
	strcpy(op, "<\"a>b\"@x.test> NOTIFY=NEVER");
	assert_int_equal(param_rcpt_operand(op, NULL, &r, err,
	    sizeof(err)), 0);
	assert_string_equal(r.addr, "\"a>b\"@x.test");
	/* what the spool holds is sent canonical */
	strcpy(op, "s@x.test ORCPT=rfc822;sales+eu@example.test");
	assert_int_equal(param_rcpt_operand(op, NULL, &r, err,
	    sizeof(err)), 0);
	assert_string_equal(r.orcpt, "rfc822;sales+2Beu@example.test");
	free((char *)r.orcpt);
	strcpy(op, "j@x.test ORCPT=utf-8;j\xc3\xb6@x.test");
	assert_int_equal(param_rcpt_operand(op, NULL, &r, err,
	    sizeof(err)), 0);
	assert_string_equal(r.orcpt, "utf-8;j\\x{F6}@x.test");
	free((char *)r.orcpt);
	strcpy(op, "<b@x.test>NOTIFY=NEVER");
	assert_int_equal(param_rcpt_operand(op, NULL, &r, err,
	    sizeof(err)), -1);
	strcpy(op, "b@x.test ORCPT=rfc822;a+0Ab");
	assert_int_equal(param_rcpt_operand(op, NULL, &r, err,
	    sizeof(err)), -1);
	strcpy(op, "b@x.test FOO=1");
	assert_int_equal(param_rcpt_operand(op, NULL, &r, err,
	    sizeof(err)), -1);

	client_default_timeouts(&t);
	assert_int_equal(t.dot, 600);
	assert_int_equal(param_timeouts("data=5,dot=7", &t), 0);
	assert_int_equal(t.data, 5);
	assert_int_equal(t.dot, 7);
	assert_int_equal(t.mail, 300);
	assert_int_equal(t.connect, 0);		/* the config's */
	assert_int_equal(param_timeouts("connect=4", &t), 0);
	assert_int_equal(t.connect, 4);
	assert_int_equal(param_timeouts("9", &t), 0);
	assert_int_equal(t.greeting, 9);
	assert_int_equal(t.connect, 9);
	assert_int_equal(param_timeouts("bogus=1", &t), -1);
}

static int
collect(const char *addr, void *arg)
{
	char	*s = arg;

	strcat(s, addr);
	strcat(s, "|");
	return 0;
}

static void
test_addrlist(void **state)
{
	char	 got[512];

	(void)state;
	got[0] = '\0';
	addrlist_parse(" \"Doe, Jane\" <jane@x.test>, bob@y.test (Bob, B.),"
	    " friends: ann@z.test, <@r.test:cy@z.test>;, undisclosed:;,"
	    " Joe Q <joe@w.test>", collect, got);
	assert_string_equal(got,
	    "jane@x.test|bob@y.test|ann@z.test|cy@z.test|joe@w.test|");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_multiline),
		cmocka_unit_test(test_data_filter),
		cmocka_unit_test(test_data_long_lines),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_addrlist),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
