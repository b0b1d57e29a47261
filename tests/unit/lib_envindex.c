/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of lib/envelope_index.c: the hash indexes that find a
 * recipient and its State line without scanning (issue 8, defect 6),
 * giving the same answers the scans they replace gave.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <bsd/string.h>

#include "envelope.h"
#include "queue.h"

#define MANY	20000

static void
set_state(struct envelope *env, const char *addr, enum rcpt_state state,
    const char *reply)
{
	struct rcpt_status	 st;

	memset(&st, 0, sizeof(st));
	st.state = state;
	st.tries = 1;
	strlcpy(st.reply, reply, sizeof(st.reply));
	assert_int_equal(queue_set_state(env, addr, &st), 0);
}

static enum rcpt_state
state_of(const struct envelope *env, const char *addr, char *reply,
    size_t len)
{
	struct rcpt_status	 st;

	queue_get_state(env, addr, &st);
	if (reply)
		strlcpy(reply, st.reply, len);
	return st.state;
}

static void
test_addr_len(void **state)
{
	(void)state;
	assert_int_equal(envelope_addr_len("bob@x.test> done"), 10);
	assert_int_equal(envelope_addr_len("bob@x.test"), 10);
	assert_int_equal(envelope_addr_len("\"a> b\"@x.test> done"), 13);
	assert_int_equal(envelope_addr_len("\"a\\\"> b\"@x.test>"), 15);
	assert_int_equal(envelope_addr_len("a>b@x.test>"), 1);
	assert_int_equal(envelope_addr_len("\"open@x.test> done"), (size_t)-1);
}

/* Thousands of recipients: each finds its own line, no other. */
static void
test_many_recipients(void **state)
{
	struct envelope	 env;
	char		 addr[64], reply[64], got[512];

	(void)state;
	envelope_init(&env);
	env.sender = strdup("a@x.test");
	for (int i = 0; i < MANY; i++) {
		snprintf(addr, sizeof(addr), "r%d@y.test", i);
		assert_int_equal(envelope_add_rcpt(&env, addr, NULL, NULL), 0);
	}
	for (int i = 0; i < MANY; i += 2) {
		snprintf(addr, sizeof(addr), "r%d@y.test", i);
		snprintf(reply, sizeof(reply), "250 ok %d", i);
		set_state(&env, addr, RCPT_DONE, reply);
	}
	assert_int_equal(env.nextra, MANY / 2);
	for (int i = 0; i < MANY; i++) {
		snprintf(addr, sizeof(addr), "r%d@y.test", i);
		assert_non_null(envelope_find_rcpt(&env, addr, strlen(addr)));
		if (i % 2) {
			assert_int_equal(state_of(&env, addr, NULL, 0),
			    RCPT_PENDING);
			continue;
		}
		assert_int_equal(state_of(&env, addr, got, sizeof(got)),
		    RCPT_DONE);
		snprintf(reply, sizeof(reply), "250 ok %d", i);
		assert_string_equal(got, reply);
	}
	/* A prefix of an address, or one with more, is not it. */
	assert_null(envelope_find_rcpt(&env, "r1@y.tes", 8));
	assert_null(envelope_find_line(&env, "State", "r2@y.tes"));
	assert_null(envelope_find_line(&env, "State", "r2@y.test2"));
	assert_null(envelope_find_line(&env, "Other", "r2@y.test"));
	assert_false(queue_all_final(&env));
	for (int i = 1; i < MANY; i += 2) {
		snprintf(addr, sizeof(addr), "r%d@y.test", i);
		set_state(&env, addr, RCPT_BOUNCED, "550 no");
	}
	assert_true(queue_all_final(&env));
	assert_int_equal(env.nextra, MANY);	/* replaced, never added twice */
	envelope_free(&env);
}

/* A '>' in a quoted local part, and one outside any quotes. */
static void
test_odd_addresses(void **state)
{
	static const char *const addrs[] = { "\"a> b\"@x.test", "\"a\"@x.test",
	    "a>b@x.test", "a@x.test", "\"open@x.test" };
	struct envelope	 env;
	char		 reply[64];

	(void)state;
	envelope_init(&env);
	env.sender = strdup("");
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(envelope_add_rcpt(&env, addrs[i], NULL, NULL), 0);
	for (size_t i = 0; i < 5; i++) {
		snprintf(reply, sizeof(reply), "250 %zu <x> y>z", i);
		set_state(&env, addrs[i], RCPT_DONE, reply);
	}
	for (size_t i = 0; i < 5; i++) {
		char	 got[512];

		snprintf(reply, sizeof(reply), "250 %zu <x> y>z", i);
		assert_int_equal(state_of(&env, addrs[i], got, sizeof(got)),
		    RCPT_DONE);
		assert_string_equal(got, reply);
	}
	assert_int_equal(env.nextra, 5);
	envelope_free(&env);
}

/* Parsed from a file: the first State line of an address wins, as before. */
static void
test_parse_first_line_wins(void **state)
{
	const char	*text = "From: <a@x.test>\nTo: <b@y.test>\n"
	    "To: <c@y.test>\n"
	    "State: <b@y.test> done 1 1 0 250 first\n"
	    "State: <b@y.test> failed 2 2 0 550 second\n";
	struct envelope	 env;
	char		 err[100], got[512];

	(void)state;
	assert_int_equal(envelope_parse(&env, text, strlen(text), err,
	    sizeof(err)), 0);
	assert_int_equal(state_of(&env, "b@y.test", got, sizeof(got)),
	    RCPT_DONE);
	assert_string_equal(got, "250 first");
	assert_int_equal(state_of(&env, "c@y.test", NULL, 0), RCPT_PENDING);
	envelope_free(&env);
}

/*
 * Notify and ORcpt lines name their recipient by the longest address
 * that fits, as an address may hold "> " itself.
 */
static void
test_parse_rcpt_params(void **state)
{
	const char	*text = "From: <a@x.test>\nTo: <\"b> c\"@y.test>\n"
	    "To: <\"b>@y.test>\nTo: <d@y.test>\n"
	    "Notify: <\"b> c\"@y.test> SUCCESS\n"
	    "ORcpt: <\"b>@y.test> rfc822;b@old.test\n"
	    "Notify: <d@y.test> NEVER\n";
	const char	*bad = "From: <a@x.test>\nTo: <d@y.test>\n"
	    "Notify: <e@y.test> NEVER\n";
	struct envelope	 env;
	char		 err[100];

	(void)state;
	assert_int_equal(envelope_parse(&env, text, strlen(text), err,
	    sizeof(err)), 0);
	assert_string_equal(env.rcpts[0].notify, "SUCCESS");
	assert_null(env.rcpts[0].orcpt);
	assert_string_equal(env.rcpts[1].orcpt, "rfc822;b@old.test");
	assert_null(env.rcpts[1].notify);
	assert_string_equal(env.rcpts[2].notify, "NEVER");
	envelope_free(&env);
	/* A line for no recipient is malformed, as before. */
	assert_int_equal(envelope_parse(&env, bad, strlen(bad), err,
	    sizeof(err)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_len),
		cmocka_unit_test(test_many_recipients),
		cmocka_unit_test(test_odd_addresses),
		cmocka_unit_test(test_parse_first_line_wins),
		cmocka_unit_test(test_parse_rcpt_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
