/* SPDX-License-Identifier: ISC */
/* Saying what a directory or file refused us lacks: whose it must be. */
#ifndef SMTPGATE_DENIED_H
#define SMTPGATE_DENIED_H

#include <stddef.h>

/*
 * After EACCES on path: "must be writable by user USER (owner OWNER,
 * mode NNN)" in out, so that the administrator sees at once what to
 * change.  user NULL: the effective user.  A path that cannot even be
 * stat(2)ed gets only the first half.
 */
void	denied_explain(const char *path, const char *user, char *out,
	    size_t outlen);

#endif
