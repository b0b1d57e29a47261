/* SPDX-License-Identifier: ISC */
/*
 * TLSA records for DANE (RFC 6698, RFC 7672).  A reply is a stranger's
 * bytes, read as lib/mx_reply.c reads one: the rcode, the question it
 * answers, its CNAMEs, then each record of ours checked for its data
 * count and sizes before any byte of it is used.  Whether the reply can
 * be believed is the validating resolver's word, the AD bit; a bogus
 * answer reaches us as SERVFAIL, a temporary failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bsd/string.h>

#include "mx_dns.h"
#include "mx_impl.h"
#include "tlsa.h"

/* Why rr cannot be used, or NULL when it can (RFC 7672 3.1). */
static const char *
unusable(uint8_t usage, uint8_t selector, uint8_t mtype, size_t len)
{
	if (usage != TLSA_DANE_TA && usage != TLSA_DANE_EE)
		return usage <= 1 ? "PKIX usage (RFC 7672 3.1.3)" :
		    "unknown usage";
	if (selector > 1)
		return "unknown selector";
	if (mtype > 2)
		return "unknown matching type";
	if ((mtype == 1 && len != 32) || (mtype == 2 && len != 64))
		return "digest of the wrong length";
	if (len == 0 || len > TLSA_DATA_MAX)
		return "no or too much association data";
	return NULL;
}

/* One octet field of a TLSA record, checked; -1 if malformed. */
static int
octet(const ldns_rr *rr, size_t i)
{
	const ldns_rdf	*rdf = ldns_rr_rdf(rr, i);

	if (rdf == NULL || ldns_rdf_size(rdf) != 1 ||
	    ldns_rdf_data(rdf) == NULL)
		return -1;
	return ldns_rdf_data(rdf)[0];
}

static void
note_unusable(struct tlsa_set *set, const char *what, const char *owner)
{
	if (set->unusable++ == 0)
		snprintf(set->why, sizeof(set->why), "%s in TLSA record for "
		    "%s", what, owner);
}

/* One TLSA record into set, or counted as unusable; -1: no memory. */
static int
read_tlsa(const ldns_rr *rr, struct tlsa_set *set, const char *owner)
{
	const ldns_rdf		*data;
	struct tlsa_record	*rec = &set->rec[set->count];
	int			 u, s, m;
	size_t			 len;
	const char		*why;

	data = ldns_rr_rd_count(rr) == 4 ? ldns_rr_rdf(rr, 3) : NULL;
	u = ldns_rr_rd_count(rr) == 4 ? octet(rr, 0) : -1;
	s = u >= 0 ? octet(rr, 1) : -1;
	m = s >= 0 ? octet(rr, 2) : -1;
	if (m < 0 || data == NULL || ldns_rdf_data(data) == NULL) {
		note_unusable(set, "malformed data", owner);
		return 0;
	}
	len = ldns_rdf_size(data);
	if ((why = unusable((uint8_t)u, (uint8_t)s, (uint8_t)m, len))) {
		note_unusable(set, why, owner);
		return 0;
	}
	if (set->count == TLSA_RECORDS_MAX)
		return 0;	/* enough to choose from */
	if ((rec->data = malloc(len)) == NULL)
		return -1;
	memcpy(rec->data, ldns_rdf_data(data), len);
	rec->len = len;
	rec->usage = (uint8_t)u;
	rec->selector = (uint8_t)s;
	rec->mtype = (uint8_t)m;
	set->count++;
	return 0;
}

/* The TLSA records owned by name in reply, into set. */
static enum mx_status
collect(const ldns_pkt *reply, const ldns_rdf *name, struct tlsa_set *set,
    char *err, size_t errlen)
{
	const ldns_rr_list	*an = ldns_pkt_answer(reply);
	size_t			 n = an ? ldns_rr_list_rr_count(an) : 0;
	char			 owner[MX_NAME_MAX + 2];

	mx_dns_rdf_text(name, owner, sizeof(owner));
	for (size_t i = 0; i < n; i++) {
		const ldns_rr	*rr = ldns_rr_list_rr(an, i);

		if (!mx_rr_is_ours(rr, name, LDNS_RR_TYPE_TLSA))
			continue;	/* another owner's: not asked for */
		if (read_tlsa(rr, set, owner) == -1) {
			snprintf(err, errlen, "out of memory");
			return MX_TEMPFAIL;
		}
	}
	return MX_OK;
}

/* A NOERROR reply for *name: its CNAMEs, then its records. */
static enum mx_status
read_reply(const ldns_pkt *reply, ldns_rdf **name, int *hops,
    struct tlsa_set *set, char *err, size_t errlen)
{
	enum mx_status	 st;

	set->secure &= ldns_pkt_ad(reply) ? 1 : 0;
	st = mx_reply_follow(reply, LDNS_RR_TYPE_TLSA, name, hops, err,
	    errlen);
	if (st == MX_OK)
		st = collect(reply, *name, set, err, errlen);
	mx_dns_rdf_text(*name, set->owner, sizeof(set->owner));
	return st;
}

