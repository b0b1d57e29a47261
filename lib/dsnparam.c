/* SPDX-License-Identifier: ISC */
/*
 * DSN parameters, xtext and RFC 6533 utf-8 addresses: see dsnparam.h for
 * the policy.  Pure string work, no I/O, so the unit tests reach all of it.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <bsd/string.h>

#include "dsnparam.h"

#define ADDR_TYPE_MAX	32	/* longer than any registered addr-type */
#define DECODED_MAX	1024	/* a decoded ORCPT: > DSN_ORCPT_MAX octets */

/* An output string that knows when it ran out of room. */
struct out {
	char	*s;
	size_t	 len, cap;
	int	 full;
};

static void
put_bytes(struct out *o, const void *bytes, size_t n)
{
	if (o->full || o->len + n >= o->cap) {
		o->full = 1;
		return;
	}
	memcpy(o->s + o->len, bytes, n);
	o->len += n;
	o->s[o->len] = '\0';
}

static void
put_char(struct out *o, unsigned char c)
{
	put_bytes(o, &c, 1);
}

static void
put_format(struct out *o, const char *fmt, unsigned long n)
{
	char	 tmp[16];
	int	 len = snprintf(tmp, sizeof(tmp), fmt, n);

	put_bytes(o, tmp, (size_t)len);
}

static void
out_init(struct out *o, char *s, size_t cap)
{
	o->s = s;
	o->len = 0;
	o->cap = cap;
	o->full = cap == 0;
	if (cap)
		s[0] = '\0';
}

/* 0 with the copy made (or none asked for); -1 when it does not fit. */
static int
copy_out(const char *canon, char *out, size_t outlen)
{
	if (out == NULL)
		return 0;
	return strlcpy(out, canon, outlen) < outlen ? 0 : -1;
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = toupper(c);
	return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* "+HH" at p with upper-case hex, as RFC 3461 writes xtext's hexchar. */
static int
is_hexchar(const unsigned char *p)
{
	return p[0] == '+' && hex_value(p[1]) >= 0 && hex_value(p[2]) >= 0 &&
	    !islower(p[1]) && !islower(p[2]);
}

/* Printable ASCII but space: what xtext and the RFC 6533 forms keep. */
static int
is_graphic(unsigned char c)
{
	return c >= 33 && c <= 126;
}

/* C0, DEL: never allowed in an address or id, however encoded. */
static int
is_control(unsigned long c)
{
	return c < 32 || c == 127;
}

/*
 * The code point of the UTF-8 sequence at p in *cp; returns its length,
 * or 0 when it is not well-formed (overlong, surrogate, > U+10FFFF, cut).
 */
static size_t
utf8_next(const unsigned char *p, unsigned long *cp)
{
	static const unsigned long min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t	 n;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	*cp = p[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3f);
	}
	if (*cp < min[n] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

static void
utf8_put(struct out *o, unsigned long cp)
{
	unsigned char	 b[4];
	size_t		 n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | (cp >> 18));
		n = 4;
	}
	for (size_t i = n - 1; i > 0; i--, cp >>= 6)
		b[i] = (unsigned char)(0x80 | (cp & 0x3f));
	put_bytes(o, b, n);
}

/* The whole string is well-formed UTF-8 (ASCII is). */
static int
utf8_valid(const char *text)
{
	const unsigned char	*p = (const unsigned char *)text;
	unsigned long		 cp;
	size_t			 n;

	for (; *p; p += n)
		if ((n = utf8_next(p, &cp)) == 0)
			return 0;
	return 1;
}

int
dsn_xtext_encode(const char *text, char *out, size_t outlen)
{
	struct out	 o;

	out_init(&o, out, outlen);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (is_graphic(*p) && *p != '+' && *p != '=')
			put_char(&o, *p);
		else
			put_format(&o, "+%02lX", *p);
	}
	return o.full ? -1 : 0;
}

