/* SPDX-License-Identifier: ISC */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "auth_base64.h"
#include "client.h"

/* client_rcpt.flags, for the current transaction */
#define RF_INTX		0x01	/* its RCPT was sent in this transaction */
#define RF_ANSWERED	0x02	/* its RCPT got a reply */
#define RF_ACCEPTED	0x04	/* ... and the reply was 2xx */
#define RF_AGAIN	0x08	/* 452: try it in a next transaction */

static const char *const state_names[] = {
	"greeting", "ehlo", "helo", "starttls", "auth", "mail", "rcpt", "data",
	"body", "dot", "rset", "idle", "quit", "done"
};

const char *
client_state_name(enum client_state state)
{
	return state_names[state];
}

void
client_default_timeouts(struct client_timeouts *t)
{
	/* RFC 5321 4.5.3.2; EHLO and QUIT have none there */
	t->greeting = 300;
	t->helo = 300;
	t->mail = 300;
	t->rcpt = 300;
	t->data = 120;
	t->block = 180;
	t->dot = 600;
	t->quit = 60;
	t->connect = 0;		/* connecttimeout */
}

int
client_wait(const struct client *c, const struct client_timeouts *t)
{
	switch (c->state) {
	case CS_GREETING:	return t->greeting;
	case CS_EHLO:
	case CS_HELO:
	case CS_STARTTLS:
	case CS_AUTH:		return t->helo;
	case CS_RSET:
	case CS_MAIL:		return t->mail;
	case CS_RCPT:		return t->rcpt;
	case CS_DATA:		return t->data;
	case CS_BODY:		return t->block;
	case CS_DOT:		return t->dot;
	default:		return t->quit;
	}
}

int
client_is_utf8(const char *addr)
{
	for (; *addr; addr++)
		if ((unsigned char)*addr >= 0x80)
			return 1;
	return 0;
}

int
client_init(struct client *c, const char *helo_name, struct client_msg *msg)
{
	memset(c, 0, sizeof(*c));
	c->helo_name = helo_name;
	c->msg = msg;
	c->state = CS_GREETING;
	c->messages = 1;
	strlcpy(c->tls_summary, "none", sizeof(c->tls_summary));
	reply_init(&c->parser);
	c->tx = reallocarray(NULL, msg->nrcpts ? msg->nrcpts : 1,
	    sizeof(*c->tx));
	for (size_t i = 0; i < msg->nrcpts; i++)
		msg->rcpts[i].flags = 0;
	return c->tx ? 0 : -1;
}

void
client_free(struct client *c)
{
	free(c->tx);
	c->tx = NULL;
	buf_free(&c->out);
}

static void
set_state(struct client *c, enum client_state state)
{
	c->state = state;
}

static void
set_result(struct client_rcpt *r, enum rcpt_result result, int settled,
    const char *reply)
{
	r->result = result;
	r->settled = settled;
	strlcpy(r->reply, reply, sizeof(r->reply));
}

static enum rcpt_result
result_of(int code)
{
	if (code >= 200 && code < 300)
		return RESULT_OK;
	return code >= 500 ? RESULT_FAIL : RESULT_DEFER;
}

static enum client_next
send_quit(struct client *c)
{
	buf_printf(&c->out, "QUIT\r\n");
	set_state(c, CS_QUIT);
	return CLIENT_READ;
}

/*
 * This message's transaction is over.  In batch mode the session waits
 * for the next message; an RSET goes first when the transaction was left
 * open (MAIL taken, no final dot).
 */
static enum client_next
end_transaction(struct client *c, int need_rset)
{
	if (!c->batch)
		return send_quit(c);
	c->need_rset = need_rset;
	set_state(c, CS_IDLE);
	return CLIENT_TX_DONE;
}

/*
 * Everyone still open gets this reply: the session (greeting, EHLO,
 * MAIL) failed for all.  A 5xx from MAIL on is final; a failure before
 * that sends the recipients on to the next host.
 */
static void
fail_open(struct client *c, const char *reply, int code)
{
	int	 settled = code >= 500 && c->state >= CS_MAIL;

	for (size_t i = 0; i < c->msg->nrcpts; i++) {
		struct client_rcpt	*r = &c->msg->rcpts[i];

		if (!r->settled && !(r->flags & RF_ANSWERED))
			set_result(r, result_of(code) == RESULT_OK ?
			    RESULT_DEFER : result_of(code), settled, reply);
	}
	strlcpy(c->note, reply, sizeof(c->note));
}

