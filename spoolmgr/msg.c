/* SPDX-License-Identifier: ISC */
/* A message in the spool: its files, its lock, its move to out/ or bad/. */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "log.h"
#include "spool.h"
#include "spoolmgr.h"

void
msg_path(char *out, size_t outlen, const struct runner *r,
    const struct msg *m, const char *ext)
{
	spool_path(out, outlen, r->cf->spool, m->subdir, m->id, ext);
}

/* Moves whatever files of message id exist in subdir to bad/. */
void
msg_to_bad(const char *spool, const char *subdir, uint32_t id, const char *why)
{
	static const char *const exts[] = { "TXT", "WRK" };
	char	 from[PATH_MAX], to[PATH_MAX], bad[PATH_MAX];

	snprintf(bad, sizeof(bad), "%s/bad", spool);
	(void)mkdir(bad, 0750);
	for (size_t i = 0; i < 2; i++) {
		spool_path(from, sizeof(from), spool, subdir, id, exts[i]);
		spool_path(to, sizeof(to), spool, "bad", id, exts[i]);
		if (rename(from, to) == -1 && errno != ENOENT)
			log_error("message %lu: moving %s to bad/: %s",
			    (unsigned long)id, from, strerror(errno));
	}
	fsync_dir(spool, "bad");
	log_error("message %lu: in %s/: %s; moved to bad/", (unsigned long)id,
	    subdir, why);
}

/* A crash between the two renames of msg_move_out leaves TXT in out/. */
static int
finish_half_move(struct runner *r, struct msg *m)
{
	char	 txt[PATH_MAX], other[PATH_MAX];

	msg_path(txt, sizeof(txt), r, m, "TXT");
	spool_path(other, sizeof(other), r->cf->spool,
	    strcmp(m->subdir, "in") == 0 ? "out" : "in", m->id, "TXT");
	if (access(other, F_OK) != 0)
		return -1;
	if (rename(other, txt) == -1)
		return -1;
	log_info("message %lu: completed an interrupted move", (unsigned long)m->id);
	return 0;
}

/* An envelope without Date (it is optional): the text file's time. */
void
msg_fix_date(const char *spool, const char *subdir, uint32_t id,
    struct envelope *env)
{
	char		 path[PATH_MAX];
	struct stat	 st;

	if (env->date != 0)
		return;
	spool_path(path, sizeof(path), spool, subdir, id, "TXT");
	env->date = stat(path, &st) == 0 ? st.st_mtime : time(NULL);
}

/*
 * From one pass over the text's header: the Message-ID (for the journal)
 * and the hops (Received: fields, for loop detection).  -1 when the text
 * cannot be opened (errno says why).
 */
static int
read_headers(struct runner *r, struct msg *m)
{
	char	 txt[PATH_MAX], *line = NULL;
	size_t	 cap = 0;
	ssize_t	 len;
	int	 in_msgid = 0;
	FILE	*fp;

	msg_path(txt, sizeof(txt), r, m, "TXT");
	if ((fp = fopen(txt, "re")) == NULL)
		return -1;
	m->msgid[0] = '\0';
	m->hops = 0;
	while ((len = getline(&line, &cap, fp)) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			break;
		if (in_msgid && (line[0] == ' ' || line[0] == '\t')) {
			strlcat(m->msgid, line, sizeof(m->msgid));
			continue;
		}
		in_msgid = 0;
		if (strncasecmp(line, "Received:", 9) == 0)
			m->hops++;
		else if (m->msgid[0] == '\0' &&
		    strncasecmp(line, "Message-ID:", 11) == 0) {
			char	*v = line + 11;

			while (isspace((unsigned char)*v))
				v++;
			strlcpy(m->msgid, v, sizeof(m->msgid));
			in_msgid = 1;
		}
	}
	free(line);
	fclose(fp);
	return 0;
}

/*
 * The envelope from the locked WRK itself (one open, not two), as
 * envelope_read(3) would read it from its path.
 */
