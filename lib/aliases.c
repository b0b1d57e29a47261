/* SPDX-License-Identifier: ISC */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bsd/stdlib.h>

#include "aliases.h"
#include "keylist.h"
#include "text.h"

static void
free_alias(struct alias *a)
{
	for (char **t = a->targets; t && *t; t++)
		free(*t);
	free(a->targets);
	free(a->name);
}

/* Copies a NULL-terminated list of strings; NULL if no memory. */
static char **
copy_targets(char *const *values)
{
	char	**list;
	size_t	  n = 0;

	while (values[n] != NULL)
		n++;
	if ((list = calloc(n + 1, sizeof(*list))) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((list[i] = strdup(values[i])) == NULL) {
			struct alias	 a = { NULL, list };

			free_alias(&a);
			return NULL;
		}
	return list;
}

/* One "name: target, ..." line: a name without blanks, some target. */
static int
add_entry(void *arg, const struct keylist_entry *entry, char *why,
    size_t whylen)
{
	struct aliases	*al = arg;
	struct alias	*grown, a = { NULL, NULL };

	if (*entry->key == '\0' || strpbrk(entry->key, " \t") != NULL ||
	    entry->values[0] == NULL) {
		snprintf(why, whylen, "expected name: target, ...");
		return -1;
	}
	str_lower(entry->key);
	if ((a.targets = copy_targets(entry->values)) == NULL ||
	    (a.name = strdup(entry->key)) == NULL ||
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
	const struct keylist_format format = {
		.flags = KEYLIST_HASH_ANYWHERE | KEYLIST_MISSING_EMPTY,
		.no_colon = "expected name: target, ...",
		.entry = add_entry,
		.arg = al,
	};

	al->items = NULL;
	al->count = 0;
	if (keylist_read(path, &format, err, errlen) != 0) {
		aliases_free(al);
		return -1;
	}
	return 0;
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
