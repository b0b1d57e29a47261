/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "aliases.h"
#include "text.h"

static void
free_alias(struct alias *a)
{
	for (char **t = a->targets; t && *t; t++)
		free(*t);
	free(a->targets);
	free(a->name);
}

/* Splits "t1, t2" into a NULL-terminated list; NULL if empty or no memory. */
static char **
split_targets(char *text)
{
	char	**list = NULL, **grown, *word;
	size_t	 n = 0;

	while ((word = strsep(&text, ",")) != NULL) {
		word = str_trim(word);
		if (*word == '\0')
			continue;
		if ((grown = reallocarray(list, n + 2, sizeof(*list))) == NULL)
			break;
		list = grown;
		if ((list[n] = strdup(word)) == NULL)
			break;
		list[++n] = NULL;
	}
	if (n == 0 || text != NULL) {	/* empty, or stopped early */
		struct alias	 a = { NULL, list };

		if (list)
			list[n] = NULL;
		free_alias(&a);
		return NULL;
	}
	return list;
}

static int
add_line(struct aliases *al, char *line)
{
	struct alias	*grown, a;
	char		*colon = strchr(line, ':'), *name;

	if (colon == NULL)
		return -1;
	*colon = '\0';
	name = str_trim(line);
	if (*name == '\0' || strpbrk(name, " \t") != NULL)
		return -1;
	str_lower(name);
	if ((a.targets = split_targets(colon + 1)) == NULL)
		return -1;
	if ((a.name = strdup(name)) == NULL ||
	    (grown = reallocarray(al->items, al->count + 1,
	    sizeof(*grown))) == NULL) {
		free_alias(&a);
		return -1;
	}
	al->items = grown;
	al->items[al->count++] = a;
	return 0;
}

int
aliases_load(struct aliases *al, const char *path, char *err, size_t errlen)
{
	FILE	*fp;
	char	*line = NULL, *text;
	size_t	 cap = 0;
	int	 lineno = 0, rc = 0;

	al->items = NULL;
	al->count = 0;
	if (path == NULL || (fp = fopen(path, "r")) == NULL) {
		if (path == NULL || errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, fp) != -1) {
		lineno++;
		line[strcspn(line, "#")] = '\0';
		text = str_trim(line);
		if (*text != '\0' && add_line(al, text) != 0) {
			snprintf(err, errlen, "%s:%d: expected name: target, ...",
			    path, lineno);
			rc = -1;
		}
	}
	free(line);
	fclose(fp);
	if (rc != 0)
		aliases_free(al);
	return rc;
}

void
aliases_free(struct aliases *al)
{
	for (size_t i = 0; i < al->count; i++)
		free_alias(&al->items[i]);
	free(al->items);
	al->items = NULL;
	al->count = 0;
}

char *const *
aliases_lookup(const struct aliases *al, const char *local, const char *domain)
{
	char		 full[512];
	const struct alias *bare = NULL;

	snprintf(full, sizeof(full), "%s@%s", local, domain);
	for (size_t i = 0; i < al->count; i++) {
		if (strcasecmp(al->items[i].name, full) == 0)
			return al->items[i].targets;
		if (bare == NULL && strcasecmp(al->items[i].name, local) == 0)
			bare = &al->items[i];
	}
	return bare ? bare->targets : NULL;
}
