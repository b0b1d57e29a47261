/* SPDX-License-Identifier: ISC */
/*
 * mailer's sendmail mode, for scripts, cron and mail(1):
 *   queue the message durably (the spool writer smtpd uses), then try
 *   to deliver it at once for up to -w seconds; what is left stays
 *   queued for spoolmgr.
 * Installed set-group-ID to the spool's group, it keeps that group only
 * for writing the spool; see mailer(1), SECURITY.
 */
#include <err.h>
#include <pwd.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <bsd/stdlib.h>

#include "log.h"
#include "mailer.h"
#include "params.h"
#include "privs.h"
#include "sendmail.h"

struct smargs {
	struct submit	 s;
	const char	*conf;
	const char	*timeouts;	/* -T */
	int		 queue_only;	/* -odq */
	int		 background;	/* -odb: deliver in a child */
	int		 run_queue;	/* -q[time]: run spoolmgr run */
	int		 list;		/* -bp */
	int		 aliases;	/* -bi, -I: newaliases */
	int		 session;	/* -bs: SMTP on stdin and stdout */
	int		 verify;	/* -bv: check the recipients only */
	long long	 wait;		/* -w, or -1: waittime */
};

static void
usage(void)
{
	fputs(USAGE_SENDMAIL, stderr);
	exit(EX_USAGE);
}

/* -o and -b take a letter or two; the ones programs pass are harmless. */
static void
sendmail_option(struct smargs *a, int ch, const char *arg)
{
	if (ch == 'o' && strcmp(arg, "i") == 0)
		a->s.dot_ends = 0;
	else if (ch == 'o' && strcmp(arg, "dq") == 0)
		a->queue_only = 1;
	else if (ch == 'o' && strcmp(arg, "db") == 0)
		a->background = 1;
	else if (ch == 'o' && strcmp(arg, "di") == 0)
		a->background = a->queue_only = 0;
	else if (ch == 'b' && strcmp(arg, "p") == 0)
		a->list = 1;
	else if (ch == 'b' && strcmp(arg, "i") == 0)
		a->aliases = 1;
	else if (ch == 'b' && strcmp(arg, "s") == 0)
		a->session = 1;
	else if (ch == 'b' && strcmp(arg, "v") == 0)
		a->verify = 1;
	else if (ch == 'b' && strcmp(arg, "m") != 0)
		errx(EX_USAGE, "-b%s: only -bm, -bp, -bi, -bs and -bv are "
		    "supported", arg);
}

#define OPTSTRING "A:B:b:C:d:e:F:f:Gh:IiL:mN:nO:o:p:qR:r:T:tUvV:w:X:"

/*
 * sendmail's -q takes its interval glued on (-q30m, -qR..., -qS...),
 * which getopt cannot say: cut each -q word down to "-q" first.  The
 * time is accepted and ignored, as Postfix does: cron runs the queue.
 * Words that are option arguments (-f -q...) are skipped as getopt
 * would; "--" ends the options.
 */
static void
cut_queue_times(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (argv[i][0] != '-')
			continue;	/* an operand: getopt permutes */
		for (char *c = argv[i] + 1; *c != '\0'; c++) {
			const char	*spec = strchr(OPTSTRING, *c);

			if (*c == 'q') {
				c[1] = '\0';
				break;
			}
			if (spec != NULL && spec[1] == ':') {
				if (c[1] == '\0')
					i++;	/* the next word is its value */
				break;
			}
		}
	}
}

static void
parse_args(struct smargs *a, int argc, char **argv)
{
	const char	*why = NULL;
	int		 ch;

	memset(a, 0, sizeof(*a));
	a->s.dot_ends = 1;
	a->wait = -1;
	cut_queue_times(argc, argv);
	while ((ch = getopt(argc, argv, OPTSTRING)) != -1) {
		switch (ch) {
		case 'b':
		case 'o': sendmail_option(a, ch, optarg); break;
		case 'C': a->conf = optarg;		break;
		case 'F': a->s.fullname = optarg;	break;
		case 'f':
		case 'r': a->s.sender = optarg;		break;
		case 'I': a->aliases = 1;		break;
		case 'i': a->s.dot_ends = 0;		break;
		case 'N': a->s.notify = optarg;		break;
		case 'q': a->run_queue = 1;		break;
		case 'R': a->s.ret = optarg;		break;
		case 'T': a->timeouts = optarg;		break;
		case 't': a->s.extract = 1;		break;
		case 'v': a->s.verbose = 1;		break;
		case 'V': a->s.envid = optarg;		break;
		case 'w':
			a->wait = strtonum(optarg, 0, 86400, &why);
			if (why)
				errx(EX_USAGE, "-w %s: %s", optarg, why);
			break;
		case 'A': case 'B': case 'd': case 'e': case 'G': case 'h':
		case 'L':
		case 'm': case 'n': case 'O': case 'p': case 'U': case 'X':
			break;		/* sendmail's; nothing to do here */
		default:
			usage();
		}
	}
	a->s.rcpts = argv + optind;
	a->s.nrcpts = argc - optind;
}

