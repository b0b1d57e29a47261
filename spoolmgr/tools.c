/* SPDX-License-Identifier: ISC */
/* `spoolmgr delete ID`, `retry [ID|DOMAIN]`, `stats`, `trace ...`. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include <bsd/string.h>

#include "log.h"
#include "spool.h"
#include "spoolmgr.h"
#include "visible.h"

/* Is message id in the queue (in/ or out/)? */
static int
queued(const struct runner *r, uint32_t id)
{
	static const char *const dirs[] = { "in", "out" };
	char	 path[PATH_MAX];

	for (size_t d = 0; id != 0 && d < 2; d++) {
		spool_path(path, sizeof(path), r->cf->spool, dirs[d], id, "WRK");
		if (access(path, F_OK) == 0)
			return 1;
	}
	return 0;
}

int
cmd_delete(struct runner *r, const char *arg)
{
	static const char *const dirs[] = { "in", "out" };
	uint32_t	 id = parse_id(arg);
	struct msg	*m;

	if (!queued(r, id)) {
		fprintf(stderr, "spoolmgr: %s: no such message\n", arg);
		return EX_NOINPUT;
	}
	for (size_t d = 0; d < 2; d++) {
		switch (msg_open(r, dirs[d], id, &m)) {
		case 0:
			if (queue_remove(r->cf->spool, dirs[d], id) != 0) {
				fprintf(stderr, "spoolmgr: %s: %s\n", arg,
				    strerror(errno));
				msg_close(m);
				return EX_IOERR;
			}
			log_info("message %lu: deleted by uid %ld (from <%s>, "
			    "%zu recipients)", (unsigned long)id, (long)getuid(),
			    m->env.sender, m->env.nrcpts);
			for (size_t i = 0; i < m->env.nrcpts; i++)
				journal_msg(r, m, m->env.rcpts[i].addr,
				    "deleted", NULL, "deleted by the "
				    "administrator", NULL);
			msg_close(m);
			printf("message %lu deleted\n", (unsigned long)id);
			return 0;
		case -1:
			fprintf(stderr, "spoolmgr: %s: unreadable, moved to "
			    "bad/\n", arg);
			return EX_DATAERR;
		default:
			break;
		}
	}
	fprintf(stderr, "spoolmgr: %s: busy (being delivered), or gone; "
	    "try again\n", arg);
	return EX_TEMPFAIL;
}

/* Deferred recipients of m (of domain, when given) become due now. */
static int
reschedule(struct runner *r, struct msg *m, const char *domain)
{
	struct rcpt_status	 st;
	int			 n = 0;

	for (size_t i = 0; i < m->env.nrcpts; i++) {
		const char *addr = m->env.rcpts[i].addr;

		queue_get_state(&m->env, addr, &st);
		if (st.state != RCPT_DEFERRED || (domain &&
		    strcasecmp(rcpt_domain(addr), domain) != 0))
			continue;
		st.next = 0;
		queue_set_state(&m->env, addr, &st);
		n++;
	}
	if (n > 0 && msg_save(r, m) != 0)
		return 0;
	return n;
}

static void
clear_domains(struct runner *r, const char *domain)
{
	char		 dir[PATH_MAX], path[PATH_MAX + 256];
	DIR		*d;
	struct dirent	*de;

	if (domain) {
		domain_clear(r, domain);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/domains", r->cf->spool);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			(void)unlink(path);
		}
	closedir(d);
}

int
cmd_retry(struct runner *r, const char *what)
{
	static const char *const dirs[] = { "in", "out" };
	uint32_t	 only = what ? parse_id(what) : 0, *ids;
	const char	*domain = (what && only == 0) ? what : NULL;
	size_t		 n;
	int		 count = 0;
	struct msg	*m;

	if (only && !queued(r, only)) {
		fprintf(stderr, "spoolmgr: %s: no such message\n", what);
		return EX_NOINPUT;
	}
	clear_domains(r, domain);
	for (size_t d = 0; d < 2; d++) {
		if (scan_ids(r->cf->spool, dirs[d], &ids, &n) != 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			if ((only && ids[i] != only) ||
			    msg_open(r, dirs[d], ids[i], &m) != 0)
				continue;
			count += reschedule(r, m, domain);
			msg_close(m);
		}
		free(ids);
	}
	printf("%d deferred recipient%s rescheduled; running the queue\n",
	    count, count == 1 ? "" : "s");
	log_info("retry %s: %d recipients rescheduled", what ? what : "all",
	    count);
	return cmd_run(r);
}

struct totals {
	long long	 delivered, deferred, failed, bounced, deleted;
	time_t		 last_delivery;
};

