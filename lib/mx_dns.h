/* SPDX-License-Identifier: ISC */
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
#include "mx_impl.h"

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
 * CNAMEs, checked, into ans (ans->owner: the name the CNAMEs end at).
 * MX_OK with ans->count 0 when the name exists without such records;
 * MX_NOHOST for NXDOMAIN; MX_TEMPFAIL for SERVFAIL, a timeout, a reply
 * we could not complete, or one whose records of type are all malformed.
 */
enum mx_status mx_dns_records(struct mx_dns *dns, const char *name,
	    ldns_rr_type type, struct mx_answer *ans, char *err,
	    size_t errlen);

/* mx_reply.c: one reply, read with care (see mx_parse_reply). */

/* A domain name or address in an rdf (or NULL) as text, no trailing dot. */
void	mx_dns_rdf_text(const ldns_rdf *rdf, char *out, size_t outlen);
/* "MX example.test", for messages. */
void	mx_dns_question(char *out, size_t outlen, ldns_rr_type type,
	    const ldns_rdf *qname);
/* The rcode decides: NOERROR goes on, NXDOMAIN is final, others wait. */
enum mx_status mx_reply_rcode(const ldns_pkt *reply, const char *question,
	    char *err, size_t errlen);
/*
 * A NOERROR reply to the question (*name, type): checks that it answers
 * that question, follows its CNAMEs (replacing *name, counting in
 * ans->hops), and fills ans with the checked records of type there.
 */
enum mx_status mx_read_reply(const ldns_pkt *reply, ldns_rr_type type,
	    ldns_rdf **name, struct mx_answer *ans, char *err, size_t errlen);

#endif
