/* SPDX-License-Identifier: ISC */
/*
 * The SMTP client engine (RFC 5321, with RFC 2920 PIPELINING, RFC 1870
 * SIZE, RFC 6152 8BITMIME, RFC 3461 DSN and RFC 6531 SMTPUTF8): a state
 * machine fed the server's reply bytes.  It writes the commands it wants
 * sent into c->out and says what the program around it must do next;
 * it never touches a socket, a clock or the message file.
 */
#ifndef MAILER_CLIENT_H
#define MAILER_CLIENT_H

#include <stddef.h>

#include "buf.h"
#include "reply.h"

struct mime_plan;

#define CLIENT_REPLY_MAX	512	/* "CODE TEXT" kept per recipient */
#define CLIENT_TLS_MAX		96	/* "dane/TLSv1.3/TLS_AES_256_GCM_SHA384" */
/*
 * RCPTs pipelined in one group.  A group and its replies (a few KiB)
 * fit in the sockets' buffers, so neither side can block writing while
 * the other does too (the deadlock RFC 2920 leaves to the client).
 */
#define CLIENT_PIPE_GROUP	100

enum rcpt_result {
	RESULT_PENDING = 0,	/* not tried on any host yet */
	RESULT_OK,		/* the server took responsibility */
	RESULT_DEFER,		/* temporary failure: try again later */
	RESULT_FAIL		/* permanent failure */
};

struct client_rcpt {
	const char	*addr;		/* local@domain */
	const char	*notify;	/* DSN NOTIFY= value, or NULL */
	const char	*orcpt;		/* DSN ORCPT= value, or NULL */
	int		 utf8;		/* the address has 8-bit bytes */
	enum rcpt_result result;
	/* The result holds for this delivery attempt: no other host is
	 * asked.  Unsettled results (connection trouble, a 4xx before any
	 * recipient was accepted) send the recipient on to the next host. */
	int		 settled;
	int		 dsn_offered;	/* the server that took it offered DSN */
	char		 tls[CLIENT_TLS_MAX];	/* how the session that took it
						 * was protected, or "" */
	char		 reply[CLIENT_REPLY_MAX];
	int		 flags;		/* the engine's: RF_* in client.c */
};

struct client_msg {
	const char	*sender;	/* "" is the null reverse-path <> */
	const char	*ret;		/* DSN RET= value, or NULL */
	const char	*envid;		/* DSN ENVID= value (xtext), or NULL */
	long long	 size;		/* RFC 1870 octets, or -1 unknown */
	int		 eightbit;	/* the body has bytes >= 0x80 */
	int		 smtputf8;	/* came with SMTPUTF8 (spoolmgr's -U) */
	/* what message_measure found (deliver.h); zero: not known */
	int		 ascii_headers;	/* no header section has 8-bit bytes */
	int		 convertible;	/* 8-bit MIME that can go as 7 bits */
	long long	 size7;		/* RFC 1870 octets once converted */
	const char	*why_not7;	/* why it cannot be converted, or NULL */
	struct mime_plan *plan;		/* the conversion's (mime.h) */
	struct client_rcpt *rcpts;
	size_t		 nrcpts;
};

enum client_state {
	CS_GREETING, CS_EHLO, CS_HELO, CS_STARTTLS, CS_AUTH, CS_MAIL, CS_RCPT,
	CS_DATA, CS_BODY, CS_DOT, CS_RSET, CS_IDLE, CS_QUIT, CS_DONE
};

/* What the program must do after flushing c->out. */
enum client_next {
	CLIENT_READ,		/* read replies and feed them in */
	CLIENT_SEND_BODY,	/* send the message, then client_body_sent() */
	CLIENT_START_TLS,	/* TLS handshake, then client_tls_started() */
	CLIENT_CLOSE,		/* the session is over: close */
	/* batch mode: this message's transaction is over; the session is
	 * idle until client_next_msg() or client_quit() */
	CLIENT_TX_DONE
};

