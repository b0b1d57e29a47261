/* SPDX-License-Identifier: ISC */
/*
 * This host's own addresses, for the loop rule of RFC 5321 5.1: an
 * exchanger at one of them is this host, whatever its name, and mail
 * sent there would come straight back into our own smtpd.  Addresses
 * are compared exactly, never as networks: on Linux all of 127/8 is
 * routed to lo, but only the addresses configured on an interface are
 * this host's.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <ifaddrs.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>

#include "mx_impl.h"

/* text as 16 bytes, an IPv4 address IPv4-mapped; 0 if it is an address. */
static int
address_bytes(const char *text, struct in6_addr *out)
{
	struct in_addr	 v4;

	if (inet_pton(AF_INET6, text, out) == 1)
		return 0;
	if (inet_pton(AF_INET, text, &v4) != 1)
		return -1;
	memset(out, 0, sizeof(*out));
	out->s6_addr[10] = 0xff;
	out->s6_addr[11] = 0xff;
	memcpy(&out->s6_addr[12], &v4, 4);
	return 0;
}

static int
add_bytes(struct mx_own *own, const struct in6_addr *a)
{
	struct in6_addr	*grown;

	grown = reallocarray(own->addrs, own->count + 1, sizeof(*grown));
	if (grown == NULL)
		return -1;
	own->addrs = grown;
	own->addrs[own->count++] = *a;
	return 0;
}

int
mx_own_add(struct mx_own *own, const char *address)
{
	struct in6_addr	 a;

	if (address_bytes(address, &a) == -1)
		return -1;
	return add_bytes(own, &a);
}

/* The address of one getifaddrs entry, if it is IPv4 or IPv6. */
static int
interface_address(const struct sockaddr *sa, struct in6_addr *out)
{
	const struct sockaddr_in	*sin;

	if (sa == NULL)
		return -1;
	if (sa->sa_family == AF_INET6) {
		*out = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		return 0;
	}
	if (sa->sa_family != AF_INET)
		return -1;
	sin = (const struct sockaddr_in *)(const void *)sa;
	memset(out, 0, sizeof(*out));
	out->s6_addr[10] = 0xff;
	out->s6_addr[11] = 0xff;
	memcpy(&out->s6_addr[12], &sin->sin_addr, 4);
	return 0;
}

int
mx_own_load(struct mx_own *own)
{
	struct ifaddrs	*all, *ifa;
	struct in6_addr	 a;
	int		 rc = 0;

	own->addrs = NULL;
	own->count = 0;
	if (getifaddrs(&all) == -1)
		return -1;
	for (ifa = all; ifa != NULL && rc == 0; ifa = ifa->ifa_next)
		if (interface_address(ifa->ifa_addr, &a) == 0)
			rc = add_bytes(own, &a);
	freeifaddrs(all);
	if (rc == -1)
		mx_own_free(own);
	return rc;
}

void
mx_own_free(struct mx_own *own)
{
	free(own->addrs);
	own->addrs = NULL;
	own->count = 0;
}

/*
 * The unspecified address (0.0.0.0, ::) is this host too: a connection
 * to it reaches the local machine.
 */
static int
unspecified(const struct in6_addr *a)
{
	static const uint8_t	 mapped_any[16] = { [10] = 0xff, [11] = 0xff };

	return IN6_IS_ADDR_UNSPECIFIED(a) ||
	    memcmp(a->s6_addr, mapped_any, 16) == 0;
}

int
mx_is_own(const struct mx_own *own, const char *address)
{
	struct in6_addr	 a;
	size_t		 i;

	if (address_bytes(address, &a) == -1)
		return 0;
	if (unspecified(&a))
		return 1;
	for (i = 0; i < own->count; i++)
		if (memcmp(&own->addrs[i], &a, sizeof(a)) == 0)
			return 1;
	return 0;
}

size_t
mx_drop_own(const struct mx_list *list, const struct mx_own *own,
    size_t *self)
{
	size_t	 i, kept;

	for (i = 0; i < list->count; i++)
		if (mx_is_own(own, list->hosts[i].address))
			break;
	*self = i;
	if (i == list->count)
		return list->count;
	for (kept = 0; kept < list->count && list->hosts[kept].preference <
	    list->hosts[i].preference; kept++)
		;
	return kept;
}
