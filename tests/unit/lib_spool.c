/* SPDX-License-Identifier: ISC */
/* Unit tests of the spool writer, envelopes, the config reader and CIDR. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cidr.h"
#include "config.h"
#include "envelope.h"
#include "spool.h"

static char	 spooldir[] = "/tmp/smtpgate-unit-XXXXXX";

static int
make_spool(void **state)
{
	char	 in[200];

	(void)state;
	if (mkdtemp(spooldir) == NULL)
		return -1;
	snprintf(in, sizeof(in), "%s/in", spooldir);
	return mkdir(in, 0700);
}

static int
remove_spool(void **state)
{
	char	 cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", spooldir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
file_exists(uint32_t id, const char *ext)
{
	char		 path[300];
	struct stat	 st;

	spool_path(path, sizeof(path), spooldir, "in", id, ext);
	return stat(path, &st) == 0;
}

static void
test_commit_and_read_back(void **state)
{
	struct spool_msg	 msg;
	struct envelope		 env, back;
	char			 err[200], path[300];
	uint32_t		 id;

	(void)state;
	assert_int_equal(spool_open(&msg, spooldir, err, sizeof(err)), 0);
	id = msg.id;
	assert_true(file_exists(id, "CMD") && file_exists(id, "TMP"));
	assert_int_equal(spool_write(&msg, "Subject: x\n\nhi\n", 15), 0);
	envelope_init(&env);
	env.sender = strdup("a@x.test");
	assert_int_equal(envelope_add_rcpt(&env, "b@y.test", "SUCCESS,FAILURE",
	    "rfc822;b@y.test"), 0);
	assert_int_equal(envelope_add_rcpt(&env, "c@y.test", NULL, NULL), 0);
	env.helo = strdup("client.test\r\nTo: <evil@z.test>");
	assert_int_equal(spool_commit(&msg, &env, err, sizeof(err)), 0);
	assert_true(file_exists(id, "WRK") && file_exists(id, "TXT"));
	assert_false(file_exists(id, "CMD") || file_exists(id, "TMP"));
	spool_path(path, sizeof(path), spooldir, "in", id, "WRK");
	assert_int_equal(envelope_read(&back, path, err, sizeof(err)), 0);
	assert_string_equal(back.sender, "a@x.test");
	assert_int_equal(back.nrcpts, 2);	/* the forged To did not count */
	assert_string_equal(back.rcpts[0].notify, "SUCCESS,FAILURE");
	assert_string_equal(back.rcpts[0].orcpt, "rfc822;b@y.test");
	assert_null(back.rcpts[1].notify);
	assert_int_equal(back.id, id);
	envelope_free(&env);
	envelope_free(&back);
}

static void
test_abort_leaves_nothing(void **state)
{
	struct spool_msg	 msg;
	char			 err[200];
	uint32_t		 id;

	(void)state;
	assert_int_equal(spool_open(&msg, spooldir, err, sizeof(err)), 0);
	id = msg.id;
	spool_abort(&msg);
	assert_false(file_exists(id, "CMD") || file_exists(id, "TMP"));
}

/* A number taken and given back: the claim files go, seq moves on. */
static uint32_t
take_number(void)
{
	struct spool_msg	 msg;
	char			 err[200];
	uint32_t		 id;

	assert_int_equal(spool_open(&msg, spooldir, err, sizeof(err)), 0);
	id = msg.id;
	spool_abort(&msg);
	return id;
}

static void
set_seq(const char *text)
{
	char	 path[300];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/seq", spooldir);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
}

static void
touch(const char *subdir, uint32_t id, const char *ext)
{
	char	 path[300];
	FILE	*fp;

	spool_path(path, sizeof(path), spooldir, subdir, id, ext);
	assert_non_null(fp = fopen(path, "w"));
	fclose(fp);
}

static void
test_numbers_ascend(void **state)
{
	uint32_t	 a, b;

	(void)state;
	a = take_number();
	b = take_number();
	assert_int_equal(b, a + 1);
}

/*
 * seq is a hint: a stale one (a stopped writer put an old number back)
 * costs skipped numbers, never a number in use, in in/ or out/, or one
 * that another writer holds (its N.CMD).
 */
static void
test_stale_seq_skips_numbers_in_use(void **state)
{
	char	 out[300];

	(void)state;
	snprintf(out, sizeof(out), "%s/out", spooldir);
	mkdir(out, 0700);
	touch("in", 500, "WRK");
	touch("in", 501, "TXT");
	touch("out", 502, "WRK");
	touch("out", 503, "TXT");
	touch("in", 504, "CMD");	/* a writer at work, or stopped */
	touch("in", 505, "TMP");	/* a writer that died half way */
	set_seq("500\n");
	assert_int_equal(take_number(), 506);
	assert_int_equal(take_number(), 507);
}

/*
 * A writer stopped for days whose files an administrator removed, and
 * whose number another writer then took: its commit and its abort must
 * leave the other message alone.
 */
