/*
 * The delivery journal: SPOOL/journal/YYYY-MM-DD (UTC), one line per
 * event, appended with one write() on an O_APPEND descriptor so that
 * lines of concurrent writers stay whole.  Fields, tab-separated, "-"
 * when empty:
 *   TIME ID MESSAGE-ID SENDER RECIPIENT EVENT HOST REPLY DSN
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "log.h"
#include "spoolmgr.h"

/* Appends s with tabs, CR and LF made spaces; "-" for empty. */
static void
add_field(char *line, size_t len, const char *s, int last)
{
	size_t	 at = strlen(line);

	if (s == NULL || *s == '\0')
		s = "-";
	for (; *s && at + 2 < len; s++)
		line[at++] = (*s == '\t' || *s == '\n' || *s == '\r') ? ' ' : *s;
	if (at + 2 > len)	/* a full line still ends in its newline */
		at = len - 2;
	line[at++] = last ? '\n' : '\t';
	line[at] = '\0';
}

void
journal_add(const char *spool, const struct jentry *e)
{
	char		 path[PATH_MAX], day[16], line[4096], num[32];
	struct tm	 tm;
	int		 fd;

	gmtime_r(&e->when, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	snprintf(path, sizeof(path), "%s/journal", spool);
	(void)mkdir(path, 0750);
	snprintf(path, sizeof(path), "%s/journal/%s", spool, day);
	line[0] = '\0';
	snprintf(num, sizeof(num), "%lld", (long long)e->when);
	add_field(line, sizeof(line), num, 0);
	snprintf(num, sizeof(num), "%lu", (unsigned long)e->id);
	add_field(line, sizeof(line), num, 0);
	add_field(line, sizeof(line), e->msgid, 0);
	add_field(line, sizeof(line), e->sender ? (*e->sender ? e->sender :
	    "<>") : NULL, 0);
	add_field(line, sizeof(line), e->rcpt, 0);
	add_field(line, sizeof(line), e->event, 0);
	add_field(line, sizeof(line), e->host, 0);
	add_field(line, sizeof(line), e->reply, 0);
	add_field(line, sizeof(line), e->dsn, 1);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1 || write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		log_error("journal %s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
}

void
journal_msg(struct runner *r, const struct msg *m, const char *rcpt,
    const char *event, const char *host, const char *reply, const char *dsn)
{
	struct jentry	 e = { time(NULL), m->id, m->msgid, m->env.sender,
	    rcpt, event, host, reply, dsn };

	journal_add(r->cf->spool, &e);
}

/* Journal files are named by day; a name that is not a date is kept. */
static int
file_day(const char *name, time_t *day)
{
	struct tm	 tm;
	int		 y, mo, d, used = 0;

	if (sscanf(name, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 ||
	    used != 10 || name[used] != '\0')
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	*day = timegm(&tm);
	return 0;
}

void
journal_prune(const char *spool, long long days, time_t now)
{
	char		 dir[PATH_MAX], path[PATH_MAX + 256];
	DIR		*d;
	struct dirent	*de;
	time_t		 day;

	snprintf(dir, sizeof(dir), "%s/journal", spool);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (file_day(de->d_name, &day) != 0)
			continue;
		/* A day's file is kept journaldays after that day ends. */
		if (day + 86400 + days * 86400 > now)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) == 0)
			log_info("journal %s: older than %lld days, removed",
			    de->d_name, days);
	}
	closedir(d);
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
each_line(const char *path, int (*fn)(char **, void *), void *arg)
{
	FILE	*fp;
	char	*line = NULL, *fields[J_NFIELDS], *rest;
	size_t	 cap = 0;
	int	 rc = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	while (rc == 0 && getline(&line, &cap, fp) > 0) {
		size_t	 n = 0;

		line[strcspn(line, "\n")] = '\0';
		rest = line;
		while (n < J_NFIELDS && (fields[n] = strsep(&rest, "\t")))
			n++;
		if (n < J_NFIELDS)
			continue;	/* a torn or foreign line */
		for (size_t i = 0; i < n; i++)
			if (strcmp(fields[i], "-") == 0)
				fields[i][0] = '\0';
		rc = fn(fields, arg);
	}
	free(line);
	fclose(fp);
	return rc;
}

int
journal_each(const char *spool, int (*fn)(char **fields, void *arg), void *arg)
{
	char		 dir[PATH_MAX], path[PATH_MAX + 256], **names = NULL, **grown;
	size_t		 n = 0;
	DIR		*d;
	struct dirent	*de;
	time_t		 day;
	int		 rc = 0;

	snprintf(dir, sizeof(dir), "%s/journal", spool);
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (file_day(de->d_name, &day) != 0)
			continue;
		if ((grown = reallocarray(names, n + 1, sizeof(*names))) == NULL)
			break;
		names = grown;
		if ((names[n] = strdup(de->d_name)) != NULL)
			n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), compare_names);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (rc == 0)
			rc = each_line(path, fn, arg);
		free(names[i]);
	}
	free(names);
	return rc;
}