/* Values refused before anything is read or sent. */
static void
check_args(const struct smargs *a)
{
	struct client_timeouts	 t;

	if (a->s.notify && dsn_notify_canon(a->s.notify, NULL, 0) == -1)
		errx(EX_USAGE, "-N %s: not NEVER or SUCCESS,FAILURE,DELAY",
		    a->s.notify);
	if (a->s.ret && dsn_ret_canon(a->s.ret) == NULL)
		errx(EX_USAGE, "-R %s: not FULL or HDRS", a->s.ret);
	if (a->s.envid && strpbrk(a->s.envid, "\r\n") != NULL)
		errx(EX_USAGE, "-V: the envelope id has a line break");
	if (a->s.fullname && strpbrk(a->s.fullname, "\r\n") != NULL)
		errx(EX_USAGE, "-F: the name has a line break");
	if (a->timeouts && param_timeouts(a->timeouts, &t) == -1)
		errx(EX_USAGE, "-T %s: bad timeouts", a->timeouts);
	if (a->s.nrcpts == 0 && !a->s.extract)
		errx(EX_USAGE, "no recipients (give them, or -t)");
}

/*
 * Root becomes the gateway's user, so that the spool files are the
 * gateway's and nothing else runs as root.  A user who does not exist
 * (a workstation with no gateway user) leaves root as it is.
 */
static void
become_user(const struct config *cf)
{
	char	 why[256];

	if (getuid() != 0 || cf->user == NULL || getpwnam(cf->user) == NULL)
		return;
	if (privs_drop(cf->user, cf->group, why, sizeof(why)) == -1)
		errx(EX_OSERR, "%s", why);
}

/*
 * -odb: the parent returns as soon as the message is queued; a child,
 * on its own and with nobody to tell, tries the delivery at once.
 * What it cannot deliver stays queued for spoolmgr, as always.
 */
static int
deliver_in_background(struct envelope *env, const struct config *cf,
    int wait, const char *timeouts)
{
	pid_t	 pid = fork();
	int	 null;

	if (pid == -1)
		return 0;	/* queued all the same: spoolmgr delivers */
	if (pid > 0)
		return 0;
	(void)setsid();
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(null, 0);
		(void)dup2(null, 1);
		(void)dup2(null, 2);
		if (null > 2)
			close(null);
	}
	_exit(deliver_now(env, cf, wait, 0, timeouts));
}

/* The modes that queue nothing from standard input: -bp, -bi, -q, -bs. */
static int
other_mode(const struct smargs *a, const struct config *cf, uid_t caller)
{
	if (a->list)
		return queue_list(cf);
	if (a->aliases)
		return new_aliases(cf);
	if (a->run_queue)
		return run_queue(cf, a->conf, caller);
	if (a->session)
		return smtp_session(cf, caller);
	return -1;
}

int
sendmail_main(int argc, char **argv)
{
	struct smargs	 a;
	struct config	 cf;
	struct envelope	 env;
	char		 why[512];
	uid_t		 caller = getuid();
	int		 status;

	umask(007);	/* the spool's group reads what we queue */
	parse_args(&a, argc, argv);
	/* a user's own configuration must not aim our group elsewhere */
	if (a.conf != NULL && caller != 0)
		drop_group();
	if (config_load(&cf, a.conf, why, sizeof(why)) == -1)
		errx(EX_CONFIG, "%s", why);
	/* -q decides on the caller before root becomes the gateway's user */
	if (a.run_queue)
		queue_run_allowed(&cf, caller);
	submit_note_caller();	/* root's mail stays root's */
	become_user(&cf);
	log_open("mailer", cf.logfile);
	if ((status = other_mode(&a, &cf, caller)) != -1)
		return status;
	if (a.verify) {
		if (a.s.nrcpts == 0)
			errx(EX_USAGE, "-bv: no recipients to check");
		return verify_rcpts(&cf, a.s.rcpts, a.s.nrcpts);
	}
	check_args(&a);
	submit_message(&a.s, &cf, &env);
	if (a.wait == -1)
		a.wait = cf.waittime;
	if (a.queue_only || a.wait == 0) {
		if (a.s.verbose)
			fprintf(stderr, "mailer: queued as %lu\n",
			    (unsigned long)env.id);
		return 0;
	}
	if (a.background)
		status = deliver_in_background(&env, &cf, (int)a.wait,
		    a.timeouts);
	else
		status = deliver_now(&env, &cf, (int)a.wait, a.s.verbose,
		    a.timeouts);
	envelope_free(&env);
	config_free(&cf);
	return status;
}