/*
 * Seconds to wait in each state (RFC 5321 4.5.3.2 by default), and for
 * the connection (0: the configuration's connecttimeout).
 */
struct client_timeouts {
	int	 greeting, helo, mail, rcpt, data, block, dot, quit;
	int	 connect;
};

struct client {
	enum client_state state;
	const char	*helo_name;
	struct client_msg *msg;
	struct reply_parser parser;
	struct buf	 out;		/* commands waiting to be sent */
	/* AUTH (RFC 4954) to a relay host, only ever after STARTTLS
	 * (RFC 3207); NULL: none */
	const char	*auth_user, *auth_pass;
	int		 tls;		/* the session is encrypted now */
	int		 want_tls;	/* STARTTLS when offered (opportunistic) */
	/* TLS is a must with this server (tls=verify, DANE): the reply for
	 * the recipients when it offers no STARTTLS; NULL: it is not */
	const char	*tls_required;
	char		 tls_summary[CLIENT_TLS_MAX];	/* set after TLS */
	int		 auth_step;	/* AUTH LOGIN: what the next 334 wants */
	/* the message goes converted to 7 bits (no 8BITMIME here) */
	int		 convert7;
	/* what the server offered in its EHLO reply */
	int		 pipelining, eightbitmime, dsn, smtputf8, has_size;
	int		 starttls, auth_plain, auth_login;
	long long	 maxsize;	/* 0: no limit given */
	/* the transaction: recipients in the order their RCPTs were sent */
	size_t		*tx;
	size_t		 ntx, nsent, nreplied, naccepted;
	int		 mail_ok;	/* MAIL got 2xx */
	int		 discard;	/* 354 after all RCPTs failed */
	int		 accepted_any;	/* some RCPT got 2xx this session */
	int		 transactions;	/* MAIL commands sent for this message */
	int		 batch;		/* several messages: CLIENT_TX_DONE */
	int		 need_rset;	/* the last transaction ended unfinished */
	unsigned	 messages;	/* messages begun this session */
	unsigned long	 replies;	/* whole replies read this session */
	char		 note[CLIENT_REPLY_MAX];	/* last session error */
};

void	client_default_timeouts(struct client_timeouts *t);
/* -1 on no memory.  msg and helo_name must outlive the session. */
int	client_init(struct client *c, const char *helo_name,
	    struct client_msg *msg);
void	client_free(struct client *c);
/* Feeds reply bytes from the server. */
enum client_next client_input(struct client *c, const char *data, size_t len);
/*
 * Authenticate as user with pass before MAIL: STARTTLS first, then
 * AUTH PLAIN (or LOGIN).  A server offering neither, or refusing them,
 * defers the recipients: the configuration is at fault, not the mail.
 */
void	client_set_auth(struct client *c, const char *user, const char *pass);
/* The TLS handshake after STARTTLS succeeded: EHLO again. */
enum client_next client_tls_started(struct client *c);
/* The message was sent whole: the engine adds the final dot. */
enum client_next client_body_sent(struct client *c);
/*
 * The connection broke, timed out or could not be made.  why is a
 * "CODE X.Y.Z text" reply for the recipients still waiting.
 */
void	client_lost(struct client *c, const char *why);
/*
 * Batch mode (c->batch set before the greeting): after CLIENT_TX_DONE the
 * next message goes over the same session, after an RSET only when the
 * last transaction ended before its final dot (RFC 5321 4.1.1.5).  -1 on
 * no memory.  msg must outlive its transaction.
 */
int	client_next_msg(struct client *c, struct client_msg *msg,
	    enum client_next *next);
/* The session ends: QUIT. */
enum client_next client_quit(struct client *c);
/* Seconds the program should wait for the next reply. */
int	client_wait(const struct client *c, const struct client_timeouts *t);
const char *client_state_name(enum client_state state);
/* 1 if the mailbox text has bytes >= 0x80 (needs SMTPUTF8). */
int	client_is_utf8(const char *addr);

#endif
