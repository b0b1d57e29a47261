#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "spool.h"

void
spool_path(char *out, size_t outlen, const char *spool, const char *subdir,
    uint32_t id, const char *ext)
{
	snprintf(out, outlen, "%s/%s/%lu.%s", spool, subdir, (unsigned long)id,
	    ext);
}

static uint32_t
read_seq(int fd)
{
	char		 buf[16];
	ssize_t		 n = pread(fd, buf, sizeof(buf) - 1, 0);
	const char	*why = NULL;
	long long	 value;

	if (n <= 0)
		return 1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	value = strtonum(buf, 1, UINT32_MAX, &why);
	return why ? 1 : (uint32_t)value;
}

uint32_t
spool_next_id(const char *spool)
{
	char		 path[1100], text[16];
	struct stat	 st;
	int		 fd, len;
	uint32_t	 id, next;

	snprintf(path, sizeof(path), "%s/seq", spool);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0660)) == -1)
		return 0;
	/* whoever made it, the spool's group (set-group-ID mailer) writes it */
	if (fstat(fd, &st) == 0 && st.st_uid == geteuid() &&
	    (st.st_mode & 0777) != 0660)
		(void)fchmod(fd, 0660);
	if (flock(fd, LOCK_EX) == -1) {
		close(fd);
		return 0;
	}
	id = read_seq(fd);
	next = (id == UINT32_MAX) ? 1 : id + 1;	/* wraps, skipping 0 */
	len = snprintf(text, sizeof(text), "%lu\n", (unsigned long)next);
	if (pwrite(fd, text, (size_t)len, 0) != len || ftruncate(fd, len) == -1)
		id = 0;
	close(fd);	/* releases the lock */
	return id;
}

/* Whether number id is still in use anywhere (after a wrap or lost seq). */
static int
id_in_use(const char *spool, uint32_t id)
{
	static const char *const places[][2] = {
		{ "in", "WRK" }, { "in", "TXT" }, { "out", "WRK" },
		{ "out", "TXT" },
	};
	char		 path[1100];
	struct stat	 st;

	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		spool_path(path, sizeof(path), spool, places[i][0], id,
		    places[i][1]);
		if (stat(path, &st) == 0)
			return 1;
	}
	return 0;
}

static int
create_pair(struct spool_msg *msg, const char *spool)
{
	char	 cmd[1100], tmp[1100];
	int	 tmp_fd;

	spool_path(cmd, sizeof(cmd), spool, "in", msg->id, "CMD");
	spool_path(tmp, sizeof(tmp), spool, "in", msg->id, "TMP");
	msg->cmd_fd = open(cmd, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (msg->cmd_fd == -1)
		return -1;
	tmp_fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (tmp_fd == -1 || (msg->text = fdopen(tmp_fd, "w")) == NULL) {
		int	 saved = errno;

		if (tmp_fd != -1) {
			close(tmp_fd);
			unlink(tmp);
		}
		close(msg->cmd_fd);
		unlink(cmd);
		msg->cmd_fd = -1;
		errno = saved;
		return -1;
	}
	return 0;
}

int
spool_open(struct spool_msg *msg, const char *spool, char *err, size_t errlen)
{
	int	 tries;

	memset(msg, 0, sizeof(*msg));
	msg->cmd_fd = -1;
	strlcpy(msg->dir, spool, sizeof(msg->dir));
	for (tries = 0; tries < 100; tries++) {
		if ((msg->id = spool_next_id(spool)) == 0) {
			snprintf(err, errlen, "%s/seq: %s", spool,
			    strerror(errno));
			return -1;
		}
		if (id_in_use(spool, msg->id))
			continue;
		if (create_pair(msg, spool) == 0)
			return 0;
		if (errno != EEXIST) {
			snprintf(err, errlen, "%s/in/%lu.CMD: %s", spool,
			    (unsigned long)msg->id, strerror(errno));
			return -1;
		}
	}
	snprintf(err, errlen, "%s: no free message number", spool);
	return -1;
}

int
spool_write(struct spool_msg *msg, const void *data, size_t len)
{
	if (msg->failed)
		return -1;
	if (len > 0 && fwrite(data, 1, len, msg->text) != len) {
		msg->failed = 1;
		msg->saved_errno = errno;
		return -1;
	}
	return 0;
}
