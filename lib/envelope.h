/* SPDX-License-Identifier: ISC */
/*
 * The envelope of a spooled message: the N.CMD / N.WRK file of
 * smtpgate-spool(5).  "Key: value" lines; From and the To lines first.
 */
#ifndef SMTPGATE_ENVELOPE_H
#define SMTPGATE_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct recipient {
	char	*addr;		/* local@domain, without brackets */
	char	*notify;	/* DSN NOTIFY value, or NULL */
	char	*orcpt;		/* DSN ORCPT (addr-type;value), canonical as
				   lib/dsnparam.h makes it, or NULL */
};

struct extra_line {
	char	*key;
	char	*value;
};

/* A hash index into rcpts[] or extra[] (lib/envelope_index.c). */
struct addr_slot;
struct addr_index {
	struct addr_slot	*slots;
	size_t			 cap;		/* a power of two, or 0 */
	size_t			 used;
	int			 lost;		/* out of memory once: scan */
};

struct envelope {
	char			*sender;	/* "" is the null reverse-path */
	struct recipient	*rcpts;
	size_t			 nrcpts;
	uint32_t		 id;
	time_t			 date;		/* when accepted, epoch */
	char			*client;	/* peer address, or "local" */
	char			*helo;
	long long		 size;		/* SIZE= declared, or -1 */
	char			*body;		/* 7BIT, 8BITMIME, or NULL */
	char			*ret;		/* FULL, HDRS, or NULL */
	char			*envid;		/* DSN ENVID, or NULL */
	int			 smtputf8;
	/* keys this code does not know (for example recipient state in
	 * out/), kept in order so that a rewrite loses nothing */
	struct extra_line	*extra;
	size_t			 nextra;
	/* kept by envelope_add_rcpt and envelope_add_extra: add lines
	 * through them, and change a line's value only for one that names
	 * the same address */
	struct addr_index	 rcpt_index;	/* address -> rcpts[] */
	struct addr_index	 line_index;	/* key, <address> -> extra[] */
};

void	envelope_init(struct envelope *env);
void	envelope_free(struct envelope *env);
/* Adds a recipient; notify and orcpt may be NULL.  -1 on no memory. */
int	envelope_add_rcpt(struct envelope *env, const char *addr,
	    const char *notify, const char *orcpt);
int	envelope_add_extra(struct envelope *env, const char *key,
	    const char *value);
/* The recipient whose address is the len bytes at addr, or NULL. */
struct recipient *envelope_find_rcpt(const struct envelope *env,
	    const char *addr, size_t len);
/* The first extra line "key: <addr>..." (addr, then '>'), or NULL. */
struct extra_line *envelope_find_line(const struct envelope *env,
	    const char *key, const char *addr);
/*
 * The length of the address at s, up to its closing '>' (or the end):
 * the first '>' after a quoted local part.  (size_t)-1 for an open quote.
 */
size_t	envelope_addr_len(const char *s);
/* envelope.c's upkeep of the indexes, after adding at pos; and freeing */
void	envelope_index_rcpt(struct envelope *env, size_t pos);
void	envelope_index_line(struct envelope *env, size_t pos);
void	envelope_index_free(struct envelope *env);
/* Renders the file's text into a malloc'd string; NULL on no memory. */
char	*envelope_format(const struct envelope *env, size_t *len);
/* Parses a file's text; -1 with a reason in err on malformed input. */
int	envelope_parse(struct envelope *env, const char *text, size_t len,
	    char *err, size_t errlen);
/* Reads and parses a file. */
int	envelope_read(struct envelope *env, const char *path, char *err,
	    size_t errlen);

#endif