int
dsn_xtext_decode(const char *xtext, char *out, size_t outlen)
{
	const unsigned char	*p = (const unsigned char *)xtext;
	struct out		 o;
	int			 c;

	out_init(&o, out, outlen);
	while (*p) {
		if (is_hexchar(p)) {
			c = hex_value(p[1]) * 16 + hex_value(p[2]);
			if (c == 0)
				return -1;
			p += 3;
		} else
			c = *p++;
		put_char(&o, (unsigned char)c);
	}
	return o.full ? -1 : 0;
}

void
dsn_xtext_display(const char *xtext, char *out, size_t outlen)
{
	const unsigned char	*p = (const unsigned char *)xtext;
	struct out		 o;
	int			 c;

	out_init(&o, out, outlen);
	for (; *p && !o.full; p++) {
		c = is_hexchar(p) ? hex_value(p[1]) * 16 + hex_value(p[2]) : -1;
		if (c >= 32 && c <= 126) {
			put_char(&o, (unsigned char)c);
			p += 2;
		} else if (c >= 0 || is_graphic(*p))
			put_char(&o, *p);	/* "+HH" kept, or plain */
		else
			put_format(&o, "+%02lX", *p);
	}
}

/*
 * RFC 6533's EmbeddedUnicodeChar "\x{HEX}" at p: its code point in *cp
 * and its length; 0 when p does not start one, -1 when it starts one
 * that is broken (no "}", more than 6 digits, not a character).
 */
static int
embedded_char(const unsigned char *p, unsigned long *cp)
{
	int	 n = 0, d;

	if (p[0] != '\\' || p[1] != 'x' || p[2] != '{')
		return 0;
	*cp = 0;
	for (p += 3; (d = hex_value(*p)) >= 0 && n < 7; p++, n++)
		*cp = *cp * 16 + (unsigned long)d;
	if (*p != '}' || n == 0 || n > 6 || *cp > 0x10ffff ||
	    (*cp >= 0xd800 && *cp <= 0xdfff))
		return -1;
	return n + 4;
}

/*
 * A utf-8 ORCPT value, read as any of RFC 6533's three forms (xtext,
 * unitext, the plain address): "\x{HEX}" escapes decoded, UTF-8 checked,
 * "+", "=" and a lone "\" taken as they are.
 */
static int
utf8_addr_decode(const char *value, struct out *o)
{
	const unsigned char	*p = (const unsigned char *)value;
	unsigned long		 cp;
	int			 n;
	size_t			 len;

	while (*p && !o->full) {
		if ((n = embedded_char(p, &cp)) < 0)
			return -1;
		if (n > 0) {
			if (is_control(cp) || (cp >= 0x80 && cp < 0xa0))
				return -1;
			utf8_put(o, cp);
			p += n;
			continue;
		}
		if (!is_graphic(*p) && *p < 0x80)
			return -1;
		if ((len = utf8_next(p, &cp)) == 0 || (cp >= 0x80 && cp < 0xa0))
			return -1;
		put_bytes(o, p, len);
		p += len;
	}
	return o->full ? -1 : 0;
}

/* utf-8-addr-xtext (RFC 6533 3): 7-bit, "\x{HEX}" for the rest. */
static void
utf8_addr_encode(const char *addr, struct out *o)
{
	const unsigned char	*p = (const unsigned char *)addr;
	unsigned long		 cp;
	size_t			 n;

	for (; *p; p += n) {
		if ((n = utf8_next(p, &cp)) == 0) {
			o->full = 1;	/* checked before: cannot happen */
			return;
		}
		if (is_graphic((unsigned char)cp) && cp < 0x80 && cp != '+' &&
		    cp != '=' && cp != '\\')
			put_char(o, (unsigned char)cp);
		else
			put_format(o, "\\x{%02lX}", cp);
	}
}

/* Any other addr-type: xtext, with raw 8-bit octets taken as they are. */
static int
xtext_addr_decode(const char *value, struct out *o)
{
	char	 decoded[DECODED_MAX];

	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if (*p < 0x80 && !is_graphic(*p))
			return -1;
	if (dsn_xtext_decode(value, decoded, sizeof(decoded)) == -1)
		return -1;
	for (const unsigned char *p = (const unsigned char *)decoded; *p; p++)
		if (is_control(*p))
			return -1;
	put_bytes(o, decoded, strlen(decoded));
	return o->full ? -1 : 0;
}

