/* SPDX-License-Identifier: ISC */
/*
 * Remote recipients, one job per message and domain.  Waiting jobs for
 * one destination (the domain; with relayhost, all of them) go together,
 * up to `batchsize` messages, to a batch: a child process (child.c) runs
 * mxlookup once and one mailer -x for them (-B when there are several,
 * one SMTP session for many messages) and reports on a pipe.  The parent
 * runs at most `sessions` batches at once, `destsessions` for one
 * destination, and is the only one that writes the spool: it applies
 * each message's results to it the moment mailer reports them.
 *
 * Each batch is a process group of its own, killed whole: after
 * `jobtimeout` without a message's end and when its report ends.  A mailer that outlived its job
 * would go on delivering what the parent records as not delivered, and
 * the next run would send it again.  A delivery is recorded only from
 * the lines mailer itself printed.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include <bsd/string.h>

#include "dsnparam.h"
#include "log.h"
#include "spoolmgr.h"

struct job {
	struct msg	*m;
	char		 domain[256];
	size_t		*rcpts;		/* indices into m->env.rcpts */
	size_t		 n;
	time_t		 started;	/* its transaction's start, about */
	int		 status;	/* the batch's exit status */
	struct buf	 out;		/* the batch's report, for this job */
	struct job	*next;
};

struct batch {
	char		 dest[256];	/* the domain; "" with relayhost */
	struct job	**jobs;
	unsigned char	*applied;	/* per job: results recorded */
	size_t		 n, left;
	pid_t		 pid;		/* and its process group */
	time_t		 progress;	/* start, or the last message's end */
	int		 fd;
	int		 ackfd;		/* "recorded": the next may go */
	int		 status;	/* its exit status, 128 + a signal */
	struct buf	 out;
	size_t		 scanned;	/* bytes of out already looked at */
	int		 down;		/* mailer found every host down */
	struct batch	*next;
};

/* Jobs waiting and batches running; one queue run at a time. */
static struct job	*waiting;
static struct batch	*running;
static size_t		 nrunning, runjobs;
/* The relay host found down in this run, and its reply; "" when not. */
static char		 relay_down[512];

size_t
remote_pending(void)
{
	size_t	 n = runjobs;

	for (struct job *j = waiting; j; j = j->next)
		n++;
	return n;
}

void
remote_queue(struct runner *r, struct msg *m, const char *domain,
    const size_t *rcpts, size_t n)
{
	struct job	*j = calloc(1, sizeof(*j)), **tail;

	(void)r;
	if (j == NULL || (j->rcpts = calloc(n, sizeof(*rcpts))) == NULL) {
		free(j);
		return;		/* stays queued for the next run */
	}
	j->m = m;
	strlcpy(j->domain, domain, sizeof(j->domain));
	memcpy(j->rcpts, rcpts, n * sizeof(*rcpts));
	j->n = n;
	m->jobs++;
	for (tail = &waiting; *tail; tail = &(*tail)->next)
		;
	*tail = j;
}

/* The job's time is up: it, its mxlookup and its mailer go at once. */
static void
kill_job_group(int sig)
{
	(void)sig;
	kill(0, SIGKILL);
}

/* In the batch's process: deliver, report on fd, exit. */
static void
job_child(struct runner *r, struct batch *b, int fd)
{
	struct msg	**msgs;
	size_t		**rcpts, *counts;

	struct sigaction	 sa;
	FILE			*report;

	(void)setpgid(0, 0);
	if (getpgrp() == getpid()) {	/* never the group of our parent */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = kill_job_group;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
	}
	signal(SIGPIPE, SIG_DFL);
	alarm((unsigned)r->cf->jobtimeout);
	if ((report = fdopen(fd, "w")) == NULL)
		_exit(EX_OSERR);
	if (b->n == 1) {	/* as always: mailer -x, the text on stdin */
		child_deliver(r, b->jobs[0]->m, b->jobs[0]->domain,
		    b->jobs[0]->rcpts, b->jobs[0]->n, report);
		fclose(report);
		_exit(0);
	}
	msgs = calloc(b->n, sizeof(*msgs));
	rcpts = calloc(b->n, sizeof(*rcpts));
	counts = calloc(b->n, sizeof(*counts));
	if (msgs == NULL || rcpts == NULL || counts == NULL)
		_exit(EX_OSERR);
	for (size_t k = 0; k < b->n; k++) {
		msgs[k] = b->jobs[k]->m;
		rcpts[k] = b->jobs[k]->rcpts;
		counts[k] = b->jobs[k]->n;
	}
	child_deliver_batch(r, b->jobs[0]->domain, msgs, rcpts, counts, b->n,
	    b->ackfd, report);
	fclose(report);
	_exit(0);
}

