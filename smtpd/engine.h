/* SPDX-License-Identifier: ISC */
/* What the parts of smtpd's engine share; main.c uses session.h only. */
#ifndef SMTPD_ENGINE_H
#define SMTPD_ENGINE_H

#include "dsnparam.h"
#include "session.h"

/* reply.c: one reply line, with its RFC 3463 code when esc is not NULL. */
void	reply(struct session *s, int code, const char *esc, const char *fmt,
	    ...) __attribute__((format(printf, 4, 5)));
/* A 5xx for a bad or misplaced command: counts towards maxerrors. */
void	reply_error(struct session *s, int code, const char *esc,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* One line of a multi-line reply (last: the final line). */
void	reply_line(struct session *s, int code, int last, const char *text);
/* 421 with the reason, then the session is closed. */
void	reply_close(struct session *s, const char *esc, const char *why);

/* session.c */
void	set_state(struct session *s, enum state next);
/* Ends the transaction: envelope emptied, spool files removed. */
void	transaction_reset(struct session *s);

/* commands.c: the verbs' handlers, called by the dispatcher. */
void	cmd_helo(struct session *s, char *arg);
void	cmd_ehlo(struct session *s, char *arg);
void	cmd_mail(struct session *s, char *arg);
void	cmd_rcpt(struct session *s, char *arg);
void	cmd_data(struct session *s, char *arg);
void	cmd_rset(struct session *s, char *arg);
void	cmd_noop(struct session *s, char *arg);
void	cmd_quit(struct session *s, char *arg);
void	cmd_vrfy(struct session *s, char *arg);
void	cmd_expn(struct session *s, char *arg);
void	cmd_help(struct session *s, char *arg);
/* starttls.c */
void	cmd_starttls(struct session *s, char *arg);

/* auth.c: AUTH, and what it decides for MAIL. */
void	cmd_auth(struct session *s, char *arg);
/* A line answering AUTH's 334 (overflow: it was too long). */
void	auth_answer(struct session *s, char *line, size_t len,
	    int overflow);
/* 1 if MAIL may go on; otherwise 0, and the reply was given. */
int	auth_mail_allowed(struct session *s);
int	auth_sender_allowed(struct session *s, const char *sender);
/* MAIL's AUTH= parameter (RFC 4954 5): 0 if good, else replied. */
int	auth_mail_param(struct session *s, const char *value);

/* submission.c: -S adds Date and Message-ID when a message has none. */
/* The line (LF-terminated) is about to be spooled: missing headers go
 * before the header section's end; -1 if the spool write failed. */
int	submission_line(struct session *s, const char *line, size_t len);
/* The final dot: a message that was header only gets them at its end. */
int	submission_end(struct session *s);

/* rcpt.c: whether a recipient is taken; replies when it is not. */
struct mailbox;
int	rcpt_check(struct session *s, const struct mailbox *mb, char *canon,
	    size_t canonlen);

/* esmtp_params.c: MAIL and RCPT parameters, into s->env. */
struct rcpt_params {
	char	notify[DSN_NOTIFY_MAX];
	char	orcpt[DSN_ORCPT_MAX + 1];
};
/* 0 when all are good; otherwise the reply was given. */
int	mail_params(struct session *s, char *params);
int	rcpt_params(struct session *s, char *params, struct rcpt_params *rp);

/* data.c: message text. */
void	data_begin(struct session *s, int discard);
size_t	data_input(struct session *s, const char *bytes, size_t len);

/* received.c: the Received: header that starts every spooled message. */
int	received_header(const struct session *s, char *out, size_t outlen);

#endif