/* Everyone still open is deferred: trouble of ours, not of the mail. */
static void
defer_open(struct client *c, const char *reply)
{
	for (size_t i = 0; i < c->msg->nrcpts; i++) {
		struct client_rcpt	*r = &c->msg->rcpts[i];

		if (!r->settled && !(r->flags & RF_ANSWERED))
			set_result(r, RESULT_DEFER, 0, reply);
	}
	strlcpy(c->note, reply, sizeof(c->note));
}

void
client_lost(struct client *c, const char *why)
{
	if (c->state == CS_IDLE) {	/* between messages: nobody waits */
		strlcpy(c->note, why, sizeof(c->note));
		set_state(c, CS_DONE);
		return;
	}
	for (size_t i = 0; i < c->msg->nrcpts; i++) {
		struct client_rcpt	*r = &c->msg->rcpts[i];

		if (r->settled || c->state >= CS_QUIT)
			continue;
		if ((r->flags & RF_ACCEPTED) || !(r->flags & RF_ANSWERED))
			set_result(r, RESULT_DEFER, 0, why);
	}
	if (c->state < CS_QUIT)
		strlcpy(c->note, why, sizeof(c->note));
	set_state(c, CS_DONE);
}

/* Appends " KEY=value" when value is set. */
static void
add_param(struct client *c, const char *key, const char *value)
{
	if (value != NULL)
		buf_printf(&c->out, " %s=%s", key, value);
}

/*
 * RFC 6531 3.4: SMTPUTF8 on MAIL when any address needs it, or the
 * message came with it (to a server that offers it).
 */
static int
needs_utf8(const struct client *c)
{
	int	 u = c->msg->smtputf8 || client_is_utf8(c->msg->sender);

	for (size_t i = 0; i < c->ntx; i++)
		u |= c->msg->rcpts[c->tx[i]].utf8;
	return u;
}

static void
send_mail(struct client *c)
{
	const struct client_msg	*m = c->msg;

	buf_printf(&c->out, "MAIL FROM:<%s>", m->sender);
	if (c->has_size && m->size >= 0)
		buf_printf(&c->out, " SIZE=%lld", c->convert7 ? m->size7 :
		    m->size);
	if (c->eightbitmime && m->eightbit)
		buf_printf(&c->out, " BODY=8BITMIME");
	if (c->smtputf8 && needs_utf8(c))
		buf_printf(&c->out, " SMTPUTF8");
	if (c->dsn) {
		add_param(c, "RET", m->ret);
		add_param(c, "ENVID", m->envid);
	}
	buf_printf(&c->out, "\r\n");
}

static void
send_rcpt(struct client *c, const struct client_rcpt *r)
{
	buf_printf(&c->out, "RCPT TO:<%s>", r->addr);
	if (c->dsn) {
		add_param(c, "NOTIFY", r->notify);
		add_param(c, "ORCPT", r->orcpt);
	}
	buf_printf(&c->out, "\r\n");
}

/*
 * SMTPUTF8 is needed, whatever the message came with, only for what a
 * server without it cannot take: a UTF-8 sender or UTF-8 in a header
 * section (RFC 6531 3.2, RFC 6532).  Recipients are checked one by one;
 * ORCPT is always sent in its 7-bit form (RFC 6533 3).
 */
static int
message_needs_utf8(const struct client_msg *m)
{
	return client_is_utf8(m->sender) || (m->smtputf8 && !m->ascii_headers);
}

/*
 * Refusals decided here, before anything is sent: the server's SIZE
 * limit, a missing SMTPUTF8 (RFC 6531 3.2) and 8-bit data for a server
 * without 8BITMIME that cannot be converted to 7 bits (RFC 6152 3: the
 * client must not send it; 5.6.3) are permanent.  Convertible 8-bit
 * MIME goes converted (c->convert7).
 */
