/* SPDX-License-Identifier: ISC */
/* Unit tests of lib/queue.c (recipient state) and lib/aliases.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "aliases.h"
#include "queue.h"

static void
test_state_round_trip(void **state)
{
	struct envelope		 env;
	struct rcpt_status	 st, got;
	char			*text, err[100];
	size_t			 len;
	struct envelope		 back;

	(void)state;
	envelope_init(&env);
	env.sender = strdup("a@x.test");
	envelope_add_rcpt(&env, "b@y.test", NULL, NULL);
	envelope_add_rcpt(&env, "c@y.test", NULL, NULL);
	queue_get_state(&env, "b@y.test", &got);
	assert_int_equal(got.state, RCPT_PENDING);
	assert_false(queue_all_final(&env));

	memset(&st, 0, sizeof(st));
	st.state = RCPT_DEFERRED;
	st.last = 1000;
	st.tries = 2;
	st.next = 1900;
	strcpy(st.reply, "451 4.4.1 no answer from host");
	assert_int_equal(queue_set_state(&env, "b@y.test", &st), 0);
	st.state = RCPT_DONE;
	st.tries = 3;
	strcpy(st.reply, "250 2.0.0 ok");
	assert_int_equal(queue_set_state(&env, "b@y.test", &st), 0);
	assert_int_equal(env.nextra, 1);	/* replaced, not added */
	st.state = RCPT_BOUNCED;
	strcpy(st.reply, "550 5.1.1 no such user");
	assert_int_equal(queue_set_state(&env, "c@y.test", &st), 0);
	assert_true(queue_all_final(&env));

	text = envelope_format(&env, &len);
	assert_int_equal(envelope_parse(&back, text, len, err, sizeof(err)), 0);
	queue_get_state(&back, "b@y.test", &got);
	assert_int_equal(got.state, RCPT_DONE);
	assert_int_equal(got.tries, 3);
	assert_int_equal(got.next, 1900);
	assert_string_equal(got.reply, "250 2.0.0 ok");
	queue_get_state(&back, "c@y.test", &got);
	assert_int_equal(got.state, RCPT_BOUNCED);
	assert_string_equal(got.reply, "550 5.1.1 no such user");
	free(text);
	envelope_free(&env);
	envelope_free(&back);
}

static void
test_aliases(void **state)
{
	struct aliases	 al;
	char		 path[] = "/tmp/smtpgate-aliases-XXXXXX", err[200];
	char *const	*t;
	int		 fd = mkstemp(path);
	const char	*text = "# comment\nPostmaster: root\n"
	    "sales@a.test: ann@a.test, bob@b.test  # two\n"
	    "sales: nobody\narchive: /var/mail/archive/\n";

	(void)state;
	assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(aliases_load(&al, path, err, sizeof(err)), 0);
	t = aliases_lookup(&al, "POSTMASTER", "z.test");
	assert_non_null(t);
	assert_string_equal(t[0], "root");
	t = aliases_lookup(&al, "sales", "A.test");
	assert_string_equal(t[0], "ann@a.test");
	assert_string_equal(t[1], "bob@b.test");
	assert_null(t[2]);
	t = aliases_lookup(&al, "sales", "other.test");
	assert_string_equal(t[0], "nobody");
	assert_null(aliases_lookup(&al, "nosuch", "a.test"));
	aliases_free(&al);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(write(fd, "bad line\n", 9) == 9);
	close(fd);
	assert_int_equal(aliases_load(&al, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1:"));
	unlink(path);
	assert_int_equal(aliases_load(&al, path, err, sizeof(err)), 0);
	assert_int_equal(al.count, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_aliases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
