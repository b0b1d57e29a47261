/* SPDX-License-Identifier: ISC */
/*
 * The scratch gateway that the unit tests of smtpd's engine
 * (smtpd_engine.c, smtpd_starttls.c, smtpd_auth.c) run a session in:
 * a spool, a Maildir root with example.test/bob, a configuration and
 * an aliases file in a fresh directory under /tmp.  Include after
 * cmocka.h.
 */
#ifndef TESTS_UNIT_SMTPD_FIXTURE_H
#define TESTS_UNIT_SMTPD_FIXTURE_H

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aliases.h"
#include "auth.h"
#include "auth_senders.h"
#include "buf.h"
#include "config.h"
#include "log.h"
#include "../../smtpd/session.h"

struct fixture {
	char			 dir[64];
	struct config		 cf;
	struct aliases		 al;
	struct buf		 out;
	struct session		 s;
	struct auth_setup	 auth;		/* smtpd_auth.c's back end */
	struct auth_senders	 senders;
};

/* Writes text into the file name of the fixture's directory. */
static inline void
fixture_write(const struct fixture *f, const char *name, const char *text)
{
	char	 path[200];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static inline void
fixture_mkdir(const struct fixture *f, const char *name)
{
	char	 path[200];

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	assert_int_equal(mkdir(path, 0700), 0);
}

/*
 * A fixture whose configuration is the common lines and then conf;
 * aliases is the aliases file's text, or NULL for no file.  The log file
 * exists (root never creates one: lib/log.c).  The session is the
 * caller's to start (session_init, then fixture_greet).
 */
static inline struct fixture *
fixture_open(const char *conf, const char *aliases)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	char		 text[1024], err[300];

	if (f == NULL)
		return NULL;
	strcpy(f->dir, "/tmp/smtpd-unit-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return NULL;
	}
	fixture_mkdir(f, "spool");
	fixture_mkdir(f, "spool/in");
	fixture_mkdir(f, "mail");
	fixture_mkdir(f, "mail/example.test");
	fixture_mkdir(f, "mail/example.test/bob");
	if (aliases != NULL)
		fixture_write(f, "aliases", aliases);
	fixture_write(f, "log", "");
	snprintf(text, sizeof(text), "hostname=mx.example.test\n"
	    "spool=%s/spool\nmailroot=%s/mail\naliases=%s/%s\nlogfile=%s/log\n"
	    "%s", f->dir, f->dir, f->dir, aliases ? "aliases" : "none",
	    f->dir, conf);
	fixture_write(f, "smtpgate.conf", text);
	snprintf(text, sizeof(text), "%s/smtpgate.conf", f->dir);
	if (config_load(&f->cf, text, err, sizeof(err)) != 0 ||
	    aliases_load(&f->al, f->cf.aliases, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	log_open("smtpd-unit", f->cf.logfile);
	return f;
}

/* The greeting, sent and forgotten: each test reads its own replies. */
static inline void
fixture_greet(struct fixture *f)
{
	session_greet(&f->s);
	buf_consume(&f->out, f->out.len);
}

static inline int
fixture_close(struct fixture *f)
{
	char	 cmd[200];

	session_free(&f->s);
	buf_free(&f->out);
	aliases_free(&f->al);
	auth_senders_free(&f->senders);
	config_free(&f->cf);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

#endif
