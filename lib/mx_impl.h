/* SPDX-License-Identifier: ISC */
/*
 * The pieces of the MX resolver (lib/mx*.c) behind lib/mx.h.  The
 * parsers and the ordering are pure functions, apart from the DNS code,
 * so that the unit tests reach them; the random source is a parameter.
 */
#ifndef SMTPGATE_MX_IMPL_H
#define SMTPGATE_MX_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

#include "mx.h"

#define MX_NAME_MAX	253	/* a name in text, no trailing dot (RFC 1035 2.3.4) */
#define MX_LABEL_MAX	63
#define MX_ALIAS_MAX	8	/* CNAMEs followed for one name */
#define MX_DEFAULT_TIMEOUT 10	/* seconds, when the caller gives none */
#define MX_RECORDS_MAX	64	/* records of one answer used; more are ignored */
#define MX_EXCHANGERS_MAX 16	/* the best exchangers resolved; more are not */

/* One MX record: where mail may go, and how much we prefer it. */
struct mx_exchanger {
	int	 preference;
	char	 name[MX_NAME_MAX + 1];
};

/* One record of a DNS answer, checked and ready to use. */
struct mx_record {
	int	 preference;		/* MX */
	char	 name[MX_NAME_MAX + 1];	/* MX: the exchanger, "." for null MX */
	char	 address[64];		/* A, AAAA: the address as text */
};

/*
 * What one reply says about a question: the usable records of the type
 * asked, at the name the CNAMEs in it lead to.  Records of the type for
 * that name that are malformed (data missing, of the wrong size, or not
 * a host name or address where one belongs) are not in records but
 * counted in ignored, the first one described in why.
 */
struct mx_answer {
	struct mx_record records[MX_RECORDS_MAX];
	size_t		 count;
	size_t		 ignored;	/* malformed records of ours */
	size_t		 excess;	/* good ones beyond MX_RECORDS_MAX */
	char		 why[MX_NAME_MAX + 64];	/* the first malformed one */
	char		 owner[MX_NAME_MAX + 2]; /* where the CNAMEs led */
	int		 hops;		/* CNAMEs followed, over all replies */
};

/* Returns a uniform number in [0, upper_bound): arc4random_uniform. */
typedef uint32_t (*mx_random_fn)(uint32_t upper_bound);

/* mx_parse.c */

/*
 * "ADDR[@PORT]" with ADDR a numeric IPv4 or IPv6 address.  NULL when
 * good (addr and *port filled; 53 without @PORT), else why not.
 */
const char *mx_parse_server(const char *text, char *addr, size_t addrlen,
	    uint16_t *port);
/*
 * An address literal "[192.0.2.1]" or "[IPv6:2001:db8::1]" (RFC 5321
 * 4.1.3): 1 with the address, normalized, in addr; 0 when domain is no
 * literal at all; -1 when it is a malformed one.
 */
int	 mx_parse_literal(const char *domain, char *addr, size_t addrlen);
/*
 * Checks a domain name and copies it, without one trailing dot, to name.
 * NULL when good, else why it is not a domain name.
 */
const char *mx_check_domain(const char *domain, char *name, size_t namelen);
/*
 * 1 if an exchanger's name is in fact an address: dotted IPv4, IPv6, or
 * an address literal "[192.0.2.1]", "[IPv6:2001:db8::1]"; the address,
 * normalized, goes to addr.
 */
int	 mx_name_address(const char *name, char *addr, size_t addrlen);

/* mx_reply.c */

/*
 * Reads wire, the len bytes of a DNS reply to the question (qname, qtype)
 * with qtype 1 (A), 15 (MX) or 28 (AAAA), as the resolver reads every
 * reply: the rcode, that it answers that question, its CNAMEs from qname
 * on (at most MX_ALIAS_MAX), and the checked records of qtype at the
 * name they lead to, into ans.  MX_OK (ans filled; count may be 0),
 * MX_NOHOST for NXDOMAIN, MX_TEMPFAIL for an error rcode or a reply that
 * is not well formed, MX_BADNAME when qname or qtype cannot be asked;
 * why in err.  The entry point for the unit tests and tests/fuzz.
 */
enum mx_status mx_parse_reply(const uint8_t *wire, size_t len,
	    const char *qname, uint16_t qtype, struct mx_answer *ans,
	    char *err, size_t errlen);

/* mx_order.c */

/*
 * Puts exchangers in the order to try them: by preference, a name given
 * twice kept only at its best preference, equal preferences shuffled
 * with rnd (RFC 5321 5.1).  Returns how many remain at the front of v.
 */
size_t	 mx_order(struct mx_exchanger *v, size_t n, mx_random_fn rnd);
/*
 * Drops, from exchangers v already in order, self (this host's name) and
 * every exchanger whose preference is not better than self's (RFC 5321
 * 5.1).  Returns how many remain; *self_pref gets self's preference, or
 * -1 when self is not among them (then nothing is dropped).
 */
size_t	 mx_drop_self(const struct mx_exchanger *v, size_t n,
	    const char *self, int *self_pref);
/* Appends a line to list unless address is already in it; -1: no memory. */
int	 mx_list_add(struct mx_list *list, int preference, const char *name,
	    const char *address);

/* mx_self.c */

/* This host's addresses, IPv4 ones IPv4-mapped, compared exactly. */
struct mx_own {
	struct in6_addr	*addrs;
	size_t		 count;
};

/* Every address of every interface (getifaddrs); -1 with errno. */
int	 mx_own_load(struct mx_own *own);
/* Adds one textual address (for the tests); -1 if it is none. */
int	 mx_own_add(struct mx_own *own, const char *address);
void	 mx_own_free(struct mx_own *own);
/* 1 if address (text) is one of own, or the unspecified address. */
int	 mx_is_own(const struct mx_own *own, const char *address);
/*
 * In list, in order, the first host at one of own's addresses goes to
 * *self (list->count if none) and, with it, every host of its
 * preference or worse is dropped (RFC 5321 5.1): returns how many hosts
 * at the front of the list remain.
 */
size_t	 mx_drop_own(const struct mx_list *list, const struct mx_own *own,
	    size_t *self);

#endif
