/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of spoolmgr/report.c: each recipient gets exactly its own
 * line of a job's report, made printable, whatever the remote server
 * (through mailer) put in it (issue 8, defect 4).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../spoolmgr/spoolmgr.h"

/* A report from text of the given length (it may hold NULs). */
static struct buf
report_of(const char *text, size_t len)
{
	struct buf	 b = { NULL, 0, 0 };

	assert_int_equal(buf_append(&b, text, len), 0);
	return b;
}

#define REPORT(s) report_of((s), sizeof(s) - 1)

#define THREE \
    "host mx.far.test. 192.0.2.1\n" \
    "mailer 0\n" \
    "out ok-1@far.test ok 250 2.0.0 queued as 1\n" \
    "out no-2@far.test fail 550 5.1.1 <no-2@far.test>: no mailbox here\n" \
    "out gone-3@far.test fail 550 5.2.1 <gone-3@far.test>: disabled\n"

static void
test_each_recipient_gets_its_own_line(void **state)
{
	struct buf	 b = REPORT(THREE);
	char		 word[16], reply[512];

	(void)state;
	assert_int_equal(report_result(&b, "ok-1@far.test", word, sizeof(word),
	    reply, sizeof(reply)), 0);
	assert_string_equal(word, "ok");
	assert_string_equal(reply, "250 2.0.0 queued as 1");
	assert_int_equal(report_result(&b, "NO-2@far.test", word, sizeof(word),
	    reply, sizeof(reply)), 0);
	assert_string_equal(word, "fail");
	assert_string_equal(reply, "550 5.1.1 <no-2@far.test>: no mailbox here");
	assert_int_equal(report_result(&b, "gone-3@far.test", word,
	    sizeof(word), reply, sizeof(reply)), 0);
	assert_string_equal(reply, "550 5.2.1 <gone-3@far.test>: disabled");
	buf_free(&b);
}

static void
test_no_line_for_an_address_that_is_only_a_prefix(void **state)
{
	struct buf	 b = REPORT(THREE);
	char		 word[16], reply[512];

	(void)state;
	assert_int_equal(report_result(&b, "ok-1@far.tes", word, sizeof(word),
	    reply, sizeof(reply)), -1);
	assert_int_equal(report_result(&b, "gone-3@far.test.x", word,
	    sizeof(word), reply, sizeof(reply)), -1);
	assert_int_equal(report_result(&b, "mx.far.test.", word, sizeof(word),
	    reply, sizeof(reply)), -1);
	buf_free(&b);
}

/* CR, TAB, ESC, NUL inside a reply become '?'; a final CR goes. */
static void
test_control_bytes_are_made_printable(void **state)
{
	static const char hostile[] =
	    "mailer 0\n"
	    "out a@far.test fail 550 5.7.1 no\rState: <a@far.test> done\t\033[2J\0x\r\n"
	    "out b@far.test ok 250 ok\r\n";
	struct buf	 b = REPORT(hostile);
	char		 word[16], reply[512];

	(void)state;
	assert_int_equal(report_result(&b, "a@far.test", word, sizeof(word),
	    reply, sizeof(reply)), 0);
	assert_string_equal(word, "fail");
	assert_string_equal(reply,
	    "550 5.7.1 no?State: <a@far.test> done??[2J?x");
	assert_int_equal(report_result(&b, "b@far.test", word, sizeof(word),
	    reply, sizeof(reply)), 0);
	assert_string_equal(reply, "250 ok");
	buf_free(&b);
}

static void
test_a_long_reply_is_cut_to_the_room(void **state)
{
	struct buf	 b = { NULL, 0, 0 };
	char		 word[16], reply[16];

	(void)state;
	buf_printf(&b, "out a@far.test defer 451 %0300d\nout b@far.test ok 2\n", 0);
	assert_int_equal(report_result(&b, "a@far.test", word, sizeof(word),
	    reply, sizeof(reply)), 0);
	assert_string_equal(reply, "451 00000000000");
	buf_free(&b);
}