static int
job_start(struct runner *r, struct batch *b)
{
	int	 p[2], sv[2];

	if (pipe(p) == -1)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	fcntl(sv[0], F_SETFD, FD_CLOEXEC);
	fcntl(sv[1], F_SETFD, FD_CLOEXEC);
	b->progress = time(NULL);	/* not after the job's alarm starts */
	if ((b->pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (b->pid == 0) {
		close(p[0]);
		close(sv[0]);
		b->ackfd = sv[1];
		/* Other batches' pipes are not ours to hold open: when the
		 * runner dies, each batch must see its reader gone. */
		for (struct batch *o = running; o; o = o->next) {
			close(o->fd);
			close(o->ackfd);
		}
		job_child(r, b, p[1]);
	}
	/* Both sides set the group: neither may kill before it exists. */
	(void)setpgid(b->pid, b->pid);
	close(p[1]);
	close(sv[1]);
	b->fd = p[0];
	b->ackfd = sv[0];
	return 0;
}

/*
 * The job's report has ended: whatever is left of its process group (a
 * mailer whose job process died) is killed before the results are
 * recorded, and the job process reaped.  The group cannot be another's
 * yet: the job process, not reaped, still holds its number.
 */
static void
job_reap(struct batch *b)
{
	int	 status;

	(void)kill(-b->pid, SIGKILL);
	while (waitpid(b->pid, &status, 0) == -1)
		if (errno != EINTR)
			return;
	b->status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
	    WEXITSTATUS(status);
}

/* Remembers, for this run's DSNs, the host that answered recipient ri. */
static void
set_remote(struct msg *m, size_t ri, const char *host)
{
	char	**grown;

	if (ri >= m->nremote) {
		grown = reallocarray(m->remote, m->env.nrcpts, sizeof(*grown));
		if (grown == NULL)
			return;
		for (size_t i = m->nremote; i < m->env.nrcpts; i++)
			grown[i] = NULL;
		m->remote = grown;
		m->nremote = m->env.nrcpts;
	}
	free(m->remote[ri]);
	m->remote[ri] = strdup(host);
}

/*
 * Remembers, for this run's DSNs, that recipient ri's reply is ours
 * (mxlookup's, mailer's failure, a job that did not finish): no SMTP
 * server gave it, so its Diagnostic-Code is not "smtp" (RFC 3464 2.3.6).
 */
static void
set_own_reply(struct msg *m, size_t ri)
{
	unsigned char	*grown;

	if (ri >= m->nown) {
		grown = realloc(m->own, m->env.nrcpts);
		if (grown == NULL)
			return;
		memset(grown + m->nown, 0, m->env.nrcpts - m->nown);
		m->own = grown;
		m->nown = m->env.nrcpts;
	}
	m->own[ri] = 1;
}

/*
 * mailer's and mxlookup's exit statuses that are the system's fault: the
 * program cannot be run (126, 127: see run_capture), was called wrong,
 * found the configuration wrong, or this host short of a resource.  Such
 * mail waits for the fix and never expires.  A helper killed by a signal
 * or exiting with a status it does not document failed on this domain
 * (on its DNS data, say) while it works for others: that is the
 * domain's failure, retried and in the end bounced like any other.
 */
static int
system_status(int status)
{
	return status == 126 || status == 127 || status == EX_USAGE ||
	    status == EX_OSERR || status == EX_OSFILE ||
	    status == EX_CANTCREAT || status == EX_IOERR ||
	    status == EX_NOPERM || status == EX_CONFIG;
}

/* "exit 70: why" or "killed by signal 11", for a reply. */
static void
status_text(int status, const char *why, char *out, size_t len)
{
	if (status > 128)
		say(out, len, "killed by signal %d%s%s", status - 128,
		    why[0] ? ": " : "", why);
	else
		say(out, len, "exit %d%s%s", status, why[0] ? ": " : "", why);
}

/* mxlookup's failure (mx != 0), for every recipient of the job. */
static enum outcome
mx_failure(struct runner *r, struct job *j, int mx, char *reply, size_t len)
{
	char	 why[300], how[340], text[700];

	report_text(&j->out, "mxerr", why, sizeof(why));
	if (mx == EX_NOHOST || mx == EX_DATAERR) {
		say(reply, len, "550 5.1.2 %s: no such domain (%s)", j->domain,
		    why);
		return OUT_FAIL;
	}
	if (mx == EX_UNAVAILABLE) {	/* mxlookup(1): a null MX */
		say(reply, len, "556 5.1.10 %s accepts no mail (%s)",
		    j->domain, why);
		return OUT_FAIL;
	}
	if (mx == EX_PROTOCOL) {	/* mxlookup(1): a routing loop */
		say(reply, len, "554 5.4.6 %s: mail loops back to myself (%s)",
		    j->domain, why);
		return OUT_FAIL;
	}
	status_text(mx, why, how, sizeof(how));
	say(reply, len, "451 4.4.3 %s: MX lookup failed (%s)", j->domain, how);
	if (!system_status(mx)) {
		if (mx != EX_TEMPFAIL)
			log_error("%s for %s: %s", r->cf->mxlookup, j->domain,
			    how);
		return OUT_DEFER;
	}
	say(text, sizeof(text), "%s: %s", r->cf->mxlookup, how);
	alert_postmaster(r, "mxlookup", text);
	return OUT_SYSFAIL;
}

/* mailer's failure: it printed no line for a recipient. */
static enum outcome
mailer_failure(struct runner *r, struct job *j, int mailer, char *reply,
    size_t len)
{
	char	 why[300], how[340], text[700];

	report_text(&j->out, "mailererr", why, sizeof(why));
	if (mailer == EX_DATAERR) {	/* it refused the envelope itself */
		say(reply, len, "550 5.1.7 mailer refused the envelope: %s", why);
		return OUT_FAIL;
	}
	status_text(mailer, why, how, sizeof(how));
	say(reply, len, "451 4.3.0 mailer gave no result (%s)", how);
	if (!system_status(mailer)) {
		log_error("%s for %s: %s", r->cf->mailer, j->domain, how);
		return OUT_DEFER;
	}
	say(text, sizeof(text), "%s: %s", r->cf->mailer, how);
	alert_postmaster(r, "mailer", text);
	return OUT_SYSFAIL;
}

/*
 * The job ended before mailer did: killed at jobtimeout (with its whole
 * group, so nothing of it delivers on), dead by a signal, or failing on
 * its own.  Nothing mailer printed says the mail went: deferred.
 */
static enum outcome
unfinished(struct runner *r, struct job *j, char *reply, size_t len)
{
	if (j->status == 128 + SIGKILL &&
	    time(NULL) - j->started >= r->cf->jobtimeout)
		say(reply, len, "451 4.4.2 the delivery did not finish: killed "
		    "after %lld seconds (jobtimeout)",
		    (long long)r->cf->jobtimeout);
	else if (j->status > 128)
		say(reply, len, "451 4.3.0 the delivery process died (signal "
		    "%d)", j->status - 128);
	else
		say(reply, len, "451 4.3.0 the delivery process ended without "
		    "a report (exit %d)", j->status);
	return OUT_DEFER;
}

/* A reply for every recipient when no per-recipient line came. */
static enum outcome
job_failure(struct runner *r, struct job *j, char *reply, size_t len)
{
	int	 mx = -1, mailer = -1;

	if (report_number(&j->out, "mx", &mx) == 0 && mx != 0)
		return mx_failure(r, j, mx, reply, len);
	if (report_number(&j->out, "mailer", &mailer) != 0)
		return unfinished(r, j, reply, len);
	return mailer_failure(r, j, mailer, reply, len);
}

static enum outcome
outcome_of(const char *word)
{
	if (strcasecmp(word, "ok") == 0)
		return OUT_DONE;
	if (strcasecmp(word, "fail") == 0)
		return OUT_FAIL;
	return OUT_DEFER;
}

/*
 * The relay host refusing our credentials or our lack of TLS (RFC 4954
 * 530, 534, 535, 538; 454) is our configuration's fault, not the
 * message's: defer and tell postmaster, never bounce.
 */
static int
relay_refuses_us(struct runner *r, const char *reply)
{
	static const char *const codes[] = { "530", "534", "535", "538",
	    "454" };

	if (r->cf->relayhost == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(codes) / sizeof(*codes); i++)
		if (strncmp(reply, codes[i], 3) == 0 && (reply[3] == ' ' ||
		    reply[3] == '\0'))
			return 1;
	return 0;
}

static enum outcome
apply_one(struct runner *r, struct job *j, size_t ri, const char *hosts)
{
	struct msg		*m = j->m;
	const char		*addr = m->env.rcpts[ri].addr;
	struct rcpt_status	 st;
	enum outcome		 out;
	char			 word[16], tls[100], where[1200];

	queue_get_state(&m->env, addr, &st);
	st.last = r->now;
	st.tries++;
	if (report_result(&j->out, addr, word, sizeof(word), st.reply,
	    sizeof(st.reply)) == 0) {
		out = outcome_of(word);
		if (out != OUT_DONE && relay_refuses_us(r, st.reply)) {
			alert_postmaster(r, "relayhost", st.reply);
			out = OUT_SYSFAIL;
		}
	} else {
		out = job_failure(r, j, st.reply, sizeof(st.reply));
		set_own_reply(m, ri);
	}
	/* the journal's HOST field says how it left: "... tls=dane/..." */
	if (out == OUT_DONE && report_tls(&j->out, addr, tls, sizeof(tls)) == 0)
		snprintf(where, sizeof(where), "%s tls=%s", hosts, tls);
	else
		snprintf(where, sizeof(where), "%s", hosts);
	out = record_outcome(r, m, ri, out, &st, where);
	/* RFC 3461 5.2.2: the next hop will not report; we say "relayed" */
	if (out == OUT_DONE && dsn_notify_wants(m->env.rcpts[ri].notify,
	    "SUCCESS") && !report_offered_dsn(&j->out, addr))
		m->notified[ri] = NOTE_RELAYED;
	return out;
}

/*
 * Records a finished job's results in its message's WRK.  The domain gets
 * a next-try time when all its recipients were deferred, unless by a
 * failure of ours (no mailer, the relay host refusing our AUTH): that is
 * not the domain's, and the message must not expire through it.
 */
static void
job_apply(struct runner *r, struct job *j)
{
	struct rcpt_status	 st;
	char			 hosts[1024], remote[256];
	int			 any_done = 0, all_deferred = 1, one;

	report_hosts(&j->out, hosts, sizeof(hosts));
	one = report_single_host(&j->out, remote, sizeof(remote));
	for (size_t i = 0; i < j->n; i++) {
		if (apply_one(r, j, j->rcpts[i], hosts) == OUT_SYSFAIL)
			all_deferred = 0;
		if (one)
			set_remote(j->m, j->rcpts[i], remote);
		queue_get_state(&j->m->env, j->m->env.rcpts[j->rcpts[i]].addr,
		    &st);
		any_done |= st.state == RCPT_DONE;
		if (st.state != RCPT_DEFERRED)
			all_deferred = 0;
	}
	if (any_done)
		domain_clear(r, j->domain);
	else if (all_deferred && !r->cf->relayhost)
		domain_defer(r, j->domain);
	/* The message's last job, and nothing left to do: finish removes
	 * it next, and that removal is the record (msg_done_quietly). */
	if (j->m->jobs == 1 && msg_done_quietly(j->m))
		j->m->unsaved++;
	else
		msg_save(r, j->m);
}

static void
job_free(struct job *j)
{
	buf_free(&j->out);
	free(j->rcpts);
	free(j);
}

/* The destination a job's mail goes to: its domain, or the relay host. */
static const char *
dest_of(const struct runner *r, const struct job *j)
{
	return r->cf->relayhost ? "" : j->domain;
}

/* A dead domain found earlier in this run: the job waits for next time. */
static int
job_skip(struct runner *r, struct job *j)
{
	return !r->cf->relayhost && !domain_due(r, j->domain);
}

/*
 * The relay host was found down earlier in this run (RFC 5321 4.5.4.1):
 * the job is deferred with that reply, not tried again.
 */
static void
job_defer_down(struct runner *r, struct job *j)
{
	struct rcpt_status	 st;

	for (size_t i = 0; i < j->n; i++) {
		size_t	 ri = j->rcpts[i];

		queue_get_state(&j->m->env, j->m->env.rcpts[ri].addr, &st);
		st.last = r->now;
		st.tries++;
		say(st.reply, sizeof(st.reply), "%.400s (not tried again in "
		    "this run)", relay_down);
		set_own_reply(j->m, ri);
		record_outcome(r, j->m, ri, OUT_DEFER, &st, r->cf->relayhost);
	}
	msg_save(r, j->m);
}

static void
job_done(struct runner *r, struct job *j,
    void (*finished)(struct runner *, struct msg *))
{
	if (--j->m->jobs == 0)
		finished(r, j->m);
	job_free(j);
}

/* Batches running for dest. */
static size_t
dest_running(const char *dest)
{
	size_t	 n = 0;

	for (struct batch *b = running; b; b = b->next)
		n += strcmp(b->dest, dest) == 0;
	return n;
}

/* The first waiting job whose destination has a session free, unlinked. */
static struct job *
take_startable(struct runner *r)
{
	for (struct job **pp = &waiting; *pp; pp = &(*pp)->next) {
		struct job	*j = *pp;

		if (dest_running(dest_of(r, j)) < (size_t)r->cf->destsessions) {
			*pp = j->next;
			j->next = NULL;
			return j;
		}
	}
	return NULL;
}

/* j, and waiting jobs for its destination up to batchsize, as a batch. */
static struct batch *
batch_form(struct runner *r, struct job *j)
{
	struct batch	*b = calloc(1, sizeof(*b));
	size_t		 max = (size_t)r->cf->batchsize;

	if (b == NULL || (b->jobs = calloc(max, sizeof(*b->jobs))) == NULL ||
	    (b->applied = calloc(max, 1)) == NULL) {
		if (b)
			free(b->jobs);
		free(b);
		return NULL;
	}
	strlcpy(b->dest, dest_of(r, j), sizeof(b->dest));
	b->jobs[b->n++] = j;
	for (struct job **pp = &waiting; *pp && b->n < max;) {
		if (strcmp(dest_of(r, *pp), b->dest) == 0) {
			b->jobs[b->n++] = *pp;
			*pp = (*pp)->next;
		} else
			pp = &(*pp)->next;
	}
	for (size_t k = 0; k < b->n; k++)
		b->jobs[k]->next = NULL;
	b->left = b->n;
	b->fd = b->ackfd = -1;
	return b;
}

static void
batch_free(struct batch *b)
{
	buf_free(&b->out);
	free(b->jobs);
	free(b->applied);
	free(b);
}

/* j, unlinked, and the jobs waiting for its destination, as a batch. */
static void
start_one(struct runner *r, struct job *j,
    void (*finished)(struct runner *, struct msg *))
{
	struct batch	*b;

	if (job_skip(r, j)) {
		job_done(r, j, finished);
		return;
	}
	if (r->cf->relayhost && relay_down[0]) {
		job_defer_down(r, j);
		job_done(r, j, finished);
		return;
	}
	if ((b = batch_form(r, j)) == NULL || job_start(r, b) != 0) {
		if (b == NULL)
			job_done(r, j, finished);
		for (size_t k = 0; b && k < b->n; k++)
			job_done(r, b->jobs[k], finished);
		if (b)
			batch_free(b);
		return;
	}
	b->next = running;
	running = b;
	nrunning++;
	runjobs += b->n;
}

static void
start_jobs(struct runner *r, void (*finished)(struct runner *, struct msg *))
{
	struct job	*j;

	while (nrunning < (size_t)r->cf->sessions &&
	    (j = take_startable(r)) != NULL)
		start_one(r, j, finished);
}

/*
 * A full batch (batchsize jobs) for the destination of the job queued
 * last, when a session is free for it: delivery starts while the runner
 * is still reading the queue, instead of in waves after it stops to
 * wait.  Only full batches: a mailer per few messages would be the cost
 * that batches are there to spread.
 */
static void
start_full(struct runner *r, void (*finished)(struct runner *, struct msg *))
{
	struct job	*last = NULL, **pp;
	const char	*dest;
	size_t		 n = 0;

	if (nrunning >= (size_t)r->cf->sessions)
		return;
	for (struct job *j = waiting; j; j = j->next)
		last = j;
	if (last == NULL)
		return;
	dest = dest_of(r, last);
	if (dest_running(dest) >= (size_t)r->cf->destsessions)
		return;
	for (struct job *j = waiting; j; j = j->next)
		n += strcmp(dest_of(r, j), dest) == 0;
	if (n < (size_t)r->cf->batchsize)
		return;
	for (pp = &waiting; strcmp(dest_of(r, *pp), dest) != 0;
	    pp = &(*pp)->next)
		;
	last = *pp;
	*pp = last->next;
	last->next = NULL;
	start_one(r, last, finished);
}

/*
 * Records message k of the batch: from its own block of the report, or
 * (ended is 0) from what the report says of the whole job: mxlookup's
 * or mailer's failure, or a job that did not finish.
 */
static void
batch_apply(struct runner *r, struct batch *b, size_t k,
    void (*finished)(struct runner *, struct msg *))
{
	struct job	*j = b->jobs[k];
	const char	*addrs[256];
	size_t		 na = 0;

	if (b->applied[k])
		return;
	b->applied[k] = 1;
	b->left--;
	runjobs--;
	for (size_t i = 0; i < j->n && na < 256; i++)
		addrs[na++] = j->m->env.rcpts[j->rcpts[i]].addr;
	if (b->n == 1) {
		buf_free(&j->out);
		buf_append(&j->out, b->out.data ? b->out.data : "",
		    b->out.len);
	} else
		report_block(&b->out, k, addrs, na, &j->out);
	j->status = b->status;
	j->started = b->progress;
	job_apply(r, j);
	b->jobs[k] = NULL;
	job_done(r, j, finished);
}

/* New whole lines of b's report: messages that ended, and "DOWN". */
static void
batch_scan(struct runner *r, struct batch *b,
    void (*finished)(struct runner *, struct msg *))
{
	char		*p, *nl;
	unsigned long	 k;

	while (b->scanned < b->out.len && (nl = memchr(b->out.data +
	    b->scanned, '\n', b->out.len - b->scanned)) != NULL) {
		p = b->out.data + b->scanned;
		b->scanned = (size_t)(nl - b->out.data) + 1;
		if (b->n > 1 && strncmp(p, "out END ", 8) == 0) {
			k = strtoul(p + 8, NULL, 10);
			b->progress = time(NULL);
			if (k < b->n)
				batch_apply(r, b, k, finished);
			/* recorded: the batch may send its next message */
			(void)send(b->ackfd, "k", 1, MSG_NOSIGNAL);
		} else if (strncmp(p, "out DOWN ", 9) == 0 &&
		    r->cf->relayhost)
			report_copy_text(relay_down, sizeof(relay_down), p + 9,
			    (size_t)(nl - p) - 9);
	}
}

/*
 * Reads from every running batch, waiting at most timeout ms (-1: until
 * one speaks); reaps and applies those at end of file.
 */
static void
collect_jobs(struct runner *r, int timeout,
    void (*finished)(struct runner *, struct msg *))
{
	struct pollfd	 pfd[1000];
	struct batch	*list[1000], **pp;
	size_t		 n = 0;
	char		 chunk[4096];
	ssize_t		 got;

	for (struct batch *b = running; b && n < 1000; b = b->next) {
		pfd[n].fd = b->fd;
		pfd[n].events = POLLIN;
		list[n++] = b;
	}
	if (poll(pfd, n, timeout) <= 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		if ((got = read(list[i]->fd, chunk, sizeof(chunk))) > 0) {
			buf_append(&list[i]->out, chunk, (size_t)got);
			batch_scan(r, list[i], finished);
			continue;
		}
		if (got == -1 && errno == EINTR)
			continue;
		close(list[i]->fd);
		close(list[i]->ackfd);
		job_reap(list[i]);
		for (pp = &running; *pp != list[i]; pp = &(*pp)->next)
			;
		*pp = list[i]->next;
		nrunning--;
		for (size_t k = 0; k < list[i]->n; k++)
			batch_apply(r, list[i], k, finished);
		batch_free(list[i]);
	}
}

void
remote_run_until(struct runner *r, size_t below,
    void (*finished)(struct runner *, struct msg *))
{
	for (;;) {
		start_jobs(r, finished);
		if (nrunning == 0 || (below > 0 && remote_pending() < below))
			break;
		collect_jobs(r, -1, finished);
	}
}

void
remote_record_ready(struct runner *r,
    void (*finished)(struct runner *, struct msg *))
{
	if (nrunning > 0)
		collect_jobs(r, 0, finished);
	start_full(r, finished);
}

void
remote_run_all(struct runner *r, void (*finished)(struct runner *, struct msg *))
{
	remote_run_until(r, 0, finished);
}
