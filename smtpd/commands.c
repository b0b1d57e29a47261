/* SPDX-License-Identifier: ISC */
/*
 * The verbs that do not touch a transaction's envelope.  RFC 2034 exempts
 * the greeting and the replies to EHLO and HELO from enhanced status
 * codes: their 250 lines start with our name, so they carry none; every
 * other 2xx, 4xx and 5xx, a 501 to EHLO included, carries one.
 */
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "addr.h"
#include "engine.h"
#include "log.h"

/* An EHLO/HELO argument: a domain name or an address literal. */
static int
helo_valid(const char *arg)
{
	struct mailbox	 mb;
	char		 probe[ADDR_DOMAIN_MAX + 8];

	if (*arg == '\0' || strlen(arg) > ADDR_DOMAIN_MAX)
		return 0;
	snprintf(probe, sizeof(probe), "x@%s", arg);
	return addr_parse_mailbox(probe, &mb, 0) == ADDR_OK;
}

static int
greet_client(struct session *s, const char *verb, char *arg)
{
	if (!helo_valid(arg)) {
		reply_error(s, 501, "5.5.4", "%s needs a domain name or "
		    "address literal", verb);
		return -1;
	}
	transaction_reset(s);	/* EHLO and HELO imply RSET (RFC 5321 4.1.4) */
	strlcpy(s->helo, arg, sizeof(s->helo));
	set_state(s, S_READY);
	return 0;
}

void
cmd_helo(struct session *s, char *arg)
{
	if (greet_client(s, "HELO", arg) != 0)
		return;
	s->esmtp = 0;
	reply(s, 250, NULL, "%s", s->cf->hostname);
}

void
cmd_ehlo(struct session *s, char *arg)
{
	char	 line[128];

	if (greet_client(s, "EHLO", arg) != 0)
		return;
	s->esmtp = 1;
	snprintf(line, sizeof(line), "%s greets %s", s->cf->hostname,
	    s->client);
	reply_line(s, 250, 0, line);
	reply_line(s, 250, 0, "PIPELINING");
	snprintf(line, sizeof(line), "SIZE %lld", s->cf->maxsize);
	reply_line(s, 250, 0, line);
	reply_line(s, 250, 0, "8BITMIME");
	reply_line(s, 250, 0, "ENHANCEDSTATUSCODES");
	if (s->auth != NULL && s->tls)	/* RFC 4954, inside TLS only */
		reply_line(s, 250, 0, "AUTH PLAIN LOGIN");
	reply_line(s, 250, 0, "SMTPUTF8");
	reply_line(s, 250, 0, "DSN");
	if (s->tls_offer == TLS_OFFER_YES && !s->tls)
		reply_line(s, 250, 0, "STARTTLS");
	reply_line(s, 250, 1, "HELP");
}

void
cmd_rset(struct session *s, char *arg)
{
	if (*arg) {
		reply_error(s, 501, "5.5.4", "RSET takes no argument");
		return;
	}
	transaction_reset(s);
	if (s->state != S_FRESH)
		set_state(s, S_READY);
	reply(s, 250, "2.0.0", "reset");
}

void
cmd_noop(struct session *s, char *arg)
{
	(void)arg;	/* RFC 5321 4.1.1.9: a parameter is ignored */
	reply(s, 250, "2.0.0", "OK");
}

void
cmd_quit(struct session *s, char *arg)
{
	if (*arg) {
		reply_error(s, 501, "5.5.4", "QUIT takes no argument");
		return;
	}
	reply(s, 221, "2.0.0", "%s closing connection", s->cf->hostname);
	log_info("%s quit after %u message%s", s->client, s->accepted,
	    s->accepted == 1 ? "" : "s");
	transaction_reset(s);
	set_state(s, S_CLOSED);
}

void
cmd_vrfy(struct session *s, char *arg)
{
	if (*arg == '\0') {
		reply_error(s, 501, "5.5.4", "VRFY needs an argument");
		return;
	}
	/* RFC 5321 3.5.3: 252 when we will not say who exists. */
	reply(s, 252, "2.5.0", "cannot VRFY user, but will accept message "
	    "and attempt delivery");
}

void
cmd_expn(struct session *s, char *arg)
{
	(void)arg;
	reply(s, 502, "5.5.1", "EXPN not available");
}

void
cmd_help(struct session *s, char *arg)
{
	(void)arg;
	reply(s, 214, "2.0.0", "commands: EHLO HELO MAIL RCPT DATA RSET NOOP "
	    "QUIT VRFY HELP; see RFC 5321");
}
