/* SPDX-License-Identifier: ISC */
/*
 * What the libFuzzer harnesses share.  The spool writer and the log are
 * replaced, at link time (ld --wrap), by stand-ins that keep everything
 * in memory: an input runs in microseconds and leaves nothing behind.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "envelope.h"

/* A private directory under /tmp, removed at exit; its path. */
const char	*fuzz_scratch(void);
/* Writes len bytes to path, replacing it; aborts on failure. */
void		 fuzz_write_file(const char *path, const void *data, size_t len);
/* Stops the run as a finding, with what went wrong. */
struct config;
struct aliases;
/*
 * The scratch directory as a gateway for smtpd's engine: a Maildir root
 * with example.test/bob, an aliases file of the text aliases, and a
 * configuration of hostname, spool, mailroot and aliases, then conf;
 * loaded into cf and al.
 */
void		 fuzz_smtpd_config(const char *aliases, const char *conf,
		    struct config *cf, struct aliases *al);
void		 fuzz_fail(const char *what, const char *detail)
		    __attribute__((noreturn));

/* What the stand-in spool writer was given since fuzz_spool_reset(). */
struct fuzz_spool {
	struct buf	 text;		/* the message text written */
	unsigned	 opened, committed, aborted;
};
extern struct fuzz_spool fuzz_spool;
/* Called by the stand-in spool_commit with what would be durable. */
extern void	(*fuzz_on_commit)(const struct buf *text,
		    const struct envelope *env);
void		 fuzz_spool_reset(void);
/* Makes spool_open fail (1) or work (0), as a full disk would. */
void		 fuzz_spool_fail(int fail);

#endif
