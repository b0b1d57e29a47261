/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of smtpd's protocol engine, driven with byte strings: no
 * socket, a scratch spool and mailroot under /tmp.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"
#include "../../smtpd/session.h"
#include "smtpd_fixture.h"

static int
setup_with(void **state, const char *extra_conf, const char *client)
{
	char		 conf[512];
	struct fixture	*f;

	snprintf(conf, sizeof(conf), "localdomains=example.test, other.example\n"
	    "relayclients=127.0.0.0/8\n%s", extra_conf);
	if ((f = fixture_open(conf, "sales: bob\n")) == NULL)
		return -1;
	session_init(&f->s, &f->cf, &f->al, client, &f->out);
	fixture_greet(f);
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	return setup_with(state, "", "192.0.2.1");
}

static int
setup_relay(void **state)
{
	return setup_with(state, "", "127.0.0.1");
}

static int
setup_small(void **state)
{
	return setup_with(state, "maxsize=1024\n", "192.0.2.1");
}

static int
teardown(void **state)
{
	return fixture_close(*state);
}

/* Feeds input in pieces of at most step octets; returns all replies. */
static const char *
talk_in_steps(struct fixture *f, const char *input, size_t len, size_t step)
{
	size_t	 off = 0, n;

	buf_consume(&f->out, f->out.len);
	while (off < len) {
		n = len - off < step ? len - off : step;
		/* as main.c does: the client has sent more than this piece */
		f->s.more_input = off + n < len;
		off += session_input(&f->s, input + off, n);
		f->s.flush_now = 0;
	}
	return f->out.data ? f->out.data : "";
}

static const char *
talk(struct fixture *f, const char *input)
{
	return talk_in_steps(f, input, strlen(input), strlen(input));
}

static int
count_files(struct fixture *f)
{
	char		 path[200];
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	snprintf(path, sizeof(path), "%s/spool/in", f->dir);
	assert_non_null(d = opendir(path));
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static char *
slurp(struct fixture *f, unsigned id, const char *ext)
{
	char	 path[200], *text = calloc(1, 65536);
	FILE	*fp;
	size_t	 n;

	snprintf(path, sizeof(path), "%s/spool/in/%u.%s", f->dir, id, ext);
	assert_non_null(text);
	assert_non_null(fp = fopen(path, "r"));
	n = fread(text, 1, 65535, fp);
	text[n] = '\0';
	fclose(fp);
	return text;
}

/* The message after the Received: header (its lines go on with a tab). */
static const char *
after_received(const char *text)
{
	assert_true(strncmp(text, "Received: ", 10) == 0);
	do
		text = strchr(text, '\n') + 1;
	while (*text == '\t');
	return text;
}

#define OPEN	"EHLO client.test\r\nMAIL FROM:<alice@remote.test>\r\n" \
		"RCPT TO:<bob@example.test>\r\n"

static void
test_ehlo_lists_extensions(void **state)
{
	struct fixture	*f = *state;

	assert_string_equal(talk(f, "EHLO client.test\r\n"),
	    "250-mx.example.test greets 192.0.2.1\r\n"
	    "250-PIPELINING\r\n250-SIZE 26214400\r\n250-8BITMIME\r\n"
	    "250-ENHANCEDSTATUSCODES\r\n250-SMTPUTF8\r\n250-DSN\r\n"
	    "250 HELP\r\n");
	assert_string_equal(talk(f, "HELO client.test\r\n"),
	    "250 mx.example.test\r\n");
	assert_string_equal(talk(f, "HELO bad_name!\r\n"),
	    "501 5.5.4 HELO needs a domain name or address literal\r\n");
	assert_string_equal(talk(f, "EHLO [192.0.2.1]\r\n"),
	    "250-mx.example.test greets 192.0.2.1\r\n"
	    "250-PIPELINING\r\n250-SIZE 26214400\r\n250-8BITMIME\r\n"
	    "250-ENHANCEDSTATUSCODES\r\n250-SMTPUTF8\r\n250-DSN\r\n"
	    "250 HELP\r\n");
}

static void
test_commands_out_of_order(void **state)
{
	struct fixture	*f = *state;

	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test>\r\n"),
	    "503 5.5.1 bad sequence of commands: send EHLO or HELO first\r\n");
	talk(f, "EHLO c.test\r\n");
	assert_string_equal(talk(f, "RCPT TO:<bob@example.test>\r\n"),
	    "503 5.5.1 bad sequence of commands: need MAIL before RCPT\r\n");
	assert_string_equal(talk(f, "DATA\r\n"),
	    "503 5.5.1 bad sequence of commands: need MAIL and RCPT before "
	    "DATA\r\n");
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test>\r\n"
	    "MAIL FROM:<a@remote.test>\r\nRCPT TO:<nobody@example.test>\r\n"),
	    "250 2.1.0 sender <a@remote.test> ok\r\n"
	    "503 5.5.1 bad sequence of commands: nested MAIL command\r\n"
	    "550 5.1.1 <nobody@example.test>: no such user\r\n");
	assert_string_equal(talk(f, "DATA\r\n"),
	    "554 5.5.1 no valid recipients\r\n");
	assert_string_equal(talk(f, "FOO\r\nVRFY bob\r\nEXPN x\r\nHELP\r\n"
	    "NOOP x\r\nRSET x\r\nRSET\r\nQUIT now\r\n"),
	    "500 5.5.1 command unrecognized\r\n"
	    "252 2.5.0 cannot VRFY user, but will accept message and attempt "
	    "delivery\r\n502 5.5.1 EXPN not available\r\n"
	    "214 2.0.0 commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY "
	    "HELP; see RFC 5321\r\n250 2.0.0 OK\r\n"
	    "501 5.5.4 RSET takes no argument\r\n250 2.0.0 reset\r\n"
	    "501 5.5.4 QUIT takes no argument\r\n");
	assert_int_equal(count_files(f), 0);
}

