/* SPDX-License-Identifier: ISC */
/*
 * STARTTLS (RFC 3207), the engine's part.  The engine only answers: after
 * its 220 it sets tls_start and takes no more input; the I/O layer sends
 * the 220, throws away whatever the client sent after the command (the
 * CVE-2011-0411 injection: plaintext pipelined behind STARTTLS must never
 * run as if said inside TLS), does the handshake and then calls
 * session_tls_started() or session_tls_failed().  MAIL and RCPT states
 * get 503 from the dispatcher: no STARTTLS inside a transaction.
 */
#include <bsd/string.h>

#include "engine.h"
#include "log.h"

void
cmd_starttls(struct session *s, char *arg)
{
	if (*arg)
		reply_error(s, 501, "5.5.4", "STARTTLS takes no argument");
	else if (s->tls)
		reply_error(s, 503, "5.5.1", "TLS already active");
	else if (s->tls_offer == TLS_OFFER_BROKEN)
		reply(s, 454, "4.7.0", "TLS not available due to temporary "
		    "reason");
	else if (s->tls_offer != TLS_OFFER_YES)
		reply_error(s, 502, "5.5.1", "STARTTLS not available");
	else {
		reply(s, 220, "2.0.0", "ready to start TLS");
		s->tls_start = 1;
		s->flush_now = 1;
	}
}

void
session_tls_started(struct session *s, const char *desc)
{
	/* RFC 3207 4.2: forget what the client said before the handshake */
	transaction_reset(s);
	s->helo[0] = '\0';
	s->esmtp = 0;
	s->auth_login[0] = '\0';
	s->tls_start = 0;
	s->tls = 1;
	strlcpy(s->tls_desc, desc, sizeof(s->tls_desc));
	set_state(s, S_FRESH);
	log_info("TLS with %s: %s", s->client, desc);
}

void
session_tls_failed(struct session *s, const char *why)
{
	log_info("TLS handshake with %s failed: %s", s->client, why);
	transaction_reset(s);
	s->tls_start = 0;
	set_state(s, S_CLOSED);
}
