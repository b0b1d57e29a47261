/* SPDX-License-Identifier: ISC */
/*
 * The spool writer of smtpgate-spool(5), one code path for smtpd,
 * mailer and bounces.  A message exists once its N.WRK exists:
 *   create in/N.CMD and in/N.TMP (O_EXCL); write; fsync both;
 *   rename N.TMP -> N.TXT; rename N.CMD -> N.WRK; fsync in/.
 * Only after spool_commit() returns 0 may anyone say yes.
 */
#ifndef SMTPGATE_SPOOL_H
#define SMTPGATE_SPOOL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "envelope.h"

struct spool_msg {
	char		 dir[1024];	/* SPOOL/in */
	uint32_t	 id;
	FILE		*text;		/* N.TMP */
	int		 cmd_fd;	/* N.CMD */
	int		 failed;	/* a write failed: commit will refuse */
	int		 saved_errno;
	/* our two files, whatever their names: commit and abort touch a
	 * name only while it is still one of them */
	dev_t		 dev;
	ino_t		 cmd_ino, text_ino;
};

/*
 * Allocates a number and creates in/N.CMD and in/N.TMP, without a lock:
 * SPOOL/seq is a hint where to start, O_EXCL on N.CMD decides, and a
 * number in use in in/ or out/ is skipped (smtpgate-spool(5)).
 */
int	spool_open(struct spool_msg *msg, const char *spool, char *err,
	    size_t errlen);
/* Appends message text (already dot-unstuffed, LF line ends). */
int	spool_write(struct spool_msg *msg, const void *data, size_t len);
/* Writes env (its id set to msg->id) and makes the message durable. */
int	spool_commit(struct spool_msg *msg, struct envelope *env, char *err,
	    size_t errlen);
/* Removes both files; safe after any failure. */
void	spool_abort(struct spool_msg *msg);

/*
 * Makes the renames in SPOOL/SUBDIR durable: fsync(2) of the directory
 * (of SPOOL itself when subdir is NULL).
 */
int	fsync_dir(const char *spool, const char *subdir);
/* Whether path (in/N.EXT of msg) is still one of msg's own files. */
int	spool_is_ours(const struct spool_msg *msg, const char *path);
/* Paths of a message's files: SPOOL/SUBDIR/N.EXT */
void	spool_path(char *out, size_t outlen, const char *spool,
	    const char *subdir, uint32_t id, const char *ext);

#endif
