/* SPDX-License-Identifier: ISC */
/*
 * What fuzzing (tests/fuzz/spoolmgr_dsn.c) found in the status a DSN
 * reports: signs taken for digits made "Status: 5.-1.1".  The enhanced
 * code of a reply is digits only (RFC 3463 2), else the reply's class.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../spoolmgr/spoolmgr.h"

static void
test_status_signs_are_no_digits(void **state)
{
	char	 s[16];

	(void)state;
	status_of_reply("550 5.-1.+1 odd", s, sizeof(s));
	assert_string_equal(s, "5.0.0");
	status_of_reply("451 4.+7.1 later", s, sizeof(s));
	assert_string_equal(s, "4.0.0");
	status_of_reply("550 5. 1.1 spaced", s, sizeof(s));
	assert_string_equal(s, "5.0.0");
	status_of_reply("550-5.7.1 relaying denied", s, sizeof(s));
	assert_string_equal(s, "5.7.1");
	status_of_reply("550 5.1.10", s, sizeof(s));
	assert_string_equal(s, "5.1.10");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_signs_are_no_digits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
