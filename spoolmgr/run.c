/* SPDX-License-Identifier: ISC */
/*
 * `spoolmgr run`: one pass over the queue, under SPOOL/lock so that
 * overlapping cron runs never work at once (the second leaves quietly).
 * Per message: local recipients first (their results written to the WRK
 * in batches of SAVE_BATCH, and at the end), then the message moves to
 * out/ and its remote recipients go to jobs by domain; when a message's
 * last job ends, its failures are bounced and, if every recipient is
 * done or bounced, it is removed.
 */
#include <sys/file.h>
#include <sys/resource.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
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
#include "text.h"

#define PASSES	3	/* notices written by a run are delivered by it */
#define GROUP_MAX 100	/* recipients a transaction (RFC 5321 4.5.3.1.8) */
#define HOPS_MAX 100	/* Received: fields before it is a loop (RFC 5321 6.3) */

static int
is_due(const struct runner *r, const struct rcpt_status *st)
{
	return st->state == RCPT_PENDING ||
	    (st->state == RCPT_DEFERRED && st->next <= r->now);
}

static void
record(struct runner *r, struct msg *m, size_t i, enum outcome out,
    const char *reply)
{
	const char		*addr = m->env.rcpts[i].addr;
	struct rcpt_status	 st;

	queue_get_state(&m->env, addr, &st);
	st.last = r->now;
	st.tries++;
	strlcpy(st.reply, reply, sizeof(st.reply));
	if (out == OUT_SYSFAIL)
		alert_postmaster(r, "local", reply);
	out = record_outcome(r, m, i, out, &st, "local");
	/* local_deliver said which success DSN, if any, a delivery owes */
	if (out != OUT_DONE ||
	    !dsn_notify_wants(m->env.rcpts[i].notify, "SUCCESS"))
		m->notified[i] = NOTE_NONE;
}

static void
deliver_local(struct runner *r, struct msg *m)
{
	struct rcpt_status	 st;
	char			 reply[512];
	enum outcome		 out;

	/* nrcpts may grow: aliases add their remote targets. */
	for (size_t i = 0; i < m->env.nrcpts; i++) {
		const char *addr = m->env.rcpts[i].addr;

		queue_get_state(&m->env, addr, &st);
		if (!is_due(r, &st) || !config_is_local(r->cf, rcpt_domain(addr)))
			continue;
		out = local_deliver(r, m, i, reply, sizeof(reply));
		record(r, m, i, out, reply);
		/* A crash repeats at most the batch not yet written. */
		if (msg_changed(r, m) != 0)
			return;
	}
	/* done and owing nothing: finish removes it, and that is the record */
	if (!msg_done_quietly(m))
		msg_flush(r, m);
}

/* Due remote recipients of a dead domain that are too old fail now. */
static int
expire_waiting(struct runner *r, struct msg *m, size_t i)
{
	struct rcpt_status	 st;
	enum outcome		 out = OUT_DEFER;

	if (r->now - m->env.date < r->cf->queuelife)
		return 0;
	queue_get_state(&m->env, m->env.rcpts[i].addr, &st);
	if (st.reply[0] == '\0')
		strlcpy(st.reply, "451 4.4.1 no answer from the domain's hosts",
		    sizeof(st.reply));
	retry_defer(r, &m->env, &st, &out);
	queue_set_state(&m->env, m->env.rcpts[i].addr, &st);
	journal_msg(r, m, m->env.rcpts[i].addr, "failed", NULL, st.reply, NULL);
	msg_changed(r, m);
	return 1;
}

static int
same_group(const struct recipient *a, const struct recipient *b)
{
	return strcasecmp(rcpt_domain(a->addr), rcpt_domain(b->addr)) == 0;
}

/* Remote recipients due now, grouped by domain into jobs. */
static int
queue_remote(struct runner *r, struct msg *m)
{
	size_t			 n = m->env.nrcpts, *group, count;
	unsigned char		*taken = calloc(n + 1, 1);
	struct rcpt_status	 st;
	char			 domain[256];
	int			 moved = 0;

	if (taken == NULL || (group = calloc(n + 1, sizeof(*group))) == NULL) {
		free(taken);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		const char *addr = m->env.rcpts[i].addr;

		queue_get_state(&m->env, addr, &st);
		if (taken[i] || !is_due(r, &st) ||
		    config_is_local(r->cf, rcpt_domain(addr)))
			continue;
		if (!r->cf->relayhost && !domain_due(r, rcpt_domain(addr))) {
			expire_waiting(r, m, i);
			continue;
		}
		if (!moved && msg_move_out(r, m) != 0)
			break;
		moved = 1;
		count = 0;
		for (size_t k = i; k < n && count < GROUP_MAX; k++) {
			queue_get_state(&m->env, m->env.rcpts[k].addr, &st);
			if (!taken[k] && is_due(r, &st) &&
			    same_group(&m->env.rcpts[i], &m->env.rcpts[k])) {
				taken[k] = 1;
				group[count++] = k;
			}
		}
		strlcpy(domain, rcpt_domain(addr), sizeof(domain));
		str_lower(domain);
		remote_queue(r, m, domain, group, count);
	}
	free(taken);
	free(group);
	return m->jobs;
}

