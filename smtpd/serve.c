/* SPDX-License-Identifier: ISC */
/*
 * The read loop around the protocol engine: the client's bytes come on
 * fd 0, replies go out on fd 1 when the client has nothing more queued.
 * smtpd runs it on its socket, mailer -bs on its standard input and
 * output.  Once a TLS handshake is done (after STARTTLS, or at once with
 * smtpd -T) both go through TLS on the same descriptors.
 */
#include <errno.h>
#include <sysexits.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "io.h"
#include "session.h"
#include "tls.h"

#define OUT_HIGH_WATER	65536	/* send replies at least this often */

static ssize_t
conn_read(struct tls_server *tls, void *buf, size_t len, int timeout)
{
	if (tls_server_active(tls))
		return tls_server_read(tls, buf, len, timeout);
	return io_read(0, buf, len, timeout);
}

static int
conn_readable_now(struct tls_server *tls)
{
	if (tls_server_active(tls))
		return tls_server_readable_now(tls);
	return io_readable_now(0);
}

static int
flush(struct buf *out, const struct config *cf, struct tls_server *tls)
{
	int	 rc = 0;

	if (out->len > 0 && tls_server_active(tls))
		rc = tls_server_write_all(tls, out->data, out->len,
		    (int)cf->timeout);
	else if (out->len > 0)
		rc = io_write_all(1, out->data, out->len, (int)cf->timeout);
	buf_consume(out, out->len);
	return rc;
}

/*
 * The handshake on fd 0 and 1, after the engine's 220 to STARTTLS was
 * sent (or before the greeting, with -T).  EX_OK and the session starts
 * over inside TLS; EX_PROTOCOL when the handshake failed: logged, and
 * the session is closed.
 */
static int
start_tls(struct session *s, const struct config *cf, struct tls_server *tls)
{
	char	 desc[sizeof(s->tls_desc)], err[512];

	if (tls == NULL) {
		session_tls_failed(s, "no TLS in this program");
		return EX_SOFTWARE;
	}
	if (tls_server_start(tls, 0, 1, (int)cf->timeout, desc, sizeof(desc),
	    err, sizeof(err)) != 0) {
		session_tls_failed(s, err);
		return EX_PROTOCOL;
	}
	session_tls_started(s, desc);
	return EX_OK;
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
session_serve_tls(struct session *s, struct buf *out, const struct config *cf,
    struct tls_server *tls, int implicit)
{
	char	 in[8192];
	size_t	 off = 0, len = 0;
	ssize_t	 n;
	time_t	 deadline = time(NULL) + cf->sessiontimeout;
	int	 whole, status;

	if (implicit && (status = start_tls(s, cf, tls)) != EX_OK)
		return status;
	while (!session_closed(s)) {
		if (off == len) {
			if (!conn_readable_now(tls) && flush(out, cf, tls) != 0)
				return EX_IOERR;
			if (time(NULL) >= deadline) {
				/* a client whose input never runs dry would
				 * otherwise never wait, and never time out */
				session_timeout(s, 1);
				break;
			}
			n = conn_read(tls, in, sizeof(in),
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
		s->more_input = conn_readable_now(tls);
		off += session_input(s, in + off, len - off);
		if ((s->flush_now || s->tls_start || out->len > OUT_HIGH_WATER)
		    && flush(out, cf, tls) != 0)
			return EX_IOERR;
		s->flush_now = 0;
		if (s->tls_start) {
			off = len;	/* the engine took the rest unread */
			if ((status = start_tls(s, cf, tls)) != EX_OK)
				return status;
		}
	}
	return flush(out, cf, tls) == 0 ? EX_OK : EX_IOERR;
}

int
session_serve(struct session *s, struct buf *out, const struct config *cf)
{
	return session_serve_tls(s, out, cf, NULL, 0);
}
