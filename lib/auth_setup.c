/* SPDX-License-Identifier: ISC */
/* The AUTH back end smtpgate.conf(5) chooses, loaded for smtpd. */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "auth.h"
#include "auth_dovecot.h"
#include "auth_senders.h"
#include "auth_users.h"
#include "config.h"
#include "log.h"

struct dovecot_ctx {
	const char	*path;
	int		 timeout;
};

static enum auth_result
check_users(void *ctx, const char *login, const char *password,
    const char *client, char *canon, size_t canonlen)
{
	enum auth_result rc = auth_users_check(ctx, login, password);

	(void)client;
	if (rc == AUTH_OK)
		strlcpy(canon, login, canonlen);
	return rc;
}

static enum auth_result
check_dovecot(void *ctx, const char *login, const char *password,
    const char *client, char *canon, size_t canonlen)
{
	const struct dovecot_ctx *dc = ctx;
	char			 why[200];
	enum auth_result	 rc;

	rc = dovecot_check(dc->path, dc->timeout, login, password, client,
	    canon, canonlen, why, sizeof(why));
	if (rc == AUTH_TEMPFAIL)
		log_error("dovecotauth %s: %s", dc->path, why);
	else if (rc == AUTH_FAIL)
		log_info("dovecotauth: %s", why);
	return rc;
}

/* Hashes others may read can be attacked offline: said, not refused. */
static void
check_mode(struct auth_setup *setup, const char *path)
{
	struct stat	 st;

	if (stat(path, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)))
		snprintf(setup->warning, sizeof(setup->warning), "authusers "
		    "%s: group or others may read it (mode %03o): make it "
		    "root's, mode 600", path, (unsigned)(st.st_mode & 0777));
}

static int
load_backend(struct auth_setup *setup, const struct config *cf, char *err,
    size_t errlen)
{
	struct dovecot_ctx	*dc;
	struct auth_users	*users;

	if (cf->authusers != NULL) {
		if ((users = calloc(1, sizeof(*users))) == NULL ||
		    auth_users_load(users, cf->authusers, err, errlen) != 0) {
			free(users);
			return -1;
		}
		setup->check = check_users;
		setup->ctx = users;
		setup->backend = "authusers";
		check_mode(setup, cf->authusers);
		return 0;
	}
	if ((dc = calloc(1, sizeof(*dc))) == NULL)
		return -1;
	dc->path = cf->dovecotauth;
	/* the client waits meanwhile: a silent Dovecot is a 454 soon */
	dc->timeout = cf->timeout < DOVECOT_TIMEOUT_MAX ? (int)cf->timeout :
	    DOVECOT_TIMEOUT_MAX;
	setup->check = check_dovecot;
	setup->ctx = dc;
	setup->backend = "dovecotauth";
	return 0;
}

int
auth_setup_load(struct auth_setup *setup, const struct config *cf,
    char *err, size_t errlen)
{
	memset(setup, 0, sizeof(*setup));
	if (cf->authusers == NULL && cf->dovecotauth == NULL)
		return 0;
	snprintf(err, errlen, "out of memory");
	if (load_backend(setup, cf, err, errlen) != 0)
		return -1;
	if (cf->authsenders == NULL)
		return 1;
	if ((setup->senders = calloc(1, sizeof(*setup->senders))) == NULL ||
	    auth_senders_load(setup->senders, cf->authsenders, err,
	    errlen) != 0) {
		free(setup->senders);
		setup->senders = NULL;
		auth_setup_free(setup);
		return -1;
	}
	return 1;
}

void
auth_setup_free(struct auth_setup *setup)
{
	if (setup->check == check_users)
		auth_users_free(setup->ctx);
	free(setup->ctx);
	if (setup->senders != NULL)
		auth_senders_free(setup->senders);
	free(setup->senders);
	memset(setup, 0, sizeof(*setup));
}
