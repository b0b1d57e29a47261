/* SPDX-License-Identifier: ISC */
/*
 * Delivery of one message to one list of hosts: connect to each address
 * in turn and run the client engine over the socket (RFC 5321 5.1).
 */
#ifndef MAILER_DELIVER_H
#define MAILER_DELIVER_H

#include <stddef.h>
#include <time.h>

#include "client.h"
#include "mime.h"
#include "mx.h"

struct host {
	char	 name[256];	/* for messages: the name given or the MX */
	char	 address[64];	/* numeric IPv4 or IPv6 */
	int	 port;
	/* the domain whose MX records named this host, "" when it was
	 * named by the configuration: DANE asks whether they were secure */
	char	 mx_domain[256];
};

struct host_list {
	struct host	*hosts;
	size_t		 count;
};

struct deliver_opts {
	const char		*helo;		/* our name in EHLO */
	struct client_timeouts	 timeouts;
	int			 connect_timeout;
	time_t			 deadline;	/* no new host after; 0: none */
	int			 verbose;	/* protocol to stderr */
	/* credentials for the relay host (authfile), or NULL */
	const char		*auth_user, *auth_pass;
	int			 tls_mode;	/* enum tls_mode (tls.h) */
	const char		*tlscafile;	/* tls=verify's CAs, or NULL */
	struct mx_options	 mo;		/* DANE's DNS questions */
	/* called after a message's text is sent, before its final dot:
	 * the last moment to hold the message back (or NULL) */
	void			(*before_dot)(void *);
	void			*before_dot_arg;
};

/*
 * Splits "HOST", "HOST:PORT", "[ADDR]:PORT" or a bare IPv6 address and
 * adds every address of HOST to list: a numeric one as it is,
 * "localhost" as 127.0.0.1 and ::1, a name by its A and AAAA records
 * through the resolver of mo (resolver=, as for MX look-ups).
 * "NAME=ADDR:PORT" or "NAME=[ADDR]:PORT" is an exchanger that an MX
 * record named (spoolmgr passes mxlookup's so): the address as given,
 * NAME for TLS and messages.  -1 with a reason.
 */
int	hosts_add(struct host_list *list, const char *spec, int default_port,
	    const struct mx_options *mo, char *err, size_t errlen);
int	hosts_add_one(struct host_list *list, const char *name,
	    const char *address, int port);
void	hosts_free(struct host_list *list);
/* Notes domain (from the address addr) as the MX domain of the
 * exchangers named by MX records ("NAME=" hosts). */
void	hosts_set_mx_domain(struct host_list *list, const char *addr);

/*
 * Octets as RFC 1870 counts them and 8-bit-ness of the message at fd
 * into msg; for 8-bit mail also whether its header sections are ASCII
 * (then SMTPUTF8 is not needed for them) and whether and how it can be
 * converted to 7 bits (mime.h), in plan (free it with mime_plan_free).
 */
int	message_measure(int fd, struct client_msg *msg, struct mime_plan *plan);

/*
 * Tries the hosts in order for every recipient of msg not yet settled;
 * leaves each recipient's result and reply in msg->rcpts.
 */
void	deliver_to_hosts(const struct host_list *hosts, struct client_msg *msg,
	    int msgfd, const struct deliver_opts *opt);

/*
 * One message of a batch: its envelope and an open file of its text.
 * prepare (if set) is called just before its turn (to measure it, say);
 * non-zero: it has set the recipients' results itself.
 */
struct batch_item {
	struct client_msg	*msg;
	int			 fd;
	int			(*prepare)(struct batch_item *, void *);
	void			*data;		/* the caller's */
};

/*
 * Delivers the items in order, over one session per host for as many as
 * batchsize messages (RFC 5321 5.1 for each message, as
 * deliver_to_hosts), calling done after each message with its results.
 * 1 when every host was found down (the reply why in down).
 */
int	deliver_batch(const struct host_list *hosts, struct batch_item *items,
	    size_t n, const struct deliver_opts *opt, size_t batchsize,
	    void (*done)(struct batch_item *, void *), void *arg, char *down,
	    size_t downlen);

#endif
