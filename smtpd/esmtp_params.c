/* SPDX-License-Identifier: ISC */
/*
 * MAIL and RCPT parameters (RFC 5321 4.1.2 esmtp-param): SIZE (RFC 1870),
 * BODY (RFC 6152), SMTPUTF8 (RFC 6531), and the DSN ones of RFC 3461:
 * RET and ENVID on MAIL, NOTIFY and ORCPT on RCPT.  A parameter we do
 * not offer gets 555; a bad value or a repeated keyword that carries a
 * value (SIZE, BODY, RET, ENVID, NOTIFY, ORCPT) gets 501.  SMTPUTF8 may
 * be repeated: it is a flag, and a second one says nothing new.
 * The DSN values are checked and made canonical by lib/dsnparam.c, so
 * that what is spooled is what mailer(1) takes and sends on.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bsd/stdlib.h>

#include "dsnparam.h"
#include "engine.h"

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
envid_param(struct session *s, const char *value)
{
	char	 canon[DSN_ENVID_MAX + 1];

	if (value == NULL || dsn_envid_canon(value, canon, sizeof(canon)) != 0)
		return bad_value(s, "ENVID");
	return set_once(s, &s->env.envid, "ENVID", canon);
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
		/* a flag with no value: a repeat cannot conflict, and
		 * Python's send_message sends it twice */
		s->env.smtputf8 = 1;
		return 0;
	}
	if (strcasecmp(keyword, "RET") == 0) {
		if (value == NULL || (value = dsn_ret_canon(value)) == NULL)
			return bad_value(s, "RET");
		return set_once(s, &s->env.ret, "RET", value);
	}
	if (strcasecmp(keyword, "ENVID") == 0)
		return envid_param(s, value);
	if (strcasecmp(keyword, "AUTH") == 0 && s->auth != NULL)
		return auth_mail_param(s, value);
	return unknown_param(s, "MAIL", keyword);
}

int
mail_params(struct session *s, char *params)
{
	char	*rest = *params ? params : NULL, *keyword, *value;

	if (rest && !s->esmtp)
		return unknown_param(s, "MAIL", "(any, after HELO)");
	while (rest) {
		if (dsn_next_param(&rest, &keyword, &value) != 0) {
			reply_error(s, 501, "5.5.4", "bad MAIL parameter syntax");
			return -1;
		}
		if (mail_param(s, keyword, value) != 0)
			return -1;
	}
	return 0;
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
		if (!value || dsn_notify_canon(value, rp->notify,
		    sizeof(rp->notify)) != 0)
			return bad_value(s, "NOTIFY");
		return 0;
	}
	if (strcasecmp(keyword, "ORCPT") == 0) {
		if (rp->orcpt[0]) {
			reply_error(s, 501, "5.5.4", "ORCPT given twice");
			return -1;
		}
		/* only what mailer can pass on: canonical, or 501 now */
		if (!value || dsn_orcpt_canon(value, rp->orcpt,
		    sizeof(rp->orcpt)) != 0)
			return bad_value(s, "ORCPT");
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
		if (dsn_next_param(&rest, &keyword, &value) != 0) {
			reply_error(s, 501, "5.5.4", "bad RCPT parameter syntax");
			return -1;
		}
		if (rcpt_param(s, keyword, value, rp) != 0)
			return -1;
	}
	return 0;
}