static int
add_totals(char **f, void *arg)
{
	struct totals	*t = arg;

	if (strcmp(f[J_EVENT], "delivered") == 0) {
		t->delivered++;
		t->last_delivery = (time_t)strtoll(f[J_TIME], NULL, 10);
	} else if (strcmp(f[J_EVENT], "deferred") == 0)
		t->deferred++;
	else if (strcmp(f[J_EVENT], "failed") == 0)
		t->failed++;
	else if (strcmp(f[J_EVENT], "bounced") == 0)
		t->bounced++;
	else if (strcmp(f[J_EVENT], "deleted") == 0)
		t->deleted++;
	return 0;
}

/* What is in the queue now, by state. */
struct census {
	int		 in, out, bad;
	int		 rcpts[RCPT_BOUNCED + 1];
	time_t		 oldest;		/* arrival, 0 when empty */
};

static void
count_dir(struct runner *r, const char *subdir, int *messages,
    struct census *c)
{
	uint32_t	*ids;
	size_t		 n;

	if (scan_ids(r->cf->spool, subdir, &ids, &n) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct envelope		 env;
		struct rcpt_status	 st;
		char			 path[PATH_MAX], err[256];

		(*messages)++;
		spool_path(path, sizeof(path), r->cf->spool, subdir, ids[i],
		    "WRK");
		if (c == NULL || envelope_read(&env, path, err, sizeof(err)))
			continue;
		msg_fix_date(r->cf->spool, subdir, ids[i], &env);
		if (c->oldest == 0 || env.date < c->oldest)
			c->oldest = env.date;
		for (size_t k = 0; k < env.nrcpts; k++) {
			queue_get_state(&env, env.rcpts[k].addr, &st);
			c->rcpts[st.state]++;
		}
		envelope_free(&env);
	}
	free(ids);
}

static void
take_census(struct runner *r, struct census *c)
{
	memset(c, 0, sizeof(*c));
	count_dir(r, "in", &c->in, c);
	count_dir(r, "out", &c->out, c);
	count_dir(r, "bad", &c->bad, NULL);
}

int
cmd_stats(struct runner *r, int json)
{
	struct census	 c;
	struct totals	 t = { 0, 0, 0, 0, 0, 0 };
	char		 age[16];

	take_census(r, &c);
	journal_each(r->cf->spool, add_totals, &t);
	if (json) {
		printf("{\"in\":%d,\"out\":%d,\"bad\":%d,\"pending\":%d,"
		    "\"deferred\":%d,\"failed\":%d,\"oldest_age\":%lld,"
		    "\"journal_delivered\":%lld,\"journal_deferred\":%lld,"
		    "\"journal_failed\":%lld,\"journal_bounced\":%lld,"
		    "\"journal_deleted\":%lld,\"journal_days\":%lld}\n",
		    c.in, c.out, c.bad, c.rcpts[RCPT_PENDING],
		    c.rcpts[RCPT_DEFERRED], c.rcpts[RCPT_FAILED],
		    c.oldest ? (long long)(r->now - c.oldest) : 0LL,
		    t.delivered, t.deferred, t.failed, t.bounced, t.deleted,
		    r->cf->journaldays);
		return 0;
	}
	format_age(c.oldest ? r->now - c.oldest : 0, age, sizeof(age));
	printf("messages: %d in in/, %d in out/, %d in bad/\n", c.in, c.out,
	    c.bad);
	printf("recipients: %d pending, %d deferred, %d failed\n",
	    c.rcpts[RCPT_PENDING], c.rcpts[RCPT_DEFERRED], c.rcpts[RCPT_FAILED]);
	printf("oldest message: %s\n", c.oldest ? age : "none");
	printf("journal (%lld days): %lld delivered, %lld deferred, %lld "
	    "failed, %lld bounced, %lld deleted\n", r->cf->journaldays,
	    t.delivered, t.deferred, t.failed, t.bounced, t.deleted);
	return 0;
}

/* trace: the message numbers an argument names, then their lines. */
struct trace {
	const char	*what;
	uint32_t	 ids[1024];
	size_t		 n;
	int		 json, printed;
};

static int
trace_match(char **f, void *arg)
{
	struct trace	*t = arg;
	uint32_t	 id = parse_id(f[J_ID]);
	char		 bracketed[600];

	snprintf(bracketed, sizeof(bracketed), "<%s>", t->what);
	if (strcmp(f[J_ID], t->what) != 0 && strcmp(f[J_MSGID], t->what) != 0 &&
	    strcmp(f[J_MSGID], bracketed) != 0 &&
	    strcasecmp(f[J_SENDER], t->what) != 0 &&
	    strcasecmp(f[J_RCPT], t->what) != 0)
		return 0;
	for (size_t i = 0; i < t->n; i++)
		if (t->ids[i] == id)
			return 0;
	if (t->n < sizeof(t->ids) / sizeof(*t->ids))
		t->ids[t->n++] = id;
	return 0;
}

static const char *const field_names[J_NFIELDS] = { "time", "id",
	"message_id", "sender", "recipient", "event", "host", "reply", "dsn" };

/* One journal line as text, every field visible: all but the time may
 * hold a remote party's text (a reply, a Message-ID, an address). */
