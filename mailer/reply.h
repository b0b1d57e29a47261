/* SPDX-License-Identifier: ISC */
/*
 * SMTP replies (RFC 5321 4.2): "CODE-text" lines, then "CODE text".
 * A push parser: fed whatever bytes arrived, it says when a whole reply
 * is there.  No I/O inside, so the client engine and its tests share it.
 */
#ifndef MAILER_REPLY_H
#define MAILER_REPLY_H

#include <stddef.h>

#define REPLY_LINE_MAX	1024	/* longer lines are cut, not refused */
#define REPLY_TEXT_MAX	4096	/* all the lines' texts, LF separated */

struct reply {
	int	 code;		/* 200..599, or 0: the server broke the syntax */
	char	 text[REPLY_TEXT_MAX];	/* each line's text after "CODE-" */
	size_t	 textlen;
	int	 lines;
};

struct reply_parser {
	char		 line[REPLY_LINE_MAX];
	size_t		 linelen;
	int		 overflow;	/* the line is longer than line[] */
	struct reply	 cur;		/* the reply being read */
};

void	reply_init(struct reply_parser *p);
/*
 * Consumes bytes from data until a reply is complete; *used says how
 * many.  Returns 1 with the reply in *out, 0 when more bytes are needed.
 */
int	reply_feed(struct reply_parser *p, const char *data, size_t len,
	    size_t *used, struct reply *out);
/*
 * The reply as one line for people and for spoolmgr: "CODE text text",
 * the lines joined by spaces, control bytes made '?', cut at outlen.
 */
void	reply_summary(const struct reply *r, char *out, size_t outlen);
/* The enhanced status code at the start of the text ("5.1.1"), or "". */
void	reply_enhanced(const struct reply *r, char *out, size_t outlen);

#endif