static void
test_message_is_spooled(void **state)
{
	struct fixture	*f = *state;
	char		*txt, *wrk;

	assert_string_equal(strstr(talk(f, OPEN "DATA\r\n"), "354"),
	    "354 end data with <CR><LF>.<CR><LF>\r\n");
	assert_string_equal(talk(f, "Subject: t\r\n\r\n..leading dot\r\n"
	    ".\r\n"), "250 2.0.0 queued as 1\r\n");
	txt = slurp(f, 1, "TXT");
	wrk = slurp(f, 1, "WRK");
	assert_string_equal(after_received(txt),
	    "Subject: t\n\n.leading dot\n");
	assert_non_null(strstr(txt, "Received: from client.test ([192.0.2.1])"
	    "\n\tby mx.example.test with ESMTP id 1\n\tfor "
	    "<bob@example.test>; "));
	assert_true(strncmp(wrk, "From: <alice@remote.test>\n"
	    "To: <bob@example.test>\nId: 1\n", 52) == 0);
	assert_non_null(strstr(wrk, "\nClient: 192.0.2.1\nHelo: client.test\n"));
	assert_int_equal(count_files(f), 2);
	free(txt);
	free(wrk);
	/* the session goes on: a second transaction */
	talk(f, "MAIL FROM:<>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n");
	assert_string_equal(talk(f, ".\r\n"), "250 2.0.0 queued as 2\r\n");
	txt = slurp(f, 2, "TXT");
	assert_string_equal(after_received(txt), "");
	free(txt);
}

/* Everything in one write: replies in order, DATA a sync point. */
static void
test_pipelining(void **state)
{
	struct fixture	*f = *state;
	const char	*all = OPEN "RCPT TO:<nobody@example.test>\r\n"
	    "RCPT TO:<sales@example.test>\r\nDATA\r\nhello\r\n.\r\nQUIT\r\n";
	size_t		 used;

	used = session_input(&f->s, all, strlen(all));
	assert_true(f->s.flush_now);
	assert_int_equal(used, strstr(all, "hello") - all);
	f->s.flush_now = 0;
	used += session_input(&f->s, all + used, strlen(all) - used);
	assert_true(f->s.flush_now);
	assert_int_equal(used, strstr(all, "QUIT") - all);
	f->s.flush_now = 0;
	used += session_input(&f->s, all + used, strlen(all) - used);
	assert_int_equal(used, strlen(all));
	assert_true(session_closed(&f->s));
	assert_string_equal(strstr(f->out.data, "250 2.1.0"),
	    "250 2.1.0 sender <alice@remote.test> ok\r\n"
	    "250 2.1.5 recipient <bob@example.test> ok\r\n"
	    "550 5.1.1 <nobody@example.test>: no such user\r\n"
	    "250 2.1.5 recipient <sales@example.test> ok\r\n"
	    "354 end data with <CR><LF>.<CR><LF>\r\n"
	    "250 2.0.0 queued as 1\r\n"
	    "221 2.0.0 mx.example.test closing connection\r\n");
}

/* Text sent after a refused DATA is skipped to its dot, not run. */
static void
test_refused_data_text_is_not_commands(void **state)
{
	struct fixture	*f = *state;

	assert_string_equal(talk(f, "EHLO c.test\r\nMAIL FROM:<a@remote.test>"
	    "\r\nRCPT TO:<x@remote.test>\r\nDATA\r\nRCPT TO:<y@remote.test>\r\n"
	    "QUIT\r\n.\r\nNOOP\r\n") + strlen("250-mx.example.test greets "
	    "192.0.2.1\r\n250-PIPELINING\r\n250-SIZE 26214400\r\n"
	    "250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250-SMTPUTF8\r\n"
	    "250-DSN\r\n250 HELP\r\n"),
	    "250 2.1.0 sender <a@remote.test> ok\r\n"
	    "550 5.7.1 <x@remote.test>: relaying denied\r\n"
	    "554 5.5.1 no valid recipients\r\n"
	    "554 5.5.0 message text discarded: it was sent although DATA was "
	    "refused\r\n250 2.0.0 OK\r\n");
	assert_false(session_closed(&f->s));
	/* a bare "LF . LF" in the skipped text does not end it either */
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test>\r\n"
	    "RCPT TO:<x@remote.test>\r\nRCPT TO:<y@remote.test>\r\nDATA\r\n"
	    "x\n.\nRSET\r\nMAIL FROM:<e@remote.test>\r\n.\r\nNOOP\r\n"),
	    "250 2.1.0 sender <a@remote.test> ok\r\n"
	    "550 5.7.1 <x@remote.test>: relaying denied\r\n"
	    "550 5.7.1 <y@remote.test>: relaying denied\r\n"
	    "554 5.5.1 no valid recipients\r\n"
	    "554 5.5.0 message text discarded: it was sent although DATA was "
	    "refused\r\n250 2.0.0 OK\r\n");
	assert_int_equal(f->s.state, S_READY);
	assert_int_equal(count_files(f), 0);
}

/* Skipping text after a DATA refused before EHLO does not greet the client. */
static void
test_refused_data_keeps_sequence(void **state)
{
	struct fixture	*f = *state;

	assert_string_equal(talk(f, "DATA\r\nMAIL FROM:<a@remote.test>\r\n"
	    ".\r\nMAIL FROM:<a@remote.test>\r\n"),
	    "503 5.5.1 bad sequence of commands: send EHLO or HELO first\r\n"
	    "554 5.5.0 message text discarded: it was sent although DATA was "
	    "refused\r\n"
	    "503 5.5.1 bad sequence of commands: send EHLO or HELO first\r\n");
	assert_int_equal(f->s.state, S_FRESH);
	/* after EHLO the same burst leaves a greeted session */
	talk(f, "EHLO c.test\r\n");
	assert_string_equal(talk(f, "DATA\r\nx\r\n.\r\n"
	    "MAIL FROM:<a@remote.test>\r\n"),
	    "503 5.5.1 bad sequence of commands: need MAIL and RCPT before "
	    "DATA\r\n"
	    "554 5.5.0 message text discarded: it was sent although DATA was "
	    "refused\r\n250 2.1.0 sender <a@remote.test> ok\r\n");
	assert_int_equal(count_files(f), 0);
}

