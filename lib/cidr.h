/* SPDX-License-Identifier: ISC */
/* CIDR lists such as relayclients=127.0.0.0/8 ::1/128 10.1.0.0/16 */
#ifndef SMTPGATE_CIDR_H
#define SMTPGATE_CIDR_H

#include <stddef.h>

struct cidr {
	int		family;		/* AF_INET or AF_INET6 */
	unsigned char	addr[16];
	int		prefix;		/* bits */
};

struct cidr_list {
	struct cidr	*items;
	size_t		 count;
};

/* Parses a list separated by commas or white space; -1 and err on error. */
int	cidr_list_parse(struct cidr_list *list, const char *text,
	    char *err, size_t errlen);
void	cidr_list_free(struct cidr_list *list);
/* 1 if the textual address (IPv4, IPv6, or IPv4-mapped IPv6) is inside. */
int	cidr_list_match(const struct cidr_list *list, const char *address);

#endif
