/* SPDX-License-Identifier: ISC */
/*
 * The order to try exchangers in (RFC 5321 5.1): lowest preference
 * first, equal preferences in random order so that load spreads, and
 * the list of addresses that comes out of it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "mx_impl.h"

/* Preference, then name: a total order, so that only rnd adds chance. */
static int
by_preference(const void *a, const void *b)
{
	const struct mx_exchanger *x = a, *y = b;

	if (x->preference != y->preference)
		return x->preference < y->preference ? -1 : 1;
	return strcasecmp(x->name, y->name);
}

/* A name listed twice is tried once, at its best preference. */
static size_t
drop_repeats(struct mx_exchanger *v, size_t n)
{
	size_t	 i, j, kept = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < kept; j++)
			if (strcasecmp(v[j].name, v[i].name) == 0)
				break;
		if (j == kept)
			v[kept++] = v[i];
	}
	return kept;
}

/* Fisher-Yates over v[0..n). */
static void
shuffle(struct mx_exchanger *v, size_t n, mx_random_fn rnd)
{
	struct mx_exchanger	 tmp;
	size_t			 i, j;

	for (i = n; i > 1; i--) {
		j = rnd((uint32_t)i);
		tmp = v[i - 1];
		v[i - 1] = v[j];
		v[j] = tmp;
	}
}

size_t
mx_order(struct mx_exchanger *v, size_t n, mx_random_fn rnd)
{
	size_t	 start, end;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), by_preference);
	n = drop_repeats(v, n);
	for (start = 0; start < n; start = end) {
		for (end = start + 1; end < n &&
		    v[end].preference == v[start].preference; end++)
			;
		shuffle(v + start, end - start, rnd);
	}
	return n;
}

/* Two host names equal but for letter case and a trailing dot. */
static int
same_host(const char *a, const char *b)
{
	size_t	 alen = strlen(a), blen = strlen(b);

	if (alen > 0 && a[alen - 1] == '.')
		alen--;
	if (blen > 0 && b[blen - 1] == '.')
		blen--;
	return alen == blen && alen > 0 && strncasecmp(a, b, alen) == 0;
}

size_t
mx_drop_self(const struct mx_exchanger *v, size_t n, const char *self,
    int *self_pref)
{
	size_t	 i, kept;

	*self_pref = -1;
	if (self == NULL)
		return n;
	for (i = 0; i < n; i++)
		if (same_host(v[i].name, self) && (*self_pref == -1 ||
		    v[i].preference < *self_pref))
			*self_pref = v[i].preference;
	if (*self_pref == -1)
		return n;
	for (kept = 0; kept < n && v[kept].preference < *self_pref; kept++)
		;
	return kept;
}

int
mx_list_add(struct mx_list *list, int preference, const char *name,
    const char *address)
{
	struct mx_host	*grown, *h;
	size_t		 i;

	for (i = 0; i < list->count; i++)
		if (strcmp(list->hosts[i].address, address) == 0)
			return 0;
	grown = reallocarray(list->hosts, list->count + 1, sizeof(*grown));
	if (grown == NULL)
		return -1;
	list->hosts = grown;
	h = &list->hosts[list->count++];
	memset(h, 0, sizeof(*h));
	h->preference = preference;
	strlcpy(h->name, name, sizeof(h->name));
	strlcpy(h->address, address, sizeof(h->address));
	return 0;
}

void
mx_list_free(struct mx_list *list)
{
	free(list->hosts);
	list->hosts = NULL;
	list->count = 0;
}
