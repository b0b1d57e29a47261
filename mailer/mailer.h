/* SPDX-License-Identifier: ISC */
/* The two modes of mailer and what they share. */
#ifndef MAILER_MAILER_H
#define MAILER_MAILER_H

#include <stdio.h>

#include "auth.h"
#include "client.h"
#include "config.h"
#include "deliver.h"

#define USAGE_X "usage: mailer -x -f sender [-DUv] [-C file] [-N notify] " \
	"[-R ret] [-T timeouts] [-V envid] -h host[:port] ... rcpt ...\n" \
	"       mailer -x -B [-DUv] [-C file] [-N notify] [-T timeouts] " \
	"-h host[:port] ... < batch\n"
#define USAGE_SENDMAIL "usage: mailer [-itv] [-C file] [-F name] " \
	"[-f sender] [-N notify] [-R ret] [-T timeouts] [-V envid] " \
	"[-w seconds] [-odb | -odi | -odq] [rcpt ...]\n" \
	"       mailer -bv [-C file] rcpt ...\n" \
	"       mailer -bp | -bs | -bi | -I | -q[time] [-C file]\n"

int	xmode_main(int argc, char **argv);
int	sendmail_main(int argc, char **argv);
/* -bp: lists the queue. */
int	queue_list(const struct config *cf);

/* common.c: what both modes use */
/* "ok", "defer" or "fail": the word for a result in a report line. */
const char *result_word(enum rcpt_result result);
/* Gives up the set-group-ID privilege for good. */
void	drop_group(void);
/*
 * With relayhost and authfile set, loads the credentials into cr and
 * points opt at them; -1 with a reply for the recipients in why.
 */
int	relay_credentials(const struct config *cf, struct credentials *cr,
	    struct deliver_opts *opt, char *why, size_t whylen);
/* The options the config gives a delivery: our name, timeouts. */
void	deliver_opts_from(struct deliver_opts *opt, const struct config *cf);
/* direct.c */
/* The MX resolver's options from the config (resolver=, dnstimeout=). */
void	mx_options_from(struct mx_options *mo, const struct config *cf);
/*
 * Delivers to each domain's exchangers (RFC 5321 5.1) or to the
 * relayhost: recipients grouped by domain.  Leaves the results in msg.
 */
void	deliver_by_domain(struct client_msg *msg, int msgfd,
	    const struct config *cf, const struct deliver_opts *opt);

#endif
