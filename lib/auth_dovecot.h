/* SPDX-License-Identifier: ISC */
/*
 * dovecotauth=SOCKET: Dovecot's authentication service asked over its
 * "auth client" protocol (as Postfix's smtpd_sasl_type = dovecot does),
 * so that mail is sent with the same logins and passwords as IMAP.
 *
 *	C: VERSION 1 1, CPID pid
 *	S: VERSION 1 n, MECH ..., SPID, CUID, COOKIE, DONE
 *	C: AUTH id PLAIN service=smtp nologin [rip=addr] secured resp=b64
 *	S: OK id [user=login] | FAIL id [temp] [reason=...] | CONT id ...
 *
 * Fields are separated by TAB, lines end with LF.  One connection per
 * AUTH, opened after smtpd gave up root: the socket must let smtpd's
 * user in (Dovecot's unix_listener mode and user).  The server's lines
 * are parsed by dovecot_reply(), free of I/O, which the fuzzer drives.
 */
#ifndef SMTPGATE_AUTH_DOVECOT_H
#define SMTPGATE_AUTH_DOVECOT_H

#include <stddef.h>

#include "auth.h"

#define DOVECOT_LINE_MAX	16384	/* what Dovecot's own clients allow */
#define DOVECOT_TIMEOUT_MAX	30	/* seconds for one conversation */

enum dovecot_step {
	DV_MORE,	/* line taken: read another */
	DV_HANDSHAKE_DONE, /* send AUTH now */
	DV_OK,
	DV_FAIL,
	DV_TEMPFAIL,	/* FAIL with "temp": Dovecot cannot tell now */
	DV_ERROR	/* not the protocol: why says what */
};

struct dovecot_conv {
	int		 state;	/* 0 VERSION, 1 handshake, 2 reply, 3 done */
	int		 has_plain;	/* MECH PLAIN offered */
	unsigned	 id;		/* of our AUTH */
	char		 user[AUTH_LOGIN_MAX + 1]; /* OK's user=, or "" */
	char		 why[160];	/* FAIL's reason=, or the error */
};

void	dovecot_start(struct dovecot_conv *c, unsigned id);
/* One line from the server, without its LF (len octets, maybe NULs). */
enum dovecot_step dovecot_reply(struct dovecot_conv *c, const char *line,
	    size_t len);
/*
 * The AUTH line (LF-terminated) for login and password from client
 * ("local" or an address); -1 when it does not fit in out.
 */
int	dovecot_auth_line(const struct dovecot_conv *c, const char *login,
	    const char *password, const char *client, char *out,
	    size_t outlen);

/*
 * The whole conversation on the socket at path, within timeout
 * seconds.  AUTH_OK puts Dovecot's name for the login in canon;
 * AUTH_TEMPFAIL and AUTH_FAIL leave the reason in why.
 */
enum auth_result dovecot_check(const char *path, int timeout,
	    const char *login, const char *password, const char *client,
	    char *canon, size_t canonlen, char *why, size_t whylen);

#endif
