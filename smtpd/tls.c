/* SPDX-License-Identifier: ISC */
/*
 * The server side of a TLS session on the client's socket, through the
 * OpenSSL functions tls_load.c finds.  TLS 1.2 and 1.3 only; no session
 * cache or tickets (a process serves one connection, and a ticket it
 * issued could be resumed by no other), no renegotiation.  The socket is
 * made non-blocking and every wait is a poll bounded by the timeout, so
 * that a client that stops mid-record cannot hold smtpd for ever.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "tls.h"
#include "tls_api.h"

/* The reason OpenSSL gave last, after what; the error queue is emptied. */
static void
ssl_reason(const struct ssl_api *a, const char *what, char *err,
    size_t errlen)
{
	unsigned long	 e = a->ERR_peek_last_error();
	char		 reason[256] = "";

	if (e != 0)
		a->ERR_error_string_n(e, reason, sizeof(reason));
	snprintf(err, errlen, "%s%s%s", what, e ? ": " : "", reason);
	a->ERR_clear_error();
}

/* The leaf certificate, then every further one in the file as its chain. */
static int
use_chain(struct tls_server *t, SSL_CTX *ctx, char *err, size_t errlen)
{
	const struct ssl_api *a = t->api;
	BIO	*bio = a->BIO_new_mem_buf(t->cert, (int)t->certlen);
	X509	*x;
	int	 rc = -1;
	char	 what[300];

	snprintf(what, sizeof(what), "tlscert %s", t->certpath);
	if (bio == NULL) {
		ssl_reason(a, what, err, errlen);
		return -1;
	}
	if ((x = a->PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL ||
	    a->SSL_CTX_use_certificate(ctx, x) != 1) {
		ssl_reason(a, what, err, errlen);
		goto done;
	}
	a->X509_free(x);
	while ((x = a->PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		/* SSL_CTX_add0_chain_cert(): the context takes x */
		if (a->SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 0, x) != 1) {
			a->X509_free(x);
			ssl_reason(a, what, err, errlen);
			goto done;
		}
	}
	/* the end of the file, or a certificate that does not parse */
	if (ERR_GET_REASON(a->ERR_peek_last_error()) != PEM_R_NO_START_LINE) {
		ssl_reason(a, what, err, errlen);
		goto done;
	}
	a->ERR_clear_error();
	rc = 0;
done:
	a->BIO_free(bio);
	return rc;
}

/* A key with a passphrase cannot be used: nobody is there to type it. */
static int
no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	(void)buf; (void)size; (void)rwflag; (void)arg;
	return -1;
}

/* The key, which is then wiped from memory. */
static int
use_key(struct tls_server *t, SSL_CTX *ctx, char *err, size_t errlen)
{
	const struct ssl_api *a = t->api;
	BIO		*bio = a->BIO_new_mem_buf(t->key, (int)t->keylen);
	EVP_PKEY	*pkey = NULL;
	int		 rc = -1;
	char		 what[300];

	snprintf(what, sizeof(what), "tlskey %s", t->keypath);
	if (bio != NULL)
		pkey = a->PEM_read_bio_PrivateKey(bio, NULL, no_passphrase,
		    NULL);
	if (pkey == NULL || a->SSL_CTX_use_PrivateKey(ctx, pkey) != 1 ||
	    a->SSL_CTX_check_private_key(ctx) != 1)
		ssl_reason(a, what, err, errlen);
	else
		rc = 0;
	a->EVP_PKEY_free(pkey);
	a->BIO_free(bio);
	explicit_bzero(t->key, t->keylen);
	return rc;
}

