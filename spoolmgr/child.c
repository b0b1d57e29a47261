/* SPDX-License-Identifier: ISC */
/*
 * In a child process: the delivery of one message to one domain.
 * `mxlookup DOMAIN` (unless relayhost= is set), then `mailer -x` with the
 * hosts found; what happened goes to the parent as lines on `report`:
 *   mxerr TEXT           the first line mxlookup wrote on stderr
 *   mx STATUS            mxlookup's exit status (absent with relayhost;
 *                        68 when it printed no exchanger); 128 + N
 *                        when signal N killed it, 127 when it is missing
 *   host NAME ADDRESS    each host passed to mailer, in order
 *   mailererr TEXT       the first line mailer wrote on stderr
 *   mailer STATUS        mailer's exit status, as mx's
 *   out LINE             each whole line mailer printed:
 *                        "RCPT ok|defer|fail REPLY", an ok one ending
 *                        in "<TAB>dsn=yes|no<TAB>tls=..." (mailer -D)
 * The job has no line of its own to say it was killed: the parent tells
 * that by what is missing (see remote.c).
 *
 * A job of several messages to one destination runs `mailer -x -B` once
 * for them all; its lines ("MSG k", results, "END k", "DOWN reply") go
 * to the parent as "out" lines the moment mailer prints them, so that
 * each message is recorded as soon as its transaction is over.
 */
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <bsd/string.h>

#include "spoolmgr.h"

#define HOSTS_MAX	32
#define ARGS_MAX	(2 * HOSTS_MAX + 2 * 100 + 32)

/* An argument vector built up to its size. */
struct args {
	char	*v[ARGS_MAX];
	size_t	 n;
};

/* The first line a child wrote on stderr, from its temporary file. */
static void
first_line(FILE *fp, char *out, size_t len)
{
	out[0] = '\0';
	if (fp == NULL)
		return;
	rewind(fp);
	if (fgets(out, (int)len, fp) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	fclose(fp);
}

/*
 * In the child of run_capture: argv with stdin from in_fd, stdout to
 * out_fd, stderr to errfp (if there is one), and fd3 (if not -1) as
 * descriptor 3.  A program that cannot be run exits as from a shell:
 * 127 when it is missing, 126 otherwise.
 */
static void
exec_child(char *const argv[], int in_fd, int out_fd, FILE *errfp, int fd3)
{
	int	 failure;

	if (dup2(in_fd, 0) == -1 || dup2(out_fd, 1) == -1 ||
	    (errfp && dup2(fileno(errfp), 2) == -1) ||
	    (fd3 != -1 && (dup2(fd3, 3) == -1 || fcntl(3, F_SETFD, 0) == -1)))
		_exit(EX_OSERR);
	execv(argv[0], argv);
	failure = errno;
	fprintf(stderr, "%s: %s\n", argv[0], strerror(failure));
	_exit(failure == ENOENT ? 127 : 126);
}

/* Everything on fd until its end, into out. */
static void
read_all(int fd, struct buf *out)
{
	char	 chunk[4096];
	ssize_t	 n;

	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		buf_append(out, chunk, (size_t)n);
	}
}

