/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "auth.h"

static int
take_line(char *line, struct credentials *cr)
{
	char	*pass;
	size_t	 n;

	line[strcspn(line, "\r\n")] = '\0';
	line += strspn(line, " \t");
	if (*line == '\0' || *line == '#')
		return 0;
	n = strcspn(line, " \t");
	pass = line + n + strspn(line + n, " \t");
	if (n == 0 || *pass == '\0')
		return -1;
	line[n] = '\0';
	n = strlen(pass);
	while (n > 0 && (pass[n - 1] == ' ' || pass[n - 1] == '\t'))
		pass[--n] = '\0';
	if (strlcpy(cr->user, line, sizeof(cr->user)) >= sizeof(cr->user) ||
	    strlcpy(cr->pass, pass, sizeof(cr->pass)) >= sizeof(cr->pass))
		return -1;
	return 1;
}

int
auth_load(const char *path, struct credentials *cr, char *err, size_t errlen)
{
	FILE	*f;
	char	 line[1024];
	int	 rc = 0, lineno = 0;

	memset(cr, 0, sizeof(*cr));
	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		rc = take_line(line, cr);
	}
	explicit_bzero(line, sizeof(line));
	fclose(f);
	if (rc == 1)
		return 0;
	if (rc == -1)
		snprintf(err, errlen, "%s:%d: not USER PASSWORD", path, lineno);
	else
		snprintf(err, errlen, "%s: no credentials in it", path);
	return -1;
}
