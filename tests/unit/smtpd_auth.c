/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of smtpd's AUTH (smtpd/auth.c) and of -S (submission.c),
 * driven through the engine with byte strings.  The TLS layer is not
 * here: the tests set s->tls as the I/O layer does after a handshake.
 * The back end is a stand-in that knows alice/secret.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "auth_base64.h"
#include "auth_senders.h"
#include "log.h"
#include "../../smtpd/session.h"
#include "smtpd_fixture.h"

static char	last_password[300];

static enum auth_result
stub_check(void *ctx, const char *login, const char *password,
    const char *client, char *canon, size_t canonlen)
{
	(void)ctx;
	(void)client;
	snprintf(last_password, sizeof(last_password), "%s", password);
	if (strcmp(login, "temp") == 0)
		return AUTH_TEMPFAIL;
	if (strcmp(login, "alice") != 0 || strcmp(password, "secret") != 0)
		return AUTH_FAIL;
	snprintf(canon, canonlen, "%s", login);
	return AUTH_OK;
}

static int
setup_with(void **state, int tls, int submission)
{
	struct fixture	*f = fixture_open("localdomains=example.test\n"
	    "relayclients=127.0.0.0/8\nmaxerrors=3\n", "");

	if (f == NULL)
		return -1;
	fixture_write(f, "senders", "alice: alice@example.test, @alice.test\n");
	f->auth.check = stub_check;
	f->auth.backend = "stub";
	session_init(&f->s, &f->cf, &f->al, "192.0.2.1", &f->out);
	f->s.auth = &f->auth;
	f->s.tls = tls;
	f->s.submission = submission;
	fixture_greet(f);
	*state = f;
	return 0;
}

static int setup_tls(void **state) { return setup_with(state, 1, 0); }
static int setup_plain(void **state) { return setup_with(state, 0, 0); }
static int setup_submit(void **state) { return setup_with(state, 1, 1); }

static int
teardown(void **state)
{
	return fixture_close(*state);
}

static const char *
talk(struct fixture *f, const char *input)
{
	size_t	 off = 0, len = strlen(input);

	buf_consume(&f->out, f->out.len);
	while (off < len && !session_closed(&f->s)) {
		f->s.more_input = 0;
		off += session_input(&f->s, input + off, len - off);
		f->s.flush_now = 0;
	}
	buf_append(&f->out, "", 1);	/* the text, for string compares */
	f->out.len--;
	return f->out.data;
}

/* "AUTH PLAIN " argument for authzid NUL login NUL password. */
static const char *
plain(const char *authzid, const char *login, const char *password)
{
	static char	 b64[400];
	char		 msg[300];
	size_t		 zl = strlen(authzid), ll = strlen(login);

	memcpy(msg, authzid, zl + 1);
	memcpy(msg + zl + 1, login, ll + 1);
	strcpy(msg + zl + ll + 2, password);
	assert_int_equal(b64_encode(msg, zl + ll + 2 + strlen(password), b64,
	    sizeof(b64)), 0);
	return b64;
}

static char *
read_file(const char *dir, const char *name)
{
	char	 path[300], *text = calloc(1, 65536);
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(text);
	if ((fp = fopen(path, "r")) != NULL) {
		text[fread(text, 1, 65535, fp)] = '\0';
		fclose(fp);
	}
	return text;
}

#define EHLO	"EHLO client.test\r\n"

static void
test_no_tls_no_auth(void **state)
{
	struct fixture	*f = *state;

	assert_null(strstr(talk(f, EHLO), "AUTH"));
	assert_string_equal(talk(f, "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"),
	    "538 5.7.11 Encryption required for requested authentication "
	    "mechanism\r\n");
	assert_string_equal(f->s.auth_login, "");
	assert_int_equal(f->s.may_relay, 0);
	f->s.auth = NULL;	/* no back end configured */
	assert_string_equal(talk(f, "AUTH PLAIN\r\n"),
	    "502 5.5.1 AUTH not available\r\n");
}

