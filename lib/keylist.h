/* SPDX-License-Identifier: ISC */
/*
 * The reader shared by the files of "key: value, value" lines (the
 * aliases file, authsenders=).  Blank lines and comments are skipped;
 * each other line must hold a ':', and is handed to the caller as its
 * key (trimmed, maybe empty), its values (non-empty, maybe none) and its
 * line number.  The caller keeps its own rules for what a key or a
 * value may be; any refusal becomes "PATH:LINE: why".
 */
#ifndef SMTPGATE_KEYLIST_H
#define SMTPGATE_KEYLIST_H

#include <stddef.h>

/*
 * Where '#' starts a comment: from any '#' to the end of the line
 * (aliases), or only as the first character that is not white space
 * (authsenders, whose addresses may hold a '#').
 */
#define KEYLIST_HASH_ANYWHERE	0x01
/* Values split on commas and blanks, not on commas only (and trimmed). */
#define KEYLIST_SPLIT_BLANKS	0x02
/* A file that does not exist (or a NULL path) reads as no lines. */
#define KEYLIST_MISSING_EMPTY	0x04

struct keylist_entry {
	char	 *key;		/* trimmed; points into the line */
	char	**values;	/* NULL-terminated; into the line, writable */
	int	  lineno;
};

/*
 * Called for each entry; the strings live until it returns (copy what
 * is kept).  Returns 0, or -1 with why (left empty: "out of memory").
 */
typedef int	keylist_entry_fn(void *arg, const struct keylist_entry *entry,
		    char *why, size_t whylen);

struct keylist_format {
	int		 flags;		/* KEYLIST_* */
	const char	*no_colon;	/* why, for a line without ':' */
	keylist_entry_fn *entry;
	void		*arg;
};

/* 0 when every entry was taken; -1 with "PATH:LINE: why" or "PATH: why". */
int	keylist_read(const char *path, const struct keylist_format *format,
	    char *err, size_t errlen);

#endif
