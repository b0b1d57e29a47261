/* The two modes of mailer and what they share. */
#ifndef MAILER_MAILER_H
#define MAILER_MAILER_H

#include <stdio.h>

#include "client.h"
#include "config.h"
#include "deliver.h"

#define USAGE_X "usage: mailer -x -f sender [-Uv] [-C file] [-N notify] " \
	"[-R ret] [-T timeouts] [-V envid] -h host[:port] ... rcpt ...\n"
#define USAGE_SENDMAIL "usage: mailer [-itqv] [-C file] [-F name] " \
	"[-f sender] [-N notify] [-R ret] [-T timeouts] [-V envid] " \
	"[-w seconds] [rcpt ...]\n       mailer -bp [-C file]\n"

int	xmode_main(int argc, char **argv);
int	sendmail_main(int argc, char **argv);
/* -bp: lists the queue. */
int	queue_list(const struct config *cf);

/* A copy of fd 0 that can be read again from the start; -1 on error. */
int	message_from_stdin(char *err, size_t errlen);
/* "ADDR ok|defer|fail CODE TEXT" lines, in recipient order. */
int	results_print(FILE *out, const struct client_msg *msg);
const char *result_word(enum rcpt_result result);
/* The options the config gives a delivery: our name, timeouts. */
void	deliver_opts_from(struct deliver_opts *opt, const struct config *cf);
/*
 * Delivers to each domain's exchangers (RFC 5321 5.1) or to the
 * relayhost: recipients grouped by domain.  Leaves the results in msg.
 */
void	deliver_by_domain(struct client_msg *msg, int msgfd,
	    const struct config *cf, const struct deliver_opts *opt);

#endif