static void
test_plain_initial_response(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[512];

	assert_non_null(strstr(talk(f, EHLO), "250-AUTH PLAIN LOGIN\r\n"));
	assert_string_equal(talk(f, "MAIL FROM:<a@example.test>\r\n"
	    "RCPT TO:<x@remote.test>\r\nRSET\r\n"),
	    "250 2.1.0 sender <a@example.test> ok\r\n"
	    "550 5.7.1 <x@remote.test>: relaying denied\r\n"
	    "250 2.0.0 reset\r\n");
	snprintf(cmd, sizeof(cmd), "AUTH PLAIN %s\r\n",
	    plain("", "alice", "secret"));
	assert_string_equal(talk(f, cmd), "235 2.7.0 authentication "
	    "succeeded\r\n");
	assert_string_equal(f->s.auth_login, "alice");
	assert_string_equal(talk(f, "MAIL FROM:<alice@example.test> "
	    "AUTH=<>\r\nRCPT TO:<x@remote.test>\r\n"),
	    "250 2.1.0 sender <alice@example.test> ok\r\n"
	    "250 2.1.5 recipient <x@remote.test> ok\r\n");
	assert_string_equal(talk(f, "RSET\r\nAUTH PLAIN =\r\n"),
	    "250 2.0.0 reset\r\n503 5.5.1 bad sequence of commands: already "
	    "authenticated\r\n");
}

static void
test_plain_continuation_and_authzid(void **state)
{
	struct fixture	*f = *state;
	char		 line[512];

	talk(f, EHLO);
	assert_string_equal(talk(f, "AUTH PLAIN\r\n"), "334 \r\n");
	snprintf(line, sizeof(line), "%s\r\n", plain("bob", "alice",
	    "secret"));
	assert_string_equal(talk(f, line), "535 5.7.8 authentication "
	    "credentials invalid\r\n");
	snprintf(line, sizeof(line), "AUTH plain\r\n%s\r\n",
	    plain("alice", "alice", "secret"));
	assert_string_equal(talk(f, line), "334 \r\n235 2.7.0 authentication "
	    "succeeded\r\n");
}

static void
test_login(void **state)
{
	struct fixture	*f = *state;

	talk(f, EHLO);
	/* "alice", "secret" */
	assert_string_equal(talk(f, "AUTH LOGIN\r\n"), "334 VXNlcm5hbWU6\r\n");
	assert_string_equal(talk(f, "YWxpY2U=\r\n"), "334 UGFzc3dvcmQ6\r\n");
	assert_string_equal(talk(f, "c2VjcmV0\r\n"),
	    "235 2.7.0 authentication succeeded\r\n");
	assert_string_equal(f->s.auth_login, "alice");
	assert_int_equal(f->s.may_relay, 1);
}

static void
test_login_initial_and_wrong(void **state)
{
	struct fixture	*f = *state;
	char		*log;

	talk(f, EHLO);
	assert_string_equal(talk(f, "AUTH LOGIN YWxpY2U=\r\n"),
	    "334 UGFzc3dvcmQ6\r\n");
	/* "hunter2" */
	assert_string_equal(talk(f, "aHVudGVyMg==\r\n"),
	    "535 5.7.8 authentication credentials invalid\r\n");
	assert_string_equal(last_password, "hunter2");
	assert_string_equal(f->s.auth_login, "");
	log = read_file(f->dir, "log");
	assert_non_null(strstr(log, "192.0.2.1: AUTH LOGIN failed for login "
	    "alice"));
	assert_null(strstr(log, "hunter2"));
	assert_null(strstr(log, "aHVudGVyMg"));
	free(log);
}

static void
test_cancel_and_bad_base64(void **state)
{
	struct fixture	*f = *state;

	talk(f, EHLO);
	assert_string_equal(talk(f, "AUTH LOGIN\r\n*\r\n"),
	    "334 VXNlcm5hbWU6\r\n501 5.7.0 authentication cancelled\r\n");
	assert_string_equal(talk(f, "AUTH PLAIN not-base64!\r\n"),
	    "501 5.5.2 cannot decode the response as base64\r\n");
	assert_int_equal(f->s.errors, 2);
	assert_string_equal(talk(f, "AUTH CRAM-MD5\r\n"),
	    "504 5.5.4 unrecognized authentication type: PLAIN and LOGIN are "
	    "offered\r\n421 4.7.0 mx.example.test too many errors, closing "
	    "connection\r\n");
	assert_true(session_closed(&f->s));
}

