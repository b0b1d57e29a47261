/* SPDX-License-Identifier: ISC */
/*
 * Reading one DNS reply for the MX resolver.  A reply is a stranger's
 * bytes: ldns parses the wire format, but it keeps a record whose data
 * is empty or short (rdata count 0 or 1), and its accessors assert or
 * hand back NULL on those.  So nothing here is used before it is
 * checked: the rcode, the question the reply answers, the owner, class,
 * type, data count and sizes of every record, and that a name is a host
 * name.  A malformed record is ignored and counted; the caller decides
 * what a reply with nothing usable left means.  No I/O here.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "mx_dns.h"
#include "mx_impl.h"

/* ldns prints a label byte as at most 4 characters ("\255"). */
#define NAME_TEXT_MAX	(255 * 4 + 2)

void
mx_dns_question(char *out, size_t outlen, ldns_rr_type type,
    const ldns_rdf *qname)
{
	char	 name[MX_NAME_MAX + 2], *tname = ldns_rr_type2str(type);

	mx_dns_rdf_text(qname, name, sizeof(name));
	snprintf(out, outlen, "%s %s", tname ? tname : "?", name);
	free(tname);
}

void
mx_dns_rdf_text(const ldns_rdf *rdf, char *out, size_t outlen)
{
	char	*text = rdf ? ldns_rdf2str(rdf) : NULL;
	size_t	 len;

	strlcpy(out, text ? text : "?", outlen);
	free(text);
	len = strlen(out);
	if (len > 1 && out[len - 1] == '.')
		out[len - 1] = '\0';
}

enum mx_status
mx_reply_rcode(const ldns_pkt *reply, const char *question, char *err,
    size_t errlen)
{
	ldns_pkt_rcode	 rcode = ldns_pkt_get_rcode(reply);
	char		*name;

	if (rcode == LDNS_RCODE_NOERROR)
		return MX_OK;
	if (rcode == LDNS_RCODE_NXDOMAIN) {
		snprintf(err, errlen, "no such domain (NXDOMAIN for %s)",
		    question);
		return MX_NOHOST;
	}
	name = ldns_pkt_rcode2str(rcode);
	if (rcode == LDNS_RCODE_SERVFAIL)
		snprintf(err, errlen, "temporary DNS failure "
		    "(SERVFAIL for %s)", question);
	else
		snprintf(err, errlen, "DNS server answered %s for %s",
		    name ? name : "an unknown rcode", question);
	free(name);
	return MX_TEMPFAIL;
}

/* A well-formed domain name in wire form: labels of 1-63, then the root. */
static int
dname_ok(const ldns_rdf *rdf)
{
	const uint8_t	*d;
	size_t		 size, pos = 0;

	if (rdf == NULL || ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME)
		return 0;
	d = ldns_rdf_data(rdf);
	size = ldns_rdf_size(rdf);
	if (d == NULL || size == 0 || size > LDNS_MAX_DOMAINLEN + 1)
		return 0;
	while (pos < size && d[pos] != 0) {
		if (d[pos] > MX_LABEL_MAX)
			return 0;
		pos += (size_t)d[pos] + 1;
	}
	return pos == size - 1;
}

/* Both names are there, are names, and are equal but for letter case. */
static int
same_name(const ldns_rdf *a, const ldns_rdf *b)
{
	return dname_ok(a) && dname_ok(b) && ldns_dname_compare(a, b) == 0;
}

/* rr is of class IN and type, owned by name. */
int
mx_rr_is_ours(const ldns_rr *rr, const ldns_rdf *name, ldns_rr_type type)
{
	return rr != NULL && ldns_rr_get_type(rr) == type &&
	    ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN &&
	    same_name(ldns_rr_owner(rr), name);
}

/* The reply is about the question asked: name, type, class IN. */
static int
answers_question(const ldns_pkt *reply, const ldns_rdf *name,
    ldns_rr_type type)
{
	const ldns_rr_list	*q = ldns_pkt_question(reply);

	return q != NULL && ldns_rr_list_rr_count(q) == 1 &&
	    mx_rr_is_ours(ldns_rr_list_rr(q, 0), name, type);
}

