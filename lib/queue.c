/* SPDX-License-Identifier: ISC */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "queue.h"
#include "spool.h"

static const char *const state_names[] = {
	"pending", "deferred", "done", "failed", "bounced"
};

const char *
queue_state_name(enum rcpt_state state)
{
	return state_names[state];
}

int
queue_lock(const char *path, int wait)
{
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) == -1) {
		int	 saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* The State line for addr: "State: <addr> ...", found by the index. */
static struct extra_line *
find_state(const struct envelope *env, const char *addr)
{
	return envelope_find_line(env, "State", addr);
}

void
queue_get_state(const struct envelope *env, const char *addr,
    struct rcpt_status *st)
{
	struct extra_line	*line = find_state(env, addr);
	char			 word[16];
	long long		 last, next;
	int			 tries, used = 0;

	memset(st, 0, sizeof(*st));
	if (line == NULL)
		return;
	if (sscanf(line->value + strlen(addr) + 2, " %15s %lld %d %lld %n",
	    word, &last, &tries, &next, &used) < 4)
		return;
	for (size_t i = 0; i < sizeof(state_names) / sizeof(*state_names); i++)
		if (strcmp(word, state_names[i]) == 0)
			st->state = (enum rcpt_state)i;
	st->last = (time_t)last;
	st->tries = tries;
	st->next = (time_t)next;
	strlcpy(st->reply, line->value + strlen(addr) + 2 + used,
	    sizeof(st->reply));
}

int
queue_set_state(struct envelope *env, const char *addr,
    const struct rcpt_status *st)
{
	struct extra_line	*line = find_state(env, addr);
	char			 value[1024], *copy;

	snprintf(value, sizeof(value), "<%s> %s %lld %d %lld %s", addr,
	    state_names[st->state], (long long)st->last, st->tries,
	    (long long)st->next, st->reply);
	if (line == NULL)
		return envelope_add_extra(env, "State", value);
	if ((copy = strdup(value)) == NULL)
		return -1;
	free(line->value);
	line->value = copy;
	return 0;
}

int
queue_all_final(const struct envelope *env)
{
	struct rcpt_status	 st;

	for (size_t i = 0; i < env->nrcpts; i++) {
		queue_get_state(env, env->rcpts[i].addr, &st);
		if (st.state != RCPT_DONE && st.state != RCPT_BOUNCED)
			return 0;
	}
	return 1;
}

static int
fsync_parent(const char *path)
{
	char	 copy[PATH_MAX];

	strlcpy(copy, path, sizeof(copy));
	return fsync_dir(dirname(copy), NULL);
}

/*
 * Writes env to path.new and renames it over path.  With lockfd (the
 * caller's flock on path), path.new is locked before the rename and
 * becomes *lockfd: a lock on the old file would guard nothing once the
 * name points at the new one, and a second worker could take the message.
 */
static int
rewrite(const char *path, const struct envelope *env, int *lockfd)
{
	char	 tmp[PATH_MAX], *text;
	size_t	 len;
	int	 fd, rc = -1;

	if ((text = envelope_format(env, &len)) == NULL)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd != -1) {
		if ((lockfd == NULL || flock(fd, LOCK_EX | LOCK_NB) == 0) &&
		    write(fd, text, len) == (ssize_t)len && fsync(fd) == 0)
			rc = 0;
		if (lockfd == NULL || rc != 0) {
			if (close(fd) == -1)
				rc = -1;
			fd = -1;
		}
		if (rc == 0)
			rc = rename(tmp, path);
		if (rc == 0 && fd != -1) {
			close(*lockfd);
			*lockfd = fd;
		} else if (fd != -1)
			close(fd);
		if (rc == 0)
			rc = fsync_parent(path);
		else
			unlink(tmp);
	}
	free(text);
	return rc;
}

int
queue_rewrite(const char *path, const struct envelope *env)
{
	return rewrite(path, env, NULL);
}

int
queue_rewrite_locked(const char *path, const struct envelope *env,
    int *lockfd)
{
	return rewrite(path, env, lockfd);
}

int
queue_remove(const char *spool, const char *subdir, uint32_t id)
{
	char	 path[PATH_MAX];
	int	 rc = 0;

	spool_path(path, sizeof(path), spool, subdir, id, "WRK");
	if (unlink(path) == -1 && errno != ENOENT)
		rc = -1;
	spool_path(path, sizeof(path), spool, subdir, id, "TXT");
	if (rc == 0 && unlink(path) == -1 && errno != ENOENT)
		rc = -1;
	return rc;
}
