/* SPDX-License-Identifier: ISC */
/* The verbs of a mail transaction: MAIL, RCPT and DATA. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "engine.h"
#include "log.h"

/* Skips "FROM:" or "TO:" (any case) and any spaces after the colon. */
static char *
after_keyword(char *arg, const char *keyword)
{
	size_t	 len = strlen(keyword);

	if (strncasecmp(arg, keyword, len) != 0)
		return NULL;
	arg += len;
	while (*arg == ' ')	/* not in RFC 5321, but common */
		arg++;
	return arg;
}

/* The text after a path: "" or " PARAM...". NULL when it is neither. */
static char *
params_after(char *rest)
{
	if (*rest == '\0')
		return rest;
	if (*rest != ' ')
		return NULL;
	while (*rest == ' ')
		rest++;
	return rest;
}

void
cmd_mail(struct session *s, char *arg)
{
	struct mailbox	 mb;
	enum addr_status st;
	char		*path, *params, sender[ADDR_PATH_MAX + 1];
	size_t		 used;

	transaction_reset(s);
	if (!auth_mail_allowed(s))	/* -S: AUTH first */
		return;
	if ((path = after_keyword(arg, "FROM:")) == NULL) {
		reply_error(s, 501, "5.5.4", "syntax: MAIL FROM:<address>");
		return;
	}
	st = addr_parse_path(path, &used, &mb, ADDR_NULL_OK | ADDR_UTF8);
	if (st != ADDR_OK || (params = params_after(path + used)) == NULL) {
		reply_error(s, 501, "5.1.7", "bad sender address: %s",
		    st != ADDR_OK ? addr_strerror(st) : "text after the path");
		return;
	}
	if (mail_params(s, params) != 0) {
		transaction_reset(s);
		return;
	}
	if (mb.has_utf8 && !s->env.smtputf8) {
		reply(s, 553, "5.6.7", "a UTF-8 address needs SMTPUTF8");
		transaction_reset(s);
		return;
	}
	if (s->env.size > s->cf->maxsize) {
		reply(s, 552, "5.3.4", "message size exceeds fixed maximum "
		    "message size (%lld)", s->cf->maxsize);
		transaction_reset(s);
		return;
	}
	addr_format(&mb, sender, sizeof(sender));
	if (!auth_sender_allowed(s, sender)) {	/* authsenders= */
		transaction_reset(s);
		return;
	}
	if ((s->env.sender = strdup(sender)) == NULL) {
		reply(s, 451, "4.3.0", "out of memory");
		transaction_reset(s);
		return;
	}
	set_state(s, S_MAIL);
	reply(s, 250, "2.1.0", "sender <%s> ok", sender);
}

static int
already_listed(const struct envelope *env, const char *addr)
{
	for (size_t i = 0; i < env->nrcpts; i++)
		if (strcmp(env->rcpts[i].addr, addr) == 0)
			return 1;
	return 0;
}

/* RFC 5321 4.1.1.3: "<Postmaster>" with no domain must be accepted. */
static int
bare_postmaster(const char *path, char *canon, size_t canonlen,
    const struct config *cf)
{
	size_t	 len = strlen("<postmaster>");

	if (strncasecmp(path, "<postmaster>", len) != 0 ||
	    (path[len] != '\0' && path[len] != ' '))
		return 0;
	snprintf(canon, canonlen, "postmaster@%s",
	    config_mailbox_domain(cf, cf->hostname));
	return (int)len;
}

/*
 * Parses RCPT's path into mb (or canon for <postmaster>) and finds its
 * parameters; -1 when the reply was given.
 */
static int
parse_rcpt(struct session *s, char *path, struct mailbox *mb, char *canon,
    size_t canonlen, char **params)
{
	enum addr_status st;
	size_t		 used;
	int		 len;

	if ((len = bare_postmaster(path, canon, canonlen, s->cf)) > 0) {
		mb->is_null = 1;	/* nothing to check: always taken */
		if ((*params = params_after(path + len)) != NULL)
			return 0;
		reply_error(s, 501, "5.1.3", "bad recipient address: %s",
		    addr_strerror(ADDR_SYNTAX));
		return -1;
	}
	st = addr_parse_path(path, &used, mb, s->env.smtputf8 ? ADDR_UTF8 : 0);
	if (st == ADDR_NEEDS_UTF8) {
		reply(s, 553, "5.6.7", "a UTF-8 address needs SMTPUTF8");
		return -1;
	}
	if (st == ADDR_OK && (*params = params_after(path + used)) == NULL)
		st = ADDR_SYNTAX;
	if (st != ADDR_OK) {
		reply_error(s, 501, "5.1.3", "bad recipient address: %s",
		    addr_strerror(st));
		return -1;
	}
	return 0;
}

void
cmd_rcpt(struct session *s, char *arg)
{
	struct rcpt_params rp;
	struct mailbox	 mb;
	char		*path, *params = NULL, canon[ADDR_PATH_MAX + 1];

	if ((path = after_keyword(arg, "TO:")) == NULL) {
		reply_error(s, 501, "5.5.4", "syntax: RCPT TO:<address>");
		return;
	}
	if (parse_rcpt(s, path, &mb, canon, sizeof(canon), &params) != 0 ||
	    rcpt_params(s, params, &rp) != 0)
		return;
	if (!mb.is_null && rcpt_check(s, &mb, canon, sizeof(canon)) != 0)
		return;
	if (already_listed(&s->env, canon)) {
		reply(s, 250, "2.1.5", "recipient <%s> ok (duplicate)", canon);
		return;
	}
	if ((long long)s->env.nrcpts >= s->cf->maxrcpt) {
		reply(s, 452, "4.5.3", "too many recipients");
		return;
	}
	if (envelope_add_rcpt(&s->env, canon, rp.notify[0] ? rp.notify : NULL,
	    rp.orcpt[0] ? rp.orcpt : NULL) != 0) {
		reply(s, 451, "4.3.0", "out of memory");
		return;
	}
	set_state(s, S_RCPT);
	reply(s, 250, "2.1.5", "recipient <%s> ok", canon);
}

void
cmd_data(struct session *s, char *arg)
{
	char	 err[256];

	if (*arg) {
		reply_error(s, 501, "5.5.4", "DATA takes no argument");
		return;
	}
	if (s->env.nrcpts == 0) {
		reply(s, 554, "5.5.1", "no valid recipients");
		return;
	}
	if (spool_open(&s->msg, s->cf->spool, err, sizeof(err)) != 0) {
		log_error("cannot queue for %s: %s", s->client, err);
		reply(s, 451, "4.3.0", "cannot queue the message now; try later");
		return;
	}
	s->msg_open = 1;
	data_begin(s, 0);
	set_state(s, S_DATA);
	reply(s, 354, NULL, "end data with <CR><LF>.<CR><LF>");
}
