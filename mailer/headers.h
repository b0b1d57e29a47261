/* SPDX-License-Identifier: ISC */
/*
 * sendmail mode's reading of the message from a script: the header
 * section in memory (bounded), the body streamed into the spool.
 *   - Line ends (CR LF, LF, a lone CR) are stored as LF (smtpgate-spool(5)).
 *   - Without -i, a line with a single "." ends the message.
 *   - A first line "From " (an mbox separator) is dropped.
 *   - The header section ends at the first line that is not a field or
 *     a continuation; if that line is not empty an empty line is put
 *     before it, so a message without a header gets one.
 *   - Bcc: fields are removed; From:, Date: and Message-ID: are added
 *     when missing (RFC 5322 3.6); with -t the recipients are taken
 *     from To:, Cc: and Bcc:.
 *   - An address without a domain in an address field (From:, To:,
 *     Reply-To:, ...) gets "@hostname" (addrlist_qualify), as sendmail
 *     and Postfix qualify locally submitted mail.
 */
#ifndef MAILER_HEADERS_H
#define MAILER_HEADERS_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "spool.h"
#include "text.h"	/* rfc5322_date */

#define HEADER_SECTION_MAX	(1024 * 1024)	/* octets */
#define LINE_CHUNK		65536		/* longest header line */

struct header_opts {
	int		 dot_ends;	/* no -i: "." alone ends the input */
	int		 extract;	/* -t */
	const char	*from;		/* From: value when there is none */
	const char	*received;	/* the Received: field, first */
	const char	*hostname;	/* right side of the Message-ID; the
					 * domain of unqualified addresses */
	uint32_t	 id;
	time_t		 now;
	long long	 maxsize;	/* octets of message; 0: no limit */
	long long	 idle_timeout;	/* seconds without input; 0: none */
	/* -t: each address found in To, Cc, Bcc; -1 stops with an error */
	int		(*add_rcpt)(const char *addr, void *arg);
	void		*arg;
};

/* Why message_copy failed, in *data_error. */
#define COPY_IO_ERROR	0	/* reading or writing failed */
#define COPY_DATA_ERROR	1	/* the message itself is at fault */
#define COPY_TIMED_OUT	2	/* no input for idle_timeout seconds */
#define COPY_INTERRUPTED 3	/* SIGHUP, SIGINT or SIGTERM */

/*
 * Copies the message from in into msg.  Returns 0, or -1 with err set
 * ("what: why") and *data_error one of COPY_*.  It stops reading as soon
 * as the input is larger than maxsize, so a writer cannot fill the
 * spool; with idle_timeout it uses ITIMER_REAL and SIGALRM meanwhile,
 * and it catches SIGHUP, SIGINT and SIGTERM (unless ignored) so that
 * the caller can remove the files.
 */
int	message_copy(FILE *in, struct spool_msg *msg,
	    const struct header_opts *o, char *err, size_t errlen,
	    int *data_error);

#endif
