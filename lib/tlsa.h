/* SPDX-License-Identifier: ISC */
/*
 * TLSA records (RFC 6698) for DANE with SMTP (RFC 7672): the look-up of
 * _PORT._tcp.HOST through the MX resolver's DNS code (lib/mx_dns.c),
 * the reading of a reply with the same care as lib/mx_reply.c, and
 * whether the validating resolver vouched for it (the AD bit).
 */
#ifndef SMTPGATE_TLSA_H
#define SMTPGATE_TLSA_H

#include <stddef.h>
#include <stdint.h>

#include "mx.h"
#include "mx_impl.h"

#define TLSA_RECORDS_MAX	32	/* usable records kept; more are ignored */
#define TLSA_DATA_MAX		4096	/* a full certificate (matching type 0) */

/* RFC 7672 3.1: the two usages an SMTP client uses. */
#define TLSA_DANE_TA	2
#define TLSA_DANE_EE	3

struct tlsa_record {
	uint8_t		 usage, selector, mtype;
	size_t		 len;
	unsigned char	*data;		/* the association data, len octets */
};

/*
 * The TLSA RRset of one host.  Records that RFC 7672 says an SMTP
 * client cannot use (PKIX-TA(0), PKIX-EE(1), unknown usages, selectors
 * or matching types, a digest of the wrong length, malformed data) are
 * not kept but counted in unusable, the first one described in why.
 */
struct tlsa_set {
	struct tlsa_record rec[TLSA_RECORDS_MAX];
	size_t		 count;		/* usable records in rec */
	size_t		 unusable;
	int		 secure;	/* every reply was authenticated (AD) */
	char		 why[MX_NAME_MAX + 64];
	char		 owner[MX_NAME_MAX + 2]; /* where the CNAMEs led */
};

/*
 * Asks for the TLSA records of _port._tcp.host, CNAMEs followed, through
 * the resolver of opt with DNSSEC wanted.  MX_OK: set filled (NXDOMAIN
 * and no records are MX_OK with nothing in set; set->secure says whether
 * the resolver vouched for the answer or the denial).  MX_TEMPFAIL: the
 * resolver failed (SERVFAIL is what a validating resolver says of bogus
 * data), timed out, or the reply was not well formed; why in err.
 */
enum mx_status tlsa_lookup(const struct mx_options *opt, const char *host,
	    int port, struct tlsa_set *set, char *err, size_t errlen);
/*
 * RFC 7672 2.2.1: whether the MX answer for domain was authenticated and
 * names host as an exchanger; for a domain without MX records, whether
 * that denial was authenticated and host is the domain itself (2.2.2).
 * 1 yes, 0 no (DANE does not apply), -1 the question failed (err).
 */
int	tlsa_mx_secure(const struct mx_options *opt, const char *domain,
	    const char *host, char *err, size_t errlen);
void	tlsa_set_free(struct tlsa_set *set);

/*
 * Reads wire, the len bytes of a DNS reply to "TLSA qname", as
 * tlsa_lookup reads each reply: rcode, question, CNAMEs, and every TLSA
 * record of the name they lead to, checked, into set (set->secure from
 * the AD bit).  MX_OK, MX_TEMPFAIL (error rcode, malformed reply) or
 * MX_BADNAME; why in err.  For the unit tests and tests/fuzz.  Free set
 * with tlsa_set_free in any case.
 */
enum mx_status tlsa_parse_reply(const uint8_t *wire, size_t len,
	    const char *qname, struct tlsa_set *set, char *err, size_t errlen);

#endif
