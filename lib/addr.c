/* SPDX-License-Identifier: ISC */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <bsd/string.h>

#include "addr.h"

/* RFC 5322 atext, the characters of a Dot-string atom. */
static int
is_atext(unsigned char c)
{
	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* Length of one well-formed UTF-8 sequence of 2 to 4 bytes at s, or 0. */
static size_t
utf8_length(const unsigned char *s)
{
	size_t	 need, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	for (i = 1; i < need; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return need;
}

/*
 * Scans one UTF-8 character at *p if allowed; returns 1 and advances,
 * 0 when there is none, -1 when 8-bit data is there but not allowed.
 */
static int
scan_utf8(const unsigned char **p, int flags)
{
	size_t	 n;

	if (**p < 0x80)
		return 0;
	if (!(flags & ADDR_UTF8))
		return -1;
	if ((n = utf8_length(*p)) == 0)
		return 0;
	*p += n;
	return 1;
}

static enum addr_status
scan_dot_string(const unsigned char **p, int flags)
{
	const unsigned char	*s = *p;
	int			 atom_len, u;

	for (;;) {
		atom_len = 0;
		for (;;) {
			if (is_atext(*s)) {
				s++;
				atom_len++;
			} else if ((u = scan_utf8(&s, flags)) == 1)
				atom_len++;
			else if (u < 0)
				return ADDR_NEEDS_UTF8;
			else
				break;
		}
		if (atom_len == 0)
			return ADDR_SYNTAX;
		if (*s != '.')
			break;
		s++;
	}
	*p = s;
	return ADDR_OK;
}

static enum addr_status
scan_quoted_string(const unsigned char **p, int flags)
{
	const unsigned char	*s = *p + 1;
	int			 u;

	for (;;) {
		if (*s == '"')
			break;
		if (*s == '\\') {
			if (s[1] < 32 || s[1] > 126)
				return ADDR_SYNTAX;
			s += 2;
		} else if (*s >= 32 && *s <= 126)
			s++;
		else if ((u = scan_utf8(&s, flags)) < 0)
			return ADDR_NEEDS_UTF8;
		else if (u == 0)
			return ADDR_SYNTAX;
	}
	*p = s + 1;
	return ADDR_OK;
}

/* sub-domain = Let-dig [Ldh-str]; U-labels allowed with SMTPUTF8. */
static enum addr_status
scan_domain_name(const unsigned char **p, int flags)
{
	const unsigned char	*s = *p;
	int			 label_len, u;

	for (;;) {
		label_len = 0;
		for (;;) {
			if (isalnum(*s) || (*s == '-' && label_len > 0)) {
				s++;
				label_len++;
			} else if ((u = scan_utf8(&s, flags)) == 1)
				label_len++;
			else if (u < 0)
				return ADDR_NEEDS_UTF8;
			else
				break;
		}
		if (label_len == 0 || s[-1] == '-' || label_len > 63)
			return ADDR_SYNTAX;
		if (*s != '.')
			break;
		s++;
	}
	*p = s;
	return ADDR_OK;
}

/* address-literal: [IPv4], [IPv6:...]; general literals are refused. */
static enum addr_status
scan_address_literal(const unsigned char **p)
{
	const char	*start = (const char *)*p + 1;
	const char	*end = strchr(start, ']');
	char		 text[64];
	unsigned char	 bin[16];
	size_t		 len;

	if (end == NULL || (len = (size_t)(end - start)) >= sizeof(text))
		return ADDR_SYNTAX;
	memcpy(text, start, len);
	text[len] = '\0';
	if (strncasecmp(text, "IPv6:", 5) == 0) {
		if (inet_pton(AF_INET6, text + 5, bin) != 1)
			return ADDR_SYNTAX;
	} else if (inet_pton(AF_INET, text, bin) != 1)
		return ADDR_SYNTAX;
	*p = (const unsigned char *)end + 1;
	return ADDR_OK;
}

static enum addr_status
scan_domain(const unsigned char **p, int flags, int *is_literal)
{
	*is_literal = (**p == '[');
	return *is_literal ? scan_address_literal(p) :
	    scan_domain_name(p, flags);
}

static int
has_8bit(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* Mailbox = Local-part "@" ( Domain / address-literal ), ending at *p. */
static enum addr_status
scan_mailbox(const unsigned char **p, struct mailbox *mb, int flags)
{
	const unsigned char	*start = *p, *at, *end;
	enum addr_status	 st;

	memset(mb, 0, sizeof(*mb));
	st = (**p == '"') ? scan_quoted_string(p, flags) :
	    scan_dot_string(p, flags);
	if (st != ADDR_OK)
		return st;
	if (**p != '@')
		return ADDR_SYNTAX;
	at = (*p)++;
	if ((st = scan_domain(p, flags, &mb->is_literal)) != ADDR_OK)
		return st;
	end = *p;
	if ((size_t)(at - start) > ADDR_LOCAL_MAX)
		return ADDR_LOCAL_TOO_LONG;
	if ((size_t)(end - at - 1) > ADDR_DOMAIN_MAX)
		return ADDR_DOMAIN_TOO_LONG;
	memcpy(mb->local, start, (size_t)(at - start));
	memcpy(mb->domain, at + 1, (size_t)(end - at - 1));
	mb->has_utf8 = has_8bit(mb->local) || has_8bit(mb->domain);
	return ADDR_OK;
}

/* A-d-l = At-domain *( "," At-domain ), followed by ":". */
static enum addr_status
skip_source_route(const unsigned char **p, int flags)
{
	int	 literal;

	if (**p != '@')
		return ADDR_OK;
	for (;;) {
		(*p)++;
		if (scan_domain(p, flags, &literal) != ADDR_OK)
			return ADDR_SYNTAX;
		if (**p == ':')
			break;
		if (**p != ',' || (*p)[1] != '@')
			return ADDR_SYNTAX;
		(*p)++;
	}
	(*p)++;
	return ADDR_OK;
}

enum addr_status
addr_parse_path(const char *text, size_t *used, struct mailbox *mb, int flags)
{
	const unsigned char	*p = (const unsigned char *)text;
	enum addr_status	 st;

	memset(mb, 0, sizeof(*mb));
	if (*p != '<')
		return ADDR_SYNTAX;
	p++;
	if (*p == '>') {
		if (!(flags & ADDR_NULL_OK))
			return ADDR_SYNTAX;
		mb->is_null = 1;
		*used = 2;
		return ADDR_OK;
	}
	if ((st = skip_source_route(&p, flags)) != ADDR_OK)
		return st;
	if ((st = scan_mailbox(&p, mb, flags)) != ADDR_OK)
		return st;
	if (*p != '>')
		return ADDR_SYNTAX;
	*used = (size_t)((const char *)p + 1 - text);
	if (strlen(mb->local) + 1 + strlen(mb->domain) + 2 > ADDR_PATH_MAX)
		return ADDR_PATH_TOO_LONG;
	return ADDR_OK;
}

enum addr_status
addr_parse_mailbox(const char *text, struct mailbox *mb, int flags)
{
	const unsigned char	*p = (const unsigned char *)text;
	enum addr_status	 st;

	if ((st = scan_mailbox(&p, mb, flags)) != ADDR_OK)
		return st;
	if (*p != '\0')
		return ADDR_SYNTAX;
	if (strlen(mb->local) + 1 + strlen(mb->domain) + 2 > ADDR_PATH_MAX)
		return ADDR_PATH_TOO_LONG;
	return ADDR_OK;
}

void
addr_format(const struct mailbox *mb, char *out, size_t outlen)
{
	if (mb->is_null) {
		strlcpy(out, "", outlen);
		return;
	}
	strlcpy(out, mb->local, outlen);
	strlcat(out, "@", outlen);
	strlcat(out, mb->domain, outlen);
}

void
addr_unquoted_local(const struct mailbox *mb, char *out, size_t outlen)
{
	const char	*s = mb->local;
	size_t		 n = 0;

	if (*s != '"') {
		strlcpy(out, s, outlen);
		return;
	}
	for (s++; *s && *s != '"' && n + 1 < outlen; s++) {
		if (*s == '\\' && s[1])
			s++;
		out[n++] = *s;
	}
	out[n] = '\0';
}

int
addr_valid_domain(const char *text, int flags)
{
	const unsigned char	*p = (const unsigned char *)text;

	if (strlen(text) > ADDR_DOMAIN_MAX)
		return 0;
	return scan_domain_name(&p, flags) == ADDR_OK && *p == '\0';
}

const char *
addr_strerror(enum addr_status status)
{
	switch (status) {
	case ADDR_OK:			return "valid";
	case ADDR_SYNTAX:		return "syntax error in address";
	case ADDR_LOCAL_TOO_LONG:	return "local part longer than 64 octets";
	case ADDR_DOMAIN_TOO_LONG:	return "domain longer than 255 octets";
	case ADDR_PATH_TOO_LONG:	return "path longer than 256 octets";
	case ADDR_NEEDS_UTF8:		return "8-bit address without SMTPUTF8";
	}
	return "bad address";
}

const char *
rcpt_domain(const char *addr)
{
	const char	*at = strrchr(addr, '@');

	return at ? at + 1 : "";
}
