/* SPDX-License-Identifier: ISC */
/*
 * spoolmgr: the queue runner and the queue tools of smtpgate.
 * spoolmgr(8) is the user's view; smtpgate-spool(5) the files.
 */
#ifndef SPOOLMGR_H
#define SPOOLMGR_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "addr.h"
#include "aliases.h"
#include "buf.h"
#include "config.h"
#include "envelope.h"
#include "journal.h"
#include "queue.h"
#include "text.h"

/* What one queue run knows; passed to every step. */
struct runner {
	struct config	*cf;
	const char	*confpath;	/* -C, passed on to mxlookup and mailer */
	struct aliases	 aliases;
	time_t		 now;
	unsigned	 maildir_seq;	/* the Q<n> of Maildir file names */
	int		 delivered, deferred, failed;
};

/* A message being worked on, its WRK flocked. */
struct msg {
	uint32_t	 id;
	char		 subdir[4];	/* "in" or "out" */
	int		 lockfd;
	struct envelope	 env;
	char		 msgid[256];	/* the Message-ID header, or "" */
	int		 hops;		/* its Received: header fields */
	int		 jobs;		/* remote deliveries still running */
	char		**remote;	/* per recipient: the one host of this
					   run's attempt, for Remote-MTA */
	size_t		 nremote;
	unsigned char	*own;		/* per recipient: this run's reply is
					   ours, not an SMTP server's */
	size_t		 nown;
	unsigned char	*notified;	/* per recipient: enum success_note */
	size_t		 unsaved;	/* recipients' states not yet in WRK */
	struct timespec	 saved_at;	/* CLOCK_MONOTONIC of the last save */
	struct msg	*next;
};

/*
 * Local results reach the WRK in batches: a rewrite per delivery made a
 * run quadratic in the recipients (issue 8, defect 6).  A crash repeats
 * at most one batch; smtpgate-spool(5) says so.
 */
#define SAVE_BATCH	100	/* recipients' states per rewrite, at most */
#define SAVE_SECONDS	1	/* and no older than this when the next comes */

/*
 * The success DSN a delivery owes under NOTIFY=SUCCESS (RFC 3461 5.2.7):
 * "delivered" to a mailbox, "expanded" for an alias of several targets,
 * none for an alias of one remote address (its DSN parameters go along,
 * and the next hop reports); "relayed" (5.2.2) for a remote recipient
 * taken by a server that did not offer DSN, none when it did.
 */
enum success_note { NOTE_NONE, NOTE_DELIVERED, NOTE_EXPANDED, NOTE_RELAYED };

/* How an attempt ended, for one recipient. */
enum outcome {
	OUT_DONE,
	OUT_DEFER,
	OUT_FAIL,
	OUT_SYSFAIL	/* the system, not the message: defer and alert */
};

/* msg.c: loading, paths, headers, the bad/ directory */
void	msg_path(char *out, size_t outlen, const struct runner *r,
	    const struct msg *m, const char *ext);
int	msg_open(struct runner *r, const char *subdir, uint32_t id,
	    struct msg **out);
void	msg_close(struct msg *m);
int	msg_save(struct runner *r, struct msg *m);
int	msg_changed(struct runner *r, struct msg *m);
int	msg_flush(struct runner *r, struct msg *m);
int	msg_move_out(struct runner *r, struct msg *m);
int	msg_done_quietly(const struct msg *m);
void	msg_to_bad(const char *spool, const char *subdir, uint32_t id,
	    const char *why);
void	msg_fix_date(const char *spool, const char *subdir, uint32_t id,
	    struct envelope *env);
void	msg_sweep_orphans(const char *spool, const char *subdir, time_t now);
int	scan_ids(const char *spool, const char *subdir, uint32_t **ids,
	    size_t *n);
