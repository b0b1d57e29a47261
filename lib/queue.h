/* SPDX-License-Identifier: ISC */
/*
 * Work on messages already in the spool: locking, recipient state and
 * atomic rewrites of N.WRK (smtpgate-spool(5)).  Used by spoolmgr and by
 * mailer's deliver-at-once.  Whoever works on a message holds flock()
 * on its WRK file; others skip it.
 *
 * A recipient's state is an envelope line after the To lines:
 *   State: <addr> WORD LAST TRIES NEXT CODE TEXT...
 * WORD is done, failed, deferred or bounced; LAST and NEXT are epoch
 * seconds (last attempt, next try); CODE TEXT is the last reply, such as
 * "550 5.1.1 no such user".  A recipient with no State line is pending.
 */
#ifndef SMTPGATE_QUEUE_H
#define SMTPGATE_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "envelope.h"

enum rcpt_state {
	RCPT_PENDING = 0,	/* not tried yet */
	RCPT_DEFERRED,		/* temporary failure: try again at next */
	RCPT_DONE,		/* delivered */
	RCPT_FAILED,		/* permanent failure, DSN not yet sent */
	RCPT_BOUNCED		/* permanent failure, DSN sent (or not owed) */
};

struct rcpt_status {
	enum rcpt_state	 state;
	time_t		 last;		/* last attempt */
	int		 tries;
	time_t		 next;		/* next try, for RCPT_DEFERRED */
	char		 reply[512];	/* "CODE TEXT" of the last attempt */
};

/* Opens and flocks path; blocking when wait, else -1/EWOULDBLOCK. */
int	queue_lock(const char *path, int wait);
/* The recipient's state; RCPT_PENDING when it has no State line. */
void	queue_get_state(const struct envelope *env, const char *addr,
	    struct rcpt_status *st);
/* Replaces (or adds) the recipient's State line. */
int	queue_set_state(struct envelope *env, const char *addr,
	    const struct rcpt_status *st);
/* 1 when no recipient is pending or deferred (or failed awaiting DSN). */
int	queue_all_final(const struct envelope *env);
/* Writes env to path.new, fsyncs, renames over path, fsyncs the dir. */
int	queue_rewrite(const char *path, const struct envelope *env);
/*
 * The same for the holder of *lockfd (queue_lock on path): the new file
 * is locked before it takes the name and *lockfd becomes its descriptor,
 * so the message is never unguarded.  Use it while keeping the lock.
 */
int	queue_rewrite_locked(const char *path, const struct envelope *env,
	    int *lockfd);
/* Removes SPOOL/SUBDIR/N.WRK (first: the message is then gone), N.TXT. */
int	queue_remove(const char *spool, const char *subdir, uint32_t id);
const char *queue_state_name(enum rcpt_state state);

#endif
