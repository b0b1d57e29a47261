/* SPDX-License-Identifier: ISC */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <bsd/string.h>

#include "engine.h"
#include "log.h"

#define BIT(state)	(1u << (state))
#define COMMAND_STATES	(BIT(S_FRESH) | BIT(S_READY) | BIT(S_MAIL) | BIT(S_RCPT))

/*
 * The verbs.  A verb used in a state not in its mask gets 503, decided
 * here once; the handlers check only syntax and policy.  maxlen is the
 * longest command line with CRLF: 512, plus what RFC 1870 (SIZE, 26) and
 * RFC 3461 (ENVID 100, ORCPT and NOTIFY 500) add to MAIL and RCPT.
 */
static const struct verb {
	const char	*name;
	unsigned	 states;
	const char	*order;		/* what a 503 says */
	void		(*handler)(struct session *, char *);
	size_t		 maxlen;
} verbs[] = {
	{ "EHLO", COMMAND_STATES, NULL, cmd_ehlo, CMD_LINE_MAX },
	{ "HELO", COMMAND_STATES, NULL, cmd_helo, CMD_LINE_MAX },
	{ "MAIL", BIT(S_READY), "nested MAIL command", cmd_mail,
	    CMD_LINE_MAX + 26 + 100 },
	{ "RCPT", BIT(S_MAIL) | BIT(S_RCPT), "need MAIL before RCPT",
	    cmd_rcpt, CMD_LINE_MAX + 500 },
	{ "DATA", BIT(S_MAIL) | BIT(S_RCPT), "need MAIL and RCPT before DATA",
	    cmd_data, CMD_LINE_MAX },
	{ "RSET", COMMAND_STATES, NULL, cmd_rset, CMD_LINE_MAX },
	{ "NOOP", COMMAND_STATES, NULL, cmd_noop, CMD_LINE_MAX },
	{ "QUIT", COMMAND_STATES, NULL, cmd_quit, CMD_LINE_MAX },
	{ "VRFY", COMMAND_STATES, NULL, cmd_vrfy, CMD_LINE_MAX },
	{ "EXPN", COMMAND_STATES, NULL, cmd_expn, CMD_LINE_MAX },
	{ "HELP", COMMAND_STATES, NULL, cmd_help, CMD_LINE_MAX },
	{ "STARTTLS", BIT(S_FRESH) | BIT(S_READY),
	    "STARTTLS not allowed during a mail transaction", cmd_starttls,
	    CMD_LINE_MAX },
	/* RFC 4954 4: not inside a transaction; room for PLAIN's answer */
	{ "AUTH", BIT(S_READY), "AUTH is not allowed during a mail "
	    "transaction", cmd_auth, CMD_BUF_MAX },
};

void
set_state(struct session *s, enum state next)
{
	s->state = next;
}

void
transaction_reset(struct session *s)
{
	envelope_free(&s->env);
	if (s->msg_open) {
		spool_abort(&s->msg);
		s->msg_open = 0;
	}
}

void
session_init(struct session *s, const struct config *cf,
    const struct aliases *aliases, const char *client, struct buf *out)
{
	memset(s, 0, sizeof(*s));
	s->cf = cf;
	s->aliases = aliases;
	s->out = out;
	strlcpy(s->client, client, sizeof(s->client));
	s->may_relay = cidr_list_match(&cf->relayclients, client);
	envelope_init(&s->env);
	s->msg.cmd_fd = -1;
	set_state(s, S_FRESH);
}

void
session_free(struct session *s)
{
	transaction_reset(s);
}

void
session_greet(struct session *s)
{
	reply(s, 220, NULL, "%s ESMTP smtpgate", s->cf->hostname);
	log_info("connection from %s%s", s->client,
	    s->may_relay ? " (relay client)" : "");
}

int
session_closed(const struct session *s)
{
	return s->state == S_CLOSED;
}

void
session_timeout(struct session *s, int whole)
{
	if (s->state == S_CLOSED)
		return;
	if (s->state == S_DATA && s->msg_open)
		log_info("message %lu: dropped, client %s timed out",
		    (unsigned long)s->msg.id, s->client);
	reply_close(s, "4.4.2", whole ? "session time limit reached" :
	    "timeout waiting for the client");
	s->flush_now = 1;
}