static int
refuse_early(struct client *c)
{
	const struct client_msg	*m = c->msg;
	char			 why[CLIENT_REPLY_MAX];
	long long		 size;

	c->convert7 = m->eightbit && !c->eightbitmime && m->convertible;
	size = c->convert7 ? m->size7 : m->size;
	if (c->has_size && c->maxsize > 0 && size > c->maxsize) {
		snprintf(why, sizeof(why), "552 5.3.4 message size %lld "
		    "exceeds the server's limit of %lld", size, c->maxsize);
		fail_open(c, why, 552);
		return 1;
	}
	if (!c->smtputf8 && message_needs_utf8(m)) {
		fail_open(c, "553 5.6.7 the message needs SMTPUTF8 and the "
		    "server does not offer it", 553);
		return 1;
	}
	if (m->eightbit && !c->eightbitmime && !c->convert7) {
		snprintf(why, sizeof(why), "554 5.6.3 the message has 8-bit "
		    "data and the server does not offer 8BITMIME%s%s",
		    m->why_not7 ? "; it cannot be converted to 7 bits: " : "",
		    m->why_not7 ? m->why_not7 : "");
		fail_open(c, why, 554);
		return 1;
	}
	return 0;
}

/* Picks this transaction's recipients; 0 when there are none. */
static size_t
choose_recipients(struct client *c)
{
	c->ntx = c->nreplied = c->naccepted = 0;
	for (size_t i = 0; i < c->msg->nrcpts; i++) {
		struct client_rcpt	*r = &c->msg->rcpts[i];
		int			 again = r->flags & RF_AGAIN;

		/* one left out of a later transaction keeps its answer */
		r->flags = c->transactions > 0 ? RF_ANSWERED : 0;
		if (r->settled || (c->transactions > 0 && !again))
			continue;
		if (r->utf8 && !c->smtputf8) {
			set_result(r, RESULT_FAIL, 1, "553 5.6.7 the address "
			    "needs SMTPUTF8 and the server does not offer it");
			continue;
		}
		r->flags = RF_INTX;
		c->tx[c->ntx++] = i;
	}
	return c->ntx;
}

/* RFC 2920: the next group of RCPTs, and DATA after the last one. */
static void
send_group(struct client *c)
{
	size_t	 end = c->nsent + CLIENT_PIPE_GROUP;

	if (end > c->ntx)
		end = c->ntx;
	for (; c->nsent < end; c->nsent++)
		send_rcpt(c, &c->msg->rcpts[c->tx[c->nsent]]);
	if (c->nsent == c->ntx)
		buf_printf(&c->out, "DATA\r\n");
}

static enum client_next
start_transaction(struct client *c)
{
	set_state(c, CS_MAIL);
	if (refuse_early(c) || choose_recipients(c) == 0)
		return end_transaction(c, 0);	/* nothing was sent */
	c->transactions++;
	c->mail_ok = c->discard = 0;
	c->nsent = 0;
	send_mail(c);
	if (c->pipelining)	/* RFC 2920: MAIL, RCPTs and DATA at once */
		send_group(c);
	return CLIENT_READ;
}

static enum client_next
send_auth(struct client *c)
{
	char	 plain[600], coded[820];
	size_t	 ulen = strlen(c->auth_user), plen = strlen(c->auth_pass);

	set_state(c, CS_AUTH);
	if (c->auth_plain && ulen + plen + 2 <= sizeof(plain)) {
		/* RFC 4616: authzid NUL authcid NUL passwd */
		plain[0] = '\0';
		memcpy(plain + 1, c->auth_user, ulen + 1);
		memcpy(plain + ulen + 2, c->auth_pass, plen);
		(void)b64_encode(plain, ulen + plen + 2, coded, sizeof(coded));
		explicit_bzero(plain, sizeof(plain));
		buf_printf(&c->out, "AUTH PLAIN %s\r\n", coded);
		explicit_bzero(coded, sizeof(coded));
		c->auth_step = 0;
		return CLIENT_READ;
	}
	if (c->auth_login) {
		buf_printf(&c->out, "AUTH LOGIN\r\n");
		c->auth_step = 1;
		return CLIENT_READ;
	}
	defer_open(c, "530 5.7.0 the relay host offers no AUTH PLAIN or LOGIN");
	return send_quit(c);
}

/*
 * After EHLO or HELO: STARTTLS when offered and wanted, or when we have
 * credentials (which then never go without it), then AUTH.
 */
static enum client_next
after_hello(struct client *c)
{
	if (!c->tls && c->starttls && (c->want_tls || c->auth_user ||
	    c->tls_required)) {
		buf_printf(&c->out, "STARTTLS\r\n");
		set_state(c, CS_STARTTLS);
		return CLIENT_READ;
	}
	/* never in clear; credentials say so themselves (530 below) */
	if (!c->tls && c->tls_required && c->auth_user == NULL) {
		defer_open(c, c->tls_required);
		return send_quit(c);
	}
	if (c->auth_user == NULL)
		return start_transaction(c);
	if (!c->tls) {
		defer_open(c, "530 5.7.10 the relay host offers no STARTTLS: "
		    "credentials not sent");
		return send_quit(c);
	}
	return send_auth(c);
}

