/* SPDX-License-Identifier: ISC */
/*
 * Where mail for a domain goes (RFC 5321 section 5, RFC 7505): the MX
 * resolver on ldns that mxlookup and mailer share.
 */
#ifndef SMTPGATE_MX_H
#define SMTPGATE_MX_H

#include <stddef.h>

enum mx_status {
	MX_OK = 0,	/* hosts found */
	MX_NOHOST,	/* NXDOMAIN, or no address at all: permanent */
	MX_NULLMX,	/* RFC 7505 "0 .": the domain takes no mail */
	MX_TEMPFAIL,	/* SERVFAIL, timeout, truncation TCP could not fix */
	MX_BADNAME,	/* not a valid domain name: no query was sent */
	MX_LOOP		/* the best MX is this host: mail would loop back */
};

struct mx_host {
	int	 preference;
	char	 name[256];	/* exchanger, without the trailing dot */
	char	 address[64];	/* textual IPv4 or IPv6 address */
};

struct mx_list {
	struct mx_host	*hosts;		/* in the order to try them */
	size_t		 count;
};

struct mx_options {
	const char	*server;	/* "ADDR[@PORT]", NULL: resolv.conf */
	int		 timeout;	/* seconds for the whole look-up */
	int		 prefer_ipv4;	/* IPv4 addresses of a host first */
	void		(*note)(const char *text);	/* -v notes, or NULL */
	/*
	 * This host's own name (hostname=), or NULL.  An exchanger of that
	 * name and every one of equal or worse preference are dropped
	 * (RFC 5321 5.1); if none is left, MX_LOOP.
	 */
	const char	*hostname;
};

/* Fills list; on failure a reason in err.  "[1.2.3.4]" needs no query. */
enum mx_status mx_lookup(const char *domain, const struct mx_options *opt,
	    struct mx_list *list, char *err, size_t errlen);
/*
 * The addresses of one host name (A and AAAA records, no MX, no loop
 * check) through the same resolver, for a relay host or a host named
 * on the command line; a numeric address or "[192.0.2.1]" needs no
 * query.  MX_NOHOST: no such name, or no address; MX_TEMPFAIL: not now.
 */
enum mx_status mx_host_addresses(const char *host, const struct mx_options *opt,
	    struct mx_list *list, char *err, size_t errlen);
void	mx_list_free(struct mx_list *list);

#endif
