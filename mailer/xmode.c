/*
 * mailer -x: the queue runner's mode.  spoolmgr picks the hosts (from
 * mxlookup or relayhost) and gives the message on stdin; mailer tries
 * them in order and prints one line per recipient.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <bsd/string.h>

#include "auth.h"
#include "log.h"
#include "mailer.h"
#include "params.h"

struct xargs {
	const char		*conf, *sender, *notify, *ret, *envid;
	int			 utf8, verbose, timeouts_set;
	int			 say_dsn;	/* -D: dsn=yes|no on ok lines */
	struct client_timeouts	 timeouts;
	char			**hosts;
	size_t			 nhosts;
};

/*
 * "ADDR ok|defer|fail CODE TEXT" lines, in recipient order.  With -D an
 * ok line ends in a TAB and "dsn=yes" or "dsn=no": whether the server
 * that took the recipient offered DSN, so that spoolmgr owes the
 * "relayed" notice of RFC 3461 5.2.2 when it did not.  A TAB never
 * occurs in the reply (reply_summary makes control bytes '?'); without
 * -D the lines are as they always were.
 */
static int
results_print(FILE *out, const struct client_msg *msg, int say_dsn)
{
	for (size_t i = 0; i < msg->nrcpts; i++) {
		const struct client_rcpt	*r = &msg->rcpts[i];

		fprintf(out, "%s %s %s", r->addr, result_word(r->result),
		    r->reply[0] ? r->reply : "451 4.4.0 not tried");
		if (say_dsn && r->result == RESULT_OK)
			fprintf(out, "\tdsn=%s", r->dsn_offered ? "yes" : "no");
		fputc('\n', out);
	}
	return fflush(out) == EOF || ferror(out) ? -1 : 0;
}

