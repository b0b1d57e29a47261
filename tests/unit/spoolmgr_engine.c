/* SPDX-License-Identifier: ISC */
/* Unit tests of spoolmgr's engine: retries, replies, names, DSN text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../spoolmgr/spoolmgr.h"

static void
test_retry_interval_doubles_to_max(void **state)
{
	struct config	 cf;

	(void)state;
	memset(&cf, 0, sizeof(cf));
	cf.retrymin = 900;
	cf.retrymax = 4 * 3600;
	assert_int_equal(retry_interval(&cf, 1), 900);
	assert_int_equal(retry_interval(&cf, 2), 1800);
	assert_int_equal(retry_interval(&cf, 3), 3600);
	assert_int_equal(retry_interval(&cf, 5), 4 * 3600);
	assert_int_equal(retry_interval(&cf, 60), 4 * 3600);
	cf.retrymin = 0;
	assert_int_equal(retry_interval(&cf, 9), 0);
}

static void
test_retry_defer_expires_after_queuelife(void **state)
{
	struct config		 cf;
	struct runner		 r;
	struct envelope		 env;
	struct rcpt_status	 st;
	enum outcome		 out = OUT_DEFER;

	(void)state;
	memset(&cf, 0, sizeof(cf));
	memset(&r, 0, sizeof(r));
	envelope_init(&env);
	cf.retrymin = 60;
	cf.retrymax = 600;
	cf.queuelife = 5 * 86400;
	r.cf = &cf;
	r.now = 1000000;
	env.date = r.now - 100;
	memset(&st, 0, sizeof(st));
	st.tries = 2;
	strcpy(st.reply, "451 4.4.1 no answer");
	retry_defer(&r, &env, &st, &out);
	assert_int_equal(st.state, RCPT_DEFERRED);
	assert_int_equal(st.next, r.now + 120);
	assert_int_equal(out, OUT_DEFER);
	env.date = r.now - 5 * 86400;
	out = OUT_SYSFAIL;	/* the system's fault: never expires */
	retry_defer(&r, &env, &st, &out);
	assert_int_equal(st.state, RCPT_DEFERRED);
	assert_int_equal(out, OUT_SYSFAIL);
	assert_null(strstr(st.reply, "4.4.7"));
	out = OUT_DEFER;
	retry_defer(&r, &env, &st, &out);
	assert_int_equal(st.state, RCPT_FAILED);
	assert_int_equal(out, OUT_FAIL);
	assert_non_null(strstr(st.reply, "4.4.7"));
}

static void
test_status_of_reply(void **state)
{
	char	 s[16];

	(void)state;
	status_of_reply("550 5.1.1 no such user", s, sizeof(s));
	assert_string_equal(s, "5.1.1");
	status_of_reply("451 4.7.1 try later", s, sizeof(s));
	assert_string_equal(s, "4.7.1");
	status_of_reply("554 no", s, sizeof(s));
	assert_string_equal(s, "5.0.0");
	/* an enhanced code whose class disagrees with the reply is ignored */
	status_of_reply("550 4.1.1 odd", s, sizeof(s));
	assert_string_equal(s, "5.0.0");
	assert_int_equal(status_of_reply("garbage", s, sizeof(s)), -1);
	assert_string_equal(s, "4.0.0");
}

static void
test_maildir_name(void **state)
{
	char	 name[256];

	(void)state;
	assert_int_equal(maildir_name(name, sizeof(name), 1700000000, 42, 77, 3,
	    "gw.test"), 0);
	assert_string_equal(name, "1700000000.M42P77Q3.gw.test");
	maildir_name(name, sizeof(name), 1, 2, 3, 4, "a/b:c");
	assert_string_equal(name, "1.M2P3Q4.a\\057b\\072c");
	assert_int_equal(maildir_name(name, 8, 1, 2, 3, 4, "gw.test"), -1);
}

