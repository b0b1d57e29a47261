/* SPDX-License-Identifier: ISC */
/*
 * The mailboxes of an RFC 5322 3.4 address-list (To:, Cc:, Bcc:):
 * display names, comments, quoted strings, groups and angle-addrs.
 * Lenient: what a user's MUA writes, not only what the RFC allows.
 */
#ifndef MAILER_ADDRLIST_H
#define MAILER_ADDRLIST_H

#include <stddef.h>

#include "buf.h"

/*
 * Calls add(addr, arg) for each address in value, as "local@domain" or
 * as written when it has no "@".  Returns -1 if add does, else 0.
 */
int	addrlist_parse(const char *value,
	    int (*add)(const char *addr, void *arg), void *arg);

/*
 * Appends the field body value (len octets) to out with "@domain" after
 * each address that has none: "root", "root (Cron Daemon)", "Cron
 * <root>", the members of a group.  Everything else is copied as it is
 * (names, comments, quoted strings, folding); what is not one plain
 * address is left alone.  Returns -1 when out of memory.
 */
int	addrlist_qualify(const char *value, size_t len, const char *domain,
	    struct buf *out);

#endif