/*
 * A bare LF ends a line (issue 9: Python's smtplib sends LF line ends);
 * the line after it is dot-unstuffed like any other but never ends the
 * data: only CRLF "." CRLF does.  Each body below gives exactly one
 * message holding want, however it is cut.
 */
static const struct {
	const char	*body;
	const char	*want;
} lf_cases[] = {
	{ "a\nb\r\n.\r\n", "a\nb\n" },
	{ "a\r\nb\nc\r\nd\n\r\n.\r\n", "a\nb\nc\nd\n\n" },
	/* "." bare LF, at the start and after CRLF: text */
	{ ".\n.\r\n.\r\n", ".\n.\n" },
	{ "x\r\n.\nMAIL FROM:<e@remote.test>\r\n.\r\n",
	  "x\n.\nMAIL FROM:<e@remote.test>\n" },
	/* LF "." CRLF: text */
	{ "x\n.\r\n.\r\n", "x\n.\n" },
	{ "\n.\r\n.\r\n", "\n.\n" },
	{ "x\n.\n\r\n.\r\n", "x\n.\n\n" },
	{ "x\n\n.\n\n.\r\n\r\n.\r\n", "x\n\n.\n\n.\n\n" },
	/* stuffed dots after a bare LF are removed as after CRLF */
	{ "x\n..y\n.z\n..\r\n.\r\n", "x\n.y\nz\n.\n" },
	{ "..\n.\r\n.\r\n", ".\n.\n" },
	/* what smtplib.sendmail sends for msg.as_bytes() */
	{ "Subject: s\n\n..dot\nlast\n\r\n.\r\n",
	  "Subject: s\n\n.dot\nlast\n\n" },
	/* a smuggling attempt: one message, the commands are its text */
	{ "x\n.\nMAIL FROM:<evil@remote.test>\nRCPT TO:<sales@example.test>\n"
	  "DATA\nsmuggled\n.\r\n.\r\n", "x\n.\nMAIL FROM:<evil@remote.test>\n"
	  "RCPT TO:<sales@example.test>\nDATA\nsmuggled\n.\n" },
	{ ".\r\n", "" },
};

/* Feeds len octets in two reads cut after cut; returns all replies. */
static const char *
talk_cut(struct fixture *f, const char *input, size_t len, size_t cut)
{
	size_t	 off = 0;

	buf_consume(&f->out, f->out.len);
	f->s.more_input = 1;	/* as main.c: the client sent more */
	while (off < cut) {
		off += session_input(&f->s, input + off, cut - off);
		f->s.flush_now = 0;
	}
	f->s.more_input = 0;
	while (off < len) {
		off += session_input(&f->s, input + off, len - off);
		f->s.flush_now = 0;
	}
	return f->out.data ? f->out.data : "";
}

/* The one message the replies name as queued holds want. */
static void
assert_queued(struct fixture *f, const char *replies, const char *want)
{
	unsigned	 id;
	int		 used = 0;
	char		*txt;

	assert_int_equal(sscanf(replies, "250 2.0.0 queued as %u\r\n%n", &id,
	    &used), 1);
	assert_int_equal((size_t)used, strlen(replies));
	txt = slurp(f, id, "TXT");
	assert_string_equal(after_received(txt), want);
	free(txt);
}

static void
test_bare_lf_ends_line_not_data(void **state)
{
	struct fixture	*f = *state;
	const char	*body;
	size_t		 len;

	talk(f, "EHLO c.test\r\n");
	for (size_t i = 0; i < sizeof(lf_cases) / sizeof(lf_cases[0]); i++) {
		body = lf_cases[i].body;
		len = strlen(body);
		for (size_t cut = 0; cut <= len; cut++) {
			talk(f, "MAIL FROM:<a@remote.test>\r\n"
			    "RCPT TO:<bob@example.test>\r\nDATA\r\n");
			assert_int_equal(f->s.state, S_DATA);
			assert_queued(f, talk_cut(f, body, len, cut),
			    lf_cases[i].want);
			assert_int_equal(f->s.state, S_READY);
		}
		talk(f, "MAIL FROM:<a@remote.test>\r\n"
		    "RCPT TO:<bob@example.test>\r\nDATA\r\n");
		assert_queued(f, talk_in_steps(f, body, len, 1),
		    lf_cases[i].want);
	}
	/* DATA ended by a bare LF (commands may be): a "." line right
	 * after it is the end, the command's line end being no text */
	assert_queued(f, talk(f, "MAIL FROM:<a@remote.test>\n"
	    "RCPT TO:<bob@example.test>\nDATA\n.\r\n") +
	    strlen("250 2.1.0 sender <a@remote.test> ok\r\n250 2.1.5 "
	    "recipient <bob@example.test> ok\r\n354 end data with "
	    "<CR><LF>.<CR><LF>\r\n"), "");
	/* nothing of the text ran as a command */
	assert_string_equal(talk(f, "RCPT TO:<bob@example.test>\r\n"),
	    "503 5.5.1 bad sequence of commands: need MAIL before RCPT\r\n");
}