static void
test_dsn_compose(void **state)
{
	char			 path[] = "/tmp/spoolmgr-unit-XXXXXX";
	int			 fd = mkstemp(path);
	const char		*text = "Received: x\nSubject: hi\n\nsecret body\n";
	struct envelope		 env;
	struct rcpt_status	 st;
	struct dsn_rcpt		 rc = { "bob@x.test", "rfc822;Bob+40x.test", &st,
	    NULL, 0, 0, 0 };
	struct dsn_info		 in;
	struct buf		 b = { NULL, 0, 0 };

	(void)state;
	assert_true(fd != -1);
	assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	envelope_init(&env);
	env.sender = strdup("ann@y.test");
	env.envid = strdup("abc+2Bd");
	env.id = 12;
	env.date = 1700000000;
	memset(&st, 0, sizeof(st));
	st.state = RCPT_FAILED;
	st.last = 1700000100;
	strcpy(st.reply, "550 5.1.1 no such user");
	in = (struct dsn_info){ DSN_FAILED, "gw.test", &env, path, &rc, 1,
	    1700000200, 99, 0, "ann@y.test", 0, 0 };
	assert_int_equal(dsn_compose(&b, &in), 0);
	assert_non_null(strstr(b.data, "Content-Type: multipart/report; "
	    "report-type=delivery-status;"));
	assert_null(strstr(b.data, "Content-Transfer-Encoding"));
	assert_non_null(strstr(b.data, "From: Mail Delivery System "
	    "<MAILER-DAEMON@gw.test>"));
	assert_non_null(strstr(b.data, "Reporting-MTA: dns; gw.test\n"));
	assert_non_null(strstr(b.data, "Original-Envelope-Id: abc+d\n"));
	assert_non_null(strstr(b.data, "Final-Recipient: rfc822; bob@x.test\n"));
	assert_non_null(strstr(b.data, "Original-Recipient: rfc822;Bob@x.test\n"));
	assert_non_null(strstr(b.data, "Action: failed\nStatus: 5.1.1\n"));
	assert_non_null(strstr(b.data, "Diagnostic-Code: smtp; 550 5.1.1"));
	assert_null(strstr(b.data, "Remote-MTA:"));
	buf_free(&b);
	rc.remote = "mx.x.test";
	assert_int_equal(dsn_compose(&b, &in), 0);
	assert_non_null(strstr(b.data, "Status: 5.1.1\nRemote-MTA: dns; "
	    "mx.x.test\nDiagnostic-Code: smtp; 550 5.1.1"));
	buf_free(&b);
	rc.remote = NULL;
	rc.local = 1;
	assert_int_equal(dsn_compose(&b, &in), 0);
	assert_non_null(strstr(b.data, "Diagnostic-Code: X-Smtpgate; 550 5.1.1"));
	rc.local = 0;
	assert_non_null(strstr(b.data, "Content-Type: text/rfc822-headers"));
	assert_non_null(strstr(b.data, "Subject: hi\n"));
	assert_null(strstr(b.data, "secret body"));	/* RET=HDRS */
	buf_free(&b);
	in.full = 1;
	assert_int_equal(dsn_compose(&b, &in), 0);
	assert_non_null(strstr(b.data, "Content-Type: message/rfc822"));
	assert_non_null(strstr(b.data, "secret body"));
	buf_free(&b);

	/*
	 * RFC 3464 2.3.9: Will-Retry-Until of a delayed DSN is when the MTA
	 * gives up (arrival + queuelife), not the next retry; the headers
	 * only, whatever RET says; no Original-Recipient without ORCPT.
	 */
	st.state = RCPT_DEFERRED;
	st.next = 1700003600;
	strcpy(st.reply, "451 4.4.1 no answer");
	rc.orcpt = NULL;
	in.kind = DSN_DELAYED;
	in.full = 0;
	in.expires = 1700000000 + 5 * 86400;
	assert_int_equal(dsn_compose(&b, &in), 0);
	assert_non_null(strstr(b.data, "Action: delayed\nStatus: 4.4.1\n"));
	assert_non_null(strstr(b.data, "Will-Retry-Until: Sun, 19 Nov 2023 "
	    "22:13:20 +0000\n"));
	assert_null(strstr(b.data, "Original-Recipient:"));
	assert_non_null(strstr(b.data, "Arrival-Date: Tue, 14 Nov 2023 "
	    "22:13:20 +0000\n"));
	assert_non_null(strstr(b.data, "Content-Type: text/rfc822-headers"));
	buf_free(&b);

	/* NOTIFY=SUCCESS for an alias of several targets (RFC 3461 5.2.7.3) */
	st.state = RCPT_DONE;
	strcpy(st.reply, "250 2.0.0 delivered");
	rc.expanded = 1;
	in.kind = DSN_DELIVERED;
	assert_int_equal(dsn_compose(&b, &in), 0);
	assert_non_null(strstr(b.data, "Action: expanded\nStatus: 2.0.0\n"));
	assert_null(strstr(b.data, "Will-Retry-Until:"));
	buf_free(&b);

	/* RFC 3461 5.2.2: taken by a server without DSN, "relayed" */
	rc.expanded = 0;
	rc.relayed = 1;
	rc.remote = "mx.x.test";
	assert_int_equal(dsn_compose(&b, &in), 0);
	assert_non_null(strstr(b.data, "Action: relayed\nStatus: 2.0.0\n"
	    "Remote-MTA: dns; mx.x.test\nDiagnostic-Code: smtp; 250"));
	assert_non_null(strstr(b.data, "do not offer delivery notices"));
	buf_free(&b);

	/* RFC 6533: SMTPUTF8 mail, a UTF-8 address as utf-8-addr-unitext */
	rc.relayed = 0;
	rc.remote = NULL;
	rc.addr = "b\xc3\xb6" "b+x=y@x.test";
	in.kind = DSN_FAILED;
	in.utf8 = 1;
	strcpy(st.reply, "550 5.1.1 no such user");
	assert_int_equal(dsn_compose(&b, &in), 0);
	assert_non_null(strstr(b.data, "charset=utf-8\n"));
	assert_non_null(strstr(b.data, "Content-Type: message/global-delivery-"
	    "status\n"));
	assert_non_null(strstr(b.data, "Final-Recipient: utf-8; "
	    "b\xc3\xb6" "b\\x{2B}x\\x{3D}y@x.test\n"));
	assert_non_null(strstr(b.data, "Content-Type: message/global-headers"));
	/* RFC 2045 6.2: the 8-bit parts and the whole say so */
	assert_non_null(strstr(b.data, "\tboundary=\"=_99.1700000200/gw.test\"\n"
	    "Content-Transfer-Encoding: 8bit\n"));
	assert_non_null(strstr(b.data, "Content-Type: message/global-delivery-"
	    "status\nContent-Transfer-Encoding: 8bit\n\nReporting-MTA:"));
	buf_free(&b);
	in.full = 1;
	assert_int_equal(dsn_compose(&b, &in), 0);
	assert_non_null(strstr(b.data, "Content-Type: message/global\n"));
	buf_free(&b);
	env.smtputf8 = 1;
	assert_int_equal(dsn_needs_utf8(&env), 1);
	env.smtputf8 = 0;
	assert_int_equal(dsn_needs_utf8(&env), 0);
	envelope_free(&env);
	unlink(path);
}

