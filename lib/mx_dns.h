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
	/* DNSSEC (mx_dns_want_dnssec): whether the validating resolver
	 * vouched for the replies, by their AD bit (RFC 4035 3.2.3) */
	int		 dnssec;	/* ask with DO and AD set */
	int		 last_ad;	/* the last reply had AD */
	int		 unauthenticated; /* replies without AD, counted */
};

/* A resolver from opt->server or /etc/resolv.conf; MX_TEMPFAIL if none. */
enum mx_status mx_dns_open(struct mx_dns *dns, const struct mx_options *opt,
	    char *err, size_t errlen);
void	mx_dns_close(struct mx_dns *dns);
/*
 * From now on questions go with the DO bit (EDNS) and the AD bit (RFC
 * 6840 5.7): a validating resolver then sets AD on the replies it
 * validated.  The AD bit is only as good as the path to the resolver:
 * resolver= should be one on this host or the local network.
 */
void	mx_dns_want_dnssec(struct mx_dns *dns);
/*
 * One question and its checked reply (rcode NOERROR; TC retried over
 * TCP; every nameserver asked while they answer errors).  MX_NOHOST
 * for NXDOMAIN, MX_TEMPFAIL otherwise, without a reply.  dns->last_ad
 * says whether the last reply read (NXDOMAIN too) had the AD bit.
 */
enum mx_status mx_dns_ask(struct mx_dns *dns, const ldns_rdf *qname,
	    ldns_rr_type type, ldns_pkt **reply, char *err, size_t errlen);

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
/* rr is of class IN and of type, owned by name (checked as a name). */
int	mx_rr_is_ours(const ldns_rr *rr, const ldns_rdf *name,
	    ldns_rr_type type);
/*
 * That a reply answers the question (*name, type), and its CNAMEs from
 * *name on, followed (replacing *name, counting in *hops, at most
 * MX_ALIAS_MAX over all replies).  MX_TEMPFAIL with why when not.
 */
enum mx_status mx_reply_follow(const ldns_pkt *reply, ldns_rr_type type,
	    ldns_rdf **name, int *hops, char *err, size_t errlen);
/*
 * A NOERROR reply to the question (*name, type): checks that it answers
 * that question, follows its CNAMEs (replacing *name, counting in
 * ans->hops), and fills ans with the checked records of type there.
 */
enum mx_status mx_read_reply(const ldns_pkt *reply, ldns_rr_type type,
	    ldns_rdf **name, struct mx_answer *ans, char *err, size_t errlen);

#endif
