/* SPDX-License-Identifier: ISC */
/*
 * The harnesses' shared part: a scratch directory, and the in-memory
 * stand-ins for the spool writer and the log (see common.h).
 */
#define _XOPEN_SOURCE 700	/* nftw */
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "aliases.h"
#include "common.h"
#include "config.h"
#include "spool.h"

struct fuzz_spool fuzz_spool;
void		(*fuzz_on_commit)(const struct buf *, const struct envelope *);
static int	spool_fails;
static int	msg_is_open;	/* one message at a time, as in smtpd */
static char	scratch[64];

static int
remove_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

static void
remove_scratch(void)
{
	if (scratch[0] != '\0')
		nftw(scratch, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
fuzz_scratch(void)
{
	if (scratch[0] == '\0') {
		strcpy(scratch, "/tmp/smtpgate-fuzz-XXXXXX");
		if (mkdtemp(scratch) == NULL)
			fuzz_fail("mkdtemp", scratch);
		atexit(remove_scratch);
	}
	return scratch;
}

void
fuzz_write_file(const char *path, const void *data, size_t len)
{
	FILE	*fp = fopen(path, "w");

	if (fp == NULL || fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
		fuzz_fail("cannot write", path);
}

void
fuzz_smtpd_config(const char *aliases, const char *conf, struct config *cf,
    struct aliases *al)
{
	const char	*dir = fuzz_scratch();
	char		 path[256], text[2048], err[512];

	snprintf(path, sizeof(path), "%s/mail", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/mail/example.test", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/mail/example.test/bob", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/aliases", dir);
	fuzz_write_file(path, aliases, strlen(aliases));
	snprintf(text, sizeof(text), "hostname=mx.example.test\n"
	    "spool=%s/spool\nmailroot=%s/mail\naliases=%s/aliases\n%s", dir,
	    dir, dir, conf);
	snprintf(path, sizeof(path), "%s/smtpgate.conf", dir);
	fuzz_write_file(path, text, strlen(text));
	if (config_load(cf, path, err, sizeof(err)) != 0 ||
	    aliases_load(al, cf->aliases, err, sizeof(err)) != 0)
		fuzz_fail("setup", err);
}

void
fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "FUZZ FINDING: %s: %s\n", what, detail);
	abort();
}

/* The log: formatted (so that a bad argument is still caught), dropped. */
void	__wrap_log_event(int priority, const char *fmt, ...);
void
__wrap_log_event(int priority, const char *fmt, ...)
{
	char	 text[2048];
	va_list	 ap;

	(void)priority;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
}

void
fuzz_spool_reset(void)
{
	msg_is_open = 0;
	buf_free(&fuzz_spool.text);
	memset(&fuzz_spool, 0, sizeof(fuzz_spool));
}

void
fuzz_spool_fail(int fail)
{
	spool_fails = fail;
}

int	__wrap_spool_open(struct spool_msg *msg, const char *spool, char *err,
	    size_t errlen);
int	__wrap_spool_write(struct spool_msg *msg, const void *data, size_t len);
int	__wrap_spool_commit(struct spool_msg *msg, struct envelope *env,
	    char *err, size_t errlen);
void	__wrap_spool_abort(struct spool_msg *msg);

int
__wrap_spool_open(struct spool_msg *msg, const char *spool, char *err,
    size_t errlen)
{
	memset(msg, 0, sizeof(*msg));
	msg->cmd_fd = -1;
	if (spool_fails) {
		snprintf(err, errlen, "%s: No space left on device", spool);
		return -1;
	}
	msg->id = ++fuzz_spool.opened;
	msg_is_open = 1;
	buf_free(&fuzz_spool.text);
	return 0;
}

int
__wrap_spool_write(struct spool_msg *msg, const void *data, size_t len)
{
	if (!msg_is_open)
		fuzz_fail("spool_write", "message not open");
	if (buf_append(&fuzz_spool.text, data, len) != 0) {
		msg->failed = 1;
		return -1;
	}
	return 0;
}

/*
 * What the real writer does with env, and then the check that matters:
 * the envelope as written must read back, with the same recipients, or
 * spoolmgr would send the message to bad/ after we said 250.
 */
int
__wrap_spool_commit(struct spool_msg *msg, struct envelope *env, char *err,
    size_t errlen)
{
	struct envelope	 back;
	char		*text, why[256];
	size_t		 len;

	if (!msg_is_open)
		fuzz_fail("spool_commit", "message not open");
	env->id = msg->id;
	if ((text = envelope_format(env, &len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (envelope_parse(&back, text, len, why, sizeof(why)) != 0)
		fuzz_fail("spooled envelope does not read back", why);
	if (back.nrcpts != env->nrcpts || strcmp(back.sender, env->sender))
		fuzz_fail("spooled envelope reads back different", text);
	for (size_t i = 0; i < env->nrcpts; i++)
		if (strcmp(back.rcpts[i].addr, env->rcpts[i].addr) != 0)
			fuzz_fail("spooled recipient reads back different",
			    env->rcpts[i].addr);
	envelope_free(&back);
	free(text);
	if (fuzz_on_commit != NULL)
		fuzz_on_commit(&fuzz_spool.text, env);
	fuzz_spool.committed++;
	msg_is_open = 0;
	return 0;
}

void
__wrap_spool_abort(struct spool_msg *msg)
{
	(void)msg;
	if (msg_is_open)
		fuzz_spool.aborted++;
	msg_is_open = 0;
}