static void
test_maxerrors_ends_guessing(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[512];
	const char	*out;

	talk(f, EHLO);
	snprintf(cmd, sizeof(cmd), "AUTH PLAIN %s\r\nAUTH PLAIN %s\r\n"
	    "AUTH PLAIN %s\r\nAUTH PLAIN %s\r\n", plain("", "alice", "a"),
	    plain("", "alice", "b"), plain("", "bob", "c"),
	    plain("", "alice", "secret"));
	out = talk(f, cmd);
	assert_string_equal(out, "535 5.7.8 authentication credentials "
	    "invalid\r\n535 5.7.8 authentication credentials invalid\r\n"
	    "535 5.7.8 authentication credentials invalid\r\n"
	    "421 4.7.0 mx.example.test too many errors, closing "
	    "connection\r\n");
	assert_string_equal(f->s.auth_login, "");
}

static void
test_continuation_errors(void **state)
{
	struct fixture	*f = *state;
	char		 big[1300];

	talk(f, EHLO);
	memset(big, 'A', sizeof(big) - 3);
	strcpy(big + sizeof(big) - 3, "\r\n");
	assert_string_equal(talk(f, "AUTH PLAIN\r\n"), "334 \r\n");
	assert_string_equal(talk(f, big), "500 5.5.6 authentication exchange "
	    "line is too long\r\n");
	assert_int_equal(f->s.auth_step, AUTH_IDLE);
	/* no NULs, one NUL: not PLAIN's form */
	assert_string_equal(talk(f, "AUTH PLAIN YWxpY2U=\r\n"),
	    "501 5.5.2 PLAIN needs authzid NUL login NUL password\r\n");
}

static void
test_auth_in_transaction_and_tempfail(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[512];

	talk(f, EHLO "MAIL FROM:<a@remote.test>\r\n");
	assert_string_equal(talk(f, "AUTH LOGIN\r\n"), "503 5.5.1 bad "
	    "sequence of commands: AUTH is not allowed during a mail "
	    "transaction\r\n");
	snprintf(cmd, sizeof(cmd), "RSET\r\nAUTH PLAIN %s\r\n",
	    plain("", "temp", "x"));
	assert_string_equal(talk(f, cmd), "250 2.0.0 reset\r\n"
	    "454 4.7.0 temporary authentication failure\r\n");
}

static void
test_authsenders(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[512], path[200], err[300];

	snprintf(path, sizeof(path), "%s/senders", f->dir);
	assert_int_equal(auth_senders_load(&f->senders, path, err,
	    sizeof(err)), 0);
	f->auth.senders = &f->senders;
	/* before AUTH, on port 25: any sender, as before */
	assert_non_null(strstr(talk(f, EHLO "MAIL FROM:<eve@remote.test>\r\n"
	    "RSET\r\n"), "250 2.1.0 sender <eve@remote.test> ok\r\n"));
	snprintf(cmd, sizeof(cmd), "AUTH PLAIN %s\r\n", plain("", "alice",
	    "secret"));
	talk(f, cmd);
	assert_string_equal(talk(f, "MAIL FROM:<eve@remote.test>\r\n"
	    "MAIL FROM:<Alice@Example.Test>\r\nRSET\r\n"
	    "MAIL FROM:<ally@alice.test>\r\nRSET\r\nMAIL FROM:<>\r\n"),
	    "553 5.7.1 <eve@remote.test>: sender not allowed for login "
	    "alice\r\n250 2.1.0 sender <Alice@Example.Test> ok\r\n"
	    "250 2.0.0 reset\r\n250 2.1.0 sender <ally@alice.test> ok\r\n"
	    "250 2.0.0 reset\r\n553 5.7.1 <>: sender not allowed for login "
	    "alice\r\n");
}

