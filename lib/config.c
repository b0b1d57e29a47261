/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "config.h"
#include "text.h"

enum kind { K_STRING, K_NUMBER, K_DURATION, K_DOMAINS, K_CIDRS, K_FAMILY,
	K_TLSMODE };

struct setting {
	const char	*key;
	enum kind	 kind;
	size_t		 offset;
	const char	*fallback;	/* NULL: unset */
	long long	 min, max;	/* numbers and durations */
};

#define AT(field) offsetof(struct config, field)
#define DAY (24LL * 3600)

static const struct setting settings[] = {
	{ "hostname",	    K_STRING,	AT(hostname),	    NULL, 0, 0 },
	{ "spool",	    K_STRING,	AT(spool),	    SPOOLDIR, 0, 0 },
	{ "mailroot",	    K_STRING,	AT(mailroot),	    MAILROOT, 0, 0 },
	{ "localdomains",   K_DOMAINS,	AT(localdomains),   "", 0, 0 },
	{ "relayclients",   K_CIDRS,	AT(relayclients),   "127.0.0.0/8 ::1/128", 0, 0 },
	{ "maxsize",	    K_NUMBER,	AT(maxsize),	    "26214400", 1024, LLONG_MAX / 2 },
	{ "maxrcpt",	    K_NUMBER,	AT(maxrcpt),	    "100", 100, 100000 },
	{ "maxerrors",	    K_NUMBER,	AT(maxerrors),	    "10", 1, 1000 },
	{ "timeout",	    K_DURATION,	AT(timeout),	    "300", 1, DAY },
	{ "sessiontimeout", K_DURATION,	AT(sessiontimeout), "3600", 1, DAY },
	{ "sessions",	    K_NUMBER,	AT(sessions),	    "4", 1, 1000 },
	{ "jobtimeout",	    K_DURATION,	AT(jobtimeout),	    "1h", 1, DAY },
	{ "batchsize",	    K_NUMBER,	AT(batchsize),	    "100", 1, 10000 },
	{ "destsessions",   K_NUMBER,	AT(destsessions),   "4", 1, 1000 },
	{ "relayhost",	    K_STRING,	AT(relayhost),	    NULL, 0, 0 },
	{ "remoteport",	    K_NUMBER,	AT(remoteport),	    "25", 1, 65535 },
	{ "resolver",	    K_STRING,	AT(resolver),	    NULL, 0, 0 },
	{ "dnstimeout",	    K_DURATION,	AT(dnstimeout),	    "10", 1, 3600 },
	{ "prefer",	    K_FAMILY,	AT(prefer),	    "ipv6", 0, 0 },
	{ "connecttimeout", K_DURATION,	AT(connecttimeout), "30", 1, 3600 },
	{ "waittime",	    K_DURATION,	AT(waittime),	    "30", 0, DAY },
	{ "queuelife",	    K_DURATION,	AT(queuelife),	    "5d", 60, 365 * DAY },
	{ "retrymin",	    K_DURATION,	AT(retrymin),	    "15m", 0, DAY },
	{ "retrymax",	    K_DURATION,	AT(retrymax),	    "4h", 0, 7 * DAY },
	{ "delaywarn",	    K_DURATION,	AT(delaywarn),	    "4h", 0, 365 * DAY },
	{ "journaldays",    K_NUMBER,	AT(journaldays),    "7", 0, 3650 },
	{ "user",	    K_STRING,	AT(user),	    "smtpgate", 0, 0 },
	{ "group",	    K_STRING,	AT(group),	    NULL, 0, 0 },
	{ "aliases",	    K_STRING,	AT(aliases),	    SYSCONFDIR "/smtpgate/aliases", 0, 0 },
	{ "logfile",	    K_STRING,	AT(logfile),	    NULL, 0, 0 },
	{ "mxlookup",	    K_STRING,	AT(mxlookup),	    BINDIR "/mxlookup", 0, 0 },
	{ "mailer",	    K_STRING,	AT(mailer),	    BINDIR "/mailer", 0, 0 },
	{ "spoolmgr",	    K_STRING,	AT(spoolmgr),	    SBINDIR "/spoolmgr", 0, 0 },
	{ "tlscert",	    K_STRING,	AT(tlscert),	    NULL, 0, 0 },
	{ "tlskey",	    K_STRING,	AT(tlskey),	    NULL, 0, 0 },
	{ "authfile",	    K_STRING,	AT(authfile),	    NULL, 0, 0 },
	{ "tls",	    K_TLSMODE,	AT(tls),	    "may", 0, 0 },
	{ "tlscafile",	    K_STRING,	AT(tlscafile),	    NULL, 0, 0 },
	{ "authusers",	    K_STRING,	AT(authusers),	    NULL, 0, 0 },
	{ "dovecotauth",    K_STRING,	AT(dovecotauth),    NULL, 0, 0 },
	{ "authsenders",    K_STRING,	AT(authsenders),    NULL, 0, 0 },
};

