/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "envelope.h"

/*
 * "<addr>" -> addr, in place; NULL if not bracketed.  The value ends at
 * the last '>': a quoted local part may hold '>' too.
 */
static char *
unbracket(char *value)
{
	size_t	 len = strlen(value);

	if (len < 2 || value[0] != '<' || value[len - 1] != '>')
		return NULL;
	value[len - 1] = '\0';
	return value + 1;
}

/*
 * The recipient that "<addr> VALUE" names, and where VALUE starts; the
 * longest address that fits, as addr may hold "> " itself.  Each "> "
 * (or a final '>') may end the address: one index lookup for each.
 */
static struct recipient *
find_rcpt(struct envelope *env, const char *value, const char **rest)
{
	struct recipient	*found = NULL, *r;
	size_t			 best = 0;

	if (*value++ != '<')
		return NULL;
	for (const char *p = value; (p = strchr(p, '>')) != NULL; p++) {
		if (p[1] != ' ' && p[1] != '\0')
			continue;
		if ((r = envelope_find_rcpt(env, value, (size_t)(p - value)))) {
			found = r;
			best = (size_t)(p - value);
		}
	}
	if (found) {
		for (*rest = value + best + 1; **rest == ' '; (*rest)++)
			continue;
	}
	return found;
}

/* Notify: <addr> VALUE and ORcpt: <addr> VALUE */
static int
set_rcpt_param(struct envelope *env, const char *value, int is_notify)
{
	struct recipient	*r;
	const char		*rest;
	char			**field;

	if ((r = find_rcpt(env, value, &rest)) == NULL)
		return -1;
	field = is_notify ? &r->notify : &r->orcpt;
	free(*field);
	return (*field = strdup(rest)) ? 0 : -1;
}

static int
set_string(char **field, const char *value)
{
	free(*field);
	return (*field = strdup(value)) ? 0 : -1;
}

static int
parse_field(struct envelope *env, char *key, char *value, int lineno)
{
	const char	*why = NULL;
	char		*addr;

	if (strcmp(key, "From") == 0) {
		if (lineno != 1 || (addr = unbracket(value)) == NULL)
			return -1;
		return set_string(&env->sender, addr);
	}
	if (lineno == 1)
		return -1;	/* From comes first */
	if (strcmp(key, "To") == 0) {
		if ((addr = unbracket(value)) == NULL || *addr == '\0')
			return -1;
		return envelope_add_rcpt(env, addr, NULL, NULL);
	}
	if (strcmp(key, "Id") == 0)
		env->id = (uint32_t)strtonum(value, 1, UINT32_MAX, &why);
	else if (strcmp(key, "Date") == 0)
		env->date = (time_t)strtonum(value, 0, LLONG_MAX, &why);
	else if (strcmp(key, "Size") == 0)
		env->size = strtonum(value, 0, LLONG_MAX, &why);
	else if (strcmp(key, "Client") == 0)
		return set_string(&env->client, value);
	else if (strcmp(key, "Helo") == 0)
		return set_string(&env->helo, value);
	else if (strcmp(key, "Body") == 0)
		return set_string(&env->body, value);
	else if (strcmp(key, "Ret") == 0)
		return set_string(&env->ret, value);
	else if (strcmp(key, "Envid") == 0)
		return set_string(&env->envid, value);
	else if (strcmp(key, "Smtputf8") == 0)
		env->smtputf8 = strcmp(value, "yes") == 0;
	else if (strcmp(key, "Notify") == 0)
		return set_rcpt_param(env, value, 1);
	else if (strcmp(key, "ORcpt") == 0)
		return set_rcpt_param(env, value, 0);
	else
		return envelope_add_extra(env, key, value);
	return why ? -1 : 0;
}

int
envelope_parse(struct envelope *env, const char *text, size_t len,
    char *err, size_t errlen)
{
	char	*copy, *rest, *line, *sep;
	int	 lineno = 0, rc = 0;

	envelope_init(env);
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, errlen, "NUL byte in envelope");
		return -1;
	}
	if ((copy = strndup(text, len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rest = copy;
	while (rc == 0 && (line = strsep(&rest, "\n")) != NULL) {
		if (*line == '\0' && rest == NULL)
			break;		/* after the last newline */
		lineno++;
		if ((sep = strstr(line, ": ")) == NULL ||
		    parse_field(env, line, (*sep = '\0', sep + 2), lineno) != 0) {
			snprintf(err, errlen, "line %d: malformed", lineno);
			rc = -1;
		}
	}
	free(copy);
	if (rc == 0 && (env->sender == NULL || env->nrcpts == 0)) {
		snprintf(err, errlen, "no %s line", env->sender ? "To" : "From");
		rc = -1;
	}
	if (rc != 0)
		envelope_free(env);
	return rc;
}

int
envelope_read(struct envelope *env, const char *path, char *err,
    size_t errlen)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 cap = 0, len = 0, n;
	int	 rc;

	envelope_init(env);
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len + 4096 > cap) {
			char	*grown = realloc(buf, cap = len + 65536);

			if (grown == NULL)
				break;
			buf = grown;
		}
		if ((n = fread(buf + len, 1, cap - len, fp)) == 0)
			break;
		len += n;
	}
	if (ferror(fp) || buf == NULL || !feof(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		rc = -1;
	} else
		rc = envelope_parse(env, buf, len, err, errlen);
	fclose(fp);
	free(buf);
	return rc;
}