/* The exit status of pid; 128 + the signal when one killed it. */
static int
exit_status(pid_t pid)
{
	int	 status;

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return EX_OSERR;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/*
 * Runs argv with stdin from in_fd; its stdout into out, the first line of
 * its stderr into errtext (not to our stderr: cron would mail it); its
 * exit status.  When it cannot start (no pipe, no fork), EX_OSERR and
 * why in errtext, everything opened for it closed again.
 */
int
run_capture(char *const argv[], int in_fd, struct buf *out, char *errtext,
    size_t errlen)
{
	int	 p[2], status;
	pid_t	 pid;
	FILE	*errfp = tmpfile();

	errtext[0] = '\0';
	if (pipe(p) == -1) {
		say(errtext, errlen, "%s: pipe: %s", argv[0], strerror(errno));
		if (errfp)
			fclose(errfp);
		return EX_OSERR;
	}
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	if ((pid = fork()) == -1) {
		say(errtext, errlen, "%s: fork: %s", argv[0], strerror(errno));
		close(p[0]);
		close(p[1]);
		if (errfp)
			fclose(errfp);
		return EX_OSERR;
	}
	if (pid == 0)
		exec_child(argv, in_fd, p[1], errfp, -1);
	close(p[1]);
	read_all(p[0], out);
	close(p[0]);
	status = exit_status(pid);
	first_line(errfp, errtext, errlen);
	return status;
}

/* mxlookup's "PREF NAME ADDRESS" lines into mailer's -h arguments. */
static size_t
parse_hosts(struct buf *mx, long long port, char hosts[][300], FILE *report)
{
	char	*rest = mx->data, *line, name[256], addr[64];
	size_t	 n = 0;
	int	 pref;

	while (rest && (line = strsep(&rest, "\n")) != NULL && n < HOSTS_MAX) {
		if (sscanf(line, "%d %255s %63s", &pref, name, addr) != 3)
			continue;
		/* NAME=: the exchanger's name, for TLS (mailer(1) -h);
		 * without it when it does not fit */
		if (snprintf(hosts[n], 300, strchr(addr, ':') ?
		    "%s=[%s]:%lld" : "%s=%s:%lld", name, addr, port) >= 300)
			snprintf(hosts[n], 300, strchr(addr, ':') ?
			    "[%s]:%lld" : "%s:%lld", addr, port);
		fprintf(report, "host %s %s\n", name, addr);
		n++;
	}
	return n;
}

static void
add_arg(struct args *a, const char *arg)
{
	if (a->n + 1 < ARGS_MAX)
		a->v[a->n++] = (char *)arg;
	a->v[a->n] = NULL;
}

static void
add_option(struct args *a, const char *opt, const char *value)
{
	if (value) {
		add_arg(a, opt);
		add_arg(a, value);
	}
}

/*
 * A recipient as mailer(1) takes it: the address (in brackets when a
 * quoted local part holds a space), then its own DSN parameters.  The
 * child exits soon: the string is not freed.
 */
static const char *
rcpt_arg(const struct recipient *rc)
{
	struct buf	 b = { NULL, 0, 0 };
	int		 bracket = strchr(rc->addr, ' ') != NULL;

	buf_printf(&b, bracket ? "<%s>" : "%s", rc->addr);
	if (rc->notify)
		buf_printf(&b, " NOTIFY=%s", rc->notify);
	if (rc->orcpt)
		buf_printf(&b, " ORCPT=%s", rc->orcpt);
	return b.data ? b.data : rc->addr;
}

/* The hosts to give mailer; 0 when there are none (reported). */
static size_t
child_hosts(struct runner *r, const char *domain, char hosts[][300],
    FILE *report)
{
	struct buf	 mx = { NULL, 0, 0 };
	struct args	 a = { .n = 0 };
	char		 errtext[300];
	int		 status, devnull;
	size_t		 n;

	if (r->cf->relayhost) {
		strlcpy(hosts[0], r->cf->relayhost, sizeof(hosts[0]));
		fprintf(report, "host %s -\n", r->cf->relayhost);
		return 1;
	}
	add_arg(&a, r->cf->mxlookup);
	add_option(&a, "-C", r->confpath);
	add_arg(&a, domain);
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	status = run_capture(a.v, devnull, &mx, errtext, sizeof(errtext));
	close(devnull);
	n = status == 0 ? parse_hosts(&mx, r->cf->remoteport, hosts, report) : 0;
	if (status == 0 && n == 0) {	/* nothing usable: as NXDOMAIN */
		say(errtext, sizeof(errtext), "%s printed no exchanger",
		    r->cf->mxlookup);
		status = EX_NOHOST;
	}
	if (errtext[0])
		fprintf(report, "mxerr %s\n", errtext);
	fprintf(report, "mx %d\n", status);
	buf_free(&mx);
	return n;
}

/* mailer -x for the recipients, the message's text on its stdin. */
static void
child_mailer(struct runner *r, const struct msg *m, const size_t *rcpts,
    size_t n, char hosts[][300], size_t nhosts, FILE *report)
{
	struct buf	 out = { NULL, 0, 0 };
	struct args	 a = { .n = 0 };
	char		 txt[PATH_MAX], errtext[300] = "";
	int		 status = EX_IOERR, in;

	add_arg(&a, r->cf->mailer);
	add_option(&a, "-C", r->confpath);
	add_arg(&a, "-x");
	add_arg(&a, "-D");	/* say whether the server offered DSN */
	add_option(&a, "-f", m->env.sender);
	if (m->env.smtputf8)
		add_arg(&a, "-U");
	add_option(&a, "-R", m->env.ret);
	add_option(&a, "-V", m->env.envid);
	for (size_t i = 0; i < nhosts; i++)
		add_option(&a, "-h", hosts[i]);
	add_arg(&a, "--");
	for (size_t i = 0; i < n; i++)
		add_arg(&a, rcpt_arg(&m->env.rcpts[rcpts[i]]));
	msg_path(txt, sizeof(txt), r, m, "TXT");
	if ((in = open(txt, O_RDONLY | O_CLOEXEC)) != -1) {
		status = run_capture(a.v, in, &out, errtext, sizeof(errtext));
		close(in);
	}
	if (errtext[0])
		fprintf(report, "mailererr %s\n", errtext);
	fprintf(report, "mailer %d\n", status);
	/* Whole lines only: a line cut short by mailer's end proves nothing. */
	for (char *rest = out.data, *line; rest &&
	    (line = strsep(&rest, "\n")) != NULL && rest != NULL;)
		if (*line)
			fprintf(report, "out %s\n", line);
	buf_free(&out);
}

void
child_deliver(struct runner *r, const struct msg *m, const char *domain,
    const size_t *rcpts, size_t n, FILE *report)
{
	static char	 hosts[HOSTS_MAX][300];
	size_t		 nhosts;

	if ((nhosts = child_hosts(r, domain, hosts, report)) > 0)
		child_mailer(r, m, rcpts, n, hosts, nhosts, report);
}

/* The batch for mailer -x -B (mailer(1)) into a temporary file. */
static FILE *
batch_list(struct runner *r, struct msg *const *msgs, size_t *const *rcpts,
    const size_t *counts, size_t n)
{
	FILE	*fp = tmpfile();
	char	 txt[PATH_MAX];
	int	 fd;

	if (fp == NULL)
		return NULL;
	for (size_t k = 0; k < n; k++) {
		const struct envelope	*env = &msgs[k]->env;

		msg_path(txt, sizeof(txt), r, msgs[k], "TXT");
		/* an open file, not a path: mailer has no right to the spool */
		if ((fd = open(txt, O_RDONLY)) == -1)
			continue;	/* reported as unfinished */
		fprintf(fp, "MSG %zu %d\nFROM %s\n", k, fd, env->sender);
		if (env->ret)
			fprintf(fp, "RET %s\n", env->ret);
		if (env->envid)
			fprintf(fp, "ENVID %s\n", env->envid);
		if (env->smtputf8)
			fputs("SMTPUTF8\n", fp);
		for (size_t i = 0; i < counts[k]; i++)
			fprintf(fp, "TO %s\n", rcpt_arg(&env->rcpts[rcpts[k][i]]));
		fputs("END\n", fp);
	}
	if (fflush(fp) == EOF || fseek(fp, 0, SEEK_SET) == -1) {
		fclose(fp);
		return NULL;
	}
	return fp;
}

/*
 * mailer's lines to the parent as they come.  Each message's end gives
 * the next one its own time (jobtimeout is per transaction); when the
 * parent is gone (killed), the whole job goes at once, so that at most
 * the message in flight is sent again by the next run.  The runner's
 * word that it recorded a message goes to mailer directly (-A), not
 * through here: one process less to wake on the way.
 */
static void
stream_lines(int fd, FILE *report, unsigned timeout)
{
	struct pollfd	 pfd[2] = { { .fd = fd, .events = POLLIN },
	    { .fd = fileno(report), .events = 0 } };
	struct buf	 line = { NULL, 0, 0 };
	char		 chunk[4096], *nl;
	ssize_t		 n = 1;

	while (n != 0) {
		if (poll(pfd, 2, -1) == -1 && errno != EINTR)
			break;
		if (pfd[1].revents & (POLLERR | POLLHUP))
			kill(0, SIGKILL);
		if (!(pfd[0].revents & (POLLIN | POLLHUP)))
			continue;
		if ((n = read(fd, chunk, sizeof(chunk))) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		buf_append(&line, chunk, (size_t)n);
		while (line.len > 0 && (nl = memchr(line.data, '\n',
		    line.len)) != NULL) {
			*nl = '\0';
			if (line.data[0])
				fprintf(report, "out %s\n", line.data);
			if (strncmp(line.data, "END ", 4) == 0) {
				fflush(report);
				alarm(timeout);
			}
			buf_consume(&line, (size_t)(nl - line.data) + 1);
		}
	}
	/* a line cut short by mailer's end proves nothing: dropped */
	buf_free(&line);
}

/* mailer -x -B for the messages; its exit status. */
static int
batch_mailer(struct runner *r, FILE *list, char hosts[][300], size_t nhosts,
    int ackfd, FILE *report, char *errtext, size_t errlen)
{
	struct args	 a = { .n = 0 };
	FILE		*errfp = tmpfile();
	int		 p[2], status;
	pid_t		 pid;

	add_arg(&a, r->cf->mailer);
	add_option(&a, "-C", r->confpath);
	add_arg(&a, "-x");
	add_arg(&a, "-B");
	/* the runner's acknowledgements, read by mailer itself, as fd 3:
	 * the number ackfd has here may be past what -A takes */
	add_option(&a, "-A", "3");
	add_arg(&a, "-D");
	for (size_t i = 0; i < nhosts; i++)
		add_option(&a, "-h", hosts[i]);
	errtext[0] = '\0';
	if (pipe(p) == -1 || (pid = fork()) == -1) {
		say(errtext, errlen, "%s: %s", r->cf->mailer, strerror(errno));
		if (errfp)
			fclose(errfp);
		return EX_OSERR;
	}
	if (pid == 0) {
		close(p[0]);
		exec_child(a.v, fileno(list), p[1], errfp, ackfd);
	}
	close(p[1]);
	stream_lines(p[0], report, (unsigned)r->cf->jobtimeout);
	close(p[0]);
	status = exit_status(pid);
	first_line(errfp, errtext, errlen);
	return status;
}

void
child_deliver_batch(struct runner *r, const char *domain,
    struct msg *const *msgs, size_t *const *rcpts, const size_t *counts,
    size_t n, int ackfd, FILE *report)
{
	static char	 hosts[HOSTS_MAX][300];
	char		 errtext[300];
	size_t		 nhosts;
	FILE		*list;
	int		 status = EX_OSERR;

	if ((nhosts = child_hosts(r, domain, hosts, report)) == 0)
		return;
	fflush(report);
	if ((list = batch_list(r, msgs, rcpts, counts, n)) == NULL)
		say(errtext, sizeof(errtext), "batch list: %s",
		    strerror(errno));
	else {
		status = batch_mailer(r, list, hosts, nhosts, ackfd, report,
		    errtext, sizeof(errtext));
		fclose(list);
	}
	if (errtext[0])
		fprintf(report, "mailererr %s\n", errtext);
	fprintf(report, "mailer %d\n", status);
}
