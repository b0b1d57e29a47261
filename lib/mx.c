/* SPDX-License-Identifier: ISC */
/*
 * Where mail for a domain goes (RFC 5321 section 5): the domain's MX
 * records in order, each exchanger resolved to its IPv6 and IPv4
 * addresses.  No MX records: the domain itself, as an implicit MX of
 * preference 0.  A lone "0 ." (RFC 7505): the domain takes no mail.
 * An exchanger that does not resolve is skipped; if none resolves, the
 * look-up fails for now, since DNS data is often repaired in time.
 * This host itself, when named or at one of its own addresses, is
 * dropped with every worse exchanger.
 */
#include <errno.h>
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

/* Where the hosts came from, for the words of a loop's message. */
enum mx_source {
	SOURCE_MX,		/* MX records */
	SOURCE_IMPLICIT,	/* no MX: the domain's own addresses */
	SOURCE_LITERAL		/* an address literal, "[192.0.2.1]" */
};

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

/*
 * The exchangers named by MX records ans, in the order to try them, the
 * best MX_EXCHANGERS_MAX of them.
 */
static enum mx_status
exchangers_of(struct lookup *lk, const struct mx_answer *ans,
    struct mx_exchanger **v, size_t *n, char *err, size_t errlen)
{
	size_t	 i, roots = 0;

