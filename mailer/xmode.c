/* SPDX-License-Identifier: ISC */
/*
 * mailer -x: the queue runner's mode.  spoolmgr picks the hosts (from
 * mxlookup or relayhost) and gives the message on stdin; mailer tries
 * them in order and prints one line per recipient.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "auth.h"
#include "log.h"
#include "mailer.h"
#include "params.h"

/* snprintf that never complains of a cut: replies are bounded. */
#define say_err(out, len, ...)	((void)(snprintf(out, len, __VA_ARGS__) < 0))

struct xargs {
	const char		*conf, *sender, *notify, *ret, *envid;
	int			 utf8, verbose, timeouts_set;
	int			 say_dsn;	/* -D: dsn=yes|no on ok lines */
	int			 batch;		/* -B: the messages on stdin */
	int			 ackfd;		/* -A: wait for a line there */
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
 * -D the lines are as they always were.  After it, a TAB and
 * "tls=none" or "tls=LEVEL/VERSION/CIPHER" (LEVEL opportunistic,
 * verified or dane): how the session that took the recipient was
 * protected.  Readers take the fields by name and skip those they do
 * not know.
 */
static int
results_print(FILE *out, const struct client_msg *msg, int say_dsn)
{
	for (size_t i = 0; i < msg->nrcpts; i++) {
		const struct client_rcpt	*r = &msg->rcpts[i];

		fprintf(out, "%s %s %s", r->addr, result_word(r->result),
		    r->reply[0] ? r->reply : "451 4.4.0 not tried");
		if (say_dsn && r->result == RESULT_OK)
			fprintf(out, "\tdsn=%s\ttls=%s", r->dsn_offered ?
			    "yes" : "no", r->tls[0] ? r->tls : "none");
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
	const char	*errstr;
	int		 ch;

	memset(a, 0, sizeof(*a));
	a->ackfd = -1;
	client_default_timeouts(&a->timeouts);
	if ((a->hosts = calloc((size_t)argc, sizeof(*a->hosts))) == NULL)
		err(EX_OSERR, "calloc");
	while ((ch = getopt(argc, argv, "xA:BC:Df:h:N:R:T:UvV:")) != -1) {
		switch (ch) {
		case 'x':			break;
		case 'B': a->batch = 1;		break;
		case 'A':
			a->ackfd = (int)strtonum(optarg, 3, 1023, &errstr);
			if (errstr)
				errx(EX_USAGE, "-A %s: descriptor %s", optarg,
				    errstr);
			break;
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
	if (a->batch && a->nhosts > 0 && optind == argc && a->sender == NULL)
		return;
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
			strlcpy(msg->rcpts[i].tls, msg->rcpts[first[i]].tls,
			    sizeof(msg->rcpts[i].tls));
			strlcpy(msg->rcpts[i].reply, msg->rcpts[first[i]].reply,
			    sizeof(msg->rcpts[i].reply));
		}
}

static void
log_results(const struct client_msg *msg)
{
	for (size_t i = 0; i < msg->nrcpts; i++) {
		const struct client_rcpt	*r = &msg->rcpts[i];

		if (r->result == RESULT_OK)
			log_info("from=<%s> to=<%s> ok %s tls=%s", msg->sender,
			    r->addr, r->reply, r->tls[0] ? r->tls : "none");
		else
			log_info("from=<%s> to=<%s> %s %s", msg->sender,
			    r->addr, result_word(r->result), r->reply);
	}
}

/*
 * -B: a batch of messages, described on stdin (mailer(1) BATCH MODE):
 *   MSG id file       file: a path, or the number of an open descriptor
 *   FROM sender       "<>" for the null reverse-path
 *   RET FULL|HDRS     ENVID xtext     SMTPUTF8     (each optional)
 *   TO operand        per recipient, as -x takes it
 *   END
 * For each message, as soon as its transaction is over: "MSG id", its
 * recipients' lines as -x prints them (or one "ERR reply" line when the
 * message could not be tried at all), "END id".  At the end "DOWN reply"
 * when every host was found down: the destination's other mail need not
 * be tried in this run.
 */
struct xmsg {
	char			*id, *file, *err;
	const char		*ret, *envid_raw;
	struct client_msg	 msg;
	struct mime_plan	 plan;
	size_t			*first;
	char			**ops;		/* the TO operands */
	size_t			 nops;
	char			 envid[DSN_ENVID_MAX + 1];
	int			 opened;
};

struct xbatch {
	const struct xargs	*a;
	FILE			*out;
	int			 failed;	/* writing stdout failed */
	int			 owed;		/* -A: ENDs not yet acknowledged */
};

/* stdin whole, NUL-terminated; exits on error. */
static char *
read_stdin(void)
{
	struct buf	 b = { NULL, 0, 0 };
	char		 chunk[16384];
	ssize_t		 n;

	while ((n = read(0, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			err(EX_IOERR, "reading the batch");
		buf_append(&b, chunk, (size_t)n);
	}
	buf_append(&b, "", 1);
	return b.data;
}

static int
add_op(struct xmsg *x, char *op)
{
	char	**grown = reallocarray(x->ops, x->nops + 1, sizeof(*grown));

	if (grown == NULL)
		return -1;
	x->ops = grown;
	x->ops[x->nops++] = op;
	return 0;
}

/* The value after "KEY " on line, or NULL when line is not KEY. */
static char *
keyword(char *line, const char *key)
{
	size_t	 n = strlen(key);

	if (strncmp(line, key, n) != 0)
		return NULL;
	if (line[n] == '\0')
		return line + n;
	return line[n] == ' ' ? line + n + 1 : NULL;
}

/* One line of a message's block into x; -1 on a line we do not know. */
static int
parse_line(struct xmsg *x, char *line)
{
	char	*v;

	if ((v = keyword(line, "FROM")) != NULL)
		x->msg.sender = v;
	else if ((v = keyword(line, "RET")) != NULL)
		x->ret = v;
	else if ((v = keyword(line, "ENVID")) != NULL)
		x->envid_raw = v;
	else if (keyword(line, "SMTPUTF8") != NULL)
		x->msg.smtputf8 = 1;
	else if ((v = keyword(line, "TO")) != NULL)
		return add_op(x, v);
	else
		return -1;
	return 0;
}

/* The blocks of text into msgs; exits on a malformed list. */
static struct xmsg *
parse_batch(char *text, size_t *count)
{
	struct xmsg	*msgs = NULL, *x = NULL, *grown;
	size_t		 n = 0, lineno = 0;
	char		*line, *v;

	while ((line = strsep(&text, "\n")) != NULL) {
		lineno++;
		if (*line == '\0' && text == NULL)
			break;
		if (x == NULL && (v = keyword(line, "MSG")) != NULL) {
			grown = reallocarray(msgs, n + 1, sizeof(*msgs));
			if (grown == NULL)
				err(EX_OSERR, "reallocarray");
			msgs = grown;
			x = &msgs[n++];
			memset(x, 0, sizeof(*x));
			x->id = strsep(&v, " ");
			x->file = v;
		} else if (x != NULL && strcmp(line, "END") == 0) {
			if (x->file == NULL || *x->file == '\0' ||
			    x->msg.sender == NULL || x->nops == 0)
				errx(EX_DATAERR, "batch line %zu: message %s "
				    "has no file, FROM or TO", lineno, x->id);
			x = NULL;
		} else if (x == NULL || parse_line(x, line) == -1)
			errx(EX_DATAERR, "batch line %zu: not understood: %.80s",
			    lineno, line);
	}
	if (x != NULL)
		errx(EX_DATAERR, "batch: message %s has no END", x->id);
	*count = n;
	return msgs;
}

/* x's envelope checked and built; a reply for all in x->err when bad. */
static void
build_xmsg(struct xmsg *x, const struct xargs *a)
{
	static char	 why[600];
	char		 text[512];

	if (strcmp(x->msg.sender, "<>") == 0)
		x->msg.sender = "";
	else if (param_address(x->msg.sender, 1) == -1) {
		say_err(why, sizeof(why), "550 5.1.7 %.200s: not a valid "
		    "sender address", x->msg.sender);
		x->err = why;
		return;
	}
	if (x->ret && (x->ret = dsn_ret_canon(x->ret)) == NULL) {
		x->err = "501 5.5.4 RET: not FULL or HDRS";
		return;
	}
	if (x->envid_raw) {
		if (dsn_envid_canon(x->envid_raw, x->envid,
		    sizeof(x->envid)) == -1) {
			x->err = "501 5.5.4 ENVID: not an envelope id";
			return;
		}
		x->msg.envid = x->envid;
	}
	x->msg.ret = x->ret;
	x->msg.nrcpts = x->nops;
	if ((x->msg.rcpts = calloc(x->nops, sizeof(*x->msg.rcpts))) == NULL)
		err(EX_OSERR, "calloc");
	for (size_t i = 0; i < x->nops; i++)
		if (param_rcpt_operand(x->ops[i], a->notify, &x->msg.rcpts[i],
		    text, sizeof(text)) == -1) {
			say_err(why, sizeof(why), "550 5.1.3 %.400s", text);
			x->err = why;
			return;
		}
	x->first = mark_duplicates(&x->msg);
}

/*
 * Nobody reads our results any more (spoolmgr was killed): a message
 * sent now would be sent again by the next run.  POLLERR on a pipe's
 * writing end says its reader is gone.
 */
static int
reader_gone(struct xbatch *xb)
{
	struct pollfd	 pfd = { .fd = fileno(xb->out), .events = 0 };

	return xb->failed || (poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLERR | POLLHUP)));
}

/* The message's file, just before its turn; 0: deliver it. */
static int
prepare_xmsg(struct batch_item *it, void *arg)
{
	struct xmsg	*x = it->data;
	struct xbatch	*xb = arg;
	const char	*why = NULL;

	if (reader_gone(xb))
		errx(EX_IOERR, "stdout: the reader is gone; batch stopped");
	build_xmsg(x, xb->a);
	if (x->err)
		return 1;
	if (strspn(x->file, "0123456789") == strlen(x->file))
		it->fd = atoi(x->file);
	else if ((it->fd = open(x->file, O_RDONLY | O_CLOEXEC)) != -1)
		x->opened = 1;
	if (it->fd == -1 || message_measure(it->fd, &x->msg, &x->plan) == -1)
		why = strerror(errno);
	if (why) {
		static char	 reply[600];

		say_err(reply, sizeof(reply), "451 4.3.0 %.200s: %s", x->file,
		    why);
		x->err = reply;
		return 1;
	}
	return 0;
}

/*
 * -A: the caller says when it has recorded a message (a line on the
 * descriptor for each END).  The next message's transaction goes on
 * meanwhile, up to its final dot, which waits for that word
 * (wait_acks, as opt.before_dot): the server takes a message only at the
 * dot, so a crash of the caller still leaves at most the message in
 * flight delivered and unrecorded, and the caller's bookkeeping overlaps
 * the next message's MAIL, RCPT, DATA and text instead of holding them
 * up.  The caller's end stops us.
 */
static void
take_ack(struct xbatch *xb)
{
	char	 c = 0;
	ssize_t	 n;

	while ((n = read(xb->a->ackfd, &c, 1)) == -1 && errno == EINTR)
		;
	if (n != 1)
		errx(EX_IOERR, "-A: the caller is gone; batch stopped");
	xb->owed--;
}

/* Every END acknowledged: before a dot, and before we end. */
static void
wait_acks(void *arg)
{
	struct xbatch	*xb = arg;

	while (xb->owed > 0)
		take_ack(xb);
}

/* A message's results, the moment its transaction is over. */
static void
report_xmsg(struct batch_item *it, void *arg)
{
	struct xmsg	*x = it->data;
	struct xbatch	*xb = arg;

	fprintf(xb->out, "MSG %s\n", x->id);
	if (x->err) {
		log_info("from=<%s> message %s: %s", x->msg.sender ?
		    x->msg.sender : "", x->id, x->err);
		fprintf(xb->out, "ERR %s\n", x->err);
	} else {
		copy_duplicates(&x->msg, x->first);
		log_results(&x->msg);
		if (results_print(xb->out, &x->msg, xb->a->say_dsn) == -1)
			xb->failed = 1;
	}
	fprintf(xb->out, "END %s\n", x->id);
	if (fflush(xb->out) == EOF)
		xb->failed = 1;
	/* never two unrecorded: a message that ended without its dot (a
	 * refusal, a lost session) waits here for the one before */
	if (xb->a->ackfd >= 0 && ++xb->owed > 1)
		take_ack(xb);
	if (x->opened)
		close(it->fd);
	mime_plan_free(&x->plan);
	free(x->msg.rcpts);
	free(x->first);
	free(x->ops);
	x->msg.rcpts = NULL;
	x->first = NULL;
	x->ops = NULL;
}

static int
xbatch_main(const struct xargs *a, struct host_list *hosts,
    const struct deliver_opts *opt_in, const struct config *cf, int creds_ok,
    const char *why)
{
	struct xbatch		 xb = { .a = a, .out = stdout };
	struct deliver_opts	 optc = *opt_in, *opt = &optc;
	struct batch_item	*items;
	struct xmsg		*msgs;
	char			*text = read_stdin();
	char			 down[CLIENT_REPLY_MAX];
	size_t			 n;

	if (a->ackfd >= 0) {
		opt->before_dot = wait_acks;
		opt->before_dot_arg = &xb;
	}
	msgs = parse_batch(text, &n);
	/* a batch goes to one destination: its first recipient's domain */
	if (n > 0 && msgs[0].nops > 0)
		hosts_set_mx_domain(hosts, msgs[0].ops[0]);
	if ((items = calloc(n + 1, sizeof(*items))) == NULL)
		err(EX_OSERR, "calloc");
	for (size_t i = 0; i < n; i++) {
		items[i].msg = &msgs[i].msg;
		items[i].fd = -1;
		items[i].prepare = prepare_xmsg;
		items[i].data = &msgs[i];
		if (!creds_ok)
			msgs[i].err = (char *)why;
	}
	if (!creds_ok)
		for (size_t i = 0; i < n; i++)
			report_xmsg(&items[i], &xb);
	else if (deliver_batch(hosts, items, n, opt, (size_t)cf->batchsize,
	    report_xmsg, &xb, down, sizeof(down)))
		fprintf(xb.out, "DOWN %s\n", down);
	if (fflush(xb.out) == EOF)
		xb.failed = 1;
	wait_acks(&xb);
	free(items);
	free(msgs);
	free(text);
	if (xb.failed)
		err(EX_IOERR, "stdout");
	return 0;
}

/* -B: the configuration, hosts and options as for one message. */
static int
xbatch_setup(struct xargs *a)
{
	struct config		 cf;
	struct host_list	 hosts = { NULL, 0 };
	struct deliver_opts	 opt;
	struct credentials	 cr;
	struct mx_options	 mo;
	char			 why[1024];
	int			 rc, creds_ok;

	if (a->notify && dsn_notify_canon(a->notify, NULL, 0) == -1)
		errx(EX_USAGE, "-N %s: not NEVER or SUCCESS,FAILURE,DELAY",
		    a->notify);
	if (config_load(&cf, a->conf, why, sizeof(why)) == -1)
		errx(EX_CONFIG, "%s", why);
	log_open("mailer", cf.logfile);
	mx_options_from(&mo, &cf);
	for (size_t i = 0; i < a->nhosts; i++)
		if (hosts_add(&hosts, a->hosts[i], (int)cf.remoteport, &mo, why,
		    sizeof(why)) == -1)
			warnx("-h %s", why);	/* the others may do */
	deliver_opts_from(&opt, &cf);
	opt.timeouts = a->timeouts;
	if (opt.timeouts.connect)
		opt.connect_timeout = opt.timeouts.connect;
	opt.verbose = a->verbose;
	creds_ok = relay_credentials(&cf, &cr, &opt, why, sizeof(why)) == 0;
	rc = xbatch_main(a, &hosts, &opt, &cf, creds_ok, why);
	explicit_bzero(&cr, sizeof(cr));
	return rc;
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
	if (a.batch)
		return xbatch_setup(&a);
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
	hosts_set_mx_domain(&hosts, msg.rcpts[0].addr);
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
