/* SPDX-License-Identifier: ISC */
/*
 * Message text after 354: a byte-level machine that ends only at
 * CRLF "." CRLF, removes the stuffed dots (RFC 5321 4.5.2) and stores
 * each line end as LF.
 *
 * A line ends at CRLF or at a bare LF (as Postfix's "normalize" and
 * OpenSMTPD take it: Python's smtplib sends a message's own LF line ends
 * as they are).  The line after a bare LF is read as any other, its
 * stuffed dot removed, but it can never end the data: a "." line ended
 * by a bare LF, or one that follows a bare LF, is text.  So "LF . LF"
 * cannot end the message nor start a second one inside it: the would-be
 * commands are text of this message, and mailer(1) doubles that dot when
 * it sends the message on.
 *
 * A bare CR or a NUL is never a line end and never taken: such a
 * message, or one with a line over 1000 octets, or one over maxsize, is
 * read to its final dot, refused with one reply, and nothing of it
 * stays in the spool.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "log.h"

static void
fault(struct data_reader *d, enum data_fault f)
{
	if (d->fault == FAULT_NONE)
		d->fault = f;
}

/* One octet of a line's text (not CR or LF). */
static void
text_byte(struct session *s, char c)
{
	struct data_reader	*d = &s->data;

	d->size++;
	if (++d->sent > TEXT_LINE_MAX - 2)
		fault(d, FAULT_LONG_LINE);
	if (c == '\0')
		fault(d, FAULT_NUL);
	if (d->size > s->cf->maxsize)
		fault(d, FAULT_TOO_BIG);
	if (d->fault == FAULT_NONE)
		d->line[d->kept++] = c;
}

/*
 * CRLF or a bare LF: the line goes to the spool with an LF.  Either
 * counts as two octets towards maxsize, the size the message has when
 * mailer sends it on with CRLF.  after_lf: the next line follows a bare
 * LF and cannot be the final dot.
 */
static void
line_end(struct session *s, int after_lf)
{
	struct data_reader	*d = &s->data;

	d->size += 2;
	if (d->size > s->cf->maxsize)
		fault(d, FAULT_TOO_BIG);
	if (d->fault == FAULT_NONE) {
		d->line[d->kept++] = '\n';
		if (submission_line(s, d->line, d->kept) != 0 ||
		    spool_write(&s->msg, d->line, d->kept) != 0)
			fault(d, FAULT_SPOOL);
	}
	d->kept = 0;
	d->sent = 0;
	d->after_lf = after_lf;
	d->state = D_BOL;
}

void
data_begin(struct session *s, int discard)
{
	char	 header[2048];
	int	 len;

	memset(&s->data, 0, sizeof(s->data));
	s->data.state = D_BOL;
	s->data.in_header = 1;
	set_state(s, S_DATA);
	if (discard) {
		fault(&s->data, FAULT_DISCARD);
		return;
	}
	len = received_header(s, header, sizeof(header));
	if (len < 0 || spool_write(&s->msg, header, (size_t)len) != 0)
		fault(&s->data, FAULT_SPOOL);
}

static void
commit(struct session *s)
{
	char	 err[300];

	s->env.date = time(NULL);
	if (submission_end(s) != 0) {
		log_error("message %lu: not queued: %s",
		    (unsigned long)s->msg.id, strerror(s->msg.saved_errno));
		reply(s, 451, "4.3.0", "cannot queue the message now; try "
		    "later");
		return;
	}
	if ((s->env.client = strdup(s->client)) == NULL ||
	    (s->env.helo = strdup(s->helo)) == NULL ||
	    spool_commit(&s->msg, &s->env, err, sizeof(err)) != 0) {
		if (s->env.client == NULL || s->env.helo == NULL)
			snprintf(err, sizeof(err), "out of memory");
		log_error("message %lu: not queued: %s",
		    (unsigned long)s->msg.id, err);
		reply(s, 451, "4.3.0", "cannot queue the message now; try "
		    "later");
		return;
	}
	s->msg_open = 0;
	s->accepted++;
	/* the login goes to the log, never into the message's header */
	log_info("message %lu: accepted from <%s> by %s%s%s%s, %zu "
	    "recipient%s, %lld octets", (unsigned long)s->msg.id,
	    s->env.sender, s->client, s->auth_login[0] ? " (login " : "",
	    s->auth_login, s->auth_login[0] ? ")" : "", s->env.nrcpts,
	    s->env.nrcpts == 1 ? "" : "s", s->data.size);
	reply(s, 250, "2.0.0", "queued as %lu", (unsigned long)s->msg.id);
}

