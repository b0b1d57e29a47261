/* SPDX-License-Identifier: ISC */
/*
 * smtpd -S, a submission server (RFC 6409 8.2, 8.3): a message whose
 * header has no Date or no Message-ID gets one, added at the end of the
 * header section, where the first line that is not a header field (the
 * empty line, most often) is.  On port 25 nothing is added: the text
 * is stored exactly as received.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "engine.h"
#include "text.h"

/* "Name:" with a name of printable ASCII but ':' (RFC 5322 2.2). */
static int
header_field(const char *line, size_t len)
{
	size_t	 i;

	for (i = 0; i < len && line[i] != ':'; i++)
		if (line[i] < 33 || line[i] > 126)
			return 0;
	return i > 0 && i < len;
}

static int
named(const char *line, size_t len, const char *name)
{
	size_t	 n = strlen(name);

	return len > n && line[n] == ':' && strncasecmp(line, name, n) == 0;
}

/* The Date and Message-ID the header lacks, into the spool. */
static int
add_missing(struct session *s)
{
	struct data_reader	*d = &s->data;
	char			 text[600], date[64], stamp[32];
	time_t			 now = time(NULL);
	int			 n = 0;

	d->in_header = 0;
	if (!d->has_date) {
		rfc5322_date(now, date, sizeof(date));
		n += snprintf(text + n, sizeof(text) - (size_t)n, "Date: %s\n",
		    date);
	}
	if (!d->has_msgid) {
		/* the spool's number is unique while the message exists;
		 * the time keeps it so after the number wraps */
		strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", gmtime(&now));
		n += snprintf(text + n, sizeof(text) - (size_t)n,
		    "Message-ID: <%s.%lu@%s>\n", stamp,
		    (unsigned long)s->msg.id, s->cf->hostname);
	}
	if (n <= 0 || (size_t)n >= sizeof(text))
		return n == 0 ? 0 : -1;
	return spool_write(&s->msg, text, (size_t)n);
}

int
submission_line(struct session *s, const char *line, size_t len)
{
	struct data_reader	*d = &s->data;

	if (!s->submission || !d->in_header)
		return 0;
	if (line[0] == ' ' || line[0] == '\t')
		return 0;	/* a folded field goes on */
	if (!header_field(line, len))
		return add_missing(s);
	if (named(line, len, "Date"))
		d->has_date = 1;
	if (named(line, len, "Message-ID"))
		d->has_msgid = 1;
	return 0;
}

int
submission_end(struct session *s)
{
	if (!s->submission || !s->data.in_header)
		return 0;
	return add_missing(s);
}
