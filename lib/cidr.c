/* SPDX-License-Identifier: ISC */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "cidr.h"

static int
parse_one(struct cidr *c, const char *text, char *err, size_t errlen)
{
	char		 host[64];
	const char	*slash = strchr(text, '/');
	size_t		 hostlen = slash ? (size_t)(slash - text) : strlen(text);
	int		 maxbits;
	const char	*why = NULL;

	if (hostlen >= sizeof(host)) {
		snprintf(err, errlen, "%s: address too long", text);
		return -1;
	}
	memcpy(host, text, hostlen);
	host[hostlen] = '\0';
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, host, c->addr) == 1) {
		c->family = AF_INET;
		maxbits = 32;
	} else if (inet_pton(AF_INET6, host, c->addr) == 1) {
		c->family = AF_INET6;
		maxbits = 128;
	} else {
		snprintf(err, errlen, "%s: not an IPv4 or IPv6 address", text);
		return -1;
	}
	c->prefix = maxbits;
	if (slash) {
		c->prefix = (int)strtonum(slash + 1, 0, maxbits, &why);
		if (why) {
			snprintf(err, errlen, "%s: prefix length %s", text, why);
			return -1;
		}
	}
	return 0;
}

int
cidr_list_parse(struct cidr_list *list, const char *text, char *err,
    size_t errlen)
{
	char	*copy, *word, *rest;
	int	 rc = 0;

	list->items = NULL;
	list->count = 0;
	if ((copy = strdup(text)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rest = copy;
	while (rc == 0 && (word = strsep(&rest, ", \t")) != NULL) {
		struct cidr *grown;

		if (*word == '\0')
			continue;
		grown = reallocarray(list->items, list->count + 1,
		    sizeof(*grown));
		if (grown == NULL) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
			break;
		}
		list->items = grown;
		if ((rc = parse_one(&grown[list->count], word, err, errlen)) == 0)
			list->count++;
	}
	free(copy);
	if (rc != 0)
		cidr_list_free(list);
	return rc;
}

void
cidr_list_free(struct cidr_list *list)
{
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

static int
prefix_matches(const unsigned char *a, const unsigned char *b, int bits)
{
	int	 whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[whole] ^ b[whole]) & (0xff << (8 - rest))) == 0;
}

int
cidr_list_match(const struct cidr_list *list, const char *address)
{
	static const unsigned char v4mapped[12] =
	    { 0,0,0,0, 0,0,0,0, 0,0,0xff,0xff };
	unsigned char	 addr[16];
	int		 family;
	size_t		 i;

	if (inet_pton(AF_INET, address, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, address, addr) == 1) {
		family = AF_INET6;
		/* A v6 socket reports v4 peers as ::ffff:a.b.c.d. */
		if (memcmp(addr, v4mapped, sizeof(v4mapped)) == 0) {
			memmove(addr, addr + 12, 4);
			family = AF_INET;
		}
	} else
		return 0;
	for (i = 0; i < list->count; i++)
		if (list->items[i].family == family &&
		    prefix_matches(list->items[i].addr, addr,
		    list->items[i].prefix))
			return 1;
	return 0;
}
