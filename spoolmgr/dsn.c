/* SPDX-License-Identifier: ISC */
/*
 * The text of an RFC 3464 delivery status notification: multipart/report
 * (RFC 6522) with report-type=delivery-status, a human-readable part, a
 * message/delivery-status part, then the original headers
 * (text/rfc822-headers) or, for RET=FULL, the whole message/rfc822.
 * Pure text building: no spool, so the unit tests can read it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <bsd/string.h>

#include "dsnparam.h"
#include "spoolmgr.h"

static const char *
action_of(enum dsn_kind kind, const struct dsn_rcpt *r)
{
	if (r->expanded)
		return "expanded";
	if (r->relayed)
		return "relayed";
	return kind == DSN_FAILED ? "failed" : kind == DSN_DELAYED ?
	    "delayed" : "delivered";
}

static int
has_8bit(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

int
dsn_needs_utf8(const struct envelope *env)
{
	if (env->smtputf8 || has_8bit(env->sender))
		return 1;
	for (size_t i = 0; i < env->nrcpts; i++)
		if (has_8bit(env->rcpts[i].addr))
			return 1;
	return 0;
}

/*
 * Final-Recipient's value: "rfc822; ADDR", or for an address with UTF-8
 * the utf-8-addr-unitext of RFC 6533 3 (message/global-delivery-status
 * only): the address as it is, with "+", "=", "\" and anything below
 * or at the space written \x{HEX}.
 */
static void
final_recipient(struct buf *b, const char *addr)
{
	if (!has_8bit(addr)) {
		buf_printf(b, "Final-Recipient: rfc822; %s\n", addr);
		return;
	}
	buf_printf(b, "Final-Recipient: utf-8; ");
	for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '+' || *p == '=' ||
		    *p == '\\')
			buf_printf(b, "\\x{%02X}", *p);
		else
			buf_append(b, (const char *)p, 1);
	buf_printf(b, "\n");
}

static void
human_part(struct buf *b, const struct dsn_info *in)
{
	const char	*sender = in->env->sender[0] ? in->env->sender : "<>";
	int		 relayed = 0;

	buf_printf(b, "This is the mail system at %s.\n\n", in->hostname);
	if (in->kind == DSN_FAILED)
		buf_printf(b, "Your message (from %s, queue id %lu) could not "
		    "be delivered\nto the recipients below. This is final; "
		    "the mail system will not\ntry again.\n\n", sender,
		    (unsigned long)in->env->id);
	else if (in->kind == DSN_DELAYED)
		buf_printf(b, "Your message (from %s, queue id %lu) has not "
		    "yet been delivered\nto the recipients below. The mail "
		    "system keeps trying; you need not\nsend it again.\n\n",
		    sender, (unsigned long)in->env->id);
	else
		buf_printf(b, "Your message (from %s, queue id %lu) was "
		    "delivered to the\nrecipients below, as you asked.\n\n",
		    sender, (unsigned long)in->env->id);
	for (size_t i = 0; i < in->nrcpts; i++) {
		buf_printf(b, "<%s>: %s\n", in->rcpts[i].addr,
		    in->rcpts[i].st->reply);
		relayed |= in->rcpts[i].relayed;
	}
	if (relayed)
		buf_printf(b, "\nThe mail servers that took the recipients "
		    "marked \"relayed\" in\nthe report do not offer "
		    "delivery notices: you will hear nothing more\nabout "
		    "them, even if the delivery fails there.\n");
	buf_printf(b, "\n");
}

static void
recipient_fields(struct buf *b, const struct dsn_info *in,
    const struct dsn_rcpt *r)
{
	char	 status[16], date[64], orcpt[DSN_ORCPT_MAX + 1];

	if (in->kind == DSN_DELIVERED)
		strlcpy(status, "2.0.0", sizeof(status));
	else
		status_of_reply(r->st->reply, status, sizeof(status));
	if (in->kind == DSN_FAILED && status[0] == '2')
		status[0] = '5';
	buf_printf(b, "\n");
	final_recipient(b, r->addr);
	if (r->orcpt) {
		dsn_orcpt_field(r->orcpt, orcpt, sizeof(orcpt));
		if (orcpt[0])
			buf_printf(b, "Original-Recipient: %s\n", orcpt);
	}
	buf_printf(b, "Action: %s\nStatus: %s\n", action_of(in->kind, r),
	    status);
	if (r->remote)
		buf_printf(b, "Remote-MTA: dns; %s\n", r->remote);
	/* RFC 3464 2.3.6: "smtp" says an SMTP server gave it; ours is X-. */
	if (isdigit((unsigned char)r->st->reply[0]))
		buf_printf(b, "Diagnostic-Code: %s; %s\n", r->local ?
		    "X-Smtpgate" : "smtp", r->st->reply);
	if (r->st->last) {
		rfc5322_date(r->st->last, date, sizeof(date));
		buf_printf(b, "Last-Attempt-Date: %s\n", date);
	}
	/* RFC 3464 2.3.9: when we give up, not when we try next. */
	if (in->kind == DSN_DELAYED && in->expires) {
		rfc5322_date(in->expires, date, sizeof(date));
		buf_printf(b, "Will-Retry-Until: %s\n", date);
	}
}

