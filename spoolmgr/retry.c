/* SPDX-License-Identifier: ISC */
/*
 * When to try again.  A recipient's interval starts at retrymin and
 * doubles up to retrymax; after queuelife from arrival it fails.  A domain
 * whose every recipient was deferred gets SPOOL/domains/DOMAIN ("NEXT
 * TRIES"), so that one cron run after another does not hammer it.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <bsd/string.h>

#include "spoolmgr.h"

time_t
retry_interval(const struct config *cf, int tries)
{
	long long	 t = cf->retrymin;

	for (int i = 1; i < tries && t < cf->retrymax; i++)
		t *= 2;
	if (t > cf->retrymax)
		t = cf->retrymax;
	return (time_t)t;
}

/* queuelife in the largest unit that says it exactly: "5 days", "90 seconds". */
static const char *
lifetime_words(long long secs, char *out, size_t len)
{
	static const struct { long long size; const char *name; } units[] = {
		{ 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]) - 1; i++)
		if (secs >= units[i].size && secs % units[i].size == 0)
			break;
	snprintf(out, len, "%lld %s%s", secs / units[i].size, units[i].name,
	    secs / units[i].size == 1 ? "" : "s");
	return out;
}

/*
 * A deferral: the next try, or failure when the message is too old.  A
 * failure of the system (OUT_SYSFAIL) is not the message's: it waits for
 * the fix, postmaster being told, and never expires into a bounce.
 */
void
retry_defer(const struct runner *r, const struct envelope *env,
    struct rcpt_status *st, enum outcome *out)
{
	char	 reply[sizeof(st->reply)], span[32];

	st->next = r->now + retry_interval(r->cf, st->tries);
	st->state = RCPT_DEFERRED;
	if (*out != OUT_SYSFAIL && r->now - env->date >= r->cf->queuelife) {
		/* RFC 3463 X.4.7: delivery time expired. */
		say(reply, sizeof(reply), "%s (4.4.7 gave up after %s "
		    "in the queue)", st->reply, lifetime_words(r->cf->queuelife,
		    span, sizeof(span)));
		strlcpy(st->reply, reply, sizeof(st->reply));
		st->state = RCPT_FAILED;
		*out = OUT_FAIL;
	}
}

/* The file of a domain, or -1 when the name cannot be a file name. */
static int
domain_file(const struct runner *r, const char *domain, char *out, size_t len)
{
	char	 lower[256];
	size_t	 i;

	for (i = 0; domain[i] && i < sizeof(lower) - 1; i++)
		lower[i] = (char)tolower((unsigned char)domain[i]);
	lower[i] = '\0';
	if (lower[0] == '\0' || lower[0] == '.' || strchr(lower, '/'))
		return -1;
	snprintf(out, len, "%s/domains/%s", r->cf->spool, lower);
	return 0;
}

static int
domain_read(const struct runner *r, const char *domain, long long *next,
    int *tries)
{
	char	 path[PATH_MAX];
	FILE	*fp;
	int	 rc;

	*next = 0;
	*tries = 0;
	if (domain_file(r, domain, path, sizeof(path)) != 0 ||
	    (fp = fopen(path, "r")) == NULL)
		return -1;
	rc = fscanf(fp, "%lld %d", next, tries) == 2 ? 0 : -1;
	fclose(fp);
	return rc;
}

int
domain_due(const struct runner *r, const char *domain)
{
	long long	 next;
	int		 tries;

	if (domain_read(r, domain, &next, &tries) != 0)
		return 1;
	return next <= (long long)r->now;
}

/*
 * The domain whose next-try file this run removed last, and found no
 * cause to write since: every delivery to it would remove the file
 * again, a system call a message for nothing.  One run, one process.
 */
static char	 cleared[256];

void
domain_defer(const struct runner *r, const char *domain)
{
	char		 path[PATH_MAX], tmp[PATH_MAX + 8], dir[PATH_MAX];
	long long	 next;
	int		 tries, fd, len;
	char		 text[64];

	if (domain_file(r, domain, path, sizeof(path)) != 0)
		return;
	cleared[0] = '\0';
	snprintf(dir, sizeof(dir), "%s/domains", r->cf->spool);
	(void)mkdir(dir, 0750);
	domain_read(r, domain, &next, &tries);
	tries++;
	len = snprintf(text, sizeof(text), "%lld %d\n",
	    (long long)(r->now + retry_interval(r->cf, tries)), tries);
	/* Not durable on purpose: losing it costs one early retry. */
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) == -1)
		return;
	if (write(fd, text, (size_t)len) != len || close(fd) != 0 ||
	    rename(tmp, path) != 0)
		unlink(tmp);
}

void
domain_clear(const struct runner *r, const char *domain)
{
	char	 path[PATH_MAX];

	if (strcasecmp(domain, cleared) == 0)
		return;
	if (domain_file(r, domain, path, sizeof(path)) == 0 &&
	    (unlink(path) == 0 || errno == ENOENT))
		strlcpy(cleared, domain, sizeof(cleared));
}

/*
 * The length of an RFC 3463 code "C.SSS.DDD" at p, or 0: digits only,
 * as sscanf's %d alone would take "5.-1.+1" (a fuzzer found that).
 */
static size_t
enhanced_code_len(const char *p)
{
	size_t	 n = 1, digits;

	if (!isdigit((unsigned char)*p))
		return 0;
	for (int part = 0; part < 2; part++) {
		if (p[n++] != '.')
			return 0;
		for (digits = 0; isdigit((unsigned char)p[n]); n++)
			digits++;
		if (digits < 1 || digits > 3)
			return 0;
	}
	return n;
}

/*
 * The RFC 3463 status of an SMTP reply "CODE [X.Y.Z] TEXT": the enhanced
 * code when the reply has one, else X.0.0 from the first digit.
 */
int
status_of_reply(const char *reply, char *status, size_t len)
{
	const char	*p = reply;
	int		 a, b, c, n = 0;

	while (isdigit((unsigned char)*p))
		p++;
	while (*p == ' ' || *p == '-')
		p++;
	if (enhanced_code_len(p) > 0 &&
	    sscanf(p, "%1d.%3d.%3d%n", &a, &b, &c, &n) == 3 && n > 0 &&
	    (a == 2 || a == 4 || a == 5) && (p[n] == '\0' || p[n] == ' ') &&
	    a == reply[0] - '0') {
		snprintf(status, len, "%d.%d.%d", a, b, c);
		return 0;
	}
	if (reply[0] == '2' || reply[0] == '4' || reply[0] == '5') {
		snprintf(status, len, "%c.0.0", reply[0]);
		return 0;
	}
	snprintf(status, len, "4.0.0");
	return -1;
}
