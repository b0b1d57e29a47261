/*
 * The pieces of the MX resolver (lib/mx*.c) behind lib/mx.h.  The
 * parsers and the ordering are pure functions, apart from the DNS code,
 * so that the unit tests reach them; the random source is a parameter.
 */
#ifndef SMTPGATE_MX_IMPL_H
#define SMTPGATE_MX_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "mx.h"

#define MX_NAME_MAX	253	/* a name in text, no trailing dot (RFC 1035 2.3.4) */
#define MX_LABEL_MAX	63
#define MX_ALIAS_MAX	8	/* CNAMEs followed for one name */
#define MX_DEFAULT_TIMEOUT 10	/* seconds, when the caller gives none */

/* One MX record: where mail may go, and how much we prefer it. */
struct mx_exchanger {
	int	 preference;
	char	 name[MX_NAME_MAX + 1];
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

#endif
