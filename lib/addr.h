/* SPDX-License-Identifier: ISC */
/* RFC 5321 4.1.2 addresses: Path, Mailbox, Local-part, Domain. */
#ifndef SMTPGATE_ADDR_H
#define SMTPGATE_ADDR_H

#include <stddef.h>

#define ADDR_LOCAL_MAX	64	/* RFC 5321 4.5.3.1.1 */
#define ADDR_DOMAIN_MAX	255	/* RFC 5321 4.5.3.1.2 */
#define ADDR_PATH_MAX	256	/* RFC 5321 4.5.3.1.3, with the brackets */

/* flags */
#define ADDR_UTF8	0x01	/* SMTPUTF8: UTF-8 allowed (RFC 6531) */
#define ADDR_NULL_OK	0x02	/* "<>" allowed (the reverse-path) */

enum addr_status {
	ADDR_OK = 0,
	ADDR_SYNTAX,		/* 501 5.1.3 (or 553) */
	ADDR_LOCAL_TOO_LONG,	/* 501 5.1.3 / 553 */
	ADDR_DOMAIN_TOO_LONG,
	ADDR_PATH_TOO_LONG,
	ADDR_NEEDS_UTF8		/* 8-bit bytes without SMTPUTF8: 553 5.6.7 */
};

struct mailbox {
	char	local[ADDR_LOCAL_MAX + 1];	/* as written, quotes and all */
	char	domain[ADDR_DOMAIN_MAX + 1];	/* as written; may be [literal] */
	int	is_null;			/* the null path <> */
	int	is_literal;			/* domain is an address literal */
	int	has_utf8;			/* any byte >= 0x80 */
};

/*
 * Parses a Path ("<" [A-d-l ":"] Mailbox ">") at the start of text.
 * A source route is accepted and dropped, as RFC 5321 4.1.1.3 and
 * appendix C ask.  *used is set to the octets consumed.
 */
enum addr_status addr_parse_path(const char *text, size_t *used,
	    struct mailbox *mb, int flags);
/* Parses a whole "local@domain" (no brackets); the rest must be empty. */
enum addr_status addr_parse_mailbox(const char *text, struct mailbox *mb,
	    int flags);
/* Writes "local@domain" (or "" for the null path) into out. */
void	addr_format(const struct mailbox *mb, char *out, size_t outlen);
/* The local part with quoting removed, for mailbox look-ups. */
void	addr_unquoted_local(const struct mailbox *mb, char *out, size_t outlen);
/* 1 if text is a syntactically valid Domain (names only, no literal). */
int	addr_valid_domain(const char *text, int flags);
const char *addr_strerror(enum addr_status status);
/* The domain of "local@domain": what follows the last "@", or "". */
const char *rcpt_domain(const char *addr);

#endif
