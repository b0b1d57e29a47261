/* SPDX-License-Identifier: ISC */
/*
 * The DSN parameters of RFC 3461 (NOTIFY, ORCPT, RET, ENVID), their xtext
 * encoding, the "utf-8" address type of RFC 6533, and the splitting of
 * MAIL and RCPT parameters: one policy for smtpd, mailer and spoolmgr.
 *
 * The policy: a value is read leniently (a "+" that does not start "+HH"
 * is a plus sign; raw UTF-8 and RFC 6533's "\x{HEX}" in a utf-8
 * address), checked for what it must never hold (control characters,
 * broken UTF-8, too long), and kept in one canonical, 7-bit form: that
 * form is what smtpd spools and what mailer sends.  Reading a canonical
 * form gives it back unchanged, so whatever smtpd spools, mailer takes.
 */
#ifndef SMTPGATE_DSNPARAM_H
#define SMTPGATE_DSNPARAM_H

#include <stddef.h>

#define DSN_ENVID_MAX	100	/* RFC 3461 4.4: the xtext, in octets */
#define DSN_ORCPT_MAX	500	/* RFC 3461 4.2: addr-type ";" and value */
#define DSN_NOTIFY_MAX	32	/* "SUCCESS,FAILURE,DELAY" and room */

/*
 * xtext (RFC 3461 4): "!" to "~" but "+" and "=" as they are, any other
 * octet as "+" and two upper-case hex digits.  -1 when out is too small.
 */
int	dsn_xtext_encode(const char *text, char *out, size_t outlen);
/*
 * The octets of an xtext.  "+HH" (upper-case hex, as RFC 3461 writes
 * it) is one octet; any other "+" stands for itself.  -1 when it would
 * hold a NUL or out is too small.
 */
int	dsn_xtext_decode(const char *xtext, char *out, size_t outlen);
/*
 * An xtext for a header field of a DSN: printable ASCII decoded, every
 * other octet left as "+HH", so that nothing can break the field.
 * Cut short when out is too small.
 */
void	dsn_xtext_display(const char *xtext, char *out, size_t outlen);

/*
 * ORCPT (RFC 3461 4.2): "addr-type;value".  Reads value leniently and
 * writes the canonical form: xtext for rfc822 and other types, the
 * utf-8-addr-xtext of RFC 6533 3 for utf-8.  -1 when the value is
 * malformed, holds a control character or broken UTF-8, or its
 * canonical form is longer than DSN_ORCPT_MAX.  out may be NULL (a
 * check only).
 */
int	dsn_orcpt_canon(const char *value, char *out, size_t outlen);
/*
 * The ORCPT naming a recipient address (an alias, for its targets):
 * rfc822 for an ASCII address, utf-8 (RFC 6533) for one with UTF-8.
 */
int	dsn_orcpt_of_addr(const char *addr, char *out, size_t outlen);
/*
 * An Original-Recipient field's value (RFC 3464 2.3.1) from a spooled
 * ORCPT: "addr-type;address", 7-bit and without control characters.
 */
void	dsn_orcpt_field(const char *orcpt, char *out, size_t outlen);

/*
 * ENVID (RFC 3461 4.4): an xtext of printable ASCII, read as ORCPT's
 * value is, written canonical.  -1 when malformed or longer than
 * DSN_ENVID_MAX once canonical.  out may be NULL.
 */
int	dsn_envid_canon(const char *value, char *out, size_t outlen);
/* Encodes a plain-text envelope id (mailer -V); -1 when too long. */
int	dsn_envid_of_text(const char *text, char *out, size_t outlen);

/*
 * NOTIFY (RFC 3461 4.1): NEVER, or SUCCESS, FAILURE, DELAY (any case,
 * each once) in a comma list.  Writes it upper-case, in that order; -1
 * when malformed.  out may be NULL.
 */
int	dsn_notify_canon(const char *value, char *out, size_t outlen);
/* Whether a NOTIFY value asks for what; none means FAILURE and DELAY. */
int	dsn_notify_wants(const char *notify, const char *what);
/* RET (RFC 3461 4.3): "FULL" or "HDRS" for any case of them, or NULL. */
const char *dsn_ret_canon(const char *value);

/*
 * The length of the path "<...>" at the start of text, up to and with
 * the ">" that closes it: a ">" inside a quoted local part or after a
 * backslash does not.  0 when text is not a closed path.
 */
size_t	dsn_path_len(const char *text);
/*
 * Splits the next "KEYWORD[=VALUE]" (RFC 5321 4.1.2 esmtp-param) off
 * *rest, in place; *rest becomes NULL after the last.  *value is NULL
 * when there is no "=".  -1 when the parameter breaks the syntax.
 */
int	dsn_next_param(char **rest, char **keyword, char **value);

#endif
