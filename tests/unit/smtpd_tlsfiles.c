/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of what smtpd reads at start for TLS: tlscert and tlskey
 * into memory (tls_server_files), and the configuration's rule that the
 * two go together.  Nothing here loads OpenSSL.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "../../smtpd/tls.h"

static char	 dir[64];

static const char *
file(const char *name, const char *text, mode_t mode)
{
	static char	 path[4][200];
	static int	 turn;
	char		*p = path[turn++ % 4];
	FILE		*fp;

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	if (text != NULL) {
		assert_non_null(fp = fopen(p, "w"));
		fputs(text, fp);
		fclose(fp);
		assert_int_equal(chmod(p, mode), 0);
	}
	return p;
}

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/smtpd-tlsfiles-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char	 cmd[100];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_both_read(void **state)
{
	struct tls_server t;
	char		 err[300], warn[300];

	(void)state;
	assert_int_equal(tls_server_files(&t, file("c", "CERT\n", 0644),
	    file("k", "KEY\n", 0600), err, sizeof(err), warn, sizeof(warn)), 0);
	assert_string_equal(t.cert, "CERT\n");
	assert_int_equal(t.keylen, 4);
	assert_memory_equal(t.key, "KEY\n", 4);
	assert_string_equal(warn, "");
	assert_false(tls_server_active(&t));
	tls_server_free(&t);
	assert_null(t.key);
}

static void
test_key_others_may_read_warns(void **state)
{
	struct tls_server t;
	char		 err[300], warn[300];

	(void)state;
	assert_int_equal(tls_server_files(&t, file("c", "CERT\n", 0644),
	    file("k", "KEY\n", 0640), err, sizeof(err), warn, sizeof(warn)), 0);
	assert_non_null(strstr(warn, "/k: others than its owner may read"));
	tls_server_free(&t);
}

static void
test_problems_named(void **state)
{
	struct tls_server t;
	char		 err[300], warn[300];
	const char	*cert = file("c", "CERT\n", 0644);

	(void)state;
	assert_int_equal(tls_server_files(&t, cert, file("missing", NULL, 0),
	    err, sizeof(err), warn, sizeof(warn)), -1);
	assert_non_null(strstr(err, "tlskey "));
	assert_non_null(strstr(err, "/missing: No such file or directory"));
	assert_int_equal(tls_server_files(&t, dir, file("k", "KEY\n", 0600),
	    err, sizeof(err), warn, sizeof(warn)), -1);
	assert_non_null(strstr(err, "tlscert "));
	assert_non_null(strstr(err, ": not a regular file"));
	assert_int_equal(tls_server_files(&t, cert, file("empty", "", 0600),
	    err, sizeof(err), warn, sizeof(warn)), -1);
	assert_non_null(strstr(err, "/empty: empty"));
}

static int
load(const char *text, char *err, size_t errlen)
{
	struct config	 cf;
	int		 rc;

	rc = config_load(&cf, file("conf", text, 0644), err, errlen);
	config_free(&cf);
	return rc;
}

static void
test_config_both_or_neither(void **state)
{
	char	 err[300];

	(void)state;
	assert_int_equal(load("tlscert=/c\ntlskey=/k\n", err, sizeof(err)), 0);
	assert_int_equal(load("hostname=x\n", err, sizeof(err)), 0);
	assert_int_equal(load("tlscert=/c\n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/conf: tlscert: set tlscert and tlskey "
	    "together, or neither"));
	assert_int_equal(load("tlskey=/k\ntlscert=\n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/conf: tlskey: "));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_read),
		cmocka_unit_test(test_key_others_may_read_warns),
		cmocka_unit_test(test_problems_named),
		cmocka_unit_test(test_config_both_or_neither),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