	*n = 0;
	if ((*v = calloc(ans->count, sizeof(**v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return MX_TEMPFAIL;
	}
	for (i = 0; i < ans->count; i++) {
		if (strcmp(ans->records[i].name, ".") == 0) {
			roots++;
			continue;
		}
		(*v)[*n].preference = ans->records[i].preference;
		strlcpy((*v)[*n].name, ans->records[i].name,
		    sizeof((*v)[*n].name));
		(*n)++;
	}
	if (*n == 0) {
		snprintf(err, errlen, "accepts no mail (null MX, RFC 7505)");
		return MX_NULLMX;
	}
	if (roots > 0)
		note(lk, "%s: null MX listed beside other MX records: "
		    "ignored (RFC 7505 3)", lk->domain);
	*n = mx_order(*v, *n, arc4random_uniform);
	if (*n > MX_EXCHANGERS_MAX) {
		note(lk, "%s: %zu MX records: only the best %d are used",
		    lk->domain, *n, MX_EXCHANGERS_MAX);
		*n = MX_EXCHANGERS_MAX;
	}
	return MX_OK;
}

/* Malformed records ignored beside good ones: noted, not fatal. */
static void
note_ignored(const struct lookup *lk, const struct mx_answer *ans)
{
	if (ans->ignored > 0)
		note(lk, "ignored %zu malformed record%s in a DNS reply: %s",
		    ans->ignored, ans->ignored == 1 ? "" : "s", ans->why);
	if (ans->excess > 0)
		note(lk, "ignored %zu records beyond the first %d of a DNS "
		    "reply for %s", ans->excess, MX_RECORDS_MAX, ans->owner);
}

/* The MX records of name; none: name itself, at preference 0. */
static enum mx_status
find_exchangers(struct lookup *lk, const char *name, struct mx_exchanger **v,
    size_t *n, int *implicit, char *err, size_t errlen)
{
	struct mx_answer	 ans;
	enum mx_status		 st;

	*v = NULL;
	*n = 0;
	*implicit = 0;
	st = mx_dns_records(&lk->dns, name, LDNS_RR_TYPE_MX, &ans, err,
	    errlen);
	if (st != MX_OK)
		return st;
	if (strcasecmp(ans.owner, name) != 0)
		note(lk, "%s is an alias for %s", name, ans.owner);
	note_ignored(lk, &ans);
	if (ans.count > 0)
		return exchangers_of(lk, &ans, v, n, err, errlen);
	note(lk, "%s has no MX record: using the domain itself "
	    "(implicit MX, RFC 5321 5.1)", ans.owner);
	if ((*v = calloc(1, sizeof(**v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return MX_TEMPFAIL;
	}
	strlcpy((*v)[0].name, ans.owner, sizeof((*v)[0].name));
	*n = 1;
	*implicit = 1;
	return MX_OK;
}

/* Lists the addresses in ans (A or AAAA records) for exchanger ex. */
static size_t
add_addresses(struct lookup *lk, const struct mx_exchanger *ex,
    const struct mx_answer *ans)
{
	size_t	 i;

	for (i = 0; i < ans->count; i++)
		if (mx_list_add(lk->list, ex->preference, ex->name,
		    ans->records[i].address) == -1)
			lk->out_of_memory = 1;
	return ans->count;
}

/* ex's addresses, of the preferred family first: found, none, or not now. */
static enum mx_status
resolve_exchanger(struct lookup *lk, const struct mx_exchanger *ex)
{
	char		 why[512], addr[64];
	ldns_rr_type	 order[2] = { LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_A };
	struct mx_answer ans;
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
		st = mx_dns_records(&lk->dns, ex->name, order[i], &ans, why,
		    sizeof(why));
		if (st == MX_TEMPFAIL) {
			failed = 1;
			strlcpy(lk->why, why, sizeof(lk->why));
		}
		if (st != MX_OK)
			note(lk, "%s: %s", ex->name, why);
		if (st == MX_NOHOST)
			break;		/* no such name, in any family */
		if (st != MX_OK || ans.count == 0)
			continue;
		if (strcasecmp(ans.owner, ex->name) != 0 && !alias_noted++)
			note(lk, "MX %s of %s is an alias for %s "
			    "(RFC 2181 10.3): followed", ex->name, lk->domain,
			    ans.owner);
		note_ignored(lk, &ans);
		found += add_addresses(lk, ex, &ans);
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

/* Why mail for the domain would loop: text for the MX_LOOP failure. */
static void
own_loop_reason(const char *domain, const struct mx_host *self,
    enum mx_source source, char *err, size_t errlen)
{
	switch (source) {
	case SOURCE_LITERAL:
		snprintf(err, errlen, "mail for %s loops back to myself "
		    "(%s is an address of this host)", domain, self->address);
		break;
	case SOURCE_IMPLICIT:
		snprintf(err, errlen, "mail for %s loops back to myself "
		    "(no MX record, and its address %s is one of this "
		    "host's)", domain, self->address);
		break;
	case SOURCE_MX:
		snprintf(err, errlen, "mail for %s loops back to myself "
		    "(its best MX, %s, is at %s, an address of this host)",
		    domain, self->name, self->address);
		break;
	}
}

/*
 * RFC 5321 5.1 again, by address: an exchanger at one of this host's
 * own addresses is this host, whatever its name.  It is dropped with
 * every exchanger of its preference or worse; none left is a loop,
 * unless better exchangers (best_pref) were listed but have no address
 * now: then the mail waits for them.
 */
static enum mx_status
drop_own_addresses(struct lookup *lk, enum mx_source source, int best_pref,
    char *err, size_t errlen)
{
	struct mx_own	 own;
	struct mx_host	*self;
	size_t		 kept, at;

	if (mx_own_load(&own) == -1) {
		snprintf(err, errlen, "cannot list this host's addresses "
		    "(getifaddrs): %s", strerror(errno));
		return MX_TEMPFAIL;
	}
	kept = mx_drop_own(lk->list, &own, &at);
	mx_own_free(&own);
	if (at == lk->list->count)
		return MX_OK;
	self = &lk->list->hosts[at];
	if (kept == 0 && self->preference > best_pref) {
		snprintf(err, errlen, "unable to find the primary relay for "
		    "%s: the exchangers better than %s (MX %d, at %s, an "
		    "address of this host) have no address now", lk->domain,
		    self->name, self->preference, self->address);
		return MX_TEMPFAIL;
	}
	if (kept == 0) {
		own_loop_reason(lk->domain, self, source, err, errlen);
		return MX_LOOP;
	}
	note(lk, "MX %d %s is at %s, an address of this host: dropped, "
	    "with every MX of preference %d or more (RFC 5321 5.1)",
	    self->preference, self->name, self->address, self->preference);
	lk->list->count = kept;
	return MX_OK;
}

/* Exchangers by name, then their addresses, each time without this host. */
static enum mx_status
find_all(struct lookup *lk, char *err, size_t errlen)
{
	struct mx_exchanger	*v = NULL;
	size_t			 n;
	int			 implicit;
	enum mx_status		 st;

	if ((st = find_exchangers(lk, lk->domain, &v, &n, &implicit, err,
	    errlen)) == MX_OK &&
	    (st = drop_self(lk, v, &n, implicit, err, errlen)) == MX_OK &&
	    (st = resolve_all(lk, v, n, implicit, err, errlen)) == MX_OK)
		st = drop_own_addresses(lk, implicit ? SOURCE_IMPLICIT :
		    SOURCE_MX, v[0].preference, err, errlen);
	free(v);
	return st;
}

enum mx_status
mx_lookup(const char *domain, const struct mx_options *opt,
    struct mx_list *list, char *err, size_t errlen)
{
	struct lookup		 lk;
	char			 name[MX_NAME_MAX + 1];
	const char		*why;
	enum mx_status		 st;

	list->hosts = NULL;
	list->count = 0;
	err[0] = '\0';
	memset(&lk, 0, sizeof(lk));
	lk.opt = opt;
	lk.list = list;
	lk.domain = domain;
	if (domain[0] == '[') {
		if ((st = use_literal(domain, list, err, errlen)) == MX_OK)
			st = drop_own_addresses(&lk, SOURCE_LITERAL, 0, err,
			    errlen);
	} else if ((why = mx_check_domain(domain, name, sizeof(name))) !=
	    NULL) {
		snprintf(err, errlen, "%s", why);
		st = MX_BADNAME;
	} else {
		lk.domain = name;
		if ((st = mx_dns_open(&lk.dns, opt, err, errlen)) == MX_OK)
			st = find_all(&lk, err, errlen);
		mx_dns_close(&lk.dns);
	}
	if (st != MX_OK)
		mx_list_free(list);
	return st;
}

enum mx_status
mx_host_addresses(const char *host, const struct mx_options *opt,
    struct mx_list *list, char *err, size_t errlen)
{
	struct lookup		 lk;
	struct mx_exchanger	 ex = { .preference = 0 };
	char			 addr[64];
	const char		*why;
	enum mx_status		 st;

	list->hosts = NULL;
	list->count = 0;
	err[0] = '\0';
	if (mx_name_address(host, addr, sizeof(addr))) {
		if (mx_list_add(list, 0, host, addr) == -1) {
			snprintf(err, errlen, "out of memory");
			return MX_TEMPFAIL;
		}
		return MX_OK;
	}
	if ((why = mx_check_domain(host, ex.name, sizeof(ex.name))) != NULL) {
		snprintf(err, errlen, "%s", why);
		return MX_BADNAME;
	}
	memset(&lk, 0, sizeof(lk));
	lk.opt = opt;
	lk.list = list;
	lk.domain = ex.name;
	if ((st = mx_dns_open(&lk.dns, opt, err, errlen)) == MX_OK) {
		st = resolve_exchanger(&lk, &ex);
		if (lk.out_of_memory) {
			snprintf(err, errlen, "out of memory");
			st = MX_TEMPFAIL;
		} else if (st == MX_TEMPFAIL)
			snprintf(err, errlen, "%s", lk.why);
		else if (st != MX_OK)
			snprintf(err, errlen, "no such host, or no address");
	}
	mx_dns_close(&lk.dns);
	if (st != MX_OK)
		mx_list_free(list);
	return st;
}
