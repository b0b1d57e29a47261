/* SPDX-License-Identifier: ISC */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "deliver.h"
#include "mx_impl.h"

int
hosts_add_one(struct host_list *list, const char *name, const char *address,
    int port)
{
	struct host	*grown, *h;

	grown = reallocarray(list->hosts, list->count + 1, sizeof(*grown));
	if (grown == NULL)
		return -1;
	list->hosts = grown;
	h = &grown[list->count++];
	strlcpy(h->name, name, sizeof(h->name));
	strlcpy(h->address, address, sizeof(h->address));
	h->port = port;
	h->mx_domain[0] = '\0';
	return 0;
}

void
hosts_set_mx_domain(struct host_list *list, const char *addr)
{
	char		 copy[1024], domain[256], *d;

	/* "<local part with space@domain> NOTIFY=..." or "addr NOTIFY=..." */
	strlcpy(copy, addr + (addr[0] == '<'), sizeof(copy));
	copy[strcspn(copy, addr[0] == '<' ? ">" : " ")] = '\0';
	d = strrchr(copy, '@');
	strlcpy(domain, d ? d + 1 : "", sizeof(domain));
	for (size_t i = 0; i < list->count; i++)
		if (list->hosts[i].mx_domain[0])
			strlcpy(list->hosts[i].mx_domain, domain,
			    sizeof(list->hosts[i].mx_domain));
}

void
hosts_free(struct host_list *list)
{
	free(list->hosts);
	list->hosts = NULL;
	list->count = 0;
}

/*
 * "[ADDR]:PORT", "[ADDR]", "HOST:PORT", "HOST", or an IPv6 address
 * without brackets (more than one colon), which then has no port.
 */
static int
split_spec(const char *spec, char *host, size_t hostlen, int *port,
    char *err, size_t errlen)
{
	const char	*colon, *why = NULL, *end;
	size_t		 n;

	if (spec[0] == '[') {
		if ((end = strchr(spec, ']')) == NULL)
			goto bad;
		n = (size_t)(end - spec - 1);
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			goto bad;
		spec++;
	} else {
		colon = strchr(spec, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;	/* a bare IPv6 address */
		n = colon ? (size_t)(colon - spec) : strlen(spec);
	}
	if (n == 0 || n >= hostlen)
		goto bad;
	memcpy(host, spec, n);
	host[n] = '\0';
	if (colon) {
		*port = (int)strtonum(colon + 1, 1, 65535, &why);
		if (why)
			goto bad;
	}
	return 0;
bad:
	snprintf(err, errlen, "%s: not HOST, HOST:PORT or [ADDRESS]:PORT",
	    spec);
	return -1;
}

/*
 * RFC 6761 6.3: "localhost" is the loopback interface and is never asked
 * of DNS (a private resolver= would not know it).  1 when host is it.
 */
static int
add_localhost(struct host_list *list, const char *host, int port)
{
	size_t	 n = strlen(host);

	if (n > 0 && host[n - 1] == '.')
		n--;
	if (n != 9 || strncasecmp(host, "localhost", 9) != 0)
		return 0;
	if (hosts_add_one(list, host, "127.0.0.1", port) == -1 ||
	    hosts_add_one(list, host, "::1", port) == -1)
		return -1;
	return 1;
}

/* "NAME=ADDR..." for an exchanger: NAME into mxname, the rest back. */
static const char *
split_mx_name(const char *spec, char *mxname, size_t len)
{
	const char	*eq = strchr(spec, '=');
	size_t		 n = eq ? (size_t)(eq - spec) : 0;

	mxname[0] = '\0';
	if (eq == NULL || n == 0 || n >= len)
		return spec;
	memcpy(mxname, spec, n);
	mxname[n] = '\0';
	return eq + 1;
}

int
hosts_add(struct host_list *list, const char *spec, int default_port,
    const struct mx_options *mo, char *err, size_t errlen)
{
	struct mx_list	 found = { NULL, 0 };
	char		 host[256], why[512], mxname[256], addr[64];
	int		 port = default_port, rc;

	spec = split_mx_name(spec, mxname, sizeof(mxname));
	if (split_spec(spec, host, sizeof(host), &port, err, errlen) == -1)
		return -1;
	if (mxname[0]) {	/* spoolmgr: mxlookup resolved it already */
		if (!mx_name_address(host, addr, sizeof(addr))) {
			snprintf(err, errlen, "%s: not an address", host);
			return -1;
		}
		if (hosts_add_one(list, mxname, addr, port) == -1) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		/* marked as the MX's until the domain is known */
		strlcpy(list->hosts[list->count - 1].mx_domain, ".",
		    sizeof(list->hosts[0].mx_domain));
		return 0;
	}
	if ((rc = add_localhost(list, host, port)) != 0) {
		if (rc == -1)
			snprintf(err, errlen, "out of memory");
		return rc == 1 ? 0 : -1;
	}
	/* the resolver MX look-ups use (resolver=), not getaddrinfo */
	if (mx_host_addresses(host, mo, &found, why, sizeof(why)) != MX_OK) {
		snprintf(err, errlen, "%s: %s", host, why);
		return -1;
	}
	for (size_t i = 0; i < found.count; i++)
		if (hosts_add_one(list, host, found.hosts[i].address,
		    port) == -1) {
			mx_list_free(&found);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	mx_list_free(&found);
	return 0;
}