static enum client_next
on_starttls(struct client *c, const struct reply *r, const char *text)
{
	if (r->code != 220) {
		defer_open(c, text);
		return send_quit(c);
	}
	return CLIENT_START_TLS;
}

static enum client_next
on_auth(struct client *c, const struct reply *r, const char *text)
{
	const char	*what;
	char		 coded[400];

	if (r->code == 235)
		return start_transaction(c);
	if (r->code == 334 && (c->auth_step == 1 || c->auth_step == 2)) {
		/* AUTH LOGIN asks for the user, then the password */
		what = c->auth_step == 1 ? c->auth_user : c->auth_pass;
		if (strlen(what) > 290)
			what = "";
		(void)b64_encode(what, strlen(what), coded, sizeof(coded));
		buf_printf(&c->out, "%s\r\n", coded);
		explicit_bzero(coded, sizeof(coded));
		c->auth_step++;
		return CLIENT_READ;
	}
	if (r->code == 334)	/* a challenge we have no answer for */
		buf_printf(&c->out, "*\r\n");
	defer_open(c, text);
	return r->code == 334 ? CLIENT_READ : send_quit(c);
}

void
client_set_auth(struct client *c, const char *user, const char *pass)
{
	c->auth_user = user;
	c->auth_pass = pass;
}

enum client_next
client_tls_started(struct client *c)
{
	/* RFC 3207 4.2: forget what was said before TLS, and ask again;
	 * anything the server sent after its 220 was dropped unread */
	c->tls = 1;
	reply_init(&c->parser);
	c->pipelining = c->eightbitmime = c->dsn = c->smtputf8 = 0;
	c->has_size = c->starttls = c->auth_plain = c->auth_login = 0;
	c->maxsize = 0;
	buf_printf(&c->out, "EHLO %s\r\n", c->helo_name);
	set_state(c, CS_EHLO);
	return CLIENT_READ;
}

static enum client_next
on_greeting(struct client *c, const struct reply *r, const char *text)
{
	if (r->code != 220) {
		fail_open(c, text, r->code);
		return send_quit(c);
	}
	buf_printf(&c->out, "EHLO %s\r\n", c->helo_name);
	set_state(c, CS_EHLO);
	return CLIENT_READ;
}

/* The mechanisms after "AUTH": the ones we can use. */
static void
note_auth(struct client *c, const char *mechs)
{
	char	 copy[REPLY_LINE_MAX], *rest = copy, *word;

	strlcpy(copy, mechs, sizeof(copy));
	while ((word = strsep(&rest, " ")) != NULL) {
		if (strcasecmp(word, "PLAIN") == 0)
			c->auth_plain = 1;
		else if (strcasecmp(word, "LOGIN") == 0)
			c->auth_login = 1;
	}
}

/* One line of the EHLO reply after the first: a keyword and its params. */
static void
note_extension(struct client *c, const char *line)
{
	char		 word[32];
	size_t		 n = strcspn(line, " ");
	const char	*why = NULL;

	if (n >= sizeof(word))
		return;
	memcpy(word, line, n);
	word[n] = '\0';
	if (strcasecmp(word, "PIPELINING") == 0)
		c->pipelining = 1;
	else if (strcasecmp(word, "8BITMIME") == 0)
		c->eightbitmime = 1;
	else if (strcasecmp(word, "DSN") == 0)
		c->dsn = 1;
	else if (strcasecmp(word, "SMTPUTF8") == 0)
		c->smtputf8 = 1;
	else if (strcasecmp(word, "STARTTLS") == 0)
		c->starttls = 1;
	else if (strcasecmp(word, "AUTH") == 0)
		note_auth(c, line + n);
	else if (strcasecmp(word, "SIZE") == 0) {
		c->has_size = 1;
		if (line[n] == ' ')
			c->maxsize = strtonum(line + n + 1, 0, LLONG_MAX, &why);
		if (why)
			c->maxsize = 0;
	}
}

