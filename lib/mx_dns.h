/*
 * The DNS questions the MX resolver asks, on ldns, within one deadline
 * for the whole look-up, each answer sorted into the outcomes that
 * matter: records (maybe none), no such domain, try again later.
 */
#ifndef SMTPGATE_MX_DNS_H
#define SMTPGATE_MX_DNS_H

#include <time.h>

#include <ldns/ldns.h>

#include "mx.h"

struct mx_dns {
	ldns_resolver	*res;
	struct timespec	 deadline;	/* CLOCK_MONOTONIC */
	int		 timeout;	/* seconds, for messages */
	long long	 try_ms;	/* how long one send may wait */
	int		 mismatch;	/* the last reply had the wrong id */
	int		 timed_out;	/* the last send got no reply in time */
};

/* A resolver from opt->server or /etc/resolv.conf; MX_TEMPFAIL if none. */
enum mx_status mx_dns_open(struct mx_dns *dns, const struct mx_options *opt,
	    char *err, size_t errlen);
void	mx_dns_close(struct mx_dns *dns);

/*
 * The records of type for name (text, no trailing dot), following
 * CNAMEs; the name they end at goes to canon.  MX_OK with *records NULL
 * when the name exists without such records; MX_NOHOST for NXDOMAIN;
 * MX_TEMPFAIL for SERVFAIL, a timeout or a reply we could not complete.
 * The caller frees *records with ldns_rr_list_deep_free.
 */
enum mx_status mx_dns_records(struct mx_dns *dns, const char *name,
	    ldns_rr_type type, ldns_rr_list **records, char *canon,
	    size_t canonlen, char *err, size_t errlen);

/* A domain name or address in an rdf as text, without a trailing dot. */
void	mx_dns_rdf_text(const ldns_rdf *rdf, char *out, size_t outlen);

#endif