/* The 1000-octet limit holds for a line ended by a bare LF too. */
static void
test_bare_lf_line_length(void **state)
{
	struct fixture	*f = *state;
	char		 text[2100];

	memset(text, 'x', 998);
	strcpy(text + 998, "\n");
	memset(text + 999, 'y', 999);
	strcpy(text + 1998, "\n.\r\n.\r\n");
	talk(f, OPEN "DATA\r\n");
	assert_string_equal(talk(f, text), "500 5.5.2 line too long: message "
	    "lines are limited to 1000 octets (RFC 5321 4.5.3.1.6)\r\n");
	assert_int_equal(count_files(f), 0);
}

/* A bare CR is still no line end: the message is refused, once. */
static void
test_bare_cr_refused(void **state)
{
	static const char *const bodies[] = {
		"a\r.\rRCPT TO:<evil@remote.test>\r",
		"a\r\n.\r.\r\nNOOP\r\n",
		"a\r\r\n",
		"a\r\n.\r\r\nNOOP\r\n",
		"a\n.\r.\r\nNOOP\r\n",
		"a\n.\r\r\n",
	};
	struct fixture	*f = *state;
	const char	*out;

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		talk(f, i == 0 ? OPEN "DATA\r\n" :
		    "MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>"
		    "\r\nDATA\r\n");
		assert_string_equal(talk(f, bodies[i]), "");
		assert_int_equal(f->s.state, S_DATA);
		/* one reply, for the whole message: nothing ran as a command */
		out = talk(f, "\r\n.\r\n");
		assert_string_equal(out, "554 5.6.0 bare CR in message text "
		    "(RFC 5321 2.3.8); message refused\r\n");
	}
	assert_int_equal(count_files(f), 0);
}

static void
test_bare_cr_and_nul_reply(void **state)
{
	struct fixture	*f = *state;

	talk(f, OPEN "DATA\r\n");
	assert_string_equal(talk(f, "line\rnext\r\n.\r\n"),
	    "554 5.6.0 bare CR in message text (RFC 5321 2.3.8); message "
	    "refused\r\n");
	talk(f, "MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\n"
	    "DATA\r\n");
	assert_string_equal(talk_in_steps(f, "nul\0byte\r\n.\r\n", 13, 13),
	    "554 5.6.0 NUL octet in message text; message refused\r\n");
	talk(f, "MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\n"
	    "DATA\r\n");
	assert_string_equal(talk_in_steps(f, "nul\n\0\r\n.\r\n", 10, 10),
	    "554 5.6.0 NUL octet in message text; message refused\r\n");
	assert_int_equal(count_files(f), 0);
	assert_string_equal(talk(f, "NOOP\r\n"), "250 2.0.0 OK\r\n");
}

static void
test_line_length_limit(void **state)
{
	struct fixture	*f = *state;
	char		 line[1100];
	char		*txt;

	memset(line, 'x', 998);
	strcpy(line + 998, "\r\n.\r\n");
	talk(f, OPEN "DATA\r\n");
	assert_string_equal(talk(f, line), "250 2.0.0 queued as 1\r\n");
	txt = slurp(f, 1, "TXT");
	assert_int_equal(strlen(after_received(txt)), 999);
	free(txt);
	memset(line, 'x', 999);
	strcpy(line + 999, "\r\n.\r\n");
	talk(f, "MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\n"
	    "DATA\r\n");
	assert_string_equal(talk(f, line), "500 5.5.2 line too long: message "
	    "lines are limited to 1000 octets (RFC 5321 4.5.3.1.6)\r\n");
	assert_int_equal(count_files(f), 2);
	/* the dot doubled for transparency does not count (4.5.3.1.6):
	 * 1001 octets on the wire are a 1000-octet line */
	memcpy(line, "..", 2);
	memset(line + 2, 'x', 997);
	strcpy(line + 999, "\r\n.\r\n");
	talk(f, "MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\n"
	    "DATA\r\n");
	assert_string_equal(talk(f, line), "250 2.0.0 queued as 3\r\n");
	txt = slurp(f, 3, "TXT");
	assert_int_equal(strlen(after_received(txt)), 999);
	assert_int_equal(after_received(txt)[0], '.');
	assert_int_equal(after_received(txt)[1], 'x');
	free(txt);
	memset(line + 2, 'x', 998);
	strcpy(line + 1000, "\r\n.\r\n");
	talk(f, "MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\n"
	    "DATA\r\n");
	assert_string_equal(talk(f, line), "500 5.5.2 line too long: message "
	    "lines are limited to 1000 octets (RFC 5321 4.5.3.1.6)\r\n");
	assert_int_equal(count_files(f), 4);
}

/* The same bytes one at a time give the same message. */
static void
test_data_byte_by_byte(void **state)
{
	struct fixture	*f = *state;
	const char	*msg = "A: b\r\n\r\n..\r\n...\r\n. x\r\nend\r\n.\r\n";
	char		*txt;

	talk(f, OPEN "DATA\r\n");
	assert_string_equal(talk_in_steps(f, msg, strlen(msg), 1),
	    "250 2.0.0 queued as 1\r\n");
	txt = slurp(f, 1, "TXT");
	assert_string_equal(after_received(txt), "A: b\n\n.\n..\n x\nend\n");
	free(txt);
}

static void
test_long_command(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[2100];

	strcpy(cmd, "NOOP ");
	memset(cmd + 5, 'a', 600);
	strcpy(cmd + 605, "\r\nNOOP\r\n");
	assert_string_equal(talk(f, cmd), "500 5.5.2 line too long: NOOP is "
	    "limited to 512 octets\r\n250 2.0.0 OK\r\n");
	memset(cmd + 5, 'a', 2000);
	strcpy(cmd + 2005, "\r\nNOOP\r\n");
	assert_string_equal(talk(f, cmd), "500 5.5.2 line too long: commands "
	    "are limited to 512 octets\r\n250 2.0.0 OK\r\n");
	memset(cmd + 5, 'a', 505);
	strcpy(cmd + 510, "\r\n");
	assert_string_equal(talk(f, cmd), "250 2.0.0 OK\r\n");
	assert_string_equal(talk_in_steps(f, "NO\0OP\r\n", 7, 7),
	    "500 5.5.2 NUL or bare CR in command\r\n");
	assert_string_equal(talk(f, "NOOP\n"), "250 2.0.0 OK\r\n");
}