static int
remove_message(struct runner *r, struct msg *m)
{
	if (queue_remove(r->cf->spool, m->subdir, m->id) != 0) {
		log_error("message %lu: removing: %s", (unsigned long)m->id,
		    strerror(errno));
		return -1;
	}
	log_info("message %lu: complete, removed from the spool",
	    (unsigned long)m->id);
	journal_msg(r, m, NULL, "removed", NULL, NULL, NULL);
	return 0;
}

/*
 * Everything tried: notices, then removal when nothing is left to do.
 * A message done that owes no notice is removed at once, its last states
 * never written: the removal is its record (see msg_done_quietly).
 */
static void
finish(struct runner *r, struct msg *m)
{
	if (!msg_done_quietly(m) || remove_message(r, m) != 0) {
		msg_flush(r, m);
		bounce_message(r, m);
		bounce_delay_warning(r, m);
		bounce_success(r, m);
		if (queue_all_final(&m->env))
			remove_message(r, m);
	}
	msg_close(m);
}

/* A message that went round too often (a loop between hosts) fails. */
static int
fail_loop(struct runner *r, struct msg *m)
{
	struct rcpt_status	 st;
	char			 reply[128];
	int			 hops;

	if ((hops = m->hops) <= HOPS_MAX)
		return 0;
	say(reply, sizeof(reply), "554 5.4.6 mail loop: %d Received: header "
	    "fields", hops);
	for (size_t i = 0; i < m->env.nrcpts; i++) {
		queue_get_state(&m->env, m->env.rcpts[i].addr, &st);
		if (is_due(r, &st))
			record(r, m, i, OUT_FAIL, reply);
	}
	msg_save(r, m);
	return 1;
}

/*
 * Jobs pending (running or waiting) before the runner waits for one to
 * end: a full batch (batchsize messages) for every session, and one
 * more waiting, so that a session that ends starts its next batch at
 * once instead of after the runner has read another batch's messages.
 * Each is an open, locked message: no more than the descriptors allow
 * (RLIMIT_NOFILE, less some for the rest and two for every batch).
 */
static size_t
pending_high(const struct runner *r)
{
	size_t		 sessions = (size_t)r->cf->sessions;
	size_t		 want = (sessions + 1) * (size_t)r->cf->batchsize;
	size_t		 floor = 2 * sessions, cap = 256;
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur > 64 + 3 * sessions + cap)
		cap = (size_t)rl.rlim_cur - 64 - 3 * sessions;
	if (want > cap)
		want = cap;
	return want > floor ? want : floor;
}

static void
process(struct runner *r, const char *subdir, uint32_t id)
{
	struct msg	*m;

	if (msg_open(r, subdir, id, &m) != 0)
		return;
	if (fail_loop(r, m)) {
		finish(r, m);
		return;
	}
	deliver_local(r, m);
	remote_record_ready(r, finish);
	if (queue_remote(r, m) == 0)
		finish(r, m);
	else if (remote_pending() >= pending_high(r))
		remote_run_until(r, pending_high(r), finish);
}

static int
seen_before(const uint32_t *ids, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

static void
run_queue(struct runner *r)
{
	uint32_t	*ids, *seen = NULL, *grown;
	size_t		 n, nseen = 0;

	if (scan_ids(r->cf->spool, "out", &ids, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			process(r, "out", ids[i]);
		free(ids);
	}
	remote_run_all(r, finish);
	for (int pass = 0; pass < PASSES; pass++) {
		size_t	 fresh = 0;

		if (scan_ids(r->cf->spool, "in", &ids, &n) != 0)
			break;
		for (size_t i = 0; i < n; i++) {
			if (seen_before(seen, nseen, ids[i]))
				continue;
			process(r, "in", ids[i]);
			fresh++;
			grown = reallocarray(seen, nseen + 1, sizeof(*seen));
			if (grown != NULL) {
				seen = grown;
				seen[nseen++] = ids[i];
			}
		}
		free(ids);
		remote_run_all(r, finish);
		if (fresh == 0)
			break;
	}
	free(seen);
}

int
cmd_run(struct runner *r)
{
	char	 path[PATH_MAX], err[512];
	int	 lockfd;

	snprintf(path, sizeof(path), "%s/lock", r->cf->spool);
	if ((lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640)) == -1) {
		warn("%s", path);
		return EX_CANTCREAT;
	}
	if (flock(lockfd, LOCK_EX | LOCK_NB) == -1) {
		close(lockfd);
		return 0;	/* another run is at work */
	}
	if (aliases_load(&r->aliases, r->cf->aliases, err, sizeof(err)) != 0) {
		warnx("%s", err);
		log_error("%s", err);
		close(lockfd);
		return EX_CONFIG;
	}
	local_check_postmaster(r);
	journal_prune(r->cf->spool, r->cf->journaldays, r->now);
	/* the day files are ours before a set-group-ID mailer appends */
	if (journal_prepare(r->cf->spool, r->now) == -1)
		log_error("journal: %s", strerror(errno));
	msg_sweep_orphans(r->cf->spool, "in", r->now);
	msg_sweep_orphans(r->cf->spool, "out", r->now);
	journal_keep_open(1);
	run_queue(r);
	journal_keep_open(0);
	if (r->delivered + r->deferred + r->failed > 0)
		log_info("run: %d delivered, %d deferred, %d failed",
		    r->delivered, r->deferred, r->failed);
	aliases_free(&r->aliases);
	close(lockfd);
	return 0;
}
