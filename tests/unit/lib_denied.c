/* SPDX-License-Identifier: ISC */
/*
 * lib/denied.c: the words that tell an administrator whose a directory
 * must be, after a Permission denied (issue 9, defects 11 and 13).
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "denied.h"

static char	 dir[64];

static int
make_dir(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/lib_denied.XXXXXX");
	if (mkdtemp(dir) == NULL || chmod(dir, 0751) == -1)
		return -1;
	return 0;
}

static int
remove_dir(void **state)
{
	(void)state;
	return rmdir(dir);
}

static const char *
me(void)
{
	struct passwd	*pw = getpwuid(geteuid());

	return pw != NULL ? pw->pw_name : "?";
}

/* The owner and the mode in octal, as ls would show them to a reader. */
static void
test_names_owner_and_mode(void **state)
{
	char	 out[256], want[256];

	(void)state;
	denied_explain(dir, "smtpgate", out, sizeof(out));
	snprintf(want, sizeof(want),
	    "must be writable by user smtpgate (owner %s, mode 751)", me());
	assert_string_equal(out, want);
}

/* No user given: the one we run as, who was refused. */
static void
test_default_user_is_effective(void **state)
{
	char	 out[256], want[256];

	(void)state;
	denied_explain(dir, NULL, out, sizeof(out));
	snprintf(want, sizeof(want),
	    "must be writable by user %s (owner %s, mode 751)", me(), me());
	assert_string_equal(out, want);
}

static void
test_missing_path(void **state)
{
	char	 out[256], path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/none", dir);
	denied_explain(path, "smtpgate", out, sizeof(out));
	assert_string_equal(out, "must be writable by user smtpgate");
}

/* A small buffer is cut, never overrun, and still a C string. */
static void
test_small_buffer(void **state)
{
	char	 out[12];

	(void)state;
	memset(out, 'x', sizeof(out));
	denied_explain(dir, "smtpgate", out, sizeof(out));
	assert_string_equal(out, "must be wri");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_owner_and_mode),
		cmocka_unit_test(test_default_user_is_effective),
		cmocka_unit_test(test_missing_path),
		cmocka_unit_test(test_small_buffer),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
