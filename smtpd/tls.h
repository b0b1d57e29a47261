/* SPDX-License-Identifier: ISC */
/*
 * smtpd's side of TLS (RFC 3207 STARTTLS, RFC 8314 implicit TLS).  The
 * certificate chain and key are read into memory as root, before smtpd
 * gives root up; OpenSSL itself is loaded (dlopen) only when a session
 * turns to TLS, so that a plain session maps neither libssl nor
 * libcrypto.  The protocol engine never sees any of this: the I/O layer
 * (serve.c) reads and writes through these functions once TLS is up.
 */
#ifndef SMTPD_TLS_H
#define SMTPD_TLS_H

#include <stddef.h>
#include <sys/types.h>

struct ssl_api;

struct tls_server {
	char		*cert;		/* PEM chain, as read from tlscert */
	size_t		 certlen;
	char		*key;		/* PEM key, wiped once parsed */
	size_t		 keylen;
	const char	*certpath, *keypath;	/* for messages */
	int		 rfd, wfd;	/* the client's socket (0 and 1) */
	const struct ssl_api *api;	/* NULL until OpenSSL is loaded */
	void		*ctx;		/* SSL_CTX */
	void		*ssl;		/* SSL: the session, once started */
	int		 active;	/* handshake done: I/O goes through ssl */
};

/*
 * Reads the chain and key files (called as root).  -1 with the reason in
 * err when either cannot be used; warn gets a warning (a key that others
 * than its owner may read) or stays empty.
 */
int	tls_server_files(struct tls_server *t, const char *certpath,
	    const char *keypath, char *err, size_t errlen, char *warn,
	    size_t warnlen);
/*
 * Loads OpenSSL, parses the chain and key and does the server side of
 * the handshake on rfd/wfd within timeout seconds.  0 with "VERSION
 * CIPHER" in desc, or -1 with the reason in err (the session must end).
 */
int	tls_server_start(struct tls_server *t, int rfd, int wfd, int timeout,
	    char *desc, size_t desclen, char *err, size_t errlen);
/* 1 once tls_server_start() succeeded: reads and writes go through TLS. */
int	tls_server_active(const struct tls_server *t);
/* As io_read(), io_write_all() and io_readable_now(), through TLS. */
ssize_t	tls_server_read(struct tls_server *t, void *buf, size_t len,
	    int timeout);
int	tls_server_write_all(struct tls_server *t, const void *buf,
	    size_t len, int timeout);
int	tls_server_readable_now(struct tls_server *t);
/* Sends close_notify (without waiting for the client's) and frees all. */
void	tls_server_free(struct tls_server *t);

#endif