static void
status_part(struct buf *b, const struct dsn_info *in)
{
	char	 date[64], envid[200];

	buf_printf(b, "Reporting-MTA: dns; %s\n", in->hostname);
	if (in->env->envid) {
		dsn_xtext_display(in->env->envid, envid, sizeof(envid));
		buf_printf(b, "Original-Envelope-Id: %s\n", envid);
	}
	rfc5322_date(in->env->date, date, sizeof(date));
	buf_printf(b, "Arrival-Date: %s\n", date);
	for (size_t i = 0; i < in->nrcpts; i++)
		recipient_fields(b, in, &in->rcpts[i]);
	buf_printf(b, "\n");
}

/* The original headers, or all of it; -1 when the text is unreadable. */
static int
original_part(struct buf *b, const struct dsn_info *in)
{
	FILE	*fp;
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 len;
	int	 in_body = 0, ended_nl = 1;

	if ((fp = fopen(in->txtpath, "r")) == NULL)
		return -1;
	while ((len = getline(&line, &cap, fp)) > 0) {
		if (!in_body && (line[0] == '\n' || strcmp(line, "\r\n") == 0)) {
			in_body = 1;
			if (!in->full)
				break;
		}
		buf_append(b, line, (size_t)len);
		ended_nl = line[len - 1] == '\n';
	}
	if (!ended_nl)
		buf_printf(b, "\n");
	free(line);
	fclose(fp);
	return 0;
}

/* 8-bit bytes need "Content-Transfer-Encoding: 8bit" (RFC 2045 6.2). */
static int
buf_8bit(const struct buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if ((unsigned char)b->data[i] >= 0x80)
			return 1;
	return 0;
}

/* A body part: its headers, the encoding its bytes need, its body. */
static void
add_part(struct buf *b, const char *boundary, const char *headers,
    const struct buf *body)
{
	buf_printf(b, "--%s\n%s%s\n", boundary, headers, buf_8bit(body) ?
	    "Content-Transfer-Encoding: 8bit\n" : "");
	buf_append(b, body->data, body->len);
}

/*
 * The three parts.  RFC 6533: SMTPUTF8 mail gets the types that may hold
 * UTF-8 (message/global-delivery-status, message/global and
 * message/global-headers).
 */
static int
compose_parts(struct buf *parts, const struct dsn_info *in,
    const char *boundary)
{
	struct buf	 human = { NULL, 0, 0 }, status = { NULL, 0, 0 },
			 orig = { NULL, 0, 0 };
	char		 headers[256];
	int		 rc = 0;

	human_part(&human, in);
	status_part(&status, in);
	if (original_part(&orig, in) != 0)
		rc = -1;
	snprintf(headers, sizeof(headers), "Content-Type: text/plain; "
	    "charset=%s\nContent-Description: Notification\n",
	    in->utf8 || buf_8bit(&human) ? "utf-8" : "us-ascii");
	add_part(parts, boundary, headers, &human);
	snprintf(headers, sizeof(headers), "Content-Type: message/%s"
	    "delivery-status\n", in->utf8 ? "global-" : "");
	add_part(parts, boundary, headers, &status);
	snprintf(headers, sizeof(headers), "Content-Type: %s\n"
	    "Content-Description: %s\n", in->full ? (in->utf8 ?
	    "message/global" : "message/rfc822") : in->utf8 ?
	    "message/global-headers" : "text/rfc822-headers", in->full ?
	    "Undelivered message" : "Headers of the undelivered message");
	add_part(parts, boundary, headers, &orig);
	buf_printf(parts, "\n--%s--\n", boundary);
	buf_free(&human);
	buf_free(&status);
	buf_free(&orig);
	return rc;
}

int
dsn_compose(struct buf *b, const struct dsn_info *in)
{
	struct buf	 parts = { NULL, 0, 0 };
	char		 date[64], boundary[128];
	const char *subject = in->kind == DSN_FAILED ?
	    "Undelivered Mail Returned to Sender" : in->kind == DSN_DELAYED ?
	    "Delayed Mail (still being retried)" : "Successful Mail Delivery";
	int		 rc;

	rfc5322_date(in->now, date, sizeof(date));
	snprintf(boundary, sizeof(boundary), "=_%lu.%lld/%s",
	    (unsigned long)in->dsnid, (long long)in->now, in->hostname);
	if (compose_parts(&parts, in, boundary) != 0) {
		buf_free(&parts);
		return -1;
	}
	buf_printf(b, "From: Mail Delivery System <MAILER-DAEMON@%s>\n"
	    "To: <%s>\nSubject: %s\nDate: %s\n"
	    "Message-ID: <%lu.%lld.dsn@%s>\n"
	    "Auto-Submitted: auto-replied\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status;\n"
	    "\tboundary=\"%s\"\n%s\nThis is a MIME-encapsulated message.\n\n",
	    in->hostname, in->to, subject, date, (unsigned long)in->dsnid,
	    (long long)in->now, in->hostname, boundary, buf_8bit(&parts) ?
	    "Content-Transfer-Encoding: 8bit\n" : "");
	rc = buf_append(b, parts.data, parts.len);
	buf_free(&parts);
	return rc;
}