/* Hostile commands: each gets its reply and the session goes on. */
static void
test_hostile_commands(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[400], label[64];

	talk(f, "EHLO c.test\r\n");
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test>garbage\r\n"
	    "MAIL FROM:<a@remote.test>> SIZE=10\r\nMAIL FROM:a@remote.test\r\n"),
	    "501 5.1.7 bad sender address: text after the path\r\n"
	    "501 5.1.7 bad sender address: text after the path\r\n"
	    "501 5.1.7 bad sender address: syntax error in address\r\n");
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test>\r\n"
	    "RCPT TO:<bob@example.test>;x\r\n"),
	    "250 2.1.0 sender <a@remote.test> ok\r\n"
	    "501 5.1.3 bad recipient address: syntax error in address\r\n");
	/* a 300-octet path: 64 + 1 + 233 + brackets */
	memset(label, 'd', 56);
	label[56] = '\0';
	snprintf(cmd, sizeof(cmd), "RCPT TO:<%.64s@%s.%s.%s.%s.tests>\r\n",
	    "llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll",
	    label, label, label, label);
	assert_int_equal(strlen(cmd) - strlen("RCPT TO:\r\n"), 300);
	assert_string_equal(talk(f, cmd), "501 5.1.3 bad recipient address: "
	    "path longer than 256 octets\r\n");
	assert_string_equal(talk(f, "RCPT TO:<l2345678901234567890123456789012"
	    "345678901234567890123456789012345@example.test>\r\n"),
	    "501 5.1.3 bad recipient address: local part longer than 64 "
	    "octets\r\n");
	/* 8-bit without SMTPUTF8: in a verb, a HELO name, a parameter */
	assert_string_equal(talk(f, "NO\xc3\x96P\r\n"
	    "RCPT TO:<bob@example.test> NOTIFY=S\xc3\x9c" "CCESS\r\n"
	    "EHLO h\xc3\xa9.test\r\n"),
	    "500 5.5.1 command unrecognized\r\n"
	    "501 5.5.4 bad value for NOTIFY\r\n"
	    "501 5.5.4 EHLO needs a domain name or address literal\r\n");
	assert_int_equal(f->s.errors, 9);	/* one short of maxerrors */
	f->s.errors = 0;
	/* a NUL inside a pipelined command spoils only that command */
	assert_string_equal(talk_in_steps(f, "RCPT TO:<bob@example.test>\0x\r\n"
	    "RCPT TO:<bob@example.test>\r\n", 58, 58),
	    "500 5.5.2 NUL or bare CR in command\r\n"
	    "250 2.1.5 recipient <bob@example.test> ok\r\n");
	assert_int_equal(f->s.env.nrcpts, 1);
	assert_false(session_closed(&f->s));
}

/* RFC 5321 4.5.3.1.5: no reply line over 512 octets with its CRLF. */
static void
test_reply_line_limit(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[700];
	const char	*out;

	talk(f, "EHLO c.test\r\n");
	strcpy(cmd, "MAIL FROM:<a@remote.test> ");
	memset(cmd + strlen(cmd), 'K', 600);
	strcpy(cmd + 626, "\r\n");
	out = talk(f, cmd);
	assert_true(strncmp(out, "555 5.5.4 MAIL parameter KKK", 28) == 0);
	assert_int_equal(strlen(out), 512);
	assert_string_equal(out + 510, "\r\n");
}

static void
test_too_many_errors(void **state)
{
	struct fixture	*f = *state;
	const char	*out = NULL;

	for (int i = 0; i < 10; i++)
		out = talk(f, "BOGUS\r\n");
	assert_string_equal(out, "500 5.5.1 command unrecognized\r\n421 4.7.0 "
	    "mx.example.test too many errors, closing connection\r\n");
	assert_true(session_closed(&f->s));
	assert_true(f->s.dropped);
	assert_string_equal(talk(f, "NOOP\r\n"), "");
}

static void
test_recipient_limit_and_duplicates(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[100];

	talk(f, OPEN);
	assert_string_equal(talk(f, "RCPT TO:<BOB@Example.TEST>\r\n"),
	    "250 2.1.5 recipient <bob@example.test> ok (duplicate)\r\n");
	for (int i = 1; i < 100; i++) {
		snprintf(cmd, sizeof(cmd), "RCPT TO:<r%d@remote.test>\r\n", i);
		assert_int_equal(strncmp(talk(f, cmd), "250 2.1.5", 9), 0);
	}
	assert_int_equal(f->s.env.nrcpts, 100);
	assert_string_equal(talk(f, "RCPT TO:<r100@remote.test>\r\n"),
	    "452 4.5.3 too many recipients\r\n");
	assert_string_equal(talk(f, "RCPT TO:<r7@remote.test>\r\n"),
	    "250 2.1.5 recipient <r7@remote.test> ok (duplicate)\r\n");
	assert_false(session_closed(&f->s));
	talk(f, "DATA\r\n");
	assert_string_equal(talk(f, ".\r\n"), "250 2.0.0 queued as 1\r\n");
}

