/* SPDX-License-Identifier: ISC */
/*
 * authusers=FILE: logins and their crypt(3) hashes, one "login:hash" a
 * line, as Dovecot's passwd-file (fields after the hash are ignored, so
 * that one file serves both).  The file may be readable by root only:
 * smtpd reads it whole at start-up, before it gives up root.
 */
#ifndef SMTPGATE_AUTH_USERS_H
#define SMTPGATE_AUTH_USERS_H

#include <stddef.h>

#include "auth.h"

struct auth_user {
	char	*login;
	char	*hash;		/* crypt(3) setting and hash: $y$... */
};

struct auth_users {
	struct auth_user *items;
	size_t		  count;
};

/* Loads path into users; -1 with "path:line: why" in err. */
int	auth_users_load(struct auth_users *users, const char *path, char *err,
	    size_t errlen);
/* Parses text (a file's contents); name is what err calls it. */
int	auth_users_parse(struct auth_users *users, const char *name,
	    const char *text, size_t len, char *err, size_t errlen);
void	auth_users_free(struct auth_users *users);
/*
 * AUTH_OK when password hashes to login's hash.  An unknown login costs
 * a hash all the same, so that the time taken does not say which
 * logins exist.  AUTH_TEMPFAIL if crypt(3) itself fails (no memory).
 */
enum auth_result auth_users_check(const struct auth_users *users,
	    const char *login, const char *password);

#endif
