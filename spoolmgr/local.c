/* SPDX-License-Identifier: ISC */
/*
 * Local recipients: aliases, then Maildir delivery into MAILROOT/DOMAIN/USER
 * (or a Maildir path named by an alias).  Maildir: write tmp/NAME, fsync,
 * link into new/NAME, unlink tmp/NAME, fsync new/; NAME is unique per the
 * Maildir specification (time.M<usec>P<pid>Q<n>.host).
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <bsd/string.h>

#include "denied.h"
#include "dsnparam.h"
#include "log.h"
#include "spoolmgr.h"
#include "text.h"

#define ALIAS_DEPTH	8
#define TARGETS_MAX	64

enum target_kind { T_MAILBOX, T_MAILDIR, T_REMOTE };

struct target {
	enum target_kind kind;
	char		 where[PATH_MAX];	/* address, or Maildir path */
};

struct expansion {
	struct target	 items[TARGETS_MAX];
	size_t		 n;
	int		 loop;		/* too deep or too many */
};

static void
add_target(struct expansion *x, enum target_kind kind, const char *where)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->items[i].kind == kind &&
		    strcasecmp(x->items[i].where, where) == 0)
			return;
	if (x->n == TARGETS_MAX) {
		x->loop = 1;
		return;
	}
	x->items[x->n].kind = kind;
	strlcpy(x->items[x->n].where, where, sizeof(x->items[x->n].where));
	x->n++;
}

/*
 * local@domain (domain local) into x: its aliases' targets, or its own
 * mailbox.  domain is first made the mailbox domain (name@HOSTNAME and
 * name@localhost are name of the first local domain), so aliases and
 * Maildirs are those of that domain.
 */
static void
expand(const struct runner *r, const char *local, const char *domain,
    int depth, struct expansion *x)
{
	char *const	*targets;
	char		 full[PATH_MAX];
	const char	*home;

	if ((home = config_mailbox_domain(r->cf, domain)) != NULL)
		domain = home;
	targets = aliases_lookup(&r->aliases, local, domain);
	say(full, sizeof(full), "%s@%s", local, domain);
	if (targets == NULL) {
		add_target(x, T_MAILBOX, full);
		return;
	}
	if (depth >= ALIAS_DEPTH) {
		x->loop = 1;
		return;
	}
	for (; *targets; targets++) {
		char		 addr[PATH_MAX], *at;
		const char	*home;

		if ((*targets)[0] == '/') {
			add_target(x, T_MAILDIR, *targets);
			continue;
		}
		if (strchr(*targets, '@') == NULL)
			snprintf(addr, sizeof(addr), "%s@%s", *targets, domain);
		else
			strlcpy(addr, *targets, sizeof(addr));
		at = strrchr(addr, '@');
		*at = '\0';
		home = config_mailbox_domain(r->cf, at + 1);
		if (home == NULL) {
			*at = '@';
			add_target(x, T_REMOTE, addr);
		} else if (strcasecmp(addr, local) == 0 &&
		    strcasecmp(home, domain) == 0) {
			/* "ann: ann, ann@elsewhere" */
			say(addr, sizeof(addr), "%s@%s", local, domain);
			add_target(x, T_MAILBOX, addr);
		} else
			expand(r, addr, at + 1, depth + 1, x);
	}
}

/* MAILROOT/domain/user for a local address, or -1 if unsafe as a path. */
static int
mailbox_dir(const struct runner *r, const char *addr, char *out, size_t len)
{
	char		 local[256], domain[256], *at;

	strlcpy(local, addr, sizeof(local));
	if ((at = strrchr(local, '@')) == NULL)
		return -1;
	*at = '\0';
	strlcpy(domain, at + 1, sizeof(domain));
	str_lower(local);
	str_lower(domain);
	if (local[0] == '\0' || local[0] == '.' || strchr(local, '/') ||
	    domain[0] == '\0' || domain[0] == '.' || strchr(domain, '/'))
		return -1;
	snprintf(out, len, "%s/%s/%s", r->cf->mailroot, domain, local);
	return 0;
}

int
maildir_name(char *out, size_t outlen, time_t sec, long usec, pid_t pid,
    unsigned seq, const char *host)
{
	char	 safe[256];
	size_t	 j = 0;

	/* The specification: '/' as \057 and ':' as \072 in the host. */
	for (const char *p = host; *p && j + 5 < sizeof(safe); p++) {
		if (*p == '/' || *p == ':') {
			snprintf(safe + j, 5, "\\%03o", (unsigned char)*p);
			j += 4;
		} else
			safe[j++] = *p;
	}
	safe[j] = '\0';
	return snprintf(out, outlen, "%lld.M%ldP%ldQ%u.%s", (long long)sec,
	    usec, (long)pid, seq, safe) >= (int)outlen ? -1 : 0;
}

