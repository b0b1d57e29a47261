/* SPDX-License-Identifier: ISC */
/* Small string edits and formats that config, aliases and the programs share. */
#ifndef SMTPGATE_TEXT_H
#define SMTPGATE_TEXT_H

#include <stddef.h>
#include <time.h>

/* Drops white space at both ends, in place; returns the new start. */
char	*str_trim(char *s);
/* Folds ASCII letters to lower case, in place; returns s. */
char	*str_lower(char *s);

/*
 * RFC 5322 3.3 date-time of t: local time with its numeric zone, as
 * RFC 5322 expects of the one who writes it (Date:, Received:, DSNs).
 */
void	rfc5322_date(time_t t, char *out, size_t outlen);

#endif
