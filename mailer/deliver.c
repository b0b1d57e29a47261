/* SPDX-License-Identifier: ISC */
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "conn.h"
#include "data.h"
#include "deliver.h"
#include "io.h"
#include "mime.h"
#include "tls.h"

#define CHUNK		16384	/* message bytes read at a time */
#define FLUSH_AT	65536	/* converted bytes sent at a time */

struct session {
	struct conn		 conn;
	int			 tls_failed;	/* the handshake went wrong */
	struct tls_policy	 pol;		/* TLS with this host */
	char			 need_tls[CLIENT_REPLY_MAX]; /* no STARTTLS */
	int			 msgfd;
	const struct host	*host;
	const struct deliver_opts *opt;
	struct client		 client;
};

/*
 * The message file through the MIME conversion (when mime is set) and
 * the DATA filter (when data is set), a chunk at a time: what comes out
 * is in out, for the caller to send or count and consume.
 */
struct pipeline {
	struct mime_conv	*mime;
	struct data_filter	*data;
	struct buf		 mid, out;
};

static int
pipeline_feed(struct pipeline *p, const char *in, size_t n)
{
	if (p->mime) {
		if (mime_feed(p->mime, in, n, &p->mid) == -1)
			return -1;
		in = p->mid.data;
		n = p->mid.len;
	}
	if (p->data && data_feed(p->data, in, n, &p->out) == -1)
		return -1;
	buf_consume(&p->mid, p->mid.len);
	return 0;
}

static int
pipeline_finish(struct pipeline *p)
{
	if (p->mime && mime_finish(p->mime, &p->mid) == -1)
		return -1;
	if (p->data && (data_feed(p->data, p->mid.data, p->mid.len,
	    &p->out) == -1 || data_finish(p->data, &p->out) == -1))
		return -1;
	buf_consume(&p->mid, p->mid.len);
	return 0;
}

static void
pipeline_free(struct pipeline *p)
{
	buf_free(&p->mid);
	buf_free(&p->out);
}

/* Reads the whole file through p, dropping what comes out. */
static int
pipeline_drain(int fd, struct pipeline *p)
{
	char		 chunk[CHUNK];
	ssize_t		 n;
	int		 rc = 0;

	if (lseek(fd, 0, SEEK_SET) == -1)
		return -1;
	while (rc == 0 && (n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || pipeline_feed(p, chunk, (size_t)n) == -1)
			rc = -1;
		buf_consume(&p->out, p->out.len);
	}
	if (rc == 0 && pipeline_finish(p) == -1)
		rc = -1;
	pipeline_free(p);
	return rc;
}

/*
 * 8-bit mail: can it go as 7 bits, and how large is it then?  A second
 * and a third pass over the file, only for messages with 8-bit bytes.
 */
static int
measure_conversion(int fd, struct client_msg *msg, struct mime_plan *plan)
{
	struct mime_conv	 mc;
	struct data_filter	 f;
	struct pipeline		 p = { .mime = &mc };
	int			 rc;

	mime_init(&mc, MIME_ANALYZE, plan);
	rc = pipeline_drain(fd, &p);
	mime_free(&mc);
	if (rc == -1)
		return -1;
	msg->ascii_headers = !plan->header8;
	if (!plan->convertible) {
		msg->why_not7 = plan->why;
		return 0;
	}
	data_init(&f);
	mime_init(&mc, MIME_CONVERT, plan);
	p = (struct pipeline){ .mime = &mc, .data = &f };
	rc = pipeline_drain(fd, &p);
	mime_free(&mc);
	if (rc == -1)
		return -1;
	msg->size7 = f.octets;
	msg->convertible = 1;
	msg->plan = plan;
	return 0;
}

int
message_measure(int fd, struct client_msg *msg, struct mime_plan *plan)
{
	struct data_filter	 f;
	struct pipeline		 p = { .data = &f };

	memset(plan, 0, sizeof(*plan));
	msg->ascii_headers = 1;
	msg->convertible = 0;
	msg->why_not7 = NULL;
	msg->plan = NULL;
	data_init(&f);
	if (pipeline_drain(fd, &p) == -1)
		return -1;
	msg->size = f.octets;
	msg->eightbit = f.eightbit;
	return f.eightbit ? measure_conversion(fd, msg, plan) : 0;
}

