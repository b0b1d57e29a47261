/* SPDX-License-Identifier: ISC */
/*
 * How TLS is used with one host (smtpgate.conf(5) tls=): opportunistic
 * (RFC 7435), a certificate checked against the CAs and the host name
 * (RFC 6125), or DANE (RFC 7672) where the host's TLSA records are
 * authenticated by DNSSEC.  The last two never fall back to plaintext.
 */
#ifndef MAILER_TLS_H
#define MAILER_TLS_H

#include <stddef.h>

#include "tlsa.h"

enum tls_mode { TLS_MODE_MAY, TLS_MODE_VERIFY, TLS_MODE_DANE };

enum tls_level {
	TLS_OPPORTUNISTIC,	/* STARTTLS when offered; anything goes */
	TLS_VERIFIED,		/* required; CA chain and name checked */
	TLS_DANE		/* required; a TLSA record must match */
};

#define TLS_SUMMARY_MAX	96	/* "dane/TLSv1.3/TLS_AES_256_GCM_SHA384" */

struct tls_policy {
	enum tls_level	 level;
	const char	*name;		/* the name to check: the host's */
	char		 address[64];	/* when the host's name is an address */
	const char	*cafile;	/* TLS_VERIFIED: NULL is the system's */
	struct tlsa_set	 tlsa;		/* TLS_DANE: the usable records */
	char		 why[200];	/* why this level, for -v */
};

struct host;
struct deliver_opts;

/* "may", "verify", "dane" (config.c checked it); NULL is "may". */
enum tls_mode tls_mode_of(const char *word);
/*
 * The policy for h: the configured mode, made TLS_DANE when the host's
 * TLSA records are authenticated (and its MX record was), TLS_VERIFIED
 * when credentials go to it.  -1 with a reply for the recipients in why
 * when the host must not be tried: a DNS failure (bogus data, SERVFAIL,
 * timeout) or a TLSA set of which no record is usable.
 */
int	tls_policy_for(struct tls_policy *p, const struct host *h,
	    const struct deliver_opts *opt, char *why, size_t whylen);
void	tls_policy_free(struct tls_policy *p);
/* "none", or "opportunistic|verified|dane/VERSION/CIPHER". */
const char *tls_level_word(enum tls_level level);

#endif
