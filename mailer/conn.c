/* SPDX-License-Identifier: ISC */
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "conn.h"
#include "io.h"

/* Waits until what OpenSSL wants; 1 ready, 0 out of time, -1 error. */
static int
tls_wait(struct conn *c, int ret, long long deadline)
{
	int		 e = SSL_get_error(c->ssl, ret), rc;
	struct pollfd	 pfd = { .fd = c->fd };
	long long	 left;

	if (e == SSL_ERROR_WANT_READ)
		pfd.events = POLLIN;
	else if (e == SSL_ERROR_WANT_WRITE)
		pfd.events = POLLOUT;
	else {
		errno = e == SSL_ERROR_ZERO_RETURN ? 0 : EIO;
		return -1;
	}
	do {
		left = deadline - now_ms();
		rc = poll(&pfd, 1, left > 0 ? (int)left : 0);
	} while (rc == -1 && errno == EINTR);
	if (rc == 0)
		errno = ETIMEDOUT;
	return rc;
}

ssize_t
conn_read(struct conn *c, void *buf, size_t len, int timeout)
{
	long long	 deadline = now_ms() + timeout * 1000LL;
	int		 n, rc;

	if (c->ssl == NULL)
		return io_read(c->fd, buf, len, timeout);
	for (;;) {
		n = SSL_read(c->ssl, buf, len > 65536 ? 65536 : (int)len);
		if (n > 0)
			return n;
		if (SSL_get_error(c->ssl, n) == SSL_ERROR_ZERO_RETURN)
			return 0;
		if ((rc = tls_wait(c, n, deadline)) <= 0)
			return (rc == -1 && errno == 0) ? 0 : -1;
	}
}

int
conn_write(struct conn *c, const void *buf, size_t len, int timeout)
{
	long long	 deadline = now_ms() + timeout * 1000LL;
	const char	*p = buf;
	int		 n;

	if (c->ssl == NULL)
		return io_write_all(c->fd, buf, len, timeout);
	while (len > 0) {
		n = SSL_write(c->ssl, p, len > 65536 ? 65536 : (int)len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (tls_wait(c, n, deadline) <= 0)
			return -1;
	}
	return 0;
}

static void
tls_error(char *err, size_t errlen, const char *what, struct conn *c)
{
	unsigned long	 e = ERR_get_error();
	long		 v = c->ssl ? SSL_get_verify_result(c->ssl) : X509_V_OK;

	if (v != X509_V_OK)
		snprintf(err, errlen, "%s: certificate: %s", what,
		    X509_verify_cert_error_string(v));
	else if (e != 0)
		snprintf(err, errlen, "%s: %s", what,
		    ERR_reason_error_string(e) ? ERR_reason_error_string(e) :
		    "TLS error");
	else
		snprintf(err, errlen, "%s: %s", what, errno == ETIMEDOUT ?
		    "timeout" : "connection closed");
}

/* PKIX: the chain to the CAs (tlscafile= or the system's), the name. */
static int
setup_verify(struct conn *c, const struct tls_policy *p, int is_ip)
{
	int	 ok;

	ok = p->cafile ? SSL_CTX_load_verify_locations(c->ctx, p->cafile,
	    NULL) : SSL_CTX_set_default_verify_paths(c->ctx);
	if (ok != 1)
		return -1;
	SSL_set_verify(c->ssl, SSL_VERIFY_PEER, NULL);
	if (is_ip)
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl),
		    p->name) == 1 ? 0 : -1;
	return SSL_set1_host(c->ssl, p->name) == 1 ? 0 : -1;
}

/*
 * RFC 7672 with OpenSSL's DANE verifier: the TLSA records as the only
 * trust.  DANE-EE(3) matches the server's own key or certificate, and
 * then the name is not checked (RFC 7672 3.1.1); DANE-TA(2) a CA of the
 * chain, and then the name must match the host (or the TLSA base a
 * CNAME led to, 3.2.2).
 */