static SSL_CTX *
new_context(struct tls_server *t, char *err, size_t errlen)
{
	const struct ssl_api *a = t->api;
	SSL_CTX	*ctx = a->SSL_CTX_new(a->TLS_server_method());

	if (ctx == NULL) {
		ssl_reason(a, "SSL_CTX_new", err, errlen);
		return NULL;
	}
	/* SSL_CTX_set_min_proto_version(), ..._set_session_cache_mode() */
	if (a->SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION,
	    TLS1_2_VERSION, NULL) != 1) {
		ssl_reason(a, "TLS 1.2 as the oldest version", err, errlen);
		a->SSL_CTX_free(ctx);
		return NULL;
	}
	a->SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_MODE, SSL_SESS_CACHE_OFF,
	    NULL);
	a->SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
	    SSL_OP_NO_COMPRESSION);
	a->SSL_CTX_set_num_tickets(ctx, 0);
	if (use_chain(t, ctx, err, errlen) != 0 ||
	    use_key(t, ctx, err, errlen) != 0) {
		a->SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/*
 * After an SSL call returned rc: waits for what OpenSSL wants.  1 to try
 * again, 0 at the client's close_notify, -1 with errno set otherwise.
 */
static int
ssl_wait(struct tls_server *t, int rc, long long deadline)
{
	const struct ssl_api *a = t->api;
	int	 ready;

	switch (a->SSL_get_error(t->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		ready = io_wait(t->rfd, POLLIN, deadline);
		break;
	case SSL_ERROR_WANT_WRITE:
		ready = io_wait(t->wfd, POLLOUT, deadline);
		break;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		if (errno == 0)
			errno = ECONNRESET;
		return -1;
	default:
		errno = EPROTO;
		return -1;
	}
	if (ready == 0)
		errno = ETIMEDOUT;
	return ready > 0 ? 1 : -1;
}

static int
nonblocking(int fd)
{
	int	 flags = fcntl(fd, F_GETFL);

	return flags == -1 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static int
handshake(struct tls_server *t, int timeout, char *err, size_t errlen)
{
	const struct ssl_api *a = t->api;
	long long	 deadline = now_ms() + (long long)timeout * 1000;
	int		 rc, more;

	if (nonblocking(t->rfd) != 0 || nonblocking(t->wfd) != 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	do {
		errno = 0;
		if ((rc = a->SSL_accept(t->ssl)) == 1)
			return 0;
	} while ((more = ssl_wait(t, rc, deadline)) == 1);
	if (more == 0 || errno == ECONNRESET)
		snprintf(err, errlen, "the client closed the connection");
	else if (errno == ETIMEDOUT)
		snprintf(err, errlen, "timed out after %d s", timeout);
	else
		ssl_reason(a, "handshake", err, errlen);
	return -1;
}

int
tls_server_start(struct tls_server *t, int rfd, int wfd, int timeout,
    char *desc, size_t desclen, char *err, size_t errlen)
{
	const struct ssl_api *a;

	if ((a = t->api = ssl_api_load(err, errlen)) == NULL)
		return -1;
	if ((t->ctx = new_context(t, err, errlen)) == NULL)
		return -1;
	if ((t->ssl = a->SSL_new(t->ctx)) == NULL) {
		ssl_reason(a, "SSL_new", err, errlen);
		return -1;
	}
	t->rfd = rfd;
	t->wfd = wfd;
	if (a->SSL_set_rfd(t->ssl, rfd) != 1 ||
	    a->SSL_set_wfd(t->ssl, wfd) != 1) {
		ssl_reason(a, "SSL_set_fd", err, errlen);
		return -1;
	}
	if (handshake(t, timeout, err, errlen) != 0)
		return -1;
	snprintf(desc, desclen, "%s %s", a->SSL_get_version(t->ssl),
	    a->SSL_CIPHER_get_name(a->SSL_get_current_cipher(t->ssl)));
	t->active = 1;
	return 0;
}

int
tls_server_active(const struct tls_server *t)
{
	return t != NULL && t->active;
}

ssize_t
tls_server_read(struct tls_server *t, void *buf, size_t len, int timeout)
{
	long long	 deadline = now_ms() + (long long)timeout * 1000;
	int		 n, more, saved;

	if (len > INT_MAX)
		len = INT_MAX;
	do {
		errno = 0;
		if ((n = t->api->SSL_read(t->ssl, buf, (int)len)) > 0)
			return n;
	} while ((more = ssl_wait(t, n, deadline)) == 1);
	saved = errno;
	t->api->ERR_clear_error();
	errno = saved;	/* ETIMEDOUT tells serve.c which end it was */
	return more == 0 || saved == ECONNRESET ? 0 : -1;
}

int
tls_server_write_all(struct tls_server *t, const void *buf, size_t len,
    int timeout)
{
	long long	 deadline = now_ms() + (long long)timeout * 1000;
	const char	*p = buf;
	int		 chunk, n, saved;

	while (len > 0) {
		chunk = len > 16384 ? 16384 : (int)len;
		do {
			errno = 0;
			n = t->api->SSL_write(t->ssl, p, chunk);
		} while (n <= 0 && ssl_wait(t, n, deadline) == 1);
		if (n <= 0) {
			saved = errno ? errno : EPIPE;
			t->api->ERR_clear_error();
			errno = saved;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
tls_server_readable_now(struct tls_server *t)
{
	return t->api->SSL_has_pending(t->ssl) || io_readable_now(t->rfd);
}

void
tls_server_free(struct tls_server *t)
{
	if (t->ssl != NULL) {
		if (t->active)
			(void)t->api->SSL_shutdown(t->ssl);	/* one try */
		t->api->SSL_free(t->ssl);
	}
	if (t->ctx != NULL)
		t->api->SSL_CTX_free(t->ctx);
	if (t->key != NULL)
		explicit_bzero(t->key, t->keylen);
	free(t->key);
	free(t->cert);
	t->ssl = t->ctx = NULL;
	t->key = t->cert = NULL;
	t->active = 0;
}