/* A spool with in/1.WRK, in/1.TXT and out/ in a new directory. */
static void
one_message_spool(char *dir)
{
	char	 path[200];
	FILE	*fp;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/in", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/out", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/in/1.TXT", dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("Subject: x\n\nbody\n", fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/in/1.WRK", dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("From: <a@x.test>\nTo: <b@y.test>\n", fp);
	fclose(fp);
}

/*
 * The WRK lock must hold across the rewrites that record each result:
 * once renamed over, a lock on the old file guards nothing, and another
 * worker (spoolmgr retry, a mailer) could take the message meanwhile.
 */
static void
test_lock_survives_save(void **state)
{
	char		 dir[] = "/tmp/spoolmgr-unit-XXXXXX", cmd[100];
	struct config	 cf;
	struct runner	 r;
	struct msg	*m, *other;

	(void)state;
	one_message_spool(dir);
	memset(&cf, 0, sizeof(cf));
	memset(&r, 0, sizeof(r));
	cf.spool = dir;
	r.cf = &cf;
	r.now = time(NULL);
	assert_int_equal(msg_open(&r, "in", 1, &m), 0);
	assert_int_equal(msg_open(&r, "in", 1, &other), 1);	/* busy */
	assert_int_equal(msg_save(&r, m), 0);
	assert_int_equal(msg_open(&r, "in", 1, &other), 1);	/* still */
	assert_int_equal(msg_save(&r, m), 0);
	assert_int_equal(msg_move_out(&r, m), 0);
	assert_int_equal(msg_open(&r, "out", 1, &other), 1);
	msg_close(m);
	assert_int_equal(msg_open(&r, "out", 1, &other), 0);	/* free now */
	msg_close(other);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void
put(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
get(const char *path, char *out, size_t len)
{
	FILE	*fp = fopen(path, "r");

	assert_non_null(fp);
	out[fread(out, 1, len - 1, fp)] = '\0';
	fclose(fp);
}

/*
 * Maildir: a message already in new/ under the name chosen is never
 * replaced (rename(2) would); the new one is linked under a fresh name.
 */
static void
test_maildir_commit_keeps_existing(void **state)
{
	char		 dir[] = "/tmp/spoolmgr-unit-XXXXXX", cmd[100];
	char		 tmp[200], new[300], other[200], text[64];
	struct config	 cf;
	struct runner	 r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	memset(&cf, 0, sizeof(cf));
	memset(&r, 0, sizeof(r));
	cf.hostname = "gw.test";
	r.cf = &cf;
	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	assert_int_equal(mkdir(tmp, 0700), 0);
	snprintf(tmp, sizeof(tmp), "%s/new", dir);
	assert_int_equal(mkdir(tmp, 0700), 0);
	snprintf(tmp, sizeof(tmp), "%s/tmp/1.M1P1Q1.gw.test", dir);
	snprintf(other, sizeof(other), "%s/new/1.M1P1Q1.gw.test", dir);
	put(tmp, "second\n");
	put(other, "first\n");
	assert_int_equal(maildir_commit(&r, dir, tmp, new, sizeof(new)), 0);
	get(other, text, sizeof(text));
	assert_string_equal(text, "first\n");
	assert_string_not_equal(new, other);
	assert_non_null(strstr(new, "/new/"));
	get(new, text, sizeof(text));
	assert_string_equal(text, "second\n");
	assert_int_equal(access(tmp, F_OK), -1);	/* tmp/ emptied */
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retry_interval_doubles_to_max),
		cmocka_unit_test(test_retry_defer_expires_after_queuelife),
		cmocka_unit_test(test_status_of_reply),
		cmocka_unit_test(test_maildir_name),
		cmocka_unit_test(test_dsn_compose),
		cmocka_unit_test(test_lock_survives_save),
		cmocka_unit_test(test_maildir_commit_keeps_existing),
	};

	/* DSN dates are local time (RFC 5322): pin the zone they show */
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