static int
setup_dane(struct conn *c, const struct tls_policy *p)
{
	const struct tlsa_set	*t = &p->tlsa;
	const char		*base = t->owner;
	int			 usable = 0;

	if (SSL_dane_enable(c->ssl, p->name) <= 0)
		return -1;
	SSL_dane_set_flags(c->ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
	/* "_25._tcp.BASE": the name the CNAMEs led to */
	for (int dots = 0; *base && dots < 2; base++)
		dots += *base == '.';
	if (*base && strcasecmp(base, p->name) != 0 &&
	    SSL_add1_host(c->ssl, base) != 1)
		return -1;
	for (size_t i = 0; i < t->count; i++)
		if (SSL_dane_tlsa_add(c->ssl, t->rec[i].usage,
		    t->rec[i].selector, t->rec[i].mtype, t->rec[i].data,
		    t->rec[i].len) > 0)
			usable++;
	if (usable == 0) {
		errno = 0;
		return -1;	/* OpenSSL could use none: never in clear */
	}
	SSL_set_verify(c->ssl, SSL_VERIFY_PEER, NULL);
	return 0;
}

static int
setup(struct conn *c, const struct tls_policy *p)
{
	unsigned char	 ip[16];
	int		 is_ip = inet_pton(AF_INET, p->name, ip) == 1 ||
			    inet_pton(AF_INET6, p->name, ip) == 1;

	if ((c->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return -1;
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	if (p->level == TLS_DANE && SSL_CTX_dane_enable(c->ctx) <= 0)
		return -1;
	if ((c->ssl = SSL_new(c->ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1)
		return -1;
	if (p->level == TLS_DANE)
		return setup_dane(c, p);	/* SNI set by SSL_dane_enable */
	if (!is_ip)
		SSL_set_tlsext_host_name(c->ssl, p->name);
	if (p->level == TLS_VERIFIED)
		return setup_verify(c, p, is_ip);
	return 0;
}

int
conn_starttls(struct conn *c, const struct tls_policy *p, int timeout,
    char *err, size_t errlen)
{
	long long	 deadline = now_ms() + timeout * 1000LL;
	int		 n;

	ERR_clear_error();
	if (setup(c, p) == -1) {
		tls_error(err, errlen, "TLS set-up", c);
		return -1;
	}
	while ((n = SSL_connect(c->ssl)) != 1)
		if (tls_wait(c, n, deadline) <= 0) {
			tls_error(err, errlen, "TLS handshake", c);
			return -1;
		}
	return 0;
}

void
conn_tls_summary(const struct conn *c, const struct tls_policy *p, char *out,
    size_t outlen)
{
	const char	*cipher;

	if (c->ssl == NULL) {
		snprintf(out, outlen, "none");
		return;
	}
	cipher = SSL_get_cipher_name(c->ssl);
	snprintf(out, outlen, "%s/%s/%s", tls_level_word(p->level),
	    SSL_get_version(c->ssl), cipher ? cipher : "?");
}

/* The TLSA record that matched, for -v: "3 1 1 at depth 0". */
void
conn_dane_match(const struct conn *c, char *out, size_t outlen)
{
	uint8_t			 usage, selector, mtype;
	unsigned const char	*data;
	size_t			 dlen;
	int			 depth;

	out[0] = '\0';
	if (c->ssl == NULL)
		return;
	depth = SSL_get0_dane_tlsa(c->ssl, &usage, &selector, &mtype, &data,
	    &dlen);
	if (depth >= 0)
		snprintf(out, outlen, "%u %u %u at depth %d", usage, selector,
		    mtype, depth);
}

void
conn_close(struct conn *c)
{
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	if (c->ctx)
		SSL_CTX_free(c->ctx);
	if (c->fd != -1)
		close(c->fd);
	c->ssl = NULL;
	c->ctx = NULL;
	c->fd = -1;
}
