/* SPDX-License-Identifier: ISC */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "addr.h"
#include "dsnparam.h"
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

/*
 * The address of an operand: "<ADDR>", ending at the first ">" outside
 * quotes (ADDR may quote a space or ">"), or a bare ADDR up to the
 * first space; *rest points after it.
 */
static char *
operand_address(char *text, char **rest)
{
	size_t	 len;

	if (text[0] != '<') {
		if ((*rest = strchr(text, ' ')) != NULL)
			*(*rest)++ = '\0';
		return text;
	}
	if ((len = dsn_path_len(text)) == 0 ||
	    (text[len] != '\0' && text[len] != ' '))
		return NULL;
	text[len - 1] = '\0';
	*rest = text + len;
	return text + 1;
}

/* NOTIFY or ORCPT of a recipient; -1 when neither or a bad value. */
static int
operand_param(const char *keyword, const char *value, struct client_rcpt *r)
{
	char	 orcpt[DSN_ORCPT_MAX + 1];

	if (value == NULL)
		return -1;
	if (strcasecmp(keyword, "NOTIFY") == 0) {
		if (dsn_notify_canon(value, NULL, 0) != 0)
			return -1;
		r->notify = value;
		return 0;
	}
	/* canonical on the wire whatever the spool holds (RFC 3461, 6533) */
	if (strcasecmp(keyword, "ORCPT") != 0 ||
	    dsn_orcpt_canon(value, orcpt, sizeof(orcpt)) != 0)
		return -1;
	free((char *)r->orcpt);
	return (r->orcpt = strdup(orcpt)) != NULL ? 0 : -1;
}

int
param_rcpt_operand(char *text, const char *default_notify,
    struct client_rcpt *r, char *err, size_t errlen)
{
	char	*rest = NULL, *addr, *keyword, *value;

	memset(r, 0, sizeof(*r));
	if ((addr = operand_address(text, &rest)) == NULL ||
	    param_address(addr, 0) == -1) {
		snprintf(err, errlen, "%s: not a valid recipient address", text);
		return -1;
	}
	r->addr = addr;
	r->utf8 = client_is_utf8(addr);
	r->notify = default_notify;
	while (rest && *rest == ' ')
		rest++;
	if (rest && *rest == '\0')
		rest = NULL;
	while (rest) {
		if (dsn_next_param(&rest, &keyword, &value) == -1 ||
		    operand_param(keyword, value, r) == -1) {
			/* the value may be long or hostile: named, not shown */
			snprintf(err, errlen, "%s: bad recipient parameter %s",
			    addr, keyword);
			return -1;
		}
	}
	return 0;
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
