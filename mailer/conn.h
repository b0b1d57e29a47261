/* SPDX-License-Identifier: ISC */
/*
 * One connection to a server: a socket, and TLS on it after STARTTLS
 * (RFC 3207).  Reads and writes are bounded by timeouts either way.
 */
#ifndef MAILER_CONN_H
#define MAILER_CONN_H

#include <stddef.h>
#include <sys/types.h>

#include <openssl/ssl.h>

struct conn {
	int	 fd;
	SSL_CTX	*ctx;
	SSL	*ssl;		/* NULL until STARTTLS */
};

/* Like io_read: bytes, 0 at the end, -1 (ETIMEDOUT when out of time). */
ssize_t	conn_read(struct conn *c, void *buf, size_t len, int timeout);
int	conn_write(struct conn *c, const void *buf, size_t len, int timeout);
/*
 * The TLS handshake.  With verify, the server's certificate must check
 * out against the system's CAs and against name (a host name or an IP
 * address); without, TLS only keeps passive listeners out
 * (opportunistic, RFC 7435).  -1 with a reason in err.
 */
int	conn_starttls(struct conn *c, const char *name, int verify,
	    int timeout, char *err, size_t errlen);
void	conn_close(struct conn *c);

#endif
