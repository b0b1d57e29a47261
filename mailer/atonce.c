/* SPDX-License-Identifier: ISC */
/*
 * Delivery at once of a message just queued.  The parent keeps the
 * spool group, holds the flock on in/N.WRK (spoolmgr skips the message
 * meanwhile) and records the results; a child without the group does
 * the DNS and SMTP and reports one line per recipient on a pipe:
 *   INDEX ok|defer|fail CODE TEXT
 * Recipients of local domains are left pending for spoolmgr.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "addr.h"
#include "journal.h"
#include "log.h"
#include "mailer.h"
#include "params.h"
#include "privs.h"
#include "queue.h"
#include "sendmail.h"

struct outcome {
	enum rcpt_result result;	/* PENDING: no word from the child */
	char		 reply[CLIENT_REPLY_MAX];
	char		 tls[CLIENT_TLS_MAX + 8];	/* "tls=...", or "" */
};

/* The child: everything that talks to the network, without privilege. */
static void
child_run(int out_fd, int msgfd, const struct envelope *env,
    const struct config *cf, struct deliver_opts *opt)
{
	struct client_msg	 msg;
	struct mime_plan	 plan;
	FILE			*out;
	char			 why[256];
	size_t			 n = 0;
	size_t			*index;

	drop_group();
	if (getuid() == 0 && cf->user && privs_drop(cf->user, cf->group, why,
	    sizeof(why)) == -1 && opt->verbose)
		warnx("delivering as root: %s", why);
	if ((out = fdopen(out_fd, "w")) == NULL)
		_exit(EX_OSERR);
	memset(&msg, 0, sizeof(msg));
	msg.rcpts = calloc(env->nrcpts, sizeof(*msg.rcpts));
	index = calloc(env->nrcpts, sizeof(*index));
	if (msg.rcpts == NULL || index == NULL)
		_exit(EX_OSERR);
	for (size_t i = 0; i < env->nrcpts; i++) {
		const struct recipient	*r = &env->rcpts[i];

		if (config_is_local(cf, rcpt_domain(r->addr)))
			continue;
		msg.rcpts[n].addr = r->addr;
		msg.rcpts[n].notify = r->notify;
		msg.rcpts[n].orcpt = r->orcpt;
		msg.rcpts[n].utf8 = client_is_utf8(r->addr);
		index[n++] = i;
	}
	msg.nrcpts = n;
	msg.sender = env->sender;
	msg.ret = env->ret;
	msg.envid = env->envid;
	msg.smtputf8 = env->smtputf8;
	if (message_measure(msgfd, &msg, &plan) == -1)
		_exit(EX_IOERR);
	deliver_by_domain(&msg, msgfd, cf, opt);
	mime_plan_free(&plan);
	for (size_t i = 0; i < n; i++)	/* a TAB is never in a reply */
		fprintf(out, "%zu %s %s\ttls=%s\n", index[i],
		    result_word(msg.rcpts[i].result), msg.rcpts[i].reply,
		    msg.rcpts[i].tls[0] ? msg.rcpts[i].tls : "none");
	fclose(out);
	_exit(0);
}

/* "INDEX WORD CODE TEXT" lines from the child into outcomes. */
static void
take_lines(struct buf *in, struct outcome *oc, size_t n)
{
	char		*line, *nl, word[8], *tab;
	size_t		 idx;
	int		 used;

	while ((nl = memchr(in->data, '\n', in->len)) != NULL) {
		*nl = '\0';
		line = in->data;
		if ((tab = strchr(line, '\t')) != NULL)
			*tab++ = '\0';
		if (sscanf(line, "%zu %7s %n", &idx, word, &used) == 2 &&
		    idx < n) {
			strlcpy(oc[idx].tls, tab ? tab : "",
			    sizeof(oc[idx].tls));
			oc[idx].result = strcmp(word, "ok") == 0 ? RESULT_OK :
			    strcmp(word, "fail") == 0 ? RESULT_FAIL :
			    RESULT_DEFER;
			strlcpy(oc[idx].reply, line + used,
			    sizeof(oc[idx].reply));
		}
		buf_consume(in, (size_t)(nl - in->data) + 1);
	}
}

