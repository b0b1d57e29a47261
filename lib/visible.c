/* SPDX-License-Identifier: ISC */
/*
 * One escaping for everything shown to a person or a JSON reader.
 * libbsd's strvis(3) was the first candidate but does not fit: in the C
 * locale it escapes each byte of UTF-8 text (ö becomes \M-C\M-6), and in
 * a UTF-8 locale libbsd 0.11 writes ö as "M-v", neither of which keeps
 * the international addresses and replies of SMTPUTF8 mail readable.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "visible.h"

/*
 * The length of the valid UTF-8 sequence at s (RFC 3629: shortest form,
 * no surrogates, at most U+10FFFF), with its code point in *cp; 0 when
 * the bytes at s are not one.
 */
static size_t
utf8_sequence(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t		 need, i;
	uint32_t	 c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2; c = s[0] & 0x1f; min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3; c = s[0] & 0x0f; min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4; c = s[0] & 0x07; min = 0x10000;
	} else
		return 0;
	if (len < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return need;
}

/* C0, DEL and C1: what a terminal may act on rather than print. */
static int
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

static int
append_hex(struct buf *b, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf_printf(b, "\\x%02x", s[i]) != 0)
			return -1;
	return 0;
}

static int
append_control(struct buf *b, const unsigned char *s, size_t n, int flags)
{
	if (s[0] == '\t' && (flags & VISIBLE_KEEP_TAB))
		return buf_append(b, "\t", 1);
	if (s[0] == '\t')
		return buf_append(b, "\\t", 2);
	if (s[0] == '\r')
		return buf_append(b, "\\r", 2);
	if (s[0] == '\n')
		return buf_append(b, "\\n", 2);
	return append_hex(b, s, n);
}

int
visible_append_max(struct buf *b, const char *s, size_t len, int flags,
    size_t max)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 at = 0, n, before;
	uint32_t		 cp;
	int			 rc;

	if (buf_append(b, "", 0) != 0)	/* "" stays a string */
		return -1;
	while (at < len) {
		before = b->len;
		n = utf8_sequence(p + at, len - at, &cp);
		if (n == 0)
			rc = append_hex(b, p + at, n = 1);
		else if (is_control(cp))
			rc = append_control(b, p + at, n, flags);
		else if (cp == '\\' && !(flags & VISIBLE_KEEP_BACKSLASH))
			rc = buf_append(b, "\\\\", 2);
		else
			rc = buf_append(b, p + at, n);
		if (rc != 0)
			return -1;
		if (b->len > max) {
			b->len = before;
			b->data[before] = '\0';
			break;
		}
		at += n;
	}
	return 0;
}

int
visible_append(struct buf *b, const char *s, size_t len, int flags)
{
	return visible_append_max(b, s, len, flags, SIZE_MAX);
}

static int
hex_digit(char c)
{
	static const char digits[] = "0123456789abcdef";
	const char	*at = c ? strchr(digits, c) : NULL;

	return at ? (int)(at - digits) : -1;
}

void
visible_undo(char *s)
{
	static const char named[] = "\\\\t\tr\rn\n";
	char		*out = s;
	const char	*n;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'x' && hex_digit(s[2]) >= 0 &&
		    hex_digit(s[3]) >= 0) {
			*out++ = (char)(hex_digit(s[2]) << 4 | hex_digit(s[3]));
			s += 4;
		} else if (s[0] == '\\' && s[1] &&
		    (n = strchr(named, s[1])) != NULL && (n - named) % 2 == 0) {
			*out++ = n[1];
			s += 2;
		} else
			*out++ = *s++;
	}
	*out = '\0';
}

const char *
visible(struct buf *b, const char *s)
{
	b->len = 0;
	if (s == NULL)
		s = "";
	if (visible_append(b, s, strlen(s), 0) != 0)
		return "";
	return b->data;
}

int
visible_json(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)(s ? s : "");
	size_t			 len = strlen((const char *)p), at = 0, n;
	uint32_t		 cp;
	int			 rc;

	if (buf_append(b, "\"", 1) != 0)
		return -1;
	while (at < len) {
		n = utf8_sequence(p + at, len - at, &cp);
		if (n == 0) {
			rc = buf_append(b, "\\ufffd", 6);
			n = 1;
		} else if (is_control(cp))
			rc = buf_printf(b, "\\u%04x", (unsigned)cp);
		else if (cp == '"' || cp == '\\')
			rc = buf_printf(b, "\\%c", (char)cp);
		else
			rc = buf_append(b, p + at, n);
		if (rc != 0)
			return -1;
		at += n;
	}
	return buf_append(b, "\"", 1);
}