static void
test_submission(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[512], *txt, *log;

	assert_non_null(strstr(talk(f, EHLO "MAIL FROM:<alice@example.test>"
	    "\r\n"), "\r\n530 5.7.0 Authentication required\r\n"));
	snprintf(cmd, sizeof(cmd), "AUTH PLAIN %s\r\n"
	    "MAIL FROM:<alice@example.test>\r\nRCPT TO:<x@remote.test>\r\n"
	    "DATA\r\nSubject: hi\r\nX-Folded: a\r\n b\r\n\r\nDate: body\r\n"
	    ".\r\n", plain("", "alice", "secret"));
	assert_non_null(strstr(talk(f, cmd), "250 2.0.0 queued as 1\r\n"));
	txt = read_file(f->dir, "spool/in/1.TXT");
	assert_non_null(strstr(txt, "\nSubject: hi\nX-Folded: a\n b\nDate: "));
	assert_non_null(strstr(txt, "\nMessage-ID: <"));
	assert_non_null(strstr(txt, ".1@mx.example.test>\n\nDate: body\n"));
	assert_null(strstr(txt, "alice"));
	free(txt);
	log = read_file(f->dir, "log");
	assert_non_null(strstr(log, "message 1: accepted from "
	    "<alice@example.test> by 192.0.2.1 (login alice), 1 recipient"));
	free(log);
	/* a message with both headers is left as it is */
	assert_non_null(strstr(talk(f, "MAIL FROM:<alice@example.test>\r\n"
	    "RCPT TO:<x@remote.test>\r\nDATA\r\ndate: Sat, 5 Dec 2026 "
	    "08:00:00 +0000\r\nMESSAGE-ID: <m@x>\r\n\r\nhi\r\n.\r\n"),
	    "250 2.0.0 queued as 2\r\n"));
	txt = read_file(f->dir, "spool/in/2.TXT");
	assert_non_null(strstr(txt, "\ndate: Sat, 5 Dec 2026 08:00:00 +0000\n"
	    "MESSAGE-ID: <m@x>\n\nhi\n"));
	assert_null(strstr(txt, "Message-ID"));
	free(txt);
	/* header only, no empty line: added at the end */
	assert_non_null(strstr(talk(f, "MAIL FROM:<alice@example.test>\r\n"
	    "RCPT TO:<x@remote.test>\r\nDATA\r\nMessage-ID: <n@x>\r\n.\r\n"),
	    "250 2.0.0 queued as 3\r\n"));
	txt = read_file(f->dir, "spool/in/3.TXT");
	assert_non_null(strstr(txt, "\nMessage-ID: <n@x>\nDate: "));
	free(txt);
}

static void
test_port25_text_unchanged(void **state)
{
	struct fixture	*f = *state;
	char		*txt;

	assert_non_null(strstr(talk(f, EHLO "MAIL FROM:<a@remote.test>\r\n"
	    "RCPT TO:<bob@example.test>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n"
	    ".\r\n"), "250 2.0.0 queued as 1\r\n"));
	txt = read_file(f->dir, "spool/in/1.TXT");
	assert_non_null(strstr(txt, "\nSubject: x\n\nbody\n"));
	assert_null(strstr(txt, "Date:"));
	assert_null(strstr(txt, "Message-ID"));
	free(txt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_tls_no_auth,
		    setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_plain_initial_response,
		    setup_tls, teardown),
		cmocka_unit_test_setup_teardown(
		    test_plain_continuation_and_authzid, setup_tls, teardown),
		cmocka_unit_test_setup_teardown(test_login, setup_tls,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_initial_and_wrong,
		    setup_tls, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_and_bad_base64,
		    setup_tls, teardown),
		cmocka_unit_test_setup_teardown(test_maxerrors_ends_guessing,
		    setup_tls, teardown),
		cmocka_unit_test_setup_teardown(test_continuation_errors,
		    setup_tls, teardown),
		cmocka_unit_test_setup_teardown(
		    test_auth_in_transaction_and_tempfail, setup_tls, teardown),
		cmocka_unit_test_setup_teardown(test_authsenders, setup_tls,
		    teardown),
		cmocka_unit_test_setup_teardown(test_submission, setup_submit,
		    teardown),
		cmocka_unit_test_setup_teardown(test_port25_text_unchanged,
		    setup_tls, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
