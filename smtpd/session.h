/* SPDX-License-Identifier: ISC */
/*
 * The SMTP server's protocol engine: a state machine fed the client's
 * bytes.  It appends its replies to a struct buf and writes accepted
 * messages through the spool writer; it knows nothing of sockets, so
 * main.c, unit tests and fuzzers drive it alike.
 */
#ifndef SMTPD_SESSION_H
#define SMTPD_SESSION_H

#include <stddef.h>

#include "aliases.h"
#include "auth.h"
#include "buf.h"
#include "config.h"
#include "envelope.h"
#include "spool.h"

#define CMD_LINE_MAX	512	/* RFC 5321 4.5.3.1.4, CRLF included */
#define CMD_BUF_MAX	1100	/* MAIL and RCPT may be longer with DSN */
#define TEXT_LINE_MAX	1000	/* RFC 5321 4.5.3.1.6, CRLF included */
#define REPLY_LINE_MAX	512	/* RFC 5321 4.5.3.1.5, CRLF included */

enum state {
	S_FRESH,	/* greeted; no EHLO or HELO yet */
	S_READY,	/* after EHLO or HELO: no transaction open */
	S_MAIL,		/* MAIL accepted, no recipient yet */
	S_RCPT,		/* at least one recipient accepted */
	S_DATA,		/* reading message text up to CRLF.CRLF */
	S_CLOSED	/* after QUIT or 421: input is ignored */
};

/* Which answer to a 334 AUTH awaits (smtpd/auth.c). */
enum auth_step {
	AUTH_IDLE,		/* none: lines are commands */
	AUTH_WANT_PLAIN,	/* PLAIN's message */
	AUTH_WANT_USER,		/* LOGIN's login */
	AUTH_WANT_PASSWORD	/* LOGIN's password */
};

/* The first thing wrong with a message's text; it decides the reply. */
enum data_fault {
	FAULT_NONE,
	FAULT_DISCARD,	/* text sent although DATA was refused */
	FAULT_BARE_CR,
	FAULT_NUL,
	FAULT_LONG_LINE,
	FAULT_TOO_BIG,
	FAULT_SPOOL	/* the spool writer failed */
};

enum data_state {
	D_BOL,		/* at the start of a line */
	D_DOT,		/* the line began with "." */
	D_DOT_CR,	/* the line is "." CR so far */
	D_TEXT,		/* inside a line */
	D_CR		/* CR inside a line, LF expected */
};

struct data_reader {
	enum data_state	 state;
	enum data_fault	 fault;
	char		 line[TEXT_LINE_MAX + 1];	/* text kept, LF end */
	size_t		 kept;		/* octets in line[] */
	size_t		 sent;		/* octets of the line as transmitted,
					 * less a stuffing dot */
	long long	 size;		/* message octets (each line end = 2) */
	int		 after_lf;	/* this line follows a bare LF: it
					 * cannot be the final dot */
	/* -S (submission.c): the header so far lacks Date, Message-ID */
	int		 in_header;	/* still in the header section */
	int		 has_date;
	int		 has_msgid;
};

struct session {
	const struct config	*cf;
	const struct aliases	*aliases;
	struct buf		*out;		/* replies waiting to be sent */
	char			 client[64];	/* address, or "local" */
	int			 may_relay;	/* client is in relayclients */
	enum state		 state;
	int			 esmtp;		/* EHLO (not HELO) was used */
	char			 helo[256];
	int			 errors;	/* protocol errors so far */
	int			 dropped;	/* closed by us with 421 */
	int			 flush_now;	/* sync point: send replies now */
	int			 more_input;	/* main: client sent more already */
	size_t			 input_left;	/* bytes after the current line */

	char			 cmd[CMD_BUF_MAX + 1];	/* command being read */
	size_t			 cmdlen;
	int			 cmd_overflow;	/* too long: skipping to LF */

	struct envelope		 env;		/* the open transaction */
	struct spool_msg	 msg;
	int			 msg_open;	/* msg has files in the spool */
	struct data_reader	 data;
	unsigned		 accepted;	/* messages spooled this session */

	/* TLS (issue 11).  main: whether STARTTLS can be had (tlscert and
	 * tlskey read); the engine: that its 220 to STARTTLS is queued, so
	 * the I/O layer must send it, drop any input after it unread and
	 * start the handshake; the I/O layer, once a handshake has completed
	 * (session_tls_started()): tls and tls_desc. */
	int			 tls_offer;	/* TLS_OFFER_* */
	int			 tls_start;	/* handshake due: input ignored */
	int			 tls;		/* the session runs inside TLS */
	char			 tls_desc[96];	/* version and cipher, for Received */
	/* Set by AUTH when it succeeds: the login (never put in a header). */
	char			 auth_login[256];
	/* AUTH's back end, set by main.c; NULL: AUTH is not available. */
	const struct auth_setup	*auth;
	int			 submission;	/* -S: AUTH before MAIL */
	enum auth_step		 auth_step;
	char			 auth_pending[AUTH_LOGIN_MAX + 1]; /* LOGIN's */
};

#define TLS_OFFER_NONE	0	/* no tlscert and tlskey: 502 to STARTTLS */
#define TLS_OFFER_YES	1	/* EHLO offers STARTTLS */
#define TLS_OFFER_BROKEN 2	/* set but unreadable: 454, logged at start */

/* client is a textual address or "local"; out receives the replies. */
void	session_init(struct session *s, const struct config *cf,
	    const struct aliases *aliases, const char *client, struct buf *out);
void	session_free(struct session *s);
/* The 220 greeting. */
void	session_greet(struct session *s);
/*
 * Feeds bytes from the client; returns how many it used.  It stops early
 * after a sync point (a reply to DATA, to the final dot, to QUIT, or a
 * 421), with s->flush_now set: the caller sends the replies, clears the
 * flag and feeds the rest.  After its 220 to STARTTLS (tls_start set)
 * it counts all the bytes as used, and runs none of them.
 */
size_t	session_input(struct session *s, const char *bytes, size_t len);
/*
 * The I/O layer's TLS handshake after tls_start completed (desc: "VERSION
 * CIPHER"): the session starts over as RFC 3207 4.2 says, all that the
 * client said before forgotten, no greeting.  With -T it is called
 * after the greeting was queued and before it is sent, inside TLS.
 */
void	session_tls_started(struct session *s, const char *desc);
/* The handshake failed (why): logged, and the session is over. */
void	session_tls_failed(struct session *s, const char *why);
/* The client was silent too long (whole: the session's time is up). */
void	session_timeout(struct session *s, int whole);
/* The client closed the connection: any message being read is dropped. */
void	session_eof(struct session *s);
int	session_closed(const struct session *s);
/*
 * Runs the session on fd 0 (input) and fd 1 (replies) until QUIT, end
 * of input, a timeout or a 421; EX_OK, or EX_IOERR if a reply could not
 * be written.
 */
int	session_serve(struct session *s, struct buf *out,
	    const struct config *cf);
/*
 * The same with TLS after STARTTLS, or from the first byte when implicit
 * (-T): the chain and key are in tls (tls.h).  EX_PROTOCOL when a
 * handshake failed (logged; the session is over).
 */
struct tls_server;
int	session_serve_tls(struct session *s, struct buf *out,
	    const struct config *cf, struct tls_server *tls, int implicit);

#endif
