/* SPDX-License-Identifier: ISC */
/*
 * The delivery journal, SPOOL/journal/YYYY-MM-DD (UTC): one line per
 * attempt or notice, from spoolmgr and from mailer's deliveries at
 * once alike.  Fields, tab-separated, "-" when empty:
 *   TIME ID MESSAGE-ID SENDER RECIPIENT EVENT HOST REPLY DSN
 * Each field is written visible (lib/visible.h): a control byte (a
 * tab, CR or LF from a hostile reply or address) as \t, \r, \n or \xHH
 * and a backslash as \\, so a line is always one line of nine fields.
 */
#ifndef SMTPGATE_JOURNAL_H
#define SMTPGATE_JOURNAL_H

#include <stdint.h>
#include <time.h>

struct jentry {
	time_t		 when;
	uint32_t	 id;
	const char	*msgid, *sender, *rcpt, *event, *host, *reply, *dsn;
};

enum { J_TIME, J_ID, J_MSGID, J_SENDER, J_RCPT, J_EVENT, J_HOST, J_REPLY,
	J_DSN, J_NFIELDS };

/* Journal files of the days ahead that journal_prepare() makes. */
#define JOURNAL_DAYS_AHEAD	2

/*
 * Appends e's line with one write(2) on an O_APPEND descriptor, so that
 * the lines of concurrent writers stay whole.  create: the directory
 * and the day's file may be made (mode 0770 and 0660: the spool's group
 * appends); 0 for a process that must not own a journal file, such as
 * mailer set-group-ID for an ordinary user.  0, or -1 with errno set
 * (ENOENT: the day's file does not exist and create was 0).
 */
int	journal_add(const char *spool, const struct jentry *e, int create);
/* 1: journal_add keeps the day's file open between lines (a queue run). */
void	journal_keep_open(int on);
/*
 * Makes the files of today and of JOURNAL_DAYS_AHEAD days after it, so
 * that they belong to the caller (the gateway's user) and not to
 * whoever appends first.  -1 with errno when one could not be made.
 */
int	journal_prepare(const char *spool, time_t now);
/* Removes the day files older than days days. */
void	journal_prune(const char *spool, long long days, time_t now);
/* Calls fn for every line, oldest file first; fields split at tabs. */
int	journal_each(const char *spool, int (*fn)(char **fields, void *arg),
	    void *arg);

#endif
