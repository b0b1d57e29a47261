/* SPDX-License-Identifier: ISC */
/* Unqualified addresses in header fields get "@hostname" (qualify.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../mailer/addrlist.h"

/* The field body in, qualified with "gw.test", as a string. */
static char *
qualified(const char *in)
{
	struct buf	 out = { NULL, 0, 0 };
	char		*s;

	assert_int_equal(addrlist_qualify(in, strlen(in), "gw.test", &out), 0);
	s = strndup(out.data ? out.data : "", out.len);
	buf_free(&out);
	return s;
}

static void
check(const char *in, const char *want)
{
	char	*got = qualified(in);

	assert_string_equal(got, want);
	free(got);
}

static void
test_cron_from(void **state)
{
	(void)state;
	/* Debian cron's From: and To: */
	check(" root (Cron Daemon)\n", " root@gw.test (Cron Daemon)\n");
	check(" carl\n", " carl@gw.test\n");
	check("root\n", "root@gw.test\n");
}

static void
test_names_and_angles(void **state)
{
	(void)state;
	check(" Cron Daemon <root>\n", " Cron Daemon <root@gw.test>\n");
	check(" \"Doe, Jane\" <jane>, bob\n",
	    " \"Doe, Jane\" <jane@gw.test>, bob@gw.test\n");
	check(" \"a@b\" <c>\n", " \"a@b\" <c@gw.test>\n");
	check(" <\"odd name\">\n", " <\"odd name\"@gw.test>\n");
	check(" \"odd \\\" name\"\n", " \"odd \\\" name\"@gw.test\n");
	check(" (lead) ann (trail)\n", " (lead) ann@gw.test (trail)\n");
	check(" ann(a, comment; with: specials <x>)\n",
	    " ann@gw.test(a, comment; with: specials <x>)\n");
	check(" first.last\n", " first.last@gw.test\n");
}

static void
test_already_qualified(void **state)
{
	(void)state;
	check(" ann@example.org\n", " ann@example.org\n");
	check(" Ann <ann@example.org> (x)\n", " Ann <ann@example.org> (x)\n");
	check(" <@r.test:cy@z.test>\n", " <@r.test:cy@z.test>\n");
	check(" ann@[192.0.2.1]\n", " ann@[192.0.2.1]\n");
	check(" <>\n", " <>\n");
	check("\n", "\n");
}

static void
test_groups(void **state)
{
	(void)state;
	check(" undisclosed-recipients:;\n", " undisclosed-recipients:;\n");
	check(" friends: ann, Bob <bob>, carl@x.test;, dan\n",
	    " friends: ann@gw.test, Bob <bob@gw.test>, carl@x.test;, "
	    "dan@gw.test\n");
}

static void
test_folding_kept(void **state)
{
	(void)state;
	check(" ann,\n\tbob (the\n builder),\n \"C D\"\n <cd>\n",
	    " ann@gw.test,\n\tbob@gw.test (the\n builder),\n \"C D\"\n "
	    "<cd@gw.test>\n");
}

static void
test_not_an_address(void **state)
{
	(void)state;
	/* a phrase with no angle address, broken syntax: left alone */
	check(" John Smith\n", " John Smith\n");
	check(" Ann <ann\n", " Ann <ann\n");
	check(" ann (open comment\n", " ann (open comment\n");
	check(" \"open quote\n", " \"open quote\n");
	check(" a[b]\n", " a[b]\n");
	check(" <a> <b>\n", " <a> <b>\n");
	{
		struct buf	 out = { NULL, 0, 0 };

		/* a NUL is no atext */
		assert_int_equal(addrlist_qualify("a\0b", 3, "gw.test", &out), 0);
		assert_int_equal(out.len, 3);
		buf_free(&out);
	}
	/* the good ones around a bad one still get qualified */
	check(" ann, John Smith, bob\n",
	    " ann@gw.test, John Smith, bob@gw.test\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cron_from),
		cmocka_unit_test(test_names_and_angles),
		cmocka_unit_test(test_already_qualified),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_folding_kept),
		cmocka_unit_test(test_not_an_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