/* Waits for a non-blocking connect; 0 connected, else errno. */
static int
connect_wait(int sock, int timeout)
{
	struct pollfd	 pfd = { .fd = sock, .events = POLLOUT };
	int		 rc, soerr = 0;
	socklen_t	 len = sizeof(soerr);

	do
		rc = poll(&pfd, 1, timeout * 1000);
	while (rc == -1 && errno == EINTR);
	if (rc == 0)
		return ETIMEDOUT;
	if (rc == -1)
		return errno;
	if (getsockopt(sock, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		return errno;
	return soerr;
}

/* A connected socket, or -1 with a reply for the recipients in why. */
static int
connect_host(const struct host *h, int timeout, char *why, size_t whylen)
{
	struct addrinfo	 hints, *ai;
	char		 port[8];
	int		 sock = -1, rc, e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%d", h->port);
	if ((rc = getaddrinfo(h->address, port, &hints, &ai)) != 0) {
		snprintf(why, whylen, "421 4.4.1 %s [%s]: %s", h->name,
		    h->address, gai_strerror(rc));
		return -1;
	}
	sock = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (sock == -1)
		e = errno;
	else if (connect(sock, ai->ai_addr, ai->ai_addrlen) == 0)
		e = 0;
	else if (errno == EINPROGRESS)
		e = connect_wait(sock, timeout);
	else
		e = errno;
	freeaddrinfo(ai);
	if (e != 0) {
		snprintf(why, whylen, "421 4.4.1 connect to %s [%s]:%d: %s",
		    h->name, h->address, h->port, strerror(e));
		if (sock != -1)
			close(sock);
		return -1;
	}
	/* Our writes are whole batches already; Nagle would only hold the
	 * final "." back for the peer's delayed ACK, 40 ms a message. */
	(void)setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 },
	    sizeof(int));
	return sock;
}

static void
lost(struct session *s, const char *what)
{
	char	 why[CLIENT_REPLY_MAX];

	snprintf(why, sizeof(why), "421 4.4.2 %s [%s]:%d: %s in %s state",
	    s->host->name, s->host->address, s->host->port, what,
	    client_state_name(s->client.state));
	client_lost(&s->client, why);
}

static const char *
io_why(ssize_t n)
{
	if (n == 0)
		return "connection closed";
	return errno == ETIMEDOUT ? "timeout" : strerror(errno);
}

static void
trace(const struct session *s, const char *dir, const char *data,
    size_t len)
{
	if (!s->opt->verbose || len == 0)
		return;
	if (s->client.state == CS_AUTH && *dir == '>')
		fprintf(stderr, "%s (credentials)\n", dir);
	else
		fprintf(stderr, "%s %.*s", dir, (int)len, data);
}

static int
flush_commands(struct session *s)
{
	struct buf	*out = &s->client.out;
	int		 rc = 0;

	if (out->len == 0)
		return 0;
	trace(s, ">>>", out->data, out->len);
	rc = conn_write(&s->conn, out->data, out->len,
	    client_wait(&s->client, &s->opt->timeouts));
	buf_consume(out, out->len);
	return rc;
}

/*
 * Streams the message through the filters (the 7-bit conversion first
 * when this server needs it); -1 on a send error, -2 on a read error.
 */
static int
send_body(struct session *s, const char **what)
{
	struct data_filter	 f;
	struct mime_conv	 mc;
	struct pipeline		 p = { .data = &f };
	char			 chunk[CHUNK];
	ssize_t			 n = 1;
	int			 block = s->opt->timeouts.block, rc = 0;

	data_init(&f);
	if (s->client.convert7) {
		mime_init(&mc, MIME_CONVERT, s->client.msg->plan);
		p.mime = &mc;
	}
	if (lseek(s->msgfd, 0, SEEK_SET) == -1) {
		*what = "message file not seekable";
		rc = -2;
	}
	while (rc == 0 && n != 0) {
		n = read(s->msgfd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || pipeline_feed(&p, chunk, n > 0 ? (size_t)n : 0)
		    == -1 || (n == 0 && pipeline_finish(&p) == -1)) {
			*what = "reading the message";
			rc = -2;
			break;
		}
		if (p.out.len >= FLUSH_AT || n == 0) {
			rc = conn_write(&s->conn, p.out.data, p.out.len, block);
			buf_consume(&p.out, p.out.len);
			if (rc == -1)
				*what = errno == ETIMEDOUT ? "timeout" :
				    "sending the message";
		}
	}
	if (p.mime)
		mime_free(&mc);
	pipeline_free(&p);
	return rc;
}