void
session_eof(struct session *s)
{
	if (s->state == S_CLOSED)
		return;
	if (s->state == S_DATA && s->msg_open)
		log_info("message %lu: dropped, %s hung up during DATA",
		    (unsigned long)s->msg.id, s->client);
	else
		log_info("%s hung up without QUIT", s->client);
	transaction_reset(s);
	set_state(s, S_CLOSED);
}

static const struct verb *
find_verb(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strlen(verbs[i].name) == len &&
		    strncasecmp(verbs[i].name, name, len) == 0)
			return &verbs[i];
	return NULL;
}

static void
dispatch(struct session *s, char *line)
{
	size_t		 len = strcspn(line, " ");
	const struct verb *v = find_verb(line, len);
	char		*arg = line + len;

	while (*arg == ' ')
		arg++;
	if (v == NULL)
		reply_error(s, 500, "5.5.1", "command unrecognized");
	else if (strlen(line) + 2 > v->maxlen)
		reply_error(s, 500, "5.5.2", "line too long: %s is limited "
		    "to %zu octets", v->name, v->maxlen);
	else if (!(v->states & BIT(s->state)))
		reply_error(s, 503, "5.5.1", "bad sequence of commands: %s",
		    s->state == S_FRESH ? "send EHLO or HELO first" :
		    v->order);
	else
		v->handler(s, arg);

	if (v && v->handler == cmd_data && s->state != S_CLOSED) {
		/* RFC 2920: DATA is a sync point.  Text already sent after a
		 * refused DATA is message text, not commands: skip it. */
		if (s->state != S_DATA && (s->input_left || s->more_input))
			data_begin(s, 1);
		s->flush_now = 1;
	}
	if (s->errors >= s->cf->maxerrors && s->state != S_CLOSED) {
		transaction_reset(s);
		reply_close(s, "4.7.0", "too many errors");
	}
	if (s->state == S_CLOSED)
		s->flush_now = 1;
}

/* A whole command line, LF and any CR before it already gone. */
static void
command_line(struct session *s)
{
	if (s->auth_step != AUTH_IDLE) {	/* an answer to AUTH's 334 */
		s->cmd[s->cmdlen] = '\0';
		auth_answer(s, s->cmd, s->cmdlen, s->cmd_overflow);
	} else if (s->cmd_overflow) {
		reply_error(s, 500, "5.5.2", "line too long: commands are "
		    "limited to %d octets", CMD_LINE_MAX);
	} else if (memchr(s->cmd, '\0', s->cmdlen) ||
	    memchr(s->cmd, '\r', s->cmdlen)) {
		reply_error(s, 500, "5.5.2", "NUL or bare CR in command");
	} else {
		s->cmd[s->cmdlen] = '\0';
		dispatch(s, s->cmd);
		return;
	}
	if (s->errors >= s->cf->maxerrors) {
		reply_close(s, "4.7.0", "too many errors");
		s->flush_now = 1;
	}
}

/* Collects a command up to LF (a CR before it is dropped). */
static size_t
command_input(struct session *s, const char *bytes, size_t len)
{
	const char	*lf = memchr(bytes, '\n', len);
	size_t		 take = lf ? (size_t)(lf - bytes) : len;

	if (s->cmd_overflow || s->cmdlen + take > CMD_BUF_MAX)
		s->cmd_overflow = 1;
	else {
		memcpy(s->cmd + s->cmdlen, bytes, take);
		s->cmdlen += take;
	}
	if (lf == NULL)
		return len;
	if (!s->cmd_overflow && s->cmdlen > 0 && s->cmd[s->cmdlen - 1] == '\r')
		s->cmdlen--;
	s->input_left = len - take - 1;
	command_line(s);
	s->cmdlen = 0;
	s->cmd_overflow = 0;
	return take + 1;
}

size_t
session_input(struct session *s, const char *bytes, size_t len)
{
	size_t	 used = 0;

	while (used < len && s->state != S_CLOSED && !s->flush_now &&
	    !s->tls_start) {
		if (s->state == S_DATA)
			used += data_input(s, bytes + used, len - used);
		else
			used += command_input(s, bytes + used, len - used);
	}
	/* After STARTTLS, what the client sent with it is dropped unread:
	 * plaintext must never be taken as said inside TLS (CVE-2011-0411). */
	return s->state == S_CLOSED || s->tls_start ? len : used;
}
