/* SPDX-License-Identifier: ISC */
/*
 * authsenders=FILE: the sender addresses each login may use in MAIL
 * FROM after AUTH.  One login a line:
 *
 *	login: address, address, ...
 *
 * where an address is a whole address (alice@example.test), "@domain"
 * (any address at that domain, not its subdomains), "<>" (the null
 * sender) or "*" (any sender).  Letters compare without case.  A login
 * with no line may use no sender at all.  '#' starts a comment line.
 */
#ifndef SMTPGATE_AUTH_SENDERS_H
#define SMTPGATE_AUTH_SENDERS_H

#include <stddef.h>

struct auth_sender_line {
	char	 *login;
	char	**addrs;	/* NULL-terminated, lower case */
};

struct auth_senders {
	struct auth_sender_line	*items;
	size_t			 count;
};

/* Loads path; -1 with "path:line: why" in err. */
int	auth_senders_load(struct auth_senders *senders, const char *path,
	    char *err, size_t errlen);
void	auth_senders_free(struct auth_senders *senders);
/* 1 if login may send as sender ("" for the null sender), else 0. */
int	auth_senders_allowed(const struct auth_senders *senders,
	    const char *login, const char *sender);

#endif
