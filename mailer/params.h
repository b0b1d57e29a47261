/*
 * Checks of what users and spoolmgr hand to mailer: addresses and the
 * DSN parameters of RFC 3461.  Anything that could carry a CR, LF or
 * space into an SMTP command is refused here, before any connection.
 */
#ifndef MAILER_PARAMS_H
#define MAILER_PARAMS_H

#include <stddef.h>

#include "client.h"

/* 0 when addr is a valid local@domain ("" too when null_ok). */
int	param_address(const char *addr, int null_ok);
/*
 * 1 when a and b are one mailbox: the same local part (case counts,
 * RFC 5321 2.4) at the same domain (case does not).
 */
int	param_same_address(const char *a, const char *b);
/* NEVER, or a comma list of SUCCESS, FAILURE, DELAY (RFC 3461 4.1). */
int	param_notify(const char *value);
/* FULL or HDRS (RFC 3461 4.3). */
int	param_ret(const char *value);
/* xtext (RFC 3461 4): printable ASCII but "=", "+" only as "+HH". */
int	param_xtext(const char *value);
/* addr-type ";" xtext (RFC 3461 4.2). */
int	param_orcpt(const char *value);
/* Encodes text as xtext into out; -1 when it does not fit. */
int	param_to_xtext(const char *text, char *out, size_t outlen);
/*
 * A recipient operand of -x mode: "ADDR" or "ADDR NOTIFY=... ORCPT=..."
 * (ADDR may be in angle brackets).  Fills r, pointing into the
 * modified copy in text; -1 with a reason in err.
 */
int	param_rcpt_operand(char *text, const char *default_notify,
	    struct client_rcpt *r, char *err, size_t errlen);
/*
 * "-T" values: "SECONDS" for every wait, or a comma list of
 * NAME=SECONDS with NAME one of greeting, helo, mail, rcpt, data,
 * block, dot, quit, connect.
 */
int	param_timeouts(const char *text, struct client_timeouts *t);

#endif