static void
refuse(struct session *s, int code, const char *esc, const char *why)
{
	if (s->msg_open)
		log_info("message %lu: refused from %s: %s",
		    (unsigned long)s->msg.id, s->client, why);
	else
		log_info("message text from %s discarded: %s", s->client, why);
	reply(s, code, esc, "%s", why);
}

/* The final dot: one reply for the whole message. */
static void
data_end(struct session *s)
{
	switch (s->data.fault) {
	case FAULT_NONE:
		commit(s);
		break;
	case FAULT_DISCARD:
		refuse(s, 554, "5.5.0", "message text discarded: it was sent "
		    "although DATA was refused");
		break;
	case FAULT_BARE_CR:
		refuse(s, 554, "5.6.0", "bare CR in message text "
		    "(RFC 5321 2.3.8); message refused");
		break;
	case FAULT_NUL:
		refuse(s, 554, "5.6.0", "NUL octet in message text; message "
		    "refused");
		break;
	case FAULT_LONG_LINE:
		refuse(s, 500, "5.5.2", "line too long: message lines are "
		    "limited to 1000 octets (RFC 5321 4.5.3.1.6)");
		break;
	case FAULT_TOO_BIG:
		reply(s, 552, "5.3.4", "message exceeds fixed maximum message "
		    "size (%lld)", s->cf->maxsize);
		log_info("message %lu: refused from %s: over maxsize",
		    (unsigned long)s->msg.id, s->client);
		break;
	case FAULT_SPOOL:
		log_error("message %lu: not queued: %s",
		    (unsigned long)s->msg.id, strerror(s->msg.saved_errno));
		reply(s, 451, "4.3.0", "cannot queue the message now; try "
		    "later");
		break;
	}
	transaction_reset(s);
	/* text skipped after a DATA refused before EHLO greets no one */
	set_state(s, s->helo[0] ? S_READY : S_FRESH);
	s->flush_now = 1;
}

/* A "." line that is not the end: the dot is its text. */
static void
dot_line(struct session *s, int after_lf)
{
	text_byte(s, '.');
	line_end(s, after_lf);
}

/* One octet; returns 1 at the end of the data. */
static int
data_byte(struct session *s, char c)
{
	struct data_reader	*d = &s->data;

	switch (d->state) {
	case D_BOL:
		if (c == '.') {
			/* stuffing or end: not text, and not counted in the
			 * 1000 octets of a line (RFC 5321 4.5.3.1.6) */
			d->state = D_DOT;
			return 0;
		}
		break;
	case D_DOT:
		if (c == '\r') {
			d->state = D_DOT_CR;
			return 0;
		}
		if (c == '\n') {	/* "." bare LF: never the end */
			dot_line(s, 1);
			return 0;
		}
		break;		/* the dot was stuffing: it is dropped */
	case D_DOT_CR:
		if (c == '\n') {
			if (!d->after_lf)
				return 1;	/* CRLF "." CRLF */
			dot_line(s, 0);	/* LF "." CRLF: text */
			return 0;
		}
		fault(d, FAULT_BARE_CR);
		break;
	case D_TEXT:
		break;
	case D_CR:
		if (c == '\n') {
			line_end(s, 0);
			return 0;
		}
		fault(d, FAULT_BARE_CR);
		break;
	}
	/* Inside a line: CR may start a line end; LF alone is one. */
	if (c == '\r')
		d->state = D_CR;
	else if (c == '\n')
		line_end(s, 1);
	else {
		text_byte(s, c);
		d->state = D_TEXT;
	}
	return 0;
}

size_t
data_input(struct session *s, const char *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (data_byte(s, bytes[i])) {
			data_end(s);
			return i + 1;
		}
	return len;
}
