/* SPDX-License-Identifier: ISC */
/* Which domains are local, and whose Maildirs hold their mail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../lib/config.h"

/* Loads a config made of text into cf. */
static void
load(struct config *cf, const char *text)
{
	char	 path[] = "/tmp/lib_config.XXXXXX", err[512];
	int	 fd = mkstemp(path);

	assert_true(fd != -1);
	assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	assert_int_equal(config_load(cf, path, err, sizeof(err)), 0);
	unlink(path);
}

static void
test_hostname_and_localhost_go_to_the_first_domain(void **state)
{
	struct config	 cf;

	(void)state;
	load(&cf, "hostname=Mx.Example.Org\nlocaldomains=example.org "
	    "example.net\n");
	assert_string_equal(config_mailbox_domain(&cf, "example.org"),
	    "example.org");
	assert_string_equal(config_mailbox_domain(&cf, "EXAMPLE.NET"),
	    "example.net");
	assert_string_equal(config_mailbox_domain(&cf, "mx.example.org"),
	    "example.org");
	assert_string_equal(config_mailbox_domain(&cf, "localhost"),
	    "example.org");
	assert_string_equal(config_mailbox_domain(&cf, "LocalHost"),
	    "example.org");
	assert_null(config_mailbox_domain(&cf, "elsewhere.test"));
	assert_null(config_mailbox_domain(&cf, "localhost.example.org"));
	assert_null(config_mailbox_domain(&cf, ""));
	assert_true(config_is_local(&cf, "MX.example.org"));
	assert_false(config_is_local(&cf, "sub.example.org"));
	config_free(&cf);
}

static void
test_no_localdomains_the_hostname_itself(void **state)
{
	struct config	 cf;

	(void)state;
	load(&cf, "hostname=gw.test\n");
	assert_string_equal(config_mailbox_domain(&cf, "gw.test"), "gw.test");
	assert_string_equal(config_mailbox_domain(&cf, "localhost"),
	    "gw.test");
	assert_null(config_mailbox_domain(&cf, "example.org"));
	config_free(&cf);
}

static void
test_hostname_listed_is_its_own(void **state)
{
	struct config	 cf;

	(void)state;
	load(&cf, "hostname=gw.test\nlocaldomains=example.org gw.test\n");
	assert_string_equal(config_mailbox_domain(&cf, "gw.test"), "gw.test");
	assert_string_equal(config_mailbox_domain(&cf, "localhost"),
	    "example.org");
	config_free(&cf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostname_and_localhost_go_to_the_first_domain),
		cmocka_unit_test(test_no_localdomains_the_hostname_itself),
		cmocka_unit_test(test_hostname_listed_is_its_own),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
