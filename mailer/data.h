/* SPDX-License-Identifier: ISC */
/*
 * The message as it goes on the wire after DATA (RFC 5321 4.5.2,
 * RFC 5322 2.1.1), as a streaming filter in constant memory:
 *   - every line ends in CR LF: a LF alone becomes CR LF, and so does a
 *     CR alone (a lone CR is never sent, so no next hop can read a
 *     CR LF "." CR LF in it that was not there);
 *   - a line that starts with "." gets one more "." (dot-stuffing);
 *   - a line longer than 998 octets is broken after 998 octets: in the
 *     header section with CR LF SP, which folds the field and keeps it
 *     one field, in the body with CR LF;
 *   - a last line without its line end gets one.
 * The final "." line is the engine's to send.
 */
#ifndef MAILER_DATA_H
#define MAILER_DATA_H

#include <stddef.h>

#include "buf.h"

#define DATA_LINE_MAX	998	/* octets before CR LF, RFC 5322 2.1.1 */

struct data_filter {
	size_t		 linelen;	/* octets of this line sent so far */
	int		 pending_cr;	/* a CR was read, its LF may follow */
	int		 in_header;	/* before the first empty line */
	long long	 octets;	/* sent, without the stuffed dots */
	int		 eightbit;	/* a byte >= 0x80 was seen */
};

void	data_init(struct data_filter *f);
/* Converts len bytes of message into out.  -1 when out cannot grow. */
int	data_feed(struct data_filter *f, const char *in, size_t len,
	    struct buf *out);
/* Ends the last line if it had no line end. */
int	data_finish(struct data_filter *f, struct buf *out);

#endif
