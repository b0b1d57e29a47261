/* SPDX-License-Identifier: ISC */
/*
 * What fuzzing (tests/fuzz/lib_config.c) found in the configuration
 * reader: "hostname=" or "spool=" with an empty value left the setting
 * NULL, and every program then used it (smtpd's greeting, the spool
 * path).  An empty value unsets only what may be unset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

/* Loads text as a configuration file; the error, if any, into err. */
static int
load_text(struct config *cf, const char *text, char *err, size_t errlen)
{
	char	 path[] = "/tmp/lib-config-unit-XXXXXX";
	int	 fd = mkstemp(path), rc;

	assert_true(fd != -1);
	assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	err[0] = '\0';
	rc = config_load(cf, path, err, errlen);
	unlink(path);
	return rc;
}

static void
test_empty_needed_value_refused(void **state)
{
	static const char *const keys[] = { "hostname", "spool", "mailroot",
	    "user", "aliases", "mxlookup", "mailer", "spoolmgr" };
	struct config	 cf;
	char		 text[64], err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(text, sizeof(text), "%s=\n", keys[i]);
		assert_int_equal(load_text(&cf, text, err, sizeof(err)), -1);
		assert_non_null(strstr(err, keys[i]));
		assert_non_null(strstr(err, "must not be empty"));
		config_free(&cf);
	}
}

static void
test_empty_optional_value_unsets(void **state)
{
	struct config	 cf;
	char		 err[512];

	(void)state;
	assert_int_equal(load_text(&cf, "relayhost=[192.0.2.1]\nrelayhost=\n"
	    "logfile=\ngroup=\n", err, sizeof(err)), 0);
	assert_null(cf.relayhost);
	assert_null(cf.logfile);
	assert_non_null(cf.hostname);
	config_free(&cf);
}

/* mailer -q runs spoolmgr= : SBINDIR's by default, or the one named. */
static void
test_spoolmgr_key(void **state)
{
	struct config	 cf;
	char		 err[512];

	(void)state;
	assert_int_equal(load_text(&cf, "hostname=h\n", err, sizeof(err)), 0);
	assert_string_equal(cf.spoolmgr, SBINDIR "/spoolmgr");
	config_free(&cf);
	assert_int_equal(load_text(&cf, "spoolmgr=/opt/sg/spoolmgr\n", err,
	    sizeof(err)), 0);
	assert_string_equal(cf.spoolmgr, "/opt/sg/spoolmgr");
	config_free(&cf);
}

/* mailer's tls=: may by default, verify or dane, nothing else. */
static void
test_tls_key(void **state)
{
	static const char *const bad[] = { "tls=\n", "tls=yes\n",
	    "tls=DANE\n", "tls=dane verify\n" };
	struct config	 cf;
	char		 err[512];

	(void)state;
	assert_int_equal(load_text(&cf, "hostname=h\n", err, sizeof(err)), 0);
	assert_string_equal(cf.tls, "may");
	assert_null(cf.tlscafile);
	config_free(&cf);
	assert_int_equal(load_text(&cf, "tls=dane\ntlscafile=/x/ca.pem\n",
	    err, sizeof(err)), 0);
	assert_string_equal(cf.tls, "dane");
	assert_string_equal(cf.tlscafile, "/x/ca.pem");
	config_free(&cf);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load_text(&cf, bad[i], err, sizeof(err)), -1);
		assert_non_null(strstr(err, "tls: "));
		assert_non_null(strstr(err, "must be may, verify or dane"));
		config_free(&cf);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_needed_value_refused),
		cmocka_unit_test(test_empty_optional_value_unsets),
		cmocka_unit_test(test_spoolmgr_key),
		cmocka_unit_test(test_tls_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
