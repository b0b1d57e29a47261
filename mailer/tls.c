/* SPDX-License-Identifier: ISC */
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "deliver.h"
#include "mx_impl.h"
#include "tls.h"

enum tls_mode
tls_mode_of(const char *word)
{
	if (word && strcmp(word, "verify") == 0)
		return TLS_MODE_VERIFY;
	if (word && strcmp(word, "dane") == 0)
		return TLS_MODE_DANE;
	return TLS_MODE_MAY;
}

const char *
tls_level_word(enum tls_level level)
{
	switch (level) {
	case TLS_VERIFIED:
		return "verified";
	case TLS_DANE:
		return "dane";
	default:
		return "opportunistic";
	}
}


/*
 * RFC 7672 2.2.1: an exchanger named by an MX record that DNSSEC did
 * not vouch for gets no DANE (its TLSA records would prove nothing
 * about the domain); a host named in the configuration (relayhost, -h
 * NAME) is trusted as given.  1: look for TLSA records; -1: failed.
 */
static int
name_secure(struct tls_policy *p, const struct host *h,
    const struct deliver_opts *opt, char *why, size_t whylen)
{
	char	 err[400];
	int	 rc;

	if (h->mx_domain[0] == '\0')
		return 1;
	rc = tlsa_mx_secure(&opt->mo, h->mx_domain, h->name, err,
	    sizeof(err));
	if (rc == -1)
		snprintf(why, whylen, "451 4.7.5 DANE: MX of %s: %s",
		    h->mx_domain, err);
	else if (rc == 0)
		snprintf(p->why, sizeof(p->why), "MX of %.150s not authenticated: "
		    "no DANE", h->mx_domain);
	return rc;
}

/* tls=dane: the TLSA records decide. */
static int
dane_policy(struct tls_policy *p, const struct host *h,
    const struct deliver_opts *opt, char *why, size_t whylen)
{
	char		 err[400];
	int		 rc;
	enum mx_status	 st;

	if ((rc = name_secure(p, h, opt, why, whylen)) != 1)
		return rc == -1 ? -1 : 0;
	st = tlsa_lookup(&opt->mo, h->name, h->port, &p->tlsa, err,
	    sizeof(err));
	if (st == MX_TEMPFAIL) {
		snprintf(why, whylen, "451 4.7.5 %s [%s]:%d: DANE: TLSA "
		    "look-up: %s", h->name, h->address, h->port, err);
		return -1;
	}
	if (st != MX_OK || !p->tlsa.secure) {
		snprintf(p->why, sizeof(p->why), "TLSA of %.150s not "
		    "authenticated: no DANE", h->name);
		tlsa_set_free(&p->tlsa);
		return 0;
	}
	if (p->tlsa.count + p->tlsa.unusable == 0) {
		snprintf(p->why, sizeof(p->why), "no TLSA records for %.150s "
		    "(authenticated denial)", h->name);
		return 0;
	}
	if (p->tlsa.count == 0) {	/* RFC 7672 2.2: never in clear */
		snprintf(why, whylen, "451 4.7.5 %s [%s]:%d: DANE: no usable "
		    "TLSA record (%s)", h->name, h->address, h->port,
		    p->tlsa.why);
		return -1;
	}
	p->level = TLS_DANE;
	snprintf(p->why, sizeof(p->why), "%zu usable TLSA record%s for %.150s",
	    p->tlsa.count, p->tlsa.count == 1 ? "" : "s", h->name);
	return 0;
}

int
tls_policy_for(struct tls_policy *p, const struct host *h,
    const struct deliver_opts *opt, char *why, size_t whylen)
{
	memset(p, 0, sizeof(*p));
	p->name = h->name;
	/* an address, or a literal "[192.0.2.1]": checked as the address */
	if (mx_name_address(h->name, p->address, sizeof(p->address)))
		p->name = p->address;
	p->cafile = opt->tlscafile;
	p->level = TLS_OPPORTUNISTIC;
	strlcpy(p->why, "tls=may", sizeof(p->why));
	/* credentials only ever go to a checked certificate */
	if (opt->tls_mode == TLS_MODE_VERIFY || opt->auth_user != NULL) {
		p->level = TLS_VERIFIED;
		strlcpy(p->why, opt->auth_user ? "credentials" : "tls=verify",
		    sizeof(p->why));
	}
	if (opt->tls_mode != TLS_MODE_DANE)
		return 0;
	if (p->name == p->address) {
		snprintf(p->why, sizeof(p->why), "%.150s: no host name for DANE",
		    h->name);
		return 0;
	}
	return dane_policy(p, h, opt, why, whylen);
}

void
tls_policy_free(struct tls_policy *p)
{
	tlsa_set_free(&p->tlsa);
}