static int
start_tls(struct session *s)
{
	char	 err[200], why[1024], match[64];

	if (conn_starttls(&s->conn, &s->pol, s->opt->timeouts.helo, err,
	    sizeof(err)) == 0) {
		conn_tls_summary(&s->conn, &s->pol, s->client.tls_summary,
		    sizeof(s->client.tls_summary));
		conn_dane_match(&s->conn, match, sizeof(match));
		if (s->opt->verbose)
			fprintf(stderr, "mailer: TLS with %s (%s): %s%s%s\n",
			    s->host->name, SSL_get_version(s->conn.ssl),
			    s->client.tls_summary, match[0] ? ", TLSA " : "",
			    match);
		return 0;
	}
	/* Nothing more is said on a connection whose TLS failed.  454
	 * (RFC 3207) lets spoolmgr tell our relay's TLS failing, a fault of
	 * the configuration, from the relay's own "try later"; 4.7.5 when
	 * the certificate did not check out (tls=verify, DANE). */
	s->tls_failed = 1;
	snprintf(why, sizeof(why), "454 4.7.%d %s [%s]:%d: %s",
	    s->opt->tls_mode == TLS_MODE_MAY ? 0 : 5, s->host->name,
	    s->host->address, s->host->port, err);
	client_lost(&s->client, why);
	return -1;
}

/*
 * The TLS policy for the session's host, before connecting: -1 (the
 * reply in why) when the host must not be tried.  TLS required makes
 * the engine give up on a server without STARTTLS.
 */
static int
session_tls(struct session *s, char *why, size_t whylen)
{
	const struct host	*h = s->host;

	tls_policy_free(&s->pol);
	if (tls_policy_for(&s->pol, h, s->opt, why, whylen) == -1) {
		if (s->opt->verbose)
			fprintf(stderr, "mailer: %s\n", why);
		return -1;
	}
	if (s->opt->verbose)
		fprintf(stderr, "mailer: TLS policy for %s: %s (%s)\n", h->name,
		    s->pol.level == TLS_OPPORTUNISTIC ? "when offered" :
		    s->pol.level == TLS_DANE ? "required, DANE" :
		    "required, certificate checked", s->pol.why);
	snprintf(s->need_tls, sizeof(s->need_tls), "451 4.7.10 %.200s [%s]:%d: "
	    "no STARTTLS offered; TLS is required (%.150s)", h->name, h->address,
	    h->port, s->pol.why);
	return 0;
}

/* The engine's part of the policy, once client_init has run. */
static void
client_tls(struct session *s)
{
	if (s->pol.level != TLS_OPPORTUNISTIC)
		s->client.tls_required = s->need_tls;
}

/*
 * Reads what the server says.  The timeout is for the whole reply, not
 * for each read: a server that dribbles a byte now and then must not
 * hold us past it.  *reply_by is 0 when a new wait starts.
 */