static void
test_stale_writer_leaves_others_alone(void **state)
{
	struct spool_msg	 msg;
	struct envelope		 env;
	char			 err[200], path[300];
	uint32_t		 id;

	(void)state;
	assert_int_equal(spool_open(&msg, spooldir, err, sizeof(err)), 0);
	id = msg.id;
	spool_path(path, sizeof(path), spooldir, "in", id, "CMD");
	unlink(path);
	spool_path(path, sizeof(path), spooldir, "in", id, "TMP");
	unlink(path);
	touch("in", id, "CMD");		/* the other writer's claim */
	touch("in", id, "TMP");
	envelope_init(&env);
	env.sender = strdup("a@x.test");
	assert_int_equal(envelope_add_rcpt(&env, "b@y.test", NULL, NULL), 0);
	assert_int_equal(spool_commit(&msg, &env, err, sizeof(err)), -1);
	assert_true(file_exists(id, "CMD") && file_exists(id, "TMP"));
	assert_false(file_exists(id, "WRK") || file_exists(id, "TXT"));
	spool_abort(&msg);
	assert_true(file_exists(id, "CMD") && file_exists(id, "TMP"));
	envelope_free(&env);
}

static void
test_numbers_wrap(void **state)
{
	(void)state;
	touch("in", 1, "WRK");		/* 1 still queued: skipped */
	set_seq("4294967295\n");
	assert_int_equal(take_number(), 4294967295U);
	assert_int_equal(take_number(), 2);
	set_seq("garbage");	/* a hint only: start at 1, skip what is used */
	assert_int_not_equal(take_number(), 0);
}

/* seq stays writable by the spool's group whatever the creator's umask. */
static void
test_seq_group_writable(void **state)
{
	char		 path[300];
	struct stat	 st;
	mode_t		 old = umask(022);

	(void)state;
	snprintf(path, sizeof(path), "%s/seq", spooldir);
	unlink(path);
	assert_int_not_equal(take_number(), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0660);
}

static void
test_envelope_rejects_garbage(void **state)
{
	struct envelope	 env;
	char		 err[200];
	const char	*no_from = "To: <b@y.test>\n";
	const char	*no_to = "From: <a@x.test>\nId: 3\n";
	const char	*ok = "From: <>\nTo: <b@y.test>\nX-Future: kept\n";

	(void)state;
	assert_int_equal(envelope_parse(&env, no_from, strlen(no_from), err,
	    sizeof(err)), -1);
	assert_int_equal(envelope_parse(&env, no_to, strlen(no_to), err,
	    sizeof(err)), -1);
	assert_int_equal(envelope_parse(&env, ok, strlen(ok), err,
	    sizeof(err)), 0);
	assert_string_equal(env.sender, "");
	assert_int_equal(env.nextra, 1);
	assert_string_equal(env.extra[0].value, "kept");
	envelope_free(&env);
}

static void
test_config(void **state)
{
	struct config	 cf;
	char		 path[300], err[400];
	FILE		*fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/test.conf", spooldir);
	fp = fopen(path, "w");
	fprintf(fp, "# comment\nhostname = gw.test\nlocaldomains=A.test, b.test\n"
	    "queuelife=2d\nrelayclients=10.0.0.0/8 2001:db8::/32\n");
	fclose(fp);
	assert_int_equal(config_load(&cf, path, err, sizeof(err)), 0);
	assert_string_equal(cf.hostname, "gw.test");
	assert_true(config_is_local(&cf, "a.TEST"));
	assert_false(config_is_local(&cf, "c.test"));
	assert_int_equal(cf.queuelife, 2 * 86400);
	assert_int_equal(cf.maxrcpt, 100);
	assert_true(cidr_list_match(&cf.relayclients, "10.1.2.3"));
	assert_true(cidr_list_match(&cf.relayclients, "::ffff:10.1.2.3"));
	assert_true(cidr_list_match(&cf.relayclients, "2001:db8::5"));
	assert_false(cidr_list_match(&cf.relayclients, "127.0.0.1"));
	config_free(&cf);

	fp = fopen(path, "w");
	fprintf(fp, "hostname=x\nmaxrcpt=5\n");
	fclose(fp);
	assert_int_equal(config_load(&cf, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "test.conf:2: maxrcpt"));
	config_free(&cf);

	fp = fopen(path, "w");
	fprintf(fp, "nosuchkey=1\n");
	fclose(fp);
	assert_int_equal(config_load(&cf, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: nosuchkey: unknown key"));
	config_free(&cf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_and_read_back),
		cmocka_unit_test(test_abort_leaves_nothing),
		cmocka_unit_test(test_numbers_ascend),
		cmocka_unit_test(test_stale_seq_skips_numbers_in_use),
		cmocka_unit_test(test_numbers_wrap),
		cmocka_unit_test(test_stale_writer_leaves_others_alone),
		cmocka_unit_test(test_seq_group_writable),
		cmocka_unit_test(test_envelope_rejects_garbage),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, make_spool, remove_spool);
}