static int
read_envelope(int fd, const char *path, struct envelope *env, char *err,
    size_t errlen)
{
	char	*buf = NULL, *grown;
	size_t	 cap = 0, len = 0;
	ssize_t	 n = 1;
	int	 rc;

	envelope_init(env);
	while (n > 0) {
		if (len + 4096 > cap) {
			if ((grown = realloc(buf, cap = len + 65536)) == NULL) {
				free(buf);
				say(err, errlen, "%s: out of memory", path);
				return -1;
			}
			buf = grown;
		}
		if ((n = pread(fd, buf + len, cap - len, (off_t)len)) > 0)
			len += (size_t)n;
		else if (n == -1 && errno == EINTR)
			n = 1;
	}
	if (n == -1) {
		say(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	} else
		rc = envelope_parse(env, buf, len, err, errlen);
	free(buf);
	return rc;
}

/*
 * Locks and loads a message.  0: *out is the message; 1: skip it (busy
 * or gone); -1: unreadable, moved to bad/.
 */
int
msg_open(struct runner *r, const char *subdir, uint32_t id, struct msg **out)
{
	struct msg	*m;
	struct stat	 st;
	char		 wrk[PATH_MAX], err[512];

	spool_path(wrk, sizeof(wrk), r->cf->spool, subdir, id, "WRK");
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return 1;
	m->id = id;
	strlcpy(m->subdir, subdir, sizeof(m->subdir));
	envelope_init(&m->env);
	/* Busy (mailer delivering at once) or removed since the scan. */
	if ((m->lockfd = queue_lock(wrk, 0)) == -1 ||
	    fstat(m->lockfd, &st) == -1 || st.st_nlink == 0) {
		msg_close(m);
		return 1;
	}
	/* A rewrite cut short by a crash; only the lock holder writes it. */
	strlcat(wrk, ".new", sizeof(wrk));
	(void)unlink(wrk);
	wrk[strlen(wrk) - 4] = '\0';
	if (read_envelope(m->lockfd, wrk, &m->env, err, sizeof(err)) != 0) {
		msg_to_bad(r->cf->spool, subdir, id, err);
		msg_close(m);
		return -1;
	}
	if (read_headers(r, m) == -1 && (errno != ENOENT ||
	    finish_half_move(r, m) != 0 || read_headers(r, m) == -1)) {
		msg_to_bad(r->cf->spool, subdir, id, "no TXT file");
		msg_close(m);
		return -1;
	}
	msg_fix_date(r->cf->spool, subdir, id, &m->env);
	if ((m->notified = calloc(m->env.nrcpts + 1, 1)) == NULL) {
		msg_close(m);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &m->saved_at);	/* as read: saved */
	*out = m;
	return 0;
}

void
msg_close(struct msg *m)
{
	if (m == NULL)
		return;
	if (m->lockfd != -1)
		close(m->lockfd);
	envelope_free(&m->env);
	free(m->notified);
	for (size_t i = 0; i < m->nremote; i++)
		free(m->remote[i]);
	free(m->remote);
	free(m->own);
	free(m);
}

int
msg_save(struct runner *r, struct msg *m)
{
	char	 wrk[PATH_MAX];

	msg_path(wrk, sizeof(wrk), r, m, "WRK");
	if (queue_rewrite_locked(wrk, &m->env, &m->lockfd) != 0) {
		log_error("message %lu: rewriting %s: %s", (unsigned long)m->id,
		    wrk, strerror(errno));
		return -1;
	}
	m->unsaved = 0;
	clock_gettime(CLOCK_MONOTONIC, &m->saved_at);
	return 0;
}

/*
 * One recipient's state changed in memory.  The WRK is rewritten when
 * SAVE_BATCH changes wait or the last save is SAVE_SECONDS old, so that
 * a crash repeats at most SAVE_BATCH deliveries (twice is allowed, never
 * zero: smtpgate-spool(5)) and a slow delivery is not left unrecorded
 * for long.  -1 when the rewrite failed: deliver no more.
 */
int
msg_changed(struct runner *r, struct msg *m)
{
	struct timespec	 now;
	long long	 ms;

	m->unsaved++;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(now.tv_sec - m->saved_at.tv_sec) * 1000 +
	    (now.tv_nsec - m->saved_at.tv_nsec) / 1000000;
	if (m->unsaved < SAVE_BATCH && ms < SAVE_SECONDS * 1000)
		return 0;
	return msg_save(r, m);
}

/* The batch so far, if any, into the WRK: at the end of a step. */
int
msg_flush(struct runner *r, struct msg *m)
{
	return m->unsaved > 0 ? msg_save(r, m) : 0;
}

/*
 * Every recipient delivered or bounced, and no notice owed by this run:
 * the message's removal is all that is left.  The removal is not synced
 * and its last states are not written before it: a crash before the
 * removal reaches the disk leaves the message with its earlier states,
 * and the next run sends it again (allowed: RFC 1047), never loses it.
 * Writing and syncing a WRK that is unlinked a moment later cost two of
 * the fsyncs a delivered message paid.
 */
int
msg_done_quietly(const struct msg *m)
{
	if (!queue_all_final(&m->env))
		return 0;
	for (size_t i = 0; i < m->env.nrcpts; i++)
		if (m->notified[i] != NOTE_NONE)
			return 0;
	return 1;
}

/*
 * in/ -> out/: TXT first, WRK last, as the writer commits.  Not synced:
 * a crash may undo the move (rename(2) is atomic: the message is under
 * one name or the other, its WRK unchanged), which repeats the in/ steps
 * whose results the WRK already holds, and loses nothing; a later WRK
 * rewrite syncs out/ with the rest of its state.
 */
int
msg_move_out(struct runner *r, struct msg *m)
{
	char	 from[PATH_MAX], to[PATH_MAX];
	const char *spool = r->cf->spool;

	if (strcmp(m->subdir, "out") == 0)
		return 0;
	spool_path(from, sizeof(from), spool, "in", m->id, "TXT");
	spool_path(to, sizeof(to), spool, "out", m->id, "TXT");
	if (rename(from, to) == -1)
		goto fail;
	spool_path(from, sizeof(from), spool, "in", m->id, "WRK");
	spool_path(to, sizeof(to), spool, "out", m->id, "WRK");
	if (rename(from, to) == -1)
		goto fail;
	strlcpy(m->subdir, "out", sizeof(m->subdir));
	return 0;
fail:
	log_error("message %lu: moving to out/: %s", (unsigned long)m->id,
	    strerror(errno));
	return -1;
}

static int
compare_ids(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The numbers of SPOOL/SUBDIR/N.WRK, ascending. */
int
scan_ids(const char *spool, const char *subdir, uint32_t **ids, size_t *n)
{
	char		 path[PATH_MAX];
	DIR		*dir;
	struct dirent	*de;
	uint32_t	*list = NULL, *grown;
	size_t		 count = 0;

	*ids = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "%s/%s", spool, subdir);
	if ((dir = opendir(path)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(dir)) != NULL) {
		char		*dot = strchr(de->d_name, '.');
		uint32_t	 id;

		if (dot == NULL || strcmp(dot, ".WRK") != 0)
			continue;
		*dot = '\0';
		if ((id = parse_id(de->d_name)) == 0)
			continue;
		if ((grown = reallocarray(list, count + 1, sizeof(*list))) == NULL)
			break;
		list = grown;
		list[count++] = id;
	}
	closedir(dir);
	if (count > 0)
		qsort(list, count, sizeof(*list), compare_ids);
	*ids = list;
	*n = count;
	return 0;
}

uint32_t
parse_id(const char *s)
{
	const char	*why = NULL;
	long long	 v = strtonum(s, 1, UINT32_MAX, &why);

	return why ? 0 : (uint32_t)v;
}

/* snprintf for texts meant for people, where truncation is fine. */
void
say(char *out, size_t len, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(out, len, fmt, ap);
	va_end(ap);
}

/*
 * A TXT without its WRK: a removal cut short between the two unlinks, or
 * a writer between its two renames.  Only day-old ones are the former;
 * they go to bad/ with a log line, not to oblivion.  A TXT whose WRK is
 * in the other of in/ and out/ is a move cut short (rename keeps the old
 * mtime): msg_open finishes it.
 */
void
msg_sweep_orphans(const char *spool, const char *subdir, time_t now)
{
	char		 dir[PATH_MAX], path[PATH_MAX];
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	uint32_t	 id;

	snprintf(dir, sizeof(dir), "%s/%s", spool, subdir);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char	*dot = strchr(de->d_name, '.');

		if (dot == NULL || strcmp(dot, ".TXT") != 0)
			continue;
		*dot = '\0';
		if ((id = parse_id(de->d_name)) == 0)
			continue;
		spool_path(path, sizeof(path), spool, subdir, id, "WRK");
		if (access(path, F_OK) == 0)
			continue;
		spool_path(path, sizeof(path), spool, strcmp(subdir, "in") == 0 ?
		    "out" : "in", id, "WRK");
		if (access(path, F_OK) == 0)
			continue;
		spool_path(path, sizeof(path), spool, subdir, id, "TXT");
		if (stat(path, &st) == 0 && st.st_mtime < now - 86400)
			msg_to_bad(spool, subdir, id, "text without an envelope");
	}
	closedir(d);
}