static ssize_t
read_reply(struct session *s, char *in, size_t len, long long *reply_by)
{
	long long	 left;

	if (*reply_by == 0)
		*reply_by = now_ms() + 1000LL *
		    client_wait(&s->client, &s->opt->timeouts);
	if ((left = *reply_by - now_ms()) <= 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	return conn_read(&s->conn, in, len, (int)((left + 999) / 1000));
}

static enum client_next
run_session(struct session *s)
{
	enum client_next	 next = CLIENT_READ;
	char			 in[4096];
	ssize_t			 n;
	const char		*what = NULL;
	long long		 reply_by = 0;
	unsigned long		 replies = 0;

	while (next != CLIENT_CLOSE && next != CLIENT_TX_DONE) {
		if (flush_commands(s) == -1) {
			lost(s, io_why(-1));
			next = CLIENT_CLOSE;
			break;
		}
		if (next == CLIENT_START_TLS) {
			if (start_tls(s) == -1) {
				next = CLIENT_CLOSE;
				break;
			}
			next = client_tls_started(&s->client);
			reply_by = 0;
			continue;
		}
		if (next == CLIENT_SEND_BODY) {
			if (send_body(s, &what) != 0) {
				lost(s, what);
				next = CLIENT_CLOSE;
				break;
			}
			trace(s, ">>>", "(message)\r\n", 11);
			if (s->opt->before_dot)
				s->opt->before_dot(s->opt->before_dot_arg);
			next = client_body_sent(&s->client);
			reply_by = 0;
			continue;
		}
		if ((n = read_reply(s, in, sizeof(in), &reply_by)) <= 0) {
			if (s->client.state != CS_QUIT)
				lost(s, io_why(n));
			next = CLIENT_CLOSE;
			break;
		}
		trace(s, "<<<", in, (size_t)n);
		next = client_input(&s->client, in, (size_t)n);
		if (s->client.replies != replies) {
			replies = s->client.replies;
			reply_by = 0;	/* the next reply has its own time */
		}
	}
	flush_commands(s);
	return next;
}

static size_t
open_count(const struct client_msg *msg)
{
	size_t	 n = 0;

	for (size_t i = 0; i < msg->nrcpts; i++)
		n += !msg->rcpts[i].settled;
	return n;
}

static void
defer_open(struct client_msg *msg, const char *why)
{
	for (size_t i = 0; i < msg->nrcpts; i++) {
		struct client_rcpt	*r = &msg->rcpts[i];

		if (!r->settled) {
			r->result = RESULT_DEFER;
			strlcpy(r->reply, why, sizeof(r->reply));
		}
	}
}

/* Settles whoever is still open: this attempt is over for them. */
static void
settle_open(struct client_msg *msg)
{
	for (size_t i = 0; i < msg->nrcpts; i++) {
		struct client_rcpt	*r = &msg->rcpts[i];

		if (!r->settled && r->result == RESULT_PENDING) {
			r->result = RESULT_DEFER;
			strlcpy(r->reply, "451 4.4.0 not tried",
			    sizeof(r->reply));
		}
		r->settled = 1;
	}
}

/* One SMTP session with h; 1 when the server accepted a recipient. */
static int
session_at(const struct host *h, struct client_msg *msg, int msgfd,
    const struct deliver_opts *opt, int want_tls, int *tls_failed,
    int *tls_required)
{
	struct session	 s = { .msgfd = msgfd, .host = h, .opt = opt };
	char		 why[CLIENT_REPLY_MAX];
	int		 accepted;

	s.conn.fd = -1;
	*tls_required = 0;
	if (opt->verbose)
		fprintf(stderr, "mailer: trying %s [%s]:%d\n", h->name,
		    h->address, h->port);
	if (session_tls(&s, why, sizeof(why)) == -1) {
		defer_open(msg, why);
		tls_policy_free(&s.pol);
		return 0;
	}
	*tls_required = s.pol.level != TLS_OPPORTUNISTIC;
	if ((s.conn.fd = connect_host(h, opt->connect_timeout, why,
	    sizeof(why))) == -1) {
		if (opt->verbose)
			fprintf(stderr, "mailer: %s\n", why);
		defer_open(msg, why);
		tls_policy_free(&s.pol);
		return 0;
	}
	if (client_init(&s.client, opt->helo, msg) == -1) {
		conn_close(&s.conn);
		tls_policy_free(&s.pol);
		defer_open(msg, "451 4.3.0 out of memory");
		return 1;
	}
	if (opt->auth_user)
		client_set_auth(&s.client, opt->auth_user, opt->auth_pass);
	s.client.want_tls = want_tls;
	client_tls(&s);
	run_session(&s);
	accepted = s.client.accepted_any;
	*tls_failed = s.tls_failed;
	client_free(&s.client);
	conn_close(&s.conn);
	tls_policy_free(&s.pol);
	return accepted;
}

/*
 * TLS whenever the server offers it.  When that handshake fails, the
 * same host is asked once more in clear, as RFC 7435 opportunistic
 * security has it; with credentials, tls=verify or DANE never.
 */
static int
one_host(const struct host *h, struct client_msg *msg, int msgfd,
    const struct deliver_opts *opt)
{
	int	 tls_failed = 0, accepted, required = 0;

	accepted = session_at(h, msg, msgfd, opt, 1, &tls_failed, &required);
	if (tls_failed && !accepted && !required) {
		if (opt->verbose)
			fprintf(stderr, "mailer: TLS failed with %s; once more "
			    "without\n", h->name);
		accepted = session_at(h, msg, msgfd, opt, 0, &tls_failed,
		    &required);
	}
	return accepted;
}

void
deliver_to_hosts(const struct host_list *hosts, struct client_msg *msg,
    int msgfd, const struct deliver_opts *opt)
{
	for (size_t i = 0; i < hosts->count && open_count(msg) > 0; i++) {
		if (opt->deadline && time(NULL) >= opt->deadline) {
			defer_open(msg, "451 4.4.7 no time left to try more "
			    "hosts");
			break;
		}
		/* RFC 5321 5.1: a host that took a recipient is the one */
		if (one_host(&hosts->hosts[i], msg, msgfd, opt))
			break;
	}
	if (hosts->count == 0)
		defer_open(msg, "451 4.4.4 no host to deliver to");
	settle_open(msg);
}

/*
 * Batch delivery: the messages one after another over one session per
 * host, reconnecting after `batchsize` messages or when the server closed
 * between two of them.  A host that cannot be reached, or greets with an
 * error, is not asked again in this batch (RFC 5321 4.5.4.1): when every
 * host is so, the rest of the batch is deferred without a try.
 */
struct batch_state {
	const struct host_list	*hosts;
	const struct deliver_opts *opt;
	unsigned char		*dead;		/* per host */
	unsigned char		*clear;		/* per host: no TLS (it failed) */
	char			 down[CLIENT_REPLY_MAX];	/* why, last */
	struct session		 s;
	int			 open;		/* s is connected and idle */
	size_t			 at;		/* s's host */
	size_t			 batchsize;
};

static void
batch_close(struct batch_state *b)
{
	if (!b->open)
		return;
	if (b->s.client.state == CS_IDLE) {
		client_quit(&b->s.client);
		run_session(&b->s);
	}
	client_free(&b->s.client);
	conn_close(&b->s.conn);
	b->open = 0;
}

/* A new session with host h for msg; 0 when it could not connect. */
static int
batch_connect(struct batch_state *b, size_t h, struct client_msg *msg,
    int msgfd)
{
	const struct host	*host = &b->hosts->hosts[h];
	char			 why[CLIENT_REPLY_MAX];

	tls_policy_free(&b->s.pol);
	memset(&b->s, 0, sizeof(b->s));
	b->s.host = host;
	b->s.opt = b->opt;
	b->s.msgfd = msgfd;
	if (b->opt->verbose)
		fprintf(stderr, "mailer: trying %s [%s]:%d\n", host->name,
		    host->address, host->port);
	if (session_tls(&b->s, why, sizeof(why)) == -1) {
		defer_open(msg, why);
		strlcpy(b->down, why, sizeof(b->down));
		b->dead[h] = 1;
		return 0;
	}
	if ((b->s.conn.fd = connect_host(host, b->opt->connect_timeout, why,
	    sizeof(why))) == -1) {
		defer_open(msg, why);
		strlcpy(b->down, why, sizeof(b->down));
		b->dead[h] = 1;
		return 0;
	}
	if (client_init(&b->s.client, b->opt->helo, msg) == -1) {
		conn_close(&b->s.conn);
		defer_open(msg, "451 4.3.0 out of memory");
		return 0;
	}
	if (b->opt->auth_user)
		client_set_auth(&b->s.client, b->opt->auth_user,
		    b->opt->auth_pass);
	b->s.client.want_tls = !b->clear[h];
	client_tls(&b->s);
	b->s.client.batch = 1;
	b->open = 1;
	b->at = h;
	return 1;
}

/*
 * One try of msg at host h, on the idle session or a new one.  1 when
 * the server took a recipient (no other host is asked then).
 */
static int
batch_try(struct batch_state *b, size_t h, struct client_msg *msg, int msgfd)
{
	enum client_next	 next = CLIENT_READ;
	int			 reused = 0, accepted, clear;

	if (b->open && (b->at != h || b->s.client.messages >= b->batchsize))
		batch_close(b);
	if (b->open) {
		reused = 1;
		b->s.msgfd = msgfd;
		if (client_next_msg(&b->s.client, msg, &next) == -1) {
			defer_open(msg, "451 4.3.0 out of memory");
			return 0;
		}
	} else if (!batch_connect(b, h, msg, msgfd))
		return 0;
	next = run_session(&b->s);
	accepted = b->s.client.accepted_any;
	if (next == CLIENT_TX_DONE)
		return accepted;
	/* the session is over */
	clear = b->s.tls_failed && b->s.pol.level == TLS_OPPORTUNISTIC;
	if (clear)
		b->clear[h] = 1;	/* RFC 7435: once more in clear */
	if (!reused && b->s.client.transactions == 0 && !clear) {
		/* greeting, EHLO or AUTH failed: the host is no good now */
		strlcpy(b->down, b->s.client.note, sizeof(b->down));
		b->dead[h] = 1;
	}
	client_free(&b->s.client);
	conn_close(&b->s.conn);
	b->open = 0;
	/* closed between messages, or TLS failed: once more, new session */
	if (!accepted && (reused || b->clear[h]) && !b->dead[h] &&
	    open_count(msg) > 0) {
		if (!batch_connect(b, h, msg, msgfd))
			return 0;
		next = run_session(&b->s);
		accepted = b->s.client.accepted_any;
		if (next != CLIENT_TX_DONE) {
			if (b->s.client.transactions == 0)
				b->dead[h] = 1;
			strlcpy(b->down, b->s.client.note, sizeof(b->down));
			client_free(&b->s.client);
			conn_close(&b->s.conn);
			b->open = 0;
		}
	}
	return accepted;
}

static void
batch_one(struct batch_state *b, struct client_msg *msg, int msgfd)
{
	char	 why[CLIENT_REPLY_MAX + 64];
	int	 tried = 0;

	for (size_t h = 0; h < b->hosts->count && open_count(msg) > 0; h++) {
		if (b->dead[h])
			continue;
		tried = 1;
		if (batch_try(b, h, msg, msgfd))
			break;	/* RFC 5321 5.1: a host that took one is it */
	}
	if (!tried && open_count(msg) > 0) {
		if (b->down[0])
			snprintf(why, sizeof(why), "%.400s (not tried again in "
			    "this batch)", b->down);
		else
			snprintf(why, sizeof(why), "451 4.4.4 no host to "
			    "deliver to");
		defer_open(msg, why);
	}
	settle_open(msg);
}

int
deliver_batch(const struct host_list *hosts, struct batch_item *items,
    size_t n, const struct deliver_opts *opt, size_t batchsize,
    void (*done)(struct batch_item *, void *), void *arg, char *down,
    size_t downlen)
{
	int			 all_dead = hosts->count > 0;
	struct batch_state	 b = { .hosts = hosts, .opt = opt,
	    .batchsize = batchsize ? batchsize : 1 };

	b.dead = calloc(hosts->count + 1, 1);
	b.clear = calloc(hosts->count + 1, 1);
	for (size_t i = 0; i < n; i++) {
		if (b.dead == NULL || b.clear == NULL)
			defer_open(items[i].msg, "451 4.3.0 out of memory");
		else if (items[i].prepare == NULL ||
		    items[i].prepare(&items[i], arg) == 0)
			batch_one(&b, items[i].msg, items[i].fd);
		settle_open(items[i].msg);
		done(&items[i], arg);
	}
	batch_close(&b);
	tls_policy_free(&b.s.pol);
	for (size_t h = 0; h < hosts->count && b.dead; h++)
		all_dead &= b.dead[h];
	strlcpy(down, b.down, downlen);
	free(b.dead);
	free(b.clear);
	return all_dead && b.dead != NULL && b.down[0] != '\0';
}