static void
test_parameters(void **state)
{
	struct fixture	*f = *state;
	char		*wrk;

	talk(f, "EHLO c.test\r\n");
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test> FOO=1\r\n"),
	    "555 5.5.4 MAIL parameter FOO not recognized\r\n");
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test> ENVID=a=b\r\n"),
	    "501 5.5.4 bad MAIL parameter syntax\r\n");
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test> ENVID=a+0Ax\r\n"),
	    "501 5.5.4 bad value for ENVID\r\n");
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test> SIZE=1 "
	    "SIZE=2\r\n"), "501 5.5.4 SIZE given twice\r\n");
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test> "
	    "SIZE=99999999999\r\n"), "552 5.3.4 message size exceeds fixed "
	    "maximum message size (26214400)\r\n");
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test> BODY=9BIT\r\n"),
	    "501 5.5.4 bad value for BODY\r\n");
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test> RET=hdrs "
	    "ENVID=QQ+2B1 body=8bitmime SIZE=10 SMTPUTF8\r\n"),
	    "250 2.1.0 sender <a@remote.test> ok\r\n");
	assert_string_equal(talk(f, "RCPT TO:<bob@example.test> "
	    "NOTIFY=NEVER,DELAY\r\n"), "501 5.5.4 bad value for NOTIFY\r\n");
	assert_string_equal(talk(f, "RCPT TO:<bob@example.test> XYZ\r\n"),
	    "555 5.5.4 RCPT parameter XYZ not recognized\r\n");
	assert_string_equal(talk(f, "RCPT TO:<bob@example.test> "
	    "NOTIFY=delay,failure ORCPT=rfc822;Bob+40example.test\r\n"),
	    "250 2.1.5 recipient <bob@example.test> ok\r\n");
	/* spooled canonical: RFC 6533 utf-8-addr-xtext, "+" as "+2B" */
	assert_string_equal(talk(f, "RCPT TO:<sales@example.test> "
	    "ORCPT=utf-8;j\xc3\xb6@remote.test\r\n"),
	    "250 2.1.5 recipient <sales@example.test> ok\r\n");
	assert_string_equal(talk(f, "RCPT TO:<postmaster@example.test> "
	    "ORCPT=rfc822;bob+x@example.test\r\n"),
	    "250 2.1.5 recipient <postmaster@example.test> ok\r\n");
	talk(f, "DATA\r\n");
	assert_string_equal(talk(f, ".\r\n"), "250 2.0.0 queued as 1\r\n");
	wrk = slurp(f, 1, "WRK");
	assert_non_null(strstr(wrk, "\nSize: 10\nBody: 8BITMIME\nRet: HDRS\n"
	    "Envid: QQ+2B1\nSmtputf8: yes\nNotify: <bob@example.test> "
	    "FAILURE,DELAY\nORcpt: <bob@example.test> "
	    "rfc822;Bob@example.test\nORcpt: <sales@example.test> "
	    "utf-8;j\\x{F6}@remote.test\nORcpt: <postmaster@example.test> "
	    "rfc822;bob+2Bx@example.test\n"));
	free(wrk);
	wrk = slurp(f, 1, "TXT");
	assert_non_null(strstr(wrk, " with UTF8SMTP id 1"));
	free(wrk);
	talk(f, "HELO c.test\r\n");
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test> SIZE=10\r\n"),
	    "555 5.5.4 MAIL parameter (any, after HELO) not recognized\r\n");
}

/*
 * A repeated SMTPUTF8 is taken (Python's send_message with
 * mail_options=["SMTPUTF8"] sends it twice); a repeated parameter with
 * a value is refused, whatever the values.
 */
static void
test_repeated_parameters(void **state)
{
	static const char *const refused[][2] = {
	    { "SIZE=1 SIZE=1", "SIZE" },
	    { "BODY=8BITMIME BODY=8BITMIME", "BODY" },
	    { "BODY=7BIT body=8bitmime", "BODY" },
	    { "RET=HDRS RET=FULL", "RET" },
	    { "ENVID=a ENVID=a", "ENVID" },
	    { "SMTPUTF8 SIZE=1 SMTPUTF8 SIZE=2", "SIZE" },
	};
	struct fixture	*f = *state;
	char		 cmd[200], want[100], *wrk;

	talk(f, "EHLO c.test\r\n");
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(cmd, sizeof(cmd), "MAIL FROM:<a@remote.test> %s\r\n",
		    refused[i][0]);
		snprintf(want, sizeof(want), "501 5.5.4 %s given twice\r\n",
		    refused[i][1]);
		assert_string_equal(talk(f, cmd), want);
	}
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test> SMTPUTF8=yes"
	    "\r\n"), "501 5.5.4 bad value for SMTPUTF8\r\n");
	assert_string_equal(talk(f, "MAIL FROM:<j\xc3\xb6rg@remote.test> "
	    "SMTPUTF8 smtputf8 SMTPUTF8\r\n"),
	    "250 2.1.0 sender <j\xc3\xb6rg@remote.test> ok\r\n");
	assert_string_equal(talk(f, "RCPT TO:<bob@example.test> NOTIFY=NEVER "
	    "NOTIFY=NEVER\r\n"), "501 5.5.4 NOTIFY given twice\r\n");
	assert_string_equal(talk(f, "RCPT TO:<bob@example.test> ORCPT=rfc822;a "
	    "ORCPT=rfc822;a\r\n"), "501 5.5.4 ORCPT given twice\r\n");
	talk(f, "RCPT TO:<bob@example.test>\r\nDATA\r\n");
	assert_string_equal(talk(f, "x\r\n.\r\n"), "250 2.0.0 queued as 1\r\n");
	wrk = slurp(f, 1, "WRK");
	assert_non_null(strstr(wrk, "\nSmtputf8: yes\n"));
	free(wrk);
}