/*
 * Splits "addr-type;value": the type into type (known ones in their
 * usual case), a pointer to value returned; NULL when malformed.
 */
static const char *
orcpt_type(const char *orcpt, char *type, size_t typelen)
{
	const char	*semi = strchr(orcpt, ';');
	size_t		 len;

	if (semi == NULL || semi == orcpt || semi[1] == '\0')
		return NULL;
	len = (size_t)(semi - orcpt);
	if (len >= typelen || len > ADDR_TYPE_MAX)
		return NULL;
	for (const char *p = orcpt; p < semi; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return NULL;
	memcpy(type, orcpt, len);
	type[len] = '\0';
	if (strcasecmp(type, "utf-8") == 0 || strcasecmp(type, "rfc822") == 0)
		for (char *t = type; *t; t++)
			*t = (char)tolower((unsigned char)*t);
	return semi + 1;
}

/* The address an ORCPT names, decoded, and its type. */
static int
orcpt_decode(const char *orcpt, char *type, size_t typelen, char *addr,
    size_t addrlen)
{
	const char	*value;
	struct out	 o;

	if ((value = orcpt_type(orcpt, type, typelen)) == NULL)
		return -1;
	out_init(&o, addr, addrlen);
	if (strcmp(type, "utf-8") == 0)
		return utf8_addr_decode(value, &o);
	return xtext_addr_decode(value, &o);
}

/* "type;" and the address in its canonical encoding. */
static int
orcpt_encode(const char *type, const char *addr, char *out, size_t outlen)
{
	char		 tmp[DSN_ORCPT_MAX + 1];
	struct out	 o;

	out_init(&o, tmp, sizeof(tmp));
	put_bytes(&o, type, strlen(type));
	put_char(&o, ';');
	if (strcmp(type, "utf-8") == 0)
		utf8_addr_encode(addr, &o);
	else if (!o.full && dsn_xtext_encode(addr, tmp + o.len,
	    o.cap - o.len) == -1)
		o.full = 1;
	if (o.full || *addr == '\0')
		return -1;
	return copy_out(tmp, out, outlen);
}

int
dsn_orcpt_canon(const char *value, char *out, size_t outlen)
{
	char	 type[ADDR_TYPE_MAX + 1], addr[DECODED_MAX];

	if (orcpt_decode(value, type, sizeof(type), addr, sizeof(addr)) == -1)
		return -1;
	return orcpt_encode(type, addr, out, outlen);
}

int
dsn_orcpt_of_addr(const char *addr, char *out, size_t outlen)
{
	int	 ascii = 1;

	for (const unsigned char *p = (const unsigned char *)addr; *p; p++) {
		if (is_control(*p))
			return -1;
		ascii &= *p < 0x80;
	}
	if (!ascii && !utf8_valid(addr))
		return -1;
	if (orcpt_encode(ascii ? "rfc822" : "utf-8", addr, out, outlen) == -1)
		return -1;
	/* what spoolmgr spools, mailer must take: read it back */
	return dsn_orcpt_canon(out, NULL, 0);
}

void
dsn_orcpt_field(const char *orcpt, char *out, size_t outlen)
{
	char		 canon[DSN_ORCPT_MAX + 1];
	const char	*semi;
	struct out	 o;

	out_init(&o, out, outlen);
	if (dsn_orcpt_canon(orcpt, canon, sizeof(canon)) == -1)
		return;		/* nothing we could vouch for: no field */
	semi = strchr(canon, ';');
	put_bytes(&o, canon, (size_t)(semi + 1 - canon));
	/* RFC 6533 3: utf-8-addr-xtext in message/delivery-status. */
	if (strncmp(canon, "utf-8;", 6) == 0)
		put_bytes(&o, semi + 1, strlen(semi + 1));
	else if (!o.full)
		dsn_xtext_display(semi + 1, out + o.len, o.cap - o.len);
}

int
dsn_envid_canon(const char *value, char *out, size_t outlen)
{
	char	 decoded[DECODED_MAX], tmp[DSN_ENVID_MAX + 1];

	if (*value == '\0')
		return -1;
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if (!is_graphic(*p))
			return -1;
	if (dsn_xtext_decode(value, decoded, sizeof(decoded)) == -1)
		return -1;
	if (dsn_envid_of_text(decoded, tmp, sizeof(tmp)) == -1)
		return -1;
	return copy_out(tmp, out, outlen);
}

int
dsn_envid_of_text(const char *text, char *out, size_t outlen)
{
	char	 tmp[DSN_ENVID_MAX + 1];

	/* RFC 3461 4.4: printable ASCII and space only. */
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p < 32 || *p > 126)
			return -1;
	if (*text == '\0' || dsn_xtext_encode(text, tmp, sizeof(tmp)) == -1)
		return -1;
	return copy_out(tmp, out, outlen);
}

