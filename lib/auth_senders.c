/* SPDX-License-Identifier: ISC */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bsd/stdlib.h>

#include "auth_senders.h"
#include "keylist.h"
#include "text.h"

static void
free_line(struct auth_sender_line *l)
{
	for (char **a = l->addrs; a && *a; a++)
		free(*a);
	free(l->addrs);
	free(l->login);
}

/* An address, "@domain", "<>" or "*": no white space, one '@' at most. */
static int
addr_form_ok(const char *a)
{
	const char	*at = strchr(a, '@');

	if (strcmp(a, "*") == 0 || strcmp(a, "<>") == 0)
		return 1;
	return at != NULL && at[1] != '\0' && strchr(at + 1, '@') == NULL &&
	    strpbrk(a, " \t<>,") == NULL;
}

/* Copies the values into l->addrs, lower case; -1 with why on a bad one. */
static int
copy_addrs(struct auth_sender_line *l, char *const *values, char *why,
    size_t whylen)
{
	size_t	 n = 0;

	while (values[n] != NULL)
		n++;
	if (n == 0) {
		snprintf(why, whylen, "no address after the login");
		return -1;
	}
	if ((l->addrs = calloc(n + 1, sizeof(*l->addrs))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!addr_form_ok(values[i])) {
			snprintf(why, whylen, "%s: not an address, @domain, "
			    "<> or *", values[i]);
			return -1;
		}
		if ((l->addrs[i] = strdup(str_lower(values[i]))) == NULL)
			return -1;
	}
	return 0;
}

static const struct auth_sender_line *
find_login(const struct auth_senders *senders, const char *login)
{
	for (size_t i = 0; i < senders->count; i++)
		if (strcmp(senders->items[i].login, login) == 0)
			return &senders->items[i];
	return NULL;
}

/* One "login: address ..." line: a new login, some well-formed address. */
static int
add_entry(void *arg, const struct keylist_entry *entry, char *why,
    size_t whylen)
{
	struct auth_senders	*senders = arg;
	struct auth_sender_line	 l = { NULL, NULL }, *grown;

	if (*entry->key == '\0' || find_login(senders, entry->key) != NULL) {
		snprintf(why, whylen, "%s", *entry->key ?
		    "login listed twice" : "empty login");
		return -1;
	}
	if ((l.login = strdup(entry->key)) == NULL ||
	    copy_addrs(&l, entry->values, why, whylen) != 0 ||
	    (grown = reallocarray(senders->items, senders->count + 1,
	    sizeof(*grown))) == NULL) {
		free_line(&l);
		return -1;
	}
	senders->items = grown;
	senders->items[senders->count++] = l;
	return 0;
}

int
auth_senders_load(struct auth_senders *senders, const char *path, char *err,
    size_t errlen)
{
	const struct keylist_format format = {
		.flags = KEYLIST_SPLIT_BLANKS,
		.no_colon = "expected login: address, ...",
		.entry = add_entry,
		.arg = senders,
	};

	memset(senders, 0, sizeof(*senders));
	if (keylist_read(path, &format, err, errlen) != 0) {
		auth_senders_free(senders);
		return -1;
	}
	return 0;
}

void
auth_senders_free(struct auth_senders *senders)
{
	for (size_t i = 0; i < senders->count; i++)
		free_line(&senders->items[i]);
	free(senders->items);
	senders->items = NULL;
	senders->count = 0;
}

static int
matches(const char *pattern, const char *sender)
{
	const char	*at = strrchr(sender, '@');

	if (strcmp(pattern, "*") == 0)
		return 1;
	if (*sender == '\0')
		return strcmp(pattern, "<>") == 0;
	if (pattern[0] == '@')
		return at != NULL && strcasecmp(pattern + 1, at + 1) == 0;
	return strcasecmp(pattern, sender) == 0;
}

int
auth_senders_allowed(const struct auth_senders *senders, const char *login,
    const char *sender)
{
	const struct auth_sender_line	*l = find_login(senders, login);

	for (char **a = l ? l->addrs : NULL; a && *a; a++)
		if (matches(*a, sender))
			return 1;
	return 0;
}
