#include <sys/socket.h>
#include <sys/types.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "deliver.h"

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
	return 0;
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

int
hosts_add(struct host_list *list, const char *spec, int default_port,
    char *err, size_t errlen)
{
	struct addrinfo	 hints, *res, *ai;
	char		 host[256], addr[64];
	int		 port = default_port, rc;

	if (split_spec(spec, host, sizeof(host), &port, err, errlen) == -1)
		return -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr),
		    NULL, 0, NI_NUMERICHOST) != 0)
			continue;
		if (hosts_add_one(list, host, addr, port) == -1) {
			freeaddrinfo(res);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	freeaddrinfo(res);
	return 0;
}
