/* SPDX-License-Identifier: ISC */
/*
 * The text the MX resolver is given: a resolver "ADDR[@PORT]", a domain
 * name, an address literal.  No I/O here.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <bsd/stdlib.h>

#include "addr.h"
#include "mx_impl.h"

/* Writes the normal text form of a numeric address; 0 if it is one. */
static int
normal_address(const char *text, int family, char *out, size_t outlen)
{
	unsigned char	 bin[16];

	if (inet_pton(family, text, bin) != 1)
		return -1;
	return inet_ntop(family, bin, out, (socklen_t)outlen) ? 0 : -1;
}

const char *
mx_parse_server(const char *text, char *addr, size_t addrlen, uint16_t *port)
{
	char		 host[64];
	const char	*at, *why = NULL;
	size_t		 len;
	long long	 num;

	at = strrchr(text, '@');
	len = at ? (size_t)(at - text) : strlen(text);
	if (len == 0)
		return "no address before @";
	if (len >= sizeof(host))
		return "address too long";
	memcpy(host, text, len);
	host[len] = '\0';
	*port = 53;
	if (at != NULL) {
		num = strtonum(at + 1, 1, 65535, &why);
		if (why != NULL)
			return "port must be a number from 1 to 65535";
		*port = (uint16_t)num;
	}
	if (normal_address(host, AF_INET, addr, addrlen) == 0 ||
	    normal_address(host, AF_INET6, addr, addrlen) == 0)
		return NULL;
	return "not a numeric IPv4 or IPv6 address";
}

int
mx_parse_literal(const char *domain, char *addr, size_t addrlen)
{
	char	 inside[64];
	size_t	 len = strlen(domain);

	if (domain[0] != '[')
		return 0;
	if (len < 3 || domain[len - 1] != ']' || len - 2 >= sizeof(inside))
		return -1;
	memcpy(inside, domain + 1, len - 2);
	inside[len - 2] = '\0';
	if (strncasecmp(inside, "IPv6:", 5) == 0)
		return normal_address(inside + 5, AF_INET6, addr, addrlen) ?
		    -1 : 1;
	return normal_address(inside, AF_INET, addr, addrlen) ? -1 : 1;
}

/* Why a name (no trailing dot) breaks RFC 1035 2.3.4, or NULL. */
static const char *
label_trouble(const char *name)
{
	const char	*p, *label = name;

	for (p = name;; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == label)
				return "empty label in domain name";
			if (p - label > MX_LABEL_MAX)
				return "label longer than 63 octets";
			if (*p == '\0')
				return NULL;
			label = p + 1;
		} else if ((unsigned char)*p >= 0x80)
			return "not ASCII (give the xn-- form of the name)";
		else if (!isalnum((unsigned char)*p) && *p != '-')
			return "invalid character in domain name";
	}
}

const char *
mx_check_domain(const char *domain, char *name, size_t namelen)
{
	const char	*why;
	size_t		 len = strlen(domain);

	if (len > 0 && domain[len - 1] == '.')
		len--;
	if (len == 0)
		return "empty domain name";
	if (len > MX_NAME_MAX)
		return "domain name longer than 253 octets";
	if (len >= namelen)
		return "domain name too long";
	memcpy(name, domain, len);
	name[len] = '\0';
	if ((why = label_trouble(name)) != NULL)
		return why;
	/* The rest of the gateway must agree that this is a domain. */
	if (!addr_valid_domain(name, 0))
		return "not a valid domain name (RFC 5321 4.1.2)";
	return NULL;
}

int
mx_name_address(const char *name, char *addr, size_t addrlen)
{
	if (name[0] == '[')
		return mx_parse_literal(name, addr, addrlen) == 1;
	return normal_address(name, AF_INET, addr, addrlen) == 0 ||
	    normal_address(name, AF_INET6, addr, addrlen) == 0;
}
