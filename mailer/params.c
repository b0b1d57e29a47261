#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "addr.h"
#include "params.h"

int
param_address(const char *addr, int null_ok)
{
	struct mailbox	 mb;

	if (*addr == '\0')
		return null_ok ? 0 : -1;
	return addr_parse_mailbox(addr, &mb, ADDR_UTF8) == ADDR_OK ? 0 : -1;
}

int
param_same_address(const char *a, const char *b)
{
	const char	*at_a = strrchr(a, '@'), *at_b = strrchr(b, '@');

	if (at_a == NULL || at_b == NULL)
		return strcmp(a, b) == 0;
	return at_a - a == at_b - b && strncmp(a, b, (size_t)(at_a - a)) == 0 &&
	    strcasecmp(at_a, at_b) == 0;
}

int
param_notify(const char *value)
{
	char	 copy[64], *rest = copy, *word;
	int	 words = 0, never = 0;

	if (strlcpy(copy, value, sizeof(copy)) >= sizeof(copy))
		return -1;
	while ((word = strsep(&rest, ",")) != NULL) {
		words++;
		if (strcasecmp(word, "NEVER") == 0)
			never = 1;
		else if (strcasecmp(word, "SUCCESS") != 0 &&
		    strcasecmp(word, "FAILURE") != 0 &&
		    strcasecmp(word, "DELAY") != 0)
			return -1;
	}
	return (never && words > 1) ? -1 : 0;
}

int
param_ret(const char *value)
{
	return strcasecmp(value, "FULL") == 0 || strcasecmp(value, "HDRS") == 0
	    ? 0 : -1;
}

int
param_xtext(const char *value)
{
	const unsigned char	*p = (const unsigned char *)value;

	if (*p == '\0' || strlen(value) > 500)
		return -1;
	for (; *p; p++) {
		if (*p == '+') {
			if (!isxdigit(p[1]) || !isxdigit(p[2]))
				return -1;
			p += 2;
		} else if (*p < 33 || *p > 126 || *p == '=')
			return -1;
	}
	return 0;
}

int
param_orcpt(const char *value)
{
	const char	*semi = strchr(value, ';');

	if (semi == NULL || semi == value)
		return -1;
	for (const char *p = value; p < semi; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return -1;
	return param_xtext(semi + 1);
}

int
param_to_xtext(const char *text, char *out, size_t outlen)
{
	size_t	 o = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (o + 4 > outlen)
			return -1;
		if (*p < 33 || *p > 126 || *p == '+' || *p == '=')
			o += (size_t)snprintf(out + o, outlen - o, "+%02X", *p);
		else
			out[o++] = (char)*p;
	}
	if (o >= outlen)
		return -1;
	out[o] = '\0';
	return 0;
}

int
param_rcpt_operand(char *text, const char *default_notify,
    struct client_rcpt *r, char *err, size_t errlen)
{
	char	*rest = NULL, *word;

	memset(r, 0, sizeof(*r));
	if (text[0] == '<') {
		char	*close = strrchr(text, '>');

		if (close == NULL)
			goto bad;
		*close = '\0';
		rest = close + 1;
		text++;
	} else if ((rest = strchr(text, ' ')) != NULL)
		*rest++ = '\0';
	if (param_address(text, 0) == -1)
		goto bad;
	r->addr = text;
	r->utf8 = client_is_utf8(text);
	r->notify = default_notify;
	while (rest && (word = strsep(&rest, " ")) != NULL) {
		if (*word == '\0')
			continue;
		if (strncasecmp(word, "NOTIFY=", 7) == 0 &&
		    param_notify(word + 7) == 0)
			r->notify = word + 7;
		else if (strncasecmp(word, "ORCPT=", 6) == 0 &&
		    param_orcpt(word + 6) == 0)
			r->orcpt = word + 6;
		else {
			snprintf(err, errlen, "%s: bad recipient parameter %s",
			    text, word);
			return -1;
		}
	}
	return 0;
bad:
	snprintf(err, errlen, "%s: not a valid recipient address", text);
	return -1;
}

static int *
timeout_field(struct client_timeouts *t, const char *name)
{
	static const char *const names[] = { "greeting", "helo", "mail",
	    "rcpt", "data", "block", "dot", "quit", "connect" };
	int	*fields[] = { &t->greeting, &t->helo, &t->mail, &t->rcpt,
	    &t->data, &t->block, &t->dot, &t->quit, &t->connect };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return fields[i];
	return NULL;
}

int
param_timeouts(const char *text, struct client_timeouts *t)
{
	char		 copy[256], *rest = copy, *item, *eq;
	const char	*why = NULL;
	int		 n, *field;

	if (strlcpy(copy, text, sizeof(copy)) >= sizeof(copy))
		return -1;
	if (strchr(copy, '=') == NULL) {
		n = (int)strtonum(copy, 1, 86400, &why);
		if (why)
			return -1;
		t->greeting = t->helo = t->mail = t->rcpt = n;
		t->data = t->block = t->dot = t->quit = t->connect = n;
		return 0;
	}
	while ((item = strsep(&rest, ",")) != NULL) {
		if ((eq = strchr(item, '=')) == NULL)
			return -1;
		*eq = '\0';
		n = (int)strtonum(eq + 1, 1, 86400, &why);
		if (why || (field = timeout_field(t, item)) == NULL)
			return -1;
		*field = n;
	}
	return 0;
}