long long
parse_duration(const char *s)
{
	char		 digits[32];
	size_t		 len = strlen(s);
	long long	 unit = 1, n;
	const char	*why = NULL;

	if (len == 0 || len >= sizeof(digits))
		return -1;
	switch (s[len - 1]) {
	case 's': unit = 1; len--; break;
	case 'm': unit = 60; len--; break;
	case 'h': unit = 3600; len--; break;
	case 'd': unit = DAY; len--; break;
	default: break;
	}
	memcpy(digits, s, len);
	digits[len] = '\0';
	n = strtonum(digits, 0, LLONG_MAX / DAY, &why);
	return why ? -1 : n * unit;
}

static char **
parse_domains(const char *text)
{
	char	**list = NULL, **grown, *copy, *rest, *word;
	size_t	 n = 0;

	if ((copy = strdup(text)) == NULL)
		return NULL;
	if ((list = calloc(1, sizeof(*list))) == NULL)
		goto fail;
	rest = copy;
	while ((word = strsep(&rest, ", \t")) != NULL) {
		if (*word == '\0')
			continue;
		str_lower(word);
		if ((grown = reallocarray(list, n + 2, sizeof(*list))) == NULL)
			goto fail;
		list = grown;
		if ((list[n] = strdup(word)) == NULL)
			goto fail;
		list[++n] = NULL;
	}
	free(copy);
	return list;
fail:
	free(copy);
	for (size_t i = 0; list && i < n; i++)
		free(list[i]);
	free(list);
	return NULL;
}

static void
free_value(struct config *cf, const struct setting *s)
{
	void	*field = (char *)cf + s->offset;

	switch (s->kind) {
	case K_STRING:
	case K_FAMILY:
	case K_TLSMODE:
		free(*(char **)field);
		*(char **)field = NULL;
		break;
	case K_DOMAINS:
		for (char **d = *(char ***)field; d && *d; d++)
			free(*d);
		free(*(char ***)field);
		*(char ***)field = NULL;
		break;
	case K_CIDRS:
		cidr_list_free(field);
		break;
	default:
		break;
	}
}

/* Sets one value; on error returns -1 with the reason in why. */
static int
set_value(struct config *cf, const struct setting *s, const char *value,
    char *why, size_t whylen)
{
	void		*field = (char *)cf + s->offset;
	const char	*numwhy = NULL;
	long long	 n = 0;

	free_value(cf, s);
	switch (s->kind) {
	case K_STRING:
		if (*value == '\0' && (s->fallback != NULL ||
		    s->offset == AT(hostname))) {
			/* a NULL spool= or user= would crash, or worse */
			snprintf(why, whylen, "must not be empty");
			return -1;
		}
		if (*value == '\0')
			return 0;	/* empty means unset */
		return (*(char **)field = strdup(value)) ? 0 : -1;
	case K_FAMILY:
		if (strcmp(value, "ipv4") != 0 && strcmp(value, "ipv6") != 0) {
			snprintf(why, whylen, "must be ipv4 or ipv6");
			return -1;
		}
		return (*(char **)field = strdup(value)) ? 0 : -1;
	case K_TLSMODE:
		if (strcmp(value, "may") != 0 && strcmp(value, "verify") != 0 &&
		    strcmp(value, "dane") != 0) {
			snprintf(why, whylen, "must be may, verify or dane");
			return -1;
		}
		return (*(char **)field = strdup(value)) ? 0 : -1;
	case K_NUMBER:
		n = strtonum(value, s->min, s->max, &numwhy);
		break;
	case K_DURATION:
		n = parse_duration(value);
		if (n < 0)
			numwhy = "not a duration (such as 30, 15m, 4h, 5d)";
		else if (n < s->min)
			numwhy = "too small";
		else if (n > s->max)
			numwhy = "too large";
		break;
	case K_DOMAINS:
		return (*(char ***)field = parse_domains(value)) ? 0 : -1;
	case K_CIDRS:
		return cidr_list_parse(field, value, why, whylen);
	}
	if (numwhy) {
		snprintf(why, whylen, "%s: %s", value, numwhy);
		return -1;
	}
	*(long long *)field = n;
	return 0;
}