static void
test_utf8_addresses(void **state)
{
	struct fixture	*f = *state;

	talk(f, "EHLO c.test\r\n");
	assert_string_equal(talk(f, "MAIL FROM:<j\xc3\xb6rg@remote.test>\r\n"),
	    "553 5.6.7 a UTF-8 address needs SMTPUTF8\r\n");
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test>\r\n"
	    "RCPT TO:<j\xc3\xb6rg@example.test>\r\n"),
	    "250 2.1.0 sender <a@remote.test> ok\r\n"
	    "553 5.6.7 a UTF-8 address needs SMTPUTF8\r\n");
	assert_string_equal(talk(f, "RSET\r\nMAIL FROM:<j\xc3\xb6rg@remote.test>"
	    " SMTPUTF8\r\n"), "250 2.0.0 reset\r\n"
	    "250 2.1.0 sender <j\xc3\xb6rg@remote.test> ok\r\n");
	/* an ORCPT smtpd could not pass on is refused now, not bounced later */
	assert_string_equal(talk(f, "RCPT TO:<bob@example.test> "
	    "ORCPT=rfc822;a+0D+0Ab\r\n"), "501 5.5.4 bad value for ORCPT\r\n");
	assert_string_equal(talk(f, "RCPT TO:<bob@example.test> "
	    "ORCPT=utf-8;j\xc3@x.test\r\n"), "501 5.5.4 bad value for ORCPT\r\n");
}

/* Mail for other domains from a client outside relayclients. */
static void
test_no_relaying(void **state)
{
	static const char *const tries[][2] = {
	    { "<x@remote.test>", "550 5.7.1 <x@remote.test>: relaying "
	      "denied\r\n" },
	    { "<x@[192.0.2.9]>", "550 5.7.1 <x@[192.0.2.9]>: relaying "
	      "denied\r\n" },
	    { "<x%remote.test@example.test>", "550 5.7.1 "
	      "<x%remote.test@example.test>: no relaying through %, ! or @ in "
	      "the local part\r\n" },
	    { "<remote.test!x@example.test>", "550 5.7.1 "
	      "<remote.test!x@example.test>: no relaying through %, ! or @ in "
	      "the local part\r\n" },
	    { "<\"x@remote.test\"@example.test>", "550 5.7.1 "
	      "<x@remote.test@example.test>: no relaying through %, ! or @ in "
	      "the local part\r\n" },
	    { "<@example.test:x@remote.test>", "550 5.7.1 <x@remote.test>: "
	      "relaying denied\r\n" },
	    { "<@remote.test:bob@example.test>", "250 2.1.5 recipient "
	      "<bob@example.test> ok\r\n" },
	    { "<\"bob\"@example.test>", "250 2.1.5 recipient "
	      "<bob@example.test> ok (duplicate)\r\n" },
	    { "<../bob@example.test>", "501 5.1.3 bad recipient address: "
	      "syntax error in address\r\n" },
	    { "<\"../../etc\"@example.test>", "550 5.1.1 <../../etc@example.test>: "
	      "no such user\r\n" },
	    { "<PostMaster@OTHER.example>", "250 2.1.5 recipient "
	      "<postmaster@other.example> ok\r\n" },
	    { "<postmaster>", "250 2.1.5 recipient <postmaster@example.test> "
	      "ok\r\n" },
	};
	struct fixture	*f = *state;
	char		 cmd[300];

	talk(f, "EHLO c.test\r\nMAIL FROM:<a@remote.test>\r\n");
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		snprintf(cmd, sizeof(cmd), "RCPT TO:%s\r\n", tries[i][0]);
		assert_string_equal(talk(f, cmd), tries[i][1]);
	}
	assert_int_equal(f->s.env.nrcpts, 3);
}

static void
test_relay_client(void **state)
{
	struct fixture	*f = *state;

	talk(f, "EHLO c.test\r\nMAIL FROM:<a@remote.test>\r\n");
	assert_string_equal(talk(f, "RCPT TO:<X@Remote.Test>\r\n"),
	    "250 2.1.5 recipient <X@remote.test> ok\r\n");
	assert_string_equal(talk(f, "RCPT TO:<x%y@example.test>\r\n"),
	    "550 5.7.1 <x%y@example.test>: no relaying through %, ! or @ in "
	    "the local part\r\n");
	assert_string_equal(talk(f, "RCPT TO:<nobody@example.test>\r\n"),
	    "550 5.1.1 <nobody@example.test>: no such user\r\n");
}

/* Quoted local parts may hold '>' and spaces: the envelope reads back. */
static void
test_quoted_addresses_read_back(void **state)
{
	struct fixture	*f = *state;
	struct envelope	 env;
	char		 path[200], err[200];

	talk(f, "EHLO c.test\r\nMAIL FROM:<\"a>b\"@remote.test>\r\n"
	    "RCPT TO:<\"c> d\"@remote.test> NOTIFY=SUCCESS ORCPT=rfc822;c>+20d\r\n"
	    "RCPT TO:<bob@example.test> NOTIFY=NEVER\r\nDATA\r\n");
	assert_string_equal(talk(f, ".\r\n"), "250 2.0.0 queued as 1\r\n");
	snprintf(path, sizeof(path), "%s/spool/in/1.WRK", f->dir);
	assert_int_equal(envelope_read(&env, path, err, sizeof(err)), 0);
	assert_string_equal(env.sender, "\"a>b\"@remote.test");
	assert_int_equal(env.nrcpts, 2);
	assert_string_equal(env.rcpts[0].addr, "\"c> d\"@remote.test");
	assert_string_equal(env.rcpts[0].notify, "SUCCESS");
	assert_string_equal(env.rcpts[0].orcpt, "rfc822;c>+20d");
	assert_string_equal(env.rcpts[1].addr, "bob@example.test");
	assert_string_equal(env.rcpts[1].notify, "NEVER");
	envelope_free(&env);
}

