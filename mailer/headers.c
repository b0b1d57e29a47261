/* SPDX-License-Identifier: ISC */
#include <sys/time.h>

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <bsd/string.h>

#include "addrlist.h"
#include "buf.h"
#include "headers.h"

/* A line of input: up to LINE_CHUNK octets, LF included when there. */
struct line {
	char	 data[LINE_CHUNK + 1];
	size_t	 len;
	int	 complete;	/* ends in LF */
};

struct reader {
	FILE		*in;
	int		 eof;
	long long	 total;		/* octets kept, CR LF counted as one */
	long long	 limit;		/* maxsize; 0: none */
	int		 too_big;	/* stopped at limit */
	int		 stalled;	/* stopped: no input for a while */
	unsigned long long got;		/* octets read, for the watchdog */
	unsigned long long got_at_tick;
	long long	 idle_timeout;	/* seconds; 0: none */
	long long	 silent;	/* seconds of ticks without input */
	int		 interrupted;	/* the signal that stopped us, or 0 */
};

/* Set by the periodic timer of message_copy: see input_stalled. */
static volatile sig_atomic_t	 timer_ticked;
/* SIGHUP, SIGINT or SIGTERM while copying: give up, remove the files. */
static volatile sig_atomic_t	 got_signal;
static const int		 stop_signals[] = { SIGHUP, SIGINT, SIGTERM };
#define NSTOP	(sizeof(stop_signals) / sizeof(stop_signals[0]))

static void
on_timer(int sig)
{
	(void)sig;
	timer_ticked = 1;
}

static void
on_stop_signal(int sig)
{
	got_signal = sig;
}

static int
was_interrupted(struct reader *r)
{
	if (got_signal == 0)
		return 0;
	r->interrupted = got_signal;
	return 1;
}

/*
 * The timer's period: a quarter of the timeout, at least a second, so a
 * stall is seen at most one period late.
 */
static long long
tick_seconds(long long idle_timeout)
{
	return idle_timeout >= 4 ? idle_timeout / 4 : 1;
}

/*
 * A read interrupted by the timer: stalled once the ticks without any
 * input add up to the timeout.
 */
static int
input_stalled(struct reader *r)
{
	if (!timer_ticked)
		return 0;
	timer_ticked = 0;
	if (r->got != r->got_at_tick) {
		r->got_at_tick = r->got;
		r->silent = 0;
		return 0;
	}
	r->silent += tick_seconds(r->idle_timeout);
	if (r->silent < r->idle_timeout)
		return 0;
	r->stalled = 1;
	return 1;
}

/* getc, through the timer's interruptions; EOF when stalled too. */
static int
next_char(struct reader *r)
{
	int	 c;

	for (;;) {
		if ((c = getc_unlocked(r->in)) != EOF) {
			r->got++;
			return c;
		}
		if (!ferror(r->in) || errno != EINTR)
			return EOF;
		clearerr(r->in);
		if (was_interrupted(r) || input_stalled(r))
			return EOF;
	}
}

static int
read_line(struct reader *r, struct line *l)
{
	int	 c = 0;

	l->len = 0;
	l->complete = 0;
	if (r->limit > 0 && r->total > r->limit) {
		r->too_big = 1;		/* read no further: see message_copy */
		r->eof = 1;
	}
	if (was_interrupted(r))
		r->eof = 1;
	if (r->eof)
		return 0;
	while (l->len < LINE_CHUNK && (c = next_char(r)) != EOF) {
		if (c == '\r') {
			/* CR LF, and a lone CR too, end the line: on the
			 * wire a lone CR becomes CR LF (data.c), so the
			 * header is read here as the next hop will read it */
			int	 next = next_char(r);

			if (next != '\n' && next != EOF)
				ungetc(next, r->in);
			c = '\n';
		}
		l->data[l->len++] = (char)c;
		if (c == '\n') {
			l->complete = 1;
			break;
		}
	}
	if (c == EOF)
		r->eof = 1;
	l->data[l->len] = '\0';
	r->total += (long long)l->len;
	return l->len > 0 || !r->eof;
}

static int
is_dot_line(const struct line *l)
{
	return l->complete && strcmp(l->data, ".\n") == 0;
}

/* "Name:" with ftext names (RFC 5322 3.6.8), obsolete WSP allowed. */
static int
is_field(const struct line *l)
{
	size_t	 i = 0;

	while (i < l->len && l->data[i] > 32 && l->data[i] < 127 &&
	    l->data[i] != ':')
		i++;
	if (i == 0)
		return 0;
	while (i < l->len && (l->data[i] == ' ' || l->data[i] == '\t'))
		i++;
	return i < l->len && l->data[i] == ':';
}

static int
name_is(const char *field, const char *name)
{
	size_t	 n = strlen(name);

	return strncasecmp(field, name, n) == 0 &&
	    (field[n] == ':' || field[n] == ' ' || field[n] == '\t');
}

struct header {
	struct buf	 fields;	/* kept fields, LF line ends */
	struct buf	 one;		/* the field being read */
	int		 has_from, has_date, has_msgid;
};