/* A copy of fd 0 that can be read again from the start; -1 on error. */
static int
message_from_stdin(char *err, size_t errlen)
{
	struct stat	 st;
	char		 path[1024], chunk[16384];
	const char	*tmpdir = getenv("TMPDIR");
	ssize_t		 n;
	int		 fd;

	if (fstat(0, &st) == 0 && S_ISREG(st.st_mode) &&
	    lseek(0, 0, SEEK_CUR) == 0)
		return fcntl(0, F_DUPFD_CLOEXEC, 3);
	/* a pipe: keep a copy to read once per host */
	snprintf(path, sizeof(path), "%s/mailer.XXXXXX",
	    tmpdir && *tmpdir ? tmpdir : "/tmp");
	if ((fd = mkstemp(path)) == -1) {
		/* a long TMPDIR is cut in the message, not the reason */
		snprintf(err, errlen, "%.300s: %s", path, strerror(errno));
		return -1;
	}
	unlink(path);
	while ((n = read(0, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || write(fd, chunk, (size_t)n) != n) {
			snprintf(err, errlen, "copying the message: %s",
			    strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

static void
defer_all(struct client_msg *msg, const char *why)
{
	for (size_t i = 0; i < msg->nrcpts; i++) {
		msg->rcpts[i].result = RESULT_DEFER;
		strlcpy(msg->rcpts[i].reply, why, sizeof(msg->rcpts[i].reply));
	}
}

static void
parse_args(struct xargs *a, int argc, char **argv)
{
	int	 ch;

	memset(a, 0, sizeof(*a));
	client_default_timeouts(&a->timeouts);
	if ((a->hosts = calloc((size_t)argc, sizeof(*a->hosts))) == NULL)
		err(EX_OSERR, "calloc");
	while ((ch = getopt(argc, argv, "xC:Df:h:N:R:T:UvV:")) != -1) {
		switch (ch) {
		case 'x':			break;
		case 'C': a->conf = optarg;	break;
		case 'D': a->say_dsn = 1;	break;
		case 'f': a->sender = optarg;	break;
		case 'h': a->hosts[a->nhosts++] = optarg; break;
		case 'N': a->notify = optarg;	break;
		case 'R': a->ret = optarg;	break;
		case 'U': a->utf8 = 1;		break;
		case 'v': a->verbose = 1;	break;
		case 'V': a->envid = optarg;	break;
		case 'T':
			if (param_timeouts(optarg, &a->timeouts) == -1)
				errx(EX_USAGE, "-T %s: bad timeouts", optarg);
			a->timeouts_set = 1;
			break;
		default:
			fputs(USAGE_X, stderr);
			exit(EX_USAGE);
		}
	}
	if (a->sender == NULL || a->nhosts == 0 || optind >= argc) {
		fputs(USAGE_X, stderr);
		exit(EX_USAGE);
	}
}

/* Refuses bad envelope values before any connection. */
static void
check_args(const struct xargs *a)
{
	if (strcmp(a->sender, "<>") != 0 && param_address(a->sender, 1) == -1)
		errx(EX_DATAERR, "%s: not a valid sender address", a->sender);
	if (a->notify && dsn_notify_canon(a->notify, NULL, 0) == -1)
		errx(EX_USAGE, "-N %s: not NEVER or SUCCESS,FAILURE,DELAY",
		    a->notify);
	if (a->ret && dsn_ret_canon(a->ret) == NULL)
		errx(EX_USAGE, "-R %s: not FULL or HDRS", a->ret);
	if (a->envid && dsn_envid_canon(a->envid, NULL, 0) == -1)
		errx(EX_USAGE, "-V %s: not an envelope id (RFC 3461: xtext "
		    "of printable ASCII, at most %d octets)", a->envid,
		    DSN_ENVID_MAX);
}

static void
build_msg(struct client_msg *msg, const struct xargs *a, int argc,
    char **argv)
{
	static char envid[DSN_ENVID_MAX + 1];
	char	 why[512];

	memset(msg, 0, sizeof(*msg));
	msg->sender = strcmp(a->sender, "<>") == 0 ? "" : a->sender;
	msg->ret = a->ret;
	/* checked in check_args; sent canonical (RFC 3461 xtext) */
	if (a->envid && dsn_envid_canon(a->envid, envid, sizeof(envid)) == 0)
		msg->envid = envid;
	msg->smtputf8 = a->utf8;
	msg->nrcpts = (size_t)(argc - optind);
	if ((msg->rcpts = calloc(msg->nrcpts, sizeof(*msg->rcpts))) == NULL)
		err(EX_OSERR, "calloc");
	for (size_t i = 0; i < msg->nrcpts; i++)
		if (param_rcpt_operand(argv[optind + (int)i], a->notify,
		    &msg->rcpts[i], why, sizeof(why)) == -1)
			errx(EX_DATAERR, "%s", why);
}

/*
 * A recipient named twice gets one RCPT: the later names are settled
 * before the delivery and take the first one's result after it.
 * first[i] is the index of i's first name.
 */
static size_t *
mark_duplicates(struct client_msg *msg)
{
	size_t	*first = calloc(msg->nrcpts, sizeof(*first));

	if (first == NULL)
		err(EX_OSERR, "calloc");
	for (size_t i = 0; i < msg->nrcpts; i++) {
		first[i] = i;
		for (size_t j = 0; j < i && first[i] == i; j++)
			if (first[j] == j && param_same_address(
			    msg->rcpts[j].addr, msg->rcpts[i].addr))
				first[i] = j;
		msg->rcpts[i].settled = first[i] != i;
	}
	return first;
}

static void
copy_duplicates(struct client_msg *msg, const size_t *first)
{
	for (size_t i = 0; i < msg->nrcpts; i++)
		if (first[i] != i) {
			msg->rcpts[i].result = msg->rcpts[first[i]].result;
			msg->rcpts[i].dsn_offered =
			    msg->rcpts[first[i]].dsn_offered;
			strlcpy(msg->rcpts[i].reply, msg->rcpts[first[i]].reply,
			    sizeof(msg->rcpts[i].reply));
		}
}

static void
log_results(const struct client_msg *msg)
{
	for (size_t i = 0; i < msg->nrcpts; i++)
		log_info("from=<%s> to=<%s> %s %s", msg->sender,
		    msg->rcpts[i].addr, result_word(msg->rcpts[i].result),
		    msg->rcpts[i].reply);
}

int
xmode_main(int argc, char **argv)
{
	struct xargs		 a;
	struct config		 cf;
	struct client_msg	 msg;
	struct mime_plan	 plan;
	struct host_list	 hosts = { NULL, 0 };
	struct deliver_opts	 opt;
	struct credentials	 cr;
	struct mx_options	 mo;
	char			 why[1024];
	size_t			*first;
	int			 fd;

	drop_group();	/* -x never needs the spool: no privilege at all */
	parse_args(&a, argc, argv);
	check_args(&a);
	build_msg(&msg, &a, argc, argv);
	first = mark_duplicates(&msg);
	if (config_load(&cf, a.conf, why, sizeof(why)) == -1)
		errx(EX_CONFIG, "%s", why);
	log_open("mailer", cf.logfile);
	mx_options_from(&mo, &cf);
	for (size_t i = 0; i < a.nhosts; i++)
		if (hosts_add(&hosts, a.hosts[i], (int)cf.remoteport, &mo, why,
		    sizeof(why)) == -1)
			warnx("-h %s", why);	/* the others may do */
	if ((fd = message_from_stdin(why, sizeof(why))) == -1)
		errx(EX_IOERR, "%s", why);
	if (message_measure(fd, &msg, &plan) == -1)
		err(EX_IOERR, "reading the message");
	deliver_opts_from(&opt, &cf);
	opt.timeouts = a.timeouts;
	if (opt.timeouts.connect)
		opt.connect_timeout = opt.timeouts.connect;
	opt.verbose = a.verbose;
	if (relay_credentials(&cf, &cr, &opt, why, sizeof(why)) == -1)
		defer_all(&msg, why);
	else
		deliver_to_hosts(&hosts, &msg, fd, &opt);
	mime_plan_free(&plan);
	copy_duplicates(&msg, first);
	explicit_bzero(&cr, sizeof(cr));
	log_results(&msg);
	if (results_print(stdout, &msg, a.say_dsn) == -1)
		err(EX_IOERR, "stdout");
	return 0;
}
