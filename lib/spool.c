/* SPDX-License-Identifier: ISC */
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

/*
 * How many numbers a writer tries before it gives up: enough to walk
 * past a stale seq into a long run of queued messages (each try costs a
 * few stat(2) calls), few enough that the answer comes within seconds.
 */
#define ALLOC_TRIES	20000

/* seq holds "%010lu\n": one pwrite(2) of a fixed size replaces it whole. */
#define SEQ_LEN		11

void
spool_path(char *out, size_t outlen, const char *spool, const char *subdir,
    uint32_t id, const char *ext)
{
	snprintf(out, outlen, "%s/%s/%lu.%s", spool, subdir, (unsigned long)id,
	    ext);
}

/* The number after id: 32 bits, wrapping from 2^32 - 1 to 1 (0 is none). */
static uint32_t
next_number(uint32_t id)
{
	return id == UINT32_MAX ? 1 : id + 1;
}

static int
seq_open(const char *spool)
{
	char		 path[1100];
	struct stat	 st;
	int		 fd;

	snprintf(path, sizeof(path), "%s/seq", spool);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0660)) == -1)
		return -1;
	/* whoever made it, the spool's group (set-group-ID mailer) writes it */
	if (fstat(fd, &st) == 0 && st.st_uid == geteuid() &&
	    (st.st_mode & 0777) != 0660)
		(void)fchmod(fd, 0660);
	return fd;
}

/* The number seq suggests; 1 when it is empty or unreadable. */
static uint32_t
seq_read(int fd)
{
	char		 buf[SEQ_LEN + 8];
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

/*
 * Moves the hint forward to next, never back, as far as a writer
 * without a lock can tell: a writer stopped between its read and its
 * write may still put an older number back.  That costs the next
 * writers a few skipped numbers, never a duplicate: O_EXCL decides.
 */
static void
seq_advance(int fd, uint32_t next)
{
	char		 text[SEQ_LEN + 1];
	uint32_t	 now = seq_read(fd);
	struct stat	 st;

	if ((int32_t)(next - now) <= 0 && now != 1)
		return;		/* someone is ahead of us already */
	snprintf(text, sizeof(text), "%010lu\n", (unsigned long)next);
	if (pwrite(fd, text, SEQ_LEN, 0) == SEQ_LEN && fstat(fd, &st) == 0 &&
	    st.st_size > SEQ_LEN && ftruncate(fd, SEQ_LEN) == -1)
		return;	/* an older, longer text stays: seq is a hint only */
}

/* Whether number id is still in use anywhere (after a wrap or a stale seq). */
static int
id_in_use(const char *spool, uint32_t id)
{
	/*
	 * In the order a message moves (spoolmgr renames TXT, then WRK,
	 * from in/ to out/, and removes WRK before TXT): a message that
	 * moves while we look is still seen in its next place.
	 */
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

static void
release_pair(struct spool_msg *msg, const char *spool)
{
	char	 path[1100];

	if (msg->text != NULL) {
		fclose(msg->text);
		msg->text = NULL;
		spool_path(path, sizeof(path), spool, "in", msg->id, "TMP");
		unlink(path);
	}
	if (msg->cmd_fd != -1) {
		close(msg->cmd_fd);
		msg->cmd_fd = -1;
		spool_path(path, sizeof(path), spool, "in", msg->id, "CMD");
		unlink(path);
	}
}

static int
remember_files(struct spool_msg *msg, int tmp_fd)
{
	struct stat	 cmd, text;

	if (fstat(msg->cmd_fd, &cmd) == -1 || fstat(tmp_fd, &text) == -1)
		return -1;
	msg->dev = cmd.st_dev;
	msg->cmd_ino = cmd.st_ino;
	msg->text_ino = text.st_ino;
	return 0;
}

/*
 * A writer stopped for days may find its names taken: by an
 * administrator who removed its files, then by another writer who
 * claimed the number.  It must then rename or remove nothing.
 */
int
spool_is_ours(const struct spool_msg *msg, const char *path)
{
	struct stat	 st;

	if (lstat(path, &st) == -1)
		return 0;
	return st.st_dev == msg->dev &&
	    (st.st_ino == msg->cmd_ino || st.st_ino == msg->text_ino);
}

/* Claims msg->id: creates in/N.CMD and in/N.TMP, both with O_EXCL. */
static int
create_pair(struct spool_msg *msg, const char *spool)
{
	char	 cmd[1100], tmp[1100];
	int	 tmp_fd, saved;

	spool_path(cmd, sizeof(cmd), spool, "in", msg->id, "CMD");
	spool_path(tmp, sizeof(tmp), spool, "in", msg->id, "TMP");
	msg->cmd_fd = open(cmd, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (msg->cmd_fd == -1)
		return -1;
	tmp_fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (tmp_fd != -1 && remember_files(msg, tmp_fd) == 0 &&
	    (msg->text = fdopen(tmp_fd, "w")) != NULL)
		return 0;
	saved = errno;
	if (tmp_fd != -1) {
		close(tmp_fd);
		unlink(tmp);
	}
	release_pair(msg, spool);
	errno = saved;
	return -1;
}

/*
 * Tries number msg->id: 1 claimed, 0 taken (try the next), -1 failed.
 * A writer that holds N.CMD keeps every other writer off N; the check
 * after the claim catches a message that committed N (CMD renamed to
 * WRK) between our look at seq and our claim.
 */
static int
try_number(struct spool_msg *msg, const char *spool)
{
	if (id_in_use(spool, msg->id))
		return 0;
	if (create_pair(msg, spool) == -1)
		return errno == EEXIST ? 0 : -1;
	if (!id_in_use(spool, msg->id))
		return 1;
	release_pair(msg, spool);
	return 0;
}

/*
 * Allocates without a lock: a lock that a set-group-ID mailer takes can
 * be held for ever by its user (SIGSTOP), and every writer would wait.
 * seq is only a hint of where to start; O_EXCL makes the number ours.
 */
int
spool_open(struct spool_msg *msg, const char *spool, char *err, size_t errlen)
{
	int		 seq_fd, rc = 0, saved;
	uint32_t	 id;

	memset(msg, 0, sizeof(*msg));
	msg->cmd_fd = -1;
	strlcpy(msg->dir, spool, sizeof(msg->dir));
	if ((seq_fd = seq_open(spool)) == -1) {
		snprintf(err, errlen, "%s/seq: %s", spool, strerror(errno));
		return -1;
	}
	id = seq_read(seq_fd);
	for (int tries = 0; tries < ALLOC_TRIES && rc == 0; tries++) {
		msg->id = id;
		id = next_number(id);
		rc = try_number(msg, spool);
	}
	saved = errno;
	seq_advance(seq_fd, id);	/* past what we took, or tried */
	close(seq_fd);
	if (rc == 1)
		return 0;
	if (rc == -1)
		snprintf(err, errlen, "%s/in/%lu.CMD: %s", spool,
		    (unsigned long)msg->id, strerror(saved));
	else
		snprintf(err, errlen, "%s: no free message number", spool);
	msg->id = 0;
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
