/* SPDX-License-Identifier: ISC */
/*
 * Notices spoolmgr sends: DSNs to the sender (failed, delayed, delivered),
 * double bounces and system alerts to postmaster.  All go through the one
 * spool writer into SPOOL/in with the null sender, and are marked with an
 * envelope line "Dsn: bounce|double|alert" so that the failure of a
 * notice is never answered with another notice to the same place.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <bsd/string.h>

#include "dsnparam.h"
#include "log.h"
#include "spool.h"
#include "spoolmgr.h"

void
postmaster_addr(const struct config *cf, char *out, size_t len)
{
	/* the first local domain's, or the hostname's when there is none */
	snprintf(out, len, "postmaster@%s",
	    config_mailbox_domain(cf, cf->hostname));
}

static const char *
dsn_mark(const struct envelope *env)
{
	for (size_t i = 0; i < env->nextra; i++)
		if (strcmp(env->extra[i].key, "Dsn") == 0)
			return env->extra[i].value;
	return NULL;
}

/*
 * Commits text (after a Received: line) to rcpt with the null sender.
 * eightbit: the text has 8-bit bytes (BODY=8BITMIME); utf8: it needs
 * SMTPUTF8 (a UTF-8 address in its headers or its envelope).
 */
static uint32_t
spool_notice(struct runner *r, struct spool_msg *sm, const char *rcpt,
    const char *mark, const struct buf *text, int eightbit, int utf8)
{
	struct envelope	 env;
	char		 err[512], date[64], received[512];
	uint32_t	 id = sm->id;

	rfc5322_date(r->now, date, sizeof(date));
	snprintf(received, sizeof(received), "Received: by %s (spoolmgr) "
	    "id %lu;\n\t%s\n", r->cf->hostname, (unsigned long)id, date);
	envelope_init(&env);
	env.smtputf8 = utf8;
	if ((env.sender = strdup("")) == NULL ||
	    envelope_add_rcpt(&env, rcpt, "NEVER", NULL) != 0 ||
	    envelope_add_extra(&env, "Dsn", mark) != 0 ||
	    (env.client = strdup("local")) == NULL ||
	    (eightbit && (env.body = strdup("8BITMIME")) == NULL) ||
	    spool_write(sm, received, strlen(received)) != 0 ||
	    spool_write(sm, text->data, text->len) != 0 ||
	    spool_commit(sm, &env, err, sizeof(err)) != 0) {
		log_error("notice to <%s>: %s", rcpt, sm->id ? "write failed" :
		    err);
		spool_abort(sm);
		id = 0;
	}
	envelope_free(&env);
	return id;
}

static void
journal_notices(struct runner *r, struct msg *m, enum dsn_kind kind,
    const struct dsn_rcpt *rcpts, size_t n, uint32_t id)
{
	char	 dsn[64];

	snprintf(dsn, sizeof(dsn), "%s DSN %lu", kind == DSN_DELAYED ?
	    "delay" : "success", (unsigned long)id);
	for (size_t i = 0; i < n; i++)
		journal_msg(r, m, rcpts[i].addr, "notified", NULL,
		    rcpts[i].st->reply, dsn);
}

/* 8-bit text needs BODY=8BITMIME when the notice goes on by SMTP. */
static int
has_8bit(const struct buf *text)
{
	for (size_t i = 0; i < text->len; i++)
		if ((unsigned char)text->data[i] >= 0x80)
			return 1;
	return 0;
}

/* Writes a DSN about m for rcpts to `to`; the new message's number or 0. */
static uint32_t
send_dsn(struct runner *r, struct msg *m, enum dsn_kind kind,
    struct dsn_rcpt *rcpts, size_t n, const char *to, const char *mark)
{
	struct spool_msg sm;
	struct buf	 text = { NULL, 0, 0 };
	struct dsn_info	 in;
	char		 err[512], txt[PATH_MAX];
	uint32_t	 id = 0;
	int		 full = m->env.ret && strcasecmp(m->env.ret, "FULL") == 0;

	msg_path(txt, sizeof(txt), r, m, "TXT");
	if (spool_open(&sm, r->cf->spool, err, sizeof(err)) != 0) {
		log_error("message %lu: DSN: %s", (unsigned long)m->id, err);
		return 0;
	}
	in = (struct dsn_info){ kind, r->cf->hostname, &m->env, txt, rcpts, n,
	    r->now, sm.id, full && kind == DSN_FAILED, to,
	    m->env.date + (time_t)r->cf->queuelife, dsn_needs_utf8(&m->env) };
	if (dsn_compose(&text, &in) == 0)
		id = spool_notice(r, &sm, to, mark, &text, has_8bit(&text),
		    in.utf8);
	else
		spool_abort(&sm);
	buf_free(&text);
	if (id != 0)
		log_info("message %lu: %s DSN to <%s> is message %lu",
		    (unsigned long)m->id, kind == DSN_FAILED ? "failure" :
		    kind == DSN_DELAYED ? "delay" : "success", to,
		    (unsigned long)id);
	if (id != 0 && kind != DSN_FAILED)	/* failures: mark_bounced */
		journal_notices(r, m, kind, rcpts, n, id);
	return id;
}

