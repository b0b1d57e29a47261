/* SPDX-License-Identifier: ISC */
/*
 * The relay host's credentials: the file named by authfile= holds one
 * line "USER PASSWORD" (the password is the rest of the line); empty
 * lines and lines starting with "#" are skipped.  It should be readable
 * by root and the spool's group only (mode 0640).
 */
#ifndef MAILER_AUTH_H
#define MAILER_AUTH_H

#include <stddef.h>

struct credentials {
	char	 user[256];
	char	 pass[256];
};

/* 0, or -1 with "path: why" in err. */
int	auth_load(const char *path, struct credentials *cr, char *err,
	    size_t errlen);

#endif