static int
copy_text(int from, int to)
{
	char	 buf[65536];
	ssize_t	 n;

	while ((n = read(from, buf, sizeof(buf))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (ssize_t done = 0, w; done < n; done += w)
			if ((w = write(to, buf + done, (size_t)(n - done))) == -1)
				return -1;
	}
	return 0;
}

static int
write_message(int fd, const char *txt, const char *sender, const char *rcpt)
{
	char	 head[1200];
	int	 in, rc, len;

	len = snprintf(head, sizeof(head),
	    "Return-Path: <%s>\nDelivered-To: %s\n", sender, rcpt);
	if (len >= (int)sizeof(head) || write(fd, head, (size_t)len) != len)
		return -1;
	if ((in = open(txt, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	rc = copy_text(in, fd);
	close(in);
	return rc == 0 ? fsync(fd) : -1;
}

/*
 * The reply for a Maildir that refused us.  Permission denied is an
 * installation mistake (a mailbox made by root), so it names the
 * directory that refused and whose it must be, and says so on stderr
 * too, once per directory and run: the administrator running spoolmgr
 * by hand, or reading cron's mail, sees what to change.
 */
static void
denied_reply(const char *refused, char *reply, size_t len)
{
	static char	 told[PATH_MAX];
	char		 need[256];

	denied_explain(refused, NULL, need, sizeof(need));
	say(reply, len, "451 4.3.0 Maildir %s: %s: %s", refused,
	    strerror(EACCES), need);
	if (strcmp(told, refused) != 0) {
		fprintf(stderr, "spoolmgr: %s: %s: %s\n", refused,
		    strerror(EACCES), need);
		strlcpy(told, refused, sizeof(told));
	}
}

/* refused: the directory the failed call wrote into. */
static enum outcome
write_failure(const char *dir, const char *refused, char *reply, size_t len)
{
	int	 e = errno;

	say(reply, len, "451 4.3.0 Maildir %s: %s", dir, strerror(e));
	if (e == ENOSPC || e == EDQUOT) {
		say(reply, len, "452 4.3.1 Maildir %s: %s", dir,
		    strerror(e));
		return OUT_SYSFAIL;
	}
	if (e == EACCES)
		denied_reply(refused, reply, len);
	return e == EACCES || e == EROFS ? OUT_SYSFAIL : OUT_DEFER;
}

/* DIR/SUB/NAME with a name unique per the Maildir specification. */
static int
unique_path(struct runner *r, const char *dir, const char *sub, char *out,
    size_t outlen)
{
	char		 name[512];
	struct timeval	 tv;

	gettimeofday(&tv, NULL);
	if (maildir_name(name, sizeof(name), tv.tv_sec, (long)tv.tv_usec,
	    getpid(), ++r->maildir_seq, r->cf->hostname) != 0 ||
	    snprintf(out, outlen, "%s/%s/%s", dir, sub, name) >= (int)outlen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * tmp/NAME into new/: link(2), which, unlike rename(2), never replaces a
 * message already there under the same name; then tmp/NAME goes.  A name
 * taken (EEXIST) gets a fresh one, a few times.  new: the name used.
 */
int
maildir_commit(struct runner *r, const char *dir, const char *tmp, char *new,
    size_t newlen)
{
	int	 tries = 0;

	if (snprintf(new, newlen, "%s/new/%s", dir, strrchr(tmp, '/') + 1) >=
	    (int)newlen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	while (link(tmp, new) == -1)
		if (errno != EEXIST || ++tries > 3 ||
		    unique_path(r, dir, "new", new, newlen) != 0)
			return -1;
	(void)unlink(tmp);	/* a leftover in tmp/ is the reader's to clean */
	return 0;
}

static enum outcome
maildir_deliver(struct runner *r, const char *dir, const char *txt,
    const char *sender, const char *rcpt, char *reply, size_t len)
{
	char		 tmp[PATH_MAX], new[PATH_MAX], tmpdir[PATH_MAX];
	char		 newdir[PATH_MAX];
	const char	*name;
	int		 fd, dfd;
	enum outcome	 out;

	say(tmpdir, sizeof(tmpdir), "%s/tmp", dir);
	say(newdir, sizeof(newdir), "%s/new", dir);
	for (int tries = 0;; tries++) {
		if (unique_path(r, dir, "tmp", tmp, sizeof(tmp)) != 0)
			return write_failure(dir, tmpdir, reply, len);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd != -1)
			break;
		if (errno != EEXIST || tries == 3)
			return write_failure(dir, tmpdir, reply, len);
	}
	if (write_message(fd, txt, sender, rcpt) != 0) {
		out = write_failure(dir, tmpdir, reply, len);
		close(fd);
		unlink(tmp);
		return out;
	}
	if (close(fd) == -1 || maildir_commit(r, dir, tmp, new,
	    sizeof(new)) == -1) {
		out = write_failure(dir, newdir, reply, len);
		unlink(tmp);
		return out;
	}
	name = strrchr(new, '/') + 1;
	if ((dfd = open(newdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		if (fsync(dfd) == -1) {
			close(dfd);
			return write_failure(dir, newdir, reply, len);
		}
		close(dfd);
	}
	say(reply, len, "250 2.0.0 delivered to %s/new/%s", dir, name);
	return OUT_DONE;
}

/* A mailbox made with mkdir alone gets its tmp/, new/ and cur/ here. */
static int
make_subdirs(const char *dir)
{
	static const char *const subdirs[] = { "tmp", "new", "cur" };
	char	 path[PATH_MAX];

	for (size_t i = 0; i < 3; i++) {
		say(path, sizeof(path), "%s/%s", dir, subdirs[i]);
		if (mkdir(path, 0700) == -1 && errno != EEXIST)
			return -1;
	}
	return 0;
}

/* Is dir a Maildir?  Its absence is the user's, its parent's the system's. */
static enum outcome
check_maildir(const char *dir, int is_postmaster, char *reply, size_t len)
{
	char		 parent[PATH_MAX], *slash;
	struct stat	 st;
	int		 rc = stat(dir, &st);

	if (rc == 0 && S_ISDIR(st.st_mode) && make_subdirs(dir) == -1) {
		if (errno == EACCES)	/* a mailbox made by root */
			denied_reply(dir, reply, len);
		else
			say(reply, len, "451 4.3.0 Maildir %s: %s", dir,
			    strerror(errno));
		return OUT_SYSFAIL;
	}
	if (rc == -1 && errno != ENOENT) {
		say(reply, len, "451 4.3.0 Maildir %s: %s", dir, strerror(errno));
		return OUT_SYSFAIL;
	}
	if (rc == 0 && S_ISDIR(st.st_mode))
		return OUT_DONE;
	strlcpy(parent, dir, sizeof(parent));
	if ((slash = strrchr(parent, '/')) != NULL)
		*slash = '\0';
	if (stat(parent, &st) == -1 || is_postmaster) {
		say(reply, len, "451 4.3.0 mail root %s missing or unreadable",
		    is_postmaster ? dir : parent);
		return OUT_SYSFAIL;
	}
	say(reply, len, "550 5.1.1 no such mailbox");
	return OUT_FAIL;
}

/* Adds a remote alias target as a recipient of the message itself. */
static int
add_remote(struct msg *m, size_t ri, const char *addr)
{
	char		 orcpt[DSN_ORCPT_MAX + 1] = "";
	unsigned char	*grown;
	const struct recipient *orig = &m->env.rcpts[ri];

	for (size_t i = 0; i < m->env.nrcpts; i++)
		if (strcasecmp(m->env.rcpts[i].addr, addr) == 0)
			return 0;
	if (orig->orcpt)
		strlcpy(orcpt, orig->orcpt, sizeof(orcpt));
	else if (dsn_orcpt_of_addr(orig->addr, orcpt, sizeof(orcpt)) == -1)
		orcpt[0] = '\0';	/* too long to name: none (RFC 3461 4.2) */
	grown = realloc(m->notified, m->env.nrcpts + 2);
	if (grown == NULL)
		return -1;
	m->notified = grown;
	m->notified[m->env.nrcpts] = 0;
	m->notified[m->env.nrcpts + 1] = 0;
	{
		char	*notify = orig->notify ? strdup(orig->notify) : NULL;
		int	 rc = envelope_add_rcpt(&m->env, addr, notify,
		    orcpt[0] ? orcpt : NULL);

		free(notify);
		return rc;
	}
}

static enum outcome
worse(enum outcome a, enum outcome b)
{
	static const int rank[] = { [OUT_DONE] = 0, [OUT_FAIL] = 1,
	    [OUT_DEFER] = 2, [OUT_SYSFAIL] = 3 };

	return rank[b] > rank[a] ? b : a;
}

static enum outcome
deliver_target(struct runner *r, struct msg *m, size_t ri,
    const struct target *t, char *reply, size_t len)
{
	char		 dir[PATH_MAX], txt[PATH_MAX];
	const char	*rcpt = m->env.rcpts[ri].addr;
	enum outcome	 out;
	int		 pm;

	msg_path(txt, sizeof(txt), r, m, "TXT");
	if (t->kind == T_REMOTE) {
		if (add_remote(m, ri, t->where) != 0)
			return OUT_DEFER;
		say(reply, len, "250 2.1.5 forwarded to %s", t->where);
		return OUT_DONE;
	}
	if (t->kind == T_MAILDIR) {
		strlcpy(dir, t->where, sizeof(dir));
		if (strlen(dir) > 1 && dir[strlen(dir) - 1] == '/')
			dir[strlen(dir) - 1] = '\0';
		pm = 1;		/* the administrator named it: a missing one is ours */
	} else {
		if (mailbox_dir(r, t->where, dir, sizeof(dir)) != 0) {
			say(reply, len, "550 5.1.3 bad mailbox name");
			return OUT_FAIL;
		}
		rcpt = t->where;
		pm = strncasecmp(t->where, "postmaster@", 11) == 0;
	}
	if ((out = check_maildir(dir, pm, reply, len)) != OUT_DONE)
		return out;
	return maildir_deliver(r, dir, txt, m->env.sender, rcpt, reply, len);
}

enum outcome
local_deliver(struct runner *r, struct msg *m, size_t ri, char *reply,
    size_t replylen)
{
	struct expansion *x = calloc(1, sizeof(*x));
	char		 local[256], each[512];
	enum outcome	 result = OUT_DONE, out;
	int		 any_done = 0;

	if (x == NULL) {
		say(reply, replylen, "451 4.3.0 out of memory");
		return OUT_DEFER;
	}
	strlcpy(local, m->env.rcpts[ri].addr, sizeof(local));
	*strrchr(local, '@') = '\0';
	expand(r, local, rcpt_domain(m->env.rcpts[ri].addr), 0, x);
	if (x->loop) {
		say(reply, replylen, "550 5.4.6 alias loop or too many targets");
		free(x);
		return OUT_FAIL;
	}
	say(reply, replylen, "250 2.0.0 delivered");
	for (size_t i = 0; i < x->n; i++) {
		out = deliver_target(r, m, ri, &x->items[i], each, sizeof(each));
		/* So that trace finds an alias's targets too. */
		if (strcasecmp(x->items[i].where, m->env.rcpts[ri].addr) != 0)
			journal_msg(r, m, x->items[i].where, "alias", "local",
			    each, NULL);
		if (out == OUT_DONE)
			any_done = 1;
		if (out != OUT_DONE && worse(result, out) != result)
			strlcpy(reply, each, replylen);
		else if (x->n == 1)
			strlcpy(reply, each, replylen);
		result = worse(result, out);
	}
	m->notified[ri] = x->n > 1 ? NOTE_EXPANDED : x->n == 1 &&
	    x->items[0].kind == T_REMOTE ? NOTE_NONE : NOTE_DELIVERED;
	/* One bad target of several is logged, not bounced. */
	if (result == OUT_FAIL && any_done) {
		log_warn("message %lu: <%s>: a target failed: %s",
		    (unsigned long)m->id, m->env.rcpts[ri].addr, reply);
		result = OUT_DONE;
	}
	free(x);
	return result;
}

/* Does postmaster@domain reach a mailbox (or leave for elsewhere)? */
static int
postmaster_reaches(struct runner *r, const char *domain)
{
	struct expansion *x = calloc(1, sizeof(*x));
	char		 dir[PATH_MAX], reply[512];
	int		 reaches = 0;

	if (x == NULL)
		return -1;
	expand(r, "postmaster", domain, 0, x);
	for (size_t i = 0; i < x->n && !x->loop; i++) {
		const struct target *t = &x->items[i];

		if (t->kind == T_REMOTE)
			reaches = 1;
		else if (t->kind == T_MAILDIR)
			reaches |= check_maildir(t->where, 1, reply,
			    sizeof(reply)) == OUT_DONE;
		else if (mailbox_dir(r, t->where, dir, sizeof(dir)) == 0)
			reaches |= check_maildir(dir, 1, reply,
			    sizeof(reply)) == OUT_DONE;
	}
	free(x);
	return reaches;
}

/*
 * Start-up check: postmaster@ every local domain must reach a mailbox;
 * with no localdomains, postmaster@HOSTNAME (always local).  Said on
 * stderr, which cron mails (to a local user: smtpgate.conf(5)).
 */
int
local_check_postmaster(struct runner *r)
{
	char		*only[2] = { r->cf->hostname, NULL };
	char		**domains = r->cf->localdomains;
	char		 domain[256];
	int		 problems = 0, reaches;

	if (domains == NULL || domains[0] == NULL)
		domains = only;
	for (char **d = domains; *d; d++) {
		strlcpy(domain, *d, sizeof(domain));
		str_lower(domain);
		if ((reaches = postmaster_reaches(r, domain)) == -1)
			return -1;
		if (!reaches) {
			log_error("postmaster@%s reaches no mailbox: create "
			    "%s/%s/postmaster or add an alias", domain,
			    r->cf->mailroot, domain);
			fprintf(stderr, "spoolmgr: postmaster@%s reaches no "
			    "mailbox: create %s/%s/postmaster (a Maildir) or "
			    "add an alias\n", domain, r->cf->mailroot, domain);
			problems++;
		}
	}
	return problems;
}