void	say(char *out, size_t len, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* local.c: aliases and Maildir delivery */
enum outcome local_deliver(struct runner *r, struct msg *m, size_t ri,
	    char *reply, size_t replylen);
int	local_check_postmaster(struct runner *r);
int	maildir_commit(struct runner *r, const char *dir, const char *tmp,
	    char *new, size_t newlen);
int	maildir_name(char *out, size_t outlen, time_t sec, long usec,
	    pid_t pid, unsigned seq, const char *host);

/* remote.c: mxlookup and mailer -x as child processes */
struct job;
void	remote_queue(struct runner *r, struct msg *m, const char *domain,
	    const size_t *rcpts, size_t n);
void	remote_run_all(struct runner *r, void (*finished)(struct runner *,
	    struct msg *));
size_t	remote_pending(void);
/*
 * Records what running batches have reported, without waiting: mail
 * delivered is recorded at once, not when the runner next waits (a crash
 * between would send it again); and starts a batch once a destination
 * has a full one waiting and a session free.
 */
void	remote_record_ready(struct runner *r,
	    void (*finished)(struct runner *, struct msg *));
/* Runs batches until fewer than below jobs are pending (0: none). */
void	remote_run_until(struct runner *r, size_t below,
	    void (*finished)(struct runner *, struct msg *));
/* child.c: in a child process, one message to one domain */
void	child_deliver(struct runner *r, const struct msg *m,
	    const char *domain, const size_t *rcpts, size_t n, FILE *report);
int	run_capture(char *const argv[], int in_fd, struct buf *out,
	    char *errtext, size_t errlen);
/* child.c: several messages to one destination over mailer -x -B */
void	child_deliver_batch(struct runner *r, const char *domain,
	    struct msg *const *msgs, size_t *const *rcpts,
	    const size_t *counts, size_t n, int ackfd, FILE *report);

/* report.c: reading a job's report, each value from its own line only */
/* The word (ok, defer, fail) and reply mailer gave for addr; -1: none. */
int	report_result(const struct buf *out, const char *addr, char *word,
	    size_t wordlen, char *reply, size_t replylen);
/*
 * 0 when mailer says the server that took addr did not offer DSN (the
 * "dsn=no" field after a TAB on its line: mailer(1)); 1 otherwise.
 */
int	report_offered_dsn(const struct buf *out, const char *addr);
/*
 * How the session that took addr was protected, from the "tls=" field
 * after a TAB on its line (mailer(1) -D): "none", "dane/TLSv1.3/..."
 * into tls; -1 when the line has none (an older mailer).
 */
int	report_tls(const struct buf *out, const char *addr, char *tls,
	    size_t len);
int	report_number(const struct buf *out, const char *key, int *value);
/* len bytes of a report line's text as printable text into dst, as
 * report_text gives a value (control bytes '?'). */
void	report_copy_text(char *dst, size_t dstlen, const char *text,
	    size_t len);
/* The text of the line "key TEXT", or "". */
void	report_text(const struct buf *out, const char *key, char *text,
	    size_t len);
/* The hosts the job tried, "name[addr] ...", for the journal. */
void	report_hosts(const struct buf *out, char *hosts, size_t len);
/*
 * The one host a job talked to, as Remote-MTA names it (no port, no
 * brackets, no final dot); 0 when it had none, or several names: mailer
 * does not say which of them answered.  The addresses of one name are
 * one host.
 */
int	report_single_host(const struct buf *out, char *name, size_t namelen);

/*
 * A batch job's report cut to its message k (the addresses its recipients,
 * for an "ERR" line); 1 when that message's results are complete.
 */
int	report_block(const struct buf *out, size_t k, const char *const *addrs,
	    size_t naddrs, struct buf *view);

/* outcome.c: state, journal, log and counters after an attempt */
enum outcome record_outcome(struct runner *r, struct msg *m, size_t ri,
	    enum outcome out, struct rcpt_status *st, const char *where);

/* retry.c: intervals, expiry, per-domain next-try */
time_t	retry_interval(const struct config *cf, int tries);
void	retry_defer(const struct runner *r, const struct envelope *env,
	    struct rcpt_status *st, enum outcome *out);
int	domain_due(const struct runner *r, const char *domain);
void	domain_defer(const struct runner *r, const char *domain);
void	domain_clear(const struct runner *r, const char *domain);
int	status_of_reply(const char *reply, char *status, size_t len);

/* bounce.c: RFC 3464 delivery status notifications */
enum dsn_kind { DSN_FAILED, DSN_DELAYED, DSN_DELIVERED };
struct dsn_rcpt {
	const char		*addr;
	const char		*orcpt;
	const struct rcpt_status *st;
	const char		*remote;	/* the host that answered, or NULL */
	int			 expanded;	/* an alias's: Action: expanded */
	int			 local;		/* our own delivery, not SMTP's */
	int			 relayed;	/* Action: relayed (RFC 3461 5.2.2) */
};
struct dsn_info {
	enum dsn_kind		 kind;
	const char		*hostname;
	const struct envelope	*env;
	const char		*txtpath;
	const struct dsn_rcpt	*rcpts;
	size_t			 nrcpts;
	time_t			 now;
	uint32_t		 dsnid;		/* number of the DSN itself */
	int			 full;		/* the whole message (RET=FULL) */
	const char		*to;		/* header To: */
	time_t			 expires;	/* arrival + queuelife */
	int			 utf8;		/* RFC 6533 types and utf-8 */
};
int	dsn_compose(struct buf *out, const struct dsn_info *info);
/* SMTPUTF8 mail (flagged, or a UTF-8 address): RFC 6533's DSN. */
int	dsn_needs_utf8(const struct envelope *env);
int	bounce_message(struct runner *r, struct msg *m);
void	bounce_delay_warning(struct runner *r, struct msg *m);
void	bounce_success(struct runner *r, struct msg *m);
void	alert_postmaster(struct runner *r, const char *kind,
	    const char *text);
void	postmaster_addr(const struct config *cf, char *out, size_t len);

/* outcome.c: a journal line (lib/journal.h) about message m */
void	journal_msg(struct runner *r, const struct msg *m, const char *rcpt,
	    const char *event, const char *host, const char *reply,
	    const char *dsn);

/* run.c */
int	cmd_run(struct runner *r);
/* list.c, tools.c, health.c: the queue tools */
int	cmd_list(struct runner *r, int json);
int	cmd_show(struct runner *r, const char *id);
int	cmd_delete(struct runner *r, const char *id);
int	cmd_retry(struct runner *r, const char *what);
int	cmd_stats(struct runner *r, int json);
int	cmd_trace(struct runner *r, const char *what, int json);
int	cmd_health(struct runner *r, int json, long long warn, long long crit);
void	format_age(long long secs, char *out, size_t len);
uint32_t parse_id(const char *s);

#endif
