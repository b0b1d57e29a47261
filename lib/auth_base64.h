/* SPDX-License-Identifier: ISC */
/*
 * Base64 (RFC 4648 section 4) as SASL uses it (RFC 4954), for smtpd's AUTH,
 * the Dovecot back end and mailer's AUTH as a client: one line, no
 * white space, padding required.  The decoder is strict: anything else
 * is an error, never a guess, because the input is a client's.
 */
#ifndef SMTPGATE_AUTH_BASE64_H
#define SMTPGATE_AUTH_BASE64_H

#include <stddef.h>
#include <sys/types.h>

/* Octets that len octets of base64 decode to, at most. */
#define B64_DECODED_MAX(len)	((len) / 4 * 3)
/* Characters (and a NUL) that len octets encode to. */
#define B64_ENCODED_LEN(len)	(((len) + 2) / 3 * 4 + 1)

/*
 * Decodes len characters of in into out (room for outlen octets);
 * returns the octets written, or -1 if in is not base64 or out is too
 * small.  out is not NUL-terminated: the data may hold NULs (PLAIN).
 */
ssize_t	b64_decode(const char *in, size_t len, unsigned char *out,
	    size_t outlen);
/* Encodes len octets into out, NUL-terminated; -1 if outlen is too small. */
int	b64_encode(const void *in, size_t len, char *out, size_t outlen);

#endif