static enum client_next
on_ehlo(struct client *c, const struct reply *r, const char *text)
{
	const char	*line, *end;

	if (r->code >= 500) {
		/* RFC 5321 3.2: an old server; say HELO instead */
		buf_printf(&c->out, "HELO %s\r\n", c->helo_name);
		set_state(c, CS_HELO);
		return CLIENT_READ;
	}
	if (r->code != 250) {
		fail_open(c, text, r->code);
		return send_quit(c);
	}
	line = strchr(r->text, '\n');
	while (line != NULL) {
		char	 one[REPLY_LINE_MAX];

		line++;
		end = strchr(line, '\n');
		strlcpy(one, line, end && (size_t)(end - line) < sizeof(one) ?
		    (size_t)(end - line) + 1 : sizeof(one));
		note_extension(c, one);
		line = end;
	}
	return after_hello(c);
}

static enum client_next
on_helo(struct client *c, const struct reply *r, const char *text)
{
	if (r->code != 250) {
		fail_open(c, text, r->code);
		return send_quit(c);
	}
	return after_hello(c);
}

static enum client_next
on_mail(struct client *c, const struct reply *r, const char *text)
{
	if (r->code / 100 != 2) {
		fail_open(c, text, r->code);
		if (!c->pipelining)
			return end_transaction(c, 1);
		set_state(c, CS_RCPT);	/* the RCPT and DATA replies follow */
		return CLIENT_READ;
	}
	c->mail_ok = 1;
	set_state(c, CS_RCPT);
	if (!c->pipelining)
		send_rcpt(c, &c->msg->rcpts[c->tx[0]]);
	return CLIENT_READ;
}

static void
note_rcpt_reply(struct client *c, struct client_rcpt *rc,
    const struct reply *r, const char *text)
{
	rc->flags |= RF_ANSWERED;
	if (r->code / 100 == 2) {
		rc->flags |= RF_ACCEPTED;
		c->naccepted++;
		c->accepted_any = 1;
		rc->dsn_offered = c->dsn;	/* RFC 3461 5.2.2: "relayed" */
		strlcpy(rc->tls, c->tls_summary, sizeof(rc->tls));
		strlcpy(rc->reply, text, sizeof(rc->reply));
		return;
	}
	set_result(rc, result_of(r->code), r->code >= 500, text);
	if (r->code == 452)	/* RFC 5321 4.5.3.1.10: too many recipients */
		rc->flags |= RF_AGAIN;
}

static enum client_next
on_rcpt(struct client *c, const struct reply *r, const char *text)
{
	struct client_rcpt	*rc = &c->msg->rcpts[c->tx[c->nreplied++]];

	if (c->mail_ok)
		note_rcpt_reply(c, rc, r, text);
	if (c->nreplied < c->ntx) {
		if (!c->pipelining)
			send_rcpt(c, &c->msg->rcpts[c->tx[c->nreplied]]);
		else if (c->nreplied == c->nsent && !c->mail_ok)
			return end_transaction(c, 1);	/* no DATA sent yet */
		else if (c->nreplied == c->nsent)
			send_group(c);
		return CLIENT_READ;
	}
	if (!c->pipelining) {
		if (c->naccepted == 0)
			return end_transaction(c, 1);
		buf_printf(&c->out, "DATA\r\n");
	}
	set_state(c, CS_DATA);
	return CLIENT_READ;
}

/* The accepted recipients of this transaction get the reply. */
static void
settle_accepted(struct client *c, const struct reply *r, const char *text)
{
	for (size_t i = 0; i < c->ntx; i++) {
		struct client_rcpt	*rc = &c->msg->rcpts[c->tx[i]];

		if (rc->flags & RF_ACCEPTED)
			set_result(rc, result_of(r->code), r->code / 100 != 4,
			    text);
	}
}

static enum client_next
on_data(struct client *c, const struct reply *r, const char *text)
{
	if (r->code == 354) {
		if (c->mail_ok && c->naccepted > 0) {
			set_state(c, CS_BODY);
			return CLIENT_SEND_BODY;
		}
		/* RFC 2920 3.1: nobody to send to; end the data at once */
		buf_printf(&c->out, ".\r\n");
		c->discard = 1;
		set_state(c, CS_DOT);
		return CLIENT_READ;
	}
	if (c->mail_ok && c->naccepted > 0 && r->code < 400) {
		/* only 354 lets the message go: a "250" here took nothing */
		char	 why[CLIENT_REPLY_MAX];

		snprintf(why, sizeof(why), "451 4.5.0 reply to DATA not 354: "
		    "%s", text);
		for (size_t i = 0; i < c->ntx; i++)
			if (c->msg->rcpts[c->tx[i]].flags & RF_ACCEPTED)
				set_result(&c->msg->rcpts[c->tx[i]],
				    RESULT_DEFER, 0, why);
	} else if (c->mail_ok && c->naccepted > 0)
		settle_accepted(c, r, text);
	return end_transaction(c, 1);
}

