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

#include "tls.h"

struct conn {
	int	 fd;
	SSL_CTX	*ctx;
	SSL	*ssl;		/* NULL until STARTTLS */
};

/* Like io_read: bytes, 0 at the end, -1 (ETIMEDOUT when out of time). */
ssize_t	conn_read(struct conn *c, void *buf, size_t len, int timeout);
int	conn_write(struct conn *c, const void *buf, size_t len, int timeout);
/*
 * The TLS handshake as policy p says (tls.h): TLS_VERIFIED, the
 * server's certificate must check out against the CAs and p->name (a
 * host name or an IP address); TLS_DANE, against p's TLSA records;
 * TLS_OPPORTUNISTIC, TLS only keeps passive listeners out (RFC 7435).
 * -1 with a reason in err.
 */
int	conn_starttls(struct conn *c, const struct tls_policy *p, int timeout,
	    char *err, size_t errlen);
/* How the connection is protected: "none" or "dane/TLSv1.3/CIPHER". */
void	conn_tls_summary(const struct conn *c, const struct tls_policy *p,
	    char *out, size_t outlen);
/* The TLSA record that matched ("3 1 1 at depth 0"), or "". */
void	conn_dane_match(const struct conn *c, char *out, size_t outlen);
void	conn_close(struct conn *c);

#endif
