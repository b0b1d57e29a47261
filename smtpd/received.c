/* SPDX-License-Identifier: ISC */
/*
 * The trace header of RFC 5321 4.4 that begins every spooled message:
 *
 *   Received: from HELO ([ADDRESS])
 *   	by HOSTNAME with ESMTP id N
 *   	for <RCPT>; DATE
 *
 * Inside TLS the protocol is ESMTPS, followed by a comment with the TLS
 * version and cipher: "with ESMTPS (TLSv1.3 TLS_AES_256_GCM_SHA384) id N".
 * No DNS: the client is named by its HELO and its address only.  "for"
 * appears only with a single recipient, so that one recipient's header
 * does not show the others (RFC 5321 7.2).  Line ends are LF, as in TXT.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "text.h"

/*
 * The protocol names of RFC 3848 (and RFC 6531's UTF8SMTP): ESMTP, then
 * S inside TLS, A after AUTH.  Which login authenticated goes to the log
 * only, never into the header.
 */
static void
protocol(const struct session *s, char *out, size_t outlen)
{
	if (!s->esmtp) {
		snprintf(out, outlen, "SMTP");
		return;
	}
	snprintf(out, outlen, "%s%s%s", s->env.smtputf8 ? "UTF8SMTP" : "ESMTP",
	    s->tls ? "S" : "", s->auth_login[0] ? "A" : "");
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
	char		 date[64], from[80], rcpt[300] = "", proto[16];
	char		 tls[sizeof(s->tls_desc) + 4] = "";
	time_t		 now = time(NULL);
	int		 len;

	rfc5322_date(now, date, sizeof(date));
	client_literal(s->client, from, sizeof(from));
	if (s->env.nrcpts == 1)
		snprintf(rcpt, sizeof(rcpt), "\n\tfor <%s>",
		    s->env.rcpts[0].addr);
	protocol(s, proto, sizeof(proto));
	if (s->tls)
		snprintf(tls, sizeof(tls), " (%s)", s->tls_desc);
	len = snprintf(out, outlen, "Received: from %s (%s)\n"
	    "\tby %s with %s%s id %lu%s; %s\n", s->helo, from,
	    s->cf->hostname, proto, tls, (unsigned long)s->msg.id, rcpt, date);
	return (len < 0 || (size_t)len >= outlen) ? -1 : len;
}
