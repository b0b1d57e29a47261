/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>

#include "keylist.h"
#include "text.h"

/* The non-empty words of text, NULL-terminated; NULL if no memory. */
static char **
split_values(char *text, int flags)
{
	const char	*seps = (flags & KEYLIST_SPLIT_BLANKS) ? ", \t" : ",";
	char		**list, **grown, *word;
	size_t		  n = 0;

	if ((list = calloc(1, sizeof(*list))) == NULL)
		return NULL;
	while ((word = strsep(&text, seps)) != NULL) {
		if (!(flags & KEYLIST_SPLIT_BLANKS))
			word = str_trim(word);
		if (*word == '\0')
			continue;
		if ((grown = reallocarray(list, n + 2, sizeof(*list))) == NULL) {
			free(list);
			return NULL;
		}
		list = grown;
		list[n++] = word;
		list[n] = NULL;
	}
	return list;
}

/* The line without its comment and outer blanks; "" when nothing is left. */
static char *
strip_line(char *line, int flags)
{
	if (flags & KEYLIST_HASH_ANYWHERE)
		line[strcspn(line, "#")] = '\0';
	line = str_trim(line);
	if (*line == '#')
		*line = '\0';
	return line;
}

static int
read_line(const struct keylist_format *format, char *line, int lineno,
    char *why, size_t whylen)
{
	struct keylist_entry	 entry;
	char			*colon;
	int			 rc;

	line = strip_line(line, format->flags);
	if (*line == '\0')
		return 0;
	if ((colon = strchr(line, ':')) == NULL) {
		snprintf(why, whylen, "%s", format->no_colon);
		return -1;
	}
	*colon = '\0';
	entry.key = str_trim(line);
	entry.lineno = lineno;
	if ((entry.values = split_values(colon + 1, format->flags)) == NULL)
		return -1;
	rc = format->entry(format->arg, &entry, why, whylen);
	free(entry.values);
	return rc;
}

int
keylist_read(const char *path, const struct keylist_format *format,
    char *err, size_t errlen)
{
	FILE	*fp;
	char	*line = NULL, why[300];
	size_t	 cap = 0;
	int	 lineno = 0, rc = 0;

	if (path == NULL || (fp = fopen(path, "r")) == NULL) {
		if ((format->flags & KEYLIST_MISSING_EMPTY) &&
		    (path == NULL || errno == ENOENT))
			return 0;
		snprintf(err, errlen, "%s: %s", path ? path : "(no file)",
		    path ? strerror(errno) : "no path given");
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, fp) != -1) {
		lineno++;
		why[0] = '\0';
		if (read_line(format, line, lineno, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno,
			    *why ? why : "out of memory");
			rc = -1;
		}
	}
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(fp);
	return rc;
}
