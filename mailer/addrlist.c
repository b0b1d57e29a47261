/* SPDX-License-Identifier: ISC */
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "addrlist.h"

#define ITEM_MAX 1024

struct item {
	char	 text[ITEM_MAX];	/* the item without comments */
	size_t	 len;
	int	 angle_start;		/* offset after "<", or -1 */
	int	 angle_end;		/* offset of ">", or -1 */
};

static void
item_put(struct item *it, char c)
{
	if (it->len < sizeof(it->text) - 1)
		it->text[it->len++] = c;
}

/* The address of one item: inside <...> if any, else all of it. */
static int
item_done(struct item *it, int (*add)(const char *, void *), void *arg)
{
	char		 addr[ITEM_MAX], *a;
	size_t		 n = 0;
	const char	*s = it->text, *end = it->text + it->len;

	if (it->angle_start >= 0) {
		s = it->text + it->angle_start;
		end = it->angle_end >= 0 ? it->text + it->angle_end : end;
		/* an obsolete source route "@a,@b:" goes (RFC 5322 4.4) */
		if (*s == '@' && memchr(s, ':', (size_t)(end - s)))
			s = (const char *)memchr(s, ':', (size_t)(end - s)) + 1;
	}
	for (; s < end; s++)	/* unquoted white space is not part of it */
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			addr[n++] = *s;
	addr[n] = '\0';
	it->len = 0;
	it->angle_start = it->angle_end = -1;
	a = addr;
	return *a ? add(a, arg) : 0;
}

int
addrlist_parse(const char *value, int (*add)(const char *, void *), void *arg)
{
	struct item	 it = { .len = 0, .angle_start = -1, .angle_end = -1 };
	int		 comment = 0, quoted = 0;

	for (const char *p = value; *p; p++) {
		char	 c = *p;

		if (comment) {		/* (comments (nest)) */
			if (c == '\\' && p[1])
				p++;
			else
				comment += (c == '(') - (c == ')');
			continue;
		}
		if (quoted) {
			if (c == '\\' && p[1]) {
				item_put(&it, c);
				c = *++p;
			} else if (c == '"')
				quoted = 0;
			item_put(&it, c);
			continue;
		}
		switch (c) {
		case '(':
			comment = 1;
			break;
		case '"':
			quoted = 1;
			item_put(&it, c);
			break;
		case '<':
			it.len = 0;	/* what came before was a name */
			it.angle_start = 0;
			break;
		case '>':
			it.angle_end = (int)it.len;
			break;
		case ':':		/* "group:" -- the name goes */
			if (it.angle_start < 0) {
				it.len = 0;
				break;
			}
			item_put(&it, c);
			break;
		case ',':
		case ';':		/* ";" ends a group */
			if (it.angle_start >= 0 && it.angle_end < 0 &&
			    c == ',') {
				item_put(&it, c);	/* inside a route */
				break;
			}
			if (item_done(&it, add, arg) == -1)
				return -1;
			break;
		default:
			if (it.angle_end < 0)
				item_put(&it, c);
			break;
		}
	}
	return item_done(&it, add, arg);
}
