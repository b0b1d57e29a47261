/* SPDX-License-Identifier: ISC */
/*
 * The read loop around the protocol engine: the client's bytes come on
 * fd 0, replies go out on fd 1 when the client has nothing more queued.
 * smtpd runs it on its socket, mailer -bs on its standard input and
 * output.
 */
#include <errno.h>
#include <sysexits.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "io.h"
#include "session.h"

#define OUT_HIGH_WATER	65536	/* send replies at least this often */

static int
flush(struct buf *out, const struct config *cf)
{
	int	 rc = 0;

	if (out->len > 0)
		rc = io_write_all(1, out->data, out->len, (int)cf->timeout);
	buf_consume(out, out->len);
	return rc;
}

/* Seconds the next read may wait: the per-read timeout or what is left. */
static int
read_timeout(const struct config *cf, time_t deadline, int *whole)
{
	time_t	 left = deadline - time(NULL);

	*whole = left <= cf->timeout;
	if (left < 0)
		left = 0;
	return (int)(*whole ? left : cf->timeout);
}

int
session_serve(struct session *s, struct buf *out, const struct config *cf)
{
	char	 in[8192];
	size_t	 off = 0, len = 0;
	ssize_t	 n;
	time_t	 deadline = time(NULL) + cf->sessiontimeout;
	int	 whole;

	while (!session_closed(s)) {
		if (off == len) {
			if (!io_readable_now(0) && flush(out, cf) != 0)
				return EX_IOERR;
			if (time(NULL) >= deadline) {
				/* a client whose input never runs dry would
				 * otherwise never wait, and never time out */
				session_timeout(s, 1);
				break;
			}
			n = io_read(0, in, sizeof(in),
			    read_timeout(cf, deadline, &whole));
			if (n < 0 && errno == ETIMEDOUT)
				session_timeout(s, whole);
			else if (n <= 0)
				session_eof(s);
			if (n <= 0)
				break;
			off = 0;
			len = (size_t)n;
		}
		s->more_input = io_readable_now(0);
		off += session_input(s, in + off, len - off);
		if ((s->flush_now || out->len > OUT_HIGH_WATER) &&
		    flush(out, cf) != 0)
			return EX_IOERR;
		s->flush_now = 0;
	}
	return flush(out, cf) == 0 ? EX_OK : EX_IOERR;
}