static void
test_numbers_texts_and_hosts(void **state)
{
	static const char rep[] =
	    "mxerr mxlookup: far.test: SERVFAIL\r\n"
	    "mx 75\n"
	    "host [192.0.2.7]:2525 -\n";
	struct buf	 b = REPORT(rep), empty = { NULL, 0, 0 };
	char		 text[64], hosts[128], name[64];
	int		 n = -1;

	(void)state;
	assert_int_equal(report_number(&b, "mx", &n), 0);
	assert_int_equal(n, 75);
	assert_int_equal(report_number(&b, "mailer", &n), -1);
	report_text(&b, "mxerr", text, sizeof(text));
	assert_string_equal(text, "mxlookup: far.test: SERVFAIL");
	report_hosts(&b, hosts, sizeof(hosts));
	assert_string_equal(hosts, "[192.0.2.7]:2525[-]");
	assert_int_equal(report_single_host(&b, name, sizeof(name)), 1);
	assert_string_equal(name, "192.0.2.7");
	report_text(&empty, "mxerr", text, sizeof(text));
	assert_string_equal(text, "");
	assert_int_equal(report_single_host(&empty, name, sizeof(name)), 0);
	buf_free(&b);
}

static void
test_two_hosts_name_no_single_one(void **state)
{
	struct buf	 b = REPORT(THREE "host mx2.far.test. 192.0.2.2\n");
	char		 name[64], hosts[128];

	(void)state;
	assert_int_equal(report_single_host(&b, name, sizeof(name)), 0);
	report_hosts(&b, hosts, sizeof(hosts));
	assert_string_equal(hosts,
	    "mx.far.test.[192.0.2.1] mx2.far.test.[192.0.2.2]");
	buf_free(&b);
}

/* One exchanger at an IPv4 and an IPv6 address is one Remote-MTA. */
static void
test_one_name_two_addresses_is_one_host(void **state)
{
	struct buf	 b = REPORT(THREE "host MX.far.test. 2001:db8::1\n");
	char		 name[64];

	(void)state;
	assert_int_equal(report_single_host(&b, name, sizeof(name)), 1);
	assert_string_equal(name, "mx.far.test");
	buf_free(&b);
}

/*
 * mailer -x -D: "<TAB>dsn=no" after an ok reply says the server offered
 * no DSN; the field is not part of the reply.  A line without it, or a
 * TAB of the reply's own (made '?'), says nothing: DSN offered.
 */
static void
test_dsn_field_of_an_ok_line(void **state)
{
	static const char text[] =
	    "out a@far.test ok 250 2.0.0 queued\tdsn=no\n"
	    "out b@far.test ok 250 2.0.0 queued\tdsn=yes\tlater=1\n"
	    "out c@far.test ok 250 2.0.0 old mailer\n"
	    "out d@far.test ok 250 2.0.0 a\ttab\n";
	struct buf	 b = REPORT(text);
	char		 word[16], reply[512];

	(void)state;
	assert_int_equal(report_result(&b, "a@far.test", word, sizeof(word),
	    reply, sizeof(reply)), 0);
	assert_string_equal(word, "ok");
	assert_string_equal(reply, "250 2.0.0 queued");
	assert_int_equal(report_offered_dsn(&b, "a@far.test"), 0);
	assert_int_equal(report_result(&b, "b@far.test", word, sizeof(word),
	    reply, sizeof(reply)), 0);
	assert_string_equal(reply, "250 2.0.0 queued");
	assert_int_equal(report_offered_dsn(&b, "b@far.test"), 1);
	assert_int_equal(report_offered_dsn(&b, "c@far.test"), 1);
	assert_int_equal(report_result(&b, "d@far.test", word, sizeof(word),
	    reply, sizeof(reply)), 0);
	assert_string_equal(reply, "250 2.0.0 a?tab");
	assert_int_equal(report_offered_dsn(&b, "d@far.test"), 1);
	assert_int_equal(report_offered_dsn(&b, "e@far.test"), 1);
	buf_free(&b);
}

/*
 * mailer -x -D: "<TAB>tls=..." after the dsn field says how the session
 * was protected; an older mailer's line has none.
 */