/* The fields whose bodies are address lists (RFC 5322 3.6.2, 3.6.3, 3.6.6;
 * RFC 8098 Disposition-Notification-To; the common Errors-To and the
 * mailing-list Mail-Followup-To and Mail-Reply-To). */
static const char *const address_fields[] = {
	"From", "Sender", "Reply-To", "To", "Cc", "Bcc",
	"Resent-From", "Resent-Sender", "Resent-To", "Resent-Cc",
	"Resent-Bcc", "Resent-Reply-To", "Errors-To", "Return-Receipt-To",
	"Disposition-Notification-To", "Mail-Followup-To", "Mail-Reply-To",
};

static int
is_address_field(const char *field)
{
	for (size_t i = 0; i < sizeof(address_fields) /
	    sizeof(address_fields[0]); i++)
		if (name_is(field, address_fields[i]))
			return 1;
	return 0;
}

/* h->one's address field with "@hostname" on its bare local parts. */
static int
qualify_field(struct header *h, const char *domain)
{
	struct buf	 q = { NULL, 0, 0 };
	const char	*colon = memchr(h->one.data, ':', h->one.len);
	size_t		 name_len = (size_t)(colon - h->one.data) + 1;

	if (buf_append(&q, h->one.data, name_len) == -1 ||
	    addrlist_qualify(colon + 1, h->one.len - name_len, domain,
	    &q) == -1) {
		buf_free(&q);
		return -1;
	}
	buf_free(&h->one);
	h->one = q;
	return 0;
}

/* One whole field (with its continuation lines) is in h->one. */
static int
field_done(struct header *h, const struct header_opts *o)
{
	const char	*f = h->one.data;
	int		 is_bcc;

	if (h->one.len == 0)
		return 0;
	if (h->one.data[h->one.len - 1] != '\n' &&
	    buf_append(&h->one, "\n", 1) == -1)	/* input ended in it */
		return -1;
	if (o->hostname && is_address_field(h->one.data) &&
	    qualify_field(h, o->hostname) == -1)
		return -1;
	f = h->one.data;
	h->has_from |= name_is(f, "From");
	h->has_date |= name_is(f, "Date");
	h->has_msgid |= name_is(f, "Message-ID");
	is_bcc = name_is(f, "Bcc");
	if (o->extract && (is_bcc || name_is(f, "To") || name_is(f, "Cc")) &&
	    addrlist_parse(strchr(f, ':') + 1, o->add_rcpt, o->arg) == -1)
		return -2;
	if (!is_bcc && buf_append(&h->fields, f, h->one.len) == -1)
		return -1;
	buf_consume(&h->one, h->one.len);
	return 0;
}

static int
fail(char *err, size_t errlen, int *data_error, int is_data,
    const char *what)
{
	snprintf(err, errlen, "%s", what);
	*data_error = is_data;
	return -1;
}

/*
 * Reads the header section.  On return l holds the first body line
 * (len 0 when none) and *sep says whether an empty line ended it.
 */
static int
read_header(struct reader *r, struct header *h, struct line *l,
    const struct header_opts *o, int *sep, char *err, size_t errlen,
    int *data_error)
{
	int	 first = 1, rc;

	*sep = 0;
	while (read_line(r, l)) {
		if (o->dot_ends && is_dot_line(l)) {
			r->eof = 1;
			l->len = 0;
			break;
		}
		if (first && strncmp(l->data, "From ", 5) == 0 && l->complete) {
			first = 0;	/* an mbox "From " line */
			continue;
		}
		first = 0;
		if (!l->complete && l->len == LINE_CHUNK)
			return fail(err, errlen, data_error, 1,
			    "a header line is longer than 64 KiB");
		if ((l->data[0] == ' ' || l->data[0] == '\t') && h->one.len) {
			if (buf_append(&h->one, l->data, l->len) == -1)
				return fail(err, errlen, data_error, 0, "no memory");
		} else {
			if ((rc = field_done(h, o)) < 0)
				return fail(err, errlen, data_error, rc == -2,
				    rc == -2 ? "bad address in a header" :
				    "no memory");
			if (!is_field(l)) {
				*sep = (strcmp(l->data, "\n") == 0);
				if (*sep)
					l->len = 0;
				break;
			}
			if (buf_append(&h->one, l->data, l->len) == -1)
				return fail(err, errlen, data_error, 0, "no memory");
		}
		if (h->fields.len + h->one.len > HEADER_SECTION_MAX)
			return fail(err, errlen, data_error, 1,
			    "the header section is longer than 1 MiB");
		l->len = 0;
	}
	if ((rc = field_done(h, o)) < 0)
		return fail(err, errlen, data_error, rc == -2,
		    rc == -2 ? "bad address in a header" : "no memory");
	return 0;
}

