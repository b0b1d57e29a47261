/* SPDX-License-Identifier: ISC */
/*
 * Unqualified addresses in header fields get "@domain", as sendmail and
 * Postfix do on local submission: cron writes "From: root (Cron Daemon)",
 * which the next hop would otherwise read as root of its own domain.
 *
 * One pass over the field body keeps every byte and only inserts: names,
 * comments, quoted strings, group names, white space and folding stay as
 * they were.  Per mailbox of the list the scanner notes where its address
 * ends and whether it already has an "@"; an item that is not one plain
 * local part (several words, specials, an unclosed "<") is left alone.
 */
#include <string.h>

#include "addrlist.h"

/* What is known of the mailbox being read. */
struct item {
	int	 angled;	/* a "<" was seen: the address is inside */
	int	 in_angle;	/* between "<" and ">" */
	long	 close;		/* offset of ">", or -1 */
	size_t	 end;		/* offset after the address's last octet */
	int	 sig;		/* the address has an octet */
	int	 at;		/* ... an "@" outside quotes */
	int	 odd;		/* ... a special no local part has */
	int	 gap;		/* white space or a comment since the last */
	int	 words;		/* white space between two words: a phrase */
	char	 last;		/* its last octet */
};

static void
item_reset(struct item *it)
{
	memset(it, 0, sizeof(*it));
	it->close = -1;
}

/* RFC 5322 3.2.3 atext, and UTF-8 (RFC 6532). */
static int
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80 ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* An octet of the address (quoted: inside a quoted string) at offset i. */
static void
item_octet(struct item *it, unsigned char c, int quoted, size_t i)
{
	if (it->angled && !it->in_angle)
		return;		/* after ">": not the address */
	if (it->gap && it->sig && it->last != '.' && c != '.')
		it->words = 1;
	it->gap = 0;
	it->sig = 1;
	if (!quoted && c == '@')
		it->at = 1;
	else if (!quoted && c != '.' && c != '"' && !is_atext(c))
		it->odd = 1;
	it->end = i + 1;
	it->last = (char)c;
}

/* Where "@domain" goes for this item, or -1: none. */
static long
item_insert_at(const struct item *it)
{
	if (!it->sig || it->at || it->odd || it->words)
		return -1;
	if (it->angled)
		return it->close;	/* -1 when ">" never came */
	return (long)it->end;
}

struct qualifier {
	const char	*value;
	size_t		 copied;	/* octets of value already in out */
	const char	*domain;
	struct buf	*out;
	int		 failed;
};

/* The item ended: copy up to its address's end, then "@domain". */
static void
item_done(struct qualifier *q, struct item *it)
{
	long	 at = item_insert_at(it);

	if (at >= 0 && (size_t)at >= q->copied) {
		if (buf_append(q->out, q->value + q->copied,
		    (size_t)at - q->copied) == -1 ||
		    buf_printf(q->out, "@%s", q->domain) == -1)
			q->failed = 1;
		q->copied = (size_t)at;
	}
	item_reset(it);
}

/* One octet outside quotes and comments. */
static void
plain_octet(struct qualifier *q, struct item *it, size_t i)
{
	unsigned char	 c = (unsigned char)q->value[i];

	switch (c) {
	case ' ': case '\t': case '\r': case '\n':
		it->gap = 1;
		break;
	case '<':
		if (it->angled) {
			it->odd = 1;
			break;
		}
		item_reset(it);		/* what came before was a name */
		it->angled = it->in_angle = 1;
		break;
	case '>':
		if (it->in_angle) {
			it->in_angle = 0;
			it->close = (long)i;
		} else
			it->odd = 1;
		break;
	case ':':		/* "group:": the name is no address */
		if (!it->in_angle)
			item_reset(it);
		else
			item_octet(it, c, 0, i);
		break;
	case ',': case ';':	/* ";" ends a group */
		if (!it->in_angle)
			item_done(q, it);
		else
			item_octet(it, c, 0, i);
		break;
	default:
		item_octet(it, c, 0, i);
		break;
	}
}

int
addrlist_qualify(const char *value, size_t len, const char *domain,
    struct buf *out)
{
	struct qualifier q = { value, 0, domain, out, 0 };
	struct item	 it;
	int		 comment = 0, quoted = 0;

	item_reset(&it);
	for (size_t i = 0; i < len; i++) {
		char	 c = value[i];

		if (comment) {		/* (comments (nest)) */
			if (c == '\\' && i + 1 < len)
				i++;
			else
				comment += (c == '(') - (c == ')');
		} else if (quoted) {
			if (c == '\\' && i + 1 < len) {
				i++;	/* a quoted pair: one octet */
				item_octet(&it, (unsigned char)value[i], 1, i);
			} else {
				quoted = c != '"';
				item_octet(&it, (unsigned char)c, 1, i);
			}
		} else if (c == '(') {
			comment = 1;
			it.gap = 1;
		} else if (c == '"') {
			quoted = 1;
			item_octet(&it, (unsigned char)c, 1, i);
		} else
			plain_octet(&q, &it, i);
	}
	if (!comment && !quoted)
		item_done(&q, &it);
	if (buf_append(out, value + q.copied, len - q.copied) == -1)
		return -1;
	return q.failed ? -1 : 0;
}