/* Notes the first reason a record was ignored, and counts them all. */
static void
ignore(struct mx_answer *ans, const char *what, const ldns_rdf *owner)
{
	char	 name[MX_NAME_MAX + 2];

	if (ans->ignored++ == 0) {
		mx_dns_rdf_text(owner, name, sizeof(name));
		snprintf(ans->why, sizeof(ans->why), "%s for %s", what, name);
	}
}

/*
 * The first CNAME owned by *name in reply, checked: its target, or NULL
 * (and *bad set) when the record is malformed.
 */
static const ldns_rdf *
alias_target(const ldns_pkt *reply, const ldns_rdf *name, int *bad)
{
	const ldns_rr_list	*an = ldns_pkt_answer(reply);
	const ldns_rr		*rr;
	size_t			 i, n = an ? ldns_rr_list_rr_count(an) : 0;

	*bad = 0;
	for (i = 0; i < n; i++) {
		rr = ldns_rr_list_rr(an, i);
		if (!mx_rr_is_ours(rr, name, LDNS_RR_TYPE_CNAME))
			continue;
		if (ldns_rr_rd_count(rr) == 1 && dname_ok(ldns_rr_rdf(rr, 0)))
			return ldns_rr_rdf(rr, 0);
		*bad = 1;
		return NULL;
	}
	return NULL;
}

/*
 * Follows the CNAMEs in reply from *name on, replacing *name with where
 * they lead; *hops counts them across replies.
 */
