/* SPDX-License-Identifier: ISC */
/*
 * sendmail's queue commands: -q runs the queue (spoolmgr run), -bi, -I
 * and newaliases check the aliases file.
 */
#include <err.h>
#include <pwd.h>
#include <stdio.h>
#include <sysexits.h>
#include <unistd.h>

#include "aliases.h"
#include "mailer.h"
#include "sendmail.h"

/*
 * Only root and the gateway's user may run the queue: mailer holds the
 * spool's group, and an ordinary user who could start a queue run
 * could hold its lock (and the queue) as long as he liked.
 */
void
queue_run_allowed(const struct config *cf, uid_t caller)
{
	struct passwd	*pw;

	if (caller == 0)
		return;
	if (cf->user != NULL && (pw = getpwnam(cf->user)) != NULL &&
	    pw->pw_uid == caller)
		return;
	errx(EX_NOPERM, "-q: only root and the gateway's user (%s) may run "
	    "the queue; mail is delivered without it", cf->user);
}

int
run_queue(const struct config *cf, const char *conf, uid_t caller)
{
	char	*argv[5];
	int	 n = 0;

	/* spoolmgr does not need our group, and must not inherit it */
	if (caller != 0)
		drop_group();
	argv[n++] = "spoolmgr";
	if (conf != NULL) {
		argv[n++] = "-C";
		argv[n++] = (char *)conf;
	}
	argv[n++] = "run";
	argv[n] = NULL;
	fflush(NULL);
	execv(cf->spoolmgr, argv);
	err(EX_UNAVAILABLE, "-q: %s", cf->spoolmgr);
}

int
new_aliases(const struct config *cf)
{
	struct aliases	 al;
	char		 why[512];

	if (aliases_load(&al, cf->aliases, why, sizeof(why)) == -1)
		errx(EX_CONFIG, "%s", why);
	printf("%s: %zu aliases; spoolmgr and smtpd read the file as it is, "
	    "no database to rebuild\n", cf->aliases, al.count);
	aliases_free(&al);
	return 0;
}
