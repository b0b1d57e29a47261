/*
 * Where mail for a domain goes (RFC 5321 section 5): the domain's MX
 * records in order, each exchanger resolved to its IPv6 and IPv4
 * addresses.  No MX records: the domain itself, as an implicit MX of
 * preference 0.  A lone "0 ." (RFC 7505): the domain takes no mail.
 * An exchanger that does not resolve is skipped; if none resolves, the
 * look-up fails for now, since DNS data is often repaired in time.
 * This host itself, when named, is dropped with every worse exchanger.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "mx.h"
#include "mx_dns.h"
#include "mx_impl.h"

struct lookup {
	struct mx_dns		 dns;
	const struct mx_options	*opt;
	struct mx_list		*list;
	const char		*domain;
	int			 out_of_memory;
	char			 why[512];	/* last temporary failure */
};

static void
note(const struct lookup *lk, const char *fmt, ...)
{
	char	 text[1024];
	va_list	 ap;

	if (lk->opt->note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	lk->opt->note(text);
}

/* "[192.0.2.1]", "[IPv6:2001:db8::1]": the address itself, no query. */
static enum mx_status
use_literal(const char *domain, struct mx_list *list, char *err,
    size_t errlen)
{
	char	 addr[64];

	if (mx_parse_literal(domain, addr, sizeof(addr)) != 1) {
		snprintf(err, errlen, "malformed address literal "
		    "(RFC 5321 4.1.3: [192.0.2.1] or [IPv6:2001:db8::1])");
		return MX_BADNAME;
	}
	if (mx_list_add(list, 0, addr, addr) == -1) {
		snprintf(err, errlen, "out of memory");
		return MX_TEMPFAIL;
	}
	return MX_OK;
}

/* The exchangers named by MX records rrs, in the order to try them. */
static enum mx_status
exchangers_of(struct lookup *lk, const ldns_rr_list *rrs,
    struct mx_exchanger **v, size_t *n, char *err, size_t errlen)
{
	size_t		 i, count = ldns_rr_list_rr_count(rrs), roots = 0;
	const ldns_rdf	*pref, *host;

	*n = 0;
	if ((*v = calloc(count, sizeof(**v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return MX_TEMPFAIL;
	}
	for (i = 0; i < count; i++) {
		pref = ldns_rr_mx_preference(ldns_rr_list_rr(rrs, i));
		host = ldns_rr_mx_exchange(ldns_rr_list_rr(rrs, i));
		if (pref == NULL || host == NULL)
			continue;
		if (ldns_dname_label_count(host) == 0) {
			roots++;
			continue;
		}
		(*v)[*n].preference = ldns_rdf2native_int16(pref);
		mx_dns_rdf_text(host, (*v)[*n].name, sizeof((*v)[*n].name));
		(*n)++;
	}
	if (*n == 0) {
		snprintf(err, errlen, roots ? "accepts no mail "
		    "(null MX, RFC 7505)" : "no usable MX record");
		return roots ? MX_NULLMX : MX_TEMPFAIL;
	}
	if (roots > 0)
		note(lk, "%s: null MX listed beside other MX records: "
		    "ignored (RFC 7505 3)", lk->domain);
	*n = mx_order(*v, *n, arc4random_uniform);
	return MX_OK;
}

/* The MX records of name; none: name itself, at preference 0. */
static enum mx_status
find_exchangers(struct lookup *lk, const char *name, struct mx_exchanger **v,
    size_t *n, int *implicit, char *err, size_t errlen)
{
	char		 canon[MX_NAME_MAX + 1];
	ldns_rr_list	*rrs;
	enum mx_status	 st;

	*v = NULL;
	*n = 0;
	*implicit = 0;
	st = mx_dns_records(&lk->dns, name, LDNS_RR_TYPE_MX, &rrs, canon,
	    sizeof(canon), err, errlen);
	if (st != MX_OK)
		return st;
	if (strcasecmp(canon, name) != 0)
		note(lk, "%s is an alias for %s", name, canon);
	if (rrs != NULL) {
		st = exchangers_of(lk, rrs, v, n, err, errlen);
		ldns_rr_list_deep_free(rrs);
		return st;
	}
	note(lk, "%s has no MX record: using the domain itself "
	    "(implicit MX, RFC 5321 5.1)", canon);
	if ((*v = calloc(1, sizeof(**v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return MX_TEMPFAIL;
	}
	strlcpy((*v)[0].name, canon, sizeof((*v)[0].name));
	*n = 1;
	*implicit = 1;
	return MX_OK;
}

/* Lists the addresses in rrs (A or AAAA records) for exchanger ex. */
static size_t
add_addresses(struct lookup *lk, const struct mx_exchanger *ex,
    const ldns_rr_list *rrs)
{
	char	 addr[64];
	size_t	 i, count = ldns_rr_list_rr_count(rrs), found = 0;

	for (i = 0; i < count; i++) {
		const ldns_rdf	*rdf = ldns_rr_rdf(ldns_rr_list_rr(rrs, i), 0);

		/* a hostile reply's A or AAAA may be empty or cut short */
		if (rdf == NULL || !((ldns_rdf_get_type(rdf) ==
		    LDNS_RDF_TYPE_A && ldns_rdf_size(rdf) == 4) ||
		    (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_AAAA &&
		    ldns_rdf_size(rdf) == 16)))
			continue;
		mx_dns_rdf_text(rdf, addr, sizeof(addr));
		if (mx_list_add(lk->list, ex->preference, ex->name, addr) == -1)
			lk->out_of_memory = 1;
		found++;
	}
	return found;
}

/* ex's addresses, of the preferred family first: found, none, or not now. */
static enum mx_status
resolve_exchanger(struct lookup *lk, const struct mx_exchanger *ex)
{
	char		 canon[MX_NAME_MAX + 1], why[512], addr[64];
	ldns_rr_type	 order[2] = { LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_A };
	ldns_rr_list	*rrs;
	enum mx_status	 st;
	size_t		 i, found = 0;
	int		 failed = 0, alias_noted = 0;

	if (mx_name_address(ex->name, addr, sizeof(addr))) {
		note(lk, "MX %s of %s is an address, not a host name: "
		    "used as it is", ex->name, lk->domain);
		if (mx_list_add(lk->list, ex->preference, ex->name,
		    addr) == -1)
			lk->out_of_memory = 1;
		return MX_OK;
	}
	if (lk->opt->prefer_ipv4) {
		order[0] = LDNS_RR_TYPE_A;
		order[1] = LDNS_RR_TYPE_AAAA;
	}
	for (i = 0; i < 2; i++) {
		st = mx_dns_records(&lk->dns, ex->name, order[i], &rrs, canon,
		    sizeof(canon), why, sizeof(why));
		if (st == MX_TEMPFAIL) {
			failed = 1;
			strlcpy(lk->why, why, sizeof(lk->why));
		}
		if (st != MX_OK)
			note(lk, "%s: %s", ex->name, why);
		if (st == MX_NOHOST)
			break;		/* no such name, in any family */
		if (st != MX_OK || rrs == NULL)
			continue;
		if (strcasecmp(canon, ex->name) != 0 && !alias_noted++)
			note(lk, "MX %s of %s is an alias for %s "
			    "(RFC 2181 10.3): followed", ex->name, lk->domain,
			    canon);
		found += add_addresses(lk, ex, rrs);
		ldns_rr_list_deep_free(rrs);
	}
	if (found > 0)
		return MX_OK;
	return failed ? MX_TEMPFAIL : MX_NOHOST;
}

/*
 * RFC 5321 5.1: a relay that finds itself among the exchangers drops
 * itself and every exchanger it is at least as good as, lest mail go
 * round in circles; with nothing left, the mail loops back to us.
 */
static enum mx_status
drop_self(struct lookup *lk, const struct mx_exchanger *v, size_t *n,
    int implicit, char *err, size_t errlen)
{
	size_t	 kept;
	int	 pref;

	kept = mx_drop_self(v, *n, lk->opt->hostname, &pref);
	if (pref == -1)
		return MX_OK;
	if (kept == 0) {
		if (implicit)
			snprintf(err, errlen, "mail for %s loops back to myself "
			    "(no MX record, and %s is this host's name)",
			    lk->domain, v[0].name);
		else
			snprintf(err, errlen, "mail for %s loops back to myself "
			    "(its best MX, %s, is this host)", lk->domain,
			    lk->opt->hostname);
		return MX_LOOP;
	}
	note(lk, "MX %d %s is this host: dropped, with every MX of "
	    "preference %d or more (RFC 5321 5.1)", pref, lk->opt->hostname,
	    pref);
	*n = kept;
	return MX_OK;
}

/* Every exchanger's addresses; the outcome when none has any. */
static enum mx_status
resolve_all(struct lookup *lk, const struct mx_exchanger *v, size_t n,
    int implicit, char *err, size_t errlen)
{
	size_t	 i;
	int	 failed = 0;

	for (i = 0; i < n && !lk->out_of_memory; i++) {
		switch (resolve_exchanger(lk, &v[i])) {
		case MX_OK:
			break;
		case MX_TEMPFAIL:
			failed = 1;
			note(lk, "%s skipped for now", v[i].name);
			break;
		default:
			note(lk, "%s has no address: skipped", v[i].name);
		}
	}
	if (lk->out_of_memory) {
		snprintf(err, errlen, "out of memory");
		return MX_TEMPFAIL;
	}
	if (lk->list->count > 0)
		return MX_OK;
	if (failed)
		snprintf(err, errlen, "%s", lk->why);
	else if (implicit)
		snprintf(err, errlen, "no MX record and no address");
	else
		snprintf(err, errlen, "no mail exchanger of the domain "
		    "has an address");
	return implicit && !failed ? MX_NOHOST : MX_TEMPFAIL;
}

enum mx_status
mx_lookup(const char *domain, const struct mx_options *opt,
    struct mx_list *list, char *err, size_t errlen)
{
	struct lookup		 lk;
	struct mx_exchanger	*v = NULL;
	char			 name[MX_NAME_MAX + 1];
	const char		*why;
	size_t			 n;
	int			 implicit;
	enum mx_status		 st;

	list->hosts = NULL;
	list->count = 0;
	err[0] = '\0';
	if (domain[0] == '[')
		return use_literal(domain, list, err, errlen);
	if ((why = mx_check_domain(domain, name, sizeof(name))) != NULL) {
		snprintf(err, errlen, "%s", why);
		return MX_BADNAME;
	}
	memset(&lk, 0, sizeof(lk));
	lk.opt = opt;
	lk.list = list;
	lk.domain = name;
	if ((st = mx_dns_open(&lk.dns, opt, err, errlen)) == MX_OK &&
	    (st = find_exchangers(&lk, name, &v, &n, &implicit, err,
	    errlen)) == MX_OK &&
	    (st = drop_self(&lk, v, &n, implicit, err, errlen)) == MX_OK)
		st = resolve_all(&lk, v, n, implicit, err, errlen);
	free(v);
	mx_dns_close(&lk.dns);
	if (st != MX_OK)
		mx_list_free(list);
	return st;
}
