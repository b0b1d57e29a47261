/* SPDX-License-Identifier: ISC */
/*
 * Text from the network or a user made safe to show: on a terminal its
 * control characters would move the cursor, retitle the window or clear
 * the screen (ESC [ 2 J, ESC ] 0 ; ... BEL), and in a log a CR or LF
 * would forge lines.  UTF-8 that is valid and printable stays as it is.
 */
#ifndef SMTPGATE_VISIBLE_H
#define SMTPGATE_VISIBLE_H

#include <stddef.h>

#include "buf.h"

#define VISIBLE_KEEP_TAB	0x1	/* a tab stays (folded header lines) */
/* A backslash stays: the text was made visible once already (a journal
 * field), and showing it again must not double its escapes. */
#define VISIBLE_KEEP_BACKSLASH	0x2

/*
 * Appends len bytes of s to b with every C0 control, DEL and C1 control
 * (U+0080-U+009F), and every byte that is not part of valid UTF-8, in a
 * visible form: \r, \n, \t, else \xHH per byte; a backslash becomes \\,
 * so that the form cannot be forged.  -1 on no memory.
 */
int	 visible_append(struct buf *b, const char *s, size_t len, int flags);
/* The same, stopping before the character whose visible form would make
 * b longer than max bytes: text is cut between escapes, never in one. */
int	 visible_append_max(struct buf *b, const char *s, size_t len,
	    int flags, size_t max);
/*
 * The inverse of visible_append, in place: \\, \t, \r, \n and \xHH back
 * to their bytes (a \x00 ends the string), anything else kept, so that a
 * journal field is given to a JSON reader exactly as it was received.
 */
void	 visible_undo(char *s);
/* b emptied, then visible_append of the string s; b's text ("" on no
 * memory or NULL s), to print at once. */
const char *visible(struct buf *b, const char *s);
/*
 * Appends s as a JSON string with its quotes: the controls above as
 * \u00XX, a byte that is not valid UTF-8 as \ufffd (JSON text must be
 * Unicode).  -1 on no memory.
 */
int	 visible_json(struct buf *b, const char *s);

#endif
