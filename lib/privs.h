/* SPDX-License-Identifier: ISC */
/* Giving up root: smtpd and spoolmgr run as the gateway's user. */
#ifndef SMTPGATE_PRIVS_H
#define SMTPGATE_PRIVS_H

#include <stddef.h>

/*
 * As root: becomes user (and group, or the user's own group when NULL),
 * for good.  Not root: does nothing.  -1 with a reason in err on failure,
 * including when the result would still be root.
 */
int	privs_drop(const char *user, const char *group, char *err, size_t errlen);

#endif