static const struct setting *
find_setting(const char *key)
{
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (strcmp(settings[i].key, key) == 0)
			return &settings[i];
	return NULL;
}

static int
load_defaults(struct config *cf)
{
	char	 why[256], host[256];

	memset(cf, 0, sizeof(*cf));
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (settings[i].fallback &&
		    set_value(cf, &settings[i], settings[i].fallback, why,
		    sizeof(why)) != 0)
			return -1;
	if (gethostname(host, sizeof(host)) != 0)
		strlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	return (cf->hostname = strdup(host)) ? 0 : -1;
}

/* smtpd's AUTH has one back end: the second one set is the error. */
static int
auth_keys_clash(const struct config *cf, const char *key, char *why,
    size_t whylen)
{
	if (cf->authusers == NULL || cf->dovecotauth == NULL)
		return 0;
	snprintf(why, whylen, "%s: %s is set too: AUTH takes one back end, "
	    "authusers or dovecotauth", key, strcmp(key, "authusers") == 0 ?
	    "dovecotauth" : "authusers");
	return -1;
}

static int
parse_line(struct config *cf, char *line, char *why, size_t whylen)
{
	const struct setting	*s;
	char			*eq, *key, *value;

	line = str_trim(line);
	if (*line == '\0' || *line == '#')
		return 0;
	if ((eq = strchr(line, '=')) == NULL) {
		snprintf(why, whylen, "%s: expected key=value", line);
		return -1;
	}
	*eq = '\0';
	key = str_trim(line);
	value = str_trim(eq + 1);
	if ((s = find_setting(key)) == NULL) {
		snprintf(why, whylen, "%s: unknown key", key);
		return -1;
	}
	if (set_value(cf, s, value, why, whylen) != 0) {
		char	reason[200];

		strlcpy(reason, *why ? why : "out of memory", sizeof(reason));
		snprintf(why, whylen, "%s: %s", key, reason);
		return -1;
	}
	return auth_keys_clash(cf, key, why, whylen);
}

int
config_load(struct config *cf, const char *path, char *err, size_t errlen)
{
	FILE	*fp;
	char	*line = NULL, why[400];
	size_t	 cap = 0;
	int	 lineno = 0, rc = 0;

	if (load_defaults(cf) != 0) {
		snprintf(err, errlen, "config: out of memory");
		return -1;
	}
	if ((cf->path = strdup(path ? path : CONFIG_DEFAULT_PATH)) == NULL)
		return -1;
	if ((fp = fopen(cf->path, "r")) == NULL) {
		if (errno == ENOENT && path == NULL)
			return 0;
		snprintf(err, errlen, "%s: %s", cf->path, strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, fp) != -1) {
		lineno++;
		why[0] = '\0';
		if (parse_line(cf, line, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", cf->path, lineno, why);
			rc = -1;
		}
	}
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: %s", cf->path, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && (cf->tlscert == NULL) != (cf->tlskey == NULL)) {
		/* one alone is a half-done TLS set-up, never meant */
		snprintf(err, errlen, "%s: %s: set tlscert and tlskey "
		    "together, or neither", cf->path,
		    cf->tlscert ? "tlscert" : "tlskey");
		rc = -1;
	}
	if (rc == 0 && cf->authsenders != NULL && cf->authusers == NULL &&
	    cf->dovecotauth == NULL) {
		snprintf(err, errlen, "%s: authsenders: needs authusers or "
		    "dovecotauth", cf->path);
		rc = -1;
	}
	free(line);
	fclose(fp);
	return rc;
}

void
config_free(struct config *cf)
{
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		free_value(cf, &settings[i]);
	free(cf->path);
	cf->path = NULL;
}

const char *
config_mailbox_domain(const struct config *cf, const char *domain)
{
	for (char **d = cf->localdomains; d && *d; d++)
		if (strcasecmp(*d, domain) == 0)
			return *d;
	if (strcasecmp(domain, "localhost") != 0 &&
	    (cf->hostname == NULL || strcasecmp(domain, cf->hostname) != 0))
		return NULL;
	if (cf->localdomains && cf->localdomains[0])
		return cf->localdomains[0];
	return cf->hostname ? cf->hostname : "localhost";
}

int
config_is_local(const struct config *cf, const char *domain)
{
	return config_mailbox_domain(cf, domain) != NULL;
}