static void
test_tls_field_of_an_ok_line(void **state)
{
	static const char text[] =
	    "out a@far.test ok 250 2.0.0 queued\tdsn=no\t"
	    "tls=dane/TLSv1.3/TLS_AES_256_GCM_SHA384\n"
	    "out b@far.test ok 250 2.0.0 queued\tdsn=yes\ttls=none\n"
	    "out c@far.test ok 250 2.0.0 old mailer\tdsn=yes\n"
	    "out d@far.test ok 250 tls=dane in the reply\n"
	    "out e@far.test ok 250 ok\tdsn=no\ttls=\x1b[31m\n";
	struct buf	 b = REPORT(text);
	char		 word[16], reply[512], tls[100];

	(void)state;
	assert_int_equal(report_tls(&b, "a@far.test", tls, sizeof(tls)), 0);
	assert_string_equal(tls, "dane/TLSv1.3/TLS_AES_256_GCM_SHA384");
	assert_int_equal(report_offered_dsn(&b, "a@far.test"), 0);
	assert_int_equal(report_result(&b, "a@far.test", word, sizeof(word),
	    reply, sizeof(reply)), 0);
	assert_string_equal(reply, "250 2.0.0 queued");
	assert_int_equal(report_tls(&b, "b@far.test", tls, sizeof(tls)), 0);
	assert_string_equal(tls, "none");
	assert_int_equal(report_tls(&b, "c@far.test", tls, sizeof(tls)), -1);
	assert_int_equal(report_tls(&b, "d@far.test", tls, sizeof(tls)), -1);
	assert_int_equal(report_tls(&b, "e@far.test", tls, sizeof(tls)), 0);
	assert_string_equal(tls, "?[31m");
	assert_int_equal(report_tls(&b, "f@far.test", tls, sizeof(tls)), -1);
	buf_free(&b);
}

#define BATCH \
    "host relay.test -\n" \
    "out MSG 0\n" \
    "out same@far.test ok 250 2.0.0 queued as 1\n" \
    "out END 0\n" \
    "out MSG 1\n" \
    "out same@far.test fail 550 5.1.1 no, not this one\n" \
    "out END 1\n" \
    "out MSG 2\n" \
    "out ERR 451 4.3.0 5: Bad file descriptor\n" \
    "out END 2\n" \
    "out MSG 3\n" \
    "out same@far.test ok 250 2.0.0 cut short\n" \
    "mailer 137\n"

/*
 * A batch's report cut to one message: the same address in two
 * messages gets each message's own line; ERR stands for every
 * recipient; a block cut short (mailer killed) is not ended, but its
 * whole lines are still mailer's word (issue 10).
 */
static void
test_batch_blocks(void **state)
{
	struct buf	 b = REPORT(BATCH), view = { NULL, 0, 0 };
	const char	*addrs[] = { "same@far.test", "other@far.test" };
	char		 word[16], reply[512];

	(void)state;
	assert_int_equal(report_block(&b, 0, addrs, 1, &view), 1);
	assert_int_equal(report_result(&view, "same@far.test", word,
	    sizeof(word), reply, sizeof(reply)), 0);
	assert_string_equal(word, "ok");
	assert_int_equal(report_block(&b, 1, addrs, 1, &view), 1);
	assert_int_equal(report_result(&view, "same@far.test", word,
	    sizeof(word), reply, sizeof(reply)), 0);
	assert_string_equal(word, "fail");
	assert_string_equal(reply, "550 5.1.1 no, not this one");
	assert_int_equal(report_block(&b, 2, addrs, 2, &view), 1);
	assert_int_equal(report_result(&view, "other@far.test", word,
	    sizeof(word), reply, sizeof(reply)), 0);
	assert_string_equal(word, "defer");
	assert_string_equal(reply, "451 4.3.0 5: Bad file descriptor");
	assert_int_equal(report_block(&b, 3, addrs, 2, &view), 0);
	assert_int_equal(report_result(&view, "same@far.test", word,
	    sizeof(word), reply, sizeof(reply)), 0);
	assert_string_equal(reply, "250 2.0.0 cut short");
	assert_int_equal(report_result(&view, "other@far.test", word,
	    sizeof(word), reply, sizeof(reply)), -1);
	/* what is not mailer's stays: the job's failure is told from it */
	assert_int_equal(report_number(&view, "mailer", &(int){ 0 }), 0);
	buf_free(&view);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_blocks),
		cmocka_unit_test(test_each_recipient_gets_its_own_line),
		cmocka_unit_test(test_no_line_for_an_address_that_is_only_a_prefix),
		cmocka_unit_test(test_control_bytes_are_made_printable),
		cmocka_unit_test(test_a_long_reply_is_cut_to_the_room),
		cmocka_unit_test(test_numbers_texts_and_hosts),
		cmocka_unit_test(test_two_hosts_name_no_single_one),
		cmocka_unit_test(test_dsn_field_of_an_ok_line),
		cmocka_unit_test(test_tls_field_of_an_ok_line),
		cmocka_unit_test(test_one_name_two_addresses_is_one_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