static void
test_size_limit(void **state)
{
	struct fixture	*f = *state;
	char		 body[3000];

	memset(body, 'y', sizeof(body));
	for (int i = 80; i < 2900; i += 80)
		memcpy(body + i - 2, "\r\n", 2);
	strcpy(body + 2900, "\r\n.\r\n");
	talk(f, OPEN "DATA\r\n");
	assert_string_equal(talk(f, body), "552 5.3.4 message exceeds fixed "
	    "maximum message size (1024)\r\n");
	assert_int_equal(count_files(f), 0);
	assert_string_equal(talk(f, "MAIL FROM:<a@remote.test> SIZE=1025\r\n"),
	    "552 5.3.4 message size exceeds fixed maximum message size "
	    "(1024)\r\n");
	/* a bare LF counts two octets, as it goes on as CRLF: 341 lines of
	 * "x" are 1023, 342 are 1026 (but 684 octets received) */
	for (int lines = 341; lines <= 342; lines++) {
		for (int i = 0; i < lines - 1; i++)
			memcpy(body + 2 * i, "x\n", 2);
		strcpy(body + 2 * (lines - 1), "x\r\n.\r\n");
		talk(f, "MAIL FROM:<a@remote.test>\r\n"
		    "RCPT TO:<bob@example.test>\r\nDATA\r\n");
		if (lines == 341)
			assert_true(strncmp(talk(f, body), "250 2.0.0 queued "
			    "as ", 20) == 0);
		else
			assert_string_equal(talk(f, body), "552 5.3.4 message "
			    "exceeds fixed maximum message size (1024)\r\n");
	}
}

static void
test_timeout_and_eof(void **state)
{
	struct fixture	*f = *state;

	talk(f, OPEN "DATA\r\npartial text");
	assert_int_equal(count_files(f), 2);
	buf_consume(&f->out, f->out.len);
	session_timeout(&f->s, 0);
	assert_string_equal(f->out.data, "421 4.4.2 mx.example.test timeout "
	    "waiting for the client, closing connection\r\n");
	assert_int_equal(count_files(f), 0);
	assert_true(session_closed(&f->s));
}

static void
test_hangup_in_data_leaves_nothing(void **state)
{
	struct fixture	*f = *state;

	talk(f, OPEN "DATA\r\nsome text\r\n");
	session_eof(&f->s);
	assert_int_equal(count_files(f), 0);
}

/* Replaces the number after "queued as " with '#': ids differ by run. */
static void
mask_ids(char *text)
{
	char	*p;
	size_t	 digits;

	for (p = strstr(text, "queued as "); p; p = strstr(p, "queued as ")) {
		p += 10;
		digits = strspn(p, "0123456789");
		*p = '#';
		memmove(p + 1, p + digits, strlen(p + digits) + 1);
	}
}

/* However the bytes are cut into reads, the replies are the same. */
static void
test_chunking_does_not_matter(void **state)
{
	static const char session[] = "EHLO c.test\r\n"
	    "MAIL FROM:<a@remote.test> SIZE=50\r\nRCPT TO:<bob@example.test>\r\n"
	    "RCPT TO:<x@remote.test>\r\nDATA\r\n..a\r\nb\rc\r\n.\r\n"
	    "MAIL FROM:<a@remote.test>\r\nRCPT TO:<x@remote.test>\r\nDATA\r\n"
	    "text\r\n.\r\nRSET\r\nMAIL FROM:<b@remote.test>\r\n"
	    "RCPT TO:<sales@example.test>\r\nDATA\r\nok\r\n.\r\nQUIT\r\n";
	static const size_t steps[] = { 1, 2, 3, 7, 64, sizeof(session) };
	struct fixture	*f = *state;
	char		 first[2048];

	snprintf(first, sizeof(first), "%s", talk(f, session));
	assert_non_null(strstr(first, "554 5.6.0 bare CR"));
	assert_non_null(strstr(first, "554 5.5.0 message text discarded"));
	assert_non_null(strstr(first, "250 2.0.0 queued as 2\r\n221 "));
	mask_ids(first);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		session_free(&f->s);
		session_init(&f->s, &f->cf, &f->al, "192.0.2.1", &f->out);
		talk_in_steps(f, session, sizeof(session) - 1, steps[i]);
		mask_ids(f->out.data);
		assert_string_equal(f->out.data, first);
	}
}

/* Random bytes in random pieces: no crash, no leak, nothing spooled. */
static void
test_random_input(void **state)
{
	struct fixture	*f = *state;
	char		 noise[4096];
	size_t		 off, n;

	srand(5321);
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(noise); i++)
			noise[i] = "HELOMAILRCPTDATA:<>@. \r\n\0x\xff"[rand() % 27];
		session_free(&f->s);
		session_init(&f->s, &f->cf, &f->al, "192.0.2.1", &f->out);
		for (off = 0; off < sizeof(noise) &&
		    !session_closed(&f->s); off += n) {
			n = (size_t)(rand() % 300) + 1;
			if (n > sizeof(noise) - off)
				n = sizeof(noise) - off;
			n = session_input(&f->s, noise + off, n);
			f->s.flush_now = 0;
			buf_consume(&f->out, f->out.len);
		}
		session_eof(&f->s);
	}
	assert_int_equal(count_files(f), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ehlo_lists_extensions,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands_out_of_order,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_is_spooled,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipelining, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_refused_data_text_is_not_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_bare_lf_ends_line_not_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bare_lf_line_length,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bare_cr_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refused_data_keeps_sequence,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bare_cr_and_nul_reply,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_length_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_data_byte_by_byte, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_long_command, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hostile_commands, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reply_line_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_too_many_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_recipient_limit_and_duplicates, setup_relay, teardown),
		cmocka_unit_test_setup_teardown(test_parameters, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_repeated_parameters, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_utf8_addresses, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_relaying, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_relay_client, setup_relay,
		    teardown),
		cmocka_unit_test_setup_teardown(test_quoted_addresses_read_back,
		    setup_relay, teardown),
		cmocka_unit_test_setup_teardown(test_size_limit, setup_small,
		    teardown),
		cmocka_unit_test_setup_teardown(test_timeout_and_eof, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_hangup_in_data_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chunking_does_not_matter,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_input, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
