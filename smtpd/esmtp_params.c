/*
 * MAIL and RCPT parameters (RFC 5321 4.1.2 esmtp-param): SIZE (RFC 1870),
 * BODY (RFC 6152), SMTPUTF8 (RFC 6531), and the DSN ones of RFC 3461:
 * RET and ENVID on MAIL, NOTIFY and ORCPT on RCPT.  A parameter we do
 * not offer gets 555; a bad value or a repeated keyword gets 501.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "engine.h"

#define ENVID_MAX	100	/* RFC 3461 4.4 */
#define ORCPT_MAX	500	/* RFC 3461 4.2 */

/* xtext (RFC 3461 4): "!" to "~" but "+" and "=", or "+" and 2 HEX. */
int
xtext_valid(const char *text)
{
	const unsigned char	*p = (const unsigned char *)text;

	for (; *p; p++) {
		if (*p == '+') {
			if (!isxdigit(p[1]) || !isxdigit(p[2]) ||
			    islower(p[1]) || islower(p[2]))
				return 0;
			p += 2;
		} else if (*p < 33 || *p > 126 || *p == '=')
			return 0;
	}
	return 1;
}

/*
 * Splits the next "KEYWORD[=VALUE]" off *rest.  Returns 0, or -1 when it
 * breaks RFC 5321's esmtp-param syntax.
 */
static int
next_param(char **rest, char **keyword, char **value)
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
		if (**value == '\0' || strchr(*value, '=') != NULL)
			return -1;
		for (p++; *p; p++)
			if (*p < 33 || *p == 127)
				return -1;
	}
	if (!isalnum((unsigned char)*word))
		return -1;
	for (p = (unsigned char *)word; *p; p++)
		if (!isalnum(*p) && *p != '-')
			return -1;
	return 0;
}

static int
bad_value(struct session *s, const char *keyword)
{
	reply_error(s, 501, "5.5.4", "bad value for %s", keyword);
	return -1;
}

static int
unknown_param(struct session *s, const char *verb, const char *keyword)
{
	reply_error(s, 555, "5.5.4", "%s parameter %s not recognized", verb,
	    keyword);
	return -1;
}

static int
set_once(struct session *s, char **field, const char *keyword,
    const char *value)
{
	if (*field != NULL) {
		reply_error(s, 501, "5.5.4", "%s given twice", keyword);
		return -1;
	}
	if ((*field = strdup(value)) == NULL) {
		reply(s, 451, "4.3.0", "out of memory");
		return -1;
	}
	return 0;
}

static int
size_param(struct session *s, const char *value)
{
	const char	*why = NULL;
	size_t		 len = value ? strlen(value) : 0;

	if (len == 0 || len > 20 || strspn(value, "0123456789") != len)
		return bad_value(s, "SIZE");
	if (s->env.size >= 0) {
		reply_error(s, 501, "5.5.4", "SIZE given twice");
		return -1;
	}
	s->env.size = strtonum(value, 0, LLONG_MAX, &why);
	if (why)	/* more digits than a long long: too big anyway */
		s->env.size = LLONG_MAX;
	return 0;
}

static int
body_param(struct session *s, const char *value)
{
	if (value && strcasecmp(value, "7BIT") == 0)
		return set_once(s, &s->env.body, "BODY", "7BIT");
	if (value && strcasecmp(value, "8BITMIME") == 0)
		return set_once(s, &s->env.body, "BODY", "8BITMIME");
	if (value && strcasecmp(value, "BINARYMIME") == 0) {
		reply_error(s, 555, "5.5.4", "BODY=BINARYMIME needs CHUNKING, "
		    "which is not offered");
		return -1;
	}
	return bad_value(s, "BODY");
}

static int
mail_param(struct session *s, const char *keyword, const char *value)
{
	if (strcasecmp(keyword, "SIZE") == 0)
		return size_param(s, value);
	if (strcasecmp(keyword, "BODY") == 0)
		return body_param(s, value);
	if (strcasecmp(keyword, "SMTPUTF8") == 0) {
		if (value)
			return bad_value(s, "SMTPUTF8");
		if (s->env.smtputf8) {
			reply_error(s, 501, "5.5.4", "SMTPUTF8 given twice");
			return -1;
		}
		s->env.smtputf8 = 1;
		return 0;
	}
	if (strcasecmp(keyword, "RET") == 0) {
		if (value && strcasecmp(value, "FULL") == 0)
			return set_once(s, &s->env.ret, "RET", "FULL");
		if (value && strcasecmp(value, "HDRS") == 0)
			return set_once(s, &s->env.ret, "RET", "HDRS");
		return bad_value(s, "RET");
	}
	if (strcasecmp(keyword, "ENVID") == 0) {
		if (!value || strlen(value) > ENVID_MAX || !xtext_valid(value))
			return bad_value(s, "ENVID");
		return set_once(s, &s->env.envid, "ENVID", value);
	}
	return unknown_param(s, "MAIL", keyword);
}

