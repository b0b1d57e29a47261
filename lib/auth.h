/* SPDX-License-Identifier: ISC */
/*
 * What smtpd's AUTH asks of a back end (authusers= or dovecotauth=), and
 * the sender addresses a login may use (authsenders=).  smtpd/main.c
 * loads them as root, before it gives up root; the engine only calls
 * check, so unit tests and fuzzers give it a stand-in.
 */
#ifndef SMTPGATE_AUTH_H
#define SMTPGATE_AUTH_H

#include <stddef.h>

enum auth_result {
	AUTH_OK,
	AUTH_FAIL,	/* wrong login or password: 535 */
	AUTH_TEMPFAIL	/* the back end cannot answer now: 454 */
};

#define AUTH_LOGIN_MAX	255	/* octets of a login */
#define AUTH_PASSWORD_MAX 255	/* octets of a password */

struct config;
struct auth_senders;

struct auth_setup {
	/*
	 * Checks login and password for the client at address client;
	 * on AUTH_OK it may put the login to use (the back end's spelling
	 * of it) into canon.
	 */
	enum auth_result (*check)(void *ctx, const char *login,
	    const char *password, const char *client, char *canon,
	    size_t canonlen);
	void			*ctx;
	struct auth_senders	*senders;	/* NULL: any sender */
	const char		*backend;	/* for the log: "authusers" */
	char			 warning[300];	/* for the log, or "" */
};

/*
 * Loads what cf names (authusers, dovecotauth, authsenders) into setup.
 * Returns 1 when AUTH is configured, 0 when it is not (setup unused),
 * -1 with "file:line: why" in err.
 */
int	auth_setup_load(struct auth_setup *setup, const struct config *cf,
	    char *err, size_t errlen);
void	auth_setup_free(struct auth_setup *setup);

#endif
