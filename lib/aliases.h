/* SPDX-License-Identifier: ISC */
/*
 * The aliases file (smtpgate.conf(5) aliases=), read by smtpd to accept
 * aliased recipients and by spoolmgr to expand them.  One alias a line:
 *
 *	postmaster: root
 *	sales@example.test: ann@example.test, bob@elsewhere.test
 *	archive: /var/mail/archive/
 *
 * The name is a local part (any local domain) or local@domain (that
 * domain only; it wins).  Targets, separated by commas: an address, a
 * bare local part (same domain), or an absolute path ending in '/' (a
 * Maildir).  Names compare without regard to case.  '#' starts a comment.
 */
#ifndef SMTPGATE_ALIASES_H
#define SMTPGATE_ALIASES_H

#include <stddef.h>

struct alias {
	char	 *name;		/* lower case: "local" or "local@domain" */
	char	**targets;	/* NULL-terminated */
};

struct aliases {
	struct alias	*items;
	size_t		 count;
};

/* A missing file is an empty table; a bad line is -1 with file:line. */
int	aliases_load(struct aliases *al, const char *path, char *err,
	    size_t errlen);
void	aliases_free(struct aliases *al);
/* The targets for local@domain, or NULL when it is not an alias. */
char *const *aliases_lookup(const struct aliases *al, const char *local,
	    const char *domain);

#endif
