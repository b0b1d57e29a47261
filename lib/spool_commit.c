/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "io.h"
#include "spool.h"

static int
write_envelope(struct spool_msg *msg, struct envelope *env)
{
	char	*text;
	size_t	 len;
	int	 rc;

	env->id = msg->id;
	if (env->date == 0)
		env->date = time(NULL);
	if ((text = envelope_format(env, &len)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	/* a regular file is always ready: the timeout never bites */
	rc = io_write_all(msg->cmd_fd, text, len, 60);
	free(text);
	if (rc == 0)
		rc = fsync(msg->cmd_fd);
	if (close(msg->cmd_fd) == -1)
		rc = -1;
	msg->cmd_fd = -1;
	return rc;
}

static int
finish_text(struct spool_msg *msg)
{
	int	 rc = 0;

	if (msg->failed) {
		errno = msg->saved_errno;
		rc = -1;
	}
	if (rc == 0 && (fflush(msg->text) == EOF || fsync(fileno(msg->text))))
		rc = -1;
	if (fclose(msg->text) == EOF)
		rc = -1;
	msg->text = NULL;
	return rc;
}

int
fsync_dir(const char *spool, const char *subdir)
{
	char	 path[1100];
	int	 fd, rc;

	if (subdir == NULL)
		strlcpy(path, spool, sizeof(path));
	else
		snprintf(path, sizeof(path), "%s/%s", spool, subdir);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static int
rename_ext(const struct spool_msg *msg, const char *from, const char *to)
{
	char	 a[1100], b[1100];

	spool_path(a, sizeof(a), msg->dir, "in", msg->id, from);
	spool_path(b, sizeof(b), msg->dir, "in", msg->id, to);
	if (!spool_is_ours(msg, a)) {
		errno = ENOENT;		/* ours was removed meanwhile */
		return -1;
	}
	return rename(a, b);
}

int
spool_commit(struct spool_msg *msg, struct envelope *env, char *err,
    size_t errlen)
{
	int	 saved;

	if (finish_text(msg) == 0 && write_envelope(msg, env) == 0 &&
	    rename_ext(msg, "TMP", "TXT") == 0 &&
	    rename_ext(msg, "CMD", "WRK") == 0 && fsync_dir(msg->dir, "in") == 0)
		return 0;
	saved = errno;
	snprintf(err, errlen, "message %lu: %s", (unsigned long)msg->id,
	    strerror(saved));
	spool_abort(msg);
	errno = saved;
	return -1;
}

void
spool_abort(struct spool_msg *msg)
{
	/* WRK first: once it is gone the message no longer exists. */
	static const char *const exts[] = { "WRK", "CMD", "TXT", "TMP" };
	char	 path[1100];

	if (msg->text) {
		fclose(msg->text);
		msg->text = NULL;
	}
	if (msg->cmd_fd != -1) {
		close(msg->cmd_fd);
		msg->cmd_fd = -1;
	}
	if (msg->id == 0)
		return;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		spool_path(path, sizeof(path), msg->dir, "in", msg->id, exts[i]);
		if (spool_is_ours(msg, path))	/* never another's message */
			unlink(path);
	}
	msg->id = 0;
}
