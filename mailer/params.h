/* SPDX-License-Identifier: ISC */
/*
 * Checks of what users and spoolmgr hand to mailer: addresses and the
 * DSN parameters of RFC 3461 (read by lib/dsnparam.c).  Anything that
 * could carry a CR, LF or space into an SMTP command is refused here,
 * before any connection.
 */
#ifndef MAILER_PARAMS_H
#define MAILER_PARAMS_H

#include <stddef.h>

#include "client.h"
#include "dsnparam.h"

/* 0 when addr is a valid local@domain ("" too when null_ok). */
int	param_address(const char *addr, int null_ok);
/*
 * 1 when a and b are one mailbox: the same local part (case counts,
 * RFC 5321 2.4) at the same domain (case does not).
 */
int	param_same_address(const char *a, const char *b);
/*
 * A recipient operand of -x mode: "ADDR" or "ADDR NOTIFY=... ORCPT=..."
 * (ADDR may be in angle brackets).  Fills r, pointing into the
 * modified copy in text, but for r->orcpt: the canonical ORCPT
 * (lib/dsnparam.h) in malloc'd memory.  -1 with a reason in err.
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