/* The recipients in state `state` whose NOTIFY asks for `what`. */
static size_t
collect(struct runner *r, struct msg *m, enum rcpt_state state,
    const char *what, struct dsn_rcpt *out, struct rcpt_status *sts,
    int *unwanted)
{
	size_t	 n = 0;

	*unwanted = 0;
	for (size_t i = 0; i < m->env.nrcpts; i++) {
		const struct recipient *rc = &m->env.rcpts[i];

		queue_get_state(&m->env, rc->addr, &sts[i]);
		if (sts[i].state != state)
			continue;
		if (what && !dsn_notify_wants(rc->notify, what)) {
			(*unwanted)++;
			continue;
		}
		out[n].addr = rc->addr;
		out[n].orcpt = rc->orcpt;
		out[n].st = &sts[i];
		out[n].remote = i < m->nremote ? m->remote[i] : NULL;
		out[n].expanded = 0;
		out[n].local = config_is_local(r->cf, rcpt_domain(rc->addr)) ||
		    (i < m->nown && m->own[i]);
		out[n].relayed = 0;
		n++;
	}
	return n;
}

/* Marks every failed recipient bounced, journalling the DSN's number. */
static void
mark_bounced(struct runner *r, struct msg *m, uint32_t dsnid, const char *how)
{
	struct rcpt_status	 st;
	char			 dsn[64];

	snprintf(dsn, sizeof(dsn), "%s %lu", how, (unsigned long)dsnid);
	for (size_t i = 0; i < m->env.nrcpts; i++) {
		queue_get_state(&m->env, m->env.rcpts[i].addr, &st);
		if (st.state != RCPT_FAILED)
			continue;
		st.state = RCPT_BOUNCED;
		queue_set_state(&m->env, m->env.rcpts[i].addr, &st);
		journal_msg(r, m, m->env.rcpts[i].addr, "bounced", NULL,
		    st.reply, dsnid ? dsn : how);
	}
	msg_save(r, m);
}

/*
 * Failed recipients get one DSN per message and batch.  A message with
 * the null sender is itself a notice: its failure goes to postmaster
 * once, as a double bounce, and a failed double bounce only to the log.
 */
int
bounce_message(struct runner *r, struct msg *m)
{
	struct dsn_rcpt		*list = calloc(m->env.nrcpts, sizeof(*list));
	struct rcpt_status	*sts = calloc(m->env.nrcpts, sizeof(*sts));
	const char		*mark = dsn_mark(&m->env);
	char			 pm[300];
	size_t			 n;
	int			 unwanted, rc = 0;
	uint32_t		 id = 0;

	if (list == NULL || sts == NULL)
		goto out;
	n = collect(r, m, RCPT_FAILED, m->env.sender[0] ? "FAILURE" : NULL, list,
	    sts, &unwanted);
	if (n == 0 && unwanted == 0)
		goto out;
	if (n == 0)
		mark_bounced(r, m, 0, "none (NOTIFY)");
	else if (m->env.sender[0]) {
		if ((id = send_dsn(r, m, DSN_FAILED, list, n, m->env.sender,
		    "bounce")) != 0)
			mark_bounced(r, m, id, "DSN");
		else
			rc = -1;
	} else if (mark && strcmp(mark, "bounce") != 0) {
		log_error("message %lu: a %s notice failed; not sent again, "
		    "see the journal", (unsigned long)m->id, mark);
		mark_bounced(r, m, 0, "none (failed notice)");
	} else {
		postmaster_addr(r->cf, pm, sizeof(pm));
		if ((id = send_dsn(r, m, DSN_FAILED, list, n, pm, "double")) != 0)
			mark_bounced(r, m, id, "double bounce");
		else
			rc = -1;
	}
out:
	free(list);
	free(sts);
	return rc;
}

static int
has_extra(const struct envelope *env, const char *key)
{
	for (size_t i = 0; i < env->nextra; i++)
		if (strcmp(env->extra[i].key, key) == 0)
			return 1;
	return 0;
}

