/* SPDX-License-Identifier: ISC */
/*
 * The delivery journal's writer and reader, for spoolmgr and for
 * mailer's deliveries at once: the format is in journal.h.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "buf.h"
#include "journal.h"
#include "log.h"
#include "visible.h"

/* The text of the fields; the separators and the NUL come on top. */
#define JOURNAL_TEXT_MAX	4000

/*
 * Appends field number nth of a line to b, visible (lib/visible.h: a
 * control byte or a tab as an escape, so that a line is always one line
 * of nine fields), "-" for empty, then a tab or, for the last field,
 * the newline.  The fields' text stops at JOURNAL_TEXT_MAX, between
 * escapes, never inside one.
 */
static int
add_field(struct buf *b, int nth, const char *s)
{
	if (s == NULL || *s == '\0')
		s = "-";
	if (visible_append_max(b, s, strlen(s), 0,
	    JOURNAL_TEXT_MAX + (size_t)nth) != 0)
		return -1;
	return buf_append(b, nth == J_NFIELDS - 1 ? "\n" : "\t", 1);
}

static int
format_line(struct buf *b, const struct jentry *e)
{
	char		 when[32], id[32];
	const char	*sender = e->sender;
	const char	*field[J_NFIELDS];
	int		 i;

	if (sender != NULL && *sender == '\0')
		sender = "<>";
	snprintf(when, sizeof(when), "%lld", (long long)e->when);
	snprintf(id, sizeof(id), "%lu", (unsigned long)e->id);
	field[J_TIME] = when;
	field[J_ID] = id;
	field[J_MSGID] = e->msgid;
	field[J_SENDER] = sender;
	field[J_RCPT] = e->rcpt;
	field[J_EVENT] = e->event;
	field[J_HOST] = e->host;
	field[J_REPLY] = e->reply;
	field[J_DSN] = e->dsn;
	for (i = 0; i < J_NFIELDS; i++)
		if (add_field(b, i, field[i]) != 0)
			return -1;
	return 0;
}

/*
 * SPOOL/journal, made mode 0770 whatever the umask (a member of the
 * spool's group may make a day's file in it); a set-group-ID spool
 * directory passes its group and its bit on.  An older spoolmgr made it 0750: its owner
 * opens it to the group.
 */
static int
journal_dir(const char *spool, char *dir, size_t dirlen, int create)
{
	struct stat	 st;

	snprintf(dir, dirlen, "%s/journal", spool);
	if (create && mkdir(dir, 0770) == -1 && errno != EEXIST)
		return -1;
	if (lstat(dir, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	if (st.st_uid == geteuid() && (st.st_mode & 0777) != 0770)
		(void)chmod(dir, (st.st_mode & S_ISGID) | 0770);
	return 0;
}

static void
day_path(char *path, size_t pathlen, const char *dir, time_t when)
{
	struct tm	 tm;
	char		 day[16];

	gmtime_r(&when, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	snprintf(path, pathlen, "%s/%s", dir, day);
}

/*
 * Opens a day's file for appending.  Never through a symbolic link,
 * never anything but a regular file (a FIFO planted by a group member
 * must not hang us).  Whoever made it, it ends mode 0660.
 */
static int
open_day(const char *path, int create)
{
	const int	 flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY;
	struct stat	 st;
	int		 fd;

	fd = open(path, flags);
	if (fd == -1 && errno == ENOENT && create) {
		fd = open(path, flags | O_CREAT | O_EXCL, 0660);
		if (fd == -1 && errno == EEXIST)	/* another was first */
			fd = open(path, flags);
	}
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if (st.st_uid == geteuid() && (st.st_mode & 07777) != 0660)
		(void)fchmod(fd, 0660);
	return fd;
}

/*
 * With journal_keep_open(1), the day's file last appended to stays open
 * for the next line: a queue run writes two lines a message, and opening
 * and checking the file and its directory for each cost seven system
 * calls of a delivery's fifty.  A new day, or another spool, opens (and
 * checks) the next file.  Off, each line opens and checks them anew.
 */
static char	 open_path[PATH_MAX + 16];
static int	 open_fd = -1, keep_open;

void
journal_keep_open(int on)
{
	keep_open = on;
	if (!on && open_fd != -1) {
		close(open_fd);
		open_fd = -1;
	}
}

static int
day_fd(const char *spool, time_t when, int create)
{
	char	 dir[PATH_MAX], path[PATH_MAX + 16];
	int	 fd;

	snprintf(dir, sizeof(dir), "%s/journal", spool);
	day_path(path, sizeof(path), dir, when);
	if (open_fd != -1 && strcmp(path, open_path) == 0)
		return open_fd;
	if (journal_dir(spool, dir, sizeof(dir), create) == -1 ||
	    (fd = open_day(path, create)) == -1)
		return -1;
	if (open_fd != -1)
		close(open_fd);
	open_fd = fd;
	strlcpy(open_path, path, sizeof(open_path));
	return fd;
}

int
journal_add(const char *spool, const struct jentry *e, int create)
{
	struct buf	 line = { NULL, 0, 0 };
	ssize_t		 put = -1;
	size_t		 len = 0;
	int		 fd, saved;

	if (format_line(&line, e) != 0 ||
	    (fd = day_fd(spool, e->when, create)) == -1)
		goto out;
	len = line.len;
	if ((put = write(fd, line.data, len)) != (ssize_t)len || !keep_open) {
		saved = errno;
		close(open_fd);		/* the next line opens it anew */
		open_fd = -1;
		errno = saved;
	}
out:
	saved = errno;
	buf_free(&line);
	if (put >= 0 && (size_t)put == len)
		return 0;
	errno = put == -1 ? saved : EIO;
	return -1;
}

int
journal_prepare(const char *spool, time_t now)
{
	char	 dir[PATH_MAX], path[PATH_MAX + 16];
	int	 fd, rc = 0;

	if (journal_dir(spool, dir, sizeof(dir), 1) == -1)
		return -1;
	for (int ahead = 0; ahead <= JOURNAL_DAYS_AHEAD; ahead++) {
		day_path(path, sizeof(path), dir, now + ahead * 86400);
		if ((fd = open_day(path, 1)) == -1)
			rc = -1;
		else
			close(fd);
	}
	return rc;
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

/* A day's file for reading: as in open_day, no link, no FIFO. */
static FILE *
open_regular(const char *path)
{
	struct stat	 st;
	FILE		*fp;
	int		 fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		return NULL;
	}
	return fp;
}

static int
each_line(const char *path, int (*fn)(char **, void *), void *arg)
{
	FILE	*fp;
	char	*line = NULL, *fields[J_NFIELDS], *rest;
	size_t	 cap = 0;
	int	 rc = 0;

	if ((fp = open_regular(path)) == NULL)
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
