/* SPDX-License-Identifier: ISC */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "text.h"

char *
str_trim(char *s)
{
	char	*end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

char *
str_lower(char *s)
{
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

void
rfc5322_date(time_t t, char *out, size_t outlen)
{
	struct tm	 tm;

	localtime_r(&t, &tm);
	strftime(out, outlen, "%a, %d %b %Y %H:%M:%S %z", &tm);
}
