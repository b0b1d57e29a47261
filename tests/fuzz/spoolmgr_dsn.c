/* SPDX-License-Identifier: ISC */
/*
 * spoolmgr's delivery status notifications (RFC 3464, spoolmgr/dsn.c)
 * composed from a fuzzed envelope (WRK, with State lines), a report of
 * replies and a message text.  Besides the sanitizers it checks the
 * message/delivery-status part as a reader parses it: "Name: value"
 * lines only; the per-message group, then exactly one group for each
 * recipient, each with Final-Recipient, Action and a Status "C.S.D".
 * Input: byte 0 flags (bits 0-1 the kind, bit 2 RET=FULL, bit 3 the
 * host that answered known, bit 4 local delivery, bit 5 an alias's
 * expansion), then three parts separated by NUL bytes: the WRK text,
 * the replies (one line for each recipient, in order), the TXT text.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "common.h"
#include "../../spoolmgr/spoolmgr.h"

#define MAX_RCPTS	64

static char	txtpath[256];

/* "C.S.D": class 2, 4 or 5, subject and detail 1-3 digits (RFC 3463). */
static int
is_status(const char *s)
{
	size_t	 n;

	if (*s != '2' && *s != '4' && *s != '5')
		return 0;
	s++;
	for (int part = 0; part < 2; part++) {
		if (*s++ != '.')
			return 0;
		for (n = 0; isdigit((unsigned char)s[n]); n++)
			continue;
		if (n < 1 || n > 3)
			return 0;
		s += n;
	}
	return *s == '\0';
}

/* One group of fields (up to a blank line); how many recipients. */
static int
check_group(char *group, int first)
{
	int	 final = 0, action = 0, status = 0;

	for (char *line = strtok(group, "\n"); line; line = strtok(NULL, "\n")) {
		char	*colon = strchr(line, ':');

		if (line[0] == ' ' || line[0] == '\t')
			continue;	/* a folded field goes on */
		if (colon == NULL || colon == line || colon[1] != ' ')
			fuzz_fail("delivery-status line not a field", line);
		for (char *p = line; p < colon; p++)
			if (!isalnum((unsigned char)*p) && *p != '-')
				fuzz_fail("delivery-status field name", line);
		*colon = '\0';
		final += strcmp(line, "Final-Recipient") == 0;
		action += strcmp(line, "Action") == 0;
		if (strcmp(line, "Status") == 0) {
			status++;
			if (!is_status(colon + 2))
				fuzz_fail("Status is no C.S.D", colon + 2);
		}
	}
	if (first)
		return 0;
	if (final != 1 || action != 1 || status != 1)
		fuzz_fail("recipient group", "without exactly one "
		    "Final-Recipient, Action and Status");
	return 1;
}

static void
check_dsn(const struct buf *b, size_t nrcpts, int utf8)
{
	/* the boundary dsn_compose makes of dsnid, now and hostname; RFC
	 * 6533's type for SMTPUTF8 mail */
	const char	*start = utf8 ?
	    "\n--=_77.1796443200/gw.example.test\n"
	    "Content-Type: message/global-delivery-status\n" :
	    "\n--=_77.1796443200/gw.example.test\n"
	    "Content-Type: message/delivery-status\n";
	char		*text, *part, *end;
	size_t		 groups = 0;
	int		 first = 1;

	if ((text = strndup(b->data, b->len)) == NULL)
		return;
	if ((part = strstr(text, start)) == NULL)
		fuzz_fail("DSN", "no delivery-status part");
	/* to the empty line that ends the part's header */
	if ((part = strstr(part, "\n\n")) == NULL)
		fuzz_fail("DSN", "delivery-status part has no body");
	part += 2;
	if ((end = strstr(part, "\n--=_")) == NULL)
		fuzz_fail("DSN", "delivery-status part does not end");
	end[1] = '\0';
	/* groups are separated by an empty line */
	while (part != NULL && *part != '\0') {
		char	*stop = strstr(part, "\n\n");

		if (stop != NULL)
			*stop = '\0';
		while (*part == '\n')
			part++;
		if (*part != '\0') {
			groups += (size_t)check_group(part, first);
			first = 0;
		}
		part = stop ? stop + 2 : NULL;
	}
	if (groups != nrcpts)
		fuzz_fail("DSN", "not one group for each recipient");
	free(text);
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct envelope		 env;
	struct rcpt_status	 st[MAX_RCPTS];
	struct dsn_rcpt		 rc[MAX_RCPTS];
	struct dsn_info		 in;
	struct buf		 b = { NULL, 0, 0 };
	const char		*wrk, *report, *txt, *end = (const char *)data + size;
	char			 err[256];
	size_t			 n, i;

	if (size < 1)
		return 0;
	if (txtpath[0] == '\0')
		snprintf(txtpath, sizeof(txtpath), "%s/1.TXT", fuzz_scratch());
	wrk = (const char *)data + 1;
	report = memchr(wrk, '\0', (size_t)(end - wrk));
	report = report ? report + 1 : end;
	txt = report < end ? memchr(report, '\0', (size_t)(end - report)) : NULL;
	txt = txt ? txt + 1 : end;
	if (envelope_parse(&env, wrk, (size_t)((report > wrk ? report - 1 : wrk) -
	    wrk), err, sizeof(err)) != 0)
		return 0;
	fuzz_write_file(txtpath, txt, (size_t)(end - txt));
	n = env.nrcpts < MAX_RCPTS ? env.nrcpts : MAX_RCPTS;
	for (i = 0; i < n; i++) {
		const char	*lf;

		queue_get_state(&env, env.rcpts[i].addr, &st[i]);
		if (report < txt - 1) {
			lf = memchr(report, '\n', (size_t)(txt - 1 - report));
			if (lf == NULL)
				lf = txt - 1;
			strlcpy(st[i].reply, report, (size_t)(lf - report) + 1 <
			    sizeof(st[i].reply) ? (size_t)(lf - report) + 1 :
			    sizeof(st[i].reply));
			report = lf < txt - 1 ? lf + 1 : txt - 1;
		}
		rc[i] = (struct dsn_rcpt){ env.rcpts[i].addr, env.rcpts[i].orcpt,
		    &st[i], data[0] & 8 ? "mx.remote.test" : NULL,
		    data[0] >> 5 & 1, data[0] >> 4 & 1, data[0] >> 6 & 1 };
	}
	in = (struct dsn_info){ (enum dsn_kind)((data[0] & 3) % 3),
	    "gw.example.test", &env, txtpath, rc, n, 1796443200, 77,
	    data[0] >> 2 & 1, env.sender, 1796443200 + 5 * 86400,
	    dsn_needs_utf8(&env) };
	if (dsn_compose(&b, &in) != 0)
		fuzz_fail("dsn_compose", "failed on a readable text");
	check_dsn(&b, n, in.utf8);
	buf_free(&b);
	envelope_free(&env);
	return 0;
}