static enum mx_status
follow_aliases(const ldns_pkt *reply, ldns_rdf **name, int *hops,
    char *err, size_t errlen)
{
	const ldns_rdf	*target;
	ldns_rdf	*copy;
	char		 text[MX_NAME_MAX + 2];
	int		 bad;

	while ((target = alias_target(reply, *name, &bad)) != NULL) {
		if (++*hops > MX_ALIAS_MAX) {
			snprintf(err, errlen, "more than %d CNAMEs in a row "
			    "(an alias loop?)", MX_ALIAS_MAX);
			return MX_TEMPFAIL;
		}
		if ((copy = ldns_rdf_clone(target)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return MX_TEMPFAIL;
		}
		ldns_rdf_deep_free(*name);
		*name = copy;
	}
	if (bad) {
		mx_dns_rdf_text(*name, text, sizeof(text));
		snprintf(err, errlen, "malformed DNS reply: CNAME record "
		    "for %s without a valid target name", text);
		return MX_TEMPFAIL;
	}
	return MX_OK;
}

/*
 * An exchanger's name as text into out: "." for the root (null MX), a
 * host name, or an address (mx_name_address).  0 if it is one of these.
 */
static int
exchange_text(const ldns_rdf *rdf, char *out, size_t outlen)
{
	char	 text[NAME_TEXT_MAX], name[MX_NAME_MAX + 1], addr[64];

	if (!dname_ok(rdf))
		return -1;
	if (ldns_dname_label_count(rdf) == 0) {
		strlcpy(out, ".", outlen);
		return 0;
	}
	mx_dns_rdf_text(rdf, text, sizeof(text));
	if (!mx_name_address(text, addr, sizeof(addr)) &&
	    mx_check_domain(text, name, sizeof(name)) != NULL)
		return -1;
	return strlcpy(out, text, outlen) < outlen ? 0 : -1;
}

/* An MX record's preference and exchanger into rec; -1 if malformed. */
static int
read_mx(const ldns_rr *rr, struct mx_record *rec)
{
	const ldns_rdf	*pref;

	if (ldns_rr_rd_count(rr) != 2)
		return -1;
	pref = ldns_rr_rdf(rr, 0);
	if (pref == NULL || ldns_rdf_get_type(pref) != LDNS_RDF_TYPE_INT16 ||
	    ldns_rdf_size(pref) != 2)
		return -1;
	rec->preference = ldns_rdf2native_int16(pref);
	return exchange_text(ldns_rr_rdf(rr, 1), rec->name, sizeof(rec->name));
}

/* An A or AAAA record's address, as text, into rec; -1 if malformed. */
static int
read_address(const ldns_rr *rr, int family, struct mx_record *rec)
{
	const ldns_rdf	*rdf;
	size_t		 size = family == AF_INET ? 4 : 16;

	if (ldns_rr_rd_count(rr) != 1)
		return -1;
	rdf = ldns_rr_rdf(rr, 0);
	if (rdf == NULL || ldns_rdf_size(rdf) != size ||
	    ldns_rdf_get_type(rdf) != (family == AF_INET ?
	    LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA))
		return -1;
	return inet_ntop(family, ldns_rdf_data(rdf), rec->address,
	    sizeof(rec->address)) ? 0 : -1;
}

static int
read_record(const ldns_rr *rr, ldns_rr_type type, struct mx_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	switch (type) {
	case LDNS_RR_TYPE_MX:
		return read_mx(rr, rec);
	case LDNS_RR_TYPE_A:
		return read_address(rr, AF_INET, rec);
	case LDNS_RR_TYPE_AAAA:
		return read_address(rr, AF_INET6, rec);
	default:
		return -1;
	}
}

/* The records of type owned by name, each checked, into ans. */
static void
collect(const ldns_pkt *reply, const ldns_rdf *name, ldns_rr_type type,
    struct mx_answer *ans)
{
	const ldns_rr_list	*an = ldns_pkt_answer(reply);
	const ldns_rr		*rr;
	size_t			 i, n = an ? ldns_rr_list_rr_count(an) : 0;

	for (i = 0; i < n; i++) {
		rr = ldns_rr_list_rr(an, i);
		if (!mx_rr_is_ours(rr, name, type))
			continue;	/* another owner's: not asked for */
		if (ans->count == MX_RECORDS_MAX) {
			ans->excess++;
			continue;
		}
		if (read_record(rr, type, &ans->records[ans->count]) == 0)
			ans->count++;
		else
			ignore(ans, type == LDNS_RR_TYPE_MX ? "malformed MX "
			    "record" : type == LDNS_RR_TYPE_A ? "malformed A "
			    "record" : "malformed AAAA record", name);
	}
}

enum mx_status
mx_reply_follow(const ldns_pkt *reply, ldns_rr_type type, ldns_rdf **name,
    int *hops, char *err, size_t errlen)
{
	char		 question[MX_NAME_MAX + 16];

	if (!answers_question(reply, *name, type)) {
		mx_dns_question(question, sizeof(question), type, *name);
		snprintf(err, errlen, "malformed DNS reply: it does not "
		    "answer the question (%s)", question);
		return MX_TEMPFAIL;
	}
	return follow_aliases(reply, name, hops, err, errlen);
}

enum mx_status
mx_read_reply(const ldns_pkt *reply, ldns_rr_type type, ldns_rdf **name,
    struct mx_answer *ans, char *err, size_t errlen)
{
	enum mx_status	 st;

	ans->count = 0;
	ans->ignored = 0;
	ans->excess = 0;
	ans->why[0] = '\0';
	if ((st = mx_reply_follow(reply, type, name, &ans->hops, err,
	    errlen)) != MX_OK)
		return st;
	collect(reply, *name, type, ans);
	mx_dns_rdf_text(*name, ans->owner, sizeof(ans->owner));
	return MX_OK;
}

/* The record type a fuzzer or a test may ask about. */
static int
known_type(uint16_t qtype)
{
	return qtype == LDNS_RR_TYPE_MX || qtype == LDNS_RR_TYPE_A ||
	    qtype == LDNS_RR_TYPE_AAAA;
}

enum mx_status
mx_parse_reply(const uint8_t *wire, size_t len, const char *qname,
    uint16_t qtype, struct mx_answer *ans, char *err, size_t errlen)
{
	ldns_pkt	*reply = NULL;
	ldns_rdf	*name;
	ldns_status	 s;
	char		 question[MX_NAME_MAX + 16];
	enum mx_status	 st;

	memset(ans, 0, sizeof(*ans));
	err[0] = '\0';
	if (!known_type(qtype) || (name = ldns_dname_new_frm_str(qname)) ==
	    NULL) {
		snprintf(err, errlen, "not a question the resolver asks");
		return MX_BADNAME;
	}
	mx_dns_question(question, sizeof(question), qtype, name);
	if ((s = ldns_wire2pkt(&reply, wire, len)) != LDNS_STATUS_OK) {
		snprintf(err, errlen, "malformed DNS reply: %s (%s)",
		    ldns_get_errorstr_by_id(s), question);
		st = MX_TEMPFAIL;
	} else if ((st = mx_reply_rcode(reply, question, err, errlen)) ==
	    MX_OK)
		st = mx_read_reply(reply, qtype, &name, ans, err, errlen);
	ldns_pkt_free(reply);
	ldns_rdf_deep_free(name);
	return st;
}
