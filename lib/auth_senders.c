/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bsd/stdlib.h>

#include "auth_senders.h"
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

/* Splits "a, b c" into l->addrs; -1 with why on a bad address. */
static int
parse_addrs(struct auth_sender_line *l, char *list, char *why, size_t whylen)
{
	char	*word, **grown;
	size_t	 n = 0;

	if ((l->addrs = calloc(1, sizeof(*l->addrs))) == NULL)
		return -1;
	while ((word = strsep(&list, ", \t")) != NULL) {
		if (*word == '\0')
			continue;
		if (!addr_form_ok(word)) {
			snprintf(why, whylen, "%s: not an address, @domain, "
			    "<> or *", word);
			return -1;
		}
		if ((grown = reallocarray(l->addrs, n + 2,
		    sizeof(*grown))) == NULL)
			return -1;
		l->addrs = grown;
		if ((l->addrs[n] = strdup(str_lower(word))) == NULL)
			return -1;
		l->addrs[++n] = NULL;
	}
	if (n == 0) {
		snprintf(why, whylen, "no address after the login");
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

static int
parse_line(struct auth_senders *senders, char *line, char *why,
    size_t whylen)
{
	struct auth_sender_line	 l = { NULL, NULL }, *grown;
	char			*colon;

	line = str_trim(line);
	if (*line == '\0' || *line == '#')
		return 0;
	if ((colon = strchr(line, ':')) == NULL) {
		snprintf(why, whylen, "expected login: address, ...");
		return -1;
	}
	*colon = '\0';
	line = str_trim(line);
	if (*line == '\0' || find_login(senders, line) != NULL) {
		snprintf(why, whylen, "%s", *line ? "login listed twice" :
		    "empty login");
		return -1;
	}
	if ((l.login = strdup(line)) == NULL ||
	    parse_addrs(&l, colon + 1, why, whylen) != 0 ||
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
	FILE	*fp;
	char	*line = NULL, why[300];
	size_t	 cap = 0;
	int	 lineno = 0, rc = 0;

	memset(senders, 0, sizeof(*senders));
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, fp) != -1) {
		lineno++;
		why[0] = '\0';
		if (parse_line(senders, line, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno,
			    *why ? why : "out of memory");
			rc = -1;
		}
	}
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(fp);
	if (rc != 0)
		auth_senders_free(senders);
	return rc;
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