/* Reads the child's report until it ends or the time is up. */
static const char *
collect(int fd, pid_t pid, time_t deadline, struct outcome *oc, size_t n)
{
	struct buf	 in = { NULL, 0, 0 };
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	char		 chunk[4096];
	ssize_t		 got = 1;
	int		 status;

	while (got > 0) {
		long long	 left = (long long)(deadline - time(NULL));

		if (left <= 0 || poll(&pfd, 1, (int)left * 1000) == 0)
			break;
		got = read(fd, chunk, sizeof(chunk));
		if (got == -1 && errno == EINTR)
			got = 1;
		else if (got > 0)
			buf_append(&in, chunk, (size_t)got);
	}
	if (got != 0)
		kill(pid, SIGKILL);	/* time is up: spoolmgr goes on */
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (in.len)
		take_lines(&in, oc, n);
	buf_free(&in);
	close(fd);
	if (got != 0)
		return "451 4.4.7 not delivered in the time given (-w)";
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? NULL :
	    "451 4.3.0 the delivery process failed";
}

static enum rcpt_state
state_of(const struct envelope *env, const struct recipient *r,
    enum rcpt_result result)
{
	if (result == RESULT_OK)
		return RCPT_DONE;
	if (result != RESULT_FAIL)
		return RCPT_DEFERRED;
	/* a failure owes a DSN, unless nobody may get one (RFC 3461) */
	if (env->sender[0] == '\0' || (r->notify &&
	    strcasecmp(r->notify, "NEVER") == 0))
		return RCPT_BOUNCED;
	return RCPT_FAILED;
}

/* Writes the states into in/N.WRK, or removes the message when done. */
static void
record(struct envelope *env, const struct outcome *oc,
    const struct config *cf)
{
	struct rcpt_status	 st;
	char			 path[1100];
	time_t			 now = time(NULL);

	for (size_t i = 0; i < env->nrcpts; i++) {
		if (oc[i].result == RESULT_PENDING)
			continue;
		memset(&st, 0, sizeof(st));
		st.state = state_of(env, &env->rcpts[i], oc[i].result);
		st.last = now;
		st.tries = 1;
		st.next = st.state == RCPT_DEFERRED ? now + cf->retrymin : 0;
		strlcpy(st.reply, oc[i].reply, sizeof(st.reply));
		if (queue_set_state(env, env->rcpts[i].addr, &st) == -1)
			errx(EX_OSERR, "no memory");
	}
	spool_path(path, sizeof(path), cf->spool, "in", env->id, "WRK");
	if (queue_all_final(env)) {
		if (queue_remove(cf->spool, "in", env->id) == -1)
			warn("%s: removing", path);
	} else if (queue_rewrite(path, env) == -1)
		warn("%s: recording the results", path);
}

/*
 * A journal line per recipient tried, as spoolmgr writes for its own
 * attempts, so that "spoolmgr trace" knows them.  Recipients left for
 * spoolmgr (local domains) were not tried here.
 */
static void
journal_attempts(const struct envelope *env, const struct outcome *oc,
    const struct config *cf)
{
	struct jentry	 e = { time(NULL), env->id, NULL, env->sender, NULL,
	    NULL, NULL, NULL, NULL };
	/* for an ordinary user (set-group-ID): append, never own a file */
	int		 create = getuid() == 0 || getgid() == getegid();

	for (size_t i = 0; i < env->nrcpts; i++) {
		const char	*addr = env->rcpts[i].addr;

		if (config_is_local(cf, rcpt_domain(addr)) ||
		    (oc[i].result == RESULT_PENDING && oc[i].reply[0] == '\0'))
			continue;
		e.rcpt = addr;
		e.event = oc[i].result == RESULT_OK ? "delivered" :
		    oc[i].result == RESULT_FAIL ? "failed" : "deferred";
		e.reply = oc[i].reply;
		/* how it left, as spoolmgr writes it after the hosts */
		e.host = oc[i].result == RESULT_OK && oc[i].tls[0] ?
		    oc[i].tls : NULL;
		if (journal_add(cf->spool, &e, create) == -1)
			log_error("%lu: journal: %s", (unsigned long)env->id,
			    strerror(errno));
	}
}

/* A permanent failure's exit status, from its enhanced code. */
static int
fail_status(const char *reply)
{
	const char	*e = strchr(reply, ' ');

	e = e ? e + 1 : "";
	if (strncmp(e, "5.1.2", 5) == 0 || strncmp(e, "5.1.10", 6) == 0 ||
	    strncmp(e, "5.4.4", 5) == 0)
		return EX_NOHOST;
	if (strncmp(e, "5.6.", 4) == 0 || strncmp(e, "5.3.4", 5) == 0)
		return EX_DATAERR;
	return EX_UNAVAILABLE;
}