int
mail_params(struct session *s, char *params)
{
	char	*rest = *params ? params : NULL, *keyword, *value;

	if (rest && !s->esmtp)
		return unknown_param(s, "MAIL", "(any, after HELO)");
	while (rest) {
		if (next_param(&rest, &keyword, &value) != 0) {
			reply_error(s, 501, "5.5.4", "bad MAIL parameter syntax");
			return -1;
		}
		if (mail_param(s, keyword, value) != 0)
			return -1;
	}
	return 0;
}

/* NEVER, or a list of SUCCESS, FAILURE and DELAY, each at most once. */
static int
notify_valid(const char *value, char *out, size_t outlen)
{
	static const char *const words[] = { "SUCCESS", "FAILURE", "DELAY" };
	char	 copy[64], *rest = copy, *word;
	int	 seen[3] = { 0, 0, 0 }, found;

	if (strcasecmp(value, "NEVER") == 0)
		return strlcpy(out, "NEVER", outlen) < outlen;
	if (strlcpy(copy, value, sizeof(copy)) >= sizeof(copy))
		return 0;
	out[0] = '\0';
	while ((word = strsep(&rest, ",")) != NULL) {
		found = 0;
		for (int i = 0; i < 3; i++)
			if (strcasecmp(word, words[i]) == 0 && !seen[i]++) {
				if (out[0])
					strlcat(out, ",", outlen);
				strlcat(out, words[i], outlen);
				found = 1;
			}
		if (!found)
			return 0;
	}
	return 1;
}

/* addr-type ";" xtext; "utf-8" addresses (RFC 6533) need no xtext. */
static int
orcpt_valid(const char *value)
{
	const char	*semi = strchr(value, ';');
	const unsigned char *p;

	if (semi == NULL || semi == value || semi[1] == '\0' ||
	    strlen(value) > ORCPT_MAX)
		return 0;
	for (p = (const unsigned char *)value; p < (const unsigned char *)semi;
	    p++)
		if (!isalnum(*p) && *p != '-')
			return 0;
	if (strncasecmp(value, "utf-8;", 6) != 0)
		return xtext_valid(semi + 1);
	for (p = (const unsigned char *)semi + 1; *p; p++)
		if (*p <= 32 || *p == 127)
			return 0;
	return 1;
}

static int
rcpt_param(struct session *s, const char *keyword, const char *value,
    struct rcpt_params *rp)
{
	if (strcasecmp(keyword, "NOTIFY") == 0) {
		if (rp->notify[0]) {
			reply_error(s, 501, "5.5.4", "NOTIFY given twice");
			return -1;
		}
		if (!value || !notify_valid(value, rp->notify,
		    sizeof(rp->notify)))
			return bad_value(s, "NOTIFY");
		return 0;
	}
	if (strcasecmp(keyword, "ORCPT") == 0) {
		if (rp->orcpt[0]) {
			reply_error(s, 501, "5.5.4", "ORCPT given twice");
			return -1;
		}
		if (!value || !orcpt_valid(value))
			return bad_value(s, "ORCPT");
		strlcpy(rp->orcpt, value, sizeof(rp->orcpt));
		return 0;
	}
	return unknown_param(s, "RCPT", keyword);
}

int
rcpt_params(struct session *s, char *params, struct rcpt_params *rp)
{
	char	*rest = *params ? params : NULL, *keyword, *value;

	memset(rp, 0, sizeof(*rp));
	if (rest && !s->esmtp)
		return unknown_param(s, "RCPT", "(any, after HELO)");
	while (rest) {
		if (next_param(&rest, &keyword, &value) != 0) {
			reply_error(s, 501, "5.5.4", "bad RCPT parameter syntax");
			return -1;
		}
		if (rcpt_param(s, keyword, value, rp) != 0)
			return -1;
	}
	return 0;
}