/* The questions for qname, CNAMEs followed from one reply to the next. */
static enum mx_status
ask_tlsa(struct mx_dns *dns, ldns_rdf **cur, struct tlsa_set *set,
    char *err, size_t errlen)
{
	ldns_pkt	*reply;
	enum mx_status	 st;
	int		 hops = 0, before;

	for (;;) {
		st = mx_dns_ask(dns, *cur, LDNS_RR_TYPE_TLSA, &reply, err,
		    errlen);
		if (st == MX_NOHOST) {	/* no such name: no records */
			set->secure &= dns->last_ad ? 1 : 0;
			return MX_OK;
		}
		if (st != MX_OK)
			return st;
		before = hops;
		st = read_reply(reply, cur, &hops, set, err, errlen);
		ldns_pkt_free(reply);
		if (st != MX_OK || set->count + set->unusable > 0 ||
		    hops == before)
			return st;
	}
}

enum mx_status
tlsa_lookup(const struct mx_options *opt, const char *host, int port,
    struct tlsa_set *set, char *err, size_t errlen)
{
	struct mx_dns	 dns;
	char		 name[MX_NAME_MAX + 1], qname[MX_NAME_MAX + 32];
	ldns_rdf	*cur;
	enum mx_status	 st;

	memset(set, 0, sizeof(*set));
	set->secure = 1;
	if (mx_check_domain(host, name, sizeof(name)) != NULL ||
	    snprintf(qname, sizeof(qname), "_%d._tcp.%s", port, name) >=
	    MX_NAME_MAX + 1 || (cur = ldns_dname_new_frm_str(qname)) == NULL) {
		snprintf(err, errlen, "%s: no TLSA name for it", host);
		set->secure = 0;
		return MX_BADNAME;
	}
	strlcpy(set->owner, qname, sizeof(set->owner));
	if ((st = mx_dns_open(&dns, opt, err, errlen)) == MX_OK) {
		mx_dns_want_dnssec(&dns);
		st = ask_tlsa(&dns, &cur, set, err, errlen);
	}
	if (st != MX_OK) {
		set->secure = 0;
		tlsa_set_free(set);
	}
	mx_dns_close(&dns);
	ldns_rdf_deep_free(cur);
	return st;
}

/* host is the (CNAME-expanded) domain, or one of its MX records names it. */
static int
names_host(const struct mx_answer *ans, const char *domain, const char *host)
{
	if (ans->count == 0)
		return strcasecmp(host, domain) == 0 ||
		    strcasecmp(host, ans->owner) == 0;
	for (size_t i = 0; i < ans->count; i++)
		if (strcasecmp(ans->records[i].name, host) == 0)
			return 1;
	return 0;
}

int
tlsa_mx_secure(const struct mx_options *opt, const char *domain,
    const char *host, char *err, size_t errlen)
{
	struct mx_dns		 dns;
	struct mx_answer	 ans;
	enum mx_status		 st;
	int			 rc = -1;

	if ((st = mx_dns_open(&dns, opt, err, errlen)) == MX_OK) {
		mx_dns_want_dnssec(&dns);
		st = mx_dns_records(&dns, domain, LDNS_RR_TYPE_MX, &ans, err,
		    errlen);
		if (st == MX_NOHOST)
			rc = 0;
		else if (st == MX_OK)
			rc = dns.unauthenticated == 0 &&
			    names_host(&ans, domain, host);
	}
	mx_dns_close(&dns);
	return rc;
}

void
tlsa_set_free(struct tlsa_set *set)
{
	for (size_t i = 0; i < set->count; i++) {
		free(set->rec[i].data);
		set->rec[i].data = NULL;
	}
	set->count = 0;
}

enum mx_status
tlsa_parse_reply(const uint8_t *wire, size_t len, const char *qname,
    struct tlsa_set *set, char *err, size_t errlen)
{
	ldns_pkt	*reply = NULL;
	ldns_rdf	*name;
	ldns_status	 s;
	char		 question[MX_NAME_MAX + 16];
	enum mx_status	 st;
	int		 hops = 0;

	memset(set, 0, sizeof(*set));
	err[0] = '\0';
	if ((name = ldns_dname_new_frm_str(qname)) == NULL) {
		snprintf(err, errlen, "not a question the resolver asks");
		return MX_BADNAME;
	}
	set->secure = 1;
	mx_dns_question(question, sizeof(question), LDNS_RR_TYPE_TLSA, name);
	if ((s = ldns_wire2pkt(&reply, wire, len)) != LDNS_STATUS_OK) {
		snprintf(err, errlen, "malformed DNS reply: %s (%s)",
		    ldns_get_errorstr_by_id(s), question);
		st = MX_TEMPFAIL;
	} else if ((st = mx_reply_rcode(reply, question, err, errlen)) ==
	    MX_NOHOST) {
		set->secure = ldns_pkt_ad(reply) ? 1 : 0;
		st = MX_OK;
	} else if (st == MX_OK)
		st = read_reply(reply, &name, &hops, set, err, errlen);
	if (st != MX_OK) {	/* nothing of a failed reply is used */
		set->secure = 0;
		tlsa_set_free(set);
	}
	ldns_pkt_free(reply);
	ldns_rdf_deep_free(name);
	return st;
}
