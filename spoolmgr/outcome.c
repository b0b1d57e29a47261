/* SPDX-License-Identifier: ISC */
/*
 * The end of one attempt for one recipient, local or remote: its State
 * line, the journal, the log and the run's counters, in one place; and
 * the journal line of any event of a message.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "spoolmgr.h"

enum outcome
record_outcome(struct runner *r, struct msg *m, size_t ri, enum outcome out,
    struct rcpt_status *st, const char *where)
{
	static const char *const events[] = { "delivered", "deferred",
	    "failed", "deferred" };
	const char	*addr = m->env.rcpts[ri].addr;

	st->state = out == OUT_DONE ? RCPT_DONE : out == OUT_FAIL ?
	    RCPT_FAILED : RCPT_DEFERRED;
	if (st->state == RCPT_DEFERRED)
		retry_defer(r, &m->env, st, &out);	/* may expire: fail */
	queue_set_state(&m->env, addr, st);
	journal_msg(r, m, addr, events[out], where, st->reply, NULL);
	log_info("message %lu: <%s>: %s: %s", (unsigned long)m->id, addr,
	    events[out], st->reply);
	if (out == OUT_DONE)
		r->delivered++;
	else if (out == OUT_FAIL)
		r->failed++;
	else
		r->deferred++;
	return out;
}

void
journal_msg(struct runner *r, const struct msg *m, const char *rcpt,
    const char *event, const char *host, const char *reply, const char *dsn)
{
	struct jentry	 e = { time(NULL), m->id, m->msgid, m->env.sender,
	    rcpt, event, host, reply, dsn };

	if (journal_add(r->cf->spool, &e, 1) == -1)
		log_error("message %lu: journal: %s", (unsigned long)m->id,
		    strerror(errno));
}
