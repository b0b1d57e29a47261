/* SPDX-License-Identifier: ISC */
/*
 * -bs: an SMTP session on standard input and output, for the MUAs that
 * submit that way.  It is smtpd's own protocol engine (smtpd/session.c
 * and smtpd/serve.c, linked into mailer), run in this process with
 * mailer's rights, and it queues through the same spool writer.
 *
 * The input is the calling user's, who could as well run mailer with
 * any sender and recipients: the session may relay anywhere, as mailer
 * may.  There is no client address; the engine sees "local", which is
 * what its log lines and the Received: field say.  It never holds more
 * than mailer holds: the spool's group, or the gateway's user for root.
 */
#include <err.h>
#include <pwd.h>
#include <sysexits.h>
#include <unistd.h>

#include "aliases.h"
#include "buf.h"
#include "log.h"
#include "sendmail.h"
#include "../smtpd/session.h"

int
smtp_session(const struct config *cf, uid_t caller)
{
	struct aliases	 al;
	struct session	 s;
	struct buf	 out = { NULL, 0, 0 };
	struct passwd	*pw = getpwuid(caller);
	char		 why[512];
	int		 status;

	if (aliases_load(&al, cf->aliases, why, sizeof(why)) == -1)
		errx(EX_CONFIG, "%s", why);
	log_info("-bs: SMTP session of local user %s (uid %lu)",
	    pw ? pw->pw_name : "unknown", (unsigned long)caller);
	session_init(&s, cf, &al, "local", &out);
	s.may_relay = 1;	/* a local user, as with mailer itself */
	session_greet(&s);
	status = session_serve(&s, &out, cf);
	if (status == EX_OK && s.dropped)
		status = EX_TEMPFAIL;
	session_free(&s);
	buf_free(&out);
	aliases_free(&al);
	return status;
}
