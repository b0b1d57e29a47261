/* SPDX-License-Identifier: ISC */
/* Unit tests of lib/version.c: what --version prints, and when. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "version.h"

static void
test_wanted_only_as_first_argument(void **state)
{
	char	*alone[] = { "smtpd", "--version", NULL };
	char	*more[] = { "spoolmgr", "--version", "run", NULL };
	char	*none[] = { "mxlookup", NULL };
	char	*later[] = { "mailer", "-V", "--version", "ann", NULL };
	char	*after[] = { "mailer", "--", "--version", NULL };
	char	*prefix[] = { "mailer", "--versio", NULL };

	(void)state;
	assert_true(version_wanted(2, alone));
	assert_true(version_wanted(3, more));
	assert_false(version_wanted(1, none));
	/* -V's value is mailer's DSN envelope id, not a question */
	assert_false(version_wanted(4, later));
	assert_false(version_wanted(3, after));
	assert_false(version_wanted(2, prefix));
}

static void
test_line(void **state)
{
	char	line[128], want[128];

	(void)state;
	snprintf(want, sizeof(want), "smtpd (smtpgate) %s\n", smtpgate_version);
	assert_int_equal(version_line(line, sizeof(line), "smtpd"),
	    (int)strlen(want));
	assert_string_equal(line, want);
}

/* Debian's upstream version rules, which the package's version follows:
 * a digit first, then digits, letters and . + ~ only; no space, no
 * newline from the file VERSION. */
static void
test_version_is_a_package_version(void **state)
{
	const char	*v = smtpgate_version;

	(void)state;
	assert_true(v[0] >= '0' && v[0] <= '9');
	assert_int_equal(strspn(v, "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ.+~"), strlen(v));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wanted_only_as_first_argument),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_version_is_a_package_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