/* Once per message, after delaywarn: "still trying" to the sender. */
void
bounce_delay_warning(struct runner *r, struct msg *m)
{
	struct dsn_rcpt		*list;
	struct rcpt_status	*sts;
	char			 when[32];
	size_t			 n;
	int			 unwanted;

	if (r->cf->delaywarn == 0 || m->env.sender[0] == '\0' ||
	    r->now - m->env.date < r->cf->delaywarn ||
	    has_extra(&m->env, "Warned"))
		return;
	list = calloc(m->env.nrcpts, sizeof(*list));
	sts = calloc(m->env.nrcpts, sizeof(*sts));
	if (list && sts) {
		n = collect(r, m, RCPT_DEFERRED, "DELAY", list, sts, &unwanted);
		if (n + (size_t)unwanted > 0 && (n == 0 ||
		    send_dsn(r, m, DSN_DELAYED, list, n, m->env.sender,
		    "bounce") != 0)) {
			snprintf(when, sizeof(when), "%lld", (long long)r->now);
			envelope_add_extra(&m->env, "Warned", when);
			msg_save(r, m);
		}
	}
	free(list);
	free(sts);
}

/*
 * NOTIFY=SUCCESS: a "delivered" or "expanded" DSN for what this run
 * delivered locally, "relayed" for what it gave to a server without DSN.
 */
void
bounce_success(struct runner *r, struct msg *m)
{
	struct dsn_rcpt		*list = calloc(m->env.nrcpts, sizeof(*list));
	struct rcpt_status	*sts = calloc(m->env.nrcpts, sizeof(*sts));
	size_t			 n = 0;

	if (list && sts && m->env.sender[0]) {
		for (size_t i = 0; i < m->env.nrcpts; i++) {
			if (!m->notified[i])
				continue;
			queue_get_state(&m->env, m->env.rcpts[i].addr, &sts[i]);
			list[n].addr = m->env.rcpts[i].addr;
			list[n].orcpt = m->env.rcpts[i].orcpt;
			list[n].st = &sts[i];
			list[n].expanded = m->notified[i] == NOTE_EXPANDED;
			list[n].relayed = m->notified[i] == NOTE_RELAYED;
			list[n].local = !list[n].relayed;
			list[n].remote = list[n].relayed && i < m->nremote ?
			    m->remote[i] : NULL;
			n++;
		}
		if (n > 0)
			send_dsn(r, m, DSN_DELIVERED, list, n, m->env.sender,
			    "bounce");
	}
	free(list);
	free(sts);
}

/*
 * A failure of the system (a program's exit, a full disk, a missing mail
 * root) defers mail; postmaster hears of it once a day per kind, through
 * SPOOL/alerts/KIND whose time is the last notice.
 */
void
alert_postmaster(struct runner *r, const char *kind, const char *text)
{
	char		 path[PATH_MAX], pm[300], err[512], date[64];
	struct stat	 st;
	struct spool_msg sm;
	struct buf	 b = { NULL, 0, 0 };
	int		 fd;

	log_error("system problem (%s): %s", kind, text);
	snprintf(path, sizeof(path), "%s/alerts", r->cf->spool);
	(void)mkdir(path, 0750);
	snprintf(path, sizeof(path), "%s/alerts/%s", r->cf->spool, kind);
	if (stat(path, &st) == 0 && st.st_mtime > r->now - 86400)
		return;
	postmaster_addr(r->cf, pm, sizeof(pm));
	rfc5322_date(r->now, date, sizeof(date));
	if (spool_open(&sm, r->cf->spool, err, sizeof(err)) != 0) {
		log_error("alert to <%s>: %s", pm, err);
		return;
	}
	/* RFC 5322 3.6: Date and From are required, Message-ID expected. */
	buf_printf(&b, "From: Mail Delivery System <MAILER-DAEMON@%s>\n"
	    "To: <%s>\nSubject: smtpgate on %s: %s problem\nDate: %s\n"
	    "Message-ID: <%lu.%lld.alert@%s>\n"
	    "Auto-Submitted: auto-generated\n\n"
	    "spoolmgr on %s met a problem of the system, not of a message:\n\n"
	    "    %s\n\nMail is deferred, not bounced, until it is fixed.\n"
	    "This notice is sent at most once a day (%s).\n",
	    r->cf->hostname, pm, r->cf->hostname, kind, date,
	    (unsigned long)sm.id, (long long)r->now, r->cf->hostname,
	    r->cf->hostname, text, path);
	if (spool_notice(r, &sm, pm, "alert", &b, 0, 0) != 0 &&
	    (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0640)) != -1) {
		/* Remembered only once sent: a full disk is told later. */
		(void)!write(fd, text, strlen(text));
		(void)!write(fd, "\n", 1);
		close(fd);
	}
	buf_free(&b);
}
