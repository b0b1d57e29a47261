/* SPDX-License-Identifier: ISC */
/*
 * The trace header of RFC 5321 4.4 that begins every spooled message:
 *
 *   Received: from HELO ([ADDRESS])
 *   	by HOSTNAME with ESMTP id N
 *   	for <RCPT>; DATE
 *
 * No DNS: the client is named by its HELO and its address only.  "for"
 * appears only with a single recipient, so that one recipient's header
 * does not show the others (RFC 5321 7.2).  Line ends are LF, as in TXT.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "text.h"

/* RFC 3848 protocol names. */
static const char *
protocol(const struct session *s)
{
	if (!s->esmtp)
		return "SMTP";
	return s->env.smtputf8 ? "UTF8SMTP" : "ESMTP";
}

/* "[192.0.2.1]", "[IPv6:2001:db8::1]", or "local" (a pipe, no socket). */
static void
client_literal(const char *client, char *out, size_t outlen)
{
	if (strcmp(client, "local") == 0)
		snprintf(out, outlen, "local");
	else if (strchr(client, ':') != NULL)
		snprintf(out, outlen, "[IPv6:%s]", client);
	else
		snprintf(out, outlen, "[%s]", client);
}

int
received_header(const struct session *s, char *out, size_t outlen)
{
	char		 date[64], from[80], rcpt[300] = "";
	time_t		 now = time(NULL);
	int		 len;

	rfc5322_date(now, date, sizeof(date));
	client_literal(s->client, from, sizeof(from));
	if (s->env.nrcpts == 1)
		snprintf(rcpt, sizeof(rcpt), "\n\tfor <%s>",
		    s->env.rcpts[0].addr);
	len = snprintf(out, outlen, "Received: from %s (%s)\n"
	    "\tby %s with %s id %lu%s; %s\n", s->helo, from, s->cf->hostname,
	    protocol(s), (unsigned long)s->msg.id, rcpt, date);
	return (len < 0 || (size_t)len >= outlen) ? -1 : len;
}