static int
again_wanted(const struct client *c)
{
	for (size_t i = 0; i < c->ntx; i++)
		if (c->msg->rcpts[c->tx[i]].flags & RF_AGAIN)
			return 1;
	return 0;
}

static enum client_next
on_dot(struct client *c, const struct reply *r, const char *text)
{
	if (c->discard)
		return end_transaction(c, 0);
	settle_accepted(c, r, text);
	/* the server took some and said "too many" to others: go on */
	if (r->code / 100 == 2 && again_wanted(c))
		return start_transaction(c);
	return end_transaction(c, 0);
}

static enum client_next
on_rset(struct client *c, const struct reply *r, const char *text)
{
	if (r->code / 100 != 2) {	/* the session is no good: end it */
		defer_open(c, text);
		return send_quit(c);
	}
	return start_transaction(c);
}

int
client_next_msg(struct client *c, struct client_msg *msg,
    enum client_next *next)
{
	size_t	*tx;

	tx = reallocarray(c->tx, msg->nrcpts ? msg->nrcpts : 1, sizeof(*tx));
	if (tx == NULL)
		return -1;
	c->tx = tx;
	c->msg = msg;
	c->ntx = c->nsent = c->nreplied = c->naccepted = 0;
	c->transactions = c->accepted_any = 0;
	c->messages++;
	for (size_t i = 0; i < msg->nrcpts; i++)
		msg->rcpts[i].flags = 0;
	if (c->need_rset) {
		c->need_rset = 0;
		buf_printf(&c->out, "RSET\r\n");
		set_state(c, CS_RSET);
		*next = CLIENT_READ;
		return 0;
	}
	*next = start_transaction(c);
	return 0;
}

enum client_next
client_quit(struct client *c)
{
	return send_quit(c);
}

static enum client_next
on_quit(struct client *c, const struct reply *r, const char *text)
{
	(void)r;
	(void)text;
	set_state(c, CS_DONE);
	return CLIENT_CLOSE;
}

typedef enum client_next (*reply_handler)(struct client *,
    const struct reply *, const char *);

static const reply_handler handlers[] = {
	[CS_GREETING] = on_greeting,
	[CS_EHLO] = on_ehlo,
	[CS_HELO] = on_helo,
	[CS_STARTTLS] = on_starttls,
	[CS_AUTH] = on_auth,
	[CS_MAIL] = on_mail,
	[CS_RCPT] = on_rcpt,
	[CS_DATA] = on_data,
	[CS_DOT] = on_dot,
	[CS_RSET] = on_rset,
	[CS_QUIT] = on_quit,
};

static enum client_next
on_reply(struct client *c, const struct reply *r)
{
	char	 text[CLIENT_REPLY_MAX];

	c->replies++;
	reply_summary(r, text, sizeof(text));
	if (c->state == CS_QUIT)
		return on_quit(c, r, text);
	if (r->code == 0 || r->code == 421 || handlers[c->state] == NULL) {
		/* garbled, closing down, or speaking out of turn */
		if (handlers[c->state] == NULL)
			strlcpy(text, "421 4.5.0 reply while none was expected",
			    sizeof(text));
		client_lost(c, text);
		return CLIENT_CLOSE;
	}
	return handlers[c->state](c, r, text);
}

enum client_next
client_input(struct client *c, const char *data, size_t len)
{
	struct reply		 r;
	size_t			 used;
	enum client_next	 next = CLIENT_READ;

	if (c->state == CS_DONE)
		return CLIENT_CLOSE;
	while (len > 0 && next == CLIENT_READ) {
		if (!reply_feed(&c->parser, data, len, &used, &r))
			break;
		data += used;
		len -= used;
		next = on_reply(c, &r);
	}
	return next;
}

enum client_next
client_body_sent(struct client *c)
{
	buf_printf(&c->out, ".\r\n");
	set_state(c, CS_DOT);
	return CLIENT_READ;
}