int
dsn_notify_canon(const char *value, char *out, size_t outlen)
{
	static const char *const words[] = { "SUCCESS", "FAILURE", "DELAY" };
	char	 copy[DSN_NOTIFY_MAX * 2], canon[DSN_NOTIFY_MAX], *rest = copy;
	char	*word;
	int	 seen[3] = { 0, 0, 0 }, found;

	if (strcasecmp(value, "NEVER") == 0)
		return copy_out("NEVER", out, outlen);
	if (strlcpy(copy, value, sizeof(copy)) >= sizeof(copy))
		return -1;
	while ((word = strsep(&rest, ",")) != NULL) {
		found = 0;
		for (int i = 0; i < 3; i++)
			if (strcasecmp(word, words[i]) == 0 && !seen[i]++)
				found = 1;
		if (!found)
			return -1;
	}
	canon[0] = '\0';
	for (int i = 0; i < 3; i++)
		if (seen[i]) {
			if (canon[0])
				strlcat(canon, ",", sizeof(canon));
			strlcat(canon, words[i], sizeof(canon));
		}
	return copy_out(canon, out, outlen);
}

int
dsn_notify_wants(const char *notify, const char *what)
{
	char	 copy[DSN_NOTIFY_MAX * 2], *rest = copy, *word;

	if (notify == NULL || *notify == '\0')
		return strcasecmp(what, "SUCCESS") != 0;
	strlcpy(copy, notify, sizeof(copy));
	while ((word = strsep(&rest, ",")) != NULL)
		if (strcasecmp(word, what) == 0)
			return 1;
	return 0;
}

const char *
dsn_ret_canon(const char *value)
{
	if (strcasecmp(value, "FULL") == 0)
		return "FULL";
	if (strcasecmp(value, "HDRS") == 0)
		return "HDRS";
	return NULL;
}

size_t
dsn_path_len(const char *text)
{
	int	 quoted = 0;

	if (text[0] != '<')
		return 0;
	for (const char *p = text + 1; *p; p++) {
		if (*p == '\\' && quoted && p[1] != '\0')
			p++;		/* quoted-pair: the next is literal */
		else if (*p == '"')
			quoted = !quoted;
		else if (*p == '>' && !quoted)
			return (size_t)(p + 1 - text);
	}
	return 0;
}

/* keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-") */
static int
keyword_valid(const char *word)
{
	if (!isalnum((unsigned char)*word))
		return 0;
	for (const char *p = word; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return 0;
	return 1;
}

int
dsn_next_param(char **rest, char **keyword, char **value)
{
	char		*word = strsep(rest, " ");
	unsigned char	*p;

	while (*rest && **rest == ' ')
		(*rest)++;
	if (*rest && **rest == '\0')
		*rest = NULL;
	*keyword = word;
	*value = NULL;
	if ((p = (unsigned char *)strchr(word, '=')) != NULL) {
		*p = '\0';
		*value = (char *)p + 1;
		/* esmtp-value: 1*(%d33-60 / %d62-126), and UTF-8 (RFC 6531) */
		if (**value == '\0' || strchr(*value, '=') != NULL)
			return -1;
		for (p++; *p; p++)
			if (*p < 33 || *p == 127)
				return -1;
	}
	return keyword_valid(word) ? 0 : -1;
}
