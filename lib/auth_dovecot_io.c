/* SPDX-License-Identifier: ISC */
/* dovecot_check(): the conversation of auth_dovecot.c on a socket. */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "auth_dovecot.h"
#include "io.h"

struct line_reader {
	int	 fd;
	time_t	 deadline;
	char	 buf[DOVECOT_LINE_MAX];
	size_t	 len;		/* octets in buf */
	size_t	 taken;		/* of them, the last line returned */
};

static int
connect_unix(const char *path, char *why, size_t whylen)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		snprintf(why, whylen, "%s: path too long", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* The next line, LF dropped, into line and len; -1 on error or timeout. */
static int
read_line(struct line_reader *r, const char **line, size_t *len)
{
	char	*lf;
	ssize_t	 n;
	time_t	 left;

	memmove(r->buf, r->buf + r->taken, r->len - r->taken);
	r->len -= r->taken;
	r->taken = 0;
	while ((lf = memchr(r->buf, '\n', r->len)) == NULL) {
		left = r->deadline - time(NULL);
		if (r->len == sizeof(r->buf) || left <= 0)
			return -1;
		n = io_read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len,
		    (int)left);
		if (n <= 0)
			return -1;
		r->len += (size_t)n;
	}
	*line = r->buf;
	*len = (size_t)(lf - r->buf);
	r->taken = *len + 1;
	return 0;
}

/* Reads and parses lines until one that is not DV_MORE. */
static enum dovecot_step
converse(struct line_reader *r, struct dovecot_conv *c)
{
	enum dovecot_step step = DV_MORE;
	const char	*line;
	size_t		 len;

	while (step == DV_MORE) {
		if (read_line(r, &line, &len) != 0) {
			snprintf(c->why, sizeof(c->why), "no answer from "
			    "Dovecot (%s)", r->len == sizeof(r->buf) ?
			    "line too long" : "closed or timed out");
			return DV_ERROR;
		}
		step = dovecot_reply(c, line, len);
	}
	return step;
}

static enum auth_result
outcome(enum dovecot_step step, const struct dovecot_conv *c,
    const char *login, char *canon, size_t canonlen, char *why,
    size_t whylen)
{
	switch (step) {
	case DV_OK:
		strlcpy(canon, c->user[0] ? c->user : login, canonlen);
		return AUTH_OK;
	case DV_FAIL:
		strlcpy(why, c->why[0] ? c->why : "refused by Dovecot", whylen);
		return AUTH_FAIL;
	default:
		strlcpy(why, c->why[0] ? c->why : "temporary failure", whylen);
		return AUTH_TEMPFAIL;
	}
}

enum auth_result
dovecot_check(const char *path, int timeout, const char *login,
    const char *password, const char *client, char *canon, size_t canonlen,
    char *why, size_t whylen)
{
	static struct line_reader r;	/* 16 kB: not on the stack */
	struct dovecot_conv	 c;
	enum dovecot_step	 step;
	char			 hello[64], request[1200];

	memset(&r, 0, sizeof(r));
	r.deadline = time(NULL) + timeout;
	if ((r.fd = connect_unix(path, why, whylen)) == -1)
		return AUTH_TEMPFAIL;
	dovecot_start(&c, 1);
	snprintf(hello, sizeof(hello), "VERSION\t1\t1\nCPID\t%ld\n",
	    (long)getpid());
	step = io_write_all(r.fd, hello, strlen(hello), timeout) == 0 ?
	    converse(&r, &c) : DV_ERROR;
	if (step == DV_HANDSHAKE_DONE) {
		if (dovecot_auth_line(&c, login, password, client, request,
		    sizeof(request)) != 0 ||
		    io_write_all(r.fd, request, strlen(request), timeout) != 0)
			step = DV_ERROR;
		else
			step = converse(&r, &c);
		explicit_bzero(request, sizeof(request));
	}
	close(r.fd);
	if (step == DV_ERROR && c.why[0] == '\0')
		strlcpy(c.why, "cannot write to Dovecot", sizeof(c.why));
	return outcome(step, &c, login, canon, canonlen, why, whylen);
}