static int
report(const struct envelope *env, const struct outcome *oc,
    const struct config *cf, int verbose)
{
	int	 status = 0, deferred = 0;

	for (size_t i = 0; i < env->nrcpts; i++) {
		const char	*addr = env->rcpts[i].addr;

		log_info("%lu: to=<%s> %s %s%s%s", (unsigned long)env->id,
		    addr, oc[i].result == RESULT_PENDING ? "queued" :
		    result_word(oc[i].result), oc[i].reply,
		    oc[i].result == RESULT_OK && oc[i].tls[0] ? " " : "",
		    oc[i].result == RESULT_OK ? oc[i].tls : "");
		if (oc[i].result == RESULT_OK) {
			if (verbose)
				fprintf(stderr, "mailer: %s: delivered: %s\n",
				    addr, oc[i].reply);
		} else if (oc[i].result == RESULT_FAIL) {
			fprintf(stderr, "mailer: %s: failed: %s\n", addr,
			    oc[i].reply);
			if (status == 0)
				status = fail_status(oc[i].reply);
		} else if (config_is_local(cf, rcpt_domain(addr))) {
			if (verbose)
				fprintf(stderr, "mailer: %s: queued as %lu for "
				    "local delivery\n", addr,
				    (unsigned long)env->id);
		} else {
			fprintf(stderr, "mailer: %s: deferred: %s (queued as "
			    "%lu)\n", addr, oc[i].reply[0] ? oc[i].reply :
			    "451 4.3.0 not tried",
			    (unsigned long)env->id);
			deferred = 1;
		}
	}
	return status ? status : deferred ? EX_TEMPFAIL : 0;
}

/* Every remote recipient deferred with why, nothing tried. */
static void
not_tried(const struct envelope *env, const struct config *cf,
    struct outcome *oc, const char *why)
{
	for (size_t i = 0; i < env->nrcpts; i++)
		if (!config_is_local(cf, rcpt_domain(env->rcpts[i].addr))) {
			oc[i].result = RESULT_DEFER;
			strlcpy(oc[i].reply, why, sizeof(oc[i].reply));
		}
}

static void
spawn(struct envelope *env, const struct config *cf,
    struct deliver_opts *opt, int waittime, struct outcome *oc)
{
	char		 txt[1100];
	const char	*why;
	int		 p[2], msgfd;
	pid_t		 pid;

	spool_path(txt, sizeof(txt), cf->spool, "in", env->id, "TXT");
	if ((msgfd = open(txt, O_RDONLY | O_CLOEXEC)) == -1) {
		warn("%s", txt);
		return;
	}
	if (pipe(p) == -1 || (pid = fork()) == -1) {
		warn("fork");
		close(msgfd);
		return;
	}
	if (pid == 0) {
		close(p[0]);
		child_run(p[1], msgfd, env, cf, opt);
	}
	close(p[1]);
	close(msgfd);
	why = collect(p[0], pid, time(NULL) + waittime, oc, env->nrcpts);
	for (size_t i = 0; why && i < env->nrcpts; i++)
		if (oc[i].result == RESULT_PENDING)	/* stays pending */
			strlcpy(oc[i].reply, why, sizeof(oc[i].reply));
}

int
deliver_now(struct envelope *env, const struct config *cf, int waittime,
    int verbose, const char *timeouts)
{
	struct deliver_opts	 opt;
	struct credentials	 cr;
	struct outcome		*oc;
	char			 wrk[1100], why[512];
	int			 lock, status;

	spool_path(wrk, sizeof(wrk), cf->spool, "in", env->id, "WRK");
	if ((lock = queue_lock(wrk, 0)) == -1) {
		/* spoolmgr took it already: it is in good hands */
		fprintf(stderr, "mailer: queued as %lu\n",
		    (unsigned long)env->id);
		return EX_TEMPFAIL;
	}
	if ((oc = calloc(env->nrcpts ? env->nrcpts : 1, sizeof(*oc))) == NULL)
		errx(EX_OSERR, "no memory");
	deliver_opts_from(&opt, cf);
	if (timeouts)
		param_timeouts(timeouts, &opt.timeouts);
	if (opt.timeouts.connect)
		opt.connect_timeout = opt.timeouts.connect;
	opt.verbose = verbose;
	opt.deadline = time(NULL) + waittime;
	fflush(stderr);
	/* read with the group; the child gets them in memory only */
	if (relay_credentials(cf, &cr, &opt, why, sizeof(why)) == -1)
		not_tried(env, cf, oc, why);
	else
		spawn(env, cf, &opt, waittime, oc);
	explicit_bzero(&cr, sizeof(cr));
	record(env, oc, cf);
	journal_attempts(env, oc, cf);
	close(lock);
	status = report(env, oc, cf, verbose);
	free(oc);
	return status;
}
