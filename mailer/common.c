/* SPDX-License-Identifier: ISC */
/*
 * What mailer's two modes share: -x (xmode.c) and the sendmail mode's
 * delivery at once (atonce.c) both call here, and this file calls
 * neither, so the modes depend on it and not on each other.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "auth.h"
#include "mailer.h"
#include "tls.h"

void
drop_group(void)
{
	gid_t	 gid = getgid();

	if (setregid(gid, gid) == -1 || getegid() != gid ||
	    (gid != 0 && setegid(0) != -1))
		errx(EX_OSERR, "cannot give up the spool group");
}

const char *
result_word(enum rcpt_result result)
{
	static const char *const words[] = { "defer", "ok", "defer", "fail" };

	return words[result];
}

int
relay_credentials(const struct config *cf, struct credentials *cr,
    struct deliver_opts *opt, char *why, size_t whylen)
{
	char	 err[400];

	memset(cr, 0, sizeof(*cr));
	if (cf->relayhost == NULL || cf->authfile == NULL)
		return 0;	/* only the relay host gets credentials */
	if (auth_load(cf->authfile, cr, err, sizeof(err)) == -1) {
		snprintf(why, whylen, "451 4.3.5 %s", err);
		return -1;
	}
	opt->auth_user = cr->user;
	opt->auth_pass = cr->pass;
	return 0;
}

void
deliver_opts_from(struct deliver_opts *opt, const struct config *cf)
{
	memset(opt, 0, sizeof(*opt));
	opt->helo = cf->hostname;
	client_default_timeouts(&opt->timeouts);
	opt->connect_timeout = (int)cf->connecttimeout;
	opt->tls_mode = tls_mode_of(cf->tls);
	opt->tlscafile = cf->tlscafile;
	mx_options_from(&opt->mo, cf);
}
