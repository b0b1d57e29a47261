/*
 * The mailboxes of an RFC 5322 3.4 address-list (To:, Cc:, Bcc:):
 * display names, comments, quoted strings, groups and angle-addrs.
 * Lenient: what a user's MUA writes, not only what the RFC allows.
 */
#ifndef MAILER_ADDRLIST_H
#define MAILER_ADDRLIST_H

#include <stddef.h>

/*
 * Calls add(addr, arg) for each address in value, as "local@domain" or
 * as written when it has no "@".  Returns -1 if add does, else 0.
 */
int	addrlist_parse(const char *value,
	    int (*add)(const char *addr, void *arg), void *arg);

#endif