/* Received:, then the fields we add, then the kept ones, then "\n". */
static int
write_header(struct spool_msg *msg, const struct header *h,
    const struct header_opts *o)
{
	struct buf	 out = { NULL, 0, 0 };
	char		 date[64], stamp[32];
	struct tm	 tm;
	int		 rc;

	rfc5322_date(o->now, date, sizeof(date));
	gmtime_r(&o->now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	buf_printf(&out, "%s", o->received);
	if (!h->has_from)
		buf_printf(&out, "From: %s\n", o->from);
	if (!h->has_date)
		buf_printf(&out, "Date: %s\n", date);
	if (!h->has_msgid)
		buf_printf(&out, "Message-ID: <%s.%lu.%ld@%s>\n", stamp,
		    (unsigned long)o->id, (long)getpid(), o->hostname);
	if (h->fields.len)
		buf_append(&out, h->fields.data, h->fields.len);
	buf_append(&out, "\n", 1);
	rc = out.data ? spool_write(msg, out.data, out.len) : -1;
	buf_free(&out);
	return rc;
}

/* The body, line by line (or chunk by chunk), line ends made LF by read_line. */
static int
copy_body(struct reader *r, struct spool_msg *msg, struct line *l,
    const struct header_opts *o)
{
	int	 at_start = 1;

	do {
		if (l->len == 0)
			continue;
		if (o->dot_ends && at_start && is_dot_line(l))
			break;
		if (spool_write(msg, l->data, l->len) == -1)
			return -1;
		at_start = l->complete;
	} while (read_line(r, l));
	return 0;
}

static void
catch_signal(int sig, void (*handler)(int), struct sigaction *old)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;	/* no SA_RESTART: a read returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, old);
}

/*
 * SIGHUP, SIGINT and SIGTERM end the copy (the caller removes the
 * files), unless ignored; and a periodic timer interrupts a blocked
 * read, so that a writer who stops sending, or is stopped, cannot hold
 * spool files for ever.  seconds 0: no timer.
 */
static void
watchdog_start(long long seconds, struct sigaction *old)
{
	struct itimerval	 it;

	got_signal = 0;
	for (size_t i = 0; i < NSTOP; i++) {
		catch_signal(stop_signals[i], on_stop_signal, &old[i + 1]);
		if (old[i + 1].sa_handler == SIG_IGN)	/* nohup: keep it so */
			sigaction(stop_signals[i], &old[i + 1], NULL);
	}
	if (seconds <= 0)
		return;
	catch_signal(SIGALRM, on_timer, &old[0]);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = it.it_interval.tv_sec =
	    (time_t)tick_seconds(seconds);
	timer_ticked = 0;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void
watchdog_stop(long long seconds, const struct sigaction *old)
{
	struct itimerval	 off;

	for (size_t i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &old[i + 1], NULL);
	if (seconds <= 0)
		return;
	memset(&off, 0, sizeof(off));
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old[0], NULL);
}

/* Why reading stopped early, if it did; 0 when the input was whole. */
static int
input_failed(const struct reader *r, const struct header_opts *o,
    char *err, size_t errlen, int *data_error)
{
	char	 why[160];

	if (r->interrupted) {
		snprintf(why, sizeof(why), "standard input: interrupted by "
		    "signal %d", r->interrupted);
		return fail(err, errlen, data_error, COPY_INTERRUPTED, why);
	}
	if (r->stalled) {
		snprintf(why, sizeof(why), "standard input: nothing came in "
		    "for %lld seconds (timeout)", o->idle_timeout);
		return fail(err, errlen, data_error, COPY_TIMED_OUT, why);
	}
	if (r->too_big || (o->maxsize > 0 && r->total > o->maxsize)) {
		snprintf(why, sizeof(why), "standard input: the message is "
		    "larger than maxsize (%lld octets)", o->maxsize);
		return fail(err, errlen, data_error, COPY_DATA_ERROR, why);
	}
	if (ferror(r->in))
		return fail(err, errlen, data_error, COPY_IO_ERROR,
		    "standard input: reading the message failed");
	return 0;
}

int
message_copy(FILE *in, struct spool_msg *msg, const struct header_opts *o,
    char *err, size_t errlen, int *data_error)
{
	struct reader		 r;
	struct header		 h;
	struct line		*l;
	struct sigaction	 old_actions[1 + NSTOP];
	int			 sep, rc = -1;

	*data_error = COPY_IO_ERROR;
	memset(&r, 0, sizeof(r));
	r.in = in;
	r.limit = o->maxsize;
	r.idle_timeout = o->idle_timeout;
	memset(&h, 0, sizeof(h));
	if ((l = malloc(sizeof(*l))) == NULL)
		return fail(err, errlen, data_error, 0, "no memory");
	watchdog_start(o->idle_timeout, old_actions);
	if (read_header(&r, &h, l, o, &sep, err, errlen, data_error) == 0) {
		if (write_header(msg, &h, o) == -1 ||
		    copy_body(&r, msg, l, o) == -1)
			fail(err, errlen, data_error, 0, strerror(msg->saved_errno));
		else if (input_failed(&r, o, err, errlen, data_error) == 0)
			rc = 0;
	} else if (r.stalled || r.too_big || r.interrupted) /* say why */
		input_failed(&r, o, err, errlen, data_error);
	watchdog_stop(o->idle_timeout, old_actions);
	buf_free(&h.fields);
	buf_free(&h.one);
	free(l);
	return rc;
}