static void
trace_text(char **f)
{
	struct buf	 b = { NULL, 0, 0 };
	size_t		 at[J_NFIELDS];
	const char	*v[J_NFIELDS];
	char		 when[32];
	time_t		 secs = (time_t)strtoll(f[J_TIME], NULL, 10);
	struct tm	 tm;
	size_t		 i;

	for (i = 0; i < J_NFIELDS; i++) {
		at[i] = b.len;
		if (visible_append(&b, f[i], strlen(f[i]),
		    VISIBLE_KEEP_BACKSLASH) != 0 ||
		    buf_append(&b, "", 1) != 0) {	/* each ends in a NUL */
			buf_free(&b);
			return;
		}
	}
	for (i = 0; i < J_NFIELDS; i++)
		v[i] = b.data + at[i];
	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%SZ", &tm);
	printf("%s %s %s", when, v[J_ID], v[J_EVENT]);
	if (v[J_RCPT][0])
		printf(" <%s>", v[J_RCPT]);
	printf(" from <%s>", strcmp(v[J_SENDER], "<>") ? v[J_SENDER] : "");
	if (v[J_HOST][0])
		printf(" via %s", v[J_HOST]);
	if (v[J_REPLY][0])
		printf(": %s", v[J_REPLY]);
	if (v[J_DSN][0])
		printf(" [%s]", v[J_DSN]);
	if (v[J_MSGID][0])
		printf(" %s", v[J_MSGID]);
	printf("\n");
	buf_free(&b);
}

static int
trace_print(char **f, void *arg)
{
	struct trace	*t = arg;
	uint32_t	 id = parse_id(f[J_ID]);
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i;

	for (i = 0; i < t->n && t->ids[i] != id; i++)
		;
	if (i == t->n)
		return 0;
	t->printed++;
	if (!t->json) {
		trace_text(f);
		return 0;
	}
	buf_printf(&b, "{\"time\":%lld", strtoll(f[J_TIME], NULL, 10));
	for (i = 1; i < J_NFIELDS; i++) {
		buf_printf(&b, ",\"%s\":", field_names[i]);
		visible_undo(f[i]);	/* the journal holds it visible */
		visible_json(&b, f[i]);
	}
	buf_printf(&b, "}\n");
	fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	return 0;
}

int
cmd_trace(struct runner *r, const char *what, int json)
{
	struct trace	*t = calloc(1, sizeof(*t));
	int		 found;

	if (t == NULL)
		return EX_OSERR;
	t->what = what;
	t->json = json;
	if (what[0] == '<' && what[strlen(what) - 1] == '>')
		t->what = what;		/* a Message-ID as written */
	journal_each(r->cf->spool, trace_match, t);
	journal_each(r->cf->spool, trace_print, t);
	found = t->printed;
	if (!json && found == 0)
		printf("%s: nothing in the journal (kept %lld days)\n", what,
		    r->cf->journaldays);
	free(t);
	return found ? 0 : EX_NOINPUT;
}

int
cmd_health(struct runner *r, int json, long long warn, long long crit)
{
	struct census	 c;
	struct totals	 t = { 0, 0, 0, 0, 0, 0 };
	long long	 oldest, since = -1;
	double		 ratio;
	char		 age[16], last[32];
	int		 level;
	static const char *const words[] = { "OK", "WARNING", "CRITICAL" };

	take_census(r, &c);
	journal_each(r->cf->spool, add_totals, &t);
	oldest = c.oldest ? (long long)(r->now - c.oldest) : 0;
	level = oldest >= crit ? 2 : oldest >= warn ? 1 : 0;
	ratio = t.delivered + t.deferred ? (double)t.deferred /
	    (double)(t.delivered + t.deferred) : 0.0;
	format_age(oldest, age, sizeof(age));
	snprintf(last, sizeof(last), "never");
	if (t.last_delivery) {
		since = (long long)(r->now - t.last_delivery);
		format_age(since, last, sizeof(last));
		strlcat(last, " ago", sizeof(last));
	}
	if (json)
		printf("{\"status\":\"%s\",\"oldest\":%lld,\"in\":%d,"
		    "\"out\":%d,\"deferred\":%d,\"bad\":%d,"
		    "\"last_delivery_age\":%lld,\"deferral_ratio\":%.2f}\n",
		    words[level], oldest, c.in, c.out, c.rcpts[RCPT_DEFERRED],
		    c.bad, since, ratio);
	else
		printf("SMTPGATE %s - oldest %s, in %d, out %d, deferred %d, "
		    "last delivery %s, deferral ratio %.2f | oldest=%llds;%lld;"
		    "%lld in=%d out=%d deferred=%d bad=%d deferral_ratio=%.2f\n",
		    words[level], age, c.in, c.out, c.rcpts[RCPT_DEFERRED],
		    last, ratio, oldest, warn, crit, c.in, c.out,
		    c.rcpts[RCPT_DEFERRED], c.bad, ratio);
	return level;
}
