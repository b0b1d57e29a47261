/* SPDX-License-Identifier: ISC */
/* sendmail mode's pieces: submission into the spool, delivery at once. */
#ifndef MAILER_SENDMAIL_H
#define MAILER_SENDMAIL_H

#include <stdio.h>
#include <sys/types.h>

#include "config.h"
#include "envelope.h"
#include "spool.h"

struct submit {
	const char	*sender;	/* -f, or NULL: the user */
	const char	*fullname;	/* -F, or NULL */
	const char	*notify, *ret, *envid;	/* -N, -R, -V (raw) */
	int		 extract;	/* -t */
	int		 dot_ends;	/* no -i */
	char		**rcpts;	/* operands */
	int		 nrcpts;
	int		 verbose;
};

/*
 * Queues the message on stdin durably; env gets the envelope written.
 * On failure exits with a sysexits code after saying why.
 */
void	submit_message(const struct submit *s, const struct config *cf,
	    struct envelope *env);
/* Notes who runs mailer: call before root becomes the gateway's user. */
void	submit_note_caller(void);
/* "local@domain" for a user-given address; NULL if it is no address. */
char	*qualify(const char *addr, const char *hostname);

/*
 * Delivers the queued message in/ID now, for up to waittime seconds,
 * records each recipient's state in its WRK, tells on stderr who was
 * not delivered.  Returns the exit status.
 */
int	deliver_now(struct envelope *env, const struct config *cf,
	    int waittime, int verbose, const char *conf_timeouts);

/* runq.c */
/* -q: exits 77 unless caller is root or the gateway's user. */
void	queue_run_allowed(const struct config *cf, uid_t caller);
/* -q: runs "spoolmgr run" without our group; returns only on failure. */
int	run_queue(const struct config *cf, const char *conf, uid_t caller);
/* -bi, -I, newaliases: reads the aliases file and says what it holds. */
int	new_aliases(const struct config *cf);

/* bs.c: -bs, an SMTP session on stdin and stdout (smtpd's engine). */
int	smtp_session(const struct config *cf, uid_t caller);

/* bv.c: -bv, one line per recipient; 0 if all are deliverable. */
int	verify_rcpts(const struct config *cf, char **rcpts, int nrcpts);

#endif
